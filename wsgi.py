"""The WSGI entry point: `flask --app wsgi run`, or gunicorn (`make serve`: scripts/gunicorn.conf.py, `wsgi:app`).

Behind a reverse proxy, set TRUSTED_PROXY_COUNT to the number of proxies that set X-Forwarded-* headers: only
then are those headers believed (werkzeug's ProxyFix, trusting that many hops). With the default 0 they are
ignored, so nobody can claim another address or HTTPS by sending the headers themselves.
"""

from __future__ import annotations

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


app = trust_proxies(create_app())
