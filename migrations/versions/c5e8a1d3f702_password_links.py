"""one-time links to choose a password

Revision ID: c5e8a1d3f702
Revises: a7d2e9c4b613
Create Date: 2026-11-30 19:00:00.000000

Written by hand (issue 14, item 8).

- password_links: a link an admin makes for a person to choose a password (the service sends no email).
  Only the SHA-256 hash of the token is stored; the link expires, is used once (used_at, set by a
  conditional UPDATE) and is replaced by a newer one (replaced_at). Deleted with the person.
"""
from alembic import op
import sqlalchemy as sa


revision = 'c5e8a1d3f702'
down_revision = 'a7d2e9c4b613'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'password_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('made_by_id', sa.Integer(), nullable=True),
        sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('replaced_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_password_links_user_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['made_by_id'], ['users.id'], name=op.f('fk_password_links_made_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_password_links')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_password_links_token_hash')),
    )
    with op.batch_alter_table('password_links', schema=None) as batch_op:
        batch_op.create_index('ix_password_links_user_id', ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('password_links', schema=None) as batch_op:
        batch_op.drop_index('ix_password_links_user_id')
    op.drop_table('password_links')
