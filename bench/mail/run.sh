#!/usr/bin/env bash
# Outbox throughput (issue 16): emails a second through the real worker to an SMTP
# server on loopback, with the pool of connections against one connection, paired.
#
#   bench/mail/run.sh
#
# Builds the release `mail_bench` example, then in each of ROUNDS (3) rounds enqueues
# EMAILS (2000) emails and lets a worker deliver them with POOL (4) SMTP connections,
# and the same with one (MUSUBI_MAIL_CONCURRENCY=1), the order alternating between
# rounds. The in-process SMTP test server waits ACK_MS (5) before acknowledging each
# message, as a relay that syncs its queue to disk does. Prints emails/s of each run and
# the medians, and exits non-zero when the pool is not at least MIN_RATIO (1.5) times
# faster than one connection.
#
# PostgreSQL: $DATABASE_URL (a server whose role may CREATE DATABASE; a fresh database
# is made there and dropped afterwards), else a throw-away cluster in /tmp, as
# scripts/test.sh does. SQLITE=1 runs on a throw-away SQLite file instead. Everything
# runs on 127.0.0.1 and every wait is bounded.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

EMAILS=${EMAILS:-2000}
ROUNDS=${ROUNDS:-3}
ACK_MS=${ACK_MS:-5}
POOL=${POOL:-4}
MIN_RATIO=${MIN_RATIO:-1.5}
TARGET_DIR=${CARGO_TARGET_DIR:-target}

say() { printf '==> %s\n' "$*" >&2; }
# shellcheck source=scripts/postgres.sh
source scripts/postgres.sh

admin_url="" db_name="" scratch=""
# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
  if [[ -n "$db_name" && -n "$admin_url" && -z "${pgdir:-}" ]]; then
    "$(pg_bin psql)" "$admin_url" -XqAw -c "DROP DATABASE IF EXISTS $db_name WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  [[ -n "${SQLITE:-}" ]] || pg_stop_throwaway
  [[ -z "$scratch" ]] || rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
scratch=$(mktemp -d /tmp/musubi-mail-bench.XXXXXX)

say "building the release mail_bench (CARGO_TARGET_DIR=$TARGET_DIR)"
CARGO_TARGET_DIR=$TARGET_DIR cargo build --release --locked -p musubi-api --example mail_bench
bench="$TARGET_DIR/release/examples/mail_bench"

if [[ -n "${SQLITE:-}" ]]; then
  db_url="sqlite://$scratch/musubi.db?mode=rwc"
  say "SQLite: $db_url"
else
  if [[ -n "${DATABASE_URL:-}" ]] && pg_can_create_databases "$DATABASE_URL"; then
    admin_url=$DATABASE_URL
    say "PostgreSQL: $(redact "$admin_url")"
  else
    pg_start_throwaway C
    admin_url=$pg_url
  fi
  db_name="musubi_mail_bench_$$"
  "$(pg_bin psql)" "$admin_url" -XqAw -v ON_ERROR_STOP=1 -c "CREATE DATABASE $db_name"
  base=${admin_url%%\?*}
  query=""; [[ "$admin_url" == *\?* ]] && query="?${admin_url#*\?}"
  db_url="${base%/*}/$db_name$query"
fi

say "measuring: $ROUNDS rounds of $EMAILS emails, pool of $POOL against 1, SMTP ack after $ACK_MS ms"
RUST_LOG=${RUST_LOG:-warn} timeout 1200 "$bench" "$db_url" "$EMAILS" "$ROUNDS" "$ACK_MS" "$POOL" | tee "$scratch/result.txt"
ratio=$(awk '/^median/ {print $4}' "$scratch/result.txt")
if awk -v r="$ratio" -v min="$MIN_RATIO" 'BEGIN { exit !(r >= min) }'; then
  say "PASS: the pool delivers ${ratio}× one connection's rate (target ≥ ${MIN_RATIO}×)"
else
  say "FAIL: the pool delivers ${ratio}× one connection's rate (target ≥ ${MIN_RATIO}×)"
  exit 1
fi
