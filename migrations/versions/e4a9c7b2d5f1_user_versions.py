"""a version on each account

Revision ID: e4a9c7b2d5f1
Revises: d8f1b2c3a4e5
Create Date: 2026-11-30 19:10:00.000000

Written by hand (issue 14, item 8).

- users.version: raised by one with every admin action on the account. The admin's change page carries the
  version it showed, and the save is a conditional UPDATE (... WHERE id = :id AND version = :seen), so that of
  two admins changing one account at the same moment the second is told (409) rather than silently
  overwriting the first, also on SQLite, which ignores SELECT ... FOR UPDATE. Existing accounts start at 0.
"""
from alembic import op
import sqlalchemy as sa


revision = 'e4a9c7b2d5f1'
down_revision = 'd8f1b2c3a4e5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default=sa.text('0'), nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('version')
