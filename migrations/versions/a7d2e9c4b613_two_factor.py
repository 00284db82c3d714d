"""two-factor sign-in

Revision ID: a7d2e9c4b613
Revises: f3c81d5a27e4
Create Date: 2026-11-30 18:40:00.000000

Written by hand (issue 14, item 1).

- users.tf_totp_secret: the authenticator key, encrypted (never stored in clear).
- users.tf_last_counter: the time step of the last code accepted (a code is never accepted twice).
- users.tf_recovery_codes: the unused recovery codes, as keyed hashes (a JSON list).
- users.tf_set_up_at: when two-factor sign-in was set up.
"""
from alembic import op
import sqlalchemy as sa


revision = 'a7d2e9c4b613'
down_revision = 'f3c81d5a27e4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tf_totp_secret', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('tf_last_counter', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('tf_recovery_codes', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('tf_set_up_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('tf_set_up_at')
        batch_op.drop_column('tf_recovery_codes')
        batch_op.drop_column('tf_last_counter')
        batch_op.drop_column('tf_totp_secret')
