"""in-app notices, each mailed after its transaction commits

A notice to one account: a subject, a body without sensitive record values, an
optional in-app link; when it was read, when it was mailed or why mailing failed.

Revision ID: 5b7d2c4e6f81
Revises: 4e2f9a1c7b30
Create Date: 2026-11-24 02:45:00

"""
import sqlalchemy as sa
from alembic import op


revision = '5b7d2c4e6f81'
down_revision = '4e2f9a1c7b30'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('mailed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('mail_error', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.create_index('ix_notice_account', ['account_id', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.drop_index('ix_notice_account')
    op.drop_table('notice')
