//! The bipartite graph and its current matching, in flat arrays.
//!
//! Edges are numbered in (need, professional) order, so a need's edges are one
//! contiguous run. Each professional keeps the ids of its incoming edges in a run of
//! its own with the matched ones first, so the search walks only a professional's
//! matched edges (a popular professional may be a candidate of thousands of needs,
//! but holds at most its capacity) and matching or unmatching is one swap.

use super::{Assignment, MAX_SCORE, Problem};

/// The graph of the eligible edges and which of them are matched.
pub(super) struct Graph {
    /// Need `j`'s edges are `need_start[j]..need_start[j + 1]`.
    need_start: Vec<u32>,
    need_capacity: Vec<u32>,
    edge_need: Vec<u32>,
    edge_professional: Vec<u32>,
    edge_score: Vec<i64>,
    edge_matched: Vec<bool>,
    /// Professional `p`'s incoming edges are `professional_edges[r]` for `r` in
    /// `professional_start[p]..professional_start[p + 1]`; the first
    /// `professional_load[p]` of them are the matched ones.
    professional_start: Vec<u32>,
    professional_edges: Vec<u32>,
    professional_capacity: Vec<u32>,
    professional_load: Vec<u32>,
    /// Where each edge sits in `professional_edges`.
    edge_slot: Vec<u32>,
}

impl Graph {
    /// Keeps the edges that can help (at or above the floor, and positive), merges
    /// duplicates keeping the higher score, and lays them out. The problem must have
    /// been validated.
    pub(super) fn new(problem: &Problem) -> Self {
        let needs = problem.need_capacity.len();
        let professionals = problem.professional_capacity.len();
        let eligible = |score: i64| score >= problem.floor && score > 0;

        // Bucket by need (a counting sort), then order each need's few edges.
        let mut need_start = vec![0u32; needs + 1];
        for edge in problem.edges.iter().filter(|e| eligible(e.score)) {
            need_start[edge.need as usize + 1] += 1;
        }
        for j in 0..needs {
            need_start[j + 1] += need_start[j];
        }
        let mut fill = need_start.clone();
        let mut bucketed = vec![(0u32, 0i64); need_start[needs] as usize];
        for edge in problem.edges.iter().filter(|e| eligible(e.score)) {
            let at = &mut fill[edge.need as usize];
            bucketed[*at as usize] = (edge.professional, edge.score);
            *at += 1;
        }

        let mut edge_need = Vec::with_capacity(bucketed.len());
        let mut edge_professional = Vec::with_capacity(bucketed.len());
        let mut edge_score = Vec::with_capacity(bucketed.len());
        let mut kept = 0u32;
        for j in 0..needs {
            let run = &mut bucketed[need_start[j] as usize..need_start[j + 1] as usize];
            // Higher score first within a professional, so dedup keeps the best. One
            // u64 key sorts faster than a tuple: eligible scores are in 1..=MAX_SCORE.
            run.sort_unstable_by_key(|&(p, score)| {
                (u64::from(p) << 32) | (MAX_SCORE - score).unsigned_abs()
            });
            need_start[j] = kept;
            let mut previous = None;
            for &(professional, score) in run.iter() {
                if previous == Some(professional) {
                    continue;
                }
                previous = Some(professional);
                edge_need.push(j as u32);
                edge_professional.push(professional);
                edge_score.push(score);
                kept += 1;
            }
        }
        need_start[needs] = kept;

        let mut professional_start = vec![0u32; professionals + 1];
        for &p in &edge_professional {
            professional_start[p as usize + 1] += 1;
        }
        for p in 0..professionals {
            professional_start[p + 1] += professional_start[p];
        }
        let mut fill = professional_start.clone();
        let mut professional_edges = vec![0u32; kept as usize];
        let mut edge_slot = vec![0u32; kept as usize];
        for (e, &p) in edge_professional.iter().enumerate() {
            let at = &mut fill[p as usize];
            professional_edges[*at as usize] = e as u32;
            edge_slot[e] = *at;
            *at += 1;
        }

        Self {
            need_start,
            need_capacity: problem.need_capacity.clone(),
            edge_need,
            edge_professional,
            edge_score,
            edge_matched: vec![false; kept as usize],
            professional_start,
            professional_edges,
            professional_capacity: problem.professional_capacity.clone(),
            professional_load: vec![0; professionals],
            edge_slot,
        }
    }

    pub(super) fn need_count(&self) -> usize {
        self.need_capacity.len()
    }

    pub(super) fn professional_count(&self) -> usize {
        self.professional_capacity.len()
    }

    /// Need `j`'s edge ids, in professional order.
    pub(super) fn need_edges(&self, j: u32) -> std::ops::Range<u32> {
        self.need_start[j as usize]..self.need_start[j as usize + 1]
    }

    pub(super) fn need_capacity(&self, j: u32) -> u32 {
        self.need_capacity[j as usize]
    }

    /// The ids of the edges matched to professional `p`.
    pub(super) fn matched_edges(&self, p: u32) -> &[u32] {
        let start = self.professional_start[p as usize] as usize;
        &self.professional_edges[start..start + self.professional_load[p as usize] as usize]
    }

    pub(super) fn has_room(&self, p: u32) -> bool {
        self.professional_load[p as usize] < self.professional_capacity[p as usize]
    }

    pub(super) fn edge(&self, e: u32) -> (u32, u32, i64) {
        let e = e as usize;
        (
            self.edge_need[e],
            self.edge_professional[e],
            self.edge_score[e],
        )
    }

    pub(super) fn is_matched(&self, e: u32) -> bool {
        self.edge_matched[e as usize]
    }

    /// The highest score of each need's eligible edges (0 when it has none).
    pub(super) fn best_scores(&self) -> Vec<i64> {
        (0..self.need_count() as u32)
            .map(|j| {
                self.need_edges(j)
                    .map(|e| self.edge_score[e as usize])
                    .max()
                    .unwrap_or(0)
            })
            .collect()
    }

    pub(super) fn set_matched(&mut self, e: u32, matched: bool) {
        let (_, p, _) = self.edge(e);
        let (p, e) = (p as usize, e as usize);
        debug_assert_ne!(self.edge_matched[e], matched);
        self.edge_matched[e] = matched;
        if matched {
            self.swap_slots(e, self.professional_start[p] + self.professional_load[p]);
            self.professional_load[p] += 1;
        } else {
            self.professional_load[p] -= 1;
            self.swap_slots(e, self.professional_start[p] + self.professional_load[p]);
        }
    }

    /// Moves edge `e` to `slot` of its professional's run, and whatever was there to
    /// where `e` was.
    fn swap_slots(&mut self, e: usize, slot: u32) {
        let from = self.edge_slot[e];
        let other = self.professional_edges[slot as usize];
        self.professional_edges.swap(from as usize, slot as usize);
        self.edge_slot[other as usize] = from;
        self.edge_slot[e] = slot;
    }

    /// The matched pairs, in (need, professional) order, and their total score.
    pub(super) fn assignment(&self) -> Assignment {
        let mut pairs = Vec::new();
        let mut objective = 0;
        for (e, &matched) in self.edge_matched.iter().enumerate() {
            if matched {
                pairs.push((self.edge_need[e], self.edge_professional[e]));
                objective += self.edge_score[e];
            }
        }
        Assignment { pairs, objective }
    }
}
