//! `/region/assignment`: the region-wide suggestion for its coordinator — who to
//! introduce to whom across every open need of the region at once, with its audit in
//! words — and `POST /region/assignment/approve`, which approves one suggested pair:
//! an introduction when the professional applied, a scout otherwise, made exactly as
//! the candidates page makes it (the same form key, so a double click sends one email).
//! Skipping the rest stores nothing. Through `services::assignment`, as
//! `GET /api/v1/regions/{id}/assignment`. For coordinators of a region; other roles get
//! the 403 page.

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, post, web};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

use crate::{
    auth::AccountRole,
    domain::ids::{NeedId, RegionId},
    ranking::view,
    services::{
        self,
        assignment::{self, Method, Options, SuggestedPair, Suggestion},
    },
    state::AppState,
    web::{
        caller::PageUser,
        csrf::CsrfForm,
        errors::PageError,
        frame::{Frame, page, see_other},
        pages::candidates::{Bar, Outcome, bars, make_match},
    },
};

/// At most this many pairs on the page (a big region's suggestion is thousands); the
/// rest are counted. Approving shortens the list.
pub const SHOWN: usize = 200;

const PATH: &str = "/region/assignment";

/// `?floor=0–100&mode=max_weight|stable&scope=all|applicants&done=…&match=…`
#[derive(Debug, Default, Deserialize)]
pub struct AssignmentQuery {
    floor: Option<String>,
    mode: Option<String>,
    scope: Option<String>,
    done: Option<String>,
    #[serde(rename = "match")]
    made: Option<String>,
}

/// What the coordinator asked for, read from the query.
#[derive(Debug, Clone)]
struct Asked {
    /// As typed, to show it again.
    floor_text: String,
    /// `None` when the text is not a score between 0 and 100.
    floor: Option<f64>,
    stable: bool,
    everyone: bool,
}

impl Asked {
    fn of(query: &AssignmentQuery) -> Self {
        let floor_text = query.floor.as_deref().unwrap_or_default().trim().to_owned();
        let floor = if floor_text.is_empty() {
            Some(assignment::DEFAULT_FLOOR)
        } else {
            floor_text
                .parse::<f64>()
                .ok()
                .and_then(|floor| assignment::floor(Some(floor)).ok())
        };
        Self {
            floor_text: if floor_text.is_empty() {
                assignment::DEFAULT_FLOOR.to_string()
            } else {
                floor_text
            },
            floor,
            stable: query.mode.as_deref() == Some("stable"),
            everyone: query.scope.as_deref() != Some("applicants"),
        }
    }

    /// The query string of the choice (no `?`), every part written out.
    fn query(&self) -> String {
        format!(
            "floor={}&mode={}&scope={}",
            self.floor.unwrap_or(assignment::DEFAULT_FLOOR),
            if self.stable { "stable" } else { "max_weight" },
            if self.everyone { "all" } else { "applicants" },
        )
    }

    fn options(&self, floor: f64) -> Options {
        Options {
            floor: Some(floor),
            method: if self.stable {
                Method::Stable
            } else {
                Method::MaxWeight
            },
            everyone: self.everyone,
        }
    }
}

/// A choice of the form.
#[derive(Debug)]
struct Choice {
    value: &'static str,
    label: String,
    hint: String,
    checked: bool,
}

/// The approve form of one pair.
#[derive(Debug)]
struct ApproveForm {
    need_id: String,
    professional_id: String,
    idempotency_key: String,
    note_id: String,
    note: String,
    note_error: Option<&'static str>,
}

/// A suggested pair as the page shows it.
#[derive(Debug)]
struct Row {
    anchor: String,
    need_title: String,
    need_href: String,
    display: String,
    score: f64,
    score_text: String,
    reciprocal: String,
    /// They applied: approving introduces them (otherwise it scouts).
    introduce: bool,
    /// From another region of the alliance, with their consent.
    other_region: bool,
    bars: Vec<Bar>,
    form: ApproveForm,
}

/// The audit, in words.
#[derive(Debug)]
struct AuditLines {
    total: String,
    filled: String,
    blocking: String,
}

#[derive(Template)]
#[template(path = "region_assignment.html")]
struct AssignmentPage<'a> {
    frame: &'a Frame,
    floor: String,
    floor_error: Option<&'static str>,
    modes: Vec<Choice>,
    scopes: Vec<Choice>,
    notice: Option<&'static str>,
    /// The match just made, to open.
    made: Option<String>,
    refusal: Option<&'static str>,
    audit: Option<AuditLines>,
    /// Why there is no pair, when there is none.
    empty: Option<&'static str>,
    rows: Vec<Row>,
    /// How many pairs are not shown.
    more: Option<String>,
    action: String,
}

/// What a refused approval brings back: the note as sent, and why.
#[derive(Debug, Default)]
struct Again {
    pair: Option<(Uuid, Uuid)>,
    note: String,
    note_error: Option<&'static str>,
    refusal: Option<&'static str>,
}

/// The coordinator's region, or the 403 page.
fn region_of(user: &PageUser) -> Result<RegionId, PageError> {
    match user.caller.region_id {
        Some(region) if user.role() == AccountRole::Coordinator => Ok(region.into()),
        _ => Err(PageError::Forbidden),
    }
}

/// The region's suggestion.
#[get("/region/assignment")]
pub async fn show(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
    query: web::Query<AssignmentQuery>,
) -> Result<HttpResponse, PageError> {
    let region = region_of(&user)?;
    let asked = Asked::of(&query);
    let (notice, refusal) = match query.done.as_deref() {
        Some("approved") => (Some("assignment.done.approved"), None),
        Some("matched") => (None, Some("assignment.refused.matched")),
        Some("closed") => (None, Some("assignment.refused.closed")),
        _ => (None, None),
    };
    let made = query
        .made
        .as_deref()
        .filter(|_| notice.is_some())
        .and_then(|id| Uuid::parse_str(id).ok())
        .map(|id| format!("/matches/{id}"));
    let again = Again {
        refusal,
        ..Again::default()
    };
    render(&request, &state, &user, region, &asked, made, notice, again).await
}

/// What the approve form sends.
#[derive(Debug, Deserialize)]
pub struct ApproveFields {
    #[serde(default)]
    need_id: String,
    #[serde(default)]
    professional_id: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    idempotency_key: String,
}

/// Approves one suggested pair: introduces the professional if they applied, scouts
/// them otherwise; then the suggestion again, with the same choices.
#[post("/region/assignment/approve")]
pub async fn approve(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
    query: web::Query<AssignmentQuery>,
    CsrfForm(form): CsrfForm<ApproveFields>,
) -> Result<HttpResponse, PageError> {
    let region = region_of(&user)?;
    let asked = Asked::of(&query);
    let parse = |text: &str| Uuid::parse_str(text.trim()).map_err(|_| PageError::BadRequest);
    let need = parse(&form.need_id)?;
    let professional = parse(&form.professional_id)?;
    let back = |done: &str| format!("{PATH}?{}&done={done}", asked.query());
    let mut again = Again {
        pair: Some((need, professional)),
        note: form.note.clone(),
        ..Again::default()
    };
    let outcome = make_match(
        &state,
        &user,
        NeedId(need),
        professional,
        form.note,
        &form.idempotency_key,
    )
    .await?;
    match outcome {
        Outcome::Made(id) => {
            return Ok(see_other(&format!("{}&match={id}", back("approved"))).finish());
        }
        Outcome::Existing(_) => return Ok(see_other(&back("matched")).finish()),
        Outcome::Closed => return Ok(see_other(&back("closed")).finish()),
        Outcome::NoteTooLong => again.note_error = Some("candidates.note.too_long"),
        Outcome::NoteInvalid => again.note_error = Some("candidates.note.invalid"),
    }
    again.refusal = Some("candidates.refused.note");
    let mut response = render(&request, &state, &user, region, &asked, None, None, again).await?;
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

#[expect(
    clippy::too_many_arguments,
    reason = "the two handlers' one renderer, all of it borrowed"
)]
async fn render(
    request: &HttpRequest,
    state: &AppState,
    user: &PageUser,
    region: RegionId,
    asked: &Asked,
    made: Option<String>,
    notice: Option<&'static str>,
    again: Again,
) -> Result<HttpResponse, PageError> {
    let frame = Frame::new(request, Some(user));
    let suggestion = match asked.floor {
        Some(floor) => Some(
            assignment::suggest(
                &state.db,
                &state.ranking,
                &user.caller,
                region,
                asked.options(floor),
            )
            .await
            .map_err(|error| match error {
                // Their own region, gone: nothing to show but the 404 page.
                services::Error::NotFound => PageError::NotFound,
                other => other.into(),
            })?,
        ),
        None => None,
    };
    let status = if suggestion.is_some() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let (audit, empty, rows, more) = match suggestion {
        Some(suggestion) => shown(&frame, suggestion, &again),
        None => (None, None, Vec::new(), None),
    };
    let choice = |value, label: &str, hint: &str, checked| Choice {
        value,
        label: frame.msg(label).to_owned(),
        hint: frame.msg(hint).to_owned(),
        checked,
    };
    let modes = vec![
        choice(
            "max_weight",
            "assignment.mode.max_weight",
            "assignment.mode.max_weight.hint",
            !asked.stable,
        ),
        choice(
            "stable",
            "assignment.mode.stable",
            "assignment.mode.stable.hint",
            asked.stable,
        ),
    ];
    let scopes = vec![
        choice(
            "all",
            "assignment.scope.all",
            "assignment.scope.all.hint",
            asked.everyone,
        ),
        choice(
            "applicants",
            "assignment.scope.applicants",
            "assignment.scope.applicants.hint",
            !asked.everyone,
        ),
    ];
    page(
        &frame,
        status,
        &AssignmentPage {
            frame: &frame,
            floor: asked.floor_text.clone(),
            floor_error: asked.floor.is_none().then_some("assignment.floor.invalid"),
            modes,
            scopes,
            notice,
            made,
            refusal: again.refusal,
            audit,
            empty,
            rows,
            more,
            action: format!("{PATH}/approve?{}", asked.query()),
        },
    )
}

type Shown = (
    Option<AuditLines>,
    Option<&'static str>,
    Vec<Row>,
    Option<String>,
);

/// The audit in words, the first [`SHOWN`] pairs, and how many more there are.
fn shown(frame: &Frame, suggestion: Suggestion, again: &Again) -> Shown {
    let audit = &suggestion.audit;
    let lines = AuditLines {
        total: frame.msg_with(
            "assignment.audit.total",
            &[("total", &format!("{:.1}", audit.total_score as f64 / 100.0))],
        ),
        filled: frame.msg_with(
            "assignment.audit.filled",
            &[
                ("filled", &audit.filled.to_string()),
                ("needs", &suggestion.needs.to_string()),
                ("edges", &suggestion.edges.to_string()),
            ],
        ),
        blocking: frame.msg_with(
            "assignment.audit.blocking",
            &[("count", &audit.blocking_pairs.to_string())],
        ),
    };
    let empty = if suggestion.needs == 0 {
        Some("assignment.empty.needs")
    } else if suggestion.pairs.is_empty() {
        Some("assignment.empty.pairs")
    } else {
        None
    };
    let total = suggestion.pairs.len();
    let more = (total > SHOWN).then(|| {
        frame.msg_with(
            "assignment.more",
            &[
                ("shown", &SHOWN.to_string()),
                ("more", &(total - SHOWN).to_string()),
            ],
        )
    });
    let rows = suggestion
        .pairs
        .into_iter()
        .take(SHOWN)
        .enumerate()
        .map(|(n, pair)| row(frame, n, pair, again))
        .collect();
    (Some(lines), empty, rows, more)
}

fn row(frame: &Frame, n: usize, pair: SuggestedPair, again: &Again) -> Row {
    let candidate = pair.candidate;
    let score = view::total(candidate.score);
    let factors = view::factors(candidate.explanation.as_ref());
    let mine = again.pair == Some((pair.need_id, pair.professional_id));
    Row {
        anchor: format!("p-{}-{}", pair.need_id, pair.professional_id),
        need_title: pair.need_title,
        need_href: format!("/needs/{}/candidates", pair.need_id),
        display: candidate.display,
        score: score.clamp(0.0, 100.0),
        score_text: format!("{score:.1}"),
        reciprocal: frame.msg_with(
            "candidates.reciprocal",
            &[
                (
                    "reciprocal",
                    &format!("{:.1}", view::total(candidate.reciprocal_score)),
                ),
                (
                    "preference",
                    &format!("{:.1}", view::total(candidate.preference)),
                ),
            ],
        ),
        introduce: pair.application_id.is_some(),
        other_region: pair.other_region.is_some(),
        bars: bars(frame, &format!("f-{n}"), &factors),
        form: ApproveForm {
            need_id: pair.need_id.to_string(),
            professional_id: pair.professional_id.to_string(),
            idempotency_key: Uuid::new_v4().to_string(),
            note_id: format!("note-{n}"),
            note: if mine {
                again.note.clone()
            } else {
                String::new()
            },
            note_error: if mine { again.note_error } else { None },
        },
    }
}

#[cfg(test)]
mod tests {
    use musubi_matcher::{Candidate, assign::Audit};

    use super::*;

    fn pair(n: u128) -> SuggestedPair {
        SuggestedPair {
            need_id: Uuid::from_u128(n),
            need_title: format!("need {n}"),
            professional_id: Uuid::from_u128(1_000 + n),
            application_id: n.is_multiple_of(2).then(|| Uuid::from_u128(2_000 + n)),
            other_region: None,
            candidate: Candidate {
                profile_id: 1_000 + n,
                score: 50.0,
                preference: 40.0,
                reciprocal_score: 44.4,
                display: "マーケター · 10年".to_owned(),
                excluded: Vec::new(),
                explanation: None,
                preference_detail: None,
            },
        }
    }

    fn suggestion(pairs: u128, needs: usize) -> Suggestion {
        Suggestion {
            region_id: Uuid::nil(),
            floor: 30.0,
            method: Method::MaxWeight,
            everyone: true,
            pairs: (0..pairs).map(pair).collect(),
            audit: Audit {
                total_score: 5_000 * pairs as i64,
                filled: pairs as u64,
                blocking_pairs: 3,
            },
            needs,
            edges: 50 * needs,
            timings: Default::default(),
        }
    }

    fn frame() -> Frame {
        Frame::new(
            &actix_web::test::TestRequest::default().to_http_request(),
            None,
        )
    }

    #[test]
    fn a_big_suggestion_shows_the_first_pairs_and_counts_the_rest() {
        let frame = frame();
        let (audit, empty, rows, more) = shown(&frame, suggestion(250, 300), &Again::default());
        assert_eq!(rows.len(), SHOWN);
        assert_eq!(
            rows[0].anchor,
            format!("p-{}-{}", Uuid::from_u128(0), Uuid::from_u128(1_000))
        );
        assert!(rows[0].introduce && !rows[1].introduce);
        assert_ne!(rows[0].form.idempotency_key, rows[1].form.idempotency_key);
        assert_eq!(empty, None);
        let more = more.unwrap();
        assert!(more.contains("200") && more.contains("50"), "{more}");
        let audit = audit.unwrap();
        assert!(audit.total.contains("12500.0"), "{}", audit.total);
        assert!(audit.blocking.contains('3'), "{}", audit.blocking);
    }

    #[test]
    fn a_small_one_shows_every_pair_and_an_empty_one_says_why() {
        let frame = frame();
        let (_, _, rows, more) = shown(&frame, suggestion(SHOWN as u128, 300), &Again::default());
        assert_eq!((rows.len(), more), (SHOWN, None));
        let (_, empty, rows, _) = shown(&frame, suggestion(0, 0), &Again::default());
        assert_eq!((rows.len(), empty), (0, Some("assignment.empty.needs")));
        let (_, empty, _, _) = shown(&frame, suggestion(0, 4), &Again::default());
        assert_eq!(empty, Some("assignment.empty.pairs"));
    }

    #[test]
    fn the_query_is_written_out_whatever_was_asked() {
        let asked = |floor: &str, mode: &str, scope: &str| {
            Asked::of(&AssignmentQuery {
                floor: Some(floor.to_owned()),
                mode: Some(mode.to_owned()),
                scope: Some(scope.to_owned()),
                ..AssignmentQuery::default()
            })
        };
        assert_eq!(
            asked("", "", "").query(),
            "floor=30&mode=max_weight&scope=all"
        );
        assert_eq!(
            asked("42.5", "stable", "applicants").query(),
            "floor=42.5&mode=stable&scope=applicants"
        );
        let bad = asked("101", "stable", "all");
        assert_eq!((bad.floor, bad.floor_text.as_str()), (None, "101"));
        assert_eq!(asked("abc", "", "").floor, None);
    }
}
