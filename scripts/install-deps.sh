#!/usr/bin/env bash
# Installs what outreach needs to build, run and test on Debian 12. Idempotent: only packages that
# are missing are installed, so a second run costs a dpkg query and nothing else.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache git ca-certificates
  libboost-dev libboost-system-dev libcurl4-openssl-dev libkainjow-mustache-dev libsqlitecpp-dev
  libsqlite3-dev libgtest-dev libgmock-dev libphonenumber-dev libprotobuf-dev libicu-dev
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libssl-dev libhowardhinnant-date-dev
  libspdlog-dev libfmt-dev tzdata sqlite3 curl python3
)
# Test servers for the integration tests (SMTP, IMAP, provider mocks, HTTP load peers).
if [[ "${OUTREACH_DEPS:-all}" != "build" ]]; then
  packages+=(python3-aiosmtpd dovecot-imapd nginx-light wrk)
  # A machine may carry its own Node.js (with npm built in); only ask Debian when npm is absent.
  command -v npm >/dev/null || packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Prism mocks the providers from their own OpenAPI specs (contract tests). Pinned: 5.16 needs a newer Node.
if [[ "${OUTREACH_DEPS:-all}" != "build" ]] && command -v npm >/dev/null; then
  prism_dir="${OUTREACH_TOOLS:-$HOME/.cache/outreach-tools}"
  if [[ ! -x "$prism_dir/node_modules/.bin/prism" ]]; then
    echo "install-deps: installing @stoplight/prism-cli@5.14.2 into $prism_dir" >&2
    mkdir -p "$prism_dir"
    npm install --prefix "$prism_dir" --no-audit --no-fund --silent @stoplight/prism-cli@5.14.2 >/dev/null
  fi
fi
