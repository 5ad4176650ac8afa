#!/bin/sh
# Stand-in for the official postgres image's entrypoint (standin-bases.sh POSTGRES=1): creates
# POSTGRES_USER (superuser, password POSTGRES_PASSWORD) and POSTGRES_DB on the first start.
set -e
D=/var/lib/postgresql/data
if [ ! -s "$D/PG_VERSION" ]; then
  printf '%s' "$POSTGRES_PASSWORD" > /tmp/pw
  initdb -D "$D" -U "$POSTGRES_USER" --pwfile=/tmp/pw --auth-host=scram-sha-256 --auth-local=trust
  rm /tmp/pw
  echo "host all all all scram-sha-256" >> "$D/pg_hba.conf"
  pg_ctl -D "$D" -o "-c listen_addresses=''" -w start
  [ "$POSTGRES_DB" = postgres ] || createdb -h /var/run/postgresql -U "$POSTGRES_USER" "$POSTGRES_DB"
  pg_ctl -D "$D" -m fast -w stop
fi
exec postgres -D "$D" -c listen_addresses='*'
