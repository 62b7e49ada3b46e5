#!/usr/bin/env bash
# All tests: installs what is missing (compiler, libraries and the loopback test servers: aiosmtpd,
# dovecot, nginx, Prism, chromium + chromium-driver + selenium, axe-core), builds everything, and runs
# CTest (unit, integration, e2e, browser; the browser tests run one at a time: RUN_SERIAL).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
export PATH="${OUTREACH_TOOLS:-$HOME/.cache/outreach-tools}/node_modules/.bin:$PATH"
cd build
ctest --output-on-failure -j "$(nproc)" --timeout 300 "$@"
