//! The engagement after a contract, on `/matches/{id}` ([`section`]), its forms, and the
//! page a check-in email's one-click link opens.
//!
//! - `POST /matches/{id}/engagement/check-in`: a side answers its check-in on the page.
//! - `POST /matches/{id}/engagement/adjust`: the parties or the coordinator set the
//!   start, the length or the monthly hours anew.
//! - `POST /matches/{id}/engagement/complete`: the coordinator or the SME completes it,
//!   with their retrospective; `…/extend` moves the end date.
//! - `POST /matches/{id}/engagement/retrospective`: a side looks back after the end.
//! - `GET /check-ins/answer/{token}` (no login): records the link's answer and offers a
//!   comment, `POST` on the same path adds it; a used, expired or unknown link shows the
//!   kind page of [`super::links::refused`] and changes nothing.
//!
//! Each form comes back to the match page with a 303 and `?engagement=…` saying what was
//! done (or that the request was refused), shown in the section.

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, post, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use crate::{
    auth::AuthUser,
    domain::engagement::{
        AdjustEngagement, AnswerCheckIn, CheckInAnswer, CompleteEngagement, EngagementStatus,
        ExtendEngagement, Retrospective, RiskReason,
    },
    services::{self, engagements::EngagementRecord},
    state::AppState,
    web::{
        caller::PageUser,
        csrf::CsrfForm,
        errors::PageError,
        frame::{Frame, page, see_other},
    },
};

/// One check-in as the section lists it.
#[derive(Debug)]
pub struct CheckInRow {
    /// "2か月目".
    pub round: String,
    /// The side's name.
    pub who: String,
    /// The answer in words, or "no answer yet".
    pub answer: String,
    /// Whether the answer asks for the coordinator.
    pub worrying: bool,
    /// The comment added.
    pub comment: String,
}

/// One side's retrospective.
#[derive(Debug)]
pub struct LookBack {
    /// The side's name.
    pub who: String,
    /// うまくいったこと.
    pub went_well: String,
    /// 次に活かしたいこと.
    pub next_time: String,
}

/// The engagement's part of the match page.
#[derive(Debug)]
pub struct Section {
    /// `/matches/{id}/engagement`.
    pub base: String,
    /// Active or completed, in words.
    pub status: String,
    /// Whether it is completed.
    pub completed: bool,
    /// Why it is at risk, in words.
    pub at_risk: Option<String>,
    /// First and last day, length and hours.
    pub starts_on: String,
    /// The last day.
    pub ends_on: String,
    /// The agreed months.
    pub months: i32,
    /// The agreed hours a month.
    pub hours: i32,
    /// Every check-in, oldest first.
    pub check_ins: Vec<CheckInRow>,
    /// The retrospectives written.
    pub look_backs: Vec<LookBack>,
    /// What the last form did (or why not), for the notice.
    pub notice: Option<&'static str>,
    /// Whether the notice is a refusal.
    pub refused: bool,
    /// The input the refusal was about (its `id`), with why: shown beside it.
    pub invalid: Option<(&'static str, String)>,
    /// The viewer's check-in waits for an answer (the answer form).
    pub may_answer: bool,
    /// The viewer may set the terms anew.
    pub may_adjust: bool,
    /// The viewer may complete or extend it.
    pub may_close: bool,
    /// The viewer may write their retrospective.
    pub may_look_back: bool,
}

impl Section {
    /// Why input `id` was refused, if it was.
    pub fn error_for(&self, id: &str) -> Option<&str> {
        self.invalid
            .as_ref()
            .filter(|(refused, _)| *refused == id)
            .map(|(_, why)| why.as_str())
    }

    /// Whether the refusal was about the terms form (folded away unless so).
    pub fn adjust_refused(&self) -> bool {
        self.invalid
            .as_ref()
            .is_some_and(|(id, _)| id.starts_with("adjust-"))
    }
}

fn answer_key(answer: CheckInAnswer) -> &'static str {
    match answer {
        CheckInAnswer::Fine => "engagement.answer.fine",
        CheckInAnswer::Consult => "engagement.answer.consult",
        CheckInAnswer::End => "engagement.answer.end",
    }
}

fn risk_key(reason: RiskReason) -> &'static str {
    match reason {
        RiskReason::Consult => "engagement.risk.consult",
        RiskReason::End => "engagement.risk.end",
        RiskReason::NoAnswer => "engagement.risk.no_answer",
    }
}

/// What `?engagement=` says.
fn notice_of(request: &HttpRequest) -> Option<(&'static str, bool)> {
    let query =
        web::Query::<std::collections::HashMap<String, String>>::from_query(request.query_string())
            .ok()?;
    Some(match query.get("engagement")?.as_str() {
        "answered" => ("engagement.done.answered", false),
        "adjusted" => ("engagement.done.adjusted", false),
        "completed" => ("engagement.done.completed", false),
        "extended" => ("engagement.done.extended", false),
        "looked_back" => ("engagement.done.looked_back", false),
        "invalid" => ("engagement.refused.invalid", true),
        "refused" => ("engagement.refused.changed", true),
        _ => return None,
    })
}

/// The engagement of match `match_id` as the match page shows it to `caller`, if the
/// match was contracted.
pub async fn section(
    request: &HttpRequest,
    state: &AppState,
    frame: &Frame,
    caller: &AuthUser,
    match_id: Uuid,
) -> Result<Option<Section>, PageError> {
    let Some(record) = services::engagements::of_match(&state.db, caller, match_id).await? else {
        return Ok(None);
    };
    let parties = &record.parties;
    let name_of = |user_id: Uuid| {
        if user_id == parties.professional.id {
            parties.professional.display_name.clone()
        } else {
            parties.organization.name.clone()
        }
    };
    let check_ins = record
        .check_ins
        .iter()
        .map(|check_in| {
            let answer = check_in.answer.as_deref().and_then(CheckInAnswer::parse);
            CheckInRow {
                round: frame.msg_with(
                    "engagement.round",
                    &[("round", &check_in.round.to_string())],
                ),
                who: name_of(check_in.user_id),
                answer: frame
                    .msg(answer.map_or("engagement.answer.none", answer_key))
                    .to_owned(),
                worrying: answer.is_some_and(CheckInAnswer::at_risk),
                comment: check_in.comment.clone().unwrap_or_default(),
            }
        })
        .collect();
    let look_backs = [parties.professional.id, parties.owner.id]
        .into_iter()
        .filter_map(|user_id| {
            record
                .retrospective_of(user_id)
                .map(|retrospective| LookBack {
                    who: name_of(user_id),
                    went_well: retrospective.went_well,
                    next_time: retrospective.next_time,
                })
        })
        .collect();
    let active = record.status == EngagementStatus::Active;
    let side = record.is_side(caller);
    let notice = notice_of(request);
    Ok(Some(Section {
        base: format!("/matches/{match_id}/engagement"),
        status: frame
            .msg(if active {
                "engagement.status.active"
            } else {
                "engagement.status.completed"
            })
            .to_owned(),
        completed: !active,
        at_risk: record
            .at_risk
            .map(|reason| frame.msg(risk_key(reason)).to_owned()),
        starts_on: record.row.starts_on.to_string(),
        ends_on: record.row.ends_on.to_string(),
        months: record.row.months,
        hours: record.row.hours_per_month,
        check_ins,
        look_backs,
        notice: notice.map(|(key, _)| key),
        refused: notice.is_some_and(|(_, refused)| refused),
        invalid: invalid_input(request).map(|(id, key)| (id, frame.msg(key).to_owned())),
        may_answer: active
            && side
            && record
                .check_ins
                .iter()
                .any(|check_in| check_in.user_id == caller.id && check_in.answer.is_none()),
        may_adjust: active,
        may_close: record.may_close(caller),
        may_look_back: !active && side && record.retrospective_of(caller.id).is_none(),
    }))
}

fn match_id(id: &str) -> Result<Uuid, PageError> {
    Uuid::parse_str(id).map_err(|_| PageError::NotFound)
}

async fn engagement_of(
    state: &AppState,
    user: &PageUser,
    match_id: Uuid,
) -> Result<EngagementRecord, PageError> {
    match services::engagements::of_match(&state.db, &user.caller, match_id).await {
        Ok(Some(record)) => Ok(record),
        Ok(None) | Err(services::Error::NotFound | services::Error::Forbidden(_)) => {
            Err(PageError::NotFound)
        }
        Err(error) => Err(error.into()),
    }
}

/// Back to the match page, saying what happened.
fn back(
    match_id: Uuid,
    done: &str,
    answer: services::Result<EngagementRecord>,
) -> Result<HttpResponse, PageError> {
    let what = match answer {
        Ok(_) => done,
        Err(services::Error::Invalid(errors)) => {
            // The first invalid field of the form, named in the address so the page can
            // say what is wrong beside it.
            let input = errors.iter().find_map(|error| input_of(done, &error.field));
            return Ok(see_other(&match input {
                Some((id, _)) => format!("/matches/{match_id}?engagement=invalid&input={id}#{id}"),
                None => format!("/matches/{match_id}?engagement=invalid#engagement"),
            })
            .finish());
        }
        Err(services::Error::Conflict(..)) => "refused",
        Err(error) => return Err(error.into()),
    };
    Ok(see_other(&format!("/matches/{match_id}?engagement={what}#engagement")).finish())
}

/// Every input of the engagement's forms that can be refused: its `id`, the form (what
/// it does) and the field the services name, and the message shown beside it.
const INPUTS: [(&str, &str, &str, &str); 10] = [
    (
        "adjust-starts-on",
        "adjusted",
        "starts_on",
        "engagement.error.date",
    ),
    (
        "adjust-months",
        "adjusted",
        "months",
        "engagement.error.months",
    ),
    (
        "adjust-hours",
        "adjusted",
        "hours_per_month",
        "engagement.error.hours",
    ),
    // None of the three given.
    (
        "adjust-starts-on",
        "adjusted",
        "",
        "engagement.error.adjust_nothing",
    ),
    (
        "extend-ends-on",
        "extended",
        "ends_on",
        "engagement.error.ends_on",
    ),
    ("extend-ends-on", "extended", "", "engagement.error.ends_on"),
    (
        "complete-went-well",
        "completed",
        "retrospective.went_well",
        "engagement.error.text",
    ),
    (
        "complete-next-time",
        "completed",
        "retrospective.next_time",
        "engagement.error.text",
    ),
    (
        "retro-went-well",
        "looked_back",
        "retrospective.went_well",
        "engagement.error.text",
    ),
    (
        "retro-next-time",
        "looked_back",
        "retrospective.next_time",
        "engagement.error.text",
    ),
];

/// The input of form `done` that `field` names, with its message key.
fn input_of(done: &str, field: &str) -> Option<(&'static str, &'static str)> {
    INPUTS
        .iter()
        .find(|(_, form, named, _)| *form == done && *named == field)
        .map(|&(id, _, _, key)| (id, key))
}

/// The input `?input=` names (only one of [`INPUTS`]), with its message key.
fn invalid_input(request: &HttpRequest) -> Option<(&'static str, &'static str)> {
    let query =
        web::Query::<std::collections::HashMap<String, String>>::from_query(request.query_string())
            .ok()?;
    let asked = query.get("input")?;
    INPUTS
        .iter()
        .find(|(id, ..)| id == asked)
        .map(|&(id, _, _, key)| (id, key))
}

/// A value of field `field` that does not parse.
fn unreadable(field: &str) -> services::Error {
    services::Error::Invalid(vec![crate::domain::error::FieldError::new(
        field,
        "cannot be read",
    )])
}

fn text(value: &str) -> Option<String> {
    Some(value.trim().to_owned()).filter(|value| !value.is_empty())
}

fn number(value: &str) -> Result<Option<u32>, ()> {
    match text(value) {
        None => Ok(None),
        Some(value) => value.parse().map(Some).map_err(|_| ()),
    }
}

fn date(value: &str) -> Result<Option<NaiveDate>, ()> {
    match text(value) {
        None => Ok(None),
        Some(value) => value.parse().map(Some).map_err(|_| ()),
    }
}

/// What the check-in form sends.
#[derive(Debug, Deserialize)]
pub struct CheckInInput {
    #[serde(default)]
    answer: String,
    #[serde(default)]
    comment: String,
}

/// A side answers its check-in on the page.
#[post("/matches/{id}/engagement/check-in")]
pub async fn check_in_form(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<String>,
    CsrfForm(input): CsrfForm<CheckInInput>,
) -> Result<HttpResponse, PageError> {
    let id = match_id(&id)?;
    let record = engagement_of(&state, &user, id).await?;
    let Some(answer) = CheckInAnswer::parse(&input.answer) else {
        return back(id, "answered", Err(services::Error::Invalid(Vec::new())));
    };
    let request = AnswerCheckIn {
        answer,
        comment: input.comment,
    };
    let done = services::engagements::answer(
        &state.db,
        &user.caller,
        record.row.id,
        request,
        services::engagements::now(),
    )
    .await;
    back(id, "answered", done)
}

/// What the terms form sends.
#[derive(Debug, Deserialize)]
pub struct AdjustInput {
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    months: String,
    #[serde(default)]
    hours_per_month: String,
}

/// The parties or the coordinator set the terms anew.
#[post("/matches/{id}/engagement/adjust")]
pub async fn adjust_form(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<String>,
    CsrfForm(input): CsrfForm<AdjustInput>,
) -> Result<HttpResponse, PageError> {
    let id = match_id(&id)?;
    let record = engagement_of(&state, &user, id).await?;
    let Ok(starts_on) = date(&input.starts_on) else {
        return back(id, "adjusted", Err(unreadable("starts_on")));
    };
    let Ok(months) = number(&input.months) else {
        return back(id, "adjusted", Err(unreadable("months")));
    };
    let Ok(hours_per_month) = number(&input.hours_per_month) else {
        return back(id, "adjusted", Err(unreadable("hours_per_month")));
    };
    let request = AdjustEngagement {
        starts_on,
        months,
        hours_per_month,
    };
    let done = services::engagements::adjust(
        &state.db,
        &user.caller,
        record.row.id,
        request,
        services::engagements::now(),
    )
    .await;
    back(id, "adjusted", done)
}

/// What the completion and retrospective forms send.
#[derive(Debug, Deserialize)]
pub struct LookBackInput {
    #[serde(default)]
    went_well: String,
    #[serde(default)]
    next_time: String,
}

impl LookBackInput {
    fn retrospective(self) -> Retrospective {
        Retrospective {
            went_well: self.went_well.trim().to_owned(),
            next_time: self.next_time.trim().to_owned(),
        }
    }
}

/// The coordinator or the SME completes the engagement.
#[post("/matches/{id}/engagement/complete")]
pub async fn complete_form(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<String>,
    CsrfForm(input): CsrfForm<LookBackInput>,
) -> Result<HttpResponse, PageError> {
    let id = match_id(&id)?;
    let record = engagement_of(&state, &user, id).await?;
    let request = CompleteEngagement {
        retrospective: Some(input.retrospective()),
    };
    let done = services::engagements::complete(
        &state.db,
        &state.ranking,
        &user.caller,
        record.row.id,
        request,
        services::engagements::now(),
    )
    .await;
    back(id, "completed", done)
}

/// What the extension form sends.
#[derive(Debug, Deserialize)]
pub struct ExtendInput {
    #[serde(default)]
    ends_on: String,
}

/// The coordinator or the SME extends the engagement to a new end date.
#[post("/matches/{id}/engagement/extend")]
pub async fn extend_form(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<String>,
    CsrfForm(input): CsrfForm<ExtendInput>,
) -> Result<HttpResponse, PageError> {
    let id = match_id(&id)?;
    let record = engagement_of(&state, &user, id).await?;
    let Ok(Some(ends_on)) = date(&input.ends_on) else {
        return back(id, "extended", Err(unreadable("ends_on")));
    };
    let request = ExtendEngagement {
        ends_on: Some(ends_on),
        months: None,
    };
    let done = services::engagements::extend(
        &state.db,
        &user.caller,
        record.row.id,
        request,
        services::engagements::now(),
    )
    .await;
    back(id, "extended", done)
}

/// A side looks back after the end.
#[post("/matches/{id}/engagement/retrospective")]
pub async fn look_back_form(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<String>,
    CsrfForm(input): CsrfForm<LookBackInput>,
) -> Result<HttpResponse, PageError> {
    let id = match_id(&id)?;
    let record = engagement_of(&state, &user, id).await?;
    let done = services::engagements::look_back(
        &state.db,
        &user.caller,
        record.row.id,
        input.retrospective(),
        services::engagements::now(),
    )
    .await;
    back(id, "looked_back", done)
}

#[derive(Template)]
#[template(path = "check_in_answer.html")]
struct AnswerPage<'a> {
    frame: &'a Frame,
    need: String,
    answer_key: &'static str,
    worrying: bool,
    /// The path the comment form posts to (the link itself).
    action: String,
    /// The comment was just saved.
    commented: bool,
    match_href: String,
}

/// A check-in email's link (no login): records its answer, then thanks and offers a
/// comment; a link that cannot be used says why and changes nothing.
#[get("/check-ins/answer/{token}")]
pub async fn follow_link(
    request: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let frame = Frame::for_anonymous_form(&request)?;
    match services::engagements::answer_by_link(&state.db, &token, services::engagements::now())
        .await?
    {
        Ok(answered) => page(
            &frame,
            StatusCode::OK,
            &AnswerPage {
                frame: &frame,
                need: answered.need_title,
                answer_key: answer_key(answered.answer),
                worrying: answered.answer.at_risk(),
                action: format!("/check-ins/answer/{}", token.as_str()),
                commented: false,
                match_href: format!("/matches/{}", answered.match_id),
            },
        ),
        Err((refusal, match_id)) => super::links::refused(&frame, refusal, match_id),
    }
}

/// What the comment form sends.
#[derive(Debug, Deserialize)]
pub struct CommentInput {
    #[serde(default)]
    comment: String,
}

/// The optional comment of the page a check-in link opened, proven by the same link.
#[post("/check-ins/answer/{token}")]
pub async fn comment_form(
    request: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    CsrfForm(input): CsrfForm<CommentInput>,
) -> Result<HttpResponse, PageError> {
    let frame = Frame::for_anonymous_form(&request)?;
    let saved =
        match services::engagements::comment_by_link(&state.db, &token, &input.comment).await {
            Ok(saved) => saved,
            Err(services::Error::Invalid(_)) => false,
            Err(error) => return Err(error.into()),
        };
    let Some(answered) = services::engagements::answered_by_link(&state.db, &token).await? else {
        return super::links::refused(
            &frame,
            crate::repo::action_links::LinkRefusal::Unknown,
            None,
        );
    };
    page(
        &frame,
        if saved {
            StatusCode::OK
        } else {
            StatusCode::CONFLICT
        },
        &AnswerPage {
            frame: &frame,
            need: answered.need_title,
            answer_key: answer_key(answered.answer),
            worrying: answered.answer.at_risk(),
            action: format!("/check-ins/answer/{}", token.as_str()),
            commented: saved,
            match_href: format!("/matches/{}", answered.match_id),
        },
    )
}
