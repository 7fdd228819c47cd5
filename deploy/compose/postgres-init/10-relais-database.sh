#!/bin/sh
# Runs once, on the first start of an empty PostgreSQL volume: the application's own
# database and role, separate from Temporal's (`temporal`, `temporal_visibility`).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v relais_password="$RELAIS_DB_PASSWORD" <<'SQL'
CREATE ROLE relais LOGIN PASSWORD :'relais_password';
CREATE DATABASE relais OWNER relais;
SQL
