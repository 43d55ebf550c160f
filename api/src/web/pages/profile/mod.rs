//! `/me/profile`: a professional writes their profile (headline, bio and motivation,
//! skills from the taxonomy with levels, roles, ties to places, hours, meeting times,
//! pay or pro bono, visits) through `services::profiles::put`, the rules of
//! `PUT /api/v1/profiles/me`. Errors are shown beside their fields with the input kept;
//! a saved profile comes back as `/me/profile?done=saved`. Other roles get the 403 page.

mod fields;
mod view;

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, post, web};
use serde::Deserialize;

use self::fields::{Typed, domain_error, to_input};
use crate::{
    auth::AccountRole,
    services,
    state::AppState,
    web::{
        caller::PageUser,
        csrf::CsrfForm,
        errors::PageError,
        form::Errors,
        frame::{Frame, page, see_other},
    },
};

/// Empty skill rows under the stored ones, and empty rows of roles and ties.
const EMPTY_SKILL_ROWS: usize = 5;
const EMPTY_OTHER_ROWS: usize = 2;

/// `?skill_q=` (narrows the skill picker) and `?done=`.
#[derive(Debug, Default, Deserialize)]
pub struct ProfileQuery {
    #[serde(default)]
    skill_q: String,
    #[serde(default)]
    done: String,
}

/// Professionals only: other roles get the 403 page.
pub(super) fn professional_only(user: &PageUser) -> Result<(), PageError> {
    match user.role() {
        AccountRole::Professional => Ok(()),
        AccountRole::Sme | AccountRole::Coordinator => Err(PageError::Forbidden),
    }
}

/// The editor, filled with the stored profile (or the defaults of a new one).
#[get("/me/profile")]
pub async fn edit(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
    query: web::Query<ProfileQuery>,
) -> Result<HttpResponse, PageError> {
    professional_only(&user)?;
    let frame = Frame::new(&request, Some(&user));
    let (typed, exists) = match services::profiles::mine(&state.db, &user.caller).await {
        Ok(profile) => (Typed::from_input(&profile.input), true),
        Err(services::Error::NotFound) => (Typed::default(), false),
        Err(error) => return Err(error.into()),
    };
    let typed = typed.with_empty_rows(EMPTY_SKILL_ROWS, EMPTY_OTHER_ROWS);
    let notice = match query.done.as_str() {
        "saved" => Some("profile.done.saved"),
        "sharing" => Some("sharing.done"),
        "withdrawn" => Some("sharing.withdrawn"),
        "relays" => Some("relays.done"),
        _ => None,
    };
    let mut shown = view::page(
        &frame,
        &typed,
        Errors::default(),
        exists,
        &query.skill_q,
        notice,
    );
    shown.sharing = Some(super::sharing::stored(&frame, &state, &user).await?);
    shown.relays = services::relay::preference(&state.db, &user.caller).await?;
    page(&frame, StatusCode::OK, &shown)
}

/// The editor with the stored profile and this sharing section (a refused choice).
pub(super) async fn with_sharing(
    frame: &Frame,
    state: &AppState,
    user: &PageUser,
    sharing: super::sharing::SharingSection,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let (typed, exists) = match services::profiles::mine(&state.db, &user.caller).await {
        Ok(profile) => (Typed::from_input(&profile.input), true),
        Err(services::Error::NotFound) => (Typed::default(), false),
        Err(error) => return Err(error.into()),
    };
    let typed = typed.with_empty_rows(EMPTY_SKILL_ROWS, EMPTY_OTHER_ROWS);
    let mut shown = view::page(frame, &typed, Errors::default(), exists, "", None);
    shown.sharing = Some(sharing);
    shown.relays = services::relay::preference(&state.db, &user.caller).await?;
    page(frame, status, &shown)
}

/// What the relay setting's form sends: the checkbox, present when on.
#[derive(Debug, Deserialize)]
pub struct RelaysForm {
    #[serde(default)]
    relays: Option<String>,
}

/// Turns the kind relay on or off.
#[post("/me/profile/relays")]
pub async fn save_relays(
    state: web::Data<AppState>,
    user: PageUser,
    CsrfForm(form): CsrfForm<RelaysForm>,
) -> Result<HttpResponse, PageError> {
    professional_only(&user)?;
    let enabled = form.relays.is_some_and(|value| !value.is_empty());
    services::relay::set_preference(&state.db, &user.caller, enabled, chrono::Utc::now()).await?;
    Ok(see_other("/me/profile?done=relays#relays").finish())
}

/// Saves the profile, or shows the form again with each error beside its field.
#[post("/me/profile")]
pub async fn save(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    professional_only(&user)?;
    let frame = Frame::new(&request, Some(&user));
    let typed = Typed::from_pairs(pairs);
    let mut errors = Errors::default();
    let (input, rows) = to_input(&frame, &typed, &mut errors);
    let invalid = |errors: Errors, exists: bool| {
        page(
            &frame,
            StatusCode::UNPROCESSABLE_ENTITY,
            &view::page(&frame, &typed, errors, exists, "", None),
        )
    };
    if !errors.is_empty() {
        // Checked by the domain too, so every error shows at once.
        if let Err(found) = input.clone().parse() {
            for error in found {
                let (id, key) = domain_error(&rows, &error);
                errors.add(id, frame.msg(key));
            }
        }
        let exists = services::profiles::mine(&state.db, &user.caller)
            .await
            .is_ok();
        return invalid(errors, exists);
    }
    match services::profiles::put(&state.db, &state.ranking, &user.caller, input).await {
        Ok(_) => Ok(see_other("/me/profile?done=saved").finish()),
        Err(services::Error::Invalid(found)) => {
            for error in found {
                let (id, key) = domain_error(&rows, &error);
                errors.add(id, frame.msg(key));
            }
            let exists = services::profiles::mine(&state.db, &user.caller)
                .await
                .is_ok();
            invalid(errors, exists)
        }
        Err(error) => Err(error.into()),
    }
}
