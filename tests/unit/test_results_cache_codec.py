"""The results cache's pure parts (assess.services.benchmarks): benchmarks written as JSON and read back
exactly as they were (fractions exact, members, reasons, skipped periods, order), another format refused, and a
key that changes with each thing it is built from. No database."""

from __future__ import annotations

import dataclasses
import json
from fractions import Fraction
from types import SimpleNamespace

import pytest

from assess.benchmarking import DIFFERS_BY_ONE_SITE, TOO_FEW_SITES, GroupBenchmark, GroupDecision, NotShown
from assess.services.benchmarks import CACHE_FORMAT, cache_key, decode_benchmarks, encode_benchmarks
from tests.unit.test_charts import ALPHA, BETA, OVERALL_SUMMARY, benchmark


def every_kind() -> list[GroupBenchmark]:
    shown = benchmark({"alpha": ALPHA, "beta": BETA}, suppressed={"gamma": 2}, uncompared=("delta",))
    shown.period, shown.own_period = "2024-25", "2025-26"
    shown.skipped_periods = (("2025-26", NotShown(TOO_FEW_SITES, 3, 5)),)
    hidden = GroupBenchmark(
        decision=GroupDecision(
            "region",
            "Prisons in the North West",
            frozenset({9, 3, 12}),
            False,
            NotShown(DIFFERS_BY_ONE_SITE, 6, 5, broader="All prisons", together=("a", "b")),
        ),
        min_size=5,
        period="2025-26",
        own_period="2025-26",
    )
    no_overall = benchmark(overall=None)
    return [shown, hidden, no_overall]


def test_benchmarks_are_read_back_exactly_as_written() -> None:
    original = every_kind()
    text = encode_benchmarks(original)
    back = decode_benchmarks(text)
    assert back == original
    assert [dataclasses.asdict(item) for item in back] == [dataclasses.asdict(item) for item in original]
    assert isinstance(back[0].domains["alpha"].median, Fraction) and back[0].domains["alpha"].median == Fraction(9, 4)
    assert list(back[0].domains) == list(original[0].domains)  # the order kept
    assert back[0].overall == OVERALL_SUMMARY
    assert encode_benchmarks(back) == text  # the same every time


def test_json_only_and_another_format_is_refused() -> None:
    data = json.loads(encode_benchmarks(every_kind()))
    assert data["format"] == CACHE_FORMAT
    data["format"] = CACHE_FORMAT + 1
    with pytest.raises(ValueError):
        decode_benchmarks(json.dumps(data))


def test_the_key_changes_with_each_part() -> None:
    own = SimpleNamespace(
        assessment_id=7, site_id=3, period="2025-26", questionnaire_id="q", questionnaire_version="1.0"
    )
    stamp = ("10", "55", "2026-01-01 10:00:00+00:00", "4", "2026-01-01 09:00:00+00:00")
    versions = [("1.0", "abc"), ("1.1", "def")]
    base = cache_key(own, stamp, versions, 5)  # type: ignore[arg-type]
    assert base == cache_key(own, stamp, list(versions), 5)  # type: ignore[arg-type]
    assert len(base) == 64
    other = SimpleNamespace(**{**vars(own), "assessment_id": 8})
    changed = [
        cache_key(other, stamp, versions, 5),  # type: ignore[arg-type]
        cache_key(own, ("11", *stamp[1:]), versions, 5),  # type: ignore[arg-type]
        cache_key(own, stamp, [("1.0", "abc"), ("1.1", "xyz")], 5),  # type: ignore[arg-type]
        cache_key(own, stamp, versions, 6),  # type: ignore[arg-type]
    ]
    assert base not in changed and len(set(changed)) == len(changed)
