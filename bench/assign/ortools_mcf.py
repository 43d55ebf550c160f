"""Solves a Musubi assignment instance with OR-tools' SimpleMinCostFlow.

Usage: python ortools_mcf.py INSTANCE [RUNS]

The graph is the textbook one: source -> need (capacity headcount, cost 0),
need -> professional (capacity 1, cost -score, for scores at or above the floor),
professional -> sink (capacity max_engagements, cost 0), and a source -> sink
bypass (cost 0) so unused places are free. Prints one JSON line with the objective
(minus the optimal cost), the number of pairs and the solve times: only solve()
is timed; loading the file and adding the arcs are not.
"""

import json
import statistics
import sys
import time

import numpy as np
from ortools.graph.python import min_cost_flow

MAGIC = "musubi-assign-instance v1"


def load(path):
    with open(path, encoding="ascii") as f:
        text = f.read()
    if not text.startswith(MAGIC):
        sys.exit(f"{path} does not start with {MAGIC!r}")
    numbers = np.array(text[len(MAGIC):].split(), dtype=np.int64)
    needs, professionals, edges, floor = (int(x) for x in numbers[:4])
    at = 4
    need_capacity = numbers[at:at + needs]
    at += needs
    professional_capacity = numbers[at:at + professionals]
    at += professionals
    triples = numbers[at:at + 3 * edges].reshape(edges, 3)
    if triples.shape != (edges, 3):
        sys.exit(f"{path} ends early")
    return need_capacity, professional_capacity, triples, floor


def build(need_capacity, professional_capacity, triples, floor):
    needs, professionals = len(need_capacity), len(professional_capacity)
    source, sink = 0, needs + professionals + 1
    kept = triples[triples[:, 2] >= floor]
    supply = int(need_capacity.sum())
    tails = np.concatenate([
        np.zeros(needs, dtype=np.int64),                   # source -> need
        1 + kept[:, 0],                                    # need -> professional
        1 + needs + np.arange(professionals),              # professional -> sink
        [source],                                          # bypass
    ])
    heads = np.concatenate([
        1 + np.arange(needs),
        1 + needs + kept[:, 1],
        np.full(professionals, sink),
        [sink],
    ])
    capacities = np.concatenate([
        need_capacity,
        np.ones(len(kept), dtype=np.int64),
        professional_capacity,
        [supply],
    ])
    costs = np.concatenate([
        np.zeros(needs, dtype=np.int64),
        -kept[:, 2],
        np.zeros(professionals, dtype=np.int64),
        [0],
    ])
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    smcf.set_node_supply(source, supply)
    smcf.set_node_supply(sink, -supply)
    first_edge_arc = needs
    return smcf, first_edge_arc, len(kept)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    runs = int(sys.argv[2]) if len(sys.argv) == 3 else 5
    instance = load(sys.argv[1])
    seconds, objective, pairs = [], None, None
    for _ in range(runs):
        smcf, first, count = build(*instance)
        started = time.perf_counter()
        status = smcf.solve()
        seconds.append(time.perf_counter() - started)
        if status != smcf.OPTIMAL:
            sys.exit(f"SimpleMinCostFlow status {status}")
        value = -smcf.optimal_cost()
        flows = smcf.flows(np.arange(first, first + count))
        chosen = int(np.count_nonzero(flows))
        if objective is not None and value != objective:
            sys.exit("two runs gave different objectives")
        objective, pairs = value, chosen
    print(json.dumps({
        "objective": objective,
        "pairs": pairs,
        "median_seconds": round(statistics.median(seconds), 6),
        "runs_seconds": [round(s, 6) for s in seconds],
    }))


if __name__ == "__main__":
    main()
