//! `/password-reset`: asking for a link by email, and the page the emailed link opens
//! (`{MUSUBI_PUBLIC_URL}/password-reset?token=…`) to set a new password. Both go
//! through `services::accounts`, with the JSON API's throttles; the token travels in
//! a hidden field of the form, and a link unknown, expired or used says so.

use actix_web::{
    HttpRequest, HttpResponse, get,
    http::{StatusCode, header},
    post, web,
};
use askama::Template;
use serde::Deserialize;

use crate::{
    auth::throttle::Throttles,
    domain::{account::NewPassword, text::parse_email},
    services::{
        self,
        accounts::{self, ResetRefusal},
    },
    state::AppState,
    web::{
        csrf::CsrfForm,
        errors::PageError,
        form::{Errors, TextField},
        frame::{Frame, page, see_other},
    },
};

/// Where a set password sends the visitor: the login, with a notice.
pub const AFTER_RESET: &str = "/login?done=password_reset";

#[derive(Template)]
#[template(path = "password_reset_request.html")]
struct RequestForm<'a> {
    frame: &'a Frame,
    errors: Errors,
    fields: Vec<TextField>,
}

#[derive(Template)]
#[template(path = "password_reset_sent.html")]
struct Sent<'a> {
    frame: &'a Frame,
}

#[derive(Template)]
#[template(path = "password_reset.html")]
struct NewPasswordForm<'a> {
    frame: &'a Frame,
    token: String,
    errors: Errors,
    fields: Vec<TextField>,
}

#[derive(Template)]
#[template(path = "password_reset_refused.html")]
struct Refused<'a> {
    frame: &'a Frame,
    reason_key: &'static str,
}

fn request_form<'a>(frame: &'a Frame, email: &str, errors: Errors) -> RequestForm<'a> {
    let fields = vec![
        TextField::new("email", frame.msg("reset.email"), "email")
            .autocomplete("username")
            .hint(frame.msg("reset.email.hint"))
            .value(email)
            .required()
            .error(&errors),
    ];
    RequestForm {
        frame,
        errors,
        fields,
    }
}

fn new_password_form(frame: &Frame, token: String, errors: Errors) -> NewPasswordForm<'_> {
    let fields = vec![
        TextField::new("new_password", frame.msg("reset.new_password"), "password")
            .autocomplete("new-password")
            .hint(frame.msg("reset.new_password.hint"))
            .required()
            .error(&errors),
        TextField::new(
            "new_password_again",
            frame.msg("reset.new_password_again"),
            "password",
        )
        .autocomplete("new-password")
        .required()
        .error(&errors),
    ];
    NewPasswordForm {
        frame,
        token,
        errors,
        fields,
    }
}

/// The page of a link that cannot be used, saying why.
fn refused(frame: &Frame, refusal: ResetRefusal) -> Result<HttpResponse, PageError> {
    let reason_key = match refusal {
        ResetRefusal::Unknown => "reset.refused.unknown",
        ResetRefusal::Expired => "reset.refused.expired",
        ResetRefusal::Used => "reset.refused.used",
    };
    page(
        frame,
        StatusCode::BAD_REQUEST,
        &Refused { frame, reason_key },
    )
}

/// `?token=`
#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

/// With a link's token, the form for a new password (or why the link cannot be used);
/// without one, the form that asks for a link.
#[get("/password-reset")]
pub async fn show_form(
    request: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<TokenQuery>,
) -> Result<HttpResponse, PageError> {
    let frame = Frame::for_anonymous_form(&request)?;
    let token = query.token.as_deref().map(str::trim).unwrap_or_default();
    if token.is_empty() {
        return page(
            &frame,
            StatusCode::OK,
            &request_form(&frame, "", Errors::default()),
        );
    }
    match accounts::check_reset_link(&state.db, token).await {
        Ok(()) => page(
            &frame,
            StatusCode::OK,
            &new_password_form(&frame, token.to_owned(), Errors::default()),
        ),
        Err(services::Error::InvalidResetToken(refusal)) => refused(&frame, refusal),
        Err(error) => Err(error.into()),
    }
}

/// What the form asking for a link sends.
#[derive(Debug, Deserialize)]
pub struct RequestFields {
    #[serde(default)]
    email: String,
}

/// Asks for a link, then says one is on its way (whether or not the email has an
/// account: the page must not tell).
#[post("/password-reset/request")]
pub async fn request_link(
    request: HttpRequest,
    state: web::Data<AppState>,
    throttles: web::Data<Throttles>,
    CsrfForm(form): CsrfForm<RequestFields>,
) -> Result<HttpResponse, PageError> {
    let frame = Frame::for_anonymous_form(&request)?;
    let mut errors = Errors::default();
    let Some(email) = parse_email(&form.email) else {
        let key = if form.email.trim().is_empty() {
            "reset.email.missing"
        } else {
            "reset.email.invalid"
        };
        errors.add("email", frame.msg(key));
        return page(
            &frame,
            StatusCode::UNPROCESSABLE_ENTITY,
            &request_form(&frame, form.email.trim(), errors),
        );
    };
    let asked = accounts::request_password_reset(
        &state.db,
        &state.settings.public_url,
        &throttles,
        &crate::auth::extractor::client_key(&throttles, &request),
        email,
    );
    match asked {
        Ok(()) => Ok(see_other("/password-reset/sent").finish()),
        Err(services::Error::TooManyRequests { retry_after }) => {
            let seconds = retry_after.max(1).to_string();
            errors.add(
                "email",
                frame.msg_with("reset.throttled", &[("seconds", &seconds)]),
            );
            let mut response = page(
                &frame,
                StatusCode::TOO_MANY_REQUESTS,
                &request_form(&frame, form.email.trim(), errors),
            )?;
            if let Ok(value) = header::HeaderValue::from_str(&seconds) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            Ok(response)
        }
        Err(error) => Err(error.into()),
    }
}

/// The link is on its way (if the account exists).
#[get("/password-reset/sent")]
pub async fn sent(request: HttpRequest) -> Result<HttpResponse, PageError> {
    let frame = Frame::new(&request, None);
    page(&frame, StatusCode::OK, &Sent { frame: &frame })
}

/// What the new-password form sends.
#[derive(Debug, Deserialize)]
pub struct NewPasswordFields {
    #[serde(default)]
    token: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    new_password_again: String,
}

/// Sets the new password; then the visitor logs in with it.
#[post("/password-reset")]
pub async fn set_password(
    request: HttpRequest,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<NewPasswordFields>,
) -> Result<HttpResponse, PageError> {
    let frame = Frame::for_anonymous_form(&request)?;
    let token = form.token.trim().to_owned();
    let mut errors = Errors::default();
    let new = NewPassword::parse(form.new_password.clone())
        .map_err(|_| {
            let key = if form.new_password.is_empty() {
                "reset.new_password.missing"
            } else {
                "reset.new_password.invalid"
            };
            errors.add("new_password", frame.msg(key));
        })
        .ok();
    if form.new_password != form.new_password_again {
        errors.add(
            "new_password_again",
            frame.msg("reset.new_password.mismatch"),
        );
    }
    let new = match new {
        Some(new) if errors.is_empty() => new,
        _ => {
            return page(
                &frame,
                StatusCode::UNPROCESSABLE_ENTITY,
                &new_password_form(&frame, token, errors),
            );
        }
    };
    match accounts::confirm_password_reset(&state.db, &token, new).await {
        Ok(_) => Ok(see_other(AFTER_RESET).finish()),
        Err(services::Error::InvalidResetToken(refusal)) => refused(&frame, refusal),
        Err(error) => Err(error.into()),
    }
}
