"""org tree history and employee unit path

Units get a type, a current code, validity dates and a successor; their names,
parents, codes and leaders become dated periods; every restructuring is a row
with its decision. Employees get their placements over time and a copy of
their unit's path, kept by triggers on both databases, for fast subtree lists.

Revision ID: 7c1e0b4d2a91
Revises: 5910633d057a
Create Date: 2026-11-23 20:15:52.025081

"""
import unicodedata

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '7c1e0b4d2a91'
down_revision = '5910633d057a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('org_restructuring',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('decision_number', sa.String(length=64), nullable=False),
    sa.Column('decision_date', sa.Date(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('employee_placement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('reason', sa.String(length=255), nullable=True),
    sa.Column('restructuring_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], ),
    sa.ForeignKeyConstraint(['restructuring_id'], ['org_restructuring.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('employee_placement', schema=None) as batch_op:
        batch_op.create_index('ix_employee_placement_employee_id', ['employee_id', 'valid_from'], unique=False)
        batch_op.create_index('ix_employee_placement_unit_id', ['unit_id'], unique=False)

    op.create_table('org_restructuring_part',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('restructuring_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('part', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['restructuring_id'], ['org_restructuring.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('org_restructuring_part', schema=None) as batch_op:
        batch_op.create_index('ix_org_restructuring_part_restructuring_id', ['restructuring_id'], unique=False)
        batch_op.create_index('ix_org_restructuring_part_unit_id', ['unit_id'], unique=False)

    op.create_table('org_unit_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=35), nullable=False),
    sa.Column('form', sa.String(length=16), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('restructuring_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['restructuring_id'], ['org_restructuring.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('org_unit_code', schema=None) as batch_op:
        batch_op.create_index('ix_org_unit_code_code', ['code'], unique=False)
        batch_op.create_index('ix_org_unit_code_unit_id', ['unit_id', 'valid_from'], unique=False)

    op.create_table('org_unit_leader',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.String(length=16), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('decision_number', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('org_unit_leader', schema=None) as batch_op:
        batch_op.create_index('ix_org_unit_leader_employee_id', ['employee_id'], unique=False)
        batch_op.create_index('ix_org_unit_leader_unit_id', ['unit_id', 'position'], unique=False)
        batch_op.create_index('uq_org_unit_leader_open_head', ['unit_id'], unique=True, postgresql_where=sa.text("position = 'head' AND valid_to IS NULL"), sqlite_where=sa.text("position = 'head' AND valid_to IS NULL"))

    op.create_table('org_unit_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('unit_type', sa.String(length=32), nullable=False),
    sa.Column('is_employing', sa.Boolean(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('restructuring_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['org_unit.id'], ),
    sa.ForeignKeyConstraint(['restructuring_id'], ['org_restructuring.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('org_unit_state', schema=None) as batch_op:
        batch_op.create_index('ix_org_unit_state_parent_id', ['parent_id'], unique=False)
        batch_op.create_index('ix_org_unit_state_unit_id', ['unit_id', 'valid_from'], unique=False)

    with op.batch_alter_table('employee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_path', sa.String(length=1024), server_default=sa.FetchedValue(), nullable=True))
        batch_op.drop_index(batch_op.f('ix_employee_full_name'))
        batch_op.create_index('ix_employee_full_name_id', ['full_name', 'id'], unique=False, postgresql_include=['unit_id'])
        batch_op.create_index('ix_employee_unit_path', ['unit_path'], unique=False, postgresql_include=['id', 'full_name', 'unit_id'], postgresql_ops={'unit_path': 'varchar_pattern_ops'})

    with op.batch_alter_table('org_unit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_type', sa.String(length=32), nullable=False,
                                      server_default='bo_phan'))
        batch_op.add_column(sa.Column('code', sa.String(length=35), nullable=True))
        batch_op.add_column(sa.Column('search_name', sa.String(length=255), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('valid_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('valid_to', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('successor_id', sa.Integer(), nullable=True))
        batch_op.create_index('uq_org_unit_open_code', ['code'], unique=True, postgresql_where=sa.text('valid_to IS NULL'), sqlite_where=sa.text('valid_to IS NULL'))
        batch_op.create_foreign_key('fk_org_unit_successor_id', 'org_unit', ['successor_id'], ['id'])

    _backfill()
    _create_triggers()
    if op.get_bind().dialect.name == 'postgresql':
        # a large subtree's list in name order (app.records.models.INDEXED_LEVELS)
        for level in (2, 3):
            op.create_index('ix_employee_unit_level%d' % level, 'employee',
                            [sa.text("split_part(unit_path, '/', %d)" % (level + 1)),
                             'full_name', 'id'], postgresql_include=['unit_id'])


def _fold(text):
    # frozen copy of app.core.text.fold as of this revision
    bare = "".join(c for c in unicodedata.normalize("NFD", text or "")
                   if not unicodedata.combining(c))
    return " ".join(bare.replace("đ", "d").replace("Đ", "D").split()).lower()


def _backfill():
    bind = op.get_bind()
    for unit_id, name in bind.execute(sa.text("SELECT id, name FROM org_unit")).all():
        bind.execute(sa.text("UPDATE org_unit SET search_name = :s WHERE id = :id"),
                     {"s": _fold(name), "id": unit_id})
    # what exists today has held since before the records began
    op.execute("INSERT INTO org_unit_state (unit_id, name, parent_id, unit_type, is_employing) "
               "SELECT id, name, parent_id, unit_type, is_employing FROM org_unit")
    op.execute("INSERT INTO employee_placement (employee_id, unit_id) "
               "SELECT id, unit_id FROM employee")
    op.execute("UPDATE employee SET unit_path = "
               "(SELECT path FROM org_unit WHERE org_unit.id = employee.unit_id)")


PG_TRIGGERS = """
CREATE FUNCTION employee_copy_unit_path() RETURNS trigger AS $$
BEGIN
    SELECT path INTO NEW.unit_path FROM org_unit WHERE id = NEW.unit_id;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER employee_copy_unit_path BEFORE INSERT OR UPDATE OF unit_id, unit_path
    ON employee FOR EACH ROW EXECUTE FUNCTION employee_copy_unit_path();

CREATE FUNCTION org_unit_path_to_employees() RETURNS trigger AS $$
BEGIN
    UPDATE employee SET unit_path = NEW.path WHERE unit_id = NEW.id;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER org_unit_path_to_employees AFTER UPDATE OF path ON org_unit
    FOR EACH ROW WHEN (OLD.path IS DISTINCT FROM NEW.path)
    EXECUTE FUNCTION org_unit_path_to_employees();
"""

SQLITE_TRIGGERS = [
    """CREATE TRIGGER employee_copy_unit_path_insert AFTER INSERT ON employee
    BEGIN UPDATE employee SET unit_path = (SELECT path FROM org_unit WHERE id = NEW.unit_id)
          WHERE id = NEW.id; END""",
    """CREATE TRIGGER employee_copy_unit_path_update AFTER UPDATE OF unit_id ON employee
    BEGIN UPDATE employee SET unit_path = (SELECT path FROM org_unit WHERE id = NEW.unit_id)
          WHERE id = NEW.id; END""",
    """CREATE TRIGGER org_unit_path_to_employees AFTER UPDATE OF path ON org_unit
    WHEN OLD.path IS NOT NEW.path
    BEGIN UPDATE employee SET unit_path = NEW.path WHERE unit_id = NEW.id; END""",
]


def _create_triggers():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(PG_TRIGGERS)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def _drop_triggers():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER org_unit_path_to_employees ON org_unit; "
                   "DROP FUNCTION org_unit_path_to_employees(); "
                   "DROP TRIGGER employee_copy_unit_path ON employee; "
                   "DROP FUNCTION employee_copy_unit_path();")
    else:
        for name in ("employee_copy_unit_path_insert", "employee_copy_unit_path_update",
                     "org_unit_path_to_employees"):
            op.execute("DROP TRIGGER %s" % name)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for level in (2, 3):
            op.drop_index('ix_employee_unit_level%d' % level, 'employee')
    _drop_triggers()
    with op.batch_alter_table('org_unit', schema=None) as batch_op:
        batch_op.drop_constraint('fk_org_unit_successor_id', type_='foreignkey')
        batch_op.drop_index('uq_org_unit_open_code', postgresql_where=sa.text('valid_to IS NULL'), sqlite_where=sa.text('valid_to IS NULL'))
        batch_op.drop_column('successor_id')
        batch_op.drop_column('valid_to')
        batch_op.drop_column('valid_from')
        batch_op.drop_column('search_name')
        batch_op.drop_column('code')
        batch_op.drop_column('unit_type')

    with op.batch_alter_table('employee', schema=None) as batch_op:
        batch_op.drop_index('ix_employee_unit_path', postgresql_include=['id', 'full_name', 'unit_id'], postgresql_ops={'unit_path': 'varchar_pattern_ops'})
        batch_op.drop_index('ix_employee_full_name_id', postgresql_include=['unit_id'])
        batch_op.create_index(batch_op.f('ix_employee_full_name'), ['full_name'], unique=False)
        batch_op.drop_column('unit_path')

    with op.batch_alter_table('org_unit_state', schema=None) as batch_op:
        batch_op.drop_index('ix_org_unit_state_unit_id')
        batch_op.drop_index('ix_org_unit_state_parent_id')

    op.drop_table('org_unit_state')
    with op.batch_alter_table('org_unit_leader', schema=None) as batch_op:
        batch_op.drop_index('uq_org_unit_leader_open_head', postgresql_where=sa.text("position = 'head' AND valid_to IS NULL"), sqlite_where=sa.text("position = 'head' AND valid_to IS NULL"))
        batch_op.drop_index('ix_org_unit_leader_unit_id')
        batch_op.drop_index('ix_org_unit_leader_employee_id')

    op.drop_table('org_unit_leader')
    with op.batch_alter_table('org_unit_code', schema=None) as batch_op:
        batch_op.drop_index('ix_org_unit_code_unit_id')
        batch_op.drop_index('ix_org_unit_code_code')

    op.drop_table('org_unit_code')
    with op.batch_alter_table('org_restructuring_part', schema=None) as batch_op:
        batch_op.drop_index('ix_org_restructuring_part_unit_id')
        batch_op.drop_index('ix_org_restructuring_part_restructuring_id')

    op.drop_table('org_restructuring_part')
    with op.batch_alter_table('employee_placement', schema=None) as batch_op:
        batch_op.drop_index('ix_employee_placement_unit_id')
        batch_op.drop_index('ix_employee_placement_employee_id')

    op.drop_table('employee_placement')
    op.drop_table('org_restructuring')
