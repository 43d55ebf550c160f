//! `/me`: the logged-in user's home, with what waits for them (`services::waiting`): a
//! professional's scout invitations to answer and meetings coming; an SME's new
//! applicants per need, introductions and meetings coming; a coordinator's matches
//! waiting on someone and the meetings of the week. Each line links to its page.

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, web};
use askama::Template;
use chrono::Utc;

use crate::{
    access,
    auth::AccountRole,
    services::{self, matches::MatchRecord},
    state::AppState,
    web::{
        caller::PageUser,
        errors::PageError,
        frame::{Frame, page},
        pages::matches::{in_tokyo, professional_line, status_key},
    },
};

/// A match waiting on someone, as `/me` lists it.
#[derive(Debug)]
pub struct WaitingCard {
    /// `/matches/{id}`.
    href: String,
    need: String,
    /// The organization, and the professional as far as the viewer may know them.
    with: String,
    /// Where it stands, or when the meeting starts.
    state: String,
}

/// A need with applicants not yet introduced.
#[derive(Debug)]
pub struct ApplicantsCard {
    /// `/needs/{id}/candidates`.
    href: String,
    need: String,
    count: String,
}

#[derive(Template)]
#[template(path = "me.html")]
struct Me<'a> {
    frame: &'a Frame,
    greeting: String,
    role_key: &'static str,
    next_key: &'static str,
    /// Whether the user has applications to look at (a professional).
    applies: bool,
    /// h-matchact: what waits.
    answers: Vec<WaitingCard>,
    answers_key: &'static str,
    introductions: Vec<WaitingCard>,
    meetings: Vec<WaitingCard>,
    meetings_key: &'static str,
    applicants: Vec<ApplicantsCard>,
}

impl Me<'_> {
    /// Whether nothing waits at all.
    fn nothing_waits(&self) -> bool {
        self.answers.is_empty()
            && self.introductions.is_empty()
            && self.meetings.is_empty()
            && self.applicants.is_empty()
    }
}

fn card(
    frame: &Frame,
    user: &PageUser,
    record: &MatchRecord,
    meeting: bool,
) -> Result<WaitingCard, PageError> {
    let rights = access::contact_rights(&user.caller, &record.facts(), record.contact_shared());
    let professional = professional_line(record, rights.professional)?;
    let organization = record.parties.organization.name.clone();
    let with = match user.role() {
        AccountRole::Professional => organization,
        AccountRole::Sme => professional,
        AccountRole::Coordinator => [organization, professional]
            .into_iter()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" · "),
    };
    let state = match record.meeting.as_ref().filter(|_| meeting) {
        Some(found) => frame.msg_with(
            "match.meeting.starts.value",
            &[("at", &in_tokyo(found.starts_at))],
        ),
        None => frame.msg(status_key(record.status)).to_owned(),
    };
    Ok(WaitingCard {
        href: format!("/matches/{}", record.row.id),
        need: record.parties.need.title.clone(),
        with,
        state,
    })
}

fn cards(
    frame: &Frame,
    user: &PageUser,
    records: &[MatchRecord],
    meeting: bool,
) -> Result<Vec<WaitingCard>, PageError> {
    records
        .iter()
        .map(|record| card(frame, user, record, meeting))
        .collect()
}

/// The user's home.
#[get("/me")]
pub async fn me(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
) -> Result<HttpResponse, PageError> {
    let frame = Frame::new(&request, Some(&user));
    let (role_key, next_key) = match user.role() {
        AccountRole::Sme => ("me.role.sme", "me.next.sme"),
        AccountRole::Professional => ("me.role.professional", "me.next.professional"),
        AccountRole::Coordinator => ("me.role.coordinator", "me.next.coordinator"),
    };
    let greeting = frame.msg_with("me.greeting", &[("name", user.display_name())]);
    let waiting = services::waiting::of(&state.db, &user.caller, Utc::now()).await?;
    let (answers_key, meetings_key) = match user.role() {
        AccountRole::Professional => ("me.waiting.answers.professional", "me.waiting.meetings"),
        AccountRole::Sme => ("me.waiting.answers.others", "me.waiting.meetings"),
        AccountRole::Coordinator => ("me.waiting.answers.others", "me.waiting.meetings.week"),
    };
    let applicants = waiting
        .applicants
        .iter()
        .map(|need| ApplicantsCard {
            href: format!("/needs/{}/candidates", need.need_id),
            need: need.need_title.clone(),
            count: frame.msg_with(
                "me.waiting.applicants.count",
                &[("count", &need.count.to_string())],
            ),
        })
        .collect();
    page(
        &frame,
        StatusCode::OK,
        &Me {
            frame: &frame,
            greeting,
            role_key,
            next_key,
            applies: user.role() == AccountRole::Professional,
            answers: cards(&frame, &user, &waiting.answers, false)?,
            answers_key,
            introductions: cards(&frame, &user, &waiting.introductions, false)?,
            meetings: cards(&frame, &user, &waiting.meetings, true)?,
            meetings_key,
            applicants,
        },
    )
}
