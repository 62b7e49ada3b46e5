#!/usr/bin/env bash
# The main job: installs what is missing, builds the `outreach` binary, and runs the sample campaign
# end to end in sandbox mode on a fresh SQLite database (var/demo.db).
set -euo pipefail
cd "$(dirname "$0")/.."
OUTREACH_DEPS=build bash scripts/install-deps.sh
bash scripts/build.sh --target outreach
exec ./build/app/outreach demo "$@"
