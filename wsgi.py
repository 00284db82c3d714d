"""The WSGI entry point: `flask --app wsgi run`, or gunicorn (`make serve`: scripts/gunicorn.conf.py, `wsgi:app`).

Behind a reverse proxy, set TRUSTED_PROXY_COUNT to the number of proxies that set X-Forwarded-* headers: only
then are those headers believed (werkzeug's ProxyFix, trusting that many hops). With the default 0 they are
ignored, so nobody can claim another address or HTTPS by sending the headers themselves.
"""

from __future__ import annotations

import gc

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from assess import create_app


def trust_proxies(app: Flask) -> Flask:
    """Believe X-Forwarded-For/-Proto/-Host/-Port/-Prefix from as many proxies as TRUSTED_PROXY_COUNT says."""
    count = int(app.config.get("TRUSTED_PROXY_COUNT") or 0)
    if count > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count, x_prefix=count
        )
    return app


def freeze_start_up_objects() -> None:
    """Everything built so far (the modules, the app, its configuration, the questionnaires) lives as long as
    the process: gc.freeze() moves it out of the cyclic garbage collector's sight, so that a full collection
    scans the objects requests make, not about 130,000 that never change (a full collection took 65 to 110 ms
    before, a pause in every worker every few hundred requests; about 10 ms after: issue 15)."""
    gc.collect()
    gc.freeze()


app = trust_proxies(create_app())
freeze_start_up_objects()
