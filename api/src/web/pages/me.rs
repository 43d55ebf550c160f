//! `/me`: the logged-in user's home. It greets them by role; an SME finds its needs
//! (open and closed) and the way to write a new one. What waits for them (answers
//! owed, meetings, applicants) comes with the role pages.

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, web};
use askama::Template;

use crate::{
    auth::AccountRole,
    repo::page::PageRequest,
    services,
    state::AppState,
    web::{
        caller::PageUser,
        errors::PageError,
        frame::{Frame, page},
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

#[derive(Template)]
#[template(path = "me.html")]
struct Me<'a> {
    frame: &'a Frame,
    greeting: String,
    role_key: &'static str,
    next_key: &'static str,
    /// Whether the user has applications to look at (a professional).
    applies: bool,
    /// Its own needs, newest first (an SME; `None` for the other roles).
    own_needs: Option<Vec<OwnNeed>>,
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
    let (role_key, next_key) = match user.role() {
        AccountRole::Sme => ("me.role.sme", "me.next.sme"),
        AccountRole::Professional => ("me.role.professional", "me.next.professional"),
        AccountRole::Coordinator => ("me.role.coordinator", "me.next.coordinator"),
    };
    let greeting = frame.msg_with("me.greeting", &[("name", user.display_name())]);
    page(
        &frame,
        StatusCode::OK,
        &Me {
            frame: &frame,
            greeting,
            role_key,
            next_key,
            applies: user.role() == AccountRole::Professional,
            own_needs,
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
