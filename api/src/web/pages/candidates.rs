//! `/needs/{id}/candidates`: a need's candidates ranked, each with its total score, every
//! factor as a bar with the matcher's reasons in words, and the applicant's proposal.
//! Through the same service (and the same kept lists) as the JSON API's
//! `GET /needs/{id}/candidates`.
//!
//! - The need's owner sees its applicants, pseudonymously: the display line, the scores
//!   and the reasons only (the index holds no name, email, employer or bio, so none can
//!   reach the page or its source).
//! - A coordinator of its region also chooses the scope (applicants or everyone), the
//!   order (the need's score or the reciprocal one) and whether the excluded are listed
//!   with why; and introduces an applicant or scouts anyone else with a note
//!   (`POST /needs/{id}/candidates/match`, then `/matches/{id}`).
//! - Anyone else gets the 404 page; a visitor logs in and comes back.

pub use self::introduce::create_match;
pub(crate) use self::{
    bars::{Bar, bars},
    introduce::{Outcome, make_match},
};

mod bars;
mod introduce;

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, web};
use askama::Template;
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    auth::AccountRole,
    domain::ids::NeedId,
    ranking::{
        self,
        view::{self, ExclusionView, FactorView},
    },
    services::{
        self,
        candidates::{ListFormat, ListOptions, Ranked},
    },
    state::AppState,
    web::{
        caller::PageUser,
        errors::PageError,
        frame::{Frame, page},
    },
};

/// The list lengths offered, shortest first (the API's limit is 1–100; its list is the
/// top of a ranking, with no further pages).
const LENGTHS: [usize; 3] = [20, 50, 100];

/// `?scope=applicants|all&mode=need|reciprocal&excluded=1&limit=20|50|100`; what a
/// visitor may not choose (everything but `limit` for a need's owner) is ignored.
#[derive(Debug, Default, Deserialize)]
pub struct CandidatesQuery {
    scope: Option<String>,
    mode: Option<String>,
    excluded: Option<String>,
    limit: Option<String>,
}

/// The list asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Filters {
    everyone: bool,
    reciprocal: bool,
    excluded: bool,
    limit: usize,
}

impl Filters {
    fn of(query: &CandidatesQuery, coordinator: bool) -> Self {
        let is = |value: &Option<String>, wanted: &[&str]| {
            coordinator && value.as_deref().is_some_and(|v| wanted.contains(&v))
        };
        let limit = query
            .limit
            .as_deref()
            .and_then(|limit| limit.parse::<usize>().ok())
            .filter(|limit| LENGTHS.contains(limit))
            .unwrap_or(LENGTHS[0]);
        Self {
            everyone: is(&query.scope, &["all"]),
            reciprocal: is(&query.mode, &["reciprocal"]),
            excluded: is(&query.excluded, &["1", "true", "on"]),
            limit,
        }
    }

    /// The query string of these filters (`?…`, empty for the defaults), with `limit`.
    fn query(&self, limit: usize) -> String {
        let mut parts = Vec::new();
        if self.everyone {
            parts.push("scope=all".to_owned());
        }
        if self.reciprocal {
            parts.push("mode=reciprocal".to_owned());
        }
        if self.excluded {
            parts.push("excluded=1".to_owned());
        }
        if limit != LENGTHS[0] {
            parts.push(format!("limit={limit}"));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// What the page is rendered from, as the service keeps it between requests: the
/// ranking with its reasons in both languages, nothing of the visitor's.
#[derive(Debug, Serialize, Deserialize)]
struct Listed {
    title: String,
    open: bool,
    items: Vec<Item>,
}

/// A ranked candidate, pseudonymous.
#[derive(Debug, Serialize, Deserialize)]
struct Item {
    professional_id: Uuid,
    display: String,
    score: f64,
    reciprocal_score: f64,
    preference: f64,
    factors: Vec<FactorView>,
    exclusions: Vec<ExclusionView>,
    applied: bool,
    proposal: Option<String>,
    /// From another region of the alliance, with their consent.
    #[serde(default)]
    other_region: bool,
    /// Why the score was dampened (ja, en), if it was.
    #[serde(default)]
    congestion: Option<(String, String)>,
}

/// Renders a ranking for the page to keep (off the async threads, once per list).
fn listed(ranked: Ranked) -> anyhow::Result<Bytes> {
    let Ranked {
        candidates,
        applications,
        mut proposals,
        need,
        damped,
        shared,
    } = ranked;
    let items = candidates
        .into_iter()
        .map(|candidate| {
            let professional_id = ranking::professional_id(candidate.profile_id);
            Item {
                professional_id,
                display: candidate.display,
                score: view::total(candidate.score),
                reciprocal_score: view::total(candidate.reciprocal_score),
                preference: view::total(candidate.preference),
                factors: view::factors(candidate.explanation.as_ref()),
                exclusions: view::exclusions(&candidate.excluded),
                applied: applications.contains_key(&professional_id),
                proposal: proposals.remove(&professional_id),
                other_region: shared.contains_key(&professional_id),
                congestion: damped
                    .get(&professional_id)
                    .map(|d| (d.reason.ja.clone(), d.reason.en.clone())),
            }
        })
        .collect();
    let listed = Listed {
        open: need.is_open(),
        title: need.title,
        items,
    };
    Ok(Bytes::from(serde_json::to_vec(&listed)?))
}

/// The coordinator's form on a candidate: introduce an applicant, or scout.
#[derive(Debug)]
struct MatchForm {
    professional_id: String,
    idempotency_key: String,
    /// `note-{n}`: the textarea's id.
    note_id: String,
    note: String,
    note_error: Option<&'static str>,
    /// From an application (an introduction) rather than a scout.
    introduce: bool,
}

/// A candidate as the page shows it.
#[derive(Debug)]
struct Row {
    /// 「1位」.
    rank: String,
    anchor: String,
    display: String,
    score: f64,
    score_text: String,
    /// With `mode=reciprocal`: the reciprocal score and the preference, in words.
    reciprocal: Option<String>,
    applied: bool,
    /// From another region of the alliance.
    other_region: bool,
    /// Why the score was dampened, in the visitor's language.
    congestion: Option<String>,
    bars: Vec<Bar>,
    exclusions: Vec<String>,
    proposal: Option<String>,
    form: Option<MatchForm>,
}

/// A choice of the filter form.
#[derive(Debug)]
struct Choice {
    value: String,
    label: String,
    checked: bool,
}

#[derive(Template)]
#[template(path = "candidates.html")]
struct CandidatesPage<'a> {
    frame: &'a Frame,
    title: String,
    need_href: String,
    heading: String,
    /// The filter form (coordinators).
    filters: Option<FilterForm>,
    /// Where the coordinator's forms go.
    action: String,
    refusal: Option<&'static str>,
    rows: Vec<Row>,
    /// A longer list, when this one may be cut short.
    more: Option<String>,
}

/// The coordinator's filters, as the form shows them.
#[derive(Debug)]
struct FilterForm {
    action: String,
    scopes: Vec<Choice>,
    modes: Vec<Choice>,
    excluded: bool,
    lengths: Vec<Choice>,
}

/// What a refused form brings back to the page: the note as sent and why.
#[derive(Debug, Default)]
struct Again {
    professional_id: Option<Uuid>,
    note: String,
    note_error: Option<&'static str>,
    refusal: Option<&'static str>,
}

fn need_id(id: &str) -> Result<NeedId, PageError> {
    Uuid::parse_str(id)
        .map(NeedId)
        .map_err(|_| PageError::NotFound)
}

/// A need's candidates.
#[get("/needs/{id}/candidates")]
pub async fn show(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<String>,
    query: web::Query<CandidatesQuery>,
) -> Result<HttpResponse, PageError> {
    let need = need_id(&id)?;
    let filters = Filters::of(&query, user.role() == AccountRole::Coordinator);
    render(
        &request,
        &state,
        &user,
        need,
        filters,
        StatusCode::OK,
        Again::default(),
    )
    .await
}

/// The page, with what a refused form brings back.
async fn render(
    request: &HttpRequest,
    state: &AppState,
    user: &PageUser,
    need: NeedId,
    filters: Filters,
    status: StatusCode,
    again: Again,
) -> Result<HttpResponse, PageError> {
    let options = ListOptions {
        everyone: filters.everyone,
        reciprocal: filters.reciprocal,
        include_excluded: filters.excluded,
        limit: filters.limit,
        format: ListFormat::Page,
    };
    let body = services::candidates::candidates(
        &state.db,
        &state.ranking,
        &user.caller,
        need,
        options,
        listed,
    )
    .await
    .map_err(|error| match error {
        // A role that may rank no list sees the same page as a stranger.
        services::Error::Forbidden(_) => PageError::NotFound,
        other => other.into(),
    })?;
    let listed: Listed = serde_json::from_slice(&body)
        .map_err(|error| PageError::Internal(anyhow::Error::from(error)))?;
    let frame = Frame::new(request, Some(user));
    let coordinator = user.role() == AccountRole::Coordinator;
    let forms = coordinator && listed.open;
    let count = listed.items.len();
    let rows = listed
        .items
        .into_iter()
        .enumerate()
        .map(|(n, item)| row(&frame, n, item, forms, filters, &again))
        .collect();
    let base = format!("/needs/{}/candidates", need.0);
    let more = LENGTHS
        .iter()
        .find(|&&longer| longer > filters.limit)
        .filter(|_| count == filters.limit)
        .map(|&longer| format!("{base}{}", filters.query(longer)));
    let filter_form = coordinator.then(|| filter_form(&frame, &base, filters));
    page(
        &frame,
        status,
        &CandidatesPage {
            frame: &frame,
            heading: frame.msg_with("candidates.heading", &[("title", &listed.title)]),
            title: listed.title,
            need_href: format!("/needs/{}", need.0),
            filters: filter_form,
            action: format!(
                "/needs/{}/candidates/match{}",
                need.0,
                filters.query(filters.limit)
            ),
            refusal: again.refusal,
            rows,
            more,
        },
    )
}

fn row(frame: &Frame, n: usize, item: Item, forms: bool, filters: Filters, again: &Again) -> Row {
    let bars = bars(frame, &format!("f-{n}"), &item.factors);
    let exclusions = item
        .exclusions
        .iter()
        .map(|exclusion| {
            frame
                .pick(&exclusion.reason, &exclusion.reason_en)
                .to_owned()
        })
        .collect();
    let form = forms.then(|| {
        let mine = again.professional_id == Some(item.professional_id);
        MatchForm {
            professional_id: item.professional_id.to_string(),
            idempotency_key: Uuid::new_v4().to_string(),
            note_id: format!("note-{n}"),
            note: if mine {
                again.note.clone()
            } else {
                String::new()
            },
            note_error: if mine { again.note_error } else { None },
            introduce: item.applied,
        }
    });
    Row {
        rank: frame.msg_with("candidates.rank", &[("rank", &(n + 1).to_string())]),
        anchor: format!("c-{}", item.professional_id),
        display: item.display,
        score: item.score.clamp(0.0, 100.0),
        score_text: format!("{:.1}", item.score),
        reciprocal: filters.reciprocal.then(|| {
            frame.msg_with(
                "candidates.reciprocal",
                &[
                    ("reciprocal", &format!("{:.1}", item.reciprocal_score)),
                    ("preference", &format!("{:.1}", item.preference)),
                ],
            )
        }),
        // Among applicants only, every one has applied: said where others are listed too.
        applied: item.applied && filters.everyone,
        other_region: item.other_region,
        congestion: item
            .congestion
            .as_ref()
            .map(|(ja, en)| frame.pick(ja, en).to_owned()),
        bars,
        exclusions,
        proposal: item.proposal.filter(|text| !text.trim().is_empty()),
        form,
    }
}

fn filter_form(frame: &Frame, base: &str, filters: Filters) -> FilterForm {
    let choice = |value: &str, key: &str, checked: bool| Choice {
        value: value.to_owned(),
        label: frame.msg(key).to_owned(),
        checked,
    };
    FilterForm {
        action: base.to_owned(),
        scopes: vec![
            choice(
                "applicants",
                "candidates.scope.applicants",
                !filters.everyone,
            ),
            choice("all", "candidates.scope.all", filters.everyone),
        ],
        modes: vec![
            choice("need", "candidates.mode.need", !filters.reciprocal),
            choice(
                "reciprocal",
                "candidates.mode.reciprocal",
                filters.reciprocal,
            ),
        ],
        excluded: filters.excluded,
        lengths: LENGTHS
            .iter()
            .map(|&length| Choice {
                value: length.to_string(),
                label: frame.msg_with("candidates.limit.value", &[("count", &length.to_string())]),
                checked: length == filters.limit,
            })
            .collect(),
    }
}
