-- simdesk journal in PostgreSQL: the two roles (README, "Least privilege").
--
-- simdesk_owner owns the schema: it creates and migrates the tables, and
-- only it (or a superuser) could disable the append-only triggers. Its DSN
-- is used for migrations only (journal_admin_dsn_env, or once:
-- `simdesk journal --migrate`), never by a running simdesk.
-- simdesk_app is the runtime role: it appends and reads, nothing more (the
-- grants in grants.sql, which `simdesk journal --migrate` applies).
--
-- Run once as a superuser, connected to the journal's database:
--   createdb simdesk
--   psql -v ON_ERROR_STOP=1 -d simdesk -f contrib/postgres/roles.sql
-- then give each role a password (or use certificates):
--   ALTER ROLE simdesk_owner PASSWORD '…'; ALTER ROLE simdesk_app PASSWORD '…';
-- and create the schema as its owner, granting simdesk_app what it needs:
--   SIMDESK_JOURNAL_ADMIN_DSN='postgres://simdesk_owner@db/simdesk' simdesk journal --migrate
-- It can be run again: what exists is kept.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'simdesk_owner') THEN
        CREATE ROLE simdesk_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'simdesk_app') THEN
        CREATE ROLE simdesk_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
    END IF;
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO simdesk_owner, simdesk_app', current_database());
END
$$;
-- Only the owner creates tables in the schema; the runtime role may use it.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO simdesk_owner;
GRANT USAGE ON SCHEMA public TO simdesk_app;
