//! Cross-site request forgery: every state-changing page request is refused (a 403 page)
//! unless it comes from this site and carries a token only this site could have put in
//! the form.
//!
//! - **Origin.** [`check_origin`] runs before any handler: a POST (or any method but
//!   GET, HEAD, OPTIONS) to a page path whose `Origin` (or, without one, `Referer`) is
//!   another site, or `null`, is refused. The site is `MUSUBI_PUBLIC_URL`'s origin or
//!   the origin the request itself was sent to. A request with neither header (not a
//!   browser's) still needs the token.
//! - **Token.** [`CsrfForm`] reads a form only after checking its `csrf_token` field.
//!   A logged-in visitor's forms carry their session's secret. Forms sent before a
//!   login (login, registration) carry an HMAC of a random pre-session cookie under the
//!   server's secret (the signed double-submit pattern): another site can neither read
//!   the cookie nor compute the token for a cookie it planted.

use std::{future::Future, pin::Pin};

use actix_web::{
    Error, FromRequest, HttpRequest, ResponseError,
    body::{BoxBody, MessageBody},
    cookie::Cookie,
    dev::{Payload, ServiceRequest, ServiceResponse},
    http::{Method, header},
    middleware::Next,
    web,
};
use futures_util::StreamExt;
use hmac::{Hmac, Mac};
use serde::de::DeserializeOwned;
use sha2::Sha256;

use super::{
    errors::PageError,
    is_page_path,
    session::{self, Session},
    token,
};
use crate::config::Settings;

/// The form field that carries the token.
pub const FIELD: &str = "csrf_token";

/// Largest accepted form body.
const FORM_LIMIT: usize = 64 * 1024;

fn form_cookie_name(settings: &Settings) -> &'static str {
    if settings.web.secure_cookies {
        "__Host-musubi_form"
    } else {
        "musubi_form"
    }
}

/// The token for a pre-session cookie's value.
fn anonymous_token_for(settings: &Settings, cookie: &str) -> String {
    // HMAC takes a key of any length, so this cannot fail; if it did, the empty token
    // would match nothing (an empty submitted token is refused first).
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(settings.jwt_secret.expose().as_bytes())
    else {
        return String::new();
    };
    // The key is the server's secret; the label keeps these MACs apart from any other
    // use of it.
    mac.update(b"musubi page form token\0");
    mac.update(cookie.as_bytes());
    token::hex(&mac.finalize().into_bytes())
}

/// The token for a form a visitor who is not logged in sends, and the pre-session
/// cookie to set when the browser has none yet.
pub fn anonymous_token(
    request: &HttpRequest,
    settings: &Settings,
) -> (String, Option<Cookie<'static>>) {
    let name = form_cookie_name(settings);
    let existing = request
        .cookie(name)
        .map(|cookie| cookie.value().to_owned())
        .filter(|value| token::is_well_formed(value));
    match existing {
        Some(value) => (anonymous_token_for(settings, &value), None),
        None => {
            let value = token::random();
            let token = anonymous_token_for(settings, &value);
            (token, Some(session::cookie(&settings.web, name, value)))
        }
    }
}

/// The cookie that forgets the pre-session (set at login).
pub fn forget_anonymous(settings: &Settings) -> Cookie<'static> {
    session::removal(&settings.web, form_cookie_name(settings))
}

/// Whether `submitted` is the token of this request's session or of its pre-session
/// cookie.
fn verify(
    request: &HttpRequest,
    settings: &Settings,
    session: Option<&Session>,
    submitted: &str,
) -> Result<(), PageError> {
    if submitted.is_empty() {
        return Err(PageError::Csrf("no token"));
    }
    if session.is_some_and(|session| token::same(submitted, &session.found.csrf_secret)) {
        return Ok(());
    }
    let anonymous = request
        .cookie(form_cookie_name(settings))
        .map(|cookie| cookie.value().to_owned())
        .filter(|value| token::is_well_formed(value))
        .is_some_and(|value| token::same(submitted, &anonymous_token_for(settings, &value)));
    if anonymous {
        Ok(())
    } else {
        Err(PageError::Csrf("wrong token"))
    }
}

/// The origin (`scheme://host[:port]`) of a URL, lower-cased.
fn origin_of(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    match parsed.origin() {
        origin @ url::Origin::Tuple(..) => Some(origin.ascii_serialization()),
        url::Origin::Opaque(_) => None,
    }
}

/// Whether a page request that changes state comes from this site; `Err` says why not.
fn same_site(request: &HttpRequest, public_url: &str) -> Result<(), &'static str> {
    let headers = request.headers();
    let claimed = match headers.get(header::ORIGIN) {
        Some(origin) => {
            let origin = origin.to_str().map_err(|_| "unreadable Origin")?;
            if origin == "null" {
                return Err("Origin null");
            }
            origin_of(origin).ok_or("malformed Origin")?
        }
        None => match headers.get(header::REFERER) {
            Some(referer) => origin_of(referer.to_str().map_err(|_| "unreadable Referer")?)
                .ok_or("malformed Referer")?,
            // Not sent by a browser; the token decides.
            None => return Ok(()),
        },
    };
    let connection = request.connection_info();
    let own = origin_of(&format!("{}://{}", connection.scheme(), connection.host()));
    if Some(&claimed) == origin_of(public_url).as_ref() || Some(&claimed) == own.as_ref() {
        Ok(())
    } else {
        Err("foreign Origin")
    }
}

/// The middleware: refuses a state-changing request to a page path from another site.
/// Wrap it inside the error handlers so the refusal is rendered as a page.
pub async fn check_origin(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe && is_page_path(request.path()) {
        let public_url = request
            .app_data::<web::Data<crate::state::AppState>>()
            .map(|state| state.settings.public_url.clone())
            .unwrap_or_default();
        if let Err(why) = same_site(request.request(), &public_url) {
            let refusal = PageError::Csrf(why).error_response();
            return Ok(request.into_response(refusal));
        }
    }
    Ok(next.call(request).await?.map_into_boxed_body())
}

/// Checks a token sent other than in a urlencoded form (a field of a file upload), as
/// [`CsrfForm`] checks a form's: before anything sent with it is acted on.
pub async fn check_token(request: &HttpRequest, submitted: &str) -> Result<(), PageError> {
    let state = session::state_of(request)?;
    let current = session::current(request).await?;
    verify(request, &state.settings, current.as_deref(), submitted)
}

/// A urlencoded form whose CSRF token was checked before anything else was read of it.
#[derive(Debug)]
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, PageError>>>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let request = request.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|_| PageError::BadRequest)?;
                if body.len() + chunk.len() > FORM_LIMIT {
                    return Err(PageError::PayloadTooLarge);
                }
                body.extend_from_slice(&chunk);
            }
            let submitted = form_urlencoded::parse(&body)
                .find(|(name, _)| name == FIELD)
                .map(|(_, value)| value.into_owned())
                .unwrap_or_default();
            let state = session::state_of(&request)?;
            let current = session::current(&request).await?;
            verify(&request, &state.settings, current.as_deref(), &submitted)?;
            let form = serde_urlencoded::from_bytes(&body).map_err(|_| PageError::BadRequest)?;
            Ok(Self(form))
        })
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn another_sites_origin_or_referer_is_refused_and_ours_pass() {
        let public = "https://musubi.example";
        let request = |name: header::HeaderName, value: &str| {
            TestRequest::post()
                .uri("/login")
                .insert_header((header::HOST, "127.0.0.1:8080"))
                .insert_header((name, value))
                .to_http_request()
        };
        for (name, value) in [
            (header::ORIGIN, "https://musubi.example"),
            (header::ORIGIN, "http://127.0.0.1:8080"),
            (header::REFERER, "https://musubi.example/login?next=/me"),
        ] {
            assert_eq!(same_site(&request(name, value), public), Ok(()), "{value}");
        }
        for (name, value) in [
            (header::ORIGIN, "https://evil.example"),
            (header::ORIGIN, "null"),
            (header::ORIGIN, "http://musubi.example"),
            (header::ORIGIN, "http://127.0.0.1:8081"),
            (header::REFERER, "https://evil.example/musubi.example"),
        ] {
            assert!(same_site(&request(name, value), public).is_err(), "{value}");
        }
        let bare = TestRequest::post().uri("/login").to_http_request();
        assert_eq!(same_site(&bare, public), Ok(()));
    }
}
