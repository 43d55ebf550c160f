#!/usr/bin/env bash
# Two builds of `musubi` under the same load, in turns (issue 10: no worse in median).
#
#   bench/load/compare.sh BEFORE_BIN AFTER_BIN [N]      # N pairs, default 5
#
# Runs bench/load/run.sh N times with each binary, alternating (before, after, before,
# …), so both meet the same machine; prints each run's candidates p99, health p99 and
# their ratio, then the median of each side. Run it on an otherwise idle machine.
# Every run loads its own fresh database and starts its own server on loopback.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

[[ $# -ge 2 ]] || { echo "usage: $0 BEFORE_BIN AFTER_BIN [N]" >&2; exit 2; }
before=$1 after=$2 pairs=${3:-5}
[[ "$pairs" =~ ^[1-9][0-9]*$ ]] || { echo "N must be a positive number" >&2; exit 2; }
for bin in "$before" "$after"; do
  [[ -x "$bin" ]] || { echo "not an executable: $bin" >&2; exit 2; }
done

logs=$(mktemp -d /tmp/musubi-load-compare.XXXXXX)
declare -A ratios=() candidates=() health=()
for i in $(seq 1 "$pairs"); do
  for side in before after; do
    bin=$before
    [[ $side == after ]] && bin=$after
    log="$logs/$side-$i.txt"
    # The script exits 1 when a target is missed; the figures are what is compared here.
    MUSUBI_BIN=$bin bash bench/load/run.sh >"$log" 2>&1 || true
    ratio=$(awk '/^ratio candidates\/health p99:/ {print $4}' "$log")
    p99=$(awk '/^GET \/needs/ {print $4}' "$log")
    hp99=$(awk '/^GET \/health/ {print $4}' "$log")
    if [[ -z "$ratio" || -z "$p99" ]]; then
      printf '%-6s run %d: no result, see %s\n' "$side" "$i" "$log"
      continue
    fi
    ratios[$side]+="$ratio " candidates[$side]+="$p99 " health[$side]+="$hp99 "
    printf '%-6s run %d: candidates p99 %8s ms  health p99 %8s ms  ratio %6s\n' \
      "$side" "$i" "$p99" "$hp99" "$ratio"
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR] = $1} END {if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
for side in before after; do
  printf 'median %-6s: candidates p99 %s ms, health p99 %s ms, ratio %s\n' "$side" \
    "$(median <<<"${candidates[$side]:-}")" "$(median <<<"${health[$side]:-}")" \
    "$(median <<<"${ratios[$side]:-}")"
done
echo "logs in $logs"
