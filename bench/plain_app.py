"""The yardstick for bench/page_speed.py: a plain Flask app that returns a short string, served by gunicorn with
the same settings as SUI Assess (scripts/gunicorn.conf.py), so that a page's throughput can be given as a share
of what the same server, machine and moment allow for a request that does nothing.

    .venv/bin/gunicorn --config scripts/gunicorn.conf.py --chdir bench plain_app:app
"""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def plain() -> str:
    return "Hello from a plain Flask app"
