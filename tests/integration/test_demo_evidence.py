"""Issue 13: the demo's evidence agrees with the demo's answer at every level. Each answer with evidence, in the
small demo, the national data set and this year's drafts and returns, has evidence written for the level it
chose (EVIDENCE_BY_LEVEL), never a claim of a higher or lower level ("No one at senior level is responsible"
with "Strategy signed off by the senior leadership team")."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

from sqlalchemy import select

from assess.demo import DEFAULT_DEMO_PASSWORD, EVIDENCE_BY_LEVEL, seed_demo
from assess.demo import seed as demo_seed
from assess.demo.national import seed_national
from assess.extensions import db
from assess.models import Answer, Assessment
from assess.questionnaire.loader import load_file
from assess.scoring import DONT_KNOW, NOT_APPLICABLE
from assess.services.questionnaires import latest
from tests.conftest import ROOT

TODAY = date(2026, 11, 1)  # seven months into 2026-27: this year has drafts and submitted returns too


def test_every_demo_answers_evidence_is_written_for_the_level_it_chose(app_ctx):
    seed_demo(latest(), DEFAULT_DEMO_PASSWORD, TODAY)
    seed_national(latest(), TODAY, sites=40, periods=2)
    db.session.commit()
    rows = db.session.execute(
        select(Answer.choice, Answer.evidence, Assessment.status)
        .join(Assessment, Assessment.id == Answer.assessment_id)
        .where(Answer.evidence.is_not(None), Answer.evidence != "")
    ).all()
    assert len(rows) > 500
    levels: Counter[int] = Counter()
    statuses = set()
    for choice, evidence, status in rows:
        assert choice not in (DONT_KNOW, NOT_APPLICABLE, None), (choice, evidence)
        level = int(choice)
        assert evidence in EVIDENCE_BY_LEVEL[level], f"level {level} answered with evidence {evidence!r}"
        levels[level] += 1
        statuses.add(status)
    # Every level appears with evidence, in drafts as well as submitted assessments.
    assert set(levels) == set(EVIDENCE_BY_LEVEL) == set(range(latest().definition.top_level + 1))
    assert len(statuses) >= 2, statuses


def test_each_level_has_its_own_evidence_and_the_same_number_of_snippets():
    sizes = {len(snippets) for snippets in EVIDENCE_BY_LEVEL.values()}
    assert sizes == {5}
    every = [snippet for snippets in EVIDENCE_BY_LEVEL.values() for snippet in snippets]
    assert len(every) == len(set(every))
    # The example from the issue: senior sign-off is evidence of a high level only.
    signed_off = [level for level, snippets in EVIDENCE_BY_LEVEL.items() if any("signed off" in s for s in snippets)]
    assert signed_off and min(signed_off) >= 3


def test_the_wording_of_the_evidence_does_not_change_the_answers(monkeypatch):
    """Each level has the same number of snippets, so the random draws (and so every answer and score in the
    demo) stay the same whatever the wording: the demo is as deterministic as before."""
    loaded = load_file(ROOT / "questionnaires" / "sui-maturity" / "1.0.yaml")
    first = demo_seed.generate_answers(loaded.definition, random.Random("same"), 2.5)
    monkeypatch.setattr(
        demo_seed,
        "EVIDENCE_BY_LEVEL",
        {level: tuple(f"other {level}.{n}" for n in range(5)) for level in EVIDENCE_BY_LEVEL},
    )
    second = demo_seed.generate_answers(loaded.definition, random.Random("same"), 2.5)
    assert first[0] == second[0]
    assert first[1].keys() == second[1].keys()
    for qid, text in first[1].items():
        level = int(first[0][qid])
        assert second[1][qid] == f"other {level}.{EVIDENCE_BY_LEVEL[level].index(text)}"
