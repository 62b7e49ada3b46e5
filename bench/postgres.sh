#!/usr/bin/env bash
# Dispatch throughput on SQLite and on PostgreSQL with one and with two engines (issue 13), the same
# launched campaign each time through the sandbox channel, in one run on this machine. By hand only:
#   bash bench/postgres.sh [contacts (default 20000)]
# PostgreSQL is a private server in a temporary directory (the tests' tools/postgres_server_main,
# initdb and pg_ctl as the postgres user when root), on a unix socket; it stops when this ends.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20000}
bash scripts/build.sh --target dispatch_bench test_postgres_server >/dev/null
b=./build/bench/dispatch_bench
tmp=$(mktemp -d)
chmod 755 "$tmp"
server=./build/tests/test_postgres_server
trap '$server stop "$tmp/pg" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
CI=true $server start "$tmp/pg" >/dev/null
dir=$(sed -n 1p "$tmp/pg")
port=$(sed -n 2p "$tmp/pg")
url() { echo "postgresql:///$1?host=$dir&port=$port&user=postgres"; }
psql_admin() { psql -q -h "$dir" -p "$port" -U postgres -d postgres -c "$1"; }
echo "machine: $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg); $n contacts, one SMS each, sandbox channel"

$b setup "$n" "$tmp/sqlite.db" >/dev/null
$b launch "$tmp/sqlite.db" >/dev/null
$b dispatch-engines 1 "$tmp/sqlite.db"

for engines in 1 2; do
  psql_admin "CREATE DATABASE bench$engines"
  $b setup "$n" "$(url bench$engines)" >/dev/null
  $b launch "$(url bench$engines)" >/dev/null
  $b dispatch-engines "$engines" "$(url bench$engines)"
done
