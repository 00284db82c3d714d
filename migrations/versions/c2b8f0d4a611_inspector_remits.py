"""inspector remits: the kinds of site and nations an inspector's account covers

Revision ID: c2b8f0d4a611
Revises: a7d4e2f19c30
Create Date: 2026-11-30 11:00:00.000000

Written by hand (issue 11). One row per kind of site and nation (prisons in England and Wales: two rows).
"""
from alembic import op
import sqlalchemy as sa


revision = 'c2b8f0d4a611'
down_revision = 'a7d4e2f19c30'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'user_remits',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('nation', sa.String(length=40), nullable=False),
        sa.CheckConstraint("kind IN ('prison', 'probation')", name=op.f('ck_user_remits_kind')),
        sa.CheckConstraint("nation IN ('England', 'Wales', 'Scotland', 'Northern Ireland')",
                           name=op.f('ck_user_remits_nation')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_remits_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'kind', 'nation', name=op.f('pk_user_remits')),
    )


def downgrade():
    op.drop_table('user_remits')
