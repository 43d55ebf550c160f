#!/usr/bin/env bash
# Fuzzes the running API against its own OpenAPI document with schemathesis, on SQLite
# and on PostgreSQL: a demo-seeded server (`musubi demo`), a coordinator's token so the
# authenticated operations are exercised too, and the checks
#   not_a_server_error, status_code_conformance, response_schema_conformance
# (0 server errors, 0 undocumented statuses, 0 responses outside their schema).
# Exits non-zero if any check fails on either database, and prints a summary.
#
#   scripts/schemathesis.sh                 both databases
#   scripts/schemathesis.sh sqlite          one of them (sqlite | postgres)
#
# Bounded: SCHEMATHESIS_MAX_EXAMPLES test cases per operation and phase (default 50),
# and a hard stop after SCHEMATHESIS_TIMEOUT seconds per database (default 600).
# Schemathesis (SCHEMATHESIS_VERSION, default 4.32.5) is installed from PyPI into a
# virtualenv of its own, ~/.cache/musubi/schemathesis-venv (SCHEMATHESIS_VENV),
# created on first use. The server is the debug build (`cargo build`), or $MUSUBI_BIN.
# PostgreSQL is found or started as scripts/test.sh does (MUSUBI_TEST_PG_URL,
# DATABASE_URL, else a throw-away cluster); the run gets a fresh database, dropped after.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf '==> %s\n' "$*" >&2; }
# shellcheck source=scripts/postgres.sh
source scripts/postgres.sh

max_examples=${SCHEMATHESIS_MAX_EXAMPLES:-50}
hard_stop=${SCHEMATHESIS_TIMEOUT:-600}
version=${SCHEMATHESIS_VERSION:-4.32.5}
venv=${SCHEMATHESIS_VENV:-$HOME/.cache/musubi/schemathesis-venv}
backends=("$@")
((${#backends[@]})) || backends=(sqlite postgres)
for backend in "${backends[@]}"; do
  [[ "$backend" == sqlite || "$backend" == postgres ]] ||
    { say "unknown database '$backend' (sqlite | postgres)"; exit 2; }
done

# --- schemathesis, in its own virtualenv -------------------------------------------
st="$venv/bin/schemathesis"
if ! [[ -x "$st" ]] || [[ "$("$st" --version 2>/dev/null)" != *" $version" ]]; then
  say "installing schemathesis $version into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version"
fi

# --- the server binary -------------------------------------------------------------
if [[ -n "${MUSUBI_BIN:-}" ]]; then
  bin=$MUSUBI_BIN
else
  say "cargo build -p musubi --bin musubi (debug)"
  cargo build --quiet -p musubi --bin musubi
  bin="${CARGO_TARGET_DIR:-$PWD/target}/debug/musubi"
fi
[[ -x "$bin" ]] || { say "no musubi binary at $bin"; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/musubi-schemathesis.XXXXXX")
# A copy: a shared CARGO_TARGET_DIR may get another checkout's build in the meantime.
cp "$bin" "$work/musubi"
bin="$work/musubi"
server_pid="" pg_admin="" pg_db=""
# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [[ -n "$pg_db" ]]; then
    "$(pg_bin psql)" "$pg_admin" -XqAw -c "drop database if exists $pg_db with (force)" >/dev/null 2>&1 || true
  fi
  pg_stop_throwaway
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Database URL $1 with its database name replaced by $2.
with_database() {
  local base=${1%%\?*} query=""
  [[ "$1" == *\?* ]] && query="?${1#*\?}"
  echo "${base%/*}/$2$query"
}

find_postgres() {
  [[ -z "$pg_admin" ]] || return 0
  local candidate
  for candidate in "${MUSUBI_TEST_PG_URL:-}" "${DATABASE_URL:-}"; do
    [[ -n "$candidate" ]] || continue
    pg_bin psql >/dev/null || ensure_pg_installed
    if pg_can_create_databases "$candidate"; then
      pg_admin=$candidate
      say "PostgreSQL: existing server $(redact "$pg_admin")"
      return
    fi
  done
  pg_start_throwaway ""
  pg_admin=$pg_url
}

# A schemathesis config giving the `{id}` of each path a real object of the demo (the
# coordinator's region, a need and a match in it, a professional, an application).
write_config() {
  python3 - "$1" "$2" <<'PY'
import json, sys, urllib.request

base, token = sys.argv[1], sys.argv[2]

def get(path):
    request = urllib.request.Request(base + "/api/v1" + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(request) as response:
        return json.load(response)

def first(items, key="id"):
    return items[0][key] if items else None

region = get("/me").get("region_id")
need = first(get(f"/needs?region_id={region}&limit=1")["items"])
matches = get("/matches?limit=1")["items"]
ids = {
    "/api/v1/regions/{id}": region,
    "/api/v1/needs/{id}": need,
    "/api/v1/matches/{id}": first(matches),
    "/api/v1/applications/{id}": first(get("/applications?limit=1")["items"]),
    # A professional introduced in the region: the coordinator may read their profile.
    "/api/v1/profiles/{id}": matches[0]["professional"]["professional_id"] if matches else None,
}
for prefix, value in ids.items():
    if value is None:
        continue
    print("[[operations]]")
    print(f'include-path-regex = "^{prefix.replace("{id}", "[{]id[}]")}"')
    print(f'parameters = {{ "path.id" = "{value}" }}')
    print()
PY
}

declare -A verdict summary seconds
run_on() {
  local backend=$1 dir="$work/$1" url port token started status
  mkdir -p "$dir"
  case "$backend" in
    sqlite) url="sqlite://$dir/musubi.db?mode=rwc" ;;
    postgres)
      find_postgres
      pg_db="musubi_schemathesis_$$"
      "$(pg_bin psql)" "$pg_admin" -XqAw -v ON_ERROR_STOP=1 -c "create database $pg_db"
      url=$(with_database "$pg_admin" "$pg_db")
      ;;
  esac
  port=$(free_port)
  export DATABASE_URL=$url MUSUBI_BIND="127.0.0.1:$port" MUSUBI_MAIL_DIR="$dir/mail"
  export MUSUBI_JWT_SECRET="schemathesis-secret-$(date +%s)-0123456789abcdef0123456789"
  export MUSUBI_PUBLIC_URL="http://127.0.0.1:$port" RUST_LOG=${RUST_LOG:-warn}

  say "[$backend] musubi demo (seeding)"
  "$bin" demo >"$dir/demo.log" 2>&1 || { cat "$dir/demo.log" >&2; return 1; }
  "$bin" serve >"$dir/server.log" 2>&1 &
  server_pid=$!
  local tries=0
  until curl -fsS "http://127.0.0.1:$port/ready" >/dev/null 2>&1; do
    tries=$((tries + 1))
    ((tries < 120)) || { say "[$backend] the server did not become ready"; cat "$dir/server.log" >&2; return 1; }
    kill -0 "$server_pid" 2>/dev/null || { cat "$dir/server.log" >&2; return 1; }
    sleep 0.5
  done
  token=$(curl -fsS "http://127.0.0.1:$port/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d '{"email":"coordinator.shiojiri@musubi-demo.example","password":"musubi-demo-2026"}' |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')

  # Real ids from the demo data, so operations on one object reach past their 404.
  write_config "http://127.0.0.1:$port" "$token" >"$dir/schemathesis.toml"
  sed 's/^/    /' "$dir/schemathesis.toml" >&2

  say "[$backend] schemathesis against http://127.0.0.1:$port (max $max_examples examples per operation)"
  started=$(date +%s)
  status=0
  # From the scratch directory: schemathesis keeps a cache in its working directory.
  # Logout is left out: it would revoke the one token every other operation runs with
  # (the end-to-end suite covers it, checked against the same document).
  (cd "$dir" && timeout --signal=INT --kill-after=30 "$hard_stop" "$st" --config-file "$dir/schemathesis.toml" run \
    "http://127.0.0.1:$port/api/v1/openapi.json" \
    --url "http://127.0.0.1:$port" \
    --checks not_a_server_error,status_code_conformance,response_schema_conformance \
    --header "Authorization: Bearer $token" \
    --exclude-path /api/v1/auth/logout \
    --max-examples "$max_examples" \
    --seed 16 \
    --workers 2 \
    --request-timeout 30 \
    --suppress-health-check all \
    --generation-database none \
    --no-color) \
    2>&1 | tee "$dir/schemathesis.log" || status=$?
  seconds[$backend]=$(($(date +%s) - started))

  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
  if [[ -n "$pg_db" ]]; then
    "$(pg_bin psql)" "$pg_admin" -XqAw -c "drop database if exists $pg_db with (force)" >/dev/null
    pg_db=""
  fi
  if grep -E '^\s*(thread .* panicked|.*panicked at)' "$dir/server.log" >/dev/null; then
    say "[$backend] the server panicked:"; grep -A5 'panicked' "$dir/server.log" >&2
    status=1
  fi
  summary[$backend]="$(awk '/^Test cases:/ { getline; sub(/^ +/, ""); printf "%s", $0 }' "$dir/schemathesis.log"); $(
    grep -E '^=+ .* =+$' "$dir/schemathesis.log" | tail -n 1 | tr -d '=' | xargs || true)"
  if ((status == 0)); then verdict[$backend]=passed; else verdict[$backend]="FAILED ($status)"; fi
}

overall=0
for backend in "${backends[@]}"; do
  run_on "$backend" || { verdict[$backend]="FAILED (setup)"; seconds[$backend]=${seconds[$backend]:-0}; }
  [[ "${verdict[$backend]}" == passed ]] || overall=1
done

echo
echo "schemathesis $version — checks: not_a_server_error, status_code_conformance, response_schema_conformance"
for backend in "${backends[@]}"; do
  printf '  %-8s %-16s %4ss  %s\n' "$backend" "${verdict[$backend]}" "${seconds[$backend]:-?}" "${summary[$backend]:-}"
done
exit "$overall"
