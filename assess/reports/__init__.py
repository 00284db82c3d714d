"""The PDF report of a submitted assessment, with its benchmarks (issue 6), written for a board (issue 13).

- routes.py: the download route (blueprint `reports`), guarded by the access policy like the results page; a
  peer group asked for that is unknown or not shown gets a page saying so (templates/reports/group_not_found.html);
- build.py: what the report shows (assess.services.results), its cache key, and making it with assess.pdf.
"""
