//! `/region/congestion`: the region's congestion dampening weight, beside its factor
//! weights (linked from `/region/weights`). One number, saved through
//! `services::congestion::set` (the rule of `PUT /api/v1/regions/{id}/congestion`);
//! a refused one comes back beside the field, as typed. For the region's coordinators;
//! other roles get the 403 page.

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, post, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    services,
    state::AppState,
    web::{
        caller::PageUser,
        csrf::CsrfForm,
        errors::PageError,
        form::{Errors, TextField},
        frame::{Frame, page, see_other},
    },
};

/// The field's id and name.
const WEIGHT: &str = "weight";

#[derive(Template)]
#[template(path = "region_congestion.html")]
struct CongestionPage<'a> {
    frame: &'a Frame,
    notice: Option<&'static str>,
    errors: Errors,
    weight: TextField,
}

/// `?done=saved`
#[derive(Debug, Default, Deserialize)]
pub struct CongestionQuery {
    done: Option<String>,
}

/// What the form sends.
#[derive(Debug, Deserialize)]
pub struct CongestionFields {
    #[serde(default)]
    weight: String,
}

fn render(
    frame: &Frame,
    status: StatusCode,
    value: &str,
    errors: Errors,
    notice: Option<&'static str>,
) -> Result<HttpResponse, PageError> {
    let weight = TextField::new(WEIGHT, frame.msg("congestion.label"), "text")
        .value(value)
        .hint(frame.msg("congestion.hint"))
        .required()
        .error(&errors);
    page(
        frame,
        status,
        &CongestionPage {
            frame,
            notice,
            errors,
            weight,
        },
    )
}

/// The region's weight, and the form to change it.
#[get("/region/congestion")]
pub async fn show(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
    query: web::Query<CongestionQuery>,
) -> Result<HttpResponse, PageError> {
    let region = services::regions::own(&user.caller)?;
    let weight = services::congestion::get(&state.db, &user.caller, region).await?;
    let frame = Frame::new(&request, Some(&user));
    let notice = (query.done.as_deref() == Some("saved")).then_some("congestion.done");
    render(
        &frame,
        StatusCode::OK,
        &weight.to_string(),
        Errors::default(),
        notice,
    )
}

/// Saves the weight, or shows the form again with the error beside it.
#[post("/region/congestion")]
pub async fn save(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
    CsrfForm(fields): CsrfForm<CongestionFields>,
) -> Result<HttpResponse, PageError> {
    let region = services::regions::own(&user.caller)?;
    let frame = Frame::new(&request, Some(&user));
    let typed = fields.weight.trim();
    let refused = || {
        let mut errors = Errors::default();
        errors.add(WEIGHT, frame.msg("congestion.error"));
        render(
            &frame,
            StatusCode::UNPROCESSABLE_ENTITY,
            typed,
            errors,
            None,
        )
    };
    let Ok(weight) = typed.parse::<f64>() else {
        return refused();
    };
    match services::congestion::set(&state.db, &user.caller, region, weight).await {
        Ok(_) => Ok(see_other("/region/congestion?done=saved").finish()),
        Err(services::Error::Invalid(_)) => refused(),
        Err(error) => Err(error.into()),
    }
}
