//! `/login` and `/logout`. The login checks the password and throttles failures
//! exactly as the JSON API's `POST /auth/login` does (one service), then begins a new
//! session (a new id: an id planted before cannot be adopted) and returns to the page
//! the visitor was sent from.

use actix_web::{
    HttpRequest, HttpResponse, get,
    http::{StatusCode, header},
    post, web,
};
use askama::Template;
use serde::Deserialize;

use crate::{
    auth::throttle::Throttles,
    config::Secret,
    services::{self, accounts},
    state::AppState,
    web::{
        caller::Visitor,
        csrf::{self, CsrfForm},
        errors::PageError,
        frame::{Frame, page, safe_next, see_other},
        session,
    },
};

/// Where a login goes when it was not sent from a page.
const HOME_OF_USER: &str = "/me";

/// The page a login returns to: one of this site's, and not the login or logout.
fn return_to(next: &str) -> Option<String> {
    safe_next(next).filter(|next| {
        let path = next.split(['?', '#']).next().unwrap_or_default();
        !matches!(path, "/login" | "/logout")
    })
}

#[derive(Template)]
#[template(path = "login.html")]
struct Login<'a> {
    frame: &'a Frame,
    /// Shown above the form when the visitor was sent here by a page.
    required: bool,
    /// What was just done (a password set through a reset link), shown above the form.
    done: Option<&'static str>,
    next: Option<String>,
    email: String,
    email_error: Option<&'static str>,
    password_error: Option<&'static str>,
    /// A message for the whole form (wrong credentials, throttled).
    form_error: Option<String>,
}

impl Login<'_> {
    fn has_errors(&self) -> bool {
        self.email_error.is_some() || self.password_error.is_some() || self.form_error.is_some()
    }
}

/// `?next=` and `?done=`
#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
    done: Option<String>,
}

/// The notice of what a page sending the visitor here has done.
fn done_notice(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "password_reset" => Some("login.done.password_reset"),
        _ => None,
    }
}

/// The login form.
#[get("/login")]
pub async fn login_form(
    request: HttpRequest,
    visitor: Visitor,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, PageError> {
    let next = query.next.as_deref().and_then(return_to);
    if visitor.0.is_some() {
        return Ok(see_other(next.as_deref().unwrap_or(HOME_OF_USER)).finish());
    }
    let frame = Frame::for_anonymous_form(&request)?;
    page(
        &frame,
        StatusCode::OK,
        &Login {
            frame: &frame,
            required: next.is_some(),
            done: done_notice(query.done.as_deref()),
            next,
            email: String::new(),
            email_error: None,
            password_error: None,
            form_error: None,
        },
    )
}

/// What the login form sends.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// Logs in, or shows the form again with what went wrong (the email kept).
#[post("/login")]
pub async fn submit(
    request: HttpRequest,
    state: web::Data<AppState>,
    throttles: web::Data<Throttles>,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<HttpResponse, PageError> {
    let next = return_to(&form.next);
    let frame = Frame::for_anonymous_form(&request)?;
    let mut again = Login {
        frame: &frame,
        required: false,
        done: None,
        next: next.clone(),
        email: form.email.trim().to_owned(),
        email_error: form
            .email
            .trim()
            .is_empty()
            .then_some("login.email.missing"),
        password_error: form.password.is_empty().then_some("login.password.missing"),
        form_error: None,
    };
    if again.has_errors() {
        return page(&frame, StatusCode::UNPROCESSABLE_ENTITY, &again);
    }
    let login = accounts::login(
        &state.db,
        &throttles,
        &crate::auth::extractor::client_key(&throttles, &request),
        &form.email,
        Secret::new(form.password),
    )
    .await;
    let user = match login {
        Ok(user) => user,
        Err(services::Error::Unauthorized) => {
            again.form_error = Some(frame.msg("login.failed").to_owned());
            return page(&frame, StatusCode::UNPROCESSABLE_ENTITY, &again);
        }
        Err(services::Error::TooManyRequests { retry_after }) => {
            let seconds = retry_after.max(1);
            again.form_error =
                Some(frame.msg_with("login.throttled", &[("seconds", &seconds.to_string())]));
            let mut response = page(&frame, StatusCode::TOO_MANY_REQUESTS, &again)?;
            if let Ok(value) = header::HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            return Ok(response);
        }
        Err(error) => return Err(error.into()),
    };
    // A session the browser already had (another account's) ends; the new one has a
    // new id.
    if let Some(old) = session::current(&request).await? {
        session::end(&state.db, &old).await?;
    }
    let cookie = session::begin(&state.db, &state.settings.web, user.user_id).await?;
    Ok(see_other(next.as_deref().unwrap_or(HOME_OF_USER))
        .cookie(cookie)
        .cookie(csrf::forget_anonymous(&state.settings))
        .finish())
}

/// What the logout form sends: only its token.
#[derive(Debug, Deserialize)]
pub struct NoFields {}

/// Ends the session and goes home. Without a session there is nothing to end (and
/// nothing a forged request could do), so the token is only checked when there is one.
#[post("/logout")]
pub async fn logout(
    request: HttpRequest,
    state: web::Data<AppState>,
    form: Result<CsrfForm<NoFields>, PageError>,
) -> Result<HttpResponse, PageError> {
    if let Some(current) = session::current(&request).await? {
        form?;
        session::end(&state.db, &current).await?;
    }
    Ok(see_other("/")
        .cookie(session::removal(
            &state.settings.web,
            session::cookie_name(&state.settings.web),
        ))
        .finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_never_returns_to_the_login_or_the_logout() {
        assert_eq!(return_to("/me").as_deref(), Some("/me"));
        assert_eq!(return_to("/login?next=%2Fme"), None);
        assert_eq!(return_to("/logout"), None);
        assert_eq!(return_to("https://evil.example/"), None);
    }
}
