//! Errors are pages: every 4xx and 5xx answer to a page path (a handler's [`PageError`],
//! an unknown path, actix's own refusals) is rendered here as a page in the visitor's
//! language. A 500 says nothing of its cause; the cause chain goes to the log.

use actix_web::{
    HttpResponse, ResponseError,
    body::MessageBody,
    dev::ServiceResponse,
    http::{StatusCode, header},
    middleware::ErrorHandlerResponse,
};
use askama::Template;

use super::{frame::Frame, session};

/// Why a page could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// 400: the request could not be read.
    #[error("bad request")]
    BadRequest,
    /// 403: this visitor may not see this page.
    #[error("forbidden")]
    Forbidden,
    /// 404: no such page, or one the visitor may not know of.
    #[error("not found")]
    NotFound,
    /// 403: a state-changing request without a valid CSRF token, or from another site.
    #[error("refused as cross-site: {0}")]
    Csrf(&'static str),
    /// The page needs a login: a redirect to `/login`, coming back to `next`.
    #[error("login required")]
    LoginRequired {
        /// The page to return to (a same-site path).
        next: Option<String>,
    },
    /// 413: the form is over the limit.
    #[error("payload too large")]
    PayloadTooLarge,
    /// 503: the database did not answer in time.
    #[error("service unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// 500: anything else; logged with its cause chain, never shown.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

/// Marks an error response as a CSRF refusal, so its page says what to do about it.
#[derive(Debug, Clone, Copy)]
struct CsrfRefusal;

impl From<anyhow::Error> for PageError {
    fn from(error: anyhow::Error) -> Self {
        // A lost connection anywhere in the chain is a 503, as in the JSON API.
        let unavailable = error.chain().any(|cause| {
            cause
                .downcast_ref::<sea_orm::DbErr>()
                .is_some_and(crate::db::is_unavailable)
        });
        if unavailable {
            Self::Unavailable(error)
        } else {
            Self::Internal(error)
        }
    }
}

impl From<crate::services::Error> for PageError {
    /// What a page did not handle in place (a form shows its invalid fields and
    /// conflicts beside them) becomes the page of its kind.
    fn from(error: crate::services::Error) -> Self {
        use crate::services::Error;
        match error {
            Error::NotFound => Self::NotFound,
            Error::Forbidden(_) => Self::Forbidden,
            Error::Unauthorized => Self::LoginRequired { next: None },
            Error::Failed(cause) => cause.into(),
            Error::Conflict(..)
            | Error::Invalid(_)
            | Error::InvalidResetToken(_)
            | Error::TooManyRequests { .. } => Self::BadRequest,
        }
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest => StatusCode::BAD_REQUEST,
            Self::Forbidden | Self::Csrf(_) => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::LoginRequired { .. } => StatusCode::SEE_OTHER,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The status (and, for a login, the redirect); the body is rendered by
    /// [`render`], which knows the request and so the visitor's language.
    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Internal(cause) | Self::Unavailable(cause) => {
                tracing::error!(error.cause_chain = ?cause, "page failed");
            }
            Self::Csrf(why) => tracing::info!(why, "refused a cross-site page request"),
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        match self {
            Self::LoginRequired { next } => {
                let location = match next {
                    Some(next) => format!(
                        "/login?next={}",
                        form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
                    ),
                    None => "/login".to_owned(),
                };
                response.insert_header((header::LOCATION, location));
            }
            Self::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, "5"));
            }
            Self::Csrf(_) => {
                response.extensions_mut().insert(CsrfRefusal);
            }
            _ => {}
        }
        response.finish()
    }
}

/// The keys of an error page's title and text.
fn keys_for(status: StatusCode, csrf: bool) -> (&'static str, &'static str) {
    if csrf {
        return ("error.csrf.title", "error.csrf.body");
    }
    match status.as_u16() {
        400 => ("error.400.title", "error.400.body"),
        403 => ("error.403.title", "error.403.body"),
        404 => ("error.404.title", "error.404.body"),
        405 => ("error.405.title", "error.405.body"),
        413 => ("error.413.title", "error.413.body"),
        429 => ("error.429.title", "error.429.body"),
        503 => ("error.503.title", "error.503.body"),
        code if code >= 500 => ("error.500.title", "error.500.body"),
        _ => ("error.other.title", "error.other.body"),
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    frame: &'a Frame,
    status_line: String,
    title_key: &'static str,
    body_key: &'static str,
}

/// Renders an error answer to a page path as the error page, keeping its status and
/// headers (`Retry-After`, `Allow`, cookies). An answer that already is a page (a form
/// shown again with its errors) passes unchanged.
pub fn render<B: MessageBody + 'static>(response: ServiceResponse<B>) -> ErrorHandlerResponse<B> {
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"text/html"));
    if is_html || !(response.status().is_client_error() || response.status().is_server_error()) {
        return ErrorHandlerResponse::Response(response.map_into_left_body());
    }
    let status = response.status();
    let csrf = response
        .response()
        .extensions()
        .get::<CsrfRefusal>()
        .is_some();
    let (request, response) = response.into_parts();
    ErrorHandlerResponse::Future(Box::pin(async move {
        // The menu shows who is logged in, on error pages too. Only a request with a
        // session cookie reads the database here, and an error doing so shows the page
        // as to a visitor.
        let _ = session::current(&request).await;
        let frame = Frame::for_error(&request);
        let (title_key, body_key) = keys_for(status, csrf);
        let page = ErrorPage {
            frame: &frame,
            status_line: frame.msg_with("error.status", &[("status", status.as_str())]),
            title_key,
            body_key,
        };
        let html = page.render().unwrap_or_else(|error| {
            tracing::error!(%error, "the error page did not render");
            FALLBACK.to_owned()
        });
        let mut response = response.set_body(html);
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("text/html; charset=utf-8"),
        );
        Ok(ServiceResponse::new(request, response.map_into_boxed_body()).map_into_right_body())
    }))
}

/// What is shown if the error page itself cannot be rendered.
const FALLBACK: &str = "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>Musubi</title></head><body><main><h1>エラー / Error</h1><p><a href=\"/\">Musubi</a></p></main></body></html>";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_a_page_and_a_refused_form_has_its_own() {
        assert_eq!(keys_for(StatusCode::NOT_FOUND, false).0, "error.404.title");
        assert_eq!(keys_for(StatusCode::FORBIDDEN, true).0, "error.csrf.title");
        assert_eq!(
            keys_for(StatusCode::BAD_GATEWAY, false).0,
            "error.500.title"
        );
        assert_eq!(
            keys_for(StatusCode::IM_A_TEAPOT, false).0,
            "error.other.title"
        );
    }

    #[test]
    fn a_login_redirect_carries_the_page_to_return_to() {
        let response = PageError::LoginRequired {
            next: Some("/matches/1?tab=a b".to_owned()),
        }
        .error_response();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            response.headers().get(header::LOCATION).unwrap(),
            "/login?next=%2Fmatches%2F1%3Ftab%3Da+b"
        );
    }
}
