"""statutory reports and staffing quotas (issue 18.4)

Revision ID: a2c4e6f8b0d1
Revises: f9a1b3c5d7e9
Create Date: 2026-12-01 20:40:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB


revision = 'a2c4e6f8b0d1'
down_revision = 'f9a1b3c5d7e9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'staffing_quota',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.SmallInteger(), nullable=False),
        sa.Column('category', sa.String(length=32), nullable=False),
        sa.Column('quota', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=255), nullable=False),
        sa.Column('entered_by', sa.Integer(), nullable=False),
        sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id']),
        sa.ForeignKeyConstraint(['entered_by'], ['ab_user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('unit_id', 'year', 'category', name='uq_staffing_quota'),
    )
    op.create_table(
        'statutory_report',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('level', sa.String(length=16), nullable=False),
        sa.Column('period', sa.String(length=16), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=True),
        sa.Column('revision', sa.SmallInteger(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('numbers', sa.JSON().with_variant(JSONB(), 'postgresql'), nullable=False),
        sa.Column('compiled_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('compiled_by', sa.Integer(), nullable=False),
        sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('signed_by', sa.Integer(), nullable=True),
        sa.Column('signer_name', sa.String(length=255), nullable=True),
        sa.Column('seal_name', sa.String(length=255), nullable=True),
        sa.Column('pdf_sha256', sa.String(length=64), nullable=True),
        sa.Column('xlsx_sha256', sa.String(length=64), nullable=True),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('submitted_by', sa.Integer(), nullable=True),
        sa.Column('supersedes_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id']),
        sa.ForeignKeyConstraint(['compiled_by'], ['ab_user.id']),
        sa.ForeignKeyConstraint(['signed_by'], ['ab_user.id']),
        sa.ForeignKeyConstraint(['submitted_by'], ['ab_user.id']),
        sa.ForeignKeyConstraint(['supersedes_id'], ['statutory_report.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('unit_id', 'level', 'period', 'revision',
                            name='uq_statutory_report_revision'),
    )
    op.create_index('ix_statutory_report_period', 'statutory_report',
                    ['period', 'level', 'status'])


def downgrade():
    op.drop_index('ix_statutory_report_period', table_name='statutory_report')
    op.drop_table('statutory_report')
    op.drop_table('staffing_quota')
