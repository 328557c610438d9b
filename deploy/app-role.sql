-- The app's own database role, readybed_app: it reads and writes rows but owns no table.
--
-- The tables belong to the role `readybed`, which runs `python -m matching team migrate`
-- (schema changes). The app logs in as readybed_app, which cannot drop, alter or disable
-- anything: not the audit log's triggers (only a table's owner may), not TRUNCATE (not
-- granted), and not an UPDATE of either log or a DELETE of the organisation log (not
-- granted; the triggers refuse them too, and a DELETE of a case's audit rows while the case
-- exists). So a stolen app password cannot quietly rewrite the history.
--
-- Run as a superuser in the ReadyBed database, after `team migrate` created the tables, then
-- give the role a password (deploy/README.md, "The app's database role"):
--
--   sudo -u postgres psql -d readybed -v ON_ERROR_STOP=1 -f deploy/app-role.sql
--   sudo -u postgres psql -c '\password readybed_app'
--
-- Safe to run again (after each upgrade, for instance).

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'readybed_app') THEN
        CREATE ROLE readybed_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
    END IF;
END
$$;

-- Nobody but the owner creates objects in the schema.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO readybed_app;

-- Rows of every table, now and of the tables later migrations add (created by `readybed`).
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO readybed_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO readybed_app;
ALTER DEFAULT PRIVILEGES FOR ROLE readybed IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO readybed_app;
ALTER DEFAULT PRIVILEGES FOR ROLE readybed IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO readybed_app;

-- The logs only grow: the app adds rows, deletes a case's audit rows with the case, and
-- nothing else. The schema's version is the owner's to change.
REVOKE UPDATE ON audit_log, org_log FROM readybed_app;
REVOKE DELETE ON org_log FROM readybed_app;
REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM readybed_app;
REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM readybed_app;
