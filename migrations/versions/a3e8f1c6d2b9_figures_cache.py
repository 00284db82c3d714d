"""the figures cache

Revision ID: a3e8f1c6d2b9
Revises: f9d3b6a8c2e1
Create Date: 2026-11-30 22:20:00.000000

Written by hand (issue 15, item 3).

- figures_cache: figures that are not one assessment's but depend on the same things as the results cache (the
  national groups an area's distribution page compares with), kept as JSON once worked out; one row per set of
  parameters (`name`, a hash of them), `key` a hash of everything they depend on, so a stale row is worked out
  again and replaced. Nothing refers to it: dropping it loses nothing but time.
"""
from alembic import op
import sqlalchemy as sa


revision = 'a3e8f1c6d2b9'
down_revision = 'f9d3b6a8c2e1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'figures_cache',
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('payload', sa.Text(), nullable=False),
        sa.Column('stored_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_figures_cache')),
    )


def downgrade():
    op.drop_table('figures_cache')
