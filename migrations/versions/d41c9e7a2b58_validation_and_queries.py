"""inspector validation of submitted assessments, and queries with the site's right of reply

Revision ID: d41c9e7a2b58
Revises: c2b8f0d4a611
Create Date: 2026-11-30 12:00:00.000000

Written by hand (issue 11).

- assessment_reviews: one per submitted assessment an inspector has begun to validate; state
  'in review' or 'validated' (final), the confidence judgement, the summary, the internal note.
- area_validations: the decision on each area (agree / raise / lower / unable), the validated level,
  the reason. The self-assessment is never touched.
- queries and query_entries: a query on one or more areas with a due date, and each step of it.

The database keeps the rules as well as the code: a final review's decisions refuse INSERT, UPDATE and
DELETE; a final review changes only by being reopened (state back to 'in review'); reviews, queries and
query entries are never deleted; query entries never change; a resolved or closed query never changes.
"""
from alembic import op
import sqlalchemy as sa


revision = 'd41c9e7a2b58'
down_revision = 'c2b8f0d4a611'
branch_labels = None
depends_on = None

FINAL_REVIEW = "(SELECT state FROM assessment_reviews WHERE assessment_id = {row}.assessment_id) = 'validated'"

# (name, SQLite trigger)
SQLITE_TRIGGERS = [
    ('area_validations_final_insert',
     "CREATE TRIGGER area_validations_final_insert BEFORE INSERT ON area_validations WHEN "
     + FINAL_REVIEW.format(row='NEW')
     + " BEGIN SELECT RAISE(ABORT, 'INSERT on area_validations: the review is final'); END"),
    ('area_validations_final_update',
     "CREATE TRIGGER area_validations_final_update BEFORE UPDATE ON area_validations WHEN "
     + FINAL_REVIEW.format(row='OLD')
     + " BEGIN SELECT RAISE(ABORT, 'UPDATE on area_validations: the review is final'); END"),
    ('area_validations_no_delete',
     "CREATE TRIGGER area_validations_no_delete BEFORE DELETE ON area_validations"
     " BEGIN SELECT RAISE(ABORT, 'DELETE on area_validations: decisions are kept'); END"),
    ('assessment_reviews_final_update',
     "CREATE TRIGGER assessment_reviews_final_update BEFORE UPDATE ON assessment_reviews"
     " WHEN OLD.state = 'validated' AND NEW.state = 'validated'"
     " BEGIN SELECT RAISE(ABORT, 'UPDATE on assessment_reviews: a final review changes only by reopening'); END"),
    ('assessment_reviews_no_delete',
     "CREATE TRIGGER assessment_reviews_no_delete BEFORE DELETE ON assessment_reviews"
     " BEGIN SELECT RAISE(ABORT, 'DELETE on assessment_reviews: reviews are kept'); END"),
    ('queries_no_delete',
     "CREATE TRIGGER queries_no_delete BEFORE DELETE ON queries"
     " BEGIN SELECT RAISE(ABORT, 'DELETE on queries: queries are kept'); END"),
    ('queries_closed_update',
     "CREATE TRIGGER queries_closed_update BEFORE UPDATE ON queries"
     " WHEN OLD.status IN ('resolved', 'closed unresolved')"
     " BEGIN SELECT RAISE(ABORT, 'UPDATE on queries: a resolved or closed query never changes'); END"),
    ('query_entries_no_update',
     "CREATE TRIGGER query_entries_no_update BEFORE UPDATE ON query_entries"
     " BEGIN SELECT RAISE(ABORT, 'UPDATE on query_entries: the steps of a query are append-only'); END"),
    ('query_entries_no_delete',
     "CREATE TRIGGER query_entries_no_delete BEFORE DELETE ON query_entries"
     " BEGIN SELECT RAISE(ABORT, 'DELETE on query_entries: the steps of a query are append-only'); END"),
]

POSTGRESQL = [
    """CREATE FUNCTION assess_refuse_final_validation() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  row_assessment integer;
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'DELETE on area_validations: decisions are kept' USING ERRCODE = 'restrict_violation';
  END IF;
  IF TG_OP = 'INSERT' THEN row_assessment := NEW.assessment_id; ELSE row_assessment := OLD.assessment_id; END IF;
  IF EXISTS (SELECT 1 FROM assessment_reviews WHERE assessment_id = row_assessment AND state = 'validated') THEN
    RAISE EXCEPTION '% on area_validations: the review is final', TG_OP USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END $$""",
    """CREATE FUNCTION assess_refuse_final_review() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'DELETE on assessment_reviews: reviews are kept' USING ERRCODE = 'restrict_violation';
  END IF;
  IF OLD.state = 'validated' AND NEW.state = 'validated' THEN
    RAISE EXCEPTION 'UPDATE on assessment_reviews: a final review changes only by reopening'
      USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END $$""",
    """CREATE FUNCTION assess_refuse_closed_query() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'DELETE on queries: queries are kept' USING ERRCODE = 'restrict_violation';
  END IF;
  IF OLD.status IN ('resolved', 'closed unresolved') THEN
    RAISE EXCEPTION 'UPDATE on queries: a resolved or closed query never changes' USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END $$""",
    "CREATE TRIGGER area_validations_final BEFORE INSERT OR UPDATE OR DELETE ON area_validations"
    " FOR EACH ROW EXECUTE FUNCTION assess_refuse_final_validation()",
    "CREATE TRIGGER assessment_reviews_final BEFORE UPDATE OR DELETE ON assessment_reviews"
    " FOR EACH ROW EXECUTE FUNCTION assess_refuse_final_review()",
    "CREATE TRIGGER queries_closed BEFORE UPDATE OR DELETE ON queries"
    " FOR EACH ROW EXECUTE FUNCTION assess_refuse_closed_query()",
    "CREATE TRIGGER query_entries_append_only BEFORE UPDATE OR DELETE ON query_entries"
    " FOR EACH ROW EXECUTE FUNCTION assess_refuse_change('the steps of a query are append-only')",
]

POSTGRESQL_DOWN = [
    "DROP TRIGGER IF EXISTS query_entries_append_only ON query_entries",
    "DROP TRIGGER IF EXISTS queries_closed ON queries",
    "DROP TRIGGER IF EXISTS assessment_reviews_final ON assessment_reviews",
    "DROP TRIGGER IF EXISTS area_validations_final ON area_validations",
    "DROP FUNCTION IF EXISTS assess_refuse_closed_query()",
    "DROP FUNCTION IF EXISTS assess_refuse_final_review()",
    "DROP FUNCTION IF EXISTS assess_refuse_final_validation()",
]


def upgrade():
    op.create_table(
        'assessment_reviews',
        sa.Column('assessment_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('confidence', sa.String(length=30), nullable=True),
        sa.Column('summary', sa.Text(), nullable=True),
        sa.Column('internal_note', sa.Text(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('started_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finalised_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finalised_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("state IN ('in review', 'validated')", name=op.f('ck_assessment_reviews_state')),
        sa.CheckConstraint(
            "confidence IS NULL OR confidence IN ('confident', 'partly confident', 'not confident')",
            name=op.f('ck_assessment_reviews_confidence')),
        sa.CheckConstraint("state <> 'validated' OR (confidence IS NOT NULL AND finalised_at IS NOT NULL)",
                           name=op.f('ck_assessment_reviews_validated_is_complete')),
        sa.CheckConstraint('version >= 1', name=op.f('ck_assessment_reviews_version_positive')),
        sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'],
                                name=op.f('fk_assessment_reviews_assessment_id_assessments'), ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['started_by_id'], ['users.id'],
                                name=op.f('fk_assessment_reviews_started_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['finalised_by_id'], ['users.id'],
                                name=op.f('fk_assessment_reviews_finalised_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('assessment_id', name=op.f('pk_assessment_reviews')),
    )
    op.create_table(
        'area_validations',
        sa.Column('assessment_id', sa.Integer(), nullable=False),
        sa.Column('domain_id', sa.String(length=100), nullable=False),
        sa.Column('decision', sa.String(length=20), nullable=False),
        sa.Column('self_level', sa.Integer(), nullable=True),
        sa.Column('validated_level', sa.Integer(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('internal_note', sa.Text(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("decision IN ('agree', 'raise', 'lower', 'unable')",
                           name=op.f('ck_area_validations_decision')),
        sa.CheckConstraint("decision = 'agree' OR length(trim(reason)) > 0",
                           name=op.f('ck_area_validations_reason_unless_agree')),
        sa.CheckConstraint("decision <> 'unable' OR validated_level IS NULL",
                           name=op.f('ck_area_validations_unable_has_no_level')),
        sa.CheckConstraint('version >= 1', name=op.f('ck_area_validations_version_positive')),
        sa.ForeignKeyConstraint(['assessment_id'], ['assessment_reviews.assessment_id'],
                                name=op.f('fk_area_validations_assessment_id_assessment_reviews'),
                                ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                                name=op.f('fk_area_validations_decided_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('assessment_id', 'domain_id', name=op.f('pk_area_validations')),
    )
    op.create_table(
        'queries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assessment_id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('domain_ids', sa.JSON(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=30), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('raised_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('awaiting site', 'answered', 'resolved', 'closed unresolved')",
                           name=op.f('ck_queries_status')),
        sa.CheckConstraint('version >= 1', name=op.f('ck_queries_version_positive')),
        sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'],
                                name=op.f('fk_queries_assessment_id_assessments'), ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_queries_site_id_sites'),
                                ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['raised_by_id'], ['users.id'], name=op.f('fk_queries_raised_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_queries')),
    )
    op.create_index('ix_queries_site_status', 'queries', ['site_id', 'status'])
    op.create_index('ix_queries_assessment', 'queries', ['assessment_id', 'id'])
    op.create_table(
        'query_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('query_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('evidence', sa.Text(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('by_id', sa.Integer(), nullable=True),
        sa.Column('by_label', sa.String(length=255), nullable=False),
        sa.CheckConstraint("kind IN ('raised', 'agree', 'disagree', 'resolved', 'closed')",
                           name=op.f('ck_query_entries_kind')),
        sa.CheckConstraint("kind <> 'disagree' OR length(trim(evidence)) > 0",
                           name=op.f('ck_query_entries_disagree_has_evidence')),
        sa.ForeignKeyConstraint(['query_id'], ['queries.id'], name=op.f('fk_query_entries_query_id_queries'),
                                ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_query_entries_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_query_entries')),
    )
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
    op.drop_table('query_entries')
    op.drop_index('ix_queries_assessment', table_name='queries')
    op.drop_index('ix_queries_site_status', table_name='queries')
    op.drop_table('queries')
    op.drop_table('area_validations')
    op.drop_table('assessment_reviews')
