#!/usr/bin/env bash
# Compares Musubi's assignment solver with OR-tools' SimpleMinCostFlow on the
# benchmark region (10,000 needs x 100,000 professionals x 50 candidates), once with
# uniform and once with Zipf-skewed popularity, on the same instance files.
#
#   bash bench/assign/run.sh            # RUNS=5 solves per side, median reported
#
# Needs cargo and python3 (with venv); installs ortools from PyPI into a throw-away
# virtualenv under ${TMPDIR:-/tmp} (set ORTOOLS_VENV to reuse one). Exits non-zero
# if the two objectives differ on either instance.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
runs="${RUNS:-5}"
ortools_version="${ORTOOLS_VERSION:-9.15.6755}"
limit=900 # seconds for any one step, so nothing hangs

work="$(mktemp -d "${TMPDIR:-/tmp}/musubi-assign-bench.XXXXXX")"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

echo "== building the release example" >&2
target="${CARGO_TARGET_DIR:-$root/target}"
(cd "$root" && timeout "$limit" cargo build --quiet --release -p musubi-matcher --example assign_instance)
solver="$target/release/examples/assign_instance"

venv="${ORTOOLS_VENV:-$work/venv}"
if [[ ! -x "$venv/bin/python" ]]; then
    echo "== installing ortools $ortools_version into $venv" >&2
    python3 -m venv "$venv"
    timeout "$limit" "$venv/bin/pip" install --quiet --disable-pip-version-check "ortools==$ortools_version"
fi
python="$venv/bin/python"

results="$work/results.jsonl"
for case in "uniform 1" "zipf 2"; do
    read -r popularity seed <<<"$case"
    instance="$work/$popularity.txt"
    echo "== $popularity (seed $seed): generating, then $runs solves per side" >&2
    timeout "$limit" "$solver" generate "$popularity" "$seed" "$instance"
    ours="$(timeout "$limit" "$solver" solve "$instance" "$runs")"
    theirs="$(timeout "$limit" "$python" "$here/ortools_mcf.py" "$instance" "$runs")"
    printf '{"instance": "%s", "ours": %s, "ortools": %s}\n' "$popularity" "$ours" "$theirs" >>"$results"
done

"$python" - "$results" <<'PY'
import json, sys

rows = [json.loads(line) for line in open(sys.argv[1])]
print(f"{'instance':<9} {'objective (ours)':>17} {'objective (OR-tools)':>21} {'equal':>6} "
      f"{'ours s':>9} {'OR-tools s':>11} {'ours/OR-tools':>14}")
same = True
for row in rows:
    ours, theirs = row["ours"], row["ortools"]
    equal = ours["objective"] == theirs["objective"]
    same &= equal
    ratio = ours["median_seconds"] / theirs["median_seconds"]
    print(f"{row['instance']:<9} {ours['objective']:>17} {theirs['objective']:>21} "
          f"{'yes' if equal else 'NO':>6} {ours['median_seconds']:>9.3f} "
          f"{theirs['median_seconds']:>11.3f} {ratio:>14.3f}")
print("times: median of the solve alone (ours: assign(), including building its graph; "
      "OR-tools: SimpleMinCostFlow.solve())")
sys.exit(0 if same else 1)
PY
