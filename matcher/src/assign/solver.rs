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
//! have no matched edges, so no search ever reaches them. Potentials only fall, so a
//! professional with room keeps potential 0 throughout: reaching one ends a path at
//! once, without queueing it.
//!
//! A search from `i` finds reduced distances `D`; the path to `s` has true cost
//! `D(s) − π(i)`, so it improves only while `D(s) < π(i)`, and the search stops at
//! that bound or at the first end it proves shortest. Ends are noticed when they
//! are first reached, so the bound tightens before their neighbours are queued,
//! and anything at or past it is never queued. With `D*` the distance it
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
        self.touched.push(start);
        self.state[start as usize] = REACHED;
        self.distance[start as usize] = 0;
        self.heap.push(Reverse((0, start)));
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
                // Professionals with room first: the cheapest of them bounds the
                // search before any other professional is queued. Their potential
                // is always 0 (it starts there, only falls, and room needs ≥ 0), so
                // nothing lies beyond them more cheaply than the sink itself.
                for e in graph.need_edges(u) {
                    let (_, p, score) = graph.edge(e);
                    if !graph.is_matched(e) && graph.has_room(p) {
                        let v = needs + p;
                        debug_assert_eq!(potential[v as usize], 0);
                        let next = d - score + pu;
                        debug_assert!(next >= d, "negative reduced cost on edge {e}");
                        self.relax(v, next, e, Some(0), &mut bound, &mut end);
                    }
                }
                for e in graph.need_edges(u) {
                    let (_, p, score) = graph.edge(e);
                    if !graph.is_matched(e) && !graph.has_room(p) {
                        let v = needs + p;
                        let next = d - score + pu - potential[v as usize];
                        debug_assert!(next >= d, "negative reduced cost on edge {e}");
                        self.relax(v, next, e, None, &mut bound, &mut end);
                    }
                }
            } else {
                for &e in graph.matched_edges(u - needs) {
                    let (j, _, score) = graph.edge(e);
                    let pj = potential[j as usize];
                    // Every need but `start` reached this way holds a place it can
                    // give up; `start` is settled already, so `relax` skips it.
                    let next = d + score + pu - pj;
                    debug_assert!(next >= d, "negative reduced cost on edge {e}");
                    self.relax(j, next, e, Some(pj), &mut bound, &mut end);
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

    /// Offers `v` the reduced distance `d` through edge `via`. When `v` can end a
    /// path (a professional with room, or a need that can give up a place), `exit`
    /// is its potential, so `d + exit` is the path's reduced distance to `s`, and a
    /// shorter one becomes the new `bound` and `end`.
    fn relax(
        &mut self,
        v: u32,
        d: i64,
        via: u32,
        exit: Option<i64>,
        bound: &mut i64,
        end: &mut u32,
    ) {
        let vi = v as usize;
        let better = match self.state[vi] {
            UNSEEN => true,
            REACHED => d < self.distance[vi],
            _ => false,
        };
        let ends_here = exit.is_some_and(|pv| d + pv < *bound);
        if !better || (d >= *bound && !ends_here) {
            return;
        }
        if self.state[vi] == UNSEEN {
            self.touched.push(v);
            self.state[vi] = REACHED;
        }
        self.distance[vi] = d;
        self.via[vi] = via;
        if let (true, Some(pv)) = (ends_here, exit) {
            *bound = d + pv;
            *end = v;
        }
        if d < *bound {
            self.heap.push(Reverse((d, v)));
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
