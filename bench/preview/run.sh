#!/usr/bin/env bash
# The pool preview of a need being written, over HTTP (issue 14, done-when 3).
#
#   bench/preview/run.sh
#
# Builds the release `musubi` (or takes MUSUBI_BIN), loads PROFILES (100,000) synthetic
# professionals (bench/load/fixture.sql, as bench/suggest does) into a fresh PostgreSQL
# database, starts the server on loopback, registers an SME in the region, and asks
#
#   POST /api/v1/needs/preview
#
# with a realistic 仕様書 whose budget cycles through four values (as an owner raising
# it would), one request at a time: WARMUP (20) requests, then RUNS (5) runs of
# REQUESTS (200) each. Prints each run's p50, p99 and max as curl saw them, then the
# spread of the runs' p99 (median, min–max: never the best alone). Exits non-zero when
# the median p99 is MAX_MS (200) or more.
#
# MUSUBI_BIN: a release `musubi` to use instead of building one. PostgreSQL:
# $DATABASE_URL (a role that may CREATE DATABASE), else a throw-away cluster in /tmp.
# Everything runs on 127.0.0.1 and every wait is bounded.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

PROFILES=${PROFILES:-100000}
WARMUP=${WARMUP:-20}
RUNS=${RUNS:-5}
REQUESTS=${REQUESTS:-200}
MAX_MS=${MAX_MS:-200}
REQUEST_TIMEOUT=${REQUEST_TIMEOUT:-30}
TARGET_DIR=${CARGO_TARGET_DIR:-target}
[[ $# -eq 0 ]] || { echo "usage: $0 (settings from the environment)" >&2; exit 2; }

# shellcheck source=bench/common.sh
source bench/common.sh
bench_start preview --no-wrk
need_tool bc bc

bench_build
bench_database preview
export RUST_LOG=${RUST_LOG:-warn}

say "migrating and loading $PROFILES professionals"
"$musubi" migrate
psql_db -v count="$PROFILES" -f bench/load/fixture.sql >/dev/null
region_id=$("$musubi" admin create-region --name 塩尻市 --prefecture 長野県 --city 塩尻市 | awk '/region created/ {print $3}')

port=18380
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
base_url="http://127.0.0.1:$port"
say "starting musubi on $base_url (building the ranking index)"
MUSUBI_BIND="127.0.0.1:$port" "$musubi" serve >"$scratch/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do
  curl -fsS "$base_url/ready" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$scratch/server.log" >&2; exit 1; }
  sleep 0.2
done
curl -fsS "$base_url/ready" >/dev/null || { say "the server did not become ready"; cat "$scratch/server.log" >&2; exit 1; }

token=$(curl -fsS "$base_url/api/v1/auth/register" -H 'Content-Type: application/json' --data "$(jq -n --arg region "$region_id" '{
  email: "owner@preview.test", password: "preview-owner-password", display_name: "丸山 花子", role: "sme",
  organization: {name: "丸山漆器", kind: "sme", region_id: $region, industry: "manufacturing", city: "塩尻市"}}')" |
  jq -r .access_token)

# The 仕様書, with the budget's upper end as the argument.
draft() {
  jq -cn --argjson max "$1" '{
    title: "漆器のECサイト立ち上げ マーケティング責任者",
    description: "創業百年の漆器店です。百貨店の販路が細り、自社ECを始めたい。商品撮影から運用まで伴走してくれる方を探しています。",
    goal: "6か月で自社ECの月商100万円",
    role: "cmo", style: "hands_on",
    skills: [{skill: "digital_marketing", min_level: 3, must: true}, {skill: "ec", min_level: 2, must: false}],
    themes: ["traditional_craft", "dx"],
    hours_per_month: {min: 16, max: 32}, duration_months: 6,
    work_style: "remote", onsite_visits_per_month: 0,
    meeting_slots: ["weekday_evening", "weekend"],
    compensation_jpy: {min: 30000, max: $max}, pro_bono: false}'
}
budgets=(50000 80000 100000 150000)
for b in "${budgets[@]}"; do draft "$b" >"$scratch/draft-$b.json"; done
ask() { # n: the request's number (chooses the budget); prints its wall time in ms
  local b=${budgets[$(($1 % ${#budgets[@]}))]}
  curl -fsS --max-time "$REQUEST_TIMEOUT" -o "$scratch/body.json" -w '%{time_total}\n' \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    --data @"$scratch/draft-$b.json" "$base_url/api/v1/needs/preview" |
    awk '{printf "%.2f\n", $1 * 1000}'
}
# The p-th percentile (nearest rank) of numbers on stdin.
percentile() { sort -n | awk -v p="$1" '{v[NR] = $1} END {r = int((p * NR + 99) / 100); if (r < 1) r = 1; print v[r]}'; }
median() { sort -n | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

say "warm-up: $WARMUP requests"
for n in $(seq 1 "$WARMUP"); do ask "$n" >/dev/null; done
printf '\none answer (budget ¥%s): %s\n' "${budgets[$((WARMUP % 4))]}" "$(jq -c '{eligible, strong, limits: [.limits[] | .suggestion.ja]}' "$scratch/body.json")"
printf '\n%s professionals, %s runs of %s requests, one at a time, on %s cores (load average %s)\n' \
  "$PROFILES" "$RUNS" "$REQUESTS" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
: >"$scratch/p99s"
for run in $(seq 1 "$RUNS"); do
  : >"$scratch/run"
  for n in $(seq 1 "$REQUESTS"); do ask "$n" >>"$scratch/run"; done
  p50=$(percentile 50 <"$scratch/run")
  p99=$(percentile 99 <"$scratch/run")
  max=$(sort -n "$scratch/run" | tail -1)
  echo "$p99" >>"$scratch/p99s"
  printf '  run %s: p50 %s ms, p99 %s ms, max %s ms\n' "$run" "$p50" "$p99" "$max"
done
med=$(median <"$scratch/p99s")
printf '\np99 over %s runs: median %s ms, min %s ms, max %s ms (target < %s ms)\n' \
  "$RUNS" "$med" "$(sort -n "$scratch/p99s" | head -1)" "$(sort -n "$scratch/p99s" | tail -1)" "$MAX_MS"
if (($(echo "$med >= $MAX_MS" | bc))); then
  say "FAILED: the median p99 is $med ms"
  exit 1
fi
say "OK"
