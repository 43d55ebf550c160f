#!/usr/bin/env bash
# The matcher's benchmark, in one command: every figure of the ranking issue,
# measured on this machine, each printed with its target and PASS or FAIL.
#
#   bash bench/matcher/run.sh
#
# 1. builds the release examples;
# 2. `bench_dataset measure`: a million synthetic profiles; medians of a streaming
#    read of the index bytes, the top 50 for one need with reasons, the same in
#    reciprocal mode, each of 16 needs alone, and the 16 in one batch;
# 3. `bench_dataset memory`: the index's bytes and the process's peak resident set;
# 4. `bench_dataset export`: the same million rows for PostgreSQL, loaded into a
#    schema of its own and dropped again; the same formula as one SQL query
#    (top50.sql), SQL_RUNS runs after one warm-up, median; its top 50 checked
#    against Musubi's;
# 5. the evaluation on a planted two-sided ground truth (examples/evaluate);
# 6. bench/assign/run.sh (assignment against OR-tools, its lines as printed).
#
# PostgreSQL: $DATABASE_URL if a server answers there, else postgres at
# 127.0.0.1:5432 (database `test`), else a throw-away cluster (initdb/pg_ctl, as
# scripts/test.sh starts one; installed from Debian's packages when missing and we
# are root), stopped and removed on exit.
#
# Settings: PROFILES (1000000), RUNS (7, measure rounds), SQL_RUNS (3),
# SKIP_ASSIGN=1 to leave out step 6, LOCAL_PG_URL (the local server tried after
# DATABASE_URL; empty for none). Exits non-zero if any target fails.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
profiles="${PROFILES:-1000000}"
runs="${RUNS:-7}"
sql_runs="${SQL_RUNS:-3}"
limit=1200 # seconds for any one step, so nothing hangs
SECONDS=0

say() { printf '== %s\n' "$*" >&2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/musubi-matcher-bench.XXXXXX")"
chmod 755 "$work"
schema=""

# ------------------------------------------------------------------ PostgreSQL

# shellcheck source=scripts/postgres.sh
source "$root/scripts/postgres.sh"

cleanup() {
    if [[ -n "$schema" && -n "$pg_url" ]]; then
        PGOPTIONS="-c client_min_messages=warning" "$(pg_bin psql)" "$pg_url" -XqAt \
            -c "DROP SCHEMA IF EXISTS $schema CASCADE" \
            >/dev/null 2>&1 || true
    fi
    pg_stop_throwaway
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------------ the engine

target="${CARGO_TARGET_DIR:-$root/target}"
say "building the release examples"
(cd "$root" && timeout "$limit" cargo build --quiet --release -p musubi-matcher \
    --example bench_dataset --example evaluate)
dataset="$target/release/examples/bench_dataset"
evaluate="$target/release/examples/evaluate"

say "measure: $profiles profiles, $runs rounds"
timeout "$limit" "$dataset" measure "$profiles" "$runs" >"$work/measure.json"
say "memory: $profiles profiles"
timeout "$limit" "$dataset" memory "$profiles" >"$work/memory.json"

# ------------------------------------------------------------------ SQL

say "export: $profiles profiles for PostgreSQL"
timeout "$limit" "$dataset" export "$work/data" "$profiles"

pg_bin psql >/dev/null 2>&1 || ensure_pg_installed
for candidate in "${DATABASE_URL:-}" "${LOCAL_PG_URL-postgres://postgres@127.0.0.1:5432/test}"; do
    [[ -n "$candidate" ]] || continue
    if pg_answers "$candidate"; then
        pg_url=$candidate
        say "PostgreSQL: $(redact "$pg_url")"
        break
    fi
done
[[ -n "$pg_url" ]] || pg_start_throwaway ""
psql_bin="$(pg_bin psql)"
schema="musubi_bench_$$"
# Every statement in the schema of this run, and none allowed to hang.
psql() {
    PGOPTIONS="-c search_path=$schema -c statement_timeout=${limit}s -c client_min_messages=warning" \
        "$psql_bin" "$pg_url" -X -v ON_ERROR_STOP=1 "$@"
}

say "loading $profiles rows into schema $schema"
"$psql_bin" "$pg_url" -XqAt -v ON_ERROR_STOP=1 -c "CREATE SCHEMA $schema" >/dev/null
psql -q -f "$here/schema.sql" >/dev/null
for table in profiles need need_skills need_terms; do
    psql -q -c "\\copy bench_$table FROM '$work/data/$table.tsv'" >/dev/null
done
psql -q -c "\\copy bench_musubi FROM '$work/data/musubi_top50.tsv'" >/dev/null
psql -q -c "ANALYZE" >/dev/null

say "SQL: one warm-up, then $sql_runs timed runs of top50.sql"
for i in $(seq 0 "$sql_runs"); do
    psql -At -F $'\t' -c '\timing on' -f "$here/top50.sql" >"$work/sql_$i.txt"
done
settings="$(psql -At -c "SELECT current_setting('server_version') || ', ' ||
    current_setting('max_parallel_workers_per_gather') || ' parallel workers per gather, work_mem ' ||
    current_setting('work_mem')")"
PGOPTIONS="-c client_min_messages=warning" "$psql_bin" "$pg_url" -XqAt \
    -c "DROP SCHEMA $schema CASCADE" >/dev/null
schema=""

# ------------------------------------------------------------------ evaluation

say "evaluation on a planted two-sided ground truth"
timeout "$limit" "$evaluate" 5000 200 7 >"$work/evaluate.txt"

# ------------------------------------------------------------------ assignment

assign_status=0
if [[ "${SKIP_ASSIGN:-0}" != 1 ]]; then
    say "assignment against OR-tools (bench/assign/run.sh)"
    bash "$root/bench/assign/run.sh" >"$work/assign.txt" || assign_status=$?
else
    echo "skipped (SKIP_ASSIGN=1)" >"$work/assign.txt"
    assign_status=skipped
fi

# ------------------------------------------------------------------ report

python3 - "$work" "$sql_runs" "$assign_status" "$SECONDS" "$settings" <<'PY'
import json, re, statistics, sys

work, sql_runs, assign_status, seconds, settings = sys.argv[1:6]
sql_runs = int(sql_runs)
measure = json.load(open(f"{work}/measure.json"))
n = f"{measure['profiles']:,}"
memory = json.load(open(f"{work}/memory.json"))
results = []  # (what, measured, target, ok)


def check(what, measured, target, ok):
    results.append((what, measured, target, ok))


# 1. ranking against a streaming read, and against PostgreSQL
# Ratios are the median of each round's own ratio (bench_dataset's JSON), beside
# the medians of the two sides.
stream, top = measure["stream_ms"], measure["top50_ms"]
ratio = measure["top50_over_stream"]
check(f"top-50 of {n} (reasons for the 50) / streaming read of the index bytes, CPU",
      f"{top['cpu']:.1f} ms / {stream['cpu']:.1f} ms; paired {ratio:.2f}x",
      "<= 2x", ratio <= 2)

times = []
for i in range(1, sql_runs + 1):
    text = open(f"{work}/sql_{i}.txt").read()
    found = re.findall(r"^Time: ([0-9.]+) ms", text, re.M)
    times.append(float(found[-1]))
sql_ms = statistics.median(times)
check(f"same formula as one SQL query in PostgreSQL over the same {n} rows / Musubi's top-50, wall",
      f"{sql_ms:.0f} ms / {top['wall']:.1f} ms = {sql_ms / top['wall']:.0f}x",
      ">= 50x", sql_ms >= 50 * top["wall"])

def rows(path):
    out = []
    for line in open(path):
        parts = line.strip().split("\t")
        if len(parts) == 2 and re.fullmatch(r"[0-9]+", parts[0]):
            out.append((int(parts[0]), float(parts[1])))
    return out

ours = rows(f"{work}/data/musubi_top50.tsv")
theirs = rows(f"{work}/sql_1.txt")
same_order = [i for i, _ in ours] == [i for i, _ in theirs]
overlap = len({i for i, _ in ours} & {i for i, _ in theirs})
by_id = dict(theirs)
diffs = [abs(s - by_id[i]) for i, s in ours if i in by_id]
max_diff = max(diffs) if diffs else float("nan")
# Musubi sums in f32, PostgreSQL in f64: rows whose scores agree to 1e-3 may swap
# places, and one may be 50th where the other is. Such swaps are the only
# difference allowed: every shared row's score must agree, and every row of one
# list missing from the other must score within 1e-3 of the 50th.
last = ours[-1][1] if ours else 0.0
missing = [(i, s) for i, s in ours if i not in by_id] + [(i, s) for i, s in theirs if i not in dict(ours)]
only_ties = all(abs(s - last) <= 1e-3 for _, s in missing)
check("SQL top-50 equals Musubi's (ids in order; scores to 4 decimals)",
      f"same order: {'yes' if same_order else 'no'}, overlap {overlap}/{len(ours)}, "
      f"max score difference {max_diff:.4f}",
      "equal, or differ only among tied scores",
      len(ours) == 50 and len(theirs) == 50 and max_diff <= 1e-3 and (same_order or only_ties))

# 2. the batch
batch, alone = measure["batch16_ms"], measure["mean_alone_ms"]
ratio = measure["batch16_over_top50"]
check("16 needs in one rank_batch / top-50 of one need, CPU",
      f"{batch['cpu']:.1f} ms / {top['cpu']:.1f} ms; paired {ratio:.2f}x "
      f"(vs mean of the 16 alone {alone['cpu']:.1f} ms: {measure['batch16_over_mean_alone']:.2f}x)",
      "<= 3x", ratio <= 3)

# 3. the assignment
assign_lines = open(f"{work}/assign.txt").read().strip().splitlines()
check("assignment (bench/assign/run.sh): objectives equal to OR-tools'",
      "; ".join(" ".join(line.split()) for line in assign_lines
                if line.startswith(("uniform", "zipf"))) or " ".join(assign_lines[-1:]),
      "equal objectives (run.sh exits 0)", assign_status == "0")

# 4. memory
mib = memory["memory_bytes"] / 2**20
check(f"index memory for {n} profiles (memory_bytes; peak RSS of the process)",
      f"{mib:.0f} MiB ({memory['bytes_per_profile']:.0f} B a profile); peak RSS "
      f"{memory['peak_rss_bytes'] / 2**20:.0f} MiB", "<= 256 MiB", mib <= 256)

# 6. the evaluation
evaluation_lines = open(f"{work}/evaluate.txt").read().strip().splitlines()
ev = json.loads(evaluation_lines[-1])
sel = ev["selective"]
ndcgs = [ev[m][r]["ndcg"] for m in ("selective", "unselective") for r in ("one_sided", "reciprocal")]
check("evaluation, selective market: reciprocal vs one-sided two-sided match rate@10",
      f"{sel['reciprocal']['match_rate']:.3f} vs {sel['one_sided']['match_rate']:.3f}",
      "reciprocal higher; NDCG@10 in (0, 1]",
      sel["reciprocal"]["match_rate"] > sel["one_sided"]["match_rate"]
      and all(0 < x <= 1 for x in ndcgs))

print()
print(f"Musubi matcher benchmark: {measure['profiles']:,} profiles, {measure['runs']} rounds "
      f"(medians), PostgreSQL {settings}")
print()
print("| what | measured | target | result |")
print("|---|---|---|---|")
for what, measured, target, ok in results:
    print(f"| {what} | {measured} | {target} | {'PASS' if ok else 'FAIL'} |")
print()
print("Evaluation (examples/evaluate, 5000 professionals, 200 needs, seed 7):")
print()
for line in evaluation_lines[:-1]:
    print(line)
print()
print("Assignment (bench/assign/run.sh):")
print()
for line in assign_lines:
    print(line)
print()
print(f"raw: measure {json.dumps(measure)}")
print(f"raw: memory {json.dumps(memory)}")
print(f"raw: SQL runs (ms) {times}")
print(f"total: {int(seconds) // 60} min {int(seconds) % 60} s")
failed = [what for what, _, _, ok in results if not ok]
print("ALL PASS" if not failed else f"FAILED: {len(failed)} of {len(results)}")
sys.exit(1 if failed else 0)
PY
