"""Settings from the environment: defaults, parsing, and a clear error naming a setting that cannot be used."""

from __future__ import annotations

import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from assess.config import DEFAULT_SECRET, ConfigError, from_environment, test_config

NAMES = (
    "DATABASE_URL",
    "MIN_PEER_GROUP",
    "REPORT_TIME_LIMIT",
    "REPORT_CACHE_DIR",
    "REPORT_CACHE_MAX_MB",
    "REPORT_CACHE_MAX_AGE_DAYS",
    "REPORT_PREWARM",
    "ASSESS_ENV",
    "SECRET_KEY",
    "SECRET_KEY_FALLBACKS",
    "SECURITY_PASSWORD_SALT",
    "TRUSTED_PROXY_COUNT",
    "SESSION_LIFETIME_SECONDS",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)


def test_defaults(tmp_path: Path) -> None:
    config = from_environment(tmp_path)
    assert config["MIN_PEER_GROUP"] == 5
    assert config["REPORT_TIME_LIMIT"] == 20.0
    assert config["REPORT_CACHE_DIR"] is None
    assert config["REPORT_CACHE_MAX_BYTES"] == 256 * 1024 * 1024
    assert config["REPORT_CACHE_MAX_AGE_DAYS"] == 30.0
    assert config["REPORT_PREWARM"] is True
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'assess.sqlite3'}"


def test_values_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIN_PEER_GROUP", "10")
    monkeypatch.setenv("REPORT_TIME_LIMIT", "45.5")
    monkeypatch.setenv("REPORT_CACHE_DIR", str(tmp_path / "reports"))
    monkeypatch.setenv("REPORT_CACHE_MAX_MB", "64")
    monkeypatch.setenv("REPORT_CACHE_MAX_AGE_DAYS", "7")
    monkeypatch.setenv("REPORT_PREWARM", "off")
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db/assess")
    config = from_environment(tmp_path)
    assert config["MIN_PEER_GROUP"] == 10
    assert config["REPORT_TIME_LIMIT"] == 45.5
    assert config["REPORT_CACHE_DIR"] == str(tmp_path / "reports")
    assert config["REPORT_CACHE_MAX_BYTES"] == 64 * 1024 * 1024
    assert config["REPORT_CACHE_MAX_AGE_DAYS"] == 7.0
    assert config["REPORT_PREWARM"] is False
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db/assess"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("MIN_PEER_GROUP", "five", "MIN_PEER_GROUP must be a whole number, not 'five'"),
        ("MIN_PEER_GROUP", "0", "MIN_PEER_GROUP must be at least 1, not '0'"),
        ("REPORT_TIME_LIMIT", "soon", "REPORT_TIME_LIMIT must be a number, not 'soon'"),
        ("REPORT_TIME_LIMIT", "0.5", "REPORT_TIME_LIMIT must be at least 1, not '0.5'"),
        ("REPORT_CACHE_MAX_MB", "1.5", "REPORT_CACHE_MAX_MB must be a whole number, not '1.5'"),
        ("REPORT_PREWARM", "maybe", "REPORT_PREWARM must be 1 or 0 (or true or false), not 'maybe'"),
    ],
)
def test_a_value_that_cannot_be_used_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as raised:
        from_environment(tmp_path)
    assert str(raised.value) == message


def test_tests_do_not_prewarm_report_helpers() -> None:
    assert test_config()["REPORT_PREWARM"] is False


# Item 4 of issue 14: secrets and settings. A strong secret as the README tells people to make one.
def strong() -> str:
    return secrets.token_urlsafe(48)


def production(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    monkeypatch.setenv("ASSESS_ENV", "production")
    for name, value in values.items():
        monkeypatch.setenv(name, value)


def refusal(tmp_path: Path) -> str:
    with pytest.raises(ConfigError) as raised:
        from_environment(tmp_path)
    return str(raised.value)


@pytest.mark.parametrize("value", ["development", "test", "production", " Production "])
def test_assess_env_accepts_its_documented_values(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    if value.strip().lower() == "production":
        production(monkeypatch, SECRET_KEY=strong(), SECURITY_PASSWORD_SALT=strong())
    monkeypatch.setenv("ASSESS_ENV", value)
    config = from_environment(tmp_path)
    assert config["ENV_NAME"] == value.strip().lower()
    assert config["PRODUCTION"] is (value.strip().lower() == "production")


@pytest.mark.parametrize("value", ["prod", "live", "productionn", "", "dev"])
def test_assess_env_refuses_anything_else_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("ASSESS_ENV", value)
    assert refusal(tmp_path) == f"ASSESS_ENV must be one of development, test, production, not {value!r}"


def test_development_keeps_working_without_any_secret(tmp_path: Path) -> None:
    config = from_environment(tmp_path)
    assert config["PRODUCTION"] is False
    assert config["SECRET_KEY"] == DEFAULT_SECRET
    # The salt follows SECRET_KEY outside production, as it always has: local accounts keep signing in.
    assert config["SECURITY_PASSWORD_SALT"] == DEFAULT_SECRET
    assert config["SECRET_KEY_FALLBACKS"] == []
    assert config["TRUSTED_PROXY_COUNT"] == 0


def test_production_with_strong_separate_secrets_starts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key, salt = strong(), strong()
    production(monkeypatch, SECRET_KEY=key, SECURITY_PASSWORD_SALT=salt)
    config = from_environment(tmp_path)
    assert (config["SECRET_KEY"], config["SECURITY_PASSWORD_SALT"]) == (key, salt)
    assert config["SESSION_COOKIE_SECURE"] is True


def test_production_refuses_the_default_secret_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    production(monkeypatch, SECURITY_PASSWORD_SALT=strong())
    message = refusal(tmp_path)
    assert message.startswith("SECRET_KEY must be set to a long random value when ASSESS_ENV=production")
    assert 'python -c "import secrets; print(secrets.token_urlsafe(48))"' in message
    monkeypatch.setenv("SECRET_KEY", DEFAULT_SECRET)
    assert refusal(tmp_path).startswith("SECRET_KEY must be set to a long random value")


@pytest.mark.parametrize(
    ("secret", "why"),
    [
        ("a", "1 bytes and 1 different characters"),
        ("x" * 31, "31 bytes and 1 different characters"),
        ("a" * 64, "64 bytes and 1 different characters"),
        ("password" * 5, "40 bytes and 7 different characters"),
        (secrets.token_urlsafe(16), "22 bytes"),
    ],
)
def test_production_refuses_a_short_or_repetitive_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, secret: str, why: str
) -> None:
    production(monkeypatch, SECRET_KEY=secret, SECURITY_PASSWORD_SALT=strong())
    message = refusal(tmp_path)
    assert message.startswith("SECRET_KEY must be at least 32 random bytes when ASSESS_ENV=production")
    assert why in message


def test_production_requires_the_password_salt_separately(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    production(monkeypatch, SECRET_KEY=strong())
    assert refusal(tmp_path).startswith("SECURITY_PASSWORD_SALT must be set when ASSESS_ENV=production")
    monkeypatch.setenv("SECURITY_PASSWORD_SALT", "   ")
    assert refusal(tmp_path).startswith("SECURITY_PASSWORD_SALT must be set when ASSESS_ENV=production")


def test_production_refuses_a_salt_equal_to_the_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = strong()
    production(monkeypatch, SECRET_KEY=key, SECURITY_PASSWORD_SALT=key)
    assert refusal(tmp_path).startswith("SECURITY_PASSWORD_SALT must differ from SECRET_KEY")


def test_every_problem_is_named_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    production(monkeypatch, SECRET_KEY="short")
    message = refusal(tmp_path)
    assert "SECRET_KEY must be at least 32 random bytes" in message
    assert "SECURITY_PASSWORD_SALT must be set" in message


def test_secret_key_fallbacks_for_rotation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old, older, key, salt = strong(), strong(), strong(), strong()
    production(monkeypatch, SECRET_KEY=key, SECURITY_PASSWORD_SALT=salt, SECRET_KEY_FALLBACKS=f" {old}, {older} ")
    config = from_environment(tmp_path)
    assert config["SECRET_KEY"] == key
    assert config["SECRET_KEY_FALLBACKS"] == [old, older]
    assert config["SECURITY_PASSWORD_SALT"] == salt  # passwords do not depend on SECRET_KEY
    monkeypatch.setenv("SECRET_KEY_FALLBACKS", f"{old} tooshort")
    assert refusal(tmp_path).startswith("SECRET_KEY_FALLBACKS (key 2) must be at least 32 random bytes")


def test_a_session_signed_with_the_old_key_is_still_read_after_rotation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Flask (3.1+) reads a cookie signed with a key in SECRET_KEY_FALLBACKS, and signs new ones with SECRET_KEY."""
    from flask import Flask, session

    old, new = strong(), strong()

    def app_with(key: str, fallbacks: list[str]) -> Flask:
        app = Flask(__name__)
        app.config.update(SECRET_KEY=key, SECRET_KEY_FALLBACKS=fallbacks)

        @app.route("/set")
        def set_value() -> str:
            session["who"] = "governor"
            return "set"

        @app.route("/get")
        def get_value() -> str:
            return str(session.get("who"))

        return app

    before = app_with(old, []).test_client()
    before.get("/set")
    cookie = before.get_cookie("session")
    assert cookie is not None
    for fallbacks, expected in (([old], b"governor"), ([], b"None")):
        after = app_with(new, fallbacks).test_client()
        after.set_cookie("session", cookie.value)
        assert after.get("/get").data == expected


def test_trusted_proxy_count(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTED_PROXY_COUNT", "1")
    assert from_environment(tmp_path)["TRUSTED_PROXY_COUNT"] == 1
    monkeypatch.setenv("TRUSTED_PROXY_COUNT", "-1")
    assert refusal(tmp_path) == "TRUSTED_PROXY_COUNT must be at least 0, not '-1'"


def test_session_lifetime_is_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SESSION_LIFETIME_SECONDS", "8h")
    assert refusal(tmp_path) == "SESSION_LIFETIME_SECONDS must be a whole number, not '8h'"


def test_the_idle_timeout_and_the_sign_in_throttle_are_read_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = from_environment(tmp_path)
    assert (
        config["SESSION_IDLE_MINUTES"],
        config["SIGN_IN_THROTTLE_LIMIT"],
        config["SIGN_IN_THROTTLE_WINDOW_SECONDS"],
    ) == (30, 10, 300)
    monkeypatch.setenv("SESSION_IDLE_MINUTES", "15")
    monkeypatch.setenv("SIGN_IN_THROTTLE_LIMIT", "5")
    monkeypatch.setenv("SIGN_IN_THROTTLE_WINDOW_SECONDS", "600")
    config = from_environment(tmp_path)
    assert (
        config["SESSION_IDLE_MINUTES"],
        config["SIGN_IN_THROTTLE_LIMIT"],
        config["SIGN_IN_THROTTLE_WINDOW_SECONDS"],
    ) == (15, 5, 600)
    monkeypatch.setenv("SIGN_IN_THROTTLE_LIMIT", "0")
    assert refusal(tmp_path) == "SIGN_IN_THROTTLE_LIMIT must be at least 1, not '0'"


def test_the_app_refuses_to_start_naming_the_setting(tmp_path: Path) -> None:
    """What an operator sees: `flask` (and so gunicorn and `make serve`) stops with the message, before serving."""
    env = {
        "PATH": "/usr/bin:/bin",
        "ASSESS_ENV": "prod",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'a.sqlite3'}",
        "REPORT_PREWARM": "0",
    }
    done = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "ASSESS_ENV must be one of development, test, production, not 'prod'" in done.stderr
