//! A 仕様書 that knows its pool: for a need being written (an unsaved [`NeedDraft`]),
//! how many professionals it would not exclude, how many would score as strong
//! (≥ [`STRONG_AT`]), the constraints that keep the most people out with the change
//! that would bring them back, and a clarity check of what Shiojiri's coordinators
//! insist a spec says.
//!
//! ## Counts, never people
//!
//! Every count is shown as a [`Shown`]: under 5 as 「5人未満」 (`"<5"`), otherwise
//! rounded down to a multiple of 5 (「10人以上」). Rounding every count, not only the
//! small ones, is what keeps a small number from leaking through a difference: two
//! counts of one answer (eligible and strong, excluded and regained) differ by a
//! multiple of 5, which pins nothing down to fewer than five people. A limiting
//! constraint is only shown when it keeps at least 5 out, so the suggested change
//! (a budget, a number of hours: a median of that group) never describes one or two
//! people. Someone who previews many slightly different needs can still learn where
//! counts step; they learn a threshold, never a person.
//!
//! ## Whose pool
//!
//! The professionals a need is previewed against are those its region's coordinators
//! scout (`scope=all`): the listed profiles the region may find — its own people, and
//! those of other regions who consented to it ([`super::sharing`]). Counting them is no
//! display of anyone, so it leaves no provision record.

use chrono::NaiveDate;
use musubi_matcher::{
    self as engine, MeetingSlot,
    index::{Change, Constraint, Limit, Pool, PoolRequest},
};
use sea_orm::ConnectionTrait;

use super::{Error, Result};
use crate::{
    access::{self, Action, Actor},
    domain::{
        account::AccountRole, error::ConflictCode, error::FieldErrors, need::NeedInput,
        need_draft::NeedDraft,
    },
    ranking::{Ranking, convert, weights},
    repo,
};

/// A score at or above this is strong.
pub const STRONG_AT: f32 = 60.0;

/// Counts below this are never shown exactly.
pub const SMALLEST_SHOWN: u32 = 5;

/// Limiting constraints shown, most first.
pub const LIMITS_SHOWN: usize = 3;

/// A count as shown: a lower bound, never an exact small number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shown {
    /// The count is at least this (a multiple of 5; 0 for "fewer than 5").
    pub at_least: u32,
}

impl Shown {
    /// The count `n` as shown.
    pub fn of(n: u32) -> Self {
        Self {
            at_least: n - n % SMALLEST_SHOWN,
        }
    }

    /// Whether it is under 5.
    pub fn is_few(self) -> bool {
        self.at_least < SMALLEST_SHOWN
    }

    /// `"<5"`, or `"10+"`.
    pub fn text(self) -> String {
        if self.is_few() {
            format!("<{SMALLEST_SHOWN}")
        } else {
            format!("{}+", self.at_least)
        }
    }

    /// 「5人未満」 or 「10人以上」, and the English.
    pub fn people(self) -> (String, String) {
        if self.is_few() {
            (
                format!("{SMALLEST_SHOWN}人未満"),
                format!("fewer than {SMALLEST_SHOWN}"),
            )
        } else {
            (
                format!("{}人以上", self.at_least),
                format!("{} or more", self.at_least),
            )
        }
    }
}

/// A constraint that keeps people out, as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownLimit {
    /// Which.
    pub constraint: Constraint,
    /// People it alone keeps out.
    pub excluded: Shown,
    /// The change that brings people back.
    pub change: Change,
    /// People the change brings back.
    pub regained: Shown,
    /// What keeps them out, in Japanese (「平日昼の面談のみだと…人が対象外です」).
    pub ja: String,
    /// The same in English.
    pub en: String,
    /// The change, in Japanese (「予算の上限を月8万円にすると候補が…増えます」).
    pub change_ja: String,
    /// The same in English.
    pub change_en: String,
}

/// Something a spec should say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClarityItem {
    /// The outcome wanted.
    Goal,
    /// What the work is, in a few sentences.
    Scope,
    /// Hours a month.
    Hours,
    /// Hands-on or advisory, chosen.
    Style,
    /// Where the work happens and how many visits.
    Visits,
    /// A budget, or pro bono.
    Budget,
}

impl ClarityItem {
    /// Every item, in the order shown.
    pub const ALL: [Self; 6] = [
        Self::Goal,
        Self::Scope,
        Self::Hours,
        Self::Style,
        Self::Visits,
        Self::Budget,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Goal => "goal",
            Self::Scope => "scope",
            Self::Hours => "hours",
            Self::Style => "style",
            Self::Visits => "visits",
            Self::Budget => "budget",
        }
    }
}

/// Shorter than this, a description is not yet a scope.
pub const SCOPE_CHARS: usize = 40;

/// Whether the draft says each thing a spec should.
pub fn clarity(draft: &NeedDraft) -> Vec<(ClarityItem, bool)> {
    let written = |text: &Option<String>| text.as_deref().is_some_and(|t| !t.trim().is_empty());
    ClarityItem::ALL
        .into_iter()
        .map(|item| {
            let ok = match item {
                ClarityItem::Goal => written(&draft.goal),
                ClarityItem::Scope => draft
                    .description
                    .as_deref()
                    .is_some_and(|text| text.trim().chars().count() >= SCOPE_CHARS),
                ClarityItem::Hours => draft.hours_per_month.is_some_and(|h| h.min > 0),
                ClarityItem::Style => draft
                    .style
                    .is_some_and(|style| style != crate::domain::enums::Style::Either),
                ClarityItem::Visits => {
                    draft.work_style.is_some() && draft.onsite_visits_per_month.is_some()
                }
                ClarityItem::Budget => {
                    draft.pro_bono == Some(true)
                        || draft.compensation_jpy.is_some_and(|budget| budget.max > 0)
                }
            };
            (item, ok)
        })
        .collect()
}

/// What the preview of a draft shows.
#[derive(Debug, Clone)]
pub struct Preview {
    /// The exact counts (for tests and the service's own use; never shown).
    pub pool: Pool,
    /// Listed profiles considered.
    pub listed: Shown,
    /// Eligible: no exclusion applies.
    pub eligible: Shown,
    /// Strong: eligible and scoring at least [`STRONG_AT`].
    pub strong: Shown,
    /// The constraints keeping the most people out (at most [`LIMITS_SHOWN`], each
    /// keeping at least 5 out).
    pub limits: Vec<ShownLimit>,
    /// What posting it as written would refuse.
    pub problems: FieldErrors,
    /// What the spec says and does not say yet.
    pub clarity: Vec<(ClarityItem, bool)>,
}

/// Previews a draft for the actor: an SME's need is placed where their organization
/// is; a coordinator's, in their region.
#[tracing::instrument(skip_all, fields(user_id = %actor.id))]
pub async fn preview(
    db: &impl ConnectionTrait,
    ranking: &Ranking,
    actor: &Actor,
    draft: &NeedDraft,
    today: NaiveDate,
) -> Result<Preview> {
    access::decide(Some(actor), Action::PreviewNeed).check()?;
    let (region_id, city, industry) = match actor.role {
        AccountRole::Sme => {
            let organization = repo::users::organization_of(db, actor.id)
                .await?
                .ok_or_else(|| {
                    Error::conflict(
                        ConflictCode::NoOrganization,
                        "this account has no organization",
                    )
                })?;
            (
                organization.region_id,
                organization.city,
                organization.industry,
            )
        }
        _ => (
            actor.region_id.ok_or(Error::NotFound)?,
            String::new(),
            String::new(),
        ),
    };
    let region = repo::regions::by_id(db, region_id)
        .await?
        .ok_or(Error::NotFound)?;
    let input: NeedInput = draft.as_written();
    let need = convert::need_of_input(
        0,
        input,
        engine::Place {
            prefecture: region.prefecture.clone(),
            city,
        },
        industry,
    );
    let request = PoolRequest {
        today,
        weights: weights::of_region(&region)?,
        strong_at: STRONG_AT,
    };
    let pool = ranking.pool_in_region(&need, &request, &super::sharing::place_of(&region));
    let limits = pool
        .limits
        .iter()
        .filter(|limit| limit.excluded >= SMALLEST_SHOWN)
        .take(LIMITS_SHOWN)
        .map(|limit| shown_limit(&need, limit))
        .collect();
    Ok(Preview {
        listed: Shown::of(pool.listed),
        eligible: Shown::of(pool.eligible),
        strong: Shown::of(pool.strong),
        limits,
        problems: draft.problems(),
        clarity: clarity(draft),
        pool,
    })
}

/// `80000` as 「8万円」 (or 「85,000円」), and `¥80,000`.
fn yen(jpy: u32) -> (String, String) {
    let grouped = group(jpy);
    let ja = if jpy >= 10_000 && jpy.is_multiple_of(10_000) {
        format!("{}万円", jpy / 10_000)
    } else {
        format!("{grouped}円")
    };
    (ja, format!("¥{grouped}"))
}

fn group(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn slot_words(slot: MeetingSlot) -> (&'static str, &'static str) {
    match slot {
        MeetingSlot::WeekdayDay => ("平日昼", "weekday daytime"),
        MeetingSlot::WeekdayEvening => ("平日夜", "weekday evening"),
        MeetingSlot::Weekend => ("週末", "weekend"),
    }
}

/// A limit in words.
fn shown_limit(need: &engine::Need, limit: &Limit) -> ShownLimit {
    let excluded = Shown::of(limit.excluded);
    let regained = Shown::of(limit.regained);
    let (out_ja, out_en) = excluded.people();
    let (back_ja, back_en) = regained.people();
    let (ja, en) = match limit.constraint {
        Constraint::Budget => {
            let (max_ja, max_en) = yen(need.compensation_max_jpy.max(need.compensation_min_jpy));
            (
                format!("予算の上限が月{max_ja}だと{out_ja}が対象外です"),
                format!("With a budget of at most {max_en} a month, {out_en} are left out"),
            )
        }
        Constraint::ProBono => (
            format!("プロボノ（無報酬）だと{out_ja}が対象外です"),
            format!("Unpaid (pro bono), {out_en} are left out"),
        ),
        Constraint::Hours => (
            format!("月{}時間以上の稼働だと{out_ja}が対象外です", need.hours_min),
            format!(
                "Asking at least {} hours a month, {out_en} are left out",
                need.hours_min
            ),
        ),
        Constraint::Visits => (
            format!("現地訪問ありだと{out_ja}が対象外です"),
            format!("Asking on-site visits, {out_en} are left out"),
        ),
        Constraint::MeetingSlots => {
            let (ja, en): (Vec<&str>, Vec<&str>) = need
                .meeting_slots
                .iter()
                .map(|slot| slot_words(*slot))
                .unzip();
            (
                format!("{}の面談のみだと{out_ja}が対象外です", ja.join("・")),
                format!(
                    "Meeting only at {}, {out_en} can never meet",
                    en.join(" or ")
                ),
            )
        }
    };
    let (change_ja, change_en) = match limit.change {
        Change::BudgetMax { jpy } => {
            let (ja, en) = yen(jpy);
            (
                format!("予算の上限を月{ja}にすると候補が{back_ja}増えます"),
                format!("A budget of up to {en} a month adds {back_en} candidates"),
            )
        }
        Change::PaidUpTo { jpy } => {
            let (ja, en) = yen(jpy);
            (
                format!("月{ja}までの報酬を出すと候補が{back_ja}増えます"),
                format!("Paying up to {en} a month adds {back_en} candidates"),
            )
        }
        Change::HoursMin { hours } => (
            format!("稼働時間の下限を月{hours}時間にすると候補が{back_ja}増えます"),
            format!("Asking at least {hours} hours a month adds {back_en} candidates"),
        ),
        Change::NoVisits => (
            format!("現地訪問をなくす（リモート）と候補が{back_ja}増えます"),
            format!("Asking no visits (remote) adds {back_en} candidates"),
        ),
        Change::AddSlot { slot } => {
            let (ja, en) = slot_words(slot);
            (
                format!("{ja}の面談も加えると{back_ja}が対象に戻ります"),
                format!("Also meeting at {en} brings {back_en} back"),
            )
        }
    };
    ShownLimit {
        constraint: limit.constraint,
        excluded,
        change: limit.change,
        regained,
        ja,
        en,
        change_ja,
        change_en,
    }
}
