"""reporting facts: one row per person of the typed, indexed values reports and search read

Filled by the application (app/reports/services.py) in the transaction of each change, and
for the rows that exist before this revision by `flask reports rebuild` (run by `flask
deploy` and `make run` when the table is empty and people exist).

Revision ID: e8f0a2b4c6d7
Revises: d7e9f1a3b5c8
Create Date: 2026-12-01 18:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'e8f0a2b4c6d7'
down_revision = 'd7e9f1a3b5c8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'report_fact',
        sa.Column('employee_id', sa.Integer(), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=True),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('unit_path', sa.String(length=1024), nullable=False),
        sa.Column('category', sa.String(length=32), nullable=False),
        sa.Column('status', sa.String(length=32), nullable=False),
        sa.Column('sex', sa.String(length=8), nullable=True),
        sa.Column('birth_date', sa.Date(), nullable=True),
        sa.Column('ethnicity', sa.String(length=8), nullable=True),
        sa.Column('religion', sa.String(length=8), nullable=True),
        sa.Column('party_member', sa.Boolean(), nullable=False),
        sa.Column('grade_code', sa.String(length=16), nullable=True),
        sa.Column('salary_step', sa.SmallInteger(), nullable=True),
        sa.Column('salary_coefficient', sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column('job_position', sa.String(length=255), nullable=True),
        sa.Column('job_position_code', sa.String(length=64), nullable=True),
        sa.Column('position', sa.String(length=16), nullable=True),
        sa.Column('education', sa.String(length=16), nullable=True),
        sa.Column('general_education', sa.String(length=16), nullable=True),
        sa.Column('political_theory', sa.String(length=16), nullable=True),
        sa.Column('state_management', sa.String(length=16), nullable=True),
        sa.Column('it_level', sa.String(length=16), nullable=True),
        sa.Column('language_level', sa.String(length=16), nullable=True),
        sa.Column('recruited_on', sa.Date(), nullable=True),
        sa.Column('retires_on', sa.Date(), nullable=True),
        sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['employee_id'], ['employee.id']),
        sa.ForeignKeyConstraint(['version_id'], ['record_version.id']),
        sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id']),
        sa.PrimaryKeyConstraint('employee_id'),
    )
    op.create_index('ix_report_fact_unit_path', 'report_fact', ['unit_path'],
                    postgresql_ops={'unit_path': 'varchar_pattern_ops'})
    op.create_index('ix_report_fact_category_status', 'report_fact', ['category', 'status'])
    op.create_index('ix_report_fact_birth_date', 'report_fact', ['birth_date'])
    op.create_index('ix_report_fact_grade_code', 'report_fact', ['grade_code'])
    op.create_index('ix_report_fact_retires_on', 'report_fact', ['retires_on'])


def downgrade():
    op.drop_table('report_fact')
