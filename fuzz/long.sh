#!/usr/bin/env bash
# Long fuzz runs by hand: each TARGET until it has RUNS executions (default 10^7) in one libFuzzer
# run, then every input of the corpus it grew once more under AddressSanitizer.
#
#   bash fuzz/long.sh template api               10^7 executions each, one after the other
#   FUZZ_RUNS=1000000 bash fuzz/long.sh keywords
#   FUZZ_FORK=2 bash fuzz/long.sh campaign        one run, fuzzing in 2 worker processes
#
# The run uses build-fuzz-ub/ (OUTREACH_FUZZ_SANITIZERS=undefined: coverage and
# UndefinedBehaviorSanitizer, no AddressSanitizer), which runs the targets about twice as fast; the
# corpus it grows then goes through the target of build-fuzz/ (AddressSanitizer, LeakSanitizer and
# UndefinedBehaviorSanitizer, as fuzz/run.sh builds it), so a memory error on any input the run
# kept is still found. The corpus starts from fuzz/corpus/<target>/ and lives in
# build-fuzz-ub/corpus-long/<target>/: a second call continues it. Per target one line goes to
# standard output and to build-fuzz-ub/long-runs.txt: executions, exec/s, peak RSS, the replay's
# result and the commit. Exits non-zero on any finding; the input is kept in
# build-fuzz-ub/artifacts/<target>/ and the logs in build-fuzz-ub/logs/.
# FUZZ_FORK=N uses libFuzzer's fork mode for a target too slow for one core: one run whose N workers
# fuzz slices of the shared corpus, the executions counted over all of them (stopped at RUNS), and
# the run stops at the first crash, timeout or OOM as a single process does. The workers' peak RSS
# is not reported in that mode.
set -euo pipefail
cd "$(dirname "$0")/.."
(($#)) || { echo "usage: fuzz/long.sh TARGET..." >&2; exit 2; }
runs=${FUZZ_RUNS:-10000000}
OUTREACH_DEPS=build OUTREACH_FUZZ=1 bash scripts/install-deps.sh

configure() {  # DIR SANITIZERS
  CC=clang CXX=clang++ cmake -S . -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOUTREACH_FUZZ=ON \
    -DOUTREACH_FUZZ_SANITIZERS="$2" -DOUTREACH_TESTS=OFF -DOUTREACH_BENCH=OFF >/dev/null
}
fast=build-fuzz-ub
full=build-fuzz
configure "$fast" undefined
configure "$full" address,undefined
cmake --build "$fast" -j "$(nproc)" --target "${@/%/_fuzzer}"
cmake --build "$full" -j "$(nproc)" --target "${@/%/_fuzzer}"

export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
source fuzz/leak_checks.sh
leaks=$(leak_checks "$full")  # for the ASan replay
mkdir -p "$fast/logs"
failed=0
for t in "$@"; do
  corpus="$fast/corpus-long/$t"
  artifacts="$fast/artifacts/$t"
  mkdir -p "$corpus" "$artifacts"
  if [[ -d "fuzz/corpus/$t" ]]; then cp -rn "fuzz/corpus/$t/." "$corpus/"; fi
  args=(-runs="$runs" -rss_limit_mb="${FUZZ_RSS_MB:-2048}" -timeout="${FUZZ_TIMEOUT:-10}" -print_final_stats=1
        -artifact_prefix="$artifacts/")
  if [[ -f "fuzz/$t.dict" ]]; then args+=(-dict="fuzz/$t.dict"); fi
  if [[ -n "${FUZZ_FORK:-}" ]]; then args+=(-fork="$FUZZ_FORK"); fi
  log="$fast/logs/$t.log"
  start=$SECONDS
  result=ok
  "$fast/fuzz/${t}_fuzzer" "${args[@]}" "$corpus" >"$log" 2>&1 || result="FAILED (see $log and $artifacts/)"
  wall=$((SECONDS - start))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
  if [[ -n "${FUZZ_FORK:-}" ]]; then  # the parent's progress lines: "#1234567: cov: ... exec/s 1800 ..."
    execs=$(sed -n 's/^#\([0-9]*\): cov:.*/\1/p' "$log" | tail -1)
    rate=$((${execs:-0} / (wall > 0 ? wall : 1)))
    rss="?"
  fi

  # Every input the run kept, once, under AddressSanitizer (libFuzzer runs the files it is given).
  replay="$fast/logs/$t.asan-replay.log"
  inputs=$(find "$corpus" -type f | wc -l)
  replayed=ok
  find "$corpus" -type f -print0 |
    xargs -0 -n 500 env ASAN_OPTIONS=detect_leaks=$leaks "$full/fuzz/${t}_fuzzer" -rss_limit_mb="${FUZZ_RSS_MB:-2048}" \
      -timeout="${FUZZ_TIMEOUT:-10}" -artifact_prefix="$artifacts/" >"$replay" 2>&1 ||
    replayed="FAILED (see $replay and $artifacts/)"

  line="$t: ${execs:-?} executions${FUZZ_FORK:+ in $FUZZ_FORK workers} in ${wall} s (${rate:-?} exec/s, peak RSS ${rss:-?} MB): $result; ASan replay of $inputs inputs: $replayed; commit $(git rev-parse --short HEAD)"
  echo "$line" | tee -a "$fast/long-runs.txt"
  [[ "$result" == ok && "$replayed" == ok ]] || failed=1
done
exit "$failed"
