"""signed approvals, delegations, signing keys, external signing, signed exports, month seals

record_approval holds one detached CMS per version and step (unit, Sở Nội vụ), unique per
step so that a concurrent second approval fails; approval_delegation the heads' written
delegations; signing_credential the keys people and units hold (never a person's PIN).

Revision ID: e62c0d103e84
Revises: 5b7d2c4e6f81
Create Date: 2026-11-24 02:44:15.550665

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e62c0d103e84'
down_revision = '5b7d2c4e6f81'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('approval_month_seal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('entries', sa.JSON(), nullable=False),
    sa.Column('entries_sha256', sa.String(length=64), nullable=False),
    sa.Column('previous_sha256', sa.String(length=64), nullable=True),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
    sa.Column('signed_by', sa.Integer(), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['signed_by'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('unit_id', 'month', name='uq_approval_month_seal')
    )
    op.create_table('signing_credential',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('label', sa.String(length=255), nullable=False),
    sa.Column('certificate', sa.LargeBinary(), nullable=False),
    sa.Column('pkcs12', sa.LargeBinary(), nullable=True),
    sa.Column('seal_passphrase', sa.Text(), nullable=True),
    sa.Column('token_label', sa.String(length=64), nullable=True),
    sa.Column('key_label', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('signing_credential', schema=None) as batch_op:
        batch_op.create_index('ix_signing_credential_account', ['account_id'], unique=False)
        batch_op.create_index('ix_signing_credential_unit', ['unit_id'], unique=False)

    op.create_table('approval_delegation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('delegator_id', sa.Integer(), nullable=False),
    sa.Column('delegate_id', sa.Integer(), nullable=False),
    sa.Column('document_number', sa.String(length=64), nullable=False),
    sa.Column('document_sha256', sa.String(length=64), nullable=False),
    sa.Column('document_type', sa.String(length=64), nullable=False),
    sa.Column('document_name', sa.String(length=255), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['delegate_id'], ['employee.id'], ),
    sa.ForeignKeyConstraint(['delegator_id'], ['employee.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('approval_delegation', schema=None) as batch_op:
        batch_op.create_index('ix_approval_delegation_delegate', ['delegate_id'], unique=False)
        batch_op.create_index('ix_approval_delegation_unit', ['unit_id', 'valid_to'], unique=False)

    op.create_table('record_approval',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=16), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('basis', sa.String(length=16), nullable=False),
    sa.Column('approver_account_id', sa.Integer(), nullable=False),
    sa.Column('approver_employee_id', sa.Integer(), nullable=True),
    sa.Column('delegation_id', sa.Integer(), nullable=True),
    sa.Column('provider', sa.String(length=16), nullable=False),
    sa.Column('canonical_format', sa.Integer(), nullable=False),
    sa.Column('canonical_sha256', sa.String(length=64), nullable=False),
    sa.Column('cms', sa.LargeBinary(), nullable=False),
    sa.Column('signer_name', sa.String(length=255), nullable=False),
    sa.Column('certificate_serial', sa.String(length=64), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('in_window', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['approver_account_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['approver_employee_id'], ['employee.id'], ),
    sa.ForeignKeyConstraint(['delegation_id'], ['approval_delegation.id'], ),
    sa.ForeignKeyConstraint(['version_id'], ['record_version.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('version_id', 'step', name='uq_record_approval_step')
    )
    with op.batch_alter_table('record_approval', schema=None) as batch_op:
        batch_op.create_index('ix_record_approval_unit', ['unit_id', 'signed_at'], unique=False)

    op.create_table('signed_export',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('signed_by', sa.Integer(), nullable=False),
    sa.Column('signer_name', sa.String(length=255), nullable=False),
    sa.Column('seal_name', sa.String(length=255), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], ),
    sa.ForeignKeyConstraint(['signed_by'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['version_id'], ['record_version.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('signed_export', schema=None) as batch_op:
        batch_op.create_index('ix_signed_export_employee', ['employee_id', 'signed_at'], unique=False)

    op.create_table('signing_external_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('credential_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=16), nullable=False),
    sa.Column('canonical_sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['credential_id'], ['signing_credential.id'], ),
    sa.ForeignKeyConstraint(['version_id'], ['record_version.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token')
    )


def downgrade():
    op.drop_table('signing_external_request')
    with op.batch_alter_table('signed_export', schema=None) as batch_op:
        batch_op.drop_index('ix_signed_export_employee')

    op.drop_table('signed_export')
    with op.batch_alter_table('record_approval', schema=None) as batch_op:
        batch_op.drop_index('ix_record_approval_unit')

    op.drop_table('record_approval')
    with op.batch_alter_table('approval_delegation', schema=None) as batch_op:
        batch_op.drop_index('ix_approval_delegation_unit')
        batch_op.drop_index('ix_approval_delegation_delegate')

    op.drop_table('approval_delegation')
    with op.batch_alter_table('signing_credential', schema=None) as batch_op:
        batch_op.drop_index('ix_signing_credential_unit')
        batch_op.drop_index('ix_signing_credential_account')

    op.drop_table('signing_credential')
    op.drop_table('approval_month_seal')
