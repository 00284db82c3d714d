#!/usr/bin/env bash
# Start Debian's PostgreSQL cluster and create a throwaway role and database for the tests.
# The role has CREATEDB: the suite makes a fresh database for each run and drops it afterwards.
set -euo pipefail
version=$(ls /usr/lib/postgresql | sort -V | tail -1)
cluster=main
if ! pg_lsclusters -h 2>/dev/null | awk '{print $1, $2}' | grep -q "^$version $cluster$"; then
  pg_createcluster "$version" "$cluster" >/dev/null
fi
pg_ctlcluster "$version" "$cluster" start 2>/dev/null || true
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "${PGPORT:-5432}" && break
  sleep 1
done
pg_isready -h 127.0.0.1 -p "${PGPORT:-5432}"
runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'assess_ci') THEN
    CREATE ROLE assess_ci LOGIN CREATEDB PASSWORD 'assess_ci';
  END IF;
END $$;
-- DROP DATABASE ... WITH (FORCE) must be able to end an autovacuum worker that happens to be
-- working in a test database; such a worker belongs to no role, so only pg_signal_backend may.
GRANT pg_signal_backend TO assess_ci;
SQL
runuser -u postgres -- psql -tAc "SELECT 1 FROM pg_database WHERE datname = 'assess_ci'" | grep -q 1 \
  || runuser -u postgres -- createdb -O assess_ci assess_ci
echo "PostgreSQL $version ready: postgresql://assess_ci:***@127.0.0.1:${PGPORT:-5432}/assess_ci"
