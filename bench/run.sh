#!/usr/bin/env bash
# Runs the benchmark harnesses and prints their figures. By hand only (not in CI):
#   bash bench/run.sh [contacts-for-dispatch (default 100000)] [contacts-for-launch (default 1000000)]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh --target dispatch_bench http_bench fault_isolation_bench clerk_pages_bench >/dev/null
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

# (b) through the dispatcher and the Twilio connector, against a private nginx answering 201.
port=18765
mkdir -p "$tmp/nginx"
cat >"$tmp/nginx/nginx.conf" <<CONF
daemon off; worker_processes 1; error_log $tmp/nginx/error.log; pid $tmp/nginx/nginx.pid;
events { worker_connections 4096; }
http { access_log off; client_body_temp_path $tmp/nginx/body; keepalive_requests 10000000;
  server { listen 127.0.0.1:$port; location / { default_type application/json;
    return 201 '{"sid":"SM123","status":"queued"}'; } } }
CONF
/usr/sbin/nginx -p "$tmp/nginx" -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf" &
nginx_pid=$!
trap 'kill $nginx_pid 2>/dev/null; rm -rf "$tmp"' EXIT
sleep 0.5
$b setup "${1:-100000}" "$tmp/http.db"
$b launch "$tmp/http.db" >/dev/null
$b dispatch-http "$tmp/http.db" "http://127.0.0.1:$port" wire
# (b') the full path beside the bare loop, in one run, against a private nginx of its own.
$b http-ratio "${1:-100000}"

# Fault isolation: a healthy channel (the nginx above) beside one whose provider misbehaves
# (tests/support/faulty_provider.py; its slow answers outlast the 10 s transport timeout). The bench
# starts the fault server afresh for every round, so rounds are independent.
./build/bench/fault_isolation_bench "http://127.0.0.1:$port" \
  "SLOW_MS=12000 python3 tests/support/faulty_provider.py ok,500,502,503,504,503ra,429,slow,reset,garbage,hangup" 10000

# (f) The clerk's case list with 10,000 cases, through the page handler serve runs.
./build/bench/clerk_pages_bench 10000 200 "$tmp/clerk.db"
