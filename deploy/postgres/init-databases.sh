#!/bin/sh
# Runs once, when the PostgreSQL volume is empty: one role and one database for the API, one for Rasa's trackers.
set -eu
: "${API_DB_PASSWORD:?}" "${RASA_DB_PASSWORD:?}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v api_password="$API_DB_PASSWORD" -v rasa_password="$RASA_DB_PASSWORD" <<'SQL'
CREATE ROLE stackwise LOGIN PASSWORD :'api_password';
CREATE DATABASE stackwise OWNER stackwise;
CREATE ROLE rasa LOGIN PASSWORD :'rasa_password';
CREATE DATABASE rasa OWNER rasa;
SQL
