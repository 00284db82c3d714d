"""carried-over answers and site targets

Revision ID: b3f9a6c1d820
Revises: e7b2c5d90a14
Create Date: 2026-11-30 15:30:00.000000

Written by hand (issue 13).

- assessments.carried_from_id: the submitted assessment a new one copied its answers and evidence from.
- assessment_sections.carried_over: an area still holding copied answers nobody has reviewed and saved.
- site_targets: a site's target level for each area of a questionnaire, versioned against lost writes.
"""
from alembic import op
import sqlalchemy as sa


revision = 'b3f9a6c1d820'
down_revision = 'e7b2c5d90a14'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (no table rebuild on SQLite, so the triggers on assessments are kept).
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE assessments ADD COLUMN carried_from_id INTEGER'
                   ' REFERENCES assessments (id)')
    else:
        op.add_column('assessments', sa.Column('carried_from_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_assessments_carried_from_id_assessments'), 'assessments', 'assessments',
                              ['carried_from_id'], ['id'])
    op.add_column('assessment_sections',
                  sa.Column('carried_over', sa.Boolean(), server_default=sa.text('false'), nullable=False))
    op.create_table(
        'site_targets',
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('questionnaire_id', sa.String(length=100), nullable=False),
        sa.Column('domain_id', sa.String(length=100), nullable=False),
        sa.Column('level', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('set_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('level >= 0 AND level <= 10', name=op.f('ck_site_targets_level_range')),
        sa.CheckConstraint('version >= 1', name=op.f('ck_site_targets_version_positive')),
        sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_site_targets_site_id_sites'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['set_by_id'], ['users.id'], name=op.f('fk_site_targets_set_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('site_id', 'questionnaire_id', 'domain_id', name=op.f('pk_site_targets')),
    )


def downgrade():
    op.drop_table('site_targets')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('fk_assessments_carried_from_id_assessments'), 'assessments', type_='foreignkey')
    # ALTER TABLE ... DROP COLUMN on both databases (SQLite 3.35+): no table rebuild, triggers kept.
    op.execute('ALTER TABLE assessment_sections DROP COLUMN carried_over')
    op.execute('ALTER TABLE assessments DROP COLUMN carried_from_id')
