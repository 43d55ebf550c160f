//! `/me`: the logged-in user's home. For now it greets them by role; what waits for
//! them (answers owed, meetings, applicants) comes with the role pages.

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode};
use askama::Template;

use crate::{
    auth::AccountRole,
    web::{
        caller::PageUser,
        errors::PageError,
        frame::{Frame, page},
    },
};

#[derive(Template)]
#[template(path = "me.html")]
struct Me<'a> {
    frame: &'a Frame,
    greeting: String,
    role_key: &'static str,
    next_key: &'static str,
    /// Whether the user has applications to look at (a professional).
    applies: bool,
}

/// The user's home.
#[get("/me")]
pub async fn me(request: HttpRequest, user: PageUser) -> Result<HttpResponse, PageError> {
    let frame = Frame::new(&request, Some(&user));
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
        },
    )
}
