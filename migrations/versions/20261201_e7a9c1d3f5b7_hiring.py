"""hiring: the decision that brought a person in, and the profile's terms run from it

Revision ID: e7a9c1d3f5b7
Revises: d6f8b0c2e4a6
Create Date: 2026-12-01 14:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'e7a9c1d3f5b7'
down_revision = 'd6f8b0c2e4a6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'hiring',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('employee_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('decision_number', sa.String(length=64), nullable=False),
        sa.Column('decision_date', sa.Date(), nullable=False),
        sa.Column('decided_by', sa.String(length=255), nullable=False),
        sa.Column('start_date', sa.Date(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('category', sa.String(length=32), nullable=False),
        sa.Column('attachment_id', sa.Integer(), nullable=True),
        sa.Column('account_term_days', sa.Integer(), nullable=True),
        sa.Column('account_term_from', sa.String(length=16), nullable=True),
        sa.Column('account_term_cite', sa.Text(), nullable=True),
        sa.Column('first_entry_term_days', sa.Integer(), nullable=True),
        sa.Column('first_entry_term_from', sa.String(length=16), nullable=True),
        sa.Column('first_entry_term_cite', sa.Text(), nullable=True),
        sa.Column('batch', sa.String(length=32), nullable=True),
        sa.Column('entered_by', sa.Integer(), nullable=True),
        sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['attachment_id'], ['record_attachment.id']),
        sa.ForeignKeyConstraint(['employee_id'], ['employee.id']),
        sa.ForeignKeyConstraint(['entered_by'], ['ab_user.id']),
        sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('employee_id'),
    )
    op.create_index('ix_hiring_unit_entered', 'hiring', ['unit_id', 'entered_at'])


def downgrade():
    op.drop_index('ix_hiring_unit_entered', table_name='hiring')
    op.drop_table('hiring')
