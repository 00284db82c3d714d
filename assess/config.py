"""Configuration from the environment only, with production-safe defaults."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET = "dev-only-secret-do-not-use-in-production"
# The values ASSESS_ENV accepts: `development` (the default: `make run`), `test` (the test suite sets it in its
# own settings) and `production` (secure cookies, HSTS, and the checks on secrets below).
ENVIRONMENTS = ("development", "test", "production")
# Production's SECRET_KEY: at least this many bytes, and enough different characters to be random, not a word
# repeated (secrets.token_urlsafe(48) gives 64 characters drawn from 64).
MIN_SECRET_BYTES = 32
MIN_SECRET_DISTINCT_CHARACTERS = 16
MAKE_A_SECRET = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'


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


def _environment() -> str:
    text = os.environ.get("ASSESS_ENV", "development")
    if text.strip().lower() not in ENVIRONMENTS:
        raise ConfigError(f"ASSESS_ENV must be one of {', '.join(ENVIRONMENTS)}, not {text!r}")
    return text.strip().lower()


def _weak_secret(name: str, value: str) -> str | None:
    """Why `value` cannot be the production SECRET_KEY (or a fallback), or None when it can."""
    if value.strip() in ("", DEFAULT_SECRET):
        return f"{name} must be set to a long random value when ASSESS_ENV=production (not the development default)"
    if len(value.encode()) < MIN_SECRET_BYTES or len(set(value)) < MIN_SECRET_DISTINCT_CHARACTERS:
        return (
            f"{name} must be at least {MIN_SECRET_BYTES} random bytes when ASSESS_ENV=production "
            f"(this one has {len(value.encode())} bytes and {len(set(value))} different characters)"
        )
    return None


def _secrets(production: bool) -> tuple[str, list[str], str]:
    """SECRET_KEY, the old keys still accepted while it is rotated (SECRET_KEY_FALLBACKS), and the password salt.

    Passwords are hashed with SECURITY_PASSWORD_SALT, not SECRET_KEY, so SECRET_KEY can be changed without
    locking anyone out. Outside production the salt defaults to SECRET_KEY (as it always has, so that the
    accounts in a local database keep working); in production it must be set, and differ from SECRET_KEY.
    """
    secret = os.environ.get("SECRET_KEY", DEFAULT_SECRET)
    fallbacks = os.environ.get("SECRET_KEY_FALLBACKS", "").replace(",", " ").split()
    salt = os.environ.get("SECURITY_PASSWORD_SALT", "")
    if not production:
        return secret, fallbacks, salt or secret
    problems = [
        problem
        for problem in [_weak_secret("SECRET_KEY", secret)]
        + [_weak_secret(f"SECRET_KEY_FALLBACKS (key {n})", old) for n, old in enumerate(fallbacks, start=1)]
        if problem
    ]
    if not salt.strip():
        problems.append(
            "SECURITY_PASSWORD_SALT must be set when ASSESS_ENV=production: passwords are hashed with it, "
            "so it must never change (if you ran without it before, set it to the SECRET_KEY you used then)"
        )
    elif salt == secret:
        problems.append("SECURITY_PASSWORD_SALT must differ from SECRET_KEY, so that SECRET_KEY can be rotated")
    if problems:
        raise ConfigError("; ".join(problems) + f". Make a secret with: {MAKE_A_SECRET}")
    return secret, fallbacks, salt


def from_environment(instance_path: Path) -> dict[str, Any]:
    environment = _environment()
    production = environment == "production"
    secret, fallbacks, salt = _secrets(production)
    return {
        "ENV_NAME": environment,
        "PRODUCTION": production,
        "SECRET_KEY": secret,
        # Old keys still accepted while SECRET_KEY is rotated (sessions and Flask-Security's tokens; README:
        # Deployment); new cookies are always signed with SECRET_KEY.
        "SECRET_KEY_FALLBACKS": fallbacks,
        # How many reverse proxies in front of the app set X-Forwarded-For/-Proto/-Host/-Port/-Prefix; 0 (the
        # default): none is trusted. wsgi.py applies werkzeug's ProxyFix with this count.
        "TRUSTED_PROXY_COUNT": _number("TRUSTED_PROXY_COUNT", "0"),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "QUESTIONNAIRE_PATH": os.environ.get("QUESTIONNAIRE_PATH", str(PROJECT_ROOT / "questionnaires")),
        "MIN_PEER_GROUP": _number("MIN_PEER_GROUP", "5", minimum=1),
        # PDF reports (assess.reports): seconds allowed for the charts and the PDF of one report; the cache
        # of finished reports (default <instance>/report-cache) and its limits; whether each app process
        # starts Chromium and the render process when it serves its first request (so that nobody's first
        # report waits for them).
        "REPORT_TIME_LIMIT": _number("REPORT_TIME_LIMIT", "20", float, minimum=1),
        # Render processes for PDFs in each app process (0: as many as the cores it may use), taken first come
        # first served; and the seconds a request waits for one before it is told to try again (not part of
        # REPORT_TIME_LIMIT, which counts from when the render has a process). assess.pdf.pool.
        "REPORT_WORKERS": _number("REPORT_WORKERS", "0", minimum=0),
        "REPORT_QUEUE_SECONDS": _number("REPORT_QUEUE_SECONDS", "20", float, minimum=0),
        "REPORT_CACHE_DIR": os.environ.get("REPORT_CACHE_DIR", "").strip() or None,
        "REPORT_CACHE_MAX_BYTES": _number("REPORT_CACHE_MAX_MB", "256", minimum=1) * 1024 * 1024,
        "REPORT_CACHE_MAX_AGE_DAYS": _number("REPORT_CACHE_MAX_AGE_DAYS", "30", float, minimum=0),
        "REPORT_PREWARM": _flag("REPORT_PREWARM", "1"),
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": _number("SESSION_LIFETIME_SECONDS", str(8 * 3600), minimum=60),
        # Signed out after this long without a request (assess.auth.sessions).
        "SESSION_IDLE_MINUTES": _number("SESSION_IDLE_MINUTES", "30", minimum=1),
        # Sign-in throttling (assess.auth.throttle): failures allowed per email or address within the window.
        "SIGN_IN_THROTTLE_LIMIT": _number("SIGN_IN_THROTTLE_LIMIT", "10", minimum=1),
        "SIGN_IN_THROTTLE_WINDOW_SECONDS": _number("SIGN_IN_THROTTLE_WINDOW_SECONDS", "300", minimum=1),
        # Wrong security or recovery codes allowed for one account in a day (as well as the limit above).
        "SIGN_IN_SECOND_FACTOR_DAILY_LIMIT": _number("SIGN_IN_SECOND_FACTOR_DAILY_LIMIT", "30", minimum=1),
        "WTF_CSRF_TIME_LIMIT": None,
        # Flask-Security-Too: used for hashing, password rules and the session identity. Our own
        # GOV.UK sign-in pages replace its views, so its blueprint is not registered.
        "SECURITY_PASSWORD_HASH": "argon2",
        "SECURITY_PASSWORD_SALT": salt,
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
