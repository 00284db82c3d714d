"""Change since last year (assess.scoring.change), against examples worked by hand: the same version, a renamed
area matched through previous_ids, an area new in this version (not comparable, and so not the overall score),
and a site's first year."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from assess.questionnaire.loader import load_file
from assess.questionnaire.schema import Questionnaire
from assess.scoring import Change, PreviousResult, change_since

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def versions() -> dict[str, Questionnaire]:
    """mini 1.0 (alpha, beta); 2.0 renames beta to gamma; 3.0 adds delta beside 2.0's."""
    older = load_file(ROOT / "tests" / "fixtures" / "questionnaires" / "mini" / "1.0.yaml").definition
    alpha, beta = older.domains
    gamma = beta.model_copy(update={"id": "gamma", "title": "Gamma", "previous_ids": ("beta",)})
    delta = beta.model_copy(update={"id": "delta", "title": "Delta"})
    renamed = older.model_copy(update={"version": "2.0", "domains": (alpha, gamma)})
    grown = older.model_copy(update={"version": "3.0", "domains": (alpha, gamma, delta)})
    return {"1.0": older, "2.0": renamed, "3.0": grown}


def _d(text: str) -> Decimal:
    return Decimal(text)


def test_the_same_version_gives_the_change_in_levels_and_scores(versions):
    older = versions["1.0"]
    previous = PreviousResult("2024-25", "1.0", 150, 1, {"alpha": (100, 1), "beta": (200, 2)})
    change = change_since(older, (_d("2.5"), 2), {"alpha": (_d("3.0"), 3), "beta": (_d("2.0"), 2)}, previous, older)
    assert change.has_previous and (change.previous_period, change.previous_version) == ("2024-25", "1.0")
    alpha = change.domain("alpha")
    assert (alpha.previous_level, alpha.previous_score, alpha.level, alpha.score) == (1, _d("1.0"), 3, _d("3.0"))
    assert (alpha.level_change, alpha.score_change, alpha.text) == (2, _d("2.0"), "Up 2 levels")
    beta = change.domain("beta")
    assert (beta.level_change, beta.score_change, beta.text) == (0, _d("0.0"), "No change")
    overall = change.overall
    assert overall.comparable and (overall.previous_level, overall.previous_score) == (1, _d("1.5"))
    assert (overall.level_change, overall.score_change, overall.text) == (1, _d("1.0"), "Up 1 level")


def test_down_and_singular_words():
    assert Change("alpha", 1, _d("1.0"), "2024-25", 2, _d("2.0")).text == "Down 1 level"
    assert Change("alpha", 0, _d("0.5"), "2024-25", 3, _d("3.0")).text == "Down 3 levels"


def test_a_renamed_area_is_compared_through_previous_ids(versions):
    previous = PreviousResult("2024-25", "1.0", 250, 2, {"alpha": (200, 2), "beta": (300, 3)})
    change = change_since(
        versions["2.0"], (_d("2.0"), 2), {"alpha": (_d("2.0"), 2), "gamma": (_d("2.0"), 2)}, previous, versions["1.0"]
    )
    gamma = change.domain("gamma")
    assert gamma.comparable and (gamma.previous_level, gamma.level_change, gamma.text) == (3, -1, "Down 1 level")
    assert change.overall.comparable and change.overall.level_change == 0


def test_an_area_new_in_this_version_is_not_comparable_nor_is_the_overall_score(versions):
    previous = PreviousResult("2024-25", "2.0", 250, 2, {"alpha": (200, 2), "gamma": (300, 3)})
    change = change_since(
        versions["3.0"],
        (_d("3.0"), 3),
        {"alpha": (_d("4.0"), 4), "gamma": (_d("3.0"), 3), "delta": (_d("2.0"), 2)},
        previous,
        versions["2.0"],
    )
    delta = change.domain("delta")
    assert not delta.comparable
    assert (delta.previous_level, delta.level_change, delta.score_change) == (None, None, None)
    assert delta.text == "Not comparable: the questions changed"
    assert change.domain("alpha").level_change == 2 and change.domain("gamma").text == "No change"
    # The overall score is an average over different areas: not comparable, although both years have one.
    assert not change.overall.comparable and change.overall.level_change is None
    assert change.overall.previous_level == 2  # still shown for what it was


def test_an_area_dropped_from_the_older_version_is_not_comparable_going_back(versions):
    """A site on 2.0 whose previous year was on 3.0 (delta gone): the areas left compare; the overall does not."""
    previous = PreviousResult("2024-25", "3.0", 300, 3, {"alpha": (300, 3), "gamma": (300, 3), "delta": (300, 3)})
    change = change_since(
        versions["2.0"], (_d("3.5"), 3), {"alpha": (_d("4.0"), 4), "gamma": (_d("3.0"), 3)}, previous, versions["3.0"]
    )
    assert change.domain("alpha").level_change == 1
    assert not change.overall.comparable


def test_an_area_not_scored_in_either_year_says_so(versions):
    older = versions["1.0"]
    previous = PreviousResult("2024-25", "1.0", 200, 2, {"alpha": (200, 2)})  # beta had no score
    change = change_since(older, (_d("2.0"), 2), {"alpha": (_d("2.0"), 2), "beta": (None, None)}, previous, older)
    assert change.domain("beta").text == "Not scored in 2024-25" and change.domain("beta").level_change is None
    now_unscored = change_since(older, (None, None), {"alpha": (None, None)}, previous, older)
    assert now_unscored.domain("alpha").text == "Not scored this year"


def test_the_first_year_has_no_earlier_year(versions):
    change = change_since(versions["1.0"], (_d("2.0"), 2), {"alpha": (_d("2.0"), 2)}, None, None)
    assert not change.has_previous and change.previous_period is None
    assert change.overall.text == "No earlier year" and change.domain("alpha").text == "No earlier year"
    assert change.domain("beta").level is None and change.domain("alpha").level_change is None


def test_the_gaps_in_words():
    from assess.scoring import gap_to_peers_text, gap_to_target_text

    assert [gap_to_target_text(gap) for gap in (-2, -1, 0, 1, None)] == [
        "2 levels below the target",
        "1 level below the target",
        "Target reached",
        "1 level above the target",
        "No target",
    ]
    assert [gap_to_peers_text(gap) for gap in (-1, 0, 3, None)] == [
        "1 level below the peer median",
        "At the peer median",
        "3 levels above the peer median",
        "Not shown",
    ]


def test_the_words_for_the_gap_to_target_tell_no_target_from_no_level():
    """One wording for the page, the CSV and the PDF (AssessmentResults.target_words): an area with a target
    but no level this year (every answer "not applicable", where a version allows it) never reads "No target"."""
    from types import SimpleNamespace

    from assess.services.results import AssessmentResults

    levels = {"voice": 2, "delivery": None}
    view = object.__new__(AssessmentResults)
    view.targets = {"voice": 4, "delivery": 3}
    view.result = SimpleNamespace(level=2, domain=lambda domain_id: SimpleNamespace(level=levels[domain_id]))
    assert view.target_words("voice") == "2 levels below the target"
    assert view.target_words("delivery") == "Not scored this year"
    view.targets = {}
    assert view.target_words("voice") == "No target"
