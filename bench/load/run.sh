#!/usr/bin/env bash
# Load test of the candidates endpoint against GET /health, in one run (issues 4, 15).
#
#   bench/load/run.sh [--open-loop]
#
# Builds the release `musubi`, loads PROFILES (100,000) synthetic professionals, a
# region, a coordinator, an SME, its need and APPLICATIONS (200) applications into a
# fresh PostgreSQL database, starts the server on loopback, then runs wrk with
# CONNECTIONS (64) connections for DURATION (20s) against GET /health and against
# GET /api/v1/needs/{id}/candidates?scope=all&limit=20 as the coordinator, half the
# connections each, at the same time. Prints both p99 latencies and their ratio, and
# exits non-zero when the ratio is over MAX_RATIO (3) or the candidates' slowest answer
# took MAX_CANDIDATES_MS (250) or more.
#
# --open-loop: then measures like an operator, with bench/load/openloop (built here):
# the capacity of the mix (GET /health and the candidates in turn, closed loop,
# CONNECTIONS connections, 10 s), then a fixed schedule of requests at 50% and 80% of it
# for OPEN_SECONDS (20) each, with p50, p99 and max from each request's due time.
#
# MUSUBI_BIN: a release `musubi` to use instead of building one; SERVER_LOG: a file
# to keep the server's log in.
#
# PostgreSQL: $DATABASE_URL (a server whose role may CREATE DATABASE; a fresh database
# is made there and dropped afterwards), else a throw-away cluster in /tmp, as
# scripts/test.sh does. Everything runs on 127.0.0.1 and every wait is bounded.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

PROFILES=${PROFILES:-100000}
APPLICATIONS=${APPLICATIONS:-200}
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-20s}
MAX_RATIO=${MAX_RATIO:-3}
MAX_CANDIDATES_MS=${MAX_CANDIDATES_MS:-250}
OPEN_SECONDS=${OPEN_SECONDS:-20}
open_loop=false
case "${1:-}" in
  "") ;;
  --open-loop) open_loop=true ;;
  *) echo "usage: $0 [--open-loop]" >&2; exit 2 ;;
esac
TARGET_DIR=${CARGO_TARGET_DIR:-target}

# shellcheck source=bench/common.sh
source bench/common.sh
bench_start load
need_tool bc bc

# ---------------------------------------------------------------- build
bench_build
if $open_loop; then
  say "building the open-loop load generator"
  CARGO_TARGET_DIR=$TARGET_DIR cargo build --release --locked -p musubi-openloop
  openloop="$TARGET_DIR/release/musubi-openloop"
fi

# ---------------------------------------------------------------- PostgreSQL
bench_database load
export RUST_LOG=${RUST_LOG:-warn}

# ---------------------------------------------------------------- fixture
say "migrating and loading $PROFILES professionals"
"$musubi" migrate
start=$(date +%s.%N)
psql_db -v count="$PROFILES" -f bench/load/fixture.sql >/dev/null
say "loaded in $(printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc)") s"
region_id=$("$musubi" admin create-region --name 塩尻市 --prefecture 長野県 --city 塩尻市 | awk '/region created/ {print $3}')
MUSUBI_ADMIN_PASSWORD="load-coordinator-password" \
  "$musubi" admin create-coordinator --email coordinator@load.test --display-name 負荷試験コーディネーター --region "$region_id" >/dev/null

# ---------------------------------------------------------------- server
port=18080
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
base_url="http://127.0.0.1:$port"
say "starting musubi on $base_url (building the ranking index)"
MUSUBI_BIND="127.0.0.1:$port" MUSUBI_DB_MAX_CONNECTIONS=${MUSUBI_DB_MAX_CONNECTIONS:-16} \
  "$musubi" serve >"$scratch/server.log" 2>&1 &
server_pid=$!
start=$(date +%s.%N)
for _ in $(seq 1 600); do
  curl -fsS "$base_url/ready" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$scratch/server.log" >&2; exit 1; }
  sleep 0.2
done
curl -fsS "$base_url/ready" >/dev/null || { say "the server did not become ready"; cat "$scratch/server.log" >&2; exit 1; }
say "ready in $(printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc)") s"

api() { # method path token [body]
  curl -fsS -X "$1" "$base_url/api/v1$2" -H "Authorization: Bearer $3" -H 'Content-Type: application/json' ${4:+--data "$4"}
}
sme_token=$(curl -fsS "$base_url/api/v1/auth/register" -H 'Content-Type: application/json' --data "$(jq -n --arg region "$region_id" '{
  email: "sme@load.test", password: "sme-password-123", display_name: "丸山 代表", role: "sme",
  organization: {name: "丸山漆器", kind: "sme", region_id: $region, industry: "traditional_craft", city: "塩尻市", employees: 12}}')" |
  jq -r .access_token)
need_id=$(api POST /needs "$sme_token" '{
  "title": "塩尻市 シティプロモーション CMO（マーケティング責任者）",
  "description": "漆器と木曽の伝統工芸の魅力を全国に伝えるシティプロモーションの戦略づくりと実行。月4日以内、フルリモート。",
  "goal": "関係人口を増やし、ふるさと納税とECの売上を前年比150%に",
  "role": "cmo", "style": "hands_on",
  "skills": [{"skill": "digital_marketing", "min_level": 3, "must": true}, {"skill": "pr", "min_level": 2, "must": false},
             {"skill": "ec", "min_level": 2, "must": false}],
  "themes": ["regional_revitalization", "traditional_craft"],
  "hours_per_month": {"min": 16, "max": 32}, "duration_months": 6, "work_style": "remote",
  "onsite_visits_per_month": 0, "meeting_slots": ["weekday_evening", "weekend"],
  "compensation_jpy": {"min": 50000, "max": 100000}, "pro_bono": false, "headcount": 2, "apply_by": "2027-01-31"}' | jq -r .id)
# Applications straight into the table: the endpoint reads them on every request.
psql_db -v need="$need_id" -v apps="$APPLICATIONS" -v count="$PROFILES" >/dev/null <<'SQL'
INSERT INTO applications (id, need_id, professional_id, message, status, score, created_at, updated_at)
SELECT md5('musubi-load-app-' || k)::uuid, :'need'::uuid, md5('musubi-load-' || (1 + (k * 499) % :count))::uuid,
       (ARRAY['塩尻出身のマーケターです。関係人口を増やしたい', '漆器のEC立ち上げを3回経験しました',
              '週末に伴走できます。シティプロモーションに関わりたい', '広報の経験を地域で活かしたい'])[1 + k % 4],
       'submitted', NULL, now(), now()
FROM generate_series(1, :apps) AS k
ON CONFLICT DO NOTHING;
SQL
token=$(curl -fsS "$base_url/api/v1/auth/login" -H 'Content-Type: application/json' \
  --data '{"email": "coordinator@load.test", "password": "load-coordinator-password"}' | jq -r .access_token)
candidates="/api/v1/needs/$need_id/candidates?scope=all&limit=20"
count=$(curl -fsS "$base_url$candidates" -H "Authorization: Bearer $token" | jq '.items | length')
[[ "$count" == 20 ]] || { say "expected 20 candidates, got $count"; exit 1; }
applicants=$(curl -fsS "$base_url/api/v1/needs/$need_id/candidates?limit=100" -H "Authorization: Bearer $token" | jq '.items | length')
say "need $need_id: 20 scouted candidates, $applicants eligible applicants listed"

cat >"$scratch/auth.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $token"
LUA

# ---------------------------------------------------------------- load
# wrk prints "99%  1.23ms" and "Latency  avg  stdev  max  +/-"; in microseconds.
wrk_us() { # file p99|max
  awk -v what="$2" '(what == "p99" && $1 == "99%") || (what == "max" && $1 == "Latency" && $2 ~ /^[0-9]/) {
    v = (what == "p99") ? $2 : $4; unit = v; sub(/^[0-9.]+/, "", unit); sub(/[a-z]+$/, "", v);
    if (unit == "us") f = 1; else if (unit == "ms") f = 1000; else if (unit == "s") f = 1000000; else f = 60000000;
    printf "%.0f\n", v * f }' "$1"
}
run_wrk() { # name connections url [lua]
  wrk -t1 -c"$2" -d"$DURATION" --timeout 10s --latency ${4:+-s "$4"} "$3" >"$scratch/$1.txt"
}
# Warm both paths first (connections, caches), briefly.
wrk -t1 -c4 -d2s "$base_url/health" >/dev/null
wrk -t1 -c4 -d2s -s "$scratch/auth.lua" "$base_url$candidates" >/dev/null
# The same run: half the connections ask for /health and half for the candidates, at
# once, so both latencies are measured under the same load on the same server.
half=$((CONNECTIONS / 2))
say "wrk: $half connections on GET /health and $half on the candidates at once, for $DURATION"
run_wrk health "$half" "$base_url/health" &
health_wrk=$!
run_wrk candidates "$half" "$base_url$candidates" "$scratch/auth.lua" &
candidates_wrk=$!
wait "$health_wrk" "$candidates_wrk"
cat "$scratch/health.txt" "$scratch/candidates.txt" >&2
if grep -q "Non-2xx" "$scratch/candidates.txt"; then say "the candidates run had errors"; exit 1; fi

health=$(wrk_us "$scratch/health.txt" p99)
cand=$(wrk_us "$scratch/candidates.txt" p99)
health_max=$(wrk_us "$scratch/health.txt" max)
cand_max=$(wrk_us "$scratch/candidates.txt" max)
rps_health=$(awk '/Requests\/sec/ {print $2}' "$scratch/health.txt")
rps_cand=$(awk '/Requests\/sec/ {print $2}' "$scratch/candidates.txt")
ratio=$(echo "scale=2; $cand / $health" | bc)
printf '\nprofiles %s, applications %s, %s connections (half on each endpoint, at once) for %s, on %s cores\n' \
  "$PROFILES" "$APPLICATIONS" "$CONNECTIONS" "$DURATION" "$(nproc)"
ms() { echo "$1 / 1000" | bc -l; }
printf 'GET /health                 p99 %8.2f ms  max %8.2f ms  (%s req/s)\n' "$(ms "$health")" "$(ms "$health_max")" "$rps_health"
printf 'GET /needs/{id}/candidates  p99 %8.2f ms  max %8.2f ms  (%s req/s)\n' "$(ms "$cand")" "$(ms "$cand_max")" "$rps_cand"
printf 'ratio candidates/health p99: %s (target <= %s)\n' "$ratio" "$MAX_RATIO"
printf 'candidates max: %.2f ms (target < %s ms)\n' "$(ms "$cand_max")" "$MAX_CANDIDATES_MS"

if $open_loop; then
  # The mix asked in turn: one /health, one candidate list, on every connection.
  mix=(--addr "127.0.0.1:$port" --path /health --path "$candidates")
  say "open loop: the capacity of the mix (closed loop, $CONNECTIONS connections, 10 s)"
  OPENLOOP_BEARER=$token "$openloop" "${mix[@]}" --seconds 10 capacity --connections "$CONNECTIONS" | tee "$scratch/capacity.txt"
  capacity=$(awk '/^capacity/ {print $2}' "$scratch/capacity.txt")
  printf '\nopen loop (latency from each request'"'"'s due time), capacity of the mix %s req/s\n' "$capacity"
  for share in 50 80; do
    rate=$((capacity * share / 100))
    say "open loop: $rate req/s ($share% of $capacity) for ${OPEN_SECONDS}s"
    printf '%s%% of capacity: ' "$share"
    OPENLOOP_BEARER=$token "$openloop" "${mix[@]}" --seconds "$OPEN_SECONDS" rate --rate "$rate" --connections "$CONNECTIONS"
  done
fi

failed=false
if (($(echo "$ratio > $MAX_RATIO" | bc))); then
  say "FAILED: the candidates p99 is more than ${MAX_RATIO}x the health p99"
  failed=true
fi
if (($(echo "$cand_max >= $MAX_CANDIDATES_MS * 1000" | bc))); then
  say "FAILED: a candidate list took $(printf '%.0f' "$(ms "$cand_max")") ms (target < $MAX_CANDIDATES_MS ms)"
  failed=true
fi
if $failed; then exit 1; fi
say "OK"
