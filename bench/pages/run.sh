#!/usr/bin/env bash
# Load test of the candidates *page* against GET /health, in the same run (issue 11).
#
#   bench/pages/run.sh
#
# As bench/load/run.sh, whose fixture it reuses: builds the release `musubi` (or takes
# MUSUBI_BIN), loads PROFILES (100,000) synthetic professionals, a region, a
# coordinator, an SME, its need and APPLICATIONS (200) applications into a fresh
# PostgreSQL database and starts the server on loopback. Then, logged in through the
# pages (a session cookie, as a browser holds it):
#
#   1. the SME's /needs/{id}/candidates (its 200 applicants ranked, the top 20 shown)
#   2. the coordinator's /needs/{id}/candidates?scope=all (all PROFILES ranked)
#
# each with wrk for DURATION (20s) on CONNECTIONS (64) connections, half on the page
# and half on GET /health at the same time. Prints each p99 beside the health p99 of
# the same run and their ratio, and the CSS + JS bytes each page links (the sum of the
# /static files it names). Exits non-zero when a ratio is over MAX_RATIO (3) or a page
# links over MAX_ASSET_BYTES (61440, 60 KB) of CSS + JS.
#
# MUSUBI_BIN: a release `musubi` to use instead of building one; SERVER_LOG: a file
# to keep the server's log in. PostgreSQL: $DATABASE_URL (a role that may CREATE
# DATABASE), else a throw-away cluster in /tmp. Every wait is bounded.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

PROFILES=${PROFILES:-100000}
APPLICATIONS=${APPLICATIONS:-200}
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-20s}
MAX_RATIO=${MAX_RATIO:-3}
MAX_ASSET_BYTES=${MAX_ASSET_BYTES:-61440}
TARGET_DIR=${CARGO_TARGET_DIR:-target}
[[ $# -eq 0 ]] || { echo "usage: $0 (settings from the environment)" >&2; exit 2; }

# shellcheck source=bench/common.sh
source bench/common.sh
bench_start pages
need_tool bc bc

# ---------------------------------------------------------------- build
bench_build

# ---------------------------------------------------------------- PostgreSQL
bench_database pages
export RUST_LOG=${RUST_LOG:-warn}
# Two page logins from one address: well inside any throttle, but say so.
export MUSUBI_THROTTLE_LOGIN_PER_ADDRESS=${MUSUBI_THROTTLE_LOGIN_PER_ADDRESS:-1000}

# ---------------------------------------------------------------- fixture
say "migrating and loading $PROFILES professionals (bench/load/fixture.sql)"
"$musubi" migrate
psql_db -v count="$PROFILES" -f bench/load/fixture.sql >/dev/null
region_id=$("$musubi" admin create-region --name 塩尻市 --prefecture 長野県 --city 塩尻市 | awk '/region created/ {print $3}')
MUSUBI_ADMIN_PASSWORD="load-coordinator-password" \
  "$musubi" admin create-coordinator --email coordinator@load.test --display-name 負荷試験コーディネーター --region "$region_id" >/dev/null

# ---------------------------------------------------------------- server
port=18180
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
base_url="http://127.0.0.1:$port"
say "starting musubi on $base_url (building the ranking index)"
MUSUBI_BIND="127.0.0.1:$port" MUSUBI_PUBLIC_URL="$base_url" MUSUBI_DB_MAX_CONNECTIONS=${MUSUBI_DB_MAX_CONNECTIONS:-16} \
  "$musubi" serve >"$scratch/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do
  curl -fsS "$base_url/ready" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$scratch/server.log" >&2; exit 1; }
  sleep 0.2
done
curl -fsS "$base_url/ready" >/dev/null || { say "the server did not become ready"; cat "$scratch/server.log" >&2; exit 1; }

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
# The applications as bench/load makes them: straight into the table.
psql_db -v need="$need_id" -v apps="$APPLICATIONS" -v count="$PROFILES" >/dev/null <<'SQL'
INSERT INTO applications (id, need_id, professional_id, message, status, score, created_at, updated_at)
SELECT md5('musubi-load-app-' || k)::uuid, :'need'::uuid, md5('musubi-load-' || (1 + (k * 499) % :count))::uuid,
       (ARRAY['塩尻出身のマーケターです。関係人口を増やしたい', '漆器のEC立ち上げを3回経験しました',
              '週末に伴走できます。シティプロモーションに関わりたい', '広報の経験を地域で活かしたい'])[1 + k % 4],
       'submitted', NULL, now(), now()
FROM generate_series(1, :apps) AS k
ON CONFLICT DO NOTHING;
SQL
applied=$(psql_db -tc "SELECT count(*) FROM applications WHERE need_id = '$need_id'")
say "need $need_id with $applied applications"

# ---------------------------------------------------------------- page sessions
# Logs in through the login page as a browser does (its form token, its pre-session
# cookie, this site's Origin) and prints the session cookie as `name=value`.
page_login() { # email password
  local jar="$scratch/jar.$1" token
  token=$(curl -fsS -c "$jar" -b "$jar" "$base_url/login" |
    sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n 1)
  [[ -n "$token" ]] || { say "no form token on /login"; exit 1; }
  curl -fsS -o /dev/null -c "$jar" -b "$jar" -H "Origin: $base_url" \
    --data-urlencode "csrf_token=$token" --data-urlencode "email=$1" --data-urlencode "password=$2" \
    "$base_url/login"
  awk '$6 ~ /musubi_session$/ {print $6 "=" $7}' "$jar" | tail -n 1
}
sme_cookie=$(page_login sme@load.test sme-password-123)
coordinator_cookie=$(page_login coordinator@load.test load-coordinator-password)
[[ -n "$sme_cookie" && -n "$coordinator_cookie" ]] || { say "a page login gave no session"; exit 1; }

sme_page="/needs/$need_id/candidates"
coordinator_page="/needs/$need_id/candidates?scope=all"
fetch_page() { # cookie path file
  local status
  status=$(curl -sS -o "$3" -w '%{http_code}' -H "Cookie: $1" "$base_url$2")
  [[ "$status" == 200 ]] || { say "GET $2 answered $status"; exit 1; }
}
fetch_page "$sme_cookie" "$sme_page" "$scratch/sme.html"
fetch_page "$coordinator_cookie" "$coordinator_page" "$scratch/coordinator.html"
listed() { grep -o 'class="candidate" id="c-' "$1" | wc -l; }
[[ $(listed "$scratch/sme.html") -eq 20 ]] || { say "the SME's page lists $(listed "$scratch/sme.html"), not 20"; exit 1; }
[[ $(listed "$scratch/coordinator.html") -eq 20 ]] || { say "the coordinator's page lists $(listed "$scratch/coordinator.html"), not 20"; exit 1; }

# CSS + JS a page links: the sum of the /static files it names (each fetched once).
asset_bytes() { # html file
  local total=0 path bytes
  while read -r path; do
    bytes=$(curl -fsS "$base_url$path" | wc -c)
    total=$((total + bytes))
  done < <(grep -oE '(href|src)="/static/[^"]+\.(css|js)"' "$1" | sed -E 's/^[a-z]+="//; s/"$//' | sort -u)
  echo "$total"
}
sme_assets=$(asset_bytes "$scratch/sme.html")
coordinator_assets=$(asset_bytes "$scratch/coordinator.html")

# ---------------------------------------------------------------- load
# wrk prints "99%  1.23ms"; in microseconds.
wrk_us() { # file
  awk '$1 == "99%" {
    v = $2; unit = v; sub(/^[0-9.]+/, "", unit); sub(/[a-z]+$/, "", v);
    if (unit == "us") f = 1; else if (unit == "ms") f = 1000; else if (unit == "s") f = 1000000; else f = 60000000;
    printf "%.0f\n", v * f }' "$1"
}
half=$((CONNECTIONS / 2))
# One run: half the connections on GET /health, half on the page, at the same time.
# Prints "page_p99_us health_p99_us page_req_s".
measure() { # name cookie path
  printf 'wrk.headers["Cookie"] = "%s"\n' "$2" >"$scratch/$1.lua"
  wrk -t1 -c4 -d2s -s "$scratch/$1.lua" "$base_url$3" >/dev/null
  say "wrk: $half connections on GET /health and $half on $3 at once, for $DURATION"
  wrk -t1 -c"$half" -d"$DURATION" --timeout 10s --latency "$base_url/health" >"$scratch/$1.health.txt" &
  local health_wrk=$!
  wrk -t1 -c"$half" -d"$DURATION" --timeout 10s --latency -s "$scratch/$1.lua" "$base_url$3" >"$scratch/$1.txt" &
  local page_wrk=$!
  wait "$health_wrk" "$page_wrk"
  cat "$scratch/$1.health.txt" "$scratch/$1.txt" >&2
  if grep -q "Non-2xx" "$scratch/$1.txt"; then say "the $1 run had errors"; exit 1; fi
  echo "$(wrk_us "$scratch/$1.txt") $(wrk_us "$scratch/$1.health.txt") $(awk '/Requests\/sec/ {print $2}' "$scratch/$1.txt")"
}
# In this shell (not a subshell), so a failed run ends the script.
measure sme "$sme_cookie" "$sme_page" >"$scratch/sme.result"
measure coordinator "$coordinator_cookie" "$coordinator_page" >"$scratch/coordinator.result"
read -r sme_p99 sme_health sme_rps <"$scratch/sme.result"
read -r co_p99 co_health co_rps <"$scratch/coordinator.result"

ms() { echo "$1 / 1000" | bc -l; }
ratio() { echo "scale=2; $1 / $2" | bc; }
sme_ratio=$(ratio "$sme_p99" "$sme_health")
co_ratio=$(ratio "$co_p99" "$co_health")
printf '\nprofiles %s, applications %s, %s connections (half on each endpoint, at once) for %s, on %s cores\n' \
  "$PROFILES" "$APPLICATIONS" "$CONNECTIONS" "$DURATION" "$(nproc)"
printf 'SME /needs/{id}/candidates                   p99 %8.2f ms (%s req/s), /health p99 %8.2f ms: ratio %s (target <= %s)\n' \
  "$(ms "$sme_p99")" "$sme_rps" "$(ms "$sme_health")" "$sme_ratio" "$MAX_RATIO"
printf 'coordinator /needs/{id}/candidates?scope=all p99 %8.2f ms (%s req/s), /health p99 %8.2f ms: ratio %s (target <= %s)\n' \
  "$(ms "$co_p99")" "$co_rps" "$(ms "$co_health")" "$co_ratio" "$MAX_RATIO"
printf 'CSS + JS linked: SME page %s bytes, coordinator page %s bytes (target <= %s)\n' \
  "$sme_assets" "$coordinator_assets" "$MAX_ASSET_BYTES"

failed=false
for r in "$sme_ratio" "$co_ratio"; do
  if (($(echo "$r > $MAX_RATIO" | bc))); then
    say "FAILED: a page's p99 is more than ${MAX_RATIO}x the health p99 of its run"
    failed=true
  fi
done
for bytes in "$sme_assets" "$coordinator_assets"; do
  if ((bytes > MAX_ASSET_BYTES)); then
    say "FAILED: a page links $bytes bytes of CSS + JS"
    failed=true
  fi
done
if $failed; then exit 1; fi
say "OK"
