#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/*_fuzzer.cpp) with Debian's clang in build-fuzz/ and runs each
# for SECONDS seconds on a fresh copy of its seed corpus (fuzz/corpus/<target>/) with its
# dictionary (fuzz/<target>.dict) when there is one. Prints per target the executions and exec/s;
# exits non-zero when any target crashes, leaks, times out or runs out of memory. The input that did
# it is kept in build-fuzz/artifacts/<target>/ and the target's log in build-fuzz/logs/<target>.log.
#
#   bash fuzz/run.sh 20                 every target, 20 s each (CI)
#   bash fuzz/run.sh 600 csv_import     one target (or several), 10 minutes
#
# Environment: FUZZ_RSS_MB (default 2048) and FUZZ_TIMEOUT (seconds per input, default 10) go to
# -rss_limit_mb and -timeout; FUZZ_ARGS adds libFuzzer flags (e.g. -runs=10000000); FUZZ_BUILD_DIR
# replaces build-fuzz/. New inputs the fuzzer finds stay in build-fuzz/corpus-run/<target>/: the
# committed corpus changes only by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
OUTREACH_DEPS=build OUTREACH_FUZZ=1 bash scripts/install-deps.sh

build=${FUZZ_BUILD_DIR:-build-fuzz}
CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOUTREACH_FUZZ=ON \
  -DOUTREACH_TESTS=OFF -DOUTREACH_BENCH=OFF -DOUTREACH_WERROR="${OUTREACH_WERROR:-OFF}" >/dev/null
if (($#)); then
  targets=("$@")
  build_targets=("${targets[@]/%/_fuzzer}")
else
  targets=()
  for src in fuzz/*_fuzzer.cpp; do
    t=$(basename "$src" .cpp)
    targets+=("${t%_fuzzer}")
  done
  build_targets=(fuzzers)
fi
start=$SECONDS
cmake --build "$build" -j "$(nproc)" --target "${build_targets[@]}"
echo "fuzz: build took $((SECONDS - start)) s"

source fuzz/leak_checks.sh
leaks=$(leak_checks "$build")
export ASAN_OPTIONS="detect_leaks=$leaks"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

mkdir -p "$build/logs"
failed=()
printf '%-22s %12s %10s %s\n' target executions exec/s result
for t in "${targets[@]}"; do
  bin="$build/fuzz/${t}_fuzzer"
  [[ -x "$bin" ]] || { echo "fuzz: no target '$t'" >&2; exit 2; }
  corpus="$build/corpus-run/$t"
  rm -rf "$corpus" "$build/artifacts/$t"
  mkdir -p "$corpus" "$build/artifacts/$t"
  if [[ -d "fuzz/corpus/$t" ]]; then cp -r "fuzz/corpus/$t/." "$corpus/"; fi
  args=(-max_total_time="$seconds" -rss_limit_mb="${FUZZ_RSS_MB:-2048}" -timeout="${FUZZ_TIMEOUT:-10}"
        -detect_leaks="$leaks" -print_final_stats=1 -artifact_prefix="$build/artifacts/$t/")
  if [[ -f "fuzz/$t.dict" ]]; then args+=(-dict="fuzz/$t.dict"); fi
  # shellcheck disable=SC2086
  if "$bin" "${args[@]}" ${FUZZ_ARGS:-} "$corpus" >"$build/logs/$t.log" 2>&1; then
    result=ok
  else
    result="FAILED (see $build/logs/$t.log and $build/artifacts/$t/)"
    failed+=("$t")
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/logs/$t.log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$build/logs/$t.log" | tail -1)
  printf '%-22s %12s %10s %s\n' "$t" "${execs:-?}" "${rate:-?}" "$result"
done
if ((${#failed[@]})); then
  echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
  for t in "${failed[@]}"; do
    echo "--- $t" >&2
    grep -m1 -A25 -E '^==[0-9]+==ERROR|runtime error|^SUMMARY|deadly signal|timeout after|out-of-memory' "$build/logs/$t.log" >&2 || tail -30 "$build/logs/$t.log" >&2
  done
  exit 1
fi
