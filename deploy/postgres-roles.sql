-- Run once by the postgres image's entrypoint on an empty data volume (docker-entrypoint-initdb.d), as the
-- superuser, in the database POSTGRES_DB. Outside compose a DBA runs the same with psql (README, "Database roles").
--   ncr_owner: owns the database and its schema; `manage.py migrate` connects as this role.
--   ncr_app:   web, worker and housekeeping connect as this role; it gets its rights on the tables from
--              `migrate` (ncregister/dbroles.py): read and write rows, never change the schema.
\set ON_ERROR_STOP on
\getenv owner_password NCR_OWNER_DB_PASSWORD
\getenv app_password NCR_APP_DB_PASSWORD
\getenv dbname POSTGRES_DB
CREATE ROLE ncr_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE ncr_app LOGIN PASSWORD :'app_password';
ALTER DATABASE :"dbname" OWNER TO ncr_owner;
REVOKE ALL ON DATABASE :"dbname" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"dbname" TO ncr_app;
ALTER SCHEMA public OWNER TO ncr_owner;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO ncr_app;
