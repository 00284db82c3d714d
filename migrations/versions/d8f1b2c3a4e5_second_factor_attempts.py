"""which factor a sign-in attempt checked

Revision ID: d8f1b2c3a4e5
Revises: c5e8a1d3f702
Create Date: 2026-11-30 19:00:00.000000

Written by hand (issue 14, item 1).

- sign_in_attempts.factor: "password" (every row so far) or "second factor", so that wrong security codes can
  have a daily limit of their own as well as the 5-minute one they share with passwords.
"""
from alembic import op
import sqlalchemy as sa


revision = 'd8f1b2c3a4e5'
down_revision = 'c5e8a1d3f702'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sign_in_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('factor', sa.String(length=20), server_default='password', nullable=False))


def downgrade():
    with op.batch_alter_table('sign_in_attempts', schema=None) as batch_op:
        batch_op.drop_column('factor')
