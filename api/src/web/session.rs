//! The pages' login sessions.
//!
//! A login gives the browser a cookie holding a new opaque random id (so an id planted
//! before the login is never adopted); the database keeps only the id's SHA-256, the
//! user and the session's CSRF secret. The cookie is `HttpOnly`, `SameSite=Lax`, and
//! `Secure` with a `__Host-` name when `MUSUBI_PUBLIC_URL` is https. A session ends at
//! logout, when unused for `MUSUBI_SESSION_IDLE_SECONDS`, at
//! `MUSUBI_SESSION_ABSOLUTE_SECONDS` after its login, and for every session of a user
//! when their password changes or their account is erased
//! ([`repo::web_sessions::end_all_for_user`]).

use std::{rc::Rc, time::Duration};

use actix_web::{
    HttpMessage, HttpRequest,
    cookie::{Cookie, SameSite},
    web,
};
use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::{errors::PageError, token};
use crate::{config::WebSettings, repo, state::AppState};

/// The longest a session's last use may be stale: it is written at most this often.
const TOUCH_AT_MOST_EVERY: Duration = Duration::from_secs(60);

/// A live session of the request's browser.
pub struct Session {
    /// The stored hash of its id.
    pub id_hash: String,
    /// The session and its user.
    pub found: repo::web_sessions::Found,
}

impl std::fmt::Debug for Session {
    // The CSRF secret stays out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("user_id", &self.found.user_id)
            .finish_non_exhaustive()
    }
}

/// The session cookie's name.
pub fn cookie_name(settings: &WebSettings) -> &'static str {
    if settings.secure_cookies {
        "__Host-musubi_session"
    } else {
        "musubi_session"
    }
}

/// A cookie as every cookie of the pages is set: `HttpOnly`, `SameSite=Lax`, the whole
/// site, `Secure` under https.
pub fn cookie(settings: &WebSettings, name: &'static str, value: String) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(settings.secure_cookies)
        .finish()
}

/// The cookie that deletes the cookie `name`.
pub fn removal(settings: &WebSettings, name: &'static str) -> Cookie<'static> {
    let mut gone = cookie(settings, name, String::new());
    gone.make_removal();
    gone
}

/// Whether a session begun at `created_at` and last used at `last_seen_at` has ended.
fn has_expired(
    settings: &WebSettings,
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> bool {
    let older_than =
        |at: DateTime<Utc>, limit: Duration| (now - at).to_std().is_ok_and(|age| age >= limit);
    older_than(last_seen_at, settings.session_idle)
        || older_than(created_at, settings.session_absolute)
}

/// The loaded session of a request, kept in its extensions so each request reads the
/// database once however many extractors ask.
#[derive(Clone)]
struct Loaded(Option<Rc<Session>>);

/// The application state, or a 500 page if it is not registered.
pub fn state_of(request: &HttpRequest) -> Result<web::Data<AppState>, PageError> {
    request
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| PageError::Internal(anyhow::anyhow!("application state is not registered")))
}

/// The request's live session, if its cookie names one. An expired session is deleted
/// here; a used one has its last use recorded (at most once a minute).
pub async fn current(request: &HttpRequest) -> Result<Option<Rc<Session>>, PageError> {
    if let Some(Loaded(session)) = request.extensions().get::<Loaded>() {
        return Ok(session.clone());
    }
    let state = state_of(request)?;
    let id = request
        .cookie(cookie_name(&state.settings.web))
        .map(|cookie| cookie.value().to_owned());
    let session = match id {
        Some(id) if token::is_well_formed(&id) => {
            lookup(&state.db, &state.settings.web, token::hash(&id)).await?
        }
        _ => None,
    };
    request.extensions_mut().insert(Loaded(session.clone()));
    Ok(session)
}

/// The session [`current`] loaded for this request, without going to the database
/// (the error pages use it).
pub fn cached(request: &HttpRequest) -> Option<Rc<Session>> {
    request
        .extensions()
        .get::<Loaded>()
        .and_then(|Loaded(session)| session.clone())
}

async fn lookup(
    db: &impl ConnectionTrait,
    settings: &WebSettings,
    id_hash: String,
) -> anyhow::Result<Option<Rc<Session>>> {
    let Some(found) = repo::web_sessions::find(db, &id_hash).await? else {
        return Ok(None);
    };
    let now = repo::now();
    if has_expired(settings, found.created_at, found.last_seen_at, now) {
        repo::web_sessions::end(db, &id_hash).await?;
        return Ok(None);
    }
    let touch_every = TOUCH_AT_MOST_EVERY.min(settings.session_idle / 4);
    if (now - found.last_seen_at)
        .to_std()
        .is_ok_and(|since| since >= touch_every)
    {
        repo::web_sessions::touch(db, &id_hash, now).await?;
    }
    Ok(Some(Rc::new(Session { id_hash, found })))
}

/// Begins a session for a user who just proved who they are, with a new id, and
/// forgets sessions that have expired. Returns the cookie to set.
pub async fn begin(
    db: &impl ConnectionTrait,
    settings: &WebSettings,
    user_id: Uuid,
) -> anyhow::Result<Cookie<'static>> {
    let id = token::random();
    let csrf_secret = token::random();
    let at = repo::now();
    repo::web_sessions::insert(
        db,
        repo::web_sessions::NewSession {
            id_hash: &token::hash(&id),
            user_id,
            csrf_secret: &csrf_secret,
            at,
        },
    )
    .await?;
    let ago = |limit: Duration| -> anyhow::Result<DateTime<Utc>> {
        Ok(at - chrono::Duration::from_std(limit).context("a session lifetime out of range")?)
    };
    repo::web_sessions::sweep(
        db,
        ago(settings.session_idle)?,
        ago(settings.session_absolute)?,
    )
    .await?;
    Ok(cookie(settings, cookie_name(settings), id))
}

/// Ends a session (logout).
pub async fn end(db: &impl ConnectionTrait, session: &Session) -> anyhow::Result<()> {
    repo::web_sessions::end(db, &session.id_hash).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(idle: u64, absolute: u64) -> WebSettings {
        WebSettings {
            session_idle: Duration::from_secs(idle),
            session_absolute: Duration::from_secs(absolute),
            secure_cookies: false,
        }
    }

    #[test]
    fn a_session_ends_when_idle_or_old_whichever_comes_first() {
        let settings = settings(60, 600);
        let start = repo::now();
        let at = |seconds: i64| start + chrono::Duration::seconds(seconds);
        assert!(!has_expired(&settings, start, start, at(59)));
        assert!(has_expired(&settings, start, start, at(60)));
        // Busy all along: still ends at the absolute limit.
        assert!(!has_expired(&settings, start, at(590), at(599)));
        assert!(has_expired(&settings, start, at(599), at(600)));
    }

    #[test]
    fn cookies_are_http_only_lax_and_secure_under_https() {
        let plain = cookie(&settings(60, 600), "musubi_session", "x".to_owned());
        let text = plain.to_string();
        assert!(
            text.contains("HttpOnly") && text.contains("SameSite=Lax"),
            "{text}"
        );
        assert!(
            text.contains("Path=/") && !text.contains("Secure"),
            "{text}"
        );
        let secure = WebSettings {
            secure_cookies: true,
            ..settings(60, 600)
        };
        assert_eq!(cookie_name(&secure), "__Host-musubi_session");
        assert!(
            cookie(&secure, "n", "v".to_owned())
                .to_string()
                .contains("Secure")
        );
        assert!(removal(&secure, "n").to_string().contains("Max-Age=0"));
    }
}
