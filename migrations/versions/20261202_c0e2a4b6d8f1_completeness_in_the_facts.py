"""the facts for a faster overview and search (issue 18.6): the approved version's
completeness copied into them, the search's narrowing criteria indexed

The overview's completeness panel (app/reports/dashboard.py) joined every fact to its
approved version to read one small number, the statement that cost the page most
(bench/search_bench.py: 75–105 ms of its 220 ms at 200,000 people). The number now sits
in ``report_fact.completeness``, written with the rest of the facts, and the panel comes
out of the one GROUP BY the other panels share; the (id, completeness) index that served
the join goes. The values are copied from the approved versions (those never change).
The unit path's index takes the status beside it, so that the people per unit come from
the index alone. Trình độ, LLCT, QLNN and the few with a religion or of an ethnic
minority get an index each: a search on them counted by reading every fact (28–32 ms
at 200,000 people, 6–8 ms with them).

report_fact is rewritten (CLUSTER on its key, the mark removed afterwards) so that the
update does not leave it at twice its size, before the new indexes are built; `flask
deploy` refreshes its statistics after the migration.

Revision ID: c0e2a4b6d8f1
Revises: b9d1f3a5c7e9
Create Date: 2026-12-02 16:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c0e2a4b6d8f1'
down_revision = 'b9d1f3a5c7e9'
branch_labels = None
depends_on = None

SEARCHED = ('education', 'political_theory', 'state_management')
# the column and the common value its partial index leaves out
FEW = (('religion', '00'), ('ethnicity', '01'))


def upgrade():
    with op.batch_alter_table('report_fact') as batch:
        batch.add_column(sa.Column('completeness', sa.SmallInteger(), nullable=True))
    op.execute('UPDATE report_fact SET completeness = (SELECT record_version.completeness '
               'FROM record_version WHERE record_version.id = report_fact.version_id) '
               'WHERE version_id IS NOT NULL')
    op.drop_index('ix_record_version_completeness', table_name='record_version')
    op.drop_index('ix_report_fact_unit_path', table_name='report_fact')
    if op.get_bind().dialect.name == 'postgresql':
        # every row was written again: without the rewrite the table keeps both copies'
        # pages, and every count reads them
        op.execute('CLUSTER report_fact USING report_fact_pkey')
        op.execute('ALTER TABLE report_fact SET WITHOUT CLUSTER')
    op.create_index('ix_report_fact_unit_path_status', 'report_fact', ['unit_path', 'status'],
                    postgresql_ops={'unit_path': 'varchar_pattern_ops'})
    for name in SEARCHED:
        op.create_index('ix_report_fact_%s' % name, 'report_fact', [name])
    for name, common in FEW:
        where = sa.text("%s <> '%s'" % (name, common))
        op.create_index('ix_report_fact_%s' % name, 'report_fact', [name],
                        postgresql_where=where, sqlite_where=where)


def downgrade():
    for name, _common in FEW:
        op.drop_index('ix_report_fact_%s' % name, table_name='report_fact')
    for name in SEARCHED:
        op.drop_index('ix_report_fact_%s' % name, table_name='report_fact')
    op.drop_index('ix_report_fact_unit_path_status', table_name='report_fact')
    op.create_index('ix_report_fact_unit_path', 'report_fact', ['unit_path'],
                    postgresql_ops={'unit_path': 'varchar_pattern_ops'})
    op.create_index('ix_record_version_completeness', 'record_version',
                    ['id', 'completeness'])
    with op.batch_alter_table('report_fact') as batch:
        batch.drop_column('completeness')
