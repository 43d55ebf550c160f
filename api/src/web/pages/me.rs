//! `/me`: the logged-in user's home, with what waits for them (`services::waiting`): a
//! professional's scout invitations to answer and meetings coming; an SME's new
//! applicants per need, introductions and meetings coming; a coordinator's matches
//! waiting on someone and the meetings of the week. Each line links to its page. An SME
//! also finds its own needs (open and closed) and the way to write a new one.

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, web};
use askama::Template;
use chrono::Utc;

use crate::{
    access,
    auth::AccountRole,
    repo::page::PageRequest,
    services::{self, matches::MatchRecord},
    state::AppState,
    web::{
        caller::PageUser,
        errors::PageError,
        frame::{Frame, page},
        pages::matches::{in_tokyo, professional_line, status_key},
    },
};

/// The most of its own needs an SME's home lists (an SME posts few).
const OWN_NEEDS: u64 = 100;

/// One of the SME's own needs, as its home lists it.
#[derive(Debug)]
struct OwnNeed {
    /// `/needs/{id}`.
    href: String,
    title: String,
    /// Open or closed, and when it was posted, in words.
    status: String,
    open: bool,
}

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
    /// Whether the user has applications to look at (a professional).
    applies: bool,
    /// Whether the user works a region's desk (a coordinator).
    coordinates: bool,
    /// Its own needs, newest first (an SME; `None` for the other roles).
    own_needs: Option<Vec<OwnNeed>>,
    /// What waits.
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
    let own_needs = match user.role() {
        AccountRole::Sme => Some(own_needs(&frame, &state, &user).await?),
        AccountRole::Professional | AccountRole::Coordinator => None,
    };
    let role_key = match user.role() {
        AccountRole::Sme => "me.role.sme",
        AccountRole::Professional => "me.role.professional",
        AccountRole::Coordinator => "me.role.coordinator",
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
            applies: user.role() == AccountRole::Professional,
            coordinates: user.role() == AccountRole::Coordinator,
            own_needs,
            answers: cards(&frame, &user, &waiting.answers, false)?,
            answers_key,
            introductions: cards(&frame, &user, &waiting.introductions, false)?,
            meetings: cards(&frame, &user, &waiting.meetings, true)?,
            meetings_key,
            applicants,
        },
    )
}

/// The SME's own needs, open and closed, newest first.
async fn own_needs(
    frame: &Frame,
    state: &AppState,
    user: &PageUser,
) -> Result<Vec<OwnNeed>, PageError> {
    let search = services::needs::Search {
        mine: true,
        ..services::needs::Search::default()
    };
    let found = services::needs::list(
        &state.db,
        Some(&user.caller),
        search,
        PageRequest {
            limit: OWN_NEEDS,
            before: None,
        },
    )
    .await?;
    let mut needs = Vec::with_capacity(found.items.len());
    for posted in &found.items {
        let open = posted.is_open();
        let date = posted.need.created_at.format("%Y-%m-%d").to_string();
        needs.push(OwnNeed {
            href: format!("/needs/{}", posted.need.id),
            title: posted.spec()?.title,
            status: frame.msg_with(
                if open {
                    "me.needs.open"
                } else {
                    "me.needs.closed"
                },
                &[("date", &date)],
            ),
            open,
        });
    }
    Ok(needs)
}
