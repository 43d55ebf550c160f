#!/usr/bin/env bash
# bench/load/run.sh N times in a row (issue 15: ten runs, every one within target).
#
#   bench/load/repeat.sh [N]        # N defaults to 10
#
# Builds the release `musubi` once, then runs bench/load/run.sh N times with it (each
# run loads its own fresh database and starts its own server) and prints, per run, the
# ratio of the p99s (candidates/health), the candidates' p99 and maximum latency and
# PASS or FAIL against MAX_RATIO (3) and MAX_CANDIDATES_MS (250), then the spread.
# Exits non-zero unless every run passed. Each run's whole output is kept in a
# directory printed at the end. Run it on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

runs=${1:-10}
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [N]" >&2; exit 2; }
TARGET_DIR=${CARGO_TARGET_DIR:-target}
export MAX_RATIO=${MAX_RATIO:-3} MAX_CANDIDATES_MS=${MAX_CANDIDATES_MS:-250}

logs=$(mktemp -d /tmp/musubi-load-runs.XXXXXX)
if [[ -z "${MUSUBI_BIN:-}" ]]; then
  echo "==> building the release musubi (CARGO_TARGET_DIR=$TARGET_DIR)" >&2
  CARGO_TARGET_DIR=$TARGET_DIR cargo build --release --locked --bin musubi
  # A copy: every run uses this very binary, whatever is built meanwhile.
  cp "$TARGET_DIR/release/musubi" "$logs/musubi"
  export MUSUBI_BIN="$logs/musubi"
fi

passed=0
ratios=() maxima=()
for i in $(seq 1 "$runs"); do
  log="$logs/run-$i.txt"
  status=0
  bash bench/load/run.sh >"$log" 2>&1 || status=$?
  ratio=$(awk '/^ratio candidates\/health p99:/ {print $4}' "$log")
  p99=$(awk '/^GET \/needs/ {print $4}' "$log")
  max=$(awk '/^candidates max:/ {print $3}' "$log")
  if [[ -z "$ratio" || -z "$max" ]]; then
    printf 'run %2d: no result (exit %s), see %s\n' "$i" "$status" "$log"
    continue
  fi
  ratios+=("$ratio") maxima+=("$max")
  verdict=FAIL
  if (($(echo "$ratio <= $MAX_RATIO && $max < $MAX_CANDIDATES_MS" | bc))); then
    verdict=PASS passed=$((passed + 1))
  fi
  printf 'run %2d: ratio %6s  candidates p99 %8s ms  max %8s ms  %s\n' "$i" "$ratio" "$p99" "$max" "$verdict"
done

spread() { printf '%s\n' "$@" | sort -g | awk 'NR == 1 {lo = $1} {hi = $1} END {printf "%s–%s", lo, hi}'; }
if ((${#ratios[@]} > 0)); then
  printf 'ratios %s, candidates max %s ms over %d runs\n' "$(spread "${ratios[@]}")" "$(spread "${maxima[@]}")" "${#ratios[@]}"
fi
printf '%d of %d runs passed (ratio <= %s and candidates max < %s ms); logs in %s\n' \
  "$passed" "$runs" "$MAX_RATIO" "$MAX_CANDIDATES_MS" "$logs"
((passed == runs))
