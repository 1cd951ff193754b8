"""the pull on transfer-in (issue 20.4): a received person's record read from the
national database, kept encrypted for the receiving unit to check (``sync_pull``)

Revision ID: b9d1f3a5c7e9
Revises: a8c0e2f4b6d8
Create Date: 2026-12-02 02:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b9d1f3a5c7e9'
down_revision = 'a8c0e2f4b6d8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sync_pull',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('case_id', sa.Integer(), sa.ForeignKey('transfer_case.id'), nullable=False),
        sa.Column('employee_id', sa.Integer(), sa.ForeignKey('employee.id'), nullable=False),
        sa.Column('unit_id', sa.Integer(), sa.ForeignKey('org_unit.id'), nullable=False),
        sa.Column('org_code', sa.String(64), nullable=False),
        sa.Column('record_key_hash', sa.String(64), nullable=False),
        sa.Column('record_key', sa.Text(), nullable=False),
        sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('fetched_by', sa.Integer(), sa.ForeignKey('ab_user.id'), nullable=True),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Column('content', sa.Text(), nullable=True),
        sa.Column('message', sa.String(1000), nullable=True),
        sa.Column('applied_version_id', sa.Integer(), sa.ForeignKey('record_version.id'),
                  nullable=True),
        sa.Column('decided_by', sa.Integer(), sa.ForeignKey('ab_user.id'), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('row_version', sa.Integer(), nullable=False),
    )
    op.create_index('ix_sync_pull_case', 'sync_pull', ['case_id', 'id'])
    op.create_index('ix_sync_pull_unit', 'sync_pull', ['unit_id', 'status'])
    op.create_index('ix_sync_pull_key', 'sync_pull', ['record_key_hash'])


def downgrade():
    op.drop_table('sync_pull')
