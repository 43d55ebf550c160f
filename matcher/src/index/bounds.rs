//! The first stage of a scan: an upper bound of every need's score of a row, from a
//! few table lookups, for up to `L` needs at once.
//!
//! Each need is turned into small tables keyed by what a row holds — its flag bits,
//! hours, fee, visits, theme bytes, skill codes, place codes and roles — whose
//! entries are that part's largest possible weighted contribution, in fixed point
//! ([`UNITS`] to a total of 1, rounded up). A row's bound is the sum of
//! its entries: every factor but the text similarity is bounded closely (skills by
//! the sum over the row's skills, places by the sum over its places, the start date
//! and distance at their best), and the text similarity at its maximum. Entries
//! that imply a hard exclusion are a large negative number, so an excluded row
//! cannot reach any floor.
//!
//! The tables hold one `[i16; L]` per key — a need per lane — so the sum for all
//! lanes is a handful of vector additions, written as plain loops over arrays that
//! the compiler turns into SSE2 instructions; `L = 1` is the scalar case. A row
//! whose bound reaches a lane's floor goes on to exact scoring for that lane.
//!
//! The sums never need saturating arithmetic: an eligible row's parts add up to at
//! most [`UNITS`] (the weights sum to 1, and the skill and place sums are capped),
//! and a lane marks a row excluded in at most three tables (pay or pro bono, hours,
//! visits), each by [`EXCLUDED`], so the sum stays within `i16` and is negative
//! exactly when some exclusion applies.

use crate::factors::encode::{
    ACTIVE, ALIVE, PRO_BONO_OK, PlaceCode, PlaceKind, SLOTS_SHIFT, STYLE_SHIFT, WORK_STYLE_SHIFT,
};
use crate::factors::kernel::{self, PAST_CAP, PAST_IN_CITY, TextScores, WIDER_REGION};
use crate::factors::query::NeedQuery;
use crate::model::{Style, WorkStyle};

use super::{OVERFLOW, ProfileIndex, SKILL_COUNT_SHIFT};

/// Fixed-point units of a weighted sum of 1 (a score of 100): 0.0125 points each.
pub(super) const UNITS: f32 = 8_000.0;
/// The entry of a part that excludes the row: below 0 even after every positive
/// part (at most `UNITS` and a unit of rounding per part) is added, and three of
/// them still within `i16`.
const EXCLUDED: i16 = -8_200;
/// Skill codes (`skill id << 3 | level`) a table covers; the taxonomy needs fewer.
pub(super) const SKILL_CODES: usize = 2048;
/// Hours are keyed exactly below this, and as "this or more" at it.
const HOURS_CAP: u16 = 63;
/// Fees are keyed in steps of this many yen…
const PAY_STEP: u32 = 10_000;
/// …up to this key, which means "this step or more".
const PAY_KEYS: usize = 256;
/// Visits are keyed exactly below this, and as "this or more" at it.
const VISITS_CAP: u8 = 15;
/// Up to this many distinct roles among the lanes are looked up directly.
const DIRECT_ROLES: usize = 2;
/// Rows bounded at a time, at most (the scan's block).
pub(super) const BLOCK: usize = 512;

/// What a scan asks of the first stage.
#[derive(Debug, Clone, Copy)]
pub(super) struct Stage {
    /// Whether excluded rows are to be ranked too (then nothing is marked
    /// excluded, and only removed rows are skipped).
    pub include_excluded: bool,
}

/// Per-need tables for up to `L` needs (see the [module documentation](self)).
pub(super) struct Bounds<const L: usize> {
    stage: Stage,
    /// Bit `n` set for each lane `n` in use.
    all: u32,
    /// By `(flags >> 2) & 0xFF`: pro bono, style, work style and slot bits. Holds
    /// everything that does not depend on another column, the text maximum
    /// included.
    flags: Box<[[i16; L]; 256]>,
    /// By `slots << 6 | min(hours, 63)`: availability.
    hours: Box<[[i16; L]; 512]>,
    /// By `min(fee / 10 000, 255)`: compensation.
    pay: Box<[[i16; L]; PAY_KEYS]>,
    /// By `remote << 4 | min(visits, 15)`: the visits part of work style.
    visits: Box<[[i16; L]; 32]>,
    /// By `byte << 8 | value` of the theme mask: the shared-theme part of
    /// motivation.
    themes: Box<[[i16; L]; 1024]>,
    /// Theme-mask bytes any lane's need has a theme in.
    theme_bytes: Vec<u32>,
    /// By skill code: what the skill can add to `skill_fit`, summed over a row's
    /// skills and capped at `skill_cap`.
    skills: Box<[[i16; L]; SKILL_CODES]>,
    skill_cap: [i16; L],
    /// By skill code and requirement (`code × most + requirement`, so that a
    /// skill's entries for every requirement lie together): what the skill earns
    /// for it. A row that passes with the sum above is bounded again with the best
    /// of its skills for each requirement, as `skill_fit` takes it.
    requirements: Box<[[i16; L]]>,
    /// The most requirements any lane's need has.
    most: usize,
    /// Each lane's start-by day (`apply_by`, or today), and what a start that late
    /// costs a day at most.
    start_by: [i32; L],
    late_cost: [f32; L],
    /// By the low ten bits of a place code (kind and prefecture): what the place can
    /// add to regional affinity, summed over a row's places and capped at
    /// `place_cap`.
    places: Box<[[i16; L]; 1024]>,
    place_cap: [i16; L],
    /// The role part of experience, by `role << 4 | years held`. With a few roles
    /// among the lanes, each is looked up directly (`role_shifts`); with more, the
    /// row's roles are walked instead.
    roles: Box<[[i16; L]; 256]>,
    /// The roles' shifts in the role-years column, when there are at most
    /// [`DIRECT_ROLES`] of them.
    role_shifts: Option<Vec<u32>>,
    /// The industry each lane's need names (0 for none), and what knowing it adds.
    industry: [u16; L],
    industry_weight: [i16; L],
}

/// `x` in units, rounded up and saturated. (Not `f32::ceil`, which baseline
/// x86-64 has no instruction for: tables are filled for every ranking.)
fn units(x: f32) -> i16 {
    let scaled = x * UNITS;
    if scaled >= f32::from(i16::MAX) {
        i16::MAX
    } else if scaled <= f32::from(i16::MIN) || scaled.is_nan() {
        i16::MIN
    } else {
        // Truncation rounds toward zero: up already below zero, one short above.
        let truncated = scaled as i16;
        truncated + i16::from(f32::from(truncated) < scaled)
    }
}

/// A floor on a need's score (points) as a floor on bounds in units: a little lower,
/// so float rounding in either sum can never drop a row that could get in.
pub(super) fn floor_units(points: f32) -> i16 {
    if points == f32::NEG_INFINITY || points.is_nan() {
        return i16::MIN;
    }
    // Two units (0.025 points) below, truncated toward zero: at least one below.
    let scaled = points / 100.0 * UNITS - 2.0;
    if scaled >= f32::from(i16::MAX) {
        i16::MAX
    } else if scaled <= f32::from(i16::MIN) {
        i16::MIN
    } else {
        (scaled as i16).saturating_sub(1)
    }
}

/// The shares of motivation that the shared themes and the text similarity take:
/// ½ each, either alone, or a neutral ½ (counted with the text's) with neither.
fn motivation_shares(q: &NeedQuery<'_>) -> (f32, f32) {
    match (q.themes != 0, q.text.has_text()) {
        (true, true) => (0.5, 0.5),
        (true, false) => (1.0, 0.0),
        (false, true) => (0.0, 1.0),
        (false, false) => (0.0, 0.5),
    }
}

/// What a row's text, once read, takes off its bound, in units: the bounds count
/// the text at its best, `text` is what it is. Rounded down (and one unit more), so
/// that the bound stays an upper bound.
pub(super) fn text_shortfall(q: &NeedQuery<'_>, text: TextScores) -> i16 {
    let Some(part) = kernel::text_part(q, text) else {
        return 0;
    };
    let (_, text_share) = motivation_shares(q);
    let shortfall = q.weights[1] * text_share * (1.0 - part) * UNITS;
    // Truncation is rounding down here: the shortfall is not negative.
    ((shortfall as i16) - 1).max(0)
}

#[inline(always)]
fn add<const L: usize>(acc: &mut [i16; L], entry: &[i16; L]) {
    // Never wraps (see the module documentation).
    for (acc, &entry) in acc.iter_mut().zip(entry) {
        *acc = acc.wrapping_add(entry);
    }
}

#[inline(always)]
fn cap<const L: usize>(acc: &mut [i16; L], ceiling: &[i16; L]) {
    for (acc, &ceiling) in acc.iter_mut().zip(ceiling) {
        *acc = (*acc).min(ceiling);
    }
}

/// The role-years key (`role << 4 | years`) of the lowest role `years` holds,
/// taken out of it: key 0 (no role, no years) once none is left.
#[inline(always)]
fn take_role(years: &mut u64) -> usize {
    let role = years.trailing_zeros() / 4;
    let key = u64::from(role) << 4 | years.wrapping_shr(4 * role) & 15;
    *years &= !15u64.wrapping_shl(4 * role);
    (key & 255) as usize
}

/// Bit `n` set for each lane whose bound reaches its floor.
#[inline(always)]
fn reaches<const L: usize>(acc: &[i16; L], floor: &[i16; L]) -> u32 {
    let mut lanes = 0u32;
    for (n, (&acc, &floor)) in acc.iter().zip(floor).enumerate() {
        lanes |= u32::from(acc >= floor) << n;
    }
    lanes
}

/// A zeroed table, allocated as such (not built on the stack and copied: the
/// tables of sixteen lanes are tens of kilobytes each).
fn boxed<const L: usize, const N: usize>() -> Box<[[i16; L]; N]> {
    match vec![[0; L]; N].into_boxed_slice().try_into() {
        Ok(table) => table,
        Err(_) => unreachable!("a table of N entries has N entries"),
    }
}

impl<const L: usize> Bounds<L> {
    /// The tables of `queries` (at most `L`; extra lanes never pass).
    pub(super) fn new(queries: &[&NeedQuery<'_>], stage: Stage) -> Self {
        let mut bounds = Self {
            stage,
            all: match queries.len().min(L) {
                32.. => u32::MAX,
                lanes => (1u32 << lanes) - 1,
            },
            flags: boxed(),
            hours: boxed(),
            pay: boxed(),
            visits: boxed(),
            themes: boxed(),
            theme_bytes: Vec::new(),
            skills: boxed(),
            skill_cap: [0; L],
            requirements: Box::default(),
            most: 0,
            start_by: [i32::MAX; L],
            late_cost: [0.0; L],
            places: boxed(),
            place_cap: [0; L],
            roles: boxed(),
            role_shifts: None,
            industry: [0; L],
            industry_weight: [0; L],
        };
        let most = queries
            .iter()
            .map(|q| q.requirements.len())
            .max()
            .unwrap_or(0);
        let mut shifts: Vec<u32> = queries.iter().take(L).map(|q| q.role_shift).collect();
        shifts.sort_unstable();
        shifts.dedup();
        bounds.role_shifts = (shifts.len() <= DIRECT_ROLES).then_some(shifts);
        bounds.requirements = vec![[0; L]; SKILL_CODES * most].into_boxed_slice();
        bounds.most = most;
        let mut themes = 0u32;
        for (lane, q) in queries.iter().take(L).enumerate() {
            bounds.fill(lane, q);
            themes |= q.themes;
        }
        bounds.theme_bytes = (0..4).filter(|b| themes >> (8 * b) & 0xFF != 0).collect();
        bounds
    }

    fn fill(&mut self, lane: usize, q: &NeedQuery<'_>) {
        let w = q.weights;
        let exclude = |excluded: bool| excluded && !self.stage.include_excluded;
        let has_industry = q.industry != 0;
        let (role_share, style_share) = if has_industry {
            (0.5, 0.25)
        } else {
            (2.0 / 3.0, 1.0 / 3.0)
        };
        let (theme_share, text_share) = motivation_shares(q);

        for (key, entry) in self.flags.iter_mut().enumerate() {
            let flags = (key as u32) << 2;
            let style = match (flags >> STYLE_SHIFT) & 3 {
                0 => Style::HandsOn,
                1 => Style::Advisory,
                _ => Style::Either,
            };
            let work_style = match (flags >> WORK_STYLE_SHIFT) & 3 {
                0 => WorkStyle::Remote,
                1 => WorkStyle::Hybrid,
                _ => WorkStyle::Onsite,
            };
            let pro_bono_ok = flags & PRO_BONO_OK != 0;
            let work = kernel::work_style_component(q.work_style, work_style);
            let mut value = w[2] * style_share * kernel::style_component(q.style, style)
                + w[5] * if q.visits == 0 { work } else { 0.5 * work }
                + w[1] * text_share;
            if q.requirements.is_empty() {
                value += w[0];
            }
            if q.need.pro_bono {
                value += w[6] * if pro_bono_ok { 1.0 } else { 0.0 };
            }
            entry[lane] = if exclude(q.need.pro_bono && !pro_bono_ok) {
                EXCLUDED
            } else {
                units(value)
            };
        }

        for (key, entry) in self.hours.iter_mut().enumerate() {
            let offered = (key >> 6) as u8;
            let hours = (key & 63) as u16;
            let slot_fit = if q.slots == 0 {
                1.0
            } else if offered == 0 {
                0.5
            } else if q.slots & offered == 0 {
                0.15
            } else {
                0.75 + 0.25 * (q.slots & offered).count_ones() as f32 / q.slots.count_ones() as f32
            };
            let minimum = q.need.hours_min;
            let hours_fit = if minimum == 0 || hours >= minimum || hours == HOURS_CAP {
                1.0
            } else {
                f32::from(hours) / f32::from(minimum)
            };
            let excluded = hours < HOURS_CAP && u32::from(hours) * 2 < u32::from(minimum);
            entry[lane] = if exclude(excluded) {
                EXCLUDED
            } else {
                units(w[3] * (0.7 * hours_fit + 0.3) * slot_fit)
            };
        }

        for (key, entry) in self.pay.iter_mut().enumerate() {
            let lowest = key as u32 * PAY_STEP;
            entry[lane] = if q.need.pro_bono {
                0
            } else if exclude(lowest > q.budget_max) {
                EXCLUDED
            } else {
                let fit = if lowest <= q.budget_min {
                    1.0
                } else if lowest <= q.budget_max {
                    let span = (q.budget_max - q.budget_min) as f32;
                    1.0 - 0.5 * (lowest - q.budget_min) as f32 / span
                } else {
                    0.0
                };
                units(w[6] * fit)
            };
        }

        for (key, entry) in self.visits.iter_mut().enumerate() {
            let offered = (key & 15) as u8;
            let remote = key >> 4 == 1;
            let visit_fit = if q.visits == 0 || offered >= VISITS_CAP {
                1.0
            } else {
                (f32::from(offered) / f32::from(q.visits)).min(1.0)
            };
            let value = if q.visits == 0 {
                0.0
            } else {
                // Distance at its best.
                w[5] * 0.5 * visit_fit
            };
            entry[lane] = if exclude(q.visits_asked && remote && offered == 0) {
                EXCLUDED
            } else {
                units(value)
            };
        }

        let per_theme = w[1] * theme_share * q.theme_scale;
        for (key, entry) in self.themes.iter_mut().enumerate() {
            let byte = (key >> 8) as u32;
            let bits = (key & 0xFF) as u32;
            let shared = (bits & (q.themes >> (8 * byte))).count_ones();
            entry[lane] = units(per_theme * shared as f32);
        }

        let codes = q.codes.min(SKILL_CODES);
        for (code, entry) in self.skills.iter_mut().enumerate().take(codes) {
            let mut credit = 0.0f32;
            for (r, requirement) in q.requirements.iter().enumerate() {
                credit += requirement.weight * q.skill_credits(r).get(code).copied().unwrap_or(0.0);
            }
            entry[lane] = units(w[0] * credit * q.requirement_scale);
        }
        let most = self.most;
        for (r, requirement) in q.requirements.iter().enumerate().take(most) {
            let credits = q.skill_credits(r).iter().take(SKILL_CODES);
            let entries = self.requirements.iter_mut().skip(r).step_by(most);
            for (entry, &credit) in entries.zip(credits) {
                entry[lane] = units(w[0] * requirement.weight * credit * q.requirement_scale);
            }
        }
        self.skill_cap[lane] = if q.requirements.is_empty() {
            0
        } else {
            units(w[0])
        };

        for (key, entry) in self.places.iter_mut().enumerate() {
            let place = PlaceCode(key as u32);
            let prefecture = place.prefecture();
            let known = prefecture != 0 && q.prefecture != 0;
            let value = match place.kind() {
                _ if !known => 0.0,
                Some(PlaceKind::Past) if prefecture == q.prefecture => PAST_IN_CITY.min(PAST_CAP),
                Some(PlaceKind::Past) | None => 0.0,
                // The city taken as matching.
                Some(kind) if prefecture == q.prefecture => kernel::kind_strength(kind),
                Some(_) if q.wider & (1 << prefecture) != 0 => WIDER_REGION,
                Some(_) => 0.0,
            };
            entry[lane] = units(w[4] * value);
        }
        self.place_cap[lane] = units(w[4]);

        let role = (q.role_shift / 4) as usize;
        for (years, entry) in self.roles.iter_mut().skip(role << 4).take(16).enumerate() {
            entry[lane] = if years == 0 {
                0
            } else {
                units(w[2] * role_share * (0.4 + 0.2 * years as f32).min(1.0))
            };
        }
        self.start_by[lane] = q.start_by;
        // Availability is `(0.7 × hours + 0.3 × start) × slots`, slots at least the
        // lowest fit the need allows: each day late costs at least this.
        let slot_floor = if q.slots == 0 { 1.0 } else { 0.15 };
        self.late_cost[lane] = w[3] * 0.3 * slot_floor / 90.0;
        self.industry[lane] = q.industry;
        self.industry_weight[lane] = if has_industry { units(w[2] * 0.25) } else { 0 };
    }

    /// Appends a [`Pair`] for each row of `start..end` and lane whose bound reaches
    /// the lane's floor. Removed rows are skipped; so are rows excluded for every
    /// need, unless excluded rows are ranked too.
    pub(super) fn scan(
        &self,
        index: &ProfileIndex,
        start: usize,
        end: usize,
        floor: &[i16; L],
        out: &mut Vec<Pair>,
    ) {
        let include_excluded = self.stage.include_excluded;
        let live = if include_excluded {
            ALIVE
        } else {
            ALIVE | ACTIVE
        };
        let n = end - start;
        let flags = &index.flags[start..end];
        let caps = &index.caps[start..end];
        // The block's live rows first, without a branch (which rows are removed,
        // inactive or fully engaged is data, not a pattern a predictor can learn).
        let mut rows = [0u16; BLOCK];
        let mut count = 0;
        for i in 0..n.min(BLOCK) {
            let [_, max_engagements, engagements, _] = caps[i];
            let engaged = !include_excluded && engagements >= max_engagements;
            rows[count] = i as u16;
            count += usize::from(flags[i] & live == live && !engaged);
        }
        let hours = &index.hours[start..end];
        let pay = &index.min_compensation[start..end];
        let themes = &index.themes[start..end];
        let roles = &index.role_years[start..end];
        let skills = &index.skills[start..end];
        let industries = &index.industries[start..end];
        let places = &index.places[start..end];
        let starts = &index.available_from[start..end];
        for &i in &rows[..count] {
            let i = usize::from(i);
            if i >= n {
                break;
            }
            let r = (start + i) as u32;
            if flags[i] & OVERFLOW != 0 {
                self.spilled(index, r, floor, out);
            } else {
                let row = Row {
                    flags: flags[i],
                    hours: hours[i],
                    pay: pay[i],
                    visits: caps[i][0],
                    themes: themes[i],
                    roles: roles[i],
                    start: starts[i],
                    skills: &skills[i],
                    skill_count: ((flags[i] >> SKILL_COUNT_SHIFT) & 7) as usize,
                    industries: &industries[i],
                    places: &places[i],
                };
                self.pairs_of(&row, r, floor, out);
            }
        }
    }

    /// Appends row `r`'s pairs: one for each lane whose floor its bound reaches.
    #[inline(always)]
    fn pairs_of(&self, row: &Row<'_>, r: u32, floor: &[i16; L], out: &mut Vec<Pair>) {
        let (bound, skill) = self.bound(row);
        // Whether any lane reaches its floor, as one reduction.
        let mut best = i16::MIN;
        for (&bound, &floor) in bound.iter().zip(floor) {
            best = best.max(bound.saturating_sub(floor));
        }
        if best >= 0 {
            self.second_look(row, r, bound, skill, floor, out);
        }
    }

    /// [`pairs_of`](Self::pairs_of) a row whose lists spill out of the inline slots
    /// (rare: a seventh skill, a fifth place).
    #[cold]
    #[inline(never)]
    fn spilled(&self, index: &ProfileIndex, r: u32, floor: &[i16; L], out: &mut Vec<Pair>) {
        let view = index.row_ref(r as usize);
        let s = &view.s;
        let row = Row {
            flags: s.flags,
            hours: s.hours,
            pay: s.min_compensation,
            visits: s.max_visits,
            themes: s.themes,
            roles: s.role_years,
            start: s.available_from,
            skills: view.skills,
            skill_count: view.skills.len(),
            industries: view.industries,
            places: view.places,
        };
        self.pairs_of(&row, r, floor, out);
    }

    /// The first bound of a row for every lane, and its skills' part.
    #[inline(always)]
    fn bound(&self, row: &Row<'_>) -> ([i16; L], [i16; L]) {
        let flags = row.flags;
        let mut acc = self.flags[((flags >> 2) & 0xFF) as usize];
        let slots = ((flags >> SLOTS_SHIFT) & 7) as usize;
        add(
            &mut acc,
            &self.hours[slots << 6 | usize::from(row.hours.min(HOURS_CAP))],
        );
        add(
            &mut acc,
            &self.pay[((row.pay / PAY_STEP) as usize).min(PAY_KEYS - 1)],
        );
        let remote = usize::from((flags >> WORK_STYLE_SHIFT) & 3 == 0);
        add(
            &mut acc,
            &self.visits[remote << 4 | usize::from(row.visits.min(VISITS_CAP))],
        );
        for &byte in &self.theme_bytes {
            let value = (row.themes >> (8 * byte)) & 0xFF;
            add(
                &mut acc,
                &self.themes[((byte << 8 | value) & 1023) as usize],
            );
        }

        let mut skill = [0i16; L];
        for &code in row.skills {
            add(
                &mut skill,
                &self.skills[usize::from(code) & (SKILL_CODES - 1)],
            );
        }
        cap(&mut skill, &self.skill_cap);
        add(&mut acc, &skill);

        let mut place = [0i16; L];
        for &code in row.places {
            add(&mut place, &self.places[(code & 1023) as usize]);
        }
        cap(&mut place, &self.place_cap);
        add(&mut acc, &place);

        match &self.role_shifts {
            Some(shifts) => {
                for &shift in shifts {
                    let key = (shift << 2) as u64 | (row.roles >> shift) & 15;
                    add(&mut acc, &self.roles[(key & 255) as usize]);
                }
            }
            None => {
                // A row holds a role or two as a rule: two lookups whatever it holds
                // (no role left finds key 0, an entry of nothing), so that how many
                // it holds is not a branch to mispredict; a third role and more are
                // walked.
                let mut years = row.roles;
                add(&mut acc, &self.roles[take_role(&mut years)]);
                add(&mut acc, &self.roles[take_role(&mut years)]);
                while years != 0 {
                    add(&mut acc, &self.roles[take_role(&mut years)]);
                }
            }
        }

        let mut matches = [0i16; L];
        for &held in row.industries {
            for (matches, &industry) in matches.iter_mut().zip(&self.industry) {
                *matches |= i16::from(held == industry);
            }
        }
        for (matches, &weight) in matches.iter_mut().zip(&self.industry_weight) {
            *matches = weight & -*matches;
        }
        add(&mut acc, &matches);
        (acc, skill)
    }

    /// A closer bound for a row that passed the first: skills as `skill_fit` takes
    /// them (the best of the row's skills for each requirement) and a late start.
    /// Appends a pair for each lane that still passes.
    #[inline(never)]
    fn second_look(
        &self,
        row: &Row<'_>,
        r: u32,
        mut bound: [i16; L],
        skill_sum: [i16; L],
        floor: &[i16; L],
        out: &mut Vec<Pair>,
    ) {
        let most = self.most;
        if most > 0 {
            let mut skill = [0i16; L];
            // Only the row's own skills: the few rows that get here can afford a
            // loop as long as they hold, and most hold fewer than the slots.
            let skills = row.skills.get(..row.skill_count).unwrap_or(row.skills);
            for r in 0..most {
                let mut best = [0i16; L];
                for &code in skills {
                    let at = (usize::from(code) & (SKILL_CODES - 1)) * most + r;
                    if let Some(credits) = self.requirements.get(at) {
                        for (best, &credit) in best.iter_mut().zip(credits) {
                            *best = (*best).max(credit);
                        }
                    }
                }
                add(&mut skill, &best);
            }
            cap(&mut skill, &self.skill_cap);
            for ((bound, &sum), &skill) in bound.iter_mut().zip(&skill_sum).zip(&skill) {
                *bound = bound.wrapping_sub(sum).wrapping_add(skill);
            }
        }
        let day = row.start;
        if day != 0 {
            for ((bound, &by), &cost) in bound.iter_mut().zip(&self.start_by).zip(&self.late_cost) {
                let late = (i32::from(day) - by).clamp(0, 90) as f32;
                // Truncated (down, as it is not negative): the bound stays an upper
                // bound.
                *bound = bound.wrapping_sub((late * cost * UNITS) as i16);
            }
        }
        let mut lanes = reaches(&bound, floor) & self.all;
        while lanes != 0 {
            let lane = lanes.trailing_zeros() as usize;
            lanes &= lanes - 1;
            out.push(Pair::new(bound[lane], lane, r));
        }
    }
}

/// A row that passed a lane's bound, waiting to be scored: ordered best bound first
/// (then by lane and row), so that a sort of plain integers puts the pairs most
/// likely to get in first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Pair(u64);

impl Pair {
    fn new(bound: i16, lane: usize, row: u32) -> Self {
        // The bound's complement, biased to unsigned, so that a higher bound sorts
        // first; the lane (below 32) in the bits between.
        let key = u64::from(!(bound as u16 ^ 0x8000));
        Self(key << 48 | ((lane as u64) & 31) << 32 | u64::from(row))
    }

    /// The row's bound for the lane, in units.
    pub(super) fn bound(self) -> i16 {
        (!(self.0 >> 48) as u16 ^ 0x8000) as i16
    }

    pub(super) fn lane(self) -> usize {
        (self.0 >> 32 & 31) as usize
    }

    pub(super) fn row(self) -> u32 {
        self.0 as u32
    }
}

/// Puts `pairs` best bound first, pairs of one bound in the order they came: two
/// counting passes over the bound's two bytes, `spare` their scratch space. (The
/// order of a flush only decides how soon the floors rise, never what is ranked.)
pub(super) fn sort_by_bound(pairs: &mut Vec<Pair>, spare: &mut Vec<Pair>) {
    for shift in [48, 56] {
        let byte = |pair: &Pair| (pair.0 >> shift) as u8;
        let mut counts = [0usize; 256];
        for pair in pairs.iter() {
            counts[usize::from(byte(pair))] += 1;
        }
        if counts.contains(&pairs.len()) {
            // One value of this byte: the pass would change nothing.
            continue;
        }
        let mut at = [0usize; 256];
        let mut next = 0;
        for (at, &count) in at.iter_mut().zip(&counts) {
            *at = next;
            next += count;
        }
        spare.clear();
        spare.resize(pairs.len(), Pair(0));
        for &pair in pairs.iter() {
            let at = &mut at[usize::from(byte(&pair))];
            if let Some(slot) = spare.get_mut(*at) {
                *slot = pair;
            }
            *at += 1;
        }
        std::mem::swap(pairs, spare);
    }
}

/// The columns of a row the bounds read. Empty inline slots hold 0, which every
/// table maps to nothing.
struct Row<'a> {
    flags: u32,
    hours: u16,
    pay: u32,
    visits: u8,
    themes: u32,
    roles: u64,
    start: u16,
    skills: &'a [u16],
    /// How many of `skills` are the row's (the rest are empty slots).
    skill_count: usize,
    industries: &'a [u16],
    places: &'a [u32],
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Role;
    use crate::taxonomy;

    #[test]
    fn the_taxonomy_fits_the_tables() {
        assert!(taxonomy::skill_count() * 8 <= SKILL_CODES);
        assert!(taxonomy::themes().len() <= 32);
        assert!(Role::ALL.len() <= 16);
    }

    #[test]
    fn pairs_sort_best_bound_first_and_keep_their_parts() {
        let mut pairs = [
            Pair::new(-5, 3, 7),
            Pair::new(120, 0, 9),
            Pair::new(i16::MIN, 31, u32::MAX),
            Pair::new(120, 0, 2),
            Pair::new(i16::MAX, 1, 0),
            Pair::new(0, 2, 5),
        ];
        pairs.sort_unstable();
        let parts: Vec<(i16, usize, u32)> = pairs
            .iter()
            .map(|pair| (pair.bound(), pair.lane(), pair.row()))
            .collect();
        assert_eq!(
            parts,
            vec![
                (i16::MAX, 1, 0),
                (120, 0, 2),
                (120, 0, 9),
                (0, 2, 5),
                (-5, 3, 7),
                (i16::MIN, 31, u32::MAX),
            ]
        );
    }

    #[test]
    fn pairs_sorted_by_bound_keep_the_order_of_equal_bounds() {
        // A small linear congruential generator: bounds across the whole range
        // (both bytes vary) with many repeats.
        let mut state = 12_345u64;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 33) as u32
        };
        let mut pairs: Vec<Pair> = (0..5_000u32)
            .map(|row| {
                let bound = ((next() % 600) as i32 * 97 - 29_000) as i16;
                Pair::new(bound, (next() % 16) as usize, row)
            })
            .collect();
        let mut expected = pairs.clone();
        expected.sort_by_key(|pair| std::cmp::Reverse(pair.bound()));
        let mut spare = Vec::new();
        sort_by_bound(&mut pairs, &mut spare);
        assert_eq!(pairs, expected);

        let mut one = vec![Pair::new(7, 1, 3), Pair::new(7, 0, 1)];
        sort_by_bound(&mut one, &mut spare);
        assert_eq!(one, vec![Pair::new(7, 1, 3), Pair::new(7, 0, 1)]);
    }

    #[test]
    fn units_round_up_and_floors_round_down() {
        assert_eq!(units(0.0), 0);
        assert_eq!(units(1.0 / UNITS), 1);
        assert_eq!(units(1.5 / UNITS), 2);
        assert_eq!(units(-1.5 / UNITS), -1);
        assert!(f32::from(units(0.1234)) >= 0.1234 * UNITS);
        assert_eq!(units(10.0), i16::MAX);
        assert!(f32::from(floor_units(50.0)) < 0.5 * UNITS - 2.0);
        assert!(f32::from(floor_units(-3.0)) < -0.03 * UNITS);
        assert_eq!(floor_units(f32::NEG_INFINITY), i16::MIN);
    }
}
