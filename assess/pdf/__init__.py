"""The PDF rendering library: no Flask, no database. The app (assess.reports) hands it HTML and charts.

- svg.py: plotly figures -> SVG with kaleido, one Chromium per process, reused;
- render.py: HTML -> PDF with WeasyPrint in a render process that is killed at the time limit;
- pool.py: each app process's render processes, as many as its cores, taken first come first served with a
  bounded wait that is not part of the time limit (render.worker() is this process's pool);
- worker.py: the render process itself (WeasyPrint, one job at a time; the charts handed over as they are made);
- textruns.py: SVG labels drawn a run at a time rather than letter by letter (render speed);
- charturl.py: the `report-chart:N` URLs of a report's charts;
- fetcher.py: the URL fetcher WeasyPrint gets (data: URLs, the app's static files and the report's own
  charts only);
- cache.py: finished reports on disk, keyed by their content and benchmark snapshot, bounded.

Importing this package does not import WeasyPrint or start anything: Chromium and the render processes
start on the first report a process makes.
"""
