//! A client for the pages at the HTTP level: it keeps cookies as a browser would (by
//! hand, so tests can read every `Set-Cookie` and plant cookies of their own), follows
//! no redirects, and sends `Origin` with its forms as a browser does.
#![expect(
    clippy::expect_used,
    reason = "a harness that cannot talk to the server must fail the test loudly"
)]

use std::collections::BTreeMap;

use reqwest::{Method, StatusCode, header::HeaderMap};

/// One `Set-Cookie`, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetCookie {
    /// Name.
    pub name: String,
    /// Value.
    pub value: String,
    /// The attributes as sent (`HttpOnly`, `SameSite=Lax`, `Path=/`, …).
    pub attributes: Vec<String>,
}

impl SetCookie {
    /// Parses a `Set-Cookie` value.
    pub fn parse(header: &str) -> Option<Self> {
        let mut parts = header.split(';').map(str::trim);
        let (name, value) = parts.next()?.split_once('=')?;
        Some(Self {
            name: name.to_owned(),
            value: value.to_owned(),
            attributes: parts.map(str::to_owned).collect(),
        })
    }

    /// Whether an attribute is present (`HttpOnly`, or `SameSite=Lax` whole),
    /// case-insensitively.
    pub fn has(&self, attribute: &str) -> bool {
        self.attributes
            .iter()
            .any(|present| present.eq_ignore_ascii_case(attribute))
    }

    /// Whether this cookie deletes its name.
    pub fn is_removal(&self) -> bool {
        self.value.is_empty() || self.has("Max-Age=0")
    }
}

/// An answer, read whole.
#[derive(Debug)]
pub struct Page {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body.
    pub body: String,
    /// The cookies it set.
    pub cookies: Vec<SetCookie>,
}

impl Page {
    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// Where a redirect goes.
    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }

    /// The cookie named `name` it set.
    pub fn cookie(&self, name: &str) -> Option<&SetCookie> {
        self.cookies.iter().find(|cookie| cookie.name == name)
    }

    /// The `csrf_token` of the page's first form that has one.
    pub fn csrf_token(&self) -> Option<String> {
        let marker = "name=\"csrf_token\" value=\"";
        let start = self.body.find(marker)? + marker.len();
        let end = self.body[start..].find('"')?;
        Some(self.body[start..start + end].to_owned())
    }

    /// The `lang` of `<html>`.
    pub fn lang(&self) -> Option<&str> {
        let marker = "<html lang=\"";
        let start = self.body.find(marker)? + marker.len();
        let end = self.body[start..].find('"')?;
        Some(&self.body[start..start + end])
    }
}

/// A browser-like client of one server.
#[derive(Debug, Clone)]
pub struct PageClient {
    base: String,
    http: reqwest::Client,
    /// The cookies it holds, by name.
    pub jar: BTreeMap<String, String>,
    /// Its `Accept-Language`, if any.
    pub accept_language: Option<String>,
}

impl PageClient {
    /// A client of the server at `base` (`http://127.0.0.1:PORT`) with no cookies.
    pub fn new(base: &str) -> Self {
        Self {
            base: base.trim_end_matches('/').to_owned(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("building the page client"),
            jar: BTreeMap::new(),
            accept_language: None,
        }
    }

    /// The server's origin, as a browser sends it in `Origin`.
    pub fn origin(&self) -> &str {
        &self.base
    }

    /// The session cookie's value, if it holds one.
    pub fn session(&self) -> Option<&str> {
        self.jar
            .iter()
            .find(|(name, _)| name.ends_with("musubi_session"))
            .map(|(_, value)| value.as_str())
    }

    /// `GET path`.
    pub async fn get(&mut self, path: &str) -> Page {
        self.send(Method::GET, path, &[], None).await
    }

    /// `POST path` as a form with this site's `Origin`.
    pub async fn post_form(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let origin = self.base.clone();
        self.send(Method::POST, path, form, Some(&origin)).await
    }

    /// A request as a browser would send it; `origin` is the `Origin` header (none if
    /// `None`). Cookies it sets are kept (or dropped when it deletes them).
    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        form: &[(&str, &str)],
        origin: Option<&str>,
    ) -> Page {
        let mut request = self
            .http
            .request(method.clone(), format!("{}{path}", self.base));
        if !self.jar.is_empty() {
            let cookies: Vec<String> = self
                .jar
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect();
            request = request.header("cookie", cookies.join("; "));
        }
        if let Some(lang) = &self.accept_language {
            request = request.header("accept-language", lang);
        }
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        if method != Method::GET {
            request = request.form(form);
        }
        let response = request.send().await.expect("sending a page request");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.text().await.expect("reading a page");
        let cookies: Vec<SetCookie> = headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|value| value.to_str().ok().and_then(SetCookie::parse))
            .collect();
        for cookie in &cookies {
            if cookie.is_removal() {
                self.jar.remove(&cookie.name);
            } else {
                self.jar.insert(cookie.name.clone(), cookie.value.clone());
            }
        }
        Page {
            status,
            headers,
            body,
            cookies,
        }
    }

    /// Logs in through the page's form; returns the answer to the form (a 303 on
    /// success).
    pub async fn login(&mut self, email: &str, password: &str, next: Option<&str>) -> Page {
        let form = self.get("/login").await;
        let token = form.csrf_token().expect("the login form has a token");
        let mut fields = vec![
            ("csrf_token", token.as_str()),
            ("email", email),
            ("password", password),
        ];
        if let Some(next) = next {
            fields.push(("next", next));
        }
        self.post_form("/login", &fields).await
    }
}
