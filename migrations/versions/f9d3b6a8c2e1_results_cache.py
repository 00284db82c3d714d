"""the results cache

Revision ID: f9d3b6a8c2e1
Revises: e4a9c7b2d5f1
Create Date: 2026-11-30 19:55:00.000000

Written by hand (issue 15, item 3).

- results_cache: a submitted assessment's benchmarks, kept as JSON once worked out, in the database so that
  every worker and host shares them; `key` is a hash of everything they depend on (the submissions and sites
  as they stand, the questionnaire versions, MIN_PEER_GROUP), so a stale row is worked out again and replaced.
  Nothing else refers to it: dropping it loses nothing but time.
"""
from alembic import op
import sqlalchemy as sa


revision = 'f9d3b6a8c2e1'
down_revision = 'e4a9c7b2d5f1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'results_cache',
        sa.Column('assessment_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('payload', sa.Text(), nullable=False),
        sa.Column('stored_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'],
                                name=op.f('fk_results_cache_assessment_id_assessments'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('assessment_id', name=op.f('pk_results_cache')),
    )


def downgrade():
    op.drop_table('results_cache')
