"""Submitted assessments keep their scores in their own tables, for benchmarks (SQL over these rows)."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from assess import create_app
from assess.config import test_config
from assess.data.assessments import save_answers, submit_assessment
from assess.extensions import db
from assess.models import AssessmentScore
from assess.scoring import score_assessment
from tests.databases import fresh_database

FIRST_REVISION = "9818c3aa1ba8"


def test_submitting_stores_overall_and_domain_scores(make):
    site = make.site()
    user = make.user("governor", sites=(site,))
    assessment = make.draft(site, user)
    answers = make.all_answers("2")
    first_domain = make.questionnaire().definition.domains[0]
    for question in first_domain.questions:
        answers[question.id] = "5"
    save_answers(assessment, answers, {}, user)
    result = submit_assessment(assessment, user, lambda given: score_assessment(make.questionnaire().definition, given))
    db.session.commit()

    stored = db.session.get(AssessmentScore, assessment.id)
    assert stored is not None
    assert (stored.site_id, stored.period, stored.questionnaire_version) == (site.id, "2026-27", "1.0")
    assert stored.overall_hundredths == int(result.score * 100)
    assert stored.overall_level == result.level == 2
    by_domain = {row.domain_id: (row.score_hundredths, row.level) for row in stored.domains}
    assert len(by_domain) == 12
    assert by_domain[first_domain.id] == (500, 5)
    assert all(value == (200, 2) for key, value in by_domain.items() if key != first_domain.id)


def test_migration_backfills_scores_of_assessments_submitted_before_it(tmp_path):
    with fresh_database(tmp_path, "backfill") as url:
        app = create_app(test_config(url))
        with app.app_context():
            upgrade(revision=FIRST_REVISION)
            definition = app.extensions["questionnaires"].latest("sui-maturity").definition
            questions = [question.id for domain in definition.domains for question in domain.questions]
            now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
            with db.engine.begin() as connection:
                connection.execute(
                    sa.text(
                        "INSERT INTO sites (id, code, name, kind, nation, region, created_at, updated_at) "
                        "VALUES (1, 'OLD', 'Old site', 'prison', 'England', 'North West', :now, :now)"
                    ),
                    {"now": now},
                )
                connection.execute(
                    sa.text(
                        "INSERT INTO assessments (id, site_id, period, questionnaire_id, questionnaire_version, "
                        "status, created_at, updated_at, submitted_at) VALUES (7, 1, '2025-26', 'sui-maturity', '1.0', "
                        "'submitted', :now, :now, :now)"
                    ),
                    {"now": now},
                )
                for number, question_id in enumerate(questions):
                    choice = "dont-know" if number == 0 else "4"
                    connection.execute(
                        sa.text(
                            "INSERT INTO answers (assessment_id, question_id, choice, updated_at) "
                            "VALUES (7, :q, :c, :now)"
                        ),
                        {"q": question_id, "c": choice, "now": now},
                    )
            upgrade()
            stored = db.session.get(AssessmentScore, 7)
            expected = score_assessment(
                definition, {q: ("dont-know" if i == 0 else "4") for i, q in enumerate(questions)}
            )
            assert stored is not None
            assert stored.overall_hundredths == int(expected.score * 100)
            first = expected.domains[0]
            assert {row.domain_id: row.score_hundredths for row in stored.domains}[first.domain_id] == int(
                first.score * 100
            )
            assert first.score < 4  # the "don't know" pulled the first domain down
            db.session.remove()  # end the read transaction, or PostgreSQL's DROP TABLE waits for it
            downgrade(revision=FIRST_REVISION)
            assert "assessment_scores" not in sa.inspect(db.engine).get_table_names()
            db.session.remove()
            db.engine.dispose()
