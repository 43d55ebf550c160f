//! `/lang/{ja|en}?next=…`: the language switch on every page. It is a plain link (it
//! works without JavaScript); the choice is kept in a cookie for a year.

use actix_web::{HttpRequest, HttpResponse, cookie::time, get, web};
use serde::Deserialize;

use crate::web::{
    errors::PageError,
    frame::{safe_next, see_other},
    i18n::{LANG_COOKIE, Lang},
    session,
};

/// Where to go back to.
#[derive(Debug, Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// Chooses the language, then returns to the page the switch was on.
#[get("/lang/{code}")]
pub async fn switch(
    request: HttpRequest,
    code: web::Path<String>,
    query: web::Query<Next>,
) -> Result<HttpResponse, PageError> {
    let lang = Lang::parse(&code).ok_or(PageError::NotFound)?;
    let state = session::state_of(&request)?;
    let mut cookie = session::cookie(&state.settings.web, LANG_COOKIE, lang.code().to_owned());
    cookie.set_max_age(time::Duration::days(365));
    let next = query.next.as_deref().and_then(safe_next);
    Ok(see_other(next.as_deref().unwrap_or("/"))
        .cookie(cookie)
        .finish())
}
