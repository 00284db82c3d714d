"""covering indexes for benchmarks and the trend

Revision ID: 5e1a7c3b9d20
Revises: cdb405500fc6
Create Date: 2026-11-26 14:10:00.000000

Written by hand (docs/benchmarks.md, "What was changed"):

- ix_assessment_scores_latest replaces ix_assessment_scores_period_site. It finds one period's
  assessments of one questionnaire, in the order of "each site's latest" (site, then newest first), and
  holds every column the benchmark queries read, so they never visit the table. The read columns are
  keys rather than PostgreSQL's INCLUDE so that SQLite and PostgreSQL have the same index.
- ix_assessment_scores_site serves the trend (one site's assessments in every period), which no index
  served before (the old one began with the period).
- ix_domain_scores_covering: a peer's domain scores and levels from the index alone.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1a7c3b9d20'
down_revision = 'cdb405500fc6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assessment_scores', schema=None) as batch_op:
        batch_op.drop_index('ix_assessment_scores_period_site')
        batch_op.create_index(
            'ix_assessment_scores_latest',
            ['period', 'questionnaire_id', 'site_id', sa.text('submitted_at DESC'), sa.text('assessment_id DESC'),
             'questionnaire_version', 'overall_hundredths', 'overall_level'],
            unique=False,
        )
        batch_op.create_index('ix_assessment_scores_site', ['site_id', 'questionnaire_id', 'period'], unique=False)

    with op.batch_alter_table('domain_scores', schema=None) as batch_op:
        batch_op.create_index(
            'ix_domain_scores_covering', ['assessment_id', 'domain_id', 'score_hundredths', 'level'], unique=False
        )


def downgrade():
    with op.batch_alter_table('domain_scores', schema=None) as batch_op:
        batch_op.drop_index('ix_domain_scores_covering')

    with op.batch_alter_table('assessment_scores', schema=None) as batch_op:
        batch_op.drop_index('ix_assessment_scores_site')
        batch_op.drop_index('ix_assessment_scores_latest')
        batch_op.create_index(
            'ix_assessment_scores_period_site', ['period', 'site_id', 'submitted_at', 'assessment_id'], unique=False
        )
