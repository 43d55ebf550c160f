# What the load benchmarks share (bench/load/run.sh, bench/pages/run.sh), sourced after
# `cd` to the repository: progress lines, the tools they need, a clean-up trap that stops
# the server and drops the database, the release `musubi`, and a fresh PostgreSQL
# database. The caller sets `server_pid` once it starts the server.
#
#   bench_start NAME [--no-wrk]  scratch dir /tmp/musubi-NAME.XXXXXX, traps, the tools
#                        (wrk too, unless --no-wrk)
#   bench_build          sets `musubi` (MUSUBI_BIN, else a release build in TARGET_DIR)
#   bench_database NAME  a fresh database musubi_NAME_<pid>: sets db_name, db_url,
#                        exports DATABASE_URL and the server's other settings
# shellcheck shell=bash

say() { printf '==> %s\n' "$*" >&2; }
# shellcheck source=scripts/postgres.sh
source scripts/postgres.sh

need_tool() {
  command -v "$1" >/dev/null 2>&1 && return
  if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
    say "installing $2"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" </dev/null >/dev/null
  fi
  command -v "$1" >/dev/null 2>&1 || { say "$1 not found: install $2"; exit 1; }
}

admin_url="" db_name="" db_url="" server_pid="" scratch="" musubi=""
# shellcheck disable=SC2317  # called from the EXIT trap
bench_cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  if [[ -n "$db_name" && -n "$admin_url" && -z "$pgdir" ]]; then
    "$(pg_bin psql)" "$admin_url" -XqAw -c "DROP DATABASE IF EXISTS $db_name WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  pg_stop_throwaway
  [[ -z "${SERVER_LOG:-}" || ! -f "$scratch/server.log" ]] || cp "$scratch/server.log" "$SERVER_LOG"
  [[ -z "$scratch" ]] || rm -rf "$scratch"
}

bench_start() {
  [[ "${2:-}" == --no-wrk ]] || need_tool wrk wrk
  need_tool curl curl
  need_tool jq jq
  trap bench_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  scratch=$(mktemp -d "/tmp/musubi-$1.XXXXXX")
}

bench_build() {
  if [[ -n "${MUSUBI_BIN:-}" ]]; then
    musubi=$MUSUBI_BIN
    say "using $musubi (MUSUBI_BIN)"
  else
    say "building the release musubi (CARGO_TARGET_DIR=$TARGET_DIR)"
    CARGO_TARGET_DIR=$TARGET_DIR cargo build --release --locked --bin musubi
    musubi="$TARGET_DIR/release/musubi"
  fi
}

psql_db() { "$(pg_bin psql)" "$db_url" -XqAw -v ON_ERROR_STOP=1 "$@"; }

bench_database() {
  if [[ -n "${DATABASE_URL:-}" ]] && pg_can_create_databases "$DATABASE_URL"; then
    admin_url=$DATABASE_URL
    say "PostgreSQL: $(redact "$admin_url")"
  else
    # The C locale the README's figures were measured on (one run on C.UTF-8 had a
    # far worse candidates p99, not yet understood).
    pg_start_throwaway C
    admin_url=$pg_url
  fi
  db_name="musubi_$1_$$"
  "$(pg_bin psql)" "$admin_url" -XqAw -v ON_ERROR_STOP=1 -c "CREATE DATABASE $db_name"
  local base=${admin_url%%\?*} query=""
  [[ "$admin_url" == *\?* ]] && query="?${admin_url#*\?}"
  db_url="${base%/*}/$db_name$query"
  export DATABASE_URL=$db_url
  export MUSUBI_JWT_SECRET="load-test-secret-load-test-secret-0123456789"
  export MUSUBI_MAIL_DIR="$scratch/mail"
}
