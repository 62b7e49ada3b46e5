-- Roles for outreach on PostgreSQL 15 (README: "Running several engines"). Run once as a
-- superuser (psql -v ON_ERROR_STOP=1 -f roles.sql), after replacing the passwords.
--
-- outreach_owner owns the schema and runs the migrations (`outreach init`, and an engine starting
-- a newer version). The NOLOGIN role outreach_engine is created here, so the owner needs no
-- CREATEROLE (the first migration creates it only when it is missing). The engines log in as
-- engine1, engine2, members of outreach_engine: every table, but no UPDATE, DELETE or TRUNCATE
-- on audit_log and no UPDATE or TRUNCATE on consent_events.

CREATE ROLE outreach_owner LOGIN PASSWORD 'change-me-owner';
CREATE ROLE outreach_engine NOLOGIN;
CREATE ROLE engine1 LOGIN PASSWORD 'change-me-1' IN ROLE outreach_engine;
CREATE ROLE engine2 LOGIN PASSWORD 'change-me-2' IN ROLE outreach_engine;

CREATE DATABASE outreach OWNER outreach_owner ENCODING 'UTF8' TEMPLATE template0;
\connect outreach
-- PostgreSQL 15: schema public belongs to the database's owner (pg_database_owner), so only
-- outreach_owner may create tables there; the migrations grant outreach_engine what it may do.
REVOKE ALL ON DATABASE outreach FROM PUBLIC;
GRANT CONNECT ON DATABASE outreach TO outreach_engine;
