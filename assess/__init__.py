"""SUI Assess: service user involvement maturity self-assessment for prisons and probation."""

from __future__ import annotations

import gc
import logging
import secrets
import sys
from pathlib import Path
from typing import Any

from flask import Flask, g, request
from flask_security import SQLAlchemyUserDatastore
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from assess import config as config_module
from assess.common.templating import App
from assess.extensions import csrf, db, migrate, security, wtforms_helpers
from assess.questionnaire.loader import QuestionnaireError, Registry, check_published, load_registry

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = App(__name__, instance_relative_config=True, static_url_path="/assets")
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(config_module.from_environment(Path(app.instance_path)))
    if config:
        app.config.update(config)
    app.jinja_loader = ChoiceLoader(
        [
            PackageLoader("assess", "templates"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.add_extension("jinja2.ext.do")

    from assess.common import edge

    edge.register(app)  # first: every request's text is cleaned, and its size limited, before anything reads it
    db.init_app(app)
    with app.app_context():
        from assess.data import engine as engine_setup

        engine_setup.configure(db.engine)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    from assess.auth import sessions

    sessions.register(app)  # before the CSRF check: a form posted after the session ended is kept, not refused
    csrf.init_app(app)
    wtforms_helpers.init_app(app)

    from assess.models import Role, User

    security.init_app(app, SQLAlchemyUserDatastore(db, User, Role), register_blueprint=False)

    app.extensions["questionnaires"] = _load_questionnaires(app)

    from assess.admin.blueprint import bp as admin_bp
    from assess.auth.choose_password import bp as choose_password_bp
    from assess.auth.routes import bp as auth_bp
    from assess.commissioner import bp as commissioner_bp
    from assess.common.routes import bp as common_bp
    from assess.governor.routes import bp as governor_bp
    from assess.inspector.routes import bp as inspector_bp
    from assess.packs.routes import bp as packs_bp
    from assess.reports.routes import bp as reports_bp

    app.register_blueprint(common_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(governor_bp)
    app.register_blueprint(inspector_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(packs_bp)
    app.register_blueprint(commissioner_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(choose_password_bp)

    from assess import unit_of_work
    from assess.common import assets, errors, filters

    unit_of_work.register(app)
    errors.register(app)
    filters.register(app)
    _security_headers(app)
    assets.register(app)  # static files served by WhiteNoise: compressed, named after their content, cached a year
    _collect_garbage_between_requests(app)

    from assess.cli import register as register_cli

    register_cli(app)
    return app


def _load_questionnaires(app: Flask) -> Registry:
    """Refuse to start with an invalid questionnaire, or a used version whose content has changed."""
    try:
        registry = load_registry([Path(app.config["QUESTIONNAIRE_PATH"])])
    except QuestionnaireError as exc:
        raise RuntimeError("Invalid questionnaire definitions:\n" + str(exc)) from None
    with app.app_context():
        recorded = _recorded_versions()
    if recorded:
        problems = check_published(registry, recorded)
        if problems:
            raise RuntimeError("Questionnaire versions changed after use:\n" + "\n".join(problems))
    return registry


def _recorded_versions() -> dict[tuple[str, str], str]:
    from assess.data.assessments import get_recorded_versions

    try:
        return get_recorded_versions()
    except SQLAlchemyError:
        # No database yet (before the first migration) or it is down: nothing recorded to compare.
        db.session.rollback()
        log.info("questionnaire hashes not checked: database not ready")
        return {}
    finally:
        db.session.remove()


def _security_headers(app: Flask) -> None:
    @app.before_request
    def make_nonce() -> None:
        g.csp_nonce = secrets.token_urlsafe(16)

    @app.context_processor
    def nonce() -> dict[str, str]:
        return {"cspNonce": getattr(g, "csp_nonce", "")}

    @app.after_request
    def headers(response: Response) -> Response:
        nonce_value = getattr(g, "csp_nonce", "")
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce_value}'; "
            "style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if app.config.get("PRODUCTION"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        return response


def _collect_garbage_between_requests(app: Flask) -> None:
    """On Python 3.11, run the cyclic garbage collector between requests, never in the middle of one.

    Python 3.11 starts a collection inside whichever allocation crosses the threshold, even one made halfway
    through storing an attribute. When SQLAlchemy commits or closes the request's session it stores attributes
    on the InstanceState of every object loaded (expire, detach); a store that turns the state's inline
    attribute values into a dict allocates that dict, the collection it starts frees the state's own object
    (left in a reference cycle by the rendered template), and the object's weakref callback
    (InstanceState._cleanup) stores attributes on that same state: the values array is then freed twice and
    the process crashes later, anywhere (docs/segfault.md). Python 3.12 runs the collector only between
    bytecodes (gh-97922), so there this is a no-op. Here the automatic collector is off once the process
    serves requests, and each request's end runs the collection the thresholds call for, at a point where
    no attribute store is in progress. CLI commands never serve a request, so they keep the automatic one."""
    if sys.version_info >= (3, 12):
        return

    @app.before_request
    def stop_automatic_collection() -> None:
        gc.disable()

    @app.teardown_request
    def collect(error: BaseException | None) -> None:
        counts, thresholds = gc.get_count(), gc.get_threshold()
        if thresholds[0] == 0:  # collection switched off on purpose
            return
        generation = next((number for number in (2, 1, 0) if counts[number] > thresholds[number]), None)
        if generation is not None:
            gc.collect(generation)
