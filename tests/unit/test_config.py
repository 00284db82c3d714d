"""Settings from the environment: defaults, parsing, and a clear error naming a setting that cannot be used."""

from __future__ import annotations

from pathlib import Path

import pytest

from assess.config import ConfigError, from_environment, test_config

NAMES = (
    "DATABASE_URL",
    "MIN_PEER_GROUP",
    "REPORT_TIME_LIMIT",
    "REPORT_CACHE_DIR",
    "REPORT_CACHE_MAX_MB",
    "REPORT_CACHE_MAX_AGE_DAYS",
    "REPORT_PREWARM",
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
