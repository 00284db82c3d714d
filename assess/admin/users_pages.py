"""Admin pages: being written (issue 14, item 8)."""
