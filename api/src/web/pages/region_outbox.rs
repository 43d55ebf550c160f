//! `/region/outbox`: the mail of the coordinator's region that has not gone out — dead
//! (every attempt within the retry budget failed) and still retrying — with the last
//! error, and a button that sends a dead one again (`POST /region/outbox/{id}/retry`).
//! For the region's coordinators; other roles get the 403 page. Through
//! `services::outbox`, as `GET /outbox` and `POST /outbox/{id}/retry`.

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, post, web};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

use crate::{
    domain::{error::ConflictCode, ids::OutboxId},
    email::outbox::OutboxStatus,
    repo::page::PageRequest,
    services,
    state::AppState,
    web::{
        caller::PageUser,
        csrf::CsrfForm,
        errors::PageError,
        frame::{Frame, page, see_other},
        pages::{applications::NoFields, matches::in_tokyo},
    },
};

/// Emails on one page of the list.
const PER_PAGE: u64 = 50;

/// The statuses the page shows, in the order of its filter.
const SHOWN: [OutboxStatus; 2] = [OutboxStatus::Dead, OutboxStatus::Pending];

/// One email as the list shows it.
#[derive(Debug)]
struct EmailRow {
    created: String,
    to: String,
    subject: String,
    status: String,
    attempts: String,
    error: String,
    /// `/region/outbox/{id}/retry` for a dead one.
    retry: Option<String>,
}

/// A choice of the filter.
#[derive(Debug)]
struct Choice {
    value: &'static str,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "region_outbox.html")]
struct OutboxPage<'a> {
    frame: &'a Frame,
    notice: Option<&'static str>,
    refusal: Option<&'static str>,
    choices: Vec<Choice>,
    rows: Vec<EmailRow>,
    next: Option<String>,
}

/// `?status=dead|pending&cursor=…&done=…`
#[derive(Debug, Default, Deserialize)]
pub struct OutboxQuery {
    status: Option<String>,
    cursor: Option<String>,
    done: Option<String>,
}

fn status_key(status: OutboxStatus) -> &'static str {
    match status {
        OutboxStatus::Pending => "outbox.status.pending",
        OutboxStatus::Sending => "outbox.status.sending",
        OutboxStatus::Sent => "outbox.status.sent",
        OutboxStatus::Dead => "outbox.status.dead",
        OutboxStatus::Cancelled => "outbox.status.cancelled",
    }
}

/// The region's mail that has not gone out.
#[get("/region/outbox")]
pub async fn list(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
    query: web::Query<OutboxQuery>,
) -> Result<HttpResponse, PageError> {
    let notice = match query.done.as_deref() {
        Some("retried") => Some("outbox.done.retried"),
        _ => None,
    };
    let refusal = match query.done.as_deref() {
        Some("not_dead") => Some("outbox.refused.not_dead"),
        _ => None,
    };
    let desk = services::outbox::desk(&user.caller)?;
    let status = match query.status.as_deref().filter(|status| !status.is_empty()) {
        Some(text) => OutboxStatus::parse(text)
            .filter(|status| SHOWN.contains(status))
            .ok_or(PageError::BadRequest)?,
        None => OutboxStatus::Dead,
    };
    let before = match query.cursor.as_deref().filter(|cursor| !cursor.is_empty()) {
        Some(cursor) => Some(Uuid::parse_str(cursor).map_err(|_| PageError::BadRequest)?),
        None => None,
    };
    let found = services::outbox::list(
        &state.db,
        &desk,
        Some(status),
        PageRequest {
            limit: PER_PAGE,
            before,
        },
    )
    .await?;
    let frame = Frame::new(&request, Some(&user));
    let rows = found
        .items
        .iter()
        .map(|email| EmailRow {
            created: in_tokyo(email.row.created_at),
            to: email.row.to_address.clone(),
            subject: email.row.subject.clone(),
            status: frame.msg(status_key(email.status)).to_owned(),
            attempts: email.row.attempts.to_string(),
            error: email.row.last_error.clone().unwrap_or_default(),
            retry: (email.status == OutboxStatus::Dead)
                .then(|| format!("/region/outbox/{}/retry", email.row.id)),
        })
        .collect();
    let choices = SHOWN
        .iter()
        .map(|shown| Choice {
            value: shown.as_str(),
            label: frame.msg(status_key(*shown)).to_owned(),
            selected: *shown == status,
        })
        .collect();
    let next = found
        .next_cursor
        .map(|cursor| format!("/region/outbox?status={}&cursor={cursor}", status.as_str()));
    page(
        &frame,
        StatusCode::OK,
        &OutboxPage {
            frame: &frame,
            notice,
            refusal,
            choices,
            rows,
            next,
        },
    )
}

/// Sends a dead email again and goes back to the list.
#[post("/region/outbox/{id}/retry")]
pub async fn retry(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<String>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<HttpResponse, PageError> {
    let id = Uuid::parse_str(&id).map_err(|_| PageError::NotFound)?;
    match services::outbox::retry(&state.db, &user.caller, OutboxId(id)).await {
        Ok(_) => Ok(see_other("/region/outbox?done=retried").finish()),
        Err(services::Error::Conflict(ConflictCode::OutboxNotDead, _)) => {
            Ok(see_other("/region/outbox?done=not_dead").finish())
        }
        Err(error) => Err(error.into()),
    }
}
