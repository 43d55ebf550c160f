//! The pool of an unsaved need: how many listed profiles it would not exclude, how
//! many of them score as strong, and which of its constraints keep the most people out,
//! each with the change that would bring them back (MATCHING.md, "Preview of a need").
//!
//! One pass over the columns: every live, active row gets its exclusion mask; an
//! eligible row is scored exactly (the same kernels as a ranking, so a row counted
//! strong here ranks at that score), and a row kept out by exactly one constraint the
//! need could change is remembered with the value that constraint read. Rows kept out
//! by two or more constraints are not counted against any one of them: relaxing one
//! alone would not bring them back.
//!
//! Counts only: nothing here says who. The service decides how to show them.

use serde::{Deserialize, Serialize};

use crate::exclusion::Exclusion;
use crate::factors::encode::{ACTIVE, ALIVE, slot_mask};
use crate::factors::kernel::{self, TextScores};
use crate::factors::query::NeedQuery;
use crate::model::{Id, MeetingSlot, Need};
use crate::weights::Weights;

use super::ProfileIndex;
use super::scan::TextTerms;

/// Budgets are suggested in steps of this many yen a month.
pub const BUDGET_STEP: u32 = 10_000;

/// How to count.
#[derive(Debug, Clone, Copy)]
pub struct PoolRequest {
    /// Today, in the service's time zone.
    pub today: chrono::NaiveDate,
    /// The region's weights.
    pub weights: Weights,
    /// A score at or above this is strong.
    pub strong_at: f32,
}

/// A constraint of a need that keeps people out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Constraint {
    /// The budget's upper end is below their minimum fee.
    Budget,
    /// A pro bono need, and they do not work pro bono.
    ProBono,
    /// The hours asked are more than twice what they offer.
    Hours,
    /// Visits asked; they are fully remote with no visits.
    Visits,
    /// The need's meeting slots share none with theirs (eligible, but they could
    /// never meet: the availability factor falls to a sixth).
    MeetingSlots,
}

/// The change to a need that would bring people back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// Raise the budget's upper end to this (yen a month).
    BudgetMax {
        /// The new upper end.
        jpy: u32,
    },
    /// Pay, up to this a month, instead of pro bono.
    PaidUpTo {
        /// The new upper end.
        jpy: u32,
    },
    /// Ask at least this many hours a month instead.
    HoursMin {
        /// The new lower end.
        hours: u16,
    },
    /// Ask no visits (remote or hybrid work).
    NoVisits,
    /// Also meet at this time.
    AddSlot {
        /// The slot to add.
        slot: MeetingSlot,
    },
}

/// One limiting constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limit {
    /// Which.
    pub constraint: Constraint,
    /// Profiles it alone keeps out (for [`Constraint::MeetingSlots`]: eligible
    /// profiles with meeting slots, none in common).
    pub excluded: u32,
    /// The smallest change that brings back at least half of them.
    pub change: Change,
    /// How many more would be eligible after the change (for
    /// [`Constraint::MeetingSlots`]: how many would share a slot).
    pub regained: u32,
}

/// What a need's pool looks like.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pool {
    /// Live, active profiles considered.
    pub listed: u32,
    /// Of those, the ones no exclusion applies to.
    pub eligible: u32,
    /// Of those, the ones scoring at least `strong_at`.
    pub strong: u32,
    /// The constraints that keep people out, most first (ties in [`Constraint`]
    /// order); only those keeping someone out and with a change that brings someone
    /// back.
    pub limits: Vec<Limit>,
}

impl ProfileIndex {
    /// Counts `need`'s pool among the live, active profiles that `keep` keeps (see
    /// the [module documentation](self)).
    pub fn pool(&self, need: &Need, request: &PoolRequest, keep: impl Fn(Id) -> bool) -> Pool {
        let q = NeedQuery::new(
            need,
            &request.weights,
            request.today,
            self.vocab(),
            Some(self.corpus()),
        );
        let text = TextTerms::new(&q, self.max_doc_len);
        let mut scratch = Vec::new();
        let mut pool = Pool::default();
        // The values each constraint read, for the rows it alone keeps out.
        let mut budget_only: Vec<u32> = Vec::new();
        let mut pro_bono_only: Vec<u32> = Vec::new();
        let mut hours_only: Vec<u16> = Vec::new();
        let mut visits_only = 0u32;
        // Eligible rows' fees (what paying instead of pro bono would judge again) and
        // slots (with none in common).
        let mut eligible_fees: Vec<u32> = Vec::new();
        let mut apart_slots: Vec<u8> = Vec::new();
        let single = |bit: Exclusion, mask: u8| mask == bit.bit();
        for r in 0..self.rows() {
            let flags = self.flags[r];
            if flags & ALIVE == 0 || flags & ACTIVE == 0 || !keep(self.ids[r]) {
                continue;
            }
            pool.listed += 1;
            let row = self.row_ref(r);
            let mask = kernel::exclusion_mask(&q, &row);
            if mask == 0 {
                pool.eligible += 1;
                let raw = self.text_sum(&text, r as u32, &mut scratch);
                let scores = TextScores::from_raw(&q, raw, 0.0);
                let factors = kernel::factor_scores(&q, &row, scores);
                if kernel::weighted_total(&q.weights, &factors) >= request.strong_at {
                    pool.strong += 1;
                }
                if need.pro_bono {
                    eligible_fees.push(row.s.min_compensation);
                }
                let offered = row.s.slots();
                if q.slots != 0 && offered != 0 && offered & q.slots == 0 {
                    apart_slots.push(offered);
                }
            } else if single(Exclusion::CompensationAboveBudget, mask) {
                budget_only.push(row.s.min_compensation);
            } else if single(Exclusion::ProBonoNotAccepted, mask) {
                pro_bono_only.push(row.s.min_compensation);
            } else if single(Exclusion::HoursBelowHalf, mask) {
                hours_only.push(row.s.hours);
            } else if single(Exclusion::VisitsRuledOut, mask) {
                visits_only += 1;
            }
        }
        let mut limits = Vec::new();
        if let Some(limit) = budget_limit(&mut budget_only) {
            limits.push(limit);
        }
        if let Some(limit) = pro_bono_limit(&mut pro_bono_only, &eligible_fees) {
            limits.push(limit);
        }
        if let Some(limit) = hours_limit(&mut hours_only) {
            limits.push(limit);
        }
        if visits_only > 0 {
            limits.push(Limit {
                constraint: Constraint::Visits,
                excluded: visits_only,
                change: Change::NoVisits,
                regained: visits_only,
            });
        }
        if let Some(limit) = slots_limit(need, &apart_slots) {
            limits.push(limit);
        }
        limits.sort_by(|a, b| {
            b.excluded
                .cmp(&a.excluded)
                .then(a.constraint.cmp(&b.constraint))
        });
        pool.limits = limits;
        pool
    }
}

/// The value at which half of `values` (rounded up) are at or below it.
fn median_up<T: Copy + Ord>(values: &mut [T]) -> Option<T> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    Some(values[values.len().div_ceil(2) - 1])
}

/// `jpy` rounded up to a whole [`BUDGET_STEP`].
fn budget_step(jpy: u32) -> u32 {
    jpy.div_ceil(BUDGET_STEP).saturating_mul(BUDGET_STEP)
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn budget_limit(fees: &mut [u32]) -> Option<Limit> {
    let jpy = budget_step(median_up(fees)?);
    Some(Limit {
        constraint: Constraint::Budget,
        excluded: count(fees.len()),
        change: Change::BudgetMax { jpy },
        regained: count(fees.iter().filter(|&&fee| fee <= jpy).count()),
    })
}

/// Paying up to `jpy` brings back those not working pro bono whose fee it covers, and
/// loses those now eligible whose fee it does not: the net gain is what is reported.
fn pro_bono_limit(fees: &mut [u32], eligible_fees: &[u32]) -> Option<Limit> {
    let jpy = budget_step(median_up(fees)?).max(BUDGET_STEP);
    let back = fees.iter().filter(|&&fee| fee <= jpy).count();
    let lost = eligible_fees.iter().filter(|&&fee| fee > jpy).count();
    let regained = back.checked_sub(lost).filter(|&gain| gain > 0)?;
    Some(Limit {
        constraint: Constraint::ProBono,
        excluded: count(fees.len()),
        change: Change::PaidUpTo { jpy },
        regained: count(regained),
    })
}

/// Asking `2 × h` hours brings back everyone offering `h` or more.
fn hours_limit(hours: &mut [u16]) -> Option<Limit> {
    if hours.is_empty() {
        return None;
    }
    hours.sort_unstable_by(|a, b| b.cmp(a));
    let offered = hours[hours.len().div_ceil(2) - 1];
    let asked = offered.saturating_mul(2);
    Some(Limit {
        constraint: Constraint::Hours,
        excluded: count(hours.len()),
        change: Change::HoursMin { hours: asked },
        regained: count(
            hours
                .iter()
                .filter(|&&h| u32::from(h) * 2 >= u32::from(asked))
                .count(),
        ),
    })
}

/// The slot most of those who share none would meet at.
fn slots_limit(need: &Need, apart: &[u8]) -> Option<Limit> {
    if apart.is_empty() {
        return None;
    }
    let asked = slot_mask(&need.meeting_slots);
    let (slot, regained) = MeetingSlot::ALL
        .iter()
        .filter(|slot| asked & slot_mask(std::slice::from_ref(slot)) == 0)
        .map(|&slot| {
            let bit = slot_mask(std::slice::from_ref(&slot));
            (
                slot,
                apart.iter().filter(|&&offered| offered & bit != 0).count(),
            )
        })
        // The first of the best, in slot order.
        .fold(
            None,
            |best: Option<(MeetingSlot, usize)>, (slot, n)| match best {
                Some((_, m)) if m >= n => best,
                _ => Some((slot, n)),
            },
        )?;
    (regained > 0).then(|| Limit {
        constraint: Constraint::MeetingSlots,
        excluded: count(apart.len()),
        change: Change::AddSlot { slot },
        regained: count(regained),
    })
}
