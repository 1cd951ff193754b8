"""scheduled jobs' runs, the mail outbox and mail preferences (issue 19)

Revision ID: d5f7b9c1e3a5
Revises: b3d5f7a9c1e2
Create Date: 2026-12-01 21:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd5f7b9c1e3a5'
down_revision = 'b3d5f7a9c1e2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'job_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('job', sa.String(length=64), nullable=False),
        sa.Column('period', sa.String(length=32), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.SmallInteger(), nullable=False),
        sa.Column('runner', sa.String(length=120), nullable=False),
        sa.Column('requested_by', sa.Integer(), nullable=True),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('result', sa.String(length=500), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['requested_by'], ['ab_user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('job', 'period', name='uq_job_run_period'),
    )
    op.create_index('ix_job_run_started', 'job_run', ['job', 'started_at'])
    op.add_column('notice', sa.Column('kind', sa.String(length=32), nullable=True))
    op.create_table(
        'mail_outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('notice_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.SmallInteger(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_error', sa.String(length=500), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['notice_id'], ['notice.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('notice_id', name='uq_mail_outbox_notice'),
    )
    op.create_index('ix_mail_outbox_due', 'mail_outbox', ['status', 'next_attempt_at'])
    op.create_table(
        'mail_preference',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('mail_off', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['ab_user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('account_id', 'kind', name='uq_mail_preference'),
    )


def downgrade():
    op.drop_table('mail_preference')
    op.drop_index('ix_mail_outbox_due', table_name='mail_outbox')
    op.drop_table('mail_outbox')
    op.drop_column('notice', 'kind')
    op.drop_index('ix_job_run_started', table_name='job_run')
    op.drop_table('job_run')
