"""the data quality's wide text beside the facts: report_fact_quality (issue 18.6)

The labels of the items behind a person's quality counts (invalid_items, missing_items,
orphan_items), which only the quality drill-down reads, and the keys the duplicate check
compares (match_key, id_hash, cccd_hash, with their indexes), which only that check reads,
move out of report_fact into report_fact_quality, one row per fact: every count and
search over the facts reads the whole row, and these were half of it. The counts and the
duplicate flags stay on report_fact (the scores count them). The values are copied, not
recomputed; report_fact is then rewritten (CLUSTER on its key, the mark removed
afterwards) so that its rows lose the dropped columns' bytes now rather than as each is
next written. The rewrite leaves the visibility map empty: `flask deploy` runs
``VACUUM ANALYZE`` on both tables after any migration (autovacuum would only once enough
rows change), so that the counts answered from an index alone do so again.

Revision ID: f7b9d1e3a5c7
Revises: e6a8c0d2f4b6
Create Date: 2026-12-02 01:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'f7b9d1e3a5c7'
down_revision = 'e6a8c0d2f4b6'
branch_labels = None
depends_on = None

ITEMS = ('invalid_items', 'missing_items', 'orphan_items')
HASHES = ('match_key', 'id_hash', 'cccd_hash')
SIZES = dict({name: 500 for name in ITEMS}, **{name: 64 for name in HASHES})


def _columns():
    return [sa.Column(name, sa.String(length=SIZES[name]), nullable=True)
            for name in ITEMS + HASHES]


def upgrade():
    op.create_table(
        'report_fact_quality',
        sa.Column('employee_id', sa.Integer(), nullable=False),
        *_columns(),
        sa.ForeignKeyConstraint(['employee_id'], ['report_fact.employee_id'],
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('employee_id'),
    )
    names = ', '.join(ITEMS + HASHES)
    op.execute('INSERT INTO report_fact_quality (employee_id, %s) '
               'SELECT employee_id, %s FROM report_fact' % (names, names))
    # the indexes once the rows are in (one sort each, not 200,000 insertions)
    for name in HASHES:
        op.drop_index('ix_report_fact_%s' % name, table_name='report_fact')
        op.create_index('ix_report_fact_quality_%s' % name, 'report_fact_quality', [name])
    with op.batch_alter_table('report_fact') as batch:
        for name in ITEMS + HASHES:
            batch.drop_column(name)
    if op.get_bind().dialect.name == 'postgresql':
        # PostgreSQL keeps a dropped column's bytes in each row until it is written again
        op.execute('CLUSTER report_fact USING report_fact_pkey')
        op.execute('ALTER TABLE report_fact SET WITHOUT CLUSTER')


def downgrade():
    with op.batch_alter_table('report_fact') as batch:
        for column in _columns():
            batch.add_column(column)
    op.execute('UPDATE report_fact SET %s FROM report_fact_quality q '
               'WHERE q.employee_id = report_fact.employee_id'
               % ', '.join('%s = q.%s' % (name, name) for name in ITEMS + HASHES))
    for name in HASHES:
        op.drop_index('ix_report_fact_quality_%s' % name, table_name='report_fact_quality')
        op.create_index('ix_report_fact_%s' % name, 'report_fact', [name])
    op.drop_table('report_fact_quality')
