"""The PDF report of a submitted assessment, with its benchmarks (issue 6).

- routes.py: the download route (blueprint `reports`), guarded by the access policy like the results page;
- build.py: what the report shows (assess.services.results), its cache key, and making it with assess.pdf.
"""
