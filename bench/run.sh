#!/usr/bin/env bash
# Runs the benchmark harnesses and prints their figures. By hand only (not in CI):
#   bash bench/run.sh [contacts-for-dispatch (default 100000)] [contacts-for-launch (default 1000000)]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh --target dispatch_bench http_bench >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
b=./build/bench/dispatch_bench
echo "machine: $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
$b setup "${1:-100000}" "$tmp/dispatch.db"
$b launch "$tmp/dispatch.db"
$b dispatch "$tmp/dispatch.db"
$b setup "${2:-1000000}" "$tmp/launch.db"
$b launch "$tmp/launch.db"
$b precision 2000
./build/bench/http_bench
