#!/usr/bin/env bash
# Runs the whole Musubi test suite: every unit, integration and doc test with the
# end-to-end suite on PostgreSQL, then the integration tests (the end-to-end suite)
# again on SQLite.
#
#   scripts/test.sh [cargo test args…]    e.g. scripts/test.sh -- --nocapture
#   scripts/test.sh --check-db-only       only find/start PostgreSQL and check it
#
# PostgreSQL: $MUSUBI_TEST_PG_URL or $DATABASE_URL if such a server answers and lets
# us create databases; otherwise a throw-away cluster in a temp dir (installed from
# Debian's packages first when missing and we are root), removed again on exit.
# The harness gets an admin URL in MUSUBI_TEST_PG_URL and makes one database per test.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

check_db_only=0
if [[ "${1:-}" == "--check-db-only" ]]; then check_db_only=1; shift; fi

say() { printf '==> %s\n' "$*" >&2; }
# Never print a password that a URL may carry.
redact() { sed -E 's#(://[^:/@]+):[^@]*@#\1:***@#' <<<"$1"; }

# A PostgreSQL program: from PATH, else the newest /usr/lib/postgresql/*/bin
# (Debian keeps initdb/pg_ctl off PATH).
pg_bin() {
  local dir
  if command -v "$1" >/dev/null 2>&1; then command -v "$1"; return; fi
  dir=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  if [[ -n "$dir" && -x "$dir/$1" ]]; then echo "$dir/$1"; return; fi
  return 1
}

# On a fresh machine nothing may be installed: as root, install it non-interactively.
ensure_pg_installed() {
  pg_bin initdb >/dev/null && pg_bin pg_ctl >/dev/null && pg_bin psql >/dev/null && return
  if [[ $EUID -ne 0 ]]; then
    say "PostgreSQL (initdb, pg_ctl, psql) not found; install it or set DATABASE_URL"
    exit 1
  fi
  say "installing PostgreSQL from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq </dev/null
  apt-get install -y -qq --no-install-recommends postgresql </dev/null >/dev/null
  pg_bin initdb >/dev/null || { say "PostgreSQL installed, but initdb not found"; exit 1; }
}

# Usable = answers, and its role may CREATE DATABASE (the harness needs that).
usable() {
  [[ "$1" == postgres://* || "$1" == postgresql://* ]] || return 1
  local ok
  ok=$(PGCONNECT_TIMEOUT=5 "$(pg_bin psql)" "$1" -XtAqw -v ON_ERROR_STOP=1 -c \
    'select rolsuper or rolcreatedb from pg_roles where rolname = current_user' \
    2>/dev/null) || return 1
  [[ "$ok" == t ]]
}

pgdir="" pg_user=""
# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
  [[ -n "$pgdir" ]] || return 0
  # immediate: the data is thrown away anyway, so skip the shutdown checkpoint.
  runas "$(pg_bin pg_ctl)" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$pgdir"
}
# initdb and postgres refuse to run as root, so as root run them as an unprivileged user.
runas() { if [[ -n "$pg_user" ]]; then runuser -u "$pg_user" -- "$@"; else "$@"; fi; }

start_throwaway() {
  trap cleanup EXIT
  trap 'exit 130' INT   # exit runs the EXIT trap, so the cluster is stopped
  trap 'exit 143' TERM
  if [[ $EUID -eq 0 ]]; then
    pg_user=postgres  # Debian's package creates it; make our own user otherwise
    id -u "$pg_user" >/dev/null 2>&1 || pg_user=musubi-pg
    id -u "$pg_user" >/dev/null 2>&1 ||
      useradd --system --no-create-home --shell /usr/sbin/nologin "$pg_user"
  fi
  # C.UTF-8: byte-order sorting like C, but lower()/upper() know non-ASCII letters.
  local locale=C
  if locale -a 2>/dev/null | grep -ixE 'c\.utf-?8' >/dev/null; then locale=C.UTF-8; fi
  # /tmp rather than $TMPDIR: the postgres user must be able to reach the directory.
  pgdir=$(mktemp -d /tmp/musubi-pg.XXXXXX)
  [[ -z "$pg_user" ]] || chown "$pg_user" "$pgdir"
  runas "$(pg_bin initdb)" -D "$pgdir/data" -U postgres --auth=trust -E UTF8 \
    --locale="$locale" >"$pgdir/initdb.log" 2>&1 ||
    { cat "$pgdir/initdb.log" >&2; exit 1; }

  # Durability settings off: a test cluster that dies is simply thrown away, and
  # fsync-free commits make the one-database-per-test harness several times faster.
  # Port: the first free one from 55432 up (a refused connect = nobody listens);
  # if another run grabs it between the look and the start, try the next one.
  local port=55431 tries=0
  while :; do
    port=$((port + 1))
    while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
    runas "$(pg_bin pg_ctl)" -D "$pgdir/data" -l "$pgdir/server.log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$pgdir" \
      -o "-c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      -o "-c max_connections=200" start >/dev/null && break
    tries=$((tries + 1))
    ((tries < 5)) || { cat "$pgdir/server.log" >&2; exit 1; }
  done
  pg_url="postgres://postgres@127.0.0.1:$port/postgres"
  say "PostgreSQL: throw-away cluster $pg_url (data in $pgdir, removed on exit)"
}

pg_url=""
for candidate in "${MUSUBI_TEST_PG_URL:-}" "${DATABASE_URL:-}"; do
  [[ -n "$candidate" ]] || continue
  pg_bin psql >/dev/null || ensure_pg_installed
  if usable "$candidate"; then
    pg_url=$candidate
    say "PostgreSQL: existing server $(redact "$pg_url")"
    break
  fi
  say "not using $(redact "$candidate"): no PostgreSQL there that lets us create databases"
done
if [[ -z "$pg_url" ]]; then
  ensure_pg_installed
  start_throwaway
fi
export MUSUBI_TEST_PG_URL=$pg_url

if ((check_db_only)); then
  # The harness creates and drops one database per test: prove that works here.
  db="musubi_check_$$"
  "$(pg_bin psql)" "$MUSUBI_TEST_PG_URL" -XqAw -v ON_ERROR_STOP=1 \
    -c "create database $db" -c "drop database $db"
  say "PostgreSQL OK: created and dropped database $db"
  exit 0
fi

# Tests get their database from MUSUBI_TEST_PG_URL only; a DATABASE_URL left in the
# shell must not leak into tests of the service's own configuration.
unset DATABASE_URL

# --no-fail-fast: a failing unit test must not hide the end-to-end results behind it.
status=0
say "cargo test --workspace (end-to-end suite on PostgreSQL)"
MUSUBI_TEST_BACKEND=postgres cargo test --workspace --locked --no-fail-fast "$@" || status=1
# Run the SQLite pass even after a failure, so one run reports both backends.
# Integration-test targets only (the e2e suite, plus cheap property tests), and
# --workspace rather than -p musubi-tests: the same package set resolves the same
# features, so nothing is recompiled (-p cost 2.5 more minutes of build on CI).
say "cargo test --workspace --test '*' (end-to-end suite on SQLite)"
MUSUBI_TEST_BACKEND=sqlite cargo test --workspace --locked --no-fail-fast --test '*' "$@" ||
  status=1

if ((status)); then say "FAILED: see the cargo test output above"; else say "all tests passed"; fi
exit "$status"
