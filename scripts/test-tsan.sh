#!/usr/bin/env bash
# The tests that run `outreach serve` with its HTTP threads, reader pool and engine lanes (the e2e
# tests, the crash test and the group-commit tests) under ThreadSanitizer, in their own build
# directory build-tsan/ (GCC 12, -fsanitize=thread, -O1). Any data race fails its test: the
# `outreach` child exits 66, which no test expects. Extra arguments go to ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build-tsan
# halt_on_error: the first race ends the process (a test expecting exit 0 or 1 then fails).
# second_deadlock_stack: lock-order reports name both acquisitions.
export TSAN_OPTIONS="halt_on_error=1:exitcode=66:second_deadlock_stack=1:history_size=4"
cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
  -DOUTREACH_TSAN=ON -DOUTREACH_BENCH=OFF -DOUTREACH_WERROR="${OUTREACH_WERROR:-OFF}" >/dev/null
# Only what the selected tests need (test discovery runs the binaries: TSAN_OPTIONS are set).
cmake --build build-tsan -j "$(nproc)" --target outreach e2e_app integration_engine unit_storage
export PATH="${OUTREACH_TOOLS:-$HOME/.cache/outreach-tools}/node_modules/.bin:$PATH"
cd build-tsan
ctest --output-on-failure -j "$(nproc)" --timeout 900 \
  -R '^(Cli|CliConfig|Crash[A-Za-z]*|Durability|Observability|Unsubscribe|GroupCommitTest)\.' "$@"
