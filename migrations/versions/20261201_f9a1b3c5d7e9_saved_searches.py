"""saved searches: an account's search criteria under a name (issue 18.2)

Revision ID: f9a1b3c5d7e9
Revises: e8f0a2b4c6d7
Create Date: 2026-12-01 19:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'f9a1b3c5d7e9'
down_revision = 'e8f0a2b4c6d7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'saved_search',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('criteria', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['ab_user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('account_id', 'name', name='uq_saved_search_account_name'),
    )


def downgrade():
    op.drop_table('saved_search')
