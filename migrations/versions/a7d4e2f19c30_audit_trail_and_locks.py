"""audit trail, per-area save versions, and the database refusing changes to submitted work

Revision ID: a7d4e2f19c30
Revises: 5e1a7c3b9d20
Create Date: 2026-11-30 10:00:00.000000

Written by hand (issue 10):

- audit_events: append-only. Triggers refuse UPDATE and DELETE on both databases.
- assessment_sections: per area of an assessment, how many times it has been saved and by whom (the
  version an area page carries, for optimistic concurrency).
- Submitted work is immutable in the database as well as the code: a submitted assessment's row, its
  answers, and every stored score refuse UPDATE and DELETE.
"""
from alembic import op
import sqlalchemy as sa


revision = 'a7d4e2f19c30'
down_revision = '5e1a7c3b9d20'
branch_labels = None
depends_on = None

# (table, SQLite WHEN condition or None for always, message)
SQLITE_RULES = [
    ('audit_events', None, 'the audit trail is append-only'),
    ('assessment_scores', None, 'stored scores never change'),
    ('domain_scores', None, 'stored scores never change'),
    ('assessments', "OLD.status = 'submitted'", 'a submitted assessment never changes'),
    ('answers', "(SELECT status FROM assessments WHERE id = OLD.assessment_id) = 'submitted'",
     'the answers of a submitted assessment never change'),
]

POSTGRESQL_SQL = """
CREATE FUNCTION assess_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% on %: %', TG_OP, TG_TABLE_NAME, TG_ARGV[0] USING ERRCODE = 'restrict_violation';
END $$;

CREATE FUNCTION assess_refuse_submitted_assessment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'submitted' THEN
    RAISE EXCEPTION '% on assessments: a submitted assessment never changes', TG_OP
      USING ERRCODE = 'restrict_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$;

CREATE FUNCTION assess_refuse_submitted_answer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM assessments WHERE id = OLD.assessment_id AND status = 'submitted') THEN
    RAISE EXCEPTION '% on answers: the answers of a submitted assessment never change', TG_OP
      USING ERRCODE = 'restrict_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION assess_refuse_change('the audit trail is append-only');
CREATE TRIGGER assessment_scores_immutable BEFORE UPDATE OR DELETE ON assessment_scores
  FOR EACH ROW EXECUTE FUNCTION assess_refuse_change('stored scores never change');
CREATE TRIGGER domain_scores_immutable BEFORE UPDATE OR DELETE ON domain_scores
  FOR EACH ROW EXECUTE FUNCTION assess_refuse_change('stored scores never change');
CREATE TRIGGER assessments_submitted_immutable BEFORE UPDATE OR DELETE ON assessments
  FOR EACH ROW EXECUTE FUNCTION assess_refuse_submitted_assessment();
CREATE TRIGGER answers_submitted_immutable BEFORE UPDATE OR DELETE ON answers
  FOR EACH ROW EXECUTE FUNCTION assess_refuse_submitted_answer();
"""

POSTGRESQL_DOWN_SQL = """
DROP TRIGGER IF EXISTS answers_submitted_immutable ON answers;
DROP TRIGGER IF EXISTS assessments_submitted_immutable ON assessments;
DROP TRIGGER IF EXISTS domain_scores_immutable ON domain_scores;
DROP TRIGGER IF EXISTS assessment_scores_immutable ON assessment_scores;
DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events;
DROP FUNCTION IF EXISTS assess_refuse_submitted_answer();
DROP FUNCTION IF EXISTS assess_refuse_submitted_assessment();
DROP FUNCTION IF EXISTS assess_refuse_change();
"""


def _statements(sql):
    """One statement at a time (the driver runs one per call); a function body ends with 'END $$;'."""
    statements, current = [], []
    for line in sql.strip().splitlines():
        current.append(line)
        if line.endswith(';') and (line.startswith('END $$') or '$$' not in '\n'.join(current)):
            statements.append('\n'.join(current).strip().rstrip(';'))
            current = []
    return [statement for statement in statements if statement]


POSTGRESQL = _statements(POSTGRESQL_SQL)
POSTGRESQL_DOWN = _statements(POSTGRESQL_DOWN_SQL)


def _sqlite_triggers():
    for table, condition, message in SQLITE_RULES:
        for operation in ('UPDATE', 'DELETE'):
            when = f' WHEN {condition}' if condition else ''
            yield (
                f'{table}_no_{operation.lower()}',
                f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table}{when} "
                f"BEGIN SELECT RAISE(ABORT, '{operation} on {table}: {message}'); END",
            )


def upgrade():
    op.create_table(
        'audit_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('request_id', sa.String(length=64), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('actor', sa.String(length=255), nullable=False),
        sa.Column('action', sa.String(length=60), nullable=False),
        sa.Column('object_type', sa.String(length=40), nullable=False),
        sa.Column('object_id', sa.String(length=100), nullable=True),
        sa.Column('site_id', sa.Integer(), nullable=True),
        sa.Column('assessment_id', sa.Integer(), nullable=True),
        sa.Column('before', sa.JSON(), nullable=True),
        sa.Column('after', sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events')),
    )
    op.create_index('ix_audit_events_assessment', 'audit_events', ['assessment_id', 'id'])
    op.create_index('ix_audit_events_site', 'audit_events', ['site_id', 'id'])
    op.create_table(
        'assessment_sections',
        sa.Column('assessment_id', sa.Integer(), nullable=False),
        sa.Column('domain_id', sa.String(length=100), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('saved_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('version >= 1', name=op.f('ck_assessment_sections_version_positive')),
        sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'],
                                name=op.f('fk_assessment_sections_assessment_id_assessments'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['saved_by_id'], ['users.id'],
                                name=op.f('fk_assessment_sections_saved_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('assessment_id', 'domain_id', name=op.f('pk_assessment_sections')),
    )
    if op.get_bind().dialect.name == 'postgresql':
        for statement in POSTGRESQL:
            op.execute(statement)
    else:
        for _, statement in _sqlite_triggers():
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for statement in POSTGRESQL_DOWN:
            op.execute(statement)
    else:
        for name, _ in _sqlite_triggers():
            op.execute(f'DROP TRIGGER IF EXISTS {name}')
    op.drop_table('assessment_sections')
    op.drop_index('ix_audit_events_site', table_name='audit_events')
    op.drop_index('ix_audit_events_assessment', table_name='audit_events')
    op.drop_table('audit_events')
