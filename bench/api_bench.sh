#!/usr/bin/env bash
# Drives the API with wrk: /healthz (no auth, no database) and a municipality's JSON page of 100
# residents (bearer token, scope check, audit append per request). Prints requests/s for each.
#   bench/api_bench.sh [build dir=build] [seconds=10] [connections=64]
# Needs wrk and a build with -DOUTREACH_BENCH=ON (target api_bench).
set -euo pipefail
build=${1:-build}
seconds=${2:-10}
conns=${3:-64}
bin="$build/bench/api_bench"
[[ -x "$bin" ]] || { echo "missing $bin: cmake --build $build --target api_bench" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk not installed" >&2; exit 1; }

out=$(mktemp)
"$bin" 1000 >"$out" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 1 100); do grep -q '^TOKEN ' "$out" && break; sleep 0.1; done
port=$(awk '/^PORT /{print $2}' "$out")
token=$(awk '/^TOKEN /{print $2}' "$out")
[[ -n "$port" && -n "$token" ]] || { echo "server did not start:" >&2; cat "$out" >&2; exit 1; }

run() {  # name, path, extra wrk args...
  local name=$1 path=$2
  shift 2
  local rps
  rps=$(wrk -t2 -c"$conns" -d"${seconds}s" "$@" "http://127.0.0.1:$port$path" | awk '/Requests\/sec/{print $2}')
  printf '%-40s %10s req/s (%s connections, %ss)\n' "$name" "$rps" "$conns" "$seconds"
}
run "GET /healthz" /healthz
run "GET /v1/municipalities/GM0599/responses" "/v1/municipalities/GM0599/responses?limit=100" \
  -H "Authorization: Bearer $token"
