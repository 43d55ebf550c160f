//! Proposed meeting times, answered ([`services::proposals`]):
//!
//! - `GET /meetings/choose/{token}`: the one-click link of the professional's email, no
//!   login. It confirms its time (the meeting is scheduled and everyone gets the
//!   invitation) or, for "none of these work", asks the proposer for other times, and
//!   says so. A link that does nothing (used, another of its email used, changed,
//!   expired) shows the kind page ([`super::links::refused`]) and changes nothing.
//! - `POST /matches/{id}/meeting/choose`: the same choice on the match page, for the
//!   logged-in professional (`time` is the index of the time; `none` asks for others).

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, post, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use super::{
    links::refused,
    match_forms::Again,
    matches::{in_tokyo, render},
};
use crate::{
    domain::ids::MatchId,
    services::{self, matches::Mail, proposals::Answered},
    state::AppState,
    web::{
        caller::PageUser,
        csrf::CsrfForm,
        errors::PageError,
        frame::{Frame, page, see_other},
    },
};

#[derive(Template)]
#[template(path = "meeting_chosen.html")]
struct Chosen<'a> {
    frame: &'a Frame,
    title_key: &'static str,
    /// What was done: the time confirmed (in Japan time), or other times asked for.
    lead: String,
    detail_key: Option<&'static str>,
    match_href: String,
}

/// Follows an emailed link.
#[get("/meetings/choose/{token}")]
pub async fn follow(
    request: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let frame = Frame::new(&request, None);
    let mail = Mail::from(&*state.settings);
    let answered = services::proposals::follow_link(&state.db, mail, &token, Utc::now()).await?;
    let chosen = match answered {
        Answered::Scheduled {
            match_id,
            starts_at,
        } => Chosen {
            frame: &frame,
            title_key: "meeting_choice.confirmed.title",
            lead: frame.msg_with(
                "meeting_choice.confirmed.at",
                &[("at", &in_tokyo(starts_at))],
            ),
            detail_key: Some("meeting_choice.confirmed.invitation"),
            match_href: format!("/matches/{match_id}"),
        },
        Answered::OtherTimesAsked { match_id } => Chosen {
            frame: &frame,
            title_key: "meeting_choice.declined.title",
            lead: frame.msg("meeting_choice.declined.lead").to_owned(),
            detail_key: None,
            match_href: format!("/matches/{match_id}"),
        },
        Answered::Refused(refusal, match_id) => return refused(&frame, refusal, match_id),
    };
    page(&frame, StatusCode::OK, &chosen)
}

/// What a time's form on the match page sends.
#[derive(Debug, Deserialize)]
pub struct ChooseForm {
    proposal: String,
    /// The index of the time; empty or missing with `none`.
    #[serde(default)]
    time: String,
    /// Set by the "none of these work" button.
    #[serde(default)]
    none: String,
}

/// The professional answers the proposal on the match page.
#[post("/matches/{id}/meeting/choose")]
pub async fn choose(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<String>,
    CsrfForm(form): CsrfForm<ChooseForm>,
) -> Result<HttpResponse, PageError> {
    let id = Uuid::parse_str(&id).map_err(|_| PageError::NotFound)?;
    let proposal = Uuid::parse_str(form.proposal.trim()).map_err(|_| PageError::BadRequest)?;
    let time = if form.none.is_empty() {
        Some(
            form.time
                .trim()
                .parse::<usize>()
                .map_err(|_| PageError::BadRequest)?,
        )
    } else {
        None
    };
    let mail = Mail::from(&*state.settings);
    match services::proposals::choose(&state.db, mail, &user.caller, MatchId(id), proposal, time)
        .await
    {
        Ok(Answered::OtherTimesAsked { .. }) => {
            Ok(see_other(&format!("/matches/{id}?done=times_declined")).finish())
        }
        Ok(_) => Ok(see_other(&format!("/matches/{id}?done=time_chosen")).finish()),
        Err(services::Error::Conflict(..)) => {
            let again = Again {
                refusal: Some("match.refused.changed"),
                ..Again::default()
            };
            render(
                &request,
                &state,
                &user,
                id,
                StatusCode::CONFLICT,
                None,
                again,
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}
