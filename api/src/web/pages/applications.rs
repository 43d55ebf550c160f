//! `/me/applications`: a professional's own applications, newest first, each one still
//! submitted with its withdraw button (`POST /me/applications/{id}/withdraw`). Other
//! roles get the 403 page. Through `services::applications`.

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, post, web};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

use crate::{
    auth::AccountRole,
    domain::{enums::ApplicationStatus, error::ConflictCode, ids::ApplicationId},
    repo::page::PageRequest,
    services,
    state::AppState,
    web::{
        caller::PageUser,
        csrf::CsrfForm,
        errors::PageError,
        frame::{Frame, page, see_other},
    },
};

/// The most applications the page lists (a professional applies to few needs).
const PER_PAGE: u64 = 100;

/// An application as the list shows it.
#[derive(Debug)]
struct ApplicationCard {
    /// `/needs/{id}`.
    need_href: String,
    need_title: String,
    /// Its status, in words.
    status: String,
    /// When it was sent.
    date: String,
    proposal: String,
    /// `/me/applications/{id}/withdraw` while it is submitted.
    withdraw: Option<String>,
}

#[derive(Template)]
#[template(path = "applications.html")]
struct ApplicationsPage<'a> {
    frame: &'a Frame,
    /// What was just done, above the list.
    notice: Option<&'static str>,
    /// Why the last action was refused.
    refusal: Option<&'static str>,
    cards: Vec<ApplicationCard>,
}

/// `?done=`
#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

/// The professional's applications.
#[get("/me/applications")]
pub async fn list(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, PageError> {
    let notice = match query.done.as_deref() {
        Some("applied") => Some("applications.done.applied"),
        Some("withdrawn") => Some("applications.done.withdrawn"),
        _ => None,
    };
    render(&request, &state, &user, StatusCode::OK, notice, None).await
}

/// What the withdraw form sends: only its token.
#[derive(Debug, Deserialize)]
pub struct NoFields {}

/// Withdraws one's application and goes back to the list.
#[post("/me/applications/{id}/withdraw")]
pub async fn withdraw(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<String>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<HttpResponse, PageError> {
    professional_only(&user)?;
    let id = Uuid::parse_str(&id).map_err(|_| PageError::NotFound)?;
    match services::applications::withdraw(&state.db, &user.caller, ApplicationId(id)).await {
        Ok(_) => Ok(see_other("/me/applications?done=withdrawn").finish()),
        Err(services::Error::Conflict(ConflictCode::AlreadyWithdrawn, _)) => {
            render(
                &request,
                &state,
                &user,
                StatusCode::CONFLICT,
                None,
                Some("applications.refused.already_withdrawn"),
            )
            .await
        }
        Err(error) => Err(error.into()),
    }
}

fn professional_only(user: &PageUser) -> Result<(), PageError> {
    match user.role() {
        AccountRole::Professional => Ok(()),
        AccountRole::Sme | AccountRole::Coordinator => Err(PageError::Forbidden),
    }
}

async fn render(
    request: &HttpRequest,
    state: &AppState,
    user: &PageUser,
    status: StatusCode,
    notice: Option<&'static str>,
    refusal: Option<&'static str>,
) -> Result<HttpResponse, PageError> {
    professional_only(user)?;
    let frame = Frame::new(request, Some(user));
    let found = services::applications::list(
        &state.db,
        &user.caller,
        None,
        PageRequest {
            limit: PER_PAGE,
            before: None,
        },
    )
    .await?;
    let mut cards = Vec::with_capacity(found.items.len());
    for detail in found.items {
        let row = &detail.application;
        let submitted = row.status().map_err(PageError::from)? == ApplicationStatus::Submitted;
        cards.push(ApplicationCard {
            need_href: format!("/needs/{}", row.need_id),
            need_title: detail.need_title.clone(),
            status: frame
                .msg(if submitted {
                    "applications.status.submitted"
                } else {
                    "applications.status.withdrawn"
                })
                .to_owned(),
            date: frame.msg_with(
                "applications.date",
                &[("date", &row.created_at.format("%Y-%m-%d").to_string())],
            ),
            proposal: row.message.clone(),
            withdraw: submitted.then(|| format!("/me/applications/{}/withdraw", row.id)),
        });
    }
    page(
        &frame,
        status,
        &ApplicationsPage {
            frame: &frame,
            notice,
            refusal,
            cards,
        },
    )
}
