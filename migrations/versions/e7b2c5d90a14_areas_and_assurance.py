"""areas (named sets of sites for commissioners) and assurance decisions

Revision ID: e7b2c5d90a14
Revises: d41c9e7a2b58
Create Date: 2026-11-30 12:30:00.000000

Written by hand (issue 12).

- areas, area_sites: an area is a named set of sites with a type (region, prison group, probation
  region, contract, Police and Crime Commissioner area); a site may be in several.
- user_areas: the areas a commissioner's account covers (the commissioner access rule reads it).
- assurance_decisions: a commissioner's judgement on a site, or on one area of the questionnaire at a
  site. Append-only: triggers refuse UPDATE and DELETE on both databases (a new decision supersedes).
"""
from alembic import op
import sqlalchemy as sa


revision = 'e7b2c5d90a14'
down_revision = 'd41c9e7a2b58'
branch_labels = None
depends_on = None

AREA_TYPES = ('region', 'prison group', 'probation region', 'contract', 'pcc area')
SQLITE_TRIGGERS = [
    ('assurance_decisions_no_update',
     "CREATE TRIGGER assurance_decisions_no_update BEFORE UPDATE ON assurance_decisions"
     " BEGIN SELECT RAISE(ABORT, 'UPDATE on assurance_decisions: decisions are kept as made'); END"),
    ('assurance_decisions_no_delete',
     "CREATE TRIGGER assurance_decisions_no_delete BEFORE DELETE ON assurance_decisions"
     " BEGIN SELECT RAISE(ABORT, 'DELETE on assurance_decisions: decisions are kept as made'); END"),
]
POSTGRESQL = [
    "CREATE TRIGGER assurance_decisions_append_only BEFORE UPDATE OR DELETE ON assurance_decisions"
    " FOR EACH ROW EXECUTE FUNCTION assess_refuse_change('decisions are kept as made')",
]
POSTGRESQL_DOWN = ["DROP TRIGGER IF EXISTS assurance_decisions_append_only ON assurance_decisions"]


def upgrade():
    op.create_table(
        'areas',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=20), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('type', sa.String(length=30), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('type IN (' + ', '.join(f"'{value}'" for value in AREA_TYPES) + ')',
                           name=op.f('ck_areas_type')),
        sa.CheckConstraint('length(code) > 0', name=op.f('ck_areas_code_not_empty')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_areas')),
        sa.UniqueConstraint('code', name=op.f('uq_areas_code')),
    )
    op.create_table(
        'area_sites',
        sa.Column('area_id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_area_sites_area_id_areas'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_area_sites_site_id_sites'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('area_id', 'site_id', name=op.f('pk_area_sites')),
    )
    op.create_index('ix_area_sites_site', 'area_sites', ['site_id'])
    op.create_table(
        'user_areas',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('area_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_areas_user_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_user_areas_area_id_areas'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'area_id', name=op.f('pk_user_areas')),
    )
    op.create_table(
        'assurance_decisions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('area_id', sa.Integer(), nullable=True),
        sa.Column('domain_id', sa.String(length=100), nullable=True),
        sa.Column('outcome', sa.String(length=20), nullable=False),
        sa.Column('questions', sa.Text(), nullable=False),
        sa.Column('rationale', sa.Text(), nullable=False),
        sa.Column('revisit_on', sa.Date(), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_by_label', sa.String(length=255), nullable=False),
        sa.CheckConstraint("outcome IN ('assured', 'partly assured', 'not assured')",
                           name=op.f('ck_assurance_decisions_outcome')),
        sa.CheckConstraint('length(trim(rationale)) > 0', name=op.f('ck_assurance_decisions_rationale_required')),
        sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_assurance_decisions_site_id_sites'),
                                ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_assurance_decisions_area_id_areas'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                                name=op.f('fk_assurance_decisions_decided_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_assurance_decisions')),
    )
    op.create_index('ix_assurance_decisions_site', 'assurance_decisions', ['site_id', 'id'])
    op.create_index('ix_assurance_decisions_revisit', 'assurance_decisions', ['revisit_on'])
    if op.get_bind().dialect.name == 'postgresql':
        for statement in POSTGRESQL:
            op.execute(statement)
    else:
        for _, statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for statement in POSTGRESQL_DOWN:
            op.execute(statement)
    else:
        for name, _ in SQLITE_TRIGGERS:
            op.execute(f'DROP TRIGGER IF EXISTS {name}')
    op.drop_index('ix_assurance_decisions_revisit', table_name='assurance_decisions')
    op.drop_index('ix_assurance_decisions_site', table_name='assurance_decisions')
    op.drop_table('assurance_decisions')
    op.drop_table('user_areas')
    op.drop_index('ix_area_sites_site', table_name='area_sites')
    op.drop_table('area_sites')
    op.drop_table('areas')
