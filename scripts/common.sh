# Shared by the README's two commands. Every step checks before it installs, so
# running them again costs nothing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/payer-creance/target}"
export PATH="$HOME/.cargo/bin:$ROOT/end2end/node_modules/.bin:$PATH"
# cargo-leptos sets this while it compiles the server; setting it for every cargo
# command keeps one set of build artefacts instead of two.
export LEPTOS_OUTPUT_NAME=payer-creance

CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=0.2.130

step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_rust_tools() {
  if ! command -v cargo >/dev/null; then
    echo "Rust (cargo) is required: https://rustup.rs" >&2
    exit 1
  fi
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "Adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    step "Installing cargo-leptos $CARGO_LEPTOS_VERSION (about 15 minutes, once)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
  fi
  if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
    step "Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 6 minutes, once)"
    # Not --locked: its lock file pins a webpki-roots the registry no longer has.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
  fi
}

ensure_node_tools() {
  if ! command -v npm >/dev/null; then
    step "Installing Node.js and npm"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
  fi
  local stamp="$ROOT/end2end/node_modules/.installed"
  if [ ! -f "$stamp" ] || [ "$ROOT/end2end/package-lock.json" -nt "$stamp" ]; then
    step "Installing the end-to-end tools and wasm-opt (npm)"
    (cd "$ROOT/end2end" && npm ci --no-audit --no-fund)
    touch "$stamp"
  fi
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    step "Installing Debian's Chromium"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  fi
}

ensure_nginx() {
  if [ -x /usr/sbin/nginx ] && command -v openssl >/dev/null; then return; fi
  step "Installing nginx and openssl (Debian)"
  as_root apt-get update -qq
  # Only the program is wanted (run-cluster runs it with its own
  # configuration): the package's own service is not started.
  local policy=/usr/sbin/policy-rc.d made=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null
    as_root chmod +x "$policy"
    made=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx openssl
  if [ -n "$made" ]; then as_root rm -f "$policy"; fi
}

pg_admin_url() {
  echo "${TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
}

ensure_postgres() {
  if pg_isready -q -d "$(pg_admin_url)" 2>/dev/null; then return; fi
  if [ -n "${TEST_PG_URL:-}" ]; then
    echo "TEST_PG_URL=$TEST_PG_URL does not answer" >&2
    exit 1
  fi
  if [ ! -d /etc/postgresql ]; then
    step "Installing PostgreSQL"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql
  fi
  step "Starting PostgreSQL"
  local version
  version="$(ls /etc/postgresql | sort -V | tail -n 1)"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 && break
    sleep 1
  done
  # Local connections as postgres without a password, as the tests expect.
  if ! pg_isready -q -d "$(pg_admin_url)"; then
    echo "PostgreSQL does not answer on 127.0.0.1:5432" >&2
    exit 1
  fi
  if ! psql "$(pg_admin_url)" -c 'SELECT 1' >/dev/null 2>&1; then
    local hba
    hba="$(as_root find /etc/postgresql/"$version" -name pg_hba.conf | head -n 1)"
    step "Allowing local trust authentication for the tests ($hba)"
    as_root sed -i -E 's/^(host\s+all\s+all\s+127\.0\.0\.1\/32\s+)\S+/\1trust/' "$hba"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main reload
  fi
}

build_release() {
  step "Building the release (server + the WebAssembly app split by page, versioned and precompressed assets)"
  (cd "$ROOT" && cargo leptos build --release --precompress --split)
  report_sizes
}

# The files the server sends from /pkg: each with its brotli and gzip version,
# as precompressed by the build. What a browser really transfers per page is
# measured by end2end/tests/weight.spec.ts (README, docs/PERFORMANCE.md).
report_sizes() {
  local pkg="$ROOT/target/site/pkg" f
  step "Front-end files (release)"
  printf '  %-40s %8s %8s %8s\n' file raw br gzip
  for f in "$pkg"/*.js "$pkg"/*.wasm "$pkg"/*.css; do
    [ -f "$f" ] || continue
    printf '  %-40s %8s %8s %8s\n' "$(basename "$f")" "$(wc -c <"$f")" \
      "$( [ -f "$f.br" ] && wc -c <"$f.br" || echo -)" "$( [ -f "$f.gz" ] && wc -c <"$f.gz" || echo -)"
  done
}
