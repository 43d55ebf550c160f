//! Successive shortest paths, one need at a time, with Dijkstra on reduced costs.
//!
//! The flow network (see the module documentation of `assign`) has a source `s`
//! and a sink `t`; with the bypass they act as one node of potential 0. Needs are
//! taken in index order. When need `i` gains a place, the new arc `s → i` can close
//! an improving cycle `s → i → … → s`, and the cheapest one is the shortest path
//! from `i` back to `s`. That path ends in one of two ways:
//!
//! - at a professional with room (`p → t → s`), or
//! - at another need that gives up one of its places (the reverse of `s → j`).
//!
//! The cycle improves the total when the path's true cost is negative. One unit is
//! pushed along it, and the search repeats until the need is full, has no edge
//! left, or no path improves (then later ones would not either, as nothing changed).
//!
//! Every node `v` carries a potential `π(v)`, and every residual arc `u → v` of
//! cost `c` has a reduced cost `c + π(u) − π(v) ≥ 0`, so Dijkstra applies. With
//! `π(s) = π(t) = 0` that invariant, for the arcs that touch `s` and `t`, reads:
//!
//! - a professional with room has `π ≥ 0`; one with matched edges has `π ≤ 0`;
//! - a need with matched edges has `π ≥ 0`; a need already taken with room left has
//!   `π ≤ 0`; a need not yet taken has no arc from `s`, so no bound from it.
//!
//! At the start nothing is matched: professionals get 0 and each need its best
//! score (Bellman–Ford on this two-layer graph is that one pass). Needs not yet taken
//! have no matched edges, so no search ever reaches them.
//!
//! A search from `i` finds reduced distances `D`; the path to `s` has true cost
//! `D(s) − π(i)`, so it improves only while `D(s) < π(i)`, and the search stops at
//! that bound or at the first end it proves shortest. With `D*` the distance it
//! stopped at, every node it settled below `D*` gets `π(v) −= D* − D(v)`: this is
//! `π + min(D, D*)` shifted by a constant, still a valid potential, and it makes
//! every arc on the path (and its reverse, after the push) of reduced cost 0, so
//! the invariant holds after the push. Nodes beyond `D*` keep their potential,
//! which is what lets a search stay local.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::graph::Graph;

const NONE: u32 = u32::MAX;

const UNSEEN: u8 = 0;
const REACHED: u8 = 1;
const SETTLED: u8 = 2;

/// Finds a maximum-weight b-matching, leaving it in `graph`.
pub(super) fn solve(graph: &mut Graph) {
    let needs = graph.need_count();
    let mut potential = graph.best_scores();
    potential.resize(needs + graph.professional_count(), 0);
    let mut search = Search::new(potential.len(), needs as u32);
    for i in 0..needs as u32 {
        let tries = graph.need_capacity(i).min(graph.need_edges(i).len() as u32);
        for _ in 0..tries {
            if !search.improve_from(graph, &mut potential, i) {
                break;
            }
        }
    }
}

/// Dijkstra's working arrays, reused by every search and cleared after each.
///
/// Nodes are numbered needs first (`0..needs`), then professionals.
struct Search {
    needs: u32,
    distance: Vec<i64>,
    /// The edge a node was reached by.
    via: Vec<u32>,
    state: Vec<u8>,
    touched: Vec<u32>,
    settled: Vec<u32>,
    heap: BinaryHeap<Reverse<(i64, u32)>>,
}

impl Search {
    fn new(nodes: usize, needs: u32) -> Self {
        Self {
            needs,
            distance: vec![0; nodes],
            via: vec![NONE; nodes],
            state: vec![UNSEEN; nodes],
            touched: Vec::new(),
            settled: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }

    /// Pushes one more unit from need `start` along the cheapest improving path, if
    /// there is one; says whether it did.
    fn improve_from(&mut self, graph: &mut Graph, potential: &mut [i64], start: u32) -> bool {
        let needs = self.needs;
        // Reduced distance to `s` below which a path improves, then the best found.
        let mut bound = potential[start as usize];
        let mut end = NONE;
        self.reach(start, 0, NONE);
        while let Some(Reverse((d, u))) = self.heap.pop() {
            if d >= bound {
                break;
            }
            let ui = u as usize;
            if self.state[ui] == SETTLED || d > self.distance[ui] {
                continue;
            }
            self.state[ui] = SETTLED;
            self.settled.push(u);
            let pu = potential[ui];
            if u < needs {
                if u != start && graph.need_load(u) > 0 && d + pu < bound {
                    bound = d + pu;
                    end = u;
                }
                for e in graph.need_edges(u) {
                    if graph.is_matched(e) {
                        continue;
                    }
                    let (_, p, score) = graph.edge(e);
                    let v = needs + p;
                    let next = d - score + pu - potential[v as usize];
                    self.relax(v, next, e, bound, d);
                }
            } else {
                let p = u - needs;
                if graph.has_room(p) && d + pu < bound {
                    bound = d + pu;
                    end = u;
                }
                for &e in graph.matched_edges(p) {
                    let (j, _, score) = graph.edge(e);
                    let next = d + score + pu - potential[j as usize];
                    self.relax(j, next, e, bound, d);
                }
            }
        }
        for &u in &self.settled {
            let du = self.distance[u as usize];
            if du < bound {
                potential[u as usize] -= bound - du;
            }
        }
        let improved = end != NONE;
        if improved {
            self.push_along(graph, start, end);
        }
        self.clear();
        improved
    }

    fn reach(&mut self, v: u32, d: i64, via: u32) {
        let vi = v as usize;
        if self.state[vi] == UNSEEN {
            self.touched.push(v);
        }
        self.state[vi] = REACHED;
        self.distance[vi] = d;
        self.via[vi] = via;
        self.heap.push(Reverse((d, v)));
    }

    fn relax(&mut self, v: u32, d: i64, via: u32, bound: i64, from: i64) {
        debug_assert!(d >= from, "negative reduced cost into node {v}");
        let vi = v as usize;
        let better = match self.state[vi] {
            UNSEEN => true,
            REACHED => d < self.distance[vi],
            _ => false,
        };
        if better && d < bound {
            self.reach(v, d, via);
        }
    }

    /// Flips the edges on the path from `start` to `end` (matching the ones entering
    /// professionals, unmatching the ones entering needs).
    fn push_along(&self, graph: &mut Graph, start: u32, end: u32) {
        let mut v = end;
        while v != start {
            let e = self.via[v as usize];
            let (need, professional, _) = graph.edge(e);
            if v >= self.needs {
                graph.set_matched(e, true);
                v = need;
            } else {
                graph.set_matched(e, false);
                v = self.needs + professional;
            }
        }
    }

    fn clear(&mut self) {
        for &v in &self.touched {
            self.state[v as usize] = UNSEEN;
        }
        self.touched.clear();
        self.settled.clear();
        self.heap.clear();
    }
}
