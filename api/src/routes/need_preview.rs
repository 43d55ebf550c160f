//! `POST /needs/preview`: the pool of a need before it is posted — counts only, never
//! people (see [`services::need_preview`](crate::services::need_preview)).

use actix_web::{post, web};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::AuthUser,
    domain::{error::FieldError, need_draft::NeedDraft},
    error::ApiResult,
    extract::Json,
    scoring,
    services::need_preview::{self, Preview, Shown, ShownLimit},
    state::AppState,
};
use musubi_matcher::index::Change;

/// Registers the preview route.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(preview_need);
}

/// A count as shown: under 5 never exactly (`{"at_least": 0, "shown": "<5"}`), and
/// otherwise rounded down to a multiple of 5 (`{"at_least": 10, "shown": "10+"}`), so
/// that no difference of two counts pins down fewer than five people either.
#[derive(Debug, Serialize, ToSchema)]
pub struct CountView {
    /// The count is at least this: a multiple of 5, or 0 when under 5.
    pub at_least: u32,
    /// `"<5"` or e.g. `"10+"`.
    pub shown: String,
}

impl From<Shown> for CountView {
    fn from(shown: Shown) -> Self {
        Self {
            at_least: shown.at_least,
            shown: shown.text(),
        }
    }
}

/// Words in Japanese and English.
#[derive(Debug, Serialize, ToSchema)]
pub struct Words {
    /// Japanese.
    pub ja: String,
    /// English.
    pub en: String,
}

/// The change to the need that would bring people back.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeView {
    /// `budget_max` (raise the budget's upper end to `jpy`), `paid_up_to` (pay up to
    /// `jpy` instead of pro bono), `hours_min` (ask at least `hours`), `no_visits`, or
    /// `add_slot` (also meet at `slot`).
    pub kind: String,
    /// Yen a month, for `budget_max` and `paid_up_to`.
    pub jpy: Option<u32>,
    /// Hours a month, for `hours_min`.
    pub hours: Option<u16>,
    /// A meeting slot, for `add_slot`.
    pub slot: Option<String>,
}

impl From<Change> for ChangeView {
    fn from(change: Change) -> Self {
        let (kind, jpy, hours, slot) = match change {
            Change::BudgetMax { jpy } => ("budget_max", Some(jpy), None, None),
            Change::PaidUpTo { jpy } => ("paid_up_to", Some(jpy), None, None),
            Change::HoursMin { hours } => ("hours_min", None, Some(hours), None),
            Change::NoVisits => ("no_visits", None, None, None),
            Change::AddSlot { slot } => ("add_slot", None, None, Some(slot.as_str().to_owned())),
        };
        Self {
            kind: kind.to_owned(),
            jpy,
            hours,
            slot,
        }
    }
}

/// A constraint that keeps people out.
#[derive(Debug, Serialize, ToSchema)]
pub struct LimitView {
    /// `budget`, `pro_bono`, `hours`, `visits` or `meeting_slots`.
    pub constraint: String,
    /// People it alone keeps out (at least 5, or it is not listed).
    pub excluded: CountView,
    /// What keeps them out, in words (「平日昼の面談のみだと10人以上が対象外です」).
    pub message: Words,
    /// The change that brings people back.
    pub change: ChangeView,
    /// People the change brings back.
    pub regained: CountView,
    /// The change, in words (「予算の上限を月8万円にすると候補が10人以上増えます」).
    pub suggestion: Words,
}

impl From<ShownLimit> for LimitView {
    fn from(limit: ShownLimit) -> Self {
        Self {
            constraint: match limit.constraint {
                musubi_matcher::index::Constraint::Budget => "budget",
                musubi_matcher::index::Constraint::ProBono => "pro_bono",
                musubi_matcher::index::Constraint::Hours => "hours",
                musubi_matcher::index::Constraint::Visits => "visits",
                musubi_matcher::index::Constraint::MeetingSlots => "meeting_slots",
            }
            .to_owned(),
            excluded: limit.excluded.into(),
            message: Words {
                ja: limit.ja,
                en: limit.en,
            },
            change: limit.change.into(),
            regained: limit.regained.into(),
            suggestion: Words {
                ja: limit.change_ja,
                en: limit.change_en,
            },
        }
    }
}

/// One thing a 仕様書 should say.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClarityView {
    /// `goal`, `scope` (a description of at least 40 characters), `hours`, `style`
    /// (hands-on or advisory chosen, not `either`), `visits` (work style and visits
    /// given) or `budget` (a budget, or pro bono).
    pub item: String,
    /// Whether the draft says it.
    pub ok: bool,
}

/// The pool of a need being written.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewView {
    /// Professionals no exclusion of MATCHING.md keeps out.
    pub eligible: CountView,
    /// Of those, the ones scoring at least 60.
    pub strong: CountView,
    /// The constraints keeping the most people out, most first (at most 3).
    pub limits: Vec<LimitView>,
    /// What the coordinators ask every 仕様書 to say, and whether this one does.
    pub clarity: Vec<ClarityView>,
    /// What posting the need as written would refuse (fields not written yet are not
    /// problems; the clarity check names them).
    pub problems: Vec<FieldError>,
}

impl From<Preview> for PreviewView {
    fn from(preview: Preview) -> Self {
        Self {
            eligible: preview.eligible.into(),
            strong: preview.strong.into(),
            limits: preview.limits.into_iter().map(Into::into).collect(),
            clarity: preview
                .clarity
                .into_iter()
                .map(|(item, ok)| ClarityView {
                    item: item.as_str().to_owned(),
                    ok,
                })
                .collect(),
            problems: preview.problems,
        }
    }
}

/// Preview the pool of an unsaved need (SMEs and coordinators; 403 for others). The
/// body is that of `POST /needs` with every field optional: a field not written yet
/// constrains nobody, so a half-written need previews as the widest pool its written
/// fields allow. Counts only, never a person; counts under 5 are `"<5"`, the rest
/// rounded down to a multiple of 5. Nothing is stored.
#[utoipa::path(tag = "needs", security(("bearer" = [])), request_body = NeedDraft, responses(
    (status = 200, body = PreviewView),
    (status = 400, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/needs/preview")]
#[tracing::instrument(skip_all, fields(user_id = %caller.id))]
pub async fn preview_need(
    state: web::Data<AppState>,
    caller: AuthUser,
    Json(draft): Json<NeedDraft>,
) -> ApiResult<web::Json<PreviewView>> {
    let preview =
        need_preview::preview(&state.db, &state.ranking, &caller, &draft, scoring::today()).await?;
    Ok(web::Json(preview.into()))
}
