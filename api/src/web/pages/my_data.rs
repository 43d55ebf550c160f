//! `/me/data`: what Musubi holds about a professional. The export downloads as the same
//! JSON file as `GET /api/v1/profiles/me/export` (`/me/data/export`); erasure
//! (`POST /me/data/erase`, the rules of `DELETE /api/v1/profiles/me`) says first what
//! it will do and asks for a checked confirmation. Erasing ends every session of the
//! user (the service ends them in its transaction), so the browser lands on `/` logged
//! out, with a notice. Other roles get the 403 page.

use actix_web::{
    HttpRequest, HttpResponse, get,
    http::{StatusCode, header},
    post, web,
};
use askama::Template;
use serde::Deserialize;

use crate::{
    auth::AccountRole,
    routes::profiles::{EXPORT_DISPOSITION, export_view},
    services,
    state::AppState,
    web::{
        caller::PageUser,
        csrf::CsrfForm,
        errors::PageError,
        frame::{Frame, page, see_other},
        session,
    },
};

/// What erasure does, in the order it happens (keys of the catalogue).
const ERASURE_STEPS: [&str; 6] = [
    "data.erase.step.profile",
    "data.erase.step.applications",
    "data.erase.step.matches",
    "data.erase.step.mail",
    "data.erase.step.account",
    "data.erase.step.sessions",
];

/// What the export holds (keys of the catalogue).
const EXPORT_PARTS: [&str; 6] = [
    "data.export.part.account",
    "data.export.part.profile",
    "data.export.part.applications",
    "data.export.part.disclosures",
    "data.export.part.provisions",
    "data.export.part.relays",
];

#[derive(Template)]
#[template(path = "my_data.html")]
struct DataPage<'a> {
    frame: &'a Frame,
    export_parts: [&'static str; 6],
    erasure_steps: [&'static str; 6],
    /// Why the erasure was not done.
    confirm_error: Option<&'a str>,
    /// Each time the profile was shown to another region (newest first).
    provisions: Vec<ProvisionRow>,
}

/// A provision record as the page lists it.
#[derive(Debug)]
struct ProvisionRow {
    /// `2026-12-05 10:30` (Asia/Tokyo).
    at: String,
    region: String,
    /// How it was shown, in words.
    channel: String,
    /// On what consent, in words.
    consent: String,
}

fn provision_rows(
    frame: &Frame,
    provisions: Vec<services::sharing::Provision>,
) -> Vec<ProvisionRow> {
    provisions
        .into_iter()
        .rev()
        .map(|found| {
            let row = found.record;
            let channel = match row.channel.as_str() {
                "candidates" => "data.provisions.channel.candidates",
                "suggestion" => "data.provisions.channel.suggestion",
                _ => "data.provisions.channel.profile_view",
            };
            let consent = match row.consent.as_str() {
                "all" => "data.provisions.consent.all",
                "list" => "data.provisions.consent.list",
                _ => "data.provisions.consent.proposal",
            };
            ProvisionRow {
                at: super::matches::in_tokyo(row.created_at),
                region: found.region_name,
                channel: frame.msg(channel).to_owned(),
                consent: frame.msg(consent).to_owned(),
            }
        })
        .collect()
}

fn professional_only(user: &PageUser) -> Result<(), PageError> {
    match user.role() {
        AccountRole::Professional => Ok(()),
        AccountRole::Sme | AccountRole::Coordinator => Err(PageError::Forbidden),
    }
}

fn render(
    frame: &Frame,
    status: StatusCode,
    confirm_error: Option<&str>,
    provisions: Vec<ProvisionRow>,
) -> Result<HttpResponse, PageError> {
    page(
        frame,
        status,
        &DataPage {
            frame,
            export_parts: EXPORT_PARTS,
            erasure_steps: ERASURE_STEPS,
            confirm_error,
            provisions,
        },
    )
}

/// The page: the export (with the provision records listed), and the erasure.
#[get("/me/data")]
pub async fn show(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
) -> Result<HttpResponse, PageError> {
    professional_only(&user)?;
    let frame = Frame::new(&request, Some(&user));
    let provisions = services::sharing::mine(&state.db, &user.caller).await?;
    let rows = provision_rows(&frame, provisions);
    render(&frame, StatusCode::OK, None, rows)
}

/// Everything held about the user, as a JSON file to save.
#[get("/me/data/export")]
pub async fn export(state: web::Data<AppState>, user: PageUser) -> Result<HttpResponse, PageError> {
    professional_only(&user)?;
    let export = export_view(services::profiles::export(&state.db, &user.caller).await?);
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_DISPOSITION, EXPORT_DISPOSITION))
        // A file to keep, not a page to cache.
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(export))
}

/// What the erasure form sends.
#[derive(Debug, Deserialize)]
pub struct EraseFields {
    #[serde(default)]
    confirm: String,
}

/// Erases the user's personal data once they confirmed it, then sends them to `/`
/// logged out.
#[post("/me/data/erase")]
pub async fn erase(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
    CsrfForm(fields): CsrfForm<EraseFields>,
) -> Result<HttpResponse, PageError> {
    professional_only(&user)?;
    if fields.confirm != "erase" {
        let frame = Frame::new(&request, Some(&user));
        let error = frame.msg("data.erase.confirm.missing");
        let provisions = services::sharing::mine(&state.db, &user.caller).await?;
        let rows = provision_rows(&frame, provisions);
        return render(&frame, StatusCode::UNPROCESSABLE_ENTITY, Some(error), rows);
    }
    services::profiles::erase(
        &state.db,
        &state.ranking,
        &state.settings.public_url,
        &user.caller,
    )
    .await?;
    let web = &state.settings.web;
    Ok(see_other("/?done=erased")
        .cookie(session::removal(web, session::cookie_name(web)))
        .finish())
}
