#!/usr/bin/env bash
# Configures and builds outreach into build/ (Ninja, ccache when present). Extra arguments are
# passed to `cmake --build` (e.g. --target outreach).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake_args=(-S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo)
[[ "${OUTREACH_WERROR:-OFF}" == "ON" ]] && cmake_args+=(-DOUTREACH_WERROR=ON)
cmake "${cmake_args[@]}" >/dev/null
cmake --build build -j "$(nproc)" "$@"
