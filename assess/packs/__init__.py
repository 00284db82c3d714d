"""The evidence pack of a submitted assessment (issue 11): a PDF for the inspection file and a CSV with one
row per area. The inspector's copy carries internal notes; the site's copy never does."""
