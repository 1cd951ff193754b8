"""record versions, attachments, self-service windows, the số định danh, search by name

The sơ yếu lý lịch as versions (draft, submitted, approved, rejected) with
their sensitive part encrypted; one open version per record. The person's
số định danh cá nhân, encrypted and as a unique keyed hash.

Revision ID: 4e2f9a1c7b30
Revises: 3b8d5e6f7a10
Create Date: 2026-11-24 00:10:00

"""
import sqlalchemy as sa
from alembic import op

from app.core.text import fold


revision = '4e2f9a1c7b30'
down_revision = '3b8d5e6f7a10'
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('draft', 'submitted')")


def upgrade():
    op.create_table('record_self_service',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('groups', sa.JSON(), nullable=False),
    sa.Column('employee_ids', sa.JSON(), nullable=False),
    sa.Column('note', sa.String(length=255), nullable=True),
    sa.Column('opened_by', sa.Integer(), nullable=True),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], ),
    sa.ForeignKeyConstraint(['opened_by'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('record_self_service', schema=None) as batch_op:
        batch_op.create_index('ix_record_self_service_unit', ['unit_id', 'closes_on'],
                              unique=False)

    # plain ALTERs, not a batch: on SQLite a batch copies the table and would drop the
    # unit-path triggers of migration 7c1e0b4d2a91
    op.add_column('employee', sa.Column('national_id_hash', sa.String(length=64), nullable=True))
    op.add_column('employee', sa.Column('national_id_enc', sa.Text(), nullable=True))
    op.create_index('uq_employee_national_id_hash', 'employee', ['national_id_hash'], unique=True)
    # the folded name for accent-free search, filled for the people already there
    op.add_column('employee', sa.Column('search_name', sa.String(length=128), nullable=True))
    bind = op.get_bind()
    people = bind.execute(sa.text("SELECT id, full_name FROM employee")).all()
    if people:
        bind.execute(sa.text("UPDATE employee SET search_name = :name WHERE id = :id"),
                     [{"id": pk, "name": fold(name)} for pk, name in people])
    if bind.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index('ix_employee_search_name_trgm', 'employee', ['search_name'],
                        postgresql_using='gin', postgresql_ops={'search_name': 'gin_trgm_ops'})

    op.create_table('record_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('sensitive', sa.Text(), nullable=True),
    sa.Column('base_id', sa.Integer(), nullable=True),
    sa.Column('lock', sa.Integer(), nullable=False),
    sa.Column('completeness', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], ),
    sa.ForeignKeyConstraint(['base_id'], ['record_version.id'], ),
    sa.ForeignKeyConstraint(['created_by'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['updated_by'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['decided_by'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('employee_id', 'number', name='uq_record_version_number')
    )
    with op.batch_alter_table('record_version', schema=None) as batch_op:
        batch_op.create_index('uq_record_version_open', ['employee_id'], unique=True,
                              postgresql_where=OPEN, sqlite_where=OPEN)
        batch_op.create_index('ix_record_version_status', ['status', 'employee_id'],
                              unique=False)

    op.create_table('record_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('note', sa.String(length=255), nullable=True),
    sa.Column('uploaded_by', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], ),
    sa.ForeignKeyConstraint(['version_id'], ['record_version.id'], ),
    sa.ForeignKeyConstraint(['uploaded_by'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('record_attachment', schema=None) as batch_op:
        batch_op.create_index('ix_record_attachment_version', ['version_id'], unique=False)
        batch_op.create_index('ix_record_attachment_employee', ['employee_id'], unique=False)


def downgrade():
    with op.batch_alter_table('record_self_service', schema=None) as batch_op:
        batch_op.drop_index('ix_record_self_service_unit')
    op.drop_table('record_self_service')
    with op.batch_alter_table('record_attachment', schema=None) as batch_op:
        batch_op.drop_index('ix_record_attachment_employee')
        batch_op.drop_index('ix_record_attachment_version')
    op.drop_table('record_attachment')
    with op.batch_alter_table('record_version', schema=None) as batch_op:
        batch_op.drop_index('ix_record_version_status')
        batch_op.drop_index('uq_record_version_open', postgresql_where=OPEN, sqlite_where=OPEN)
    op.drop_table('record_version')
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index('ix_employee_search_name_trgm', table_name='employee')
    op.drop_column('employee', 'search_name')
    op.drop_index('uq_employee_national_id_hash', table_name='employee')
    op.drop_column('employee', 'national_id_enc')
    op.drop_column('employee', 'national_id_hash')
