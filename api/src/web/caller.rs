//! The logged-in visitor of a page, as the same caller the JSON API knows
//! ([`AuthUser`]), so a page hands the services exactly what a JSON handler would.
//! This is the only file of the web layer that names the API's caller type.
//!
//! [`PageUser`] as a handler parameter makes the page need a login: a visitor without a
//! live session is sent to `/login?next=<this page>` and comes back after logging in.
//! [`Visitor`] is for pages anyone may see.

use std::{future::Future, pin::Pin, rc::Rc};

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::Method};

use super::{
    errors::PageError,
    frame::{Viewer, safe_next},
    session::{self, Session},
};
use crate::auth::{AccountRole, AuthUser};

/// A visitor with a live session.
#[derive(Debug, Clone)]
pub struct PageUser {
    /// The caller, as services take it.
    pub caller: AuthUser,
    session: Rc<Session>,
}

impl PageUser {
    /// The user of a live session; `None` if its stored role is not one we know.
    pub fn from_session(session: Rc<Session>) -> Option<Self> {
        let role = AccountRole::parse(&session.found.role)?;
        Some(Self {
            caller: AuthUser {
                id: session.found.user_id,
                role,
                region_id: session.found.region_id,
            },
            session,
        })
    }

    /// The user's role.
    pub fn role(&self) -> AccountRole {
        self.caller.role
    }

    /// The user's display name.
    pub fn display_name(&self) -> &str {
        &self.session.found.display_name
    }

    /// The token the user's forms carry.
    pub fn csrf_token(&self) -> &str {
        &self.session.found.csrf_secret
    }

    /// The session itself (logout ends it).
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// As the layout shows them.
    pub fn viewer(&self) -> Viewer {
        Viewer {
            display_name: self.display_name().to_owned(),
            role: self.role(),
        }
    }
}

async fn page_user(request: &HttpRequest) -> Result<Option<PageUser>, PageError> {
    Ok(session::current(request)
        .await?
        .and_then(PageUser::from_session))
}

impl FromRequest for PageUser {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, PageError>>>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let request = request.clone();
        Box::pin(async move {
            page_user(&request).await?.ok_or_else(|| {
                // Only a page can be come back to; a form sent without a session cannot
                // be sent again from the login.
                let next = matches!(*request.method(), Method::GET | Method::HEAD)
                    .then(|| request.uri().path_and_query().map(|path| path.as_str()))
                    .flatten()
                    .and_then(safe_next);
                PageError::LoginRequired { next }
            })
        })
    }
}

/// Whoever is looking: a logged-in user or nobody in particular.
#[derive(Debug, Clone)]
pub struct Visitor(pub Option<PageUser>);

impl FromRequest for Visitor {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, PageError>>>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let request = request.clone();
        Box::pin(async move { Ok(Self(page_user(&request).await?)) })
    }
}
