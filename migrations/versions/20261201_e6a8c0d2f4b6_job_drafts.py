"""the scheduled jobs' report drafts and the salary-step forecast (issue 19)

``statutory_report.compiled_by`` may be null: a draft compiled by the scheduled job on
the report's compilation date, for the unit to review, sign and submit.
``report_fact.salary_since``: the day the person's current salary step is paid from
(item 30 of the form, "Ngày hưởng"), from which the next regular step is forecast. Rows
written before this revision have it empty until `flask reports rebuild`.

Revision ID: e6a8c0d2f4b6
Revises: d5f7b9c1e3a5
Create Date: 2026-12-01 22:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'e6a8c0d2f4b6'
down_revision = 'd5f7b9c1e3a5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('statutory_report') as batch:
        batch.alter_column('compiled_by', existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table('report_fact') as batch:
        batch.add_column(sa.Column('salary_since', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('report_fact') as batch:
        batch.drop_column('salary_since')
    # a job's report signed since is the signer's; a job's draft nobody signed has no
    # compiler to give back and goes (nothing refers to a draft)
    op.execute("UPDATE statutory_report SET compiled_by = COALESCE(signed_by, submitted_by) "
               "WHERE compiled_by IS NULL")
    op.execute("DELETE FROM statutory_report WHERE compiled_by IS NULL")
    with op.batch_alter_table('statutory_report') as batch:
        batch.alter_column('compiled_by', existing_type=sa.Integer(), nullable=False)
