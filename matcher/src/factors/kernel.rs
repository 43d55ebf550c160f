//! The numbers: each factor, exclusion and preference aspect of a prepared need
//! against an encoded row. No strings, no allocation; the index runs these in its
//! scan and [`score`](crate::score::score) runs the very same functions, so the two
//! always agree.

use crate::exclusion::Exclusion;
use crate::model::{Style, WorkStyle};

use super::bm25::similarity;
use super::encode::{ACTIVE, PRO_BONO_OK, PlaceCode, PlaceKind, RowRef, WORK_STYLE_SHIFT};
use super::query::NeedQuery;

/// Text similarities of a pair, each in `[0, 1]`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct TextScores {
    /// Of the profile's motivation and headline.
    pub motivation: f32,
    /// Of the proposal, when they applied with one; 0 otherwise.
    pub proposal: f32,
}

impl TextScores {
    /// The motivation's similarity from its BM25 sum.
    pub(crate) fn from_raw(q: &NeedQuery<'_>, motivation_raw: f32, proposal: f32) -> Self {
        Self {
            motivation: similarity(motivation_raw, q.text.profile_scale),
            proposal,
        }
    }
}

/// Every factor, in the order of [`Factor::ALL`](crate::weights::Factor::ALL).
pub(crate) fn factor_scores(q: &NeedQuery<'_>, row: &RowRef<'_>, text: TextScores) -> [f32; 7] {
    [
        skill_fit(q, row.skills),
        motivation_fit(q, row, text),
        experience_fit(q, row),
        availability_fit(q, row),
        regional_affinity(q, row),
        work_style_fit(q, row),
        compensation_fit(q, row),
    ]
}

/// `100 × Σ weight × score`, summed in order, clamped to `[0, 100]`.
pub(crate) fn weighted_total(weights: &[f32], scores: &[f32]) -> f32 {
    let mut sum = 0.0f32;
    for (weight, score) in weights.iter().zip(scores) {
        sum += weight * score;
    }
    (sum * 100.0).clamp(0.0, 100.0)
}

/// The harmonic mean of two scores in `[0, 100]`; 0 when either is 0.
pub(crate) fn harmonic(a: f32, b: f32) -> f32 {
    if a <= 0.0 || b <= 0.0 {
        return 0.0;
    }
    (2.0 * a * b / (a + b)).clamp(0.0, 100.0)
}

// ---------------------------------------------------------------- exclusions

/// The [`Exclusion`] bits that apply.
pub(crate) fn exclusion_mask(q: &NeedQuery<'_>, row: &RowRef<'_>) -> u8 {
    let s = &row.s;
    exclusion_bits(
        q,
        s.flags,
        s.hours,
        s.min_compensation,
        [s.max_visits, s.max_engagements, s.active_engagements, 0],
    )
}

/// [`exclusion_mask`] from raw column values (`caps`: visits, max and current
/// engagements).
#[inline]
pub(crate) fn exclusion_bits(
    q: &NeedQuery<'_>,
    flags: u32,
    hours: u16,
    min_compensation: u32,
    caps: [u8; 4],
) -> u8 {
    let [max_visits, max_engagements, active_engagements, _] = caps;
    let mut mask = 0;
    if flags & ACTIVE == 0 {
        mask |= Exclusion::Inactive.bit();
    }
    if u32::from(hours) * 2 < u32::from(q.need.hours_min) {
        mask |= Exclusion::HoursBelowHalf.bit();
    }
    if q.need.pro_bono {
        if flags & PRO_BONO_OK == 0 {
            mask |= Exclusion::ProBonoNotAccepted.bit();
        }
    } else if min_compensation > q.budget_max {
        mask |= Exclusion::CompensationAboveBudget.bit();
    }
    if q.visits_asked && (flags >> WORK_STYLE_SHIFT) & 3 == 0 && max_visits == 0 {
        mask |= Exclusion::VisitsRuledOut.bit();
    }
    if active_engagements >= max_engagements {
        mask |= Exclusion::AtMaxEngagements.bit();
    }
    mask
}

// ---------------------------------------------------------------- skill_fit

/// Credit for having `level` of a skill asked at `min_level`: full at or above it,
/// `level / min_level` below.
pub(crate) fn level_factor(level: u8, min_level: u8) -> f32 {
    if level >= min_level || min_level == 0 {
        1.0
    } else {
        f32::from(level) / f32::from(min_level)
    }
}

/// The best credit among the row's skills for requirement `r`, and the skill code
/// that earned it (the first of equals).
pub(crate) fn requirement_credit(
    q: &NeedQuery<'_>,
    r: usize,
    row: &RowRef<'_>,
) -> (f32, Option<u16>) {
    let credits = q.skill_credits(r);
    let mut best = 0.0f32;
    let mut which = None;
    for &code in row.skills {
        let value = credits.get(usize::from(code)).copied().unwrap_or(0.0);
        if value > best {
            best = value;
            which = Some(code);
        }
    }
    (best, which)
}

/// Required skills covered at the asked level; `must` skills weigh 3×. A need that
/// asks no skill is fit by anyone (1.0). `skills` may be padded with code 0, which
/// earns nothing, so a scan can read fixed-width slots.
#[inline]
pub(crate) fn skill_fit(q: &NeedQuery<'_>, skills: &[u16]) -> f32 {
    if q.requirements.is_empty() {
        return 1.0;
    }
    let mut sum = 0.0f32;
    for (r, requirement) in q.requirements.iter().enumerate() {
        let credits = q.skill_credits(r);
        let mut best = 0.0f32;
        for &code in skills {
            let value = credits.get(usize::from(code)).copied().unwrap_or(0.0);
            // Not `f32::max`: no NaN can occur, and this is a single `maxss`.
            best = if value > best { value } else { best };
        }
        sum += requirement.weight * best;
    }
    (sum * q.requirement_scale).min(1.0)
}

// ---------------------------------------------------------------- motivation_fit

/// The better of the motivation's and the proposal's similarity; `None` if the need
/// has no text.
pub(crate) fn text_part(q: &NeedQuery<'_>, text: TextScores) -> Option<f32> {
    q.text
        .has_text()
        .then(|| text.motivation.max(text.proposal))
}

/// Will over skill: half shared themes, half text similarity; either alone when the
/// need lacks the other; a neutral 0.5 when it has neither.
pub(crate) fn motivation_fit(q: &NeedQuery<'_>, row: &RowRef<'_>, text: TextScores) -> f32 {
    motivation_value(q, row.s.themes, text)
}

/// [`motivation_fit`] from the row's theme mask alone.
#[inline]
pub(crate) fn motivation_value(q: &NeedQuery<'_>, themes: u32, text: TextScores) -> f32 {
    let overlap = (q.themes != 0).then(|| (q.themes & themes).count_ones() as f32 * q.theme_scale);
    match (overlap, text_part(q, text)) {
        (Some(themes), Some(text)) => 0.5 * themes + 0.5 * text,
        (Some(themes), None) => themes,
        (None, Some(text)) => text,
        (None, None) => 0.5,
    }
}

// ---------------------------------------------------------------- experience_fit

/// Years in the need's role, saturating: none 0, one year 0.6, two 0.8, three or
/// more 1.
pub(crate) fn role_component(q: &NeedQuery<'_>, row: &RowRef<'_>) -> f32 {
    match row.s.years_in(q.role_shift) {
        0 => 0.0,
        years => (0.4 + 0.2 * f32::from(years)).min(1.0),
    }
}

/// Whether they know the need's industry; `None` if the need names none.
pub(crate) fn industry_component(q: &NeedQuery<'_>, row: &RowRef<'_>) -> Option<f32> {
    (q.industry != 0).then(|| {
        if row.industries.contains(&q.industry) {
            1.0
        } else {
            0.0
        }
    })
}

/// Hands-on against advisory: 1 when compatible (equal, or either side says
/// `either`), 0 when one wants hands-on work and the other only advises.
pub(crate) fn style_component(need: Style, professional: Style) -> f32 {
    if need == professional || need == Style::Either || professional == Style::Either {
        1.0
    } else {
        0.0
    }
}

/// Role 50 %, industry 25 %, style 25 % (role ⅔ and style ⅓ when no industry).
pub(crate) fn experience_fit(q: &NeedQuery<'_>, row: &RowRef<'_>) -> f32 {
    let role = role_component(q, row);
    let style = style_component(q.style, row.s.style());
    match industry_component(q, row) {
        Some(industry) => 0.5 * role + 0.25 * industry + 0.25 * style,
        None => role * (2.0 / 3.0) + style * (1.0 / 3.0),
    }
}

// ---------------------------------------------------------------- availability_fit

/// Hours offered against the need's minimum: full at or above it, proportional below.
pub(crate) fn hours_component(q: &NeedQuery<'_>, row: &RowRef<'_>) -> f32 {
    let minimum = q.need.hours_min;
    if minimum == 0 || row.s.hours >= minimum {
        1.0
    } else {
        f32::from(row.s.hours) / f32::from(minimum)
    }
}

/// Days the professional's start comes after the need's `apply_by` (or today).
pub(crate) fn days_late(q: &NeedQuery<'_>, row: &RowRef<'_>) -> i32 {
    match row.s.available_from {
        0 => 0,
        day => i32::from(day) - q.start_by,
    }
}

/// Start date: full if available by `apply_by` (or today), falling to 0 at 90 days
/// late.
pub(crate) fn start_component(q: &NeedQuery<'_>, row: &RowRef<'_>) -> f32 {
    let late = days_late(q, row);
    if late <= 0 {
        1.0
    } else {
        (1.0 - late as f32 / 90.0).max(0.0)
    }
}

/// Meeting slots: no slot in common 0.15 (daytime meetings with people who have a
/// main job are a known cause of failure); otherwise 0.75 plus 0.25 × the share of
/// the need's slots covered; 0.5 when the professional gave none; 1 when the need
/// names none.
pub(crate) fn slot_component(q: &NeedQuery<'_>, row: &RowRef<'_>) -> f32 {
    if q.slots == 0 {
        return 1.0;
    }
    let offered = row.s.slots();
    if offered == 0 {
        return 0.5;
    }
    let common = q.slots & offered;
    if common == 0 {
        0.15
    } else {
        0.75 + 0.25 * common.count_ones() as f32 / q.slots.count_ones() as f32
    }
}

/// `(0.7 × hours + 0.3 × start) × slots`: a pair that can never meet is unavailable
/// however many hours it has.
pub(crate) fn availability_fit(q: &NeedQuery<'_>, row: &RowRef<'_>) -> f32 {
    (0.7 * hours_component(q, row) + 0.3 * start_component(q, row)) * slot_component(q, row)
}

// ---------------------------------------------------------------- regional_affinity

/// How closely a place matches the need's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PlaceMatch {
    /// The need's city.
    City,
    /// The need's prefecture (another or an unnamed city).
    Prefecture,
    /// Another prefecture of the need's wider region.
    Wider,
    /// None of those.
    None,
}

/// The strength of a tie of this kind in the need's own city.
pub(crate) fn kind_strength(kind: PlaceKind) -> f32 {
    match kind {
        PlaceKind::Home | PlaceKind::Hometown | PlaceKind::Family => 1.0,
        PlaceKind::Lived | PlaceKind::Worked => 0.8,
        PlaceKind::Visited | PlaceKind::Interest => 0.5,
        PlaceKind::Past => 0.0,
    }
}

/// A tie in the need's prefecture but not its city counts this share of one in it.
pub(crate) const PREFECTURE_SHARE: f32 = 0.8;
/// Any tie to another prefecture of the wider region.
pub(crate) const WIDER_REGION: f32 = 0.3;
/// Each earlier engagement in the need's city adds this…
pub(crate) const PAST_IN_CITY: f32 = 0.2;
/// …and one elsewhere in its prefecture this…
pub(crate) const PAST_IN_PREFECTURE: f32 = 0.1;
/// …up to this much in all.
pub(crate) const PAST_CAP: f32 = 0.2;

/// How a place matches the need's place.
pub(crate) fn place_match(q: &NeedQuery<'_>, place: PlaceCode) -> PlaceMatch {
    let prefecture = place.prefecture();
    if prefecture == 0 || q.prefecture == 0 {
        PlaceMatch::None
    } else if prefecture == q.prefecture {
        if q.city != 0 && place.city() == q.city {
            PlaceMatch::City
        } else {
            PlaceMatch::Prefecture
        }
    } else if q.wider & (1 << prefecture) != 0 {
        PlaceMatch::Wider
    } else {
        PlaceMatch::None
    }
}

/// The strength of one tie (or home) to the need's place.
pub(crate) fn tie_strength(q: &NeedQuery<'_>, place: PlaceCode) -> f32 {
    let Some(kind) = place.kind() else {
        return 0.0;
    };
    if kind == PlaceKind::Past {
        return 0.0;
    }
    match place_match(q, place) {
        // A need that names no city is matched as closely as it can be.
        PlaceMatch::City => kind_strength(kind),
        PlaceMatch::Prefecture if q.city == 0 => kind_strength(kind),
        PlaceMatch::Prefecture => kind_strength(kind) * PREFECTURE_SHARE,
        PlaceMatch::Wider => WIDER_REGION,
        PlaceMatch::None => 0.0,
    }
}

/// The strongest tie and its position in `row.places`.
pub(crate) fn strongest_tie(q: &NeedQuery<'_>, row: &RowRef<'_>) -> (f32, Option<usize>) {
    let mut best = 0.0f32;
    let mut which = None;
    for (position, &code) in row.places.iter().enumerate() {
        let strength = tie_strength(q, PlaceCode(code));
        if strength > best {
            best = strength;
            which = Some(position);
        }
    }
    (best, which)
}

/// What earlier engagements in the need's region add (capped at [`PAST_CAP`]).
pub(crate) fn past_bonus(q: &NeedQuery<'_>, row: &RowRef<'_>) -> f32 {
    let mut bonus = 0.0f32;
    for &code in row.places {
        let place = PlaceCode(code);
        if place.kind() == Some(PlaceKind::Past) {
            bonus += match place_match(q, place) {
                PlaceMatch::City => PAST_IN_CITY,
                PlaceMatch::Prefecture => PAST_IN_PREFECTURE,
                PlaceMatch::Wider | PlaceMatch::None => 0.0,
            };
        }
    }
    bonus.min(PAST_CAP)
}

/// The strongest tie plus earlier engagements, at most 1.
pub(crate) fn regional_affinity(q: &NeedQuery<'_>, row: &RowRef<'_>) -> f32 {
    (strongest_tie(q, row).0 + past_bonus(q, row)).min(1.0)
}

// ---------------------------------------------------------------- work_style_fit

/// How well a professional who prefers `professional` suits a need done `need`.
pub(crate) fn work_style_component(need: WorkStyle, professional: WorkStyle) -> f32 {
    match (need, professional) {
        (WorkStyle::Remote, WorkStyle::Onsite) => 0.7,
        (WorkStyle::Remote, _) => 1.0,
        (WorkStyle::Hybrid, WorkStyle::Remote) => 0.5,
        (WorkStyle::Hybrid, _) => 1.0,
        (WorkStyle::Onsite, WorkStyle::Remote) => 0.1,
        (WorkStyle::Onsite, WorkStyle::Hybrid) => 0.6,
        (WorkStyle::Onsite, WorkStyle::Onsite) => 1.0,
    }
}

/// Visits offered against visits asked (1 when none are asked).
pub(crate) fn visit_component(q: &NeedQuery<'_>, row: &RowRef<'_>) -> f32 {
    if q.visits == 0 {
        1.0
    } else {
        (f32::from(row.s.max_visits) / f32::from(q.visits)).min(1.0)
    }
}

/// Distance, which matters only when visits are asked: living in the need's
/// prefecture 1, in its wider region 0.9, elsewhere (or unknown) 0.75.
pub(crate) fn distance_component(q: &NeedQuery<'_>, row: &RowRef<'_>) -> f32 {
    let home = row.s.home_prefecture;
    if home != 0 && home == q.prefecture {
        1.0
    } else if home != 0 && q.wider & (1 << home) != 0 {
        0.9
    } else {
        0.75
    }
}

/// The work-style match alone when no visits are asked; otherwise half that and half
/// visits × distance.
pub(crate) fn work_style_fit(q: &NeedQuery<'_>, row: &RowRef<'_>) -> f32 {
    let style = work_style_component(q.work_style, row.s.work_style());
    if q.visits == 0 {
        style
    } else {
        0.5 * style + 0.5 * visit_component(q, row) * distance_component(q, row)
    }
}

// ---------------------------------------------------------------- compensation_fit

/// Pro bono needs fit only `pro_bono_ok`. Paid: a minimum at or below the budget's
/// lower end fits fully, one inside the range falls linearly to 0.5 at its top,
/// one above the range 0.
pub(crate) fn compensation_fit(q: &NeedQuery<'_>, row: &RowRef<'_>) -> f32 {
    if q.need.pro_bono {
        return if row.s.has(PRO_BONO_OK) { 1.0 } else { 0.0 };
    }
    let minimum = row.s.min_compensation;
    if minimum <= q.budget_min {
        1.0
    } else if minimum <= q.budget_max {
        let span = (q.budget_max - q.budget_min) as f32;
        1.0 - 0.5 * (minimum - q.budget_min) as f32 / span
    } else {
        0.0
    }
}

// ---------------------------------------------------------------- preference

/// Weights of the professional's side: themes, pay, work style, hours, region.
pub(crate) const PREFERENCE_WEIGHTS: [f32; 5] = [0.30, 0.25, 0.20, 0.10, 0.15];

/// The professional's side of the pair, aspect by aspect (see
/// [`Aspect`](crate::reciprocal::Aspect)).
pub(crate) fn preference_scores(q: &NeedQuery<'_>, row: &RowRef<'_>) -> [f32; 5] {
    [
        preferred_themes(q, row),
        preferred_pay(q, row),
        preferred_work_style(q, row),
        hours_component(q, row),
        regional_affinity(q, row),
    ]
}

/// Share of the professional's themes the need touches; 0.5 if they named none.
pub(crate) fn preferred_themes(q: &NeedQuery<'_>, row: &RowRef<'_>) -> f32 {
    let theirs = row.s.themes;
    if theirs == 0 {
        0.5
    } else {
        (q.themes & theirs).count_ones() as f32 / theirs.count_ones() as f32
    }
}

/// Pay from their side: the whole budget at or above their minimum 1; part of it
/// 0.5 plus half the share above; none 0. Pro bono: 0.7 if they accept it, else 0.
pub(crate) fn preferred_pay(q: &NeedQuery<'_>, row: &RowRef<'_>) -> f32 {
    if q.need.pro_bono {
        return if row.s.has(PRO_BONO_OK) { 0.7 } else { 0.0 };
    }
    let minimum = row.s.min_compensation;
    if minimum <= q.budget_min {
        1.0
    } else if minimum <= q.budget_max {
        let span = (q.budget_max - q.budget_min) as f32;
        0.5 + 0.5 * (q.budget_max - minimum) as f32 / span
    } else {
        0.0
    }
}

/// Their preferred work style against the need's (60 %) and visits (40 %).
pub(crate) fn preferred_work_style(q: &NeedQuery<'_>, row: &RowRef<'_>) -> f32 {
    0.6 * work_style_component(q.work_style, row.s.work_style()) + 0.4 * visit_component(q, row)
}
