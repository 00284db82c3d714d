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
        "MIN_PEER_GROUP": int(os.environ.get("MIN_PEER_GROUP", "5")),
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
    }
    if database_url:
        config["SQLALCHEMY_DATABASE_URI"] = database_url
    return config


test_config.__test__ = False  # type: ignore[attr-defined]  # a config builder, not a test, when imported by tests
