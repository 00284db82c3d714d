"""The commissioner's board pack: an area PDF and CSV, named and anonymised."""

from __future__ import annotations
