//! The pages: Musubi for people, served by the same binary at `/` beside the JSON API
//! at `/api/v1` (the contract is `WEB.md`).
//!
//! HTML is rendered on the server from askama templates (`templates/`, checked at
//! compile time, escaped by default), in Japanese or English from one catalogue
//! (`messages/`). Every page works without JavaScript; htmx only enhances. Sessions live
//! in the database ([`session`]), every state-changing request is checked for CSRF
//! ([`csrf`]), and every error is a page ([`errors`]).

pub mod assets;
pub mod caller;
pub mod csrf;
pub mod errors;
pub mod form;
pub mod frame;
pub mod i18n;
pub mod labels;
pub mod pages;
pub mod session;
pub mod token;
pub mod upload;

use actix_web::{
    Error,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::Method,
    middleware::Next,
    web,
};

/// Registers every page and the static files.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/static/{file}", web::get().to(assets::serve));
    pages::configure(cfg);
}

/// A `HEAD` of a page is answered as its `GET` (link checkers, mail clients that
/// preview a link, uptime probes ask with `HEAD`); the server sends only the headers.
/// The JSON API and the operational endpoints keep their own methods.
pub async fn head_as_get(
    mut request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    if request.method() == Method::HEAD && is_page_path(request.path()) {
        request.head_mut().method = Method::GET;
    }
    next.call(request).await
}

/// The paths outside `/` that are not pages: the JSON API and the operational
/// endpoints. Everything else (found or not) is answered as a page.
const NOT_PAGES: [&str; 3] = ["/health", "/ready", "/metrics"];

/// Whether `path` belongs to the pages (and so answers HTML, errors included) rather
/// than to the JSON API or the operational endpoints.
pub fn is_page_path(path: &str) -> bool {
    !(path == "/api" || path.starts_with("/api/") || NOT_PAGES.contains(&path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_path_is_not_a_page_and_the_rest_are() {
        let document = crate::startup::openapi().unwrap();
        for path in document["paths"].as_object().unwrap().keys() {
            assert!(!is_page_path(path), "{path} is documented JSON, not a page");
        }
        for page in [
            "/",
            "/login",
            "/me",
            "/matches/1",
            "/nowhere",
            "/apis",
            "/static/x",
        ] {
            assert!(is_page_path(page), "{page}");
        }
        assert!(!is_page_path("/api/v2/anything"));
    }
}
