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
# The browser tests drive Debian's chromium through chromedriver, installed the same
# way when missing (scripts/browser.sh); their screenshots go to
# $CARGO_TARGET_DIR/browser-screenshots (or $MUSUBI_SCREENSHOT_DIR).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

check_db_only=0
if [[ "${1:-}" == "--check-db-only" ]]; then check_db_only=1; shift; fi

say() { printf '==> %s\n' "$*" >&2; }
# shellcheck source=scripts/postgres.sh
source scripts/postgres.sh

# shellcheck disable=SC2317  # called from the EXIT trap
start_throwaway() {
  trap pg_stop_throwaway EXIT
  trap 'exit 130' INT   # exit runs the EXIT trap, so the cluster is stopped
  trap 'exit 143' TERM
  pg_start_throwaway ""
}

for candidate in "${MUSUBI_TEST_PG_URL:-}" "${DATABASE_URL:-}"; do
  [[ -n "$candidate" ]] || continue
  pg_bin psql >/dev/null || ensure_pg_installed
  if pg_can_create_databases "$candidate"; then
    pg_url=$candidate
    say "PostgreSQL: existing server $(redact "$pg_url")"
    break
  fi
  say "not using $(redact "$candidate"): no PostgreSQL there that lets us create databases"
done
[[ -n "$pg_url" ]] || start_throwaway
export MUSUBI_TEST_PG_URL=$pg_url

if ((check_db_only)); then
  # The harness creates and drops one database per test: prove that works here.
  db="musubi_check_$$"
  "$(pg_bin psql)" "$MUSUBI_TEST_PG_URL" -XqAw -v ON_ERROR_STOP=1 \
    -c "create database $db" -c "drop database $db"
  say "PostgreSQL OK: created and dropped database $db"
  exit 0
fi

# shellcheck source=scripts/browser.sh
source scripts/browser.sh
say "browser: $MUSUBI_CHROMIUM with $MUSUBI_CHROMEDRIVER"

# Tests get their database from MUSUBI_TEST_PG_URL only; a DATABASE_URL left in the
# shell must not leak into tests of the service's own configuration.
unset DATABASE_URL

# --no-fail-fast: a failing unit test must not hide the end-to-end results behind it.
status=0
say "cargo test --workspace (end-to-end and browser suites on PostgreSQL)"
MUSUBI_TEST_BACKEND=postgres cargo test --workspace --locked --no-fail-fast "$@" || status=1
# Run the SQLite pass even after a failure, so one run reports both backends.
# Integration-test targets only (the e2e suite, plus cheap property tests), and
# --workspace rather than -p musubi-tests: the same package set resolves the same
# features, so nothing is recompiled (-p cost 2.5 more minutes of build on CI).
say "cargo test --workspace --test '*' (end-to-end and browser suites on SQLite)"
MUSUBI_TEST_BACKEND=sqlite cargo test --workspace --locked --no-fail-fast --test '*' "$@" ||
  status=1

if ((status)); then say "FAILED: see the cargo test output above"; else say "all tests passed"; fi
exit "$status"
