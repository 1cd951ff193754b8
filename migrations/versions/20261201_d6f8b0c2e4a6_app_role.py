"""the app connects as hoso_app, a role that owns nothing

PostgreSQL only (SQLite has no roles). The migrations run as the schema's owner
(DATABASE_OWNER_URL); the app runs as ``hoso_app`` (DATABASE_URL), which may read and
write the app's tables but only SELECT and INSERT the audit log: it cannot UPDATE,
DELETE or TRUNCATE it, nor disable its triggers (that needs the owner), nor create
anything. Tables that later migrations create get the same grants (default privileges
of the owner). The role is created without a password when missing (a server with
trust or peer authentication); a deployment creates it first with one (docs/deploy).

Revision ID: d6f8b0c2e4a6
Revises: c5e7a9b1d3f2
Create Date: 2026-12-01 11:20:00

"""
from alembic import op


revision = 'd6f8b0c2e4a6'
down_revision = 'c5e7a9b1d3f2'
branch_labels = None
depends_on = None

APP_ROLE = "hoso_app"
AUDIT_TABLE = "audit_entry"

UPGRADE = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN
        CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
    END IF;
EXCEPTION
    -- another database's migration created it at the same moment
    WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
DO $$
BEGIN
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO {role}', current_database());
END $$;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO {role};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {audit} FROM {role};
GRANT SELECT, INSERT ON {audit} TO {role};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role};
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role};
""".format(role=APP_ROLE, audit=AUDIT_TABLE)

# the role is the server's, shared by every database on it: it is kept, its rights here go
DOWNGRADE = """
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM {role};
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM {role};
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {role};
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role};
REVOKE USAGE ON SCHEMA public FROM {role};
DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM {role}', current_database());
END $$;
""".format(role=APP_ROLE)


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(UPGRADE)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(DOWNGRADE)
