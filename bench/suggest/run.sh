#!/usr/bin/env bash
# The region-wide suggestion end to end over HTTP (issue 12, done-when 3).
#
#   bench/suggest/run.sh
#
# Builds the release `musubi` (or takes MUSUBI_BIN), loads PROFILES (100,000) synthetic
# professionals (bench/load/fixture.sql) and, in one region, NEEDS (2,000) open needs of
# ORGS (200) organizations with 3 applications on every APPLIED-th (5th) need
# (bench/suggest/needs.sql) into a fresh PostgreSQL database, starts the server on
# loopback, and asks as the region's coordinator
#
#   GET /api/v1/regions/{id}/assignment?scope=all&floor=FLOOR&mode=max_weight|stable
#
# once to warm up, then RUNS (5) times each, one request at a time. FLOOR (0) keeps
# every need's best 50 candidates as edges (50 edges a need). Prints each mode's wall
# time as curl saw it (median and min–max: never the best alone) and the median of
# each part the server reports in its `Server-Timing` header (load, rank, edges, solve,
# audit, explain, view = building and serialising the answer) as a share of the wall
# time; what is left is HTTP (the body over loopback) and actix; and the server's CPU
# time a request (user + system, every thread: what it costs the machine whatever else
# runs on it; with two cores busy it can exceed the wall time). Exits non-zero when
# a mode's median is MAX_MS (2000) or more.
#
# MUSUBI_BIN: a release `musubi` to use instead of building one; SERVER_LOG: a file to
# keep the server's log in. PostgreSQL: $DATABASE_URL (a role that may CREATE
# DATABASE), else a throw-away cluster in /tmp. Everything runs on 127.0.0.1 and every
# wait is bounded (each request by REQUEST_TIMEOUT, 120 s).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

PROFILES=${PROFILES:-100000}
NEEDS=${NEEDS:-2000}
ORGS=${ORGS:-200}
APPLIED=${APPLIED:-5}
FLOOR=${FLOOR:-0}
RUNS=${RUNS:-5}
MAX_MS=${MAX_MS:-2000}
REQUEST_TIMEOUT=${REQUEST_TIMEOUT:-120}
TARGET_DIR=${CARGO_TARGET_DIR:-target}
[[ $# -eq 0 ]] || { echo "usage: $0 (settings from the environment)" >&2; exit 2; }

# shellcheck source=bench/common.sh
source bench/common.sh
bench_start suggest --no-wrk
need_tool bc bc

# ---------------------------------------------------------------- build
bench_build

# ---------------------------------------------------------------- PostgreSQL
bench_database suggest
export RUST_LOG=${RUST_LOG:-warn}

# ---------------------------------------------------------------- fixture
say "migrating and loading $PROFILES professionals and $NEEDS needs"
"$musubi" migrate
start=$(date +%s.%N)
psql_db -v count="$PROFILES" -f bench/load/fixture.sql >/dev/null
region_id=$("$musubi" admin create-region --name 塩尻市 --prefecture 長野県 --city 塩尻市 | awk '/region created/ {print $3}')
psql_db -v region="$region_id" -v needs="$NEEDS" -v orgs="$ORGS" -v applied="$APPLIED" -v count="$PROFILES" \
  -f bench/suggest/needs.sql >/dev/null
say "loaded in $(printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc)") s"
MUSUBI_ADMIN_PASSWORD="suggest-coordinator-password" \
  "$musubi" admin create-coordinator --email coordinator@suggest.test --display-name 負荷試験コーディネーター --region "$region_id" >/dev/null

# ---------------------------------------------------------------- server
port=18280
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
base_url="http://127.0.0.1:$port"
say "starting musubi on $base_url (building the ranking index)"
MUSUBI_BIND="127.0.0.1:$port" MUSUBI_DB_MAX_CONNECTIONS=${MUSUBI_DB_MAX_CONNECTIONS:-16} \
  "$musubi" serve >"$scratch/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do
  curl -fsS "$base_url/ready" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$scratch/server.log" >&2; exit 1; }
  sleep 0.2
done
curl -fsS "$base_url/ready" >/dev/null || { say "the server did not become ready"; cat "$scratch/server.log" >&2; exit 1; }
token=$(curl -fsS "$base_url/api/v1/auth/login" -H 'Content-Type: application/json' \
  --data '{"email": "coordinator@suggest.test", "password": "suggest-coordinator-password"}' | jq -r .access_token)

# ---------------------------------------------------------------- requests
# One request: its wall time in ms on stdout, the body and headers in $scratch.
ask() { # mode
  curl -fsS --max-time "$REQUEST_TIMEOUT" -o "$scratch/body.json" -D "$scratch/headers.txt" \
    -w '%{time_total}\n' -H "Authorization: Bearer $token" \
    "$base_url/api/v1/regions/$region_id/assignment?scope=all&floor=$FLOOR&mode=$1" |
    awk '{printf "%.1f\n", $1 * 1000}'
}
# `Server-Timing: load;dur=1.2, rank;dur=…` → "load 1.2" lines.
parts() {
  tr -d '\r' <"$scratch/headers.txt" | awk -F': ' 'tolower($1) == "server-timing" {print $2}' |
    tr ',' '\n' | sed -E 's/^ *([a-z]+);dur=([0-9.]+).*/\1 \2/'
}
# The server's CPU time so far (user + system, all threads), in ms: a request's share of
# the machine whatever else runs on it.
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.0f\n", ($14 + $15) * 1000 / hz}' "/proc/$server_pid/stat"; }
median() { sort -n | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

printf '\n%s professionals, %s open needs (3 applicants on every %sth), floor %s, %s runs a mode after one warm-up, on %s cores (load average %s)\n' \
  "$PROFILES" "$NEEDS" "$APPLIED" "$FLOOR" "$RUNS" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
failed=false
for mode in max_weight stable; do
  say "$mode: warm-up"
  ask "$mode" >/dev/null
  needs=$(jq .needs "$scratch/body.json")
  edges=$(jq .edges "$scratch/body.json")
  pairs=$(jq '.pairs | length' "$scratch/body.json")
  audit=$(jq -c .audit "$scratch/body.json")
  bytes=$(wc -c <"$scratch/body.json")
  : >"$scratch/$mode.walls"
  : >"$scratch/$mode.parts"
  : >"$scratch/$mode.cpu"
  for run in $(seq 1 "$RUNS"); do
    before=$(cpu_ms)
    wall=$(ask "$mode")
    cpu=$(($(cpu_ms) - before))
    echo "$wall" >>"$scratch/$mode.walls"
    echo "$cpu" >>"$scratch/$mode.cpu"
    parts | sed "s/^/$run /" >>"$scratch/$mode.parts"
    say "$mode run $run: $wall ms, server CPU $cpu ms ($(parts | tr '\n' ' '))"
  done
  med=$(median <"$scratch/$mode.walls")
  min=$(sort -n "$scratch/$mode.walls" | head -1)
  max=$(sort -n "$scratch/$mode.walls" | tail -1)
  printf '\nmode=%s: %s needs, %s edges, %s pairs, audit %s, %s bytes\n' "$mode" "$needs" "$edges" "$pairs" "$audit" "$bytes"
  printf '  wall (curl): median %s ms, min %s ms, max %s ms over %s runs\n' "$med" "$min" "$max" "$RUNS"
  printf '  server CPU time (all threads): median %s ms, min %s ms, max %s ms\n' \
    "$(median <"$scratch/$mode.cpu")" "$(sort -n "$scratch/$mode.cpu" | head -1)" "$(sort -n "$scratch/$mode.cpu" | tail -1)"
  printf '  %-8s %10s %8s\n' part 'median ms' share
  server=0
  for part in load rank edges solve audit explain view total; do
    m=$(awk -v p="$part" '$2 == p {print $3}' "$scratch/$mode.parts" | median)
    if [[ "$part" == total ]]; then
      server=$m
      continue
    fi
    printf '  %-8s %10s %7.1f%%\n' "$part" "$m" "$(echo "100 * $m / $med" | bc -l)"
  done
  http=$(echo "$med - $server" | bc -l)
  printf '  %-8s %10.1f %7.1f%%   (wall less the server'"'"'s total, %s ms)\n' http "$http" "$(echo "100 * $http / $med" | bc -l)" "$server"
  if (($(echo "$med >= $MAX_MS" | bc))); then
    say "FAILED: mode=$mode took $med ms (median; target < $MAX_MS ms)"
    failed=true
  fi
done
if $failed; then exit 1; fi
say "OK"
