"""The PDF report of a submitted assessment, with its benchmarks (issue 6).

- routes.py: the download route (blueprint `reports`), guarded like the results page;
- build.py: what the report shows (the results page's own functions), its cache key, and making it;
- svg.py: plotly figures -> SVG with kaleido, one Chromium per process, reused;
- pdf.py: HTML -> PDF with WeasyPrint in a render process that is killed at the time limit;
- fetcher.py: the URL fetcher WeasyPrint gets (data: URLs and the app's static files only);
- cache.py: finished reports on disk, keyed by their content and benchmark snapshot, bounded.

Importing this package does not import WeasyPrint or start anything: Chromium and the render process
start on the first report a process makes.
"""
