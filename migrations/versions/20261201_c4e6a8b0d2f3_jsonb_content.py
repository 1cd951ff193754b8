"""record versions: content as jsonb on PostgreSQL, an (id, completeness) index (issue 18)

Revision ID: c4e6a8b0d2f3
Revises: a2c4e6f8b0d1
Create Date: 2026-12-01 21:00:00

jsonb keeps the parsed value (keys reordered, whitespace dropped); nothing reads the
stored text: the signature's canonical bytes are made from the parsed dict with sorted
keys (app/approval/canonical.py), so approved versions keep verifying. SQLite keeps JSON.
The overview's completeness panel (app/reports/dashboard.py) joins the facts to their
versions: the index answers it without reading the versions' rows (bench/search_bench.py).
"""
from alembic import op


revision = 'c4e6a8b0d2f3'
down_revision = 'a2c4e6f8b0d1'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE record_version ALTER COLUMN content TYPE jsonb '
                   'USING content::jsonb')
    op.create_index('ix_record_version_completeness', 'record_version',
                    ['id', 'completeness'])


def downgrade():
    op.drop_index('ix_record_version_completeness', table_name='record_version')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE record_version ALTER COLUMN content TYPE json '
                   'USING content::json')
