//! What every page shares (the layout's language, menu, switch, CSRF token) and how a
//! page becomes a response.

use actix_web::{
    HttpRequest, HttpResponse,
    cookie::Cookie,
    http::{StatusCode, header},
};
use askama::Template;

use super::{
    assets,
    caller::PageUser,
    csrf,
    errors::PageError,
    i18n::{Lang, Messages},
    is_page_path, session,
};
use crate::auth::AccountRole;

/// Who is looking, as the layout shows them.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// Their display name.
    pub display_name: String,
    /// Their role.
    pub role: AccountRole,
}

/// The layout's data, passed to every template as `frame`.
#[derive(Debug)]
pub struct Frame {
    /// The page's language.
    pub lang: Lang,
    messages: &'static Messages,
    /// This page's path and query, for the language switch to come back to.
    here: String,
    /// The logged-in visitor, if any.
    pub viewer: Option<Viewer>,
    /// The CSRF token for this page's forms (empty when the page has none).
    pub csrf_token: String,
    cookies: Vec<Cookie<'static>>,
}

impl Frame {
    fn base(request: &HttpRequest, viewer: Option<Viewer>, csrf_token: String) -> Self {
        let lang = Lang::of(request);
        Self {
            lang,
            messages: lang.messages(),
            here: request
                .uri()
                .path_and_query()
                .map_or_else(|| "/".to_owned(), |path| path.as_str().to_owned()),
            viewer,
            csrf_token,
            cookies: Vec::new(),
        }
    }

    /// The frame of a page for `user` (or for a visitor who is not logged in).
    pub fn new(request: &HttpRequest, user: Option<&PageUser>) -> Self {
        match user {
            Some(user) => Self::base(request, Some(user.viewer()), user.csrf_token().to_owned()),
            None => Self::base(request, None, String::new()),
        }
    }

    /// The frame of a page with a form a visitor who is not logged in may send (login,
    /// registration): its token is bound to a pre-session cookie, set here if missing.
    pub fn for_anonymous_form(request: &HttpRequest) -> Result<Self, PageError> {
        let state = session::state_of(request)?;
        let (token, cookie) = csrf::anonymous_token(request, &state.settings);
        let mut frame = Self::base(request, None, token);
        frame.cookies.extend(cookie);
        Ok(frame)
    }

    /// The frame of an error page: the session the request loaded, if any.
    pub fn for_error(request: &HttpRequest) -> Self {
        match session::cached(request).and_then(PageUser::from_session) {
            Some(user) => Self::new(request, Some(&user)),
            None => Self::new(request, None),
        }
    }

    /// A message of the page's language.
    pub fn msg<'a>(&'a self, key: &'a str) -> &'a str {
        self.messages.msg(key)
    }

    /// A message with its placeholders filled.
    pub fn msg_with(&self, key: &str, values: &[(&str, &str)]) -> String {
        self.messages.msg_with(key, values)
    }

    /// The text of the page's language among a label's two (the taxonomy's labels
    /// carry both).
    pub fn pick<'a>(&self, ja: &'a str, en: &'a str) -> &'a str {
        match self.lang {
            Lang::Ja => ja,
            Lang::En => en,
        }
    }

    /// `ja` or `en`, for `<html lang>`.
    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }

    /// The language the switch offers.
    pub fn other_lang_code(&self) -> &'static str {
        self.lang.other().code()
    }

    /// The name of the language the switch offers, in that language.
    pub fn other_lang_name(&self) -> &str {
        match self.lang.other() {
            Lang::Ja => self.msg("lang.ja"),
            Lang::En => self.msg("lang.en"),
        }
    }

    /// The switch's link: to the other language, then back to this page.
    pub fn switch_href(&self) -> String {
        let next: String = form_urlencoded::byte_serialize(self.here.as_bytes()).collect();
        format!("/lang/{}?next={next}", self.other_lang_code())
    }

    /// Whether this page is `path` (the menu marks it as current).
    pub fn is_at(&self, path: &str) -> bool {
        self.here.split('?').next() == Some(path)
    }

    /// The footer's line naming the logged-in visitor.
    pub fn viewer_line(&self) -> Option<String> {
        self.viewer
            .as_ref()
            .map(|viewer| self.msg_with("footer.user", &[("name", viewer.display_name.as_str())]))
    }

    /// The URL of an embedded static file.
    pub fn asset(&self, name: &str) -> &'static str {
        assets::url(name)
    }

    /// Adds a cookie to the response.
    pub fn set_cookie(&mut self, cookie: Cookie<'static>) {
        self.cookies.push(cookie);
    }
}

/// Renders a page with `status`, setting the frame's cookies.
pub fn page(
    frame: &Frame,
    status: StatusCode,
    page: &impl Template,
) -> Result<HttpResponse, PageError> {
    let html = page
        .render()
        .map_err(|error| PageError::Internal(anyhow::anyhow!("rendering a page: {error}")))?;
    let mut response = HttpResponse::build(status);
    response.content_type("text/html; charset=utf-8");
    for cookie in &frame.cookies {
        response.cookie(cookie.clone());
    }
    Ok(response.body(html))
}

/// A `303 See Other` to `location` (after a form, or to move a visitor on).
pub fn see_other(location: &str) -> actix_web::HttpResponseBuilder {
    let mut response = HttpResponse::SeeOther();
    response.insert_header((header::LOCATION, location.to_owned()));
    response
}

/// `next` if it is a page of this site to return to: a path (not `//host`, no scheme,
/// no backslash or control character, percent-encoded ASCII as browsers send it) of a
/// page, and not the language switch itself.
pub fn safe_next(next: &str) -> Option<String> {
    let path = next.split(['?', '#']).next().unwrap_or_default();
    let acceptable = next.starts_with('/')
        && !next.starts_with("//")
        && next.len() <= 2_000
        && next.is_ascii()
        && !next.chars().any(|c| c == '\\' || c.is_control())
        && is_page_path(path)
        && !path.starts_with("/lang/");
    acceptable.then(|| next.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pages_of_this_site_are_returned_to() {
        for good in [
            "/me",
            "/matches/0193?tab=contact",
            "/",
            "/needs/1#apply",
            "/login?next=%2Fme",
        ] {
            assert_eq!(safe_next(good).as_deref(), Some(good), "{good}");
        }
        for bad in [
            "https://evil.example/",
            "//evil.example/me",
            "/\\evil.example",
            "me",
            "",
            "/lang/en?next=/me",
            "/api/v1/me",
            "/me\r\nSet-Cookie: x=1",
            "javascript:alert(1)",
            "/needs?q=漆",
        ] {
            assert_eq!(safe_next(bad), None, "{bad}");
        }
        assert_eq!(safe_next(&format!("/{}", "a".repeat(2_000))), None);
    }
}
