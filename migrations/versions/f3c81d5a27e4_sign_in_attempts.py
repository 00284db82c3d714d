"""sign-in attempts, for throttling

Revision ID: f3c81d5a27e4
Revises: b3f9a6c1d820
Create Date: 2026-11-30 17:00:00.000000

Written by hand (issue 14, item 2).

- sign_in_attempts: one row per password checked (when, the email as typed and normalised, the client's
  address, success), so that throttling holds across every process and host. Rows older than a day are
  deleted as new attempts are recorded.
"""
from alembic import op
import sqlalchemy as sa


revision = 'f3c81d5a27e4'
down_revision = 'b3f9a6c1d820'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sign_in_attempts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('email', sa.String(length=255), nullable=False),
        sa.Column('address', sa.String(length=64), nullable=False),
        sa.Column('success', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_attempts')),
    )
    with op.batch_alter_table('sign_in_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_sign_in_attempts_email', ['email', 'success', 'occurred_at'], unique=False)
        batch_op.create_index('ix_sign_in_attempts_address', ['address', 'success', 'occurred_at'], unique=False)
        batch_op.create_index('ix_sign_in_attempts_occurred_at', ['occurred_at'], unique=False)


def downgrade():
    with op.batch_alter_table('sign_in_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_sign_in_attempts_occurred_at')
        batch_op.drop_index('ix_sign_in_attempts_address')
        batch_op.drop_index('ix_sign_in_attempts_email')
    op.drop_table('sign_in_attempts')
