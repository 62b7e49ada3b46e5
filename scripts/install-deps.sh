#!/usr/bin/env bash
# Installs what outreach needs to build, run and test on Debian 12. Idempotent: only packages that
# are missing are installed, so a second run costs a dpkg query and nothing else.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache git ca-certificates
  libboost-dev libboost-system-dev libcurl4-openssl-dev libkainjow-mustache-dev libsqlitecpp-dev
  libsqlite3-dev libgtest-dev libgmock-dev libphonenumber-dev libprotobuf-dev libicu-dev
  libyaml-cpp-dev libhyphen-dev hyphen-nl hyphen-en-us nlohmann-json3-dev libcli11-dev libssl-dev libhowardhinnant-date-dev
  libspdlog-dev libfmt-dev tzdata sqlite3 curl python3
  libsodium-dev libxlsxwriter-dev
  libpq-dev
  libjemalloc-dev  # the programs' allocator (OUTREACH_JEMALLOC in CMakeLists.txt)
)
# Test servers for the integration tests (SMTP, IMAP, provider mocks, HTTP load peers).
# OUTREACH_DEPS=build: only the build; =bench: the build, wrk (bench/serve_load.sh) and nginx (the
# loopback provider of dispatch_bench http-ratio and http_bench), no other test servers.
if [[ "${OUTREACH_DEPS:-all}" == "bench" ]]; then
  packages+=(wrk nginx-light)
elif [[ "${OUTREACH_DEPS:-all}" != "build" ]]; then
  packages+=(python3-aiosmtpd dovecot-imapd nginx-light)
  # The stores are tested against a real PostgreSQL too (tests/support/postgres_server.h starts
  # its own server in a temporary directory with /usr/lib/postgresql/15/bin/initdb and pg_ctl).
  packages+=(postgresql-15)
  # The web pages are tested in a real browser: Debian's chromium driven by chromium-driver.
  packages+=(chromium chromium-driver python3-selenium)
  # The XLSX tests read the workbook back: an .xlsx is a zip.
  packages+=(unzip)
  # A machine may carry its own Node.js (with npm built in); only ask Debian when npm is absent.
  command -v npm >/dev/null || packages+=(nodejs npm)
fi

# Fuzzing (fuzz/run.sh sets OUTREACH_FUZZ=1): Debian's clang and its runtime libraries, which hold
# libFuzzer and the sanitizer runtimes clang links (libclang-rt-14-dev is not pulled in by clang).
if [[ "${OUTREACH_FUZZ:-0}" == 1 ]]; then
  packages+=(clang libclang-rt-14-dev)
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

# npm tools (Prism mocks the providers from their own OpenAPI specs for the contract tests; axe-core
# checks accessibility) come from the committed lockfile in tools/npm, installed with `npm ci` into
# ${OUTREACH_TOOLS:-$HOME/.cache/outreach-tools}. A floating `npm install` on Debian 12's Node 18
# resolves Prism's own packages to releases that need Node 24 and an ES-module-only faker, and Prism
# then exits before listening. The tree is reinstalled only when tools/npm differs from what was
# installed (a hash of package.json and package-lock.json is kept beside node_modules).
if [[ "${OUTREACH_DEPS:-all}" != "build" ]] && command -v npm >/dev/null; then
  tools_src="$(cd "$(dirname "$0")/.." && pwd)/tools/npm"
  tools_dir="${OUTREACH_TOOLS:-$HOME/.cache/outreach-tools}"
  want=$(cat "$tools_src/package.json" "$tools_src/package-lock.json" | sha256sum | cut -d' ' -f1)
  have=$(cat "$tools_dir/.outreach-tools.sha256" 2>/dev/null || true)
  if [[ "$want" != "$have" || ! -x "$tools_dir/node_modules/.bin/prism" ]]; then
    echo "install-deps: npm ci of tools/npm (@stoplight/prism-cli, axe-core) into $tools_dir" >&2
    mkdir -p "$tools_dir"
    rm -f "$tools_dir/.outreach-tools.sha256"
    cp "$tools_src/package.json" "$tools_src/package-lock.json" "$tools_dir/"
    (cd "$tools_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$want" >"$tools_dir/.outreach-tools.sha256"
  fi
fi
