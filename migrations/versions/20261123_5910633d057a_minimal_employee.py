"""minimal employee

Revision ID: 5910633d057a
Revises: aacc8cdde452
Create Date: 2026-11-23 18:37:07.998563

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '5910633d057a'
down_revision = 'aacc8cdde452'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('employee',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('full_name', sa.String(length=128), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('account_id')
    )
    with op.batch_alter_table('employee', schema=None) as batch_op:
        batch_op.create_index('ix_employee_full_name', ['full_name'], unique=False)
        batch_op.create_index('ix_employee_unit_id', ['unit_id'], unique=False,
                              postgresql_include=['id', 'full_name'])



def downgrade():
    with op.batch_alter_table('employee', schema=None) as batch_op:
        batch_op.drop_index('ix_employee_unit_id')
        batch_op.drop_index('ix_employee_full_name')

    op.drop_table('employee')
