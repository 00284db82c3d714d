"""Configuration from the environment only, with production-safe defaults."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET = "dev-only-secret-do-not-use-in-production"


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{instance_path / 'assess.sqlite3'}"
    # psycopg 3 is the driver; accept the URLs people paste from their providers.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class ConfigError(ValueError):
    """A setting in the environment has a value the service cannot use; the message names it."""


def _number(name: str, default: str, kind: type[int] | type[float] = int, minimum: float = 0) -> Any:
    text = os.environ.get(name, default).strip()
    try:
        value = kind(text)
    except ValueError:
        raise ConfigError(f"{name} must be a {'whole ' if kind is int else ''}number, not {text!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {text!r}")
    return value


def _flag(name: str, default: str) -> bool:
    text = os.environ.get(name, default).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ConfigError(f"{name} must be 1 or 0 (or true or false), not {text!r}")


def from_environment(instance_path: Path) -> dict[str, Any]:
    environment = os.environ.get("ASSESS_ENV", "development").strip().lower()
    secret = os.environ.get("SECRET_KEY", DEFAULT_SECRET)
    production = environment == "production"
    return {
        "ENV_NAME": environment,
        "PRODUCTION": production,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "QUESTIONNAIRE_PATH": os.environ.get("QUESTIONNAIRE_PATH", str(PROJECT_ROOT / "questionnaires")),
        "MIN_PEER_GROUP": _number("MIN_PEER_GROUP", "5", minimum=1),
        # PDF reports (assess.reports): seconds allowed for the charts and the PDF of one report; the cache
        # of finished reports (default <instance>/report-cache) and its limits; whether each app process
        # starts Chromium and the render process when it serves its first request (so that nobody's first
        # report waits for them).
        "REPORT_TIME_LIMIT": _number("REPORT_TIME_LIMIT", "20", float, minimum=1),
        "REPORT_CACHE_DIR": os.environ.get("REPORT_CACHE_DIR", "").strip() or None,
        "REPORT_CACHE_MAX_BYTES": _number("REPORT_CACHE_MAX_MB", "256", minimum=1) * 1024 * 1024,
        "REPORT_CACHE_MAX_AGE_DAYS": _number("REPORT_CACHE_MAX_AGE_DAYS", "30", float, minimum=0),
        "REPORT_PREWARM": _flag("REPORT_PREWARM", "1"),
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": int(os.environ.get("SESSION_LIFETIME_SECONDS", str(8 * 3600))),
        "WTF_CSRF_TIME_LIMIT": None,
        # Flask-Security-Too: used for hashing, password rules and the session identity. Our own
        # GOV.UK sign-in pages replace its views, so its blueprint is not registered.
        "SECURITY_PASSWORD_HASH": "argon2",
        "SECURITY_PASSWORD_SALT": os.environ.get("SECURITY_PASSWORD_SALT", secret),
        "SECURITY_PASSWORD_LENGTH_MIN": 12,
        "SECURITY_PASSWORD_COMPLEXITY_CHECKER": "zxcvbn",
        "SECURITY_ZXCVBN_MINIMUM_SCORE": 3,
        "SECURITY_PASSWORD_CHECK_BREACHED": False,
        "SECURITY_REGISTERABLE": False,
        "SECURITY_SEND_REGISTER_EMAIL": False,
        "SECURITY_TRACKABLE": False,
        "SECURITY_EMAIL_VALIDATOR_ARGS": {"check_deliverability": False},
        "SECURITY_USE_VERIFY_PASSWORD_CACHE": False,
        "SECURITY_CSRF_IGNORE_UNAUTH_ENDPOINTS": False,
    }


def test_config(database_url: str | None = None) -> dict[str, Any]:
    """Explicit settings for the test suite; the database is chosen by the caller."""
    config: dict[str, Any] = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SECURITY_PASSWORD_SALT": "test-salt",
        "PRODUCTION": False,
        "ENV_NAME": "test",
        "REPORT_PREWARM": False,  # tests that make reports start Chromium themselves; the others never need it
    }
    if database_url:
        config["SQLALCHEMY_DATABASE_URI"] = database_url
    return config


test_config.__test__ = False  # type: ignore[attr-defined]  # a config builder, not a test, when imported by tests
