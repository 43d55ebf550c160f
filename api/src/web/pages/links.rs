//! What every one-click link's page shows when the link does nothing: used before (or
//! another choice of its email was), expired, or not a link Musubi sent. Said kindly,
//! with the way on: the match page after logging in. Nothing is changed.

use actix_web::{HttpResponse, http::StatusCode};
use askama::Template;
use uuid::Uuid;

use crate::{
    repo::action_links::LinkRefusal,
    web::{
        errors::PageError,
        frame::{Frame, page},
    },
};

#[derive(Template)]
#[template(path = "link_refused.html")]
struct Refused<'a> {
    frame: &'a Frame,
    reason_key: &'static str,
    next_href: String,
}

/// The page of a one-click link that cannot be used, saying why (400 for an unknown
/// link, 410 for an expired one, 409 for one used before). `match_id`, when the link was
/// found, points the way on to the match page.
pub fn refused(
    frame: &Frame,
    refusal: LinkRefusal,
    match_id: Option<Uuid>,
) -> Result<HttpResponse, PageError> {
    let (status, reason_key) = match refusal {
        LinkRefusal::Unknown => (StatusCode::BAD_REQUEST, "link.refused.unknown"),
        LinkRefusal::Expired => (StatusCode::GONE, "link.refused.expired"),
        LinkRefusal::Used => (StatusCode::CONFLICT, "link.refused.used"),
    };
    let next_href = match match_id {
        Some(id) => format!("/matches/{id}"),
        None => "/me".to_owned(),
    };
    page(
        frame,
        status,
        &Refused {
            frame,
            reason_key,
            next_href,
        },
    )
}
