#!/usr/bin/env bash
# Load on a real `outreach serve`: wrk with many connections against /healthz, a signed Twilio reply
# webhook (every request a new message from a known person) and a 100-row municipality page.
#   bench/serve_load.sh [seconds=10] [connections=1000] BINARY [BINARY...]
# Each binary gets its own freshly seeded database (same data): 10,000 people in 24 municipalities
# (1 in 3 in Rotterdam), the example campaign launched and its first SMS sent through a fake Twilio,
# and 1,500 Rotterdam residents who answered JA (shared with the municipality, case opened). Prints
# p50/p99, requests/s, socket errors (connect/read/write/timeout), non-2xx answers and the load
# average for each run, then the ratios of the last binary to the first.
# Needs wrk and python3; run by hand, never in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
conns=${2:-1000}
shift 2 || true
[[ $# -ge 1 ]] || set -- build/app/outreach
command -v wrk >/dev/null || { echo "wrk not installed (scripts/install-deps.sh with OUTREACH_DEPS=bench)" >&2; exit 1; }
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
py=bench/serve_load.py
tmp=$(mktemp -d /tmp/outreach-serve-load.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [[ -n "${KEEP:-}" ]] && echo "kept $tmp" >&2 || rm -rf "$tmp"
}
trap cleanup EXIT

python3 "$py" contacts 10000 "$tmp/contacts.csv"
python3 "$py" provider "$tmp/provider.port" & pids+=($!)
for _ in $(seq 50); do [[ -s "$tmp/provider.port" ]] && break; sleep 0.1; done
provider_port=$(cat "$tmp/provider.port")
# The example campaign, open around the clock so the bench does not depend on the hour.
sed 's/^send_window:.*/send_window: {days: [mon, tue, wed, thu, fri, sat, sun], hours: "00:00-23:59", timezone: Europe\/Amsterdam}/' \
  config/campaigns/herstel-rijnmond.yaml >"$tmp/campaign.yaml"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

declare -A results
run_wrk() {  # label name url [wrk args...]
  local label=$1 name=$2 url=$3
  shift 3
  local out cpu0 cpu1
  cpu0=$(serve_cpu)
  out=$(wrk -t2 -c"$conns" -d"${seconds}s" --timeout 2s --latency "$@" "$url")
  cpu1=$(serve_cpu)
  local p50 p99 rps errs non2xx load requests cpu
  requests=$(awk '/requests in/{print $1}' <<<"$out")
  p50=$(awk '/^ +50%/{print $2}' <<<"$out")
  p99=$(awk '/^ +99%/{print $2}' <<<"$out")
  rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
  errs=$(awk -F'[ ,]+' '/Socket errors/{print "connect " $5 ", read " $7 ", write " $9 ", timeout " $11}' <<<"$out")
  non2xx=$(awk '/Non-2xx/{print $NF}' <<<"$out")
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  # serve's own CPU (user + system, all its threads) per answered request: what the code costs,
  # less sensitive than latency to what else the machine runs.
  cpu=$(awk -v a="$cpu0" -v b="$cpu1" -v n="$requests" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { split(a, x, " "); split(b, y, " "); if (n > 0) printf "user %.0f us + sys %.0f us", (y[1]-x[1])*1e6/hz/n, (y[2]-x[2])*1e6/hz/n }')
  printf '%-10s %-22s p50 %8s  p99 %8s  %9s req/s  socket errors: %-44s non-2xx: %-6s load %s  serve CPU/request: %s\n' \
    "$label" "$name" "$p50" "$p99" "$rps" "${errs:-none}" "${non2xx:-0}" "$load" "$cpu"
  results["$label/$name/p99"]=$p99
  results["$label/$name/rps"]=$rps
}

serve_cpu() {  # "utime stime" of serve in clock ticks (proc(5): fields 14 and 15 of /proc/PID/stat)
  awk '{ sub(/^.*\) /, ""); print $12, $13 }' "/proc/$serve_pid/stat"
}

to_ms() {  # wrk latency "812.34ms" / "1.20s" / "950.00us" -> milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; print n }'
}

labels=()
n=0
for bin in "$@"; do
  n=$((n + 1))
  label="run$n"
  labels+=("$label")
  dir="$tmp/$label"
  mkdir -p "$dir"
  port=$(free_port)
  base="http://127.0.0.1:$port"
  cat >"$dir/outreach.yaml" <<YAML
database: $dir/bench.db
public_base_url: $base
engine:
  claim_batch: 500
  frequency_cap: {messages: 10, per: 24h}
channels:
  sms:           {scheme: tel,          provider: twilio,  rate: 100000}
  email:         {scheme: mailto,       provider: sandbox, rate: 100000}
  whatsapp:      {scheme: whatsapp,     provider: sandbox, rate: 100000}
  intermediary:  {scheme: intermediary, provider: sandbox, rate: 100000}
  facebook_page: {scheme: page,         provider: sandbox, rate: 100000}
providers:
  twilio:
    base_url: http://127.0.0.1:$provider_port
    account_sid: ACbench
    auth_token: bench-auth-token
    from: "+3197010203040"
YAML
  o() { "$bin" --config "$dir/outreach.yaml" --db "$dir/bench.db" "$@"; }
  token() { awk '/token/{print $NF}'; }
  o init >/dev/null
  o municipalities load >/dev/null
  o principals add amira --kind coordinator >/dev/null
  o principals add joost --kind approver >/dev/null
  rotterdam=$(o principals add rotterdam --kind municipality --scope GM0599 | token)
  o contacts import "$tmp/contacts.csv" --as amira | head -1
  o campaign save "$tmp/campaign.yaml" --as amira >/dev/null
  o campaign submit herstel-rijnmond --as amira >/dev/null
  o campaign approve herstel-rijnmond --as joost >/dev/null
  o campaign launch herstel-rijnmond --as amira | head -1
  o run | head -1
  "$bin" --config "$dir/outreach.yaml" --db "$dir/bench.db" serve --listen "127.0.0.1:$port" \
    >"$dir/serve.out" 2>"$dir/serve.err" & serve_pid=$!
  pids+=("$serve_pid")
  for _ in $(seq 100); do grep -q "engine running" "$dir/serve.out" 2>/dev/null && break; sleep 0.1; done
  grep -q "engine running" "$dir/serve.out" || { cat "$dir/serve.err" >&2; exit 1; }
  # 1,500 Rotterdam residents (every third person is one) answer JA.
  python3 "$py" replies "$base/v1/webhooks/sms" bench-auth-token 1500 3 JA
  python3 "$py" wrk-script "$base/v1/webhooks/sms" bench-auth-token 200000 "$dir/webhook.lua"
  page="$base/v1/municipalities/GM0599/responses?limit=100"
  rows=$(curl -fsS -H "Authorization: Bearer $rotterdam" "$page" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
  echo "$label: $bin on $(nproc) cores; the page has $rows rows"
  run_wrk "$label" "GET /healthz" "$base/healthz"
  run_wrk "$label" "POST webhook" "$base/v1/webhooks/sms" -s "$dir/webhook.lua"
  run_wrk "$label" "GET 100-row page" "$page" -H "Authorization: Bearer $rotterdam"
  kill -TERM "$serve_pid"
  wait "$serve_pid" || true
  grep -c . "$dir/serve.err" >/dev/null && tail -3 "$dir/serve.err" || true
done

if [[ ${#labels[@]} -ge 2 ]]; then
  first=${labels[0]}
  last=${labels[-1]}
  echo "ratios ($last / $first):"
  for name in "GET /healthz" "POST webhook" "GET 100-row page"; do
    a=$(to_ms "${results[$first/$name/p99]}")
    b=$(to_ms "${results[$last/$name/p99]}")
    awk -v n="$name" -v a="$a" -v b="$b" -v r1="${results[$first/$name/rps]}" -v r2="${results[$last/$name/rps]}" \
      'BEGIN { printf "  %-22s p99 %.3fx (%.1f ms -> %.1f ms), requests/s %.2fx\n", n, (a > 0 ? b / a : 0), a, b, (r1 > 0 ? r2 / r1 : 0) }'
  done
fi
