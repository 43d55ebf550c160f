//! Every response the end-to-end suite receives is checked against the OpenAPI document.
//!
//! [`Client`] stands in for `reqwest::Client` in [`crate::TestApp`]: it builds and sends
//! requests exactly as reqwest does, then, before handing the response back, checks it
//! against the document the server serves (built in-process by
//! `musubi_api::startup::openapi`):
//!
//! - the path and method name a documented operation (otherwise the answer must be a
//!   404 problem for an unknown path, or a 405 problem with `Allow` for a known path),
//!   unless the path is one of the pages' (`musubi_api::web::is_page_path`), which
//!   answer HTML and are checked by their own tests;
//! - the status is one the operation documents (or a documented `4XX`/`5XX`/`default`);
//! - the content type is one documented for that status, and a JSON body (problem+json
//!   included) validates against its documented schema, formats included.
//!
//! A violation panics inside `send()` with the operation, the status and what is wrong,
//! and says what to add to the handler's `#[utoipa::path]` — so a new endpoint or a new
//! error a test provokes cannot go undocumented.

use std::{
    collections::HashMap,
    fmt::Write as _,
    sync::{Arc, LazyLock, Mutex},
};

use reqwest::{IntoUrl, Method, header::HeaderMap};
use serde_json::Value;

/// The document, and the compiled validators of its response schemas.
struct Contract {
    document: Value,
    /// `(path template, its segments)`, for matching concrete paths.
    paths: Vec<(String, Vec<String>)>,
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

static CONTRACT: LazyLock<Contract> = LazyLock::new(|| {
    #[expect(
        clippy::expect_used,
        reason = "without the document nothing can be checked; fail loudly"
    )]
    let document = musubi_api::startup::openapi().expect("building the OpenAPI document");
    let paths = document["paths"]
        .as_object()
        .map(|paths| {
            paths
                .keys()
                .map(|path| (path.clone(), segments(path)))
                .collect()
        })
        .unwrap_or_default();
    Contract {
        document,
        paths,
        validators: Mutex::new(HashMap::new()),
    }
});

fn segments(path: &str) -> Vec<String> {
    path.trim_matches('/')
        .split('/')
        .map(str::to_owned)
        .collect()
}

/// A `reqwest::Client` whose every response is checked against the OpenAPI document.
/// It dereferences to the `reqwest::Client` for anything not wrapped here.
#[derive(Debug, Clone)]
pub struct Client {
    inner: reqwest::Client,
}

impl std::ops::Deref for Client {
    type Target = reqwest::Client;
    fn deref(&self) -> &reqwest::Client {
        &self.inner
    }
}

impl Client {
    /// Wraps a client.
    pub fn new(inner: reqwest::Client) -> Self {
        Self { inner }
    }

    /// The unchecked client, for a request that must bypass the check (say why).
    pub fn unchecked(&self) -> &reqwest::Client {
        &self.inner
    }

    /// Starts a request.
    pub fn request<U: IntoUrl>(&self, method: Method, url: U) -> RequestBuilder {
        RequestBuilder {
            inner: self.inner.request(method, url),
        }
    }

    /// GET.
    pub fn get<U: IntoUrl>(&self, url: U) -> RequestBuilder {
        self.request(Method::GET, url)
    }

    /// POST.
    pub fn post<U: IntoUrl>(&self, url: U) -> RequestBuilder {
        self.request(Method::POST, url)
    }

    /// PUT.
    pub fn put<U: IntoUrl>(&self, url: U) -> RequestBuilder {
        self.request(Method::PUT, url)
    }

    /// PATCH.
    pub fn patch<U: IntoUrl>(&self, url: U) -> RequestBuilder {
        self.request(Method::PATCH, url)
    }

    /// DELETE.
    pub fn delete<U: IntoUrl>(&self, url: U) -> RequestBuilder {
        self.request(Method::DELETE, url)
    }

    /// HEAD.
    pub fn head<U: IntoUrl>(&self, url: U) -> RequestBuilder {
        self.request(Method::HEAD, url)
    }

    /// Sends a built request, checked like [`RequestBuilder::send`].
    pub async fn execute(&self, request: reqwest::Request) -> reqwest::Result<reqwest::Response> {
        let method = request.method().clone();
        let url = request.url().clone();
        let response = self.inner.execute(request).await?;
        checked(&method, &url, response).await
    }
}

/// A `reqwest::RequestBuilder` whose `send` checks the response.
#[derive(Debug)]
pub struct RequestBuilder {
    inner: reqwest::RequestBuilder,
}

impl RequestBuilder {
    /// Applies any `reqwest::RequestBuilder` method not wrapped here.
    pub fn with(self, f: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder) -> Self {
        Self {
            inner: f(self.inner),
        }
    }

    /// Adds a header.
    pub fn header<K, V>(self, key: K, value: V) -> Self
    where
        reqwest::header::HeaderName: TryFrom<K>,
        <reqwest::header::HeaderName as TryFrom<K>>::Error: Into<http::Error>,
        reqwest::header::HeaderValue: TryFrom<V>,
        <reqwest::header::HeaderValue as TryFrom<V>>::Error: Into<http::Error>,
    {
        self.with(|inner| inner.header(key, value))
    }

    /// Adds headers.
    pub fn headers(self, headers: HeaderMap) -> Self {
        self.with(|inner| inner.headers(headers))
    }

    /// `Authorization: Bearer …`.
    pub fn bearer_auth<T: std::fmt::Display>(self, token: T) -> Self {
        self.with(|inner| inner.bearer_auth(token))
    }

    /// A raw body.
    pub fn body<T: Into<reqwest::Body>>(self, body: T) -> Self {
        self.with(|inner| inner.body(body))
    }

    /// A JSON body.
    pub fn json<T: serde::Serialize + ?Sized>(self, json: &T) -> Self {
        self.with(|inner| inner.json(json))
    }

    /// Query parameters.
    pub fn query<T: serde::Serialize + ?Sized>(self, query: &T) -> Self {
        self.with(|inner| inner.query(query))
    }

    /// A per-request timeout.
    pub fn timeout(self, timeout: std::time::Duration) -> Self {
        self.with(|inner| inner.timeout(timeout))
    }

    /// A copy, if the body can be copied.
    pub fn try_clone(&self) -> Option<Self> {
        self.inner.try_clone().map(|inner| Self { inner })
    }

    /// Builds the request (send it with [`Client::execute`] to have it checked).
    pub fn build(self) -> reqwest::Result<reqwest::Request> {
        self.inner.build()
    }

    /// Sends the request and checks the response against the OpenAPI document; a
    /// response the document does not describe panics with what to document.
    pub async fn send(self) -> reqwest::Result<reqwest::Response> {
        let (client, request) = self.inner.build_split();
        let request = request?;
        let method = request.method().clone();
        let url = request.url().clone();
        let response = client.execute(request).await?;
        checked(&method, &url, response).await
    }
}

/// Reads the response whole, checks it, and hands back an equal response.
async fn checked(
    method: &Method,
    url: &reqwest::Url,
    response: reqwest::Response,
) -> reqwest::Result<reqwest::Response> {
    let local = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    if !local {
        return Ok(response);
    }
    let status = response.status();
    let version = response.version();
    let headers = response.headers().clone();
    let body = response.bytes().await?;
    if let Err(violation) = check(method, url.path(), status.as_u16(), &headers, &body) {
        panic!("{violation}");
    }
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    Ok(reqwest::Response::from(rebuilt))
}

/// Checks one response; `Err` is the report of what does not match the document.
pub fn check(
    method: &Method,
    path: &str,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), String> {
    let contract = &*CONTRACT;
    let method_key = method.as_str().to_ascii_lowercase();
    let media = headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(|value| {
            value
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        });
    let Some(template) = contract.template_of(path) else {
        // The pages (everything outside the JSON API and the operational endpoints)
        // answer HTML, errors included, under their own contract (WEB.md); their tests
        // check them.
        if musubi_api::web::is_page_path(path) {
            return Ok(());
        }
        // No documented path: the server must say so as a 404 problem.
        if status == 404 && media.as_deref() == Some("application/problem+json") {
            return contract.validate_problem(body).map_err(|violation| {
                format!("OpenAPI contract: {method} {path} (no such path) answered 404, but its problem body {violation}")
            });
        }
        return Err(format!(
            "OpenAPI contract: {method} {path} answered {status}, but no path of the OpenAPI document matches it.\n\
             Either the route is served without `#[utoipa::path]` + registration through \
             utoipa_actix_web (register it in its module's `configure`), or an unknown path \
             did not answer 404 application/problem+json.\n  body: {}",
            excerpt(body)
        ));
    };
    let item = &contract.document["paths"][template.as_str()];
    let Some(operation) = item.get(method_key.as_str()) else {
        // A known path with another method: 405 with `Allow` listing the documented ones.
        let mut documented: Vec<String> = item
            .as_object()
            .map(|item| {
                item.keys()
                    .filter(|key| is_method(key))
                    .map(|key| key.to_ascii_uppercase())
                    .collect()
            })
            .unwrap_or_default();
        documented.sort();
        let mut allowed: Vec<String> = headers
            .get(reqwest::header::ALLOW)
            .and_then(|value| value.to_str().ok())
            .map(|value| {
                value
                    .split(',')
                    .map(|method| method.trim().to_ascii_uppercase())
                    .filter(|method| !method.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        allowed.sort();
        if status != 405 || allowed != documented {
            return Err(format!(
                "OpenAPI contract: {method} {template} is not a documented operation (the path documents {}), \
                 so the server must answer 405 with `Allow: {}`; it answered {status} with Allow {:?}.\n  body: {}",
                documented.join(", "),
                documented.join(", "),
                allowed.join(", "),
                excerpt(body)
            ));
        }
        return contract.validate_problem(body).map_err(|violation| {
            format!("OpenAPI contract: {method} {template} (405) {violation}")
        });
    };
    let name = operation["operationId"].as_str().unwrap_or("?");
    let label = format!("{} {template} (operationId `{name}`)", method.as_str());
    let responses = &operation["responses"];
    let class = format!("{}XX", status / 100);
    let Some((documented_status, response)) = [status.to_string(), class, "default".to_owned()]
        .into_iter()
        .find_map(|key| responses.get(&key).map(|response| (key, response)))
    else {
        let listed: Vec<&String> = responses
            .as_object()
            .map(|r| r.keys().collect())
            .unwrap_or_default();
        let advice = if status >= 500 && status != 503 {
            "A 5xx other than 503 is a server bug: fix the cause rather than documenting it."
                .to_owned()
        } else {
            format!(
                "Document it: add `(status = {status}, description = \"…\", body = crate::error::Problem, \
                 content_type = \"application/problem+json\")` to the `responses(…)` of this handler's \
                 `#[utoipa::path]`; or, if every operation of its kind can answer {status}, add it to \
                 `routes::openapi::add_common_responses`."
            )
        };
        return Err(format!(
            "OpenAPI contract: {label} answered {status}, which the document does not list (it lists {listed:?}).\n  \
             {advice}\n  content-type: {}\n  body: {}",
            media.as_deref().unwrap_or("none"),
            excerpt(body)
        ));
    };
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        if body.is_empty() || *method == Method::HEAD {
            return Ok(());
        }
        return Err(format!(
            "OpenAPI contract: {label} answered {status} with a body ({}), but the document describes no \
             content for {documented_status}: add `body = …` (and `content_type`) to that response.\n  body: {}",
            media.as_deref().unwrap_or("no content type"),
            excerpt(body)
        ));
    };
    if body.is_empty() && (*method == Method::HEAD || status == 204 || status == 304) {
        return Ok(());
    }
    let Some(media) = media else {
        return Err(format!(
            "OpenAPI contract: {label} answered {status} without a Content-Type; the document says {:?}.",
            content.keys().collect::<Vec<_>>()
        ));
    };
    let Some(described) = content.get(&media) else {
        return Err(format!(
            "OpenAPI contract: {label} answered {status} as {media}, but the document describes {status} as {:?}: \
             fix `content_type` in the handler's `#[utoipa::path]` response, or the response's content type.\n  body: {}",
            content.keys().collect::<Vec<_>>(),
            excerpt(body)
        ));
    };
    let json = media == "application/json" || media.ends_with("+json");
    let Some(schema) = described.get("schema").filter(|_| json) else {
        return Ok(());
    };
    let instance: Value = serde_json::from_slice(body).map_err(|error| {
        format!(
            "OpenAPI contract: {label} answered {status} as {media}, but the body is not JSON ({error}).\n  body: {}",
            excerpt(body)
        )
    })?;
    let key = format!("{}|{template}|{documented_status}|{media}", method.as_str());
    contract
        .validate(&key, schema, &instance)
        .map_err(|violations| {
            format!(
                "OpenAPI contract: {label} answered {status} ({media}) with a body that does not match its \
                 documented schema {}:\n{violations}\n  Fix the response, or the `ToSchema` type (or `body = …`) \
                 documented for {documented_status} in the handler's `#[utoipa::path]`.\n  body: {}",
                schema_name(schema),
                excerpt(body)
            )
        })
}

impl Contract {
    /// The documented path a concrete path falls under: literal segments beat
    /// `{parameters}` (`/profiles/me` over `/profiles/{id}`), as the server routes.
    fn template_of(&self, path: &str) -> Option<String> {
        let concrete = segments(path);
        self.paths
            .iter()
            .filter(|(_, template)| {
                template.len() == concrete.len()
                    && template.iter().zip(&concrete).all(|(part, segment)| {
                        (part.starts_with('{') && part.ends_with('}') && !segment.is_empty())
                            || part == segment
                    })
            })
            .max_by_key(|(_, template)| {
                template
                    .iter()
                    .filter(|part| !part.starts_with('{'))
                    .count()
            })
            .map(|(path, _)| path.clone())
    }

    fn validate_problem(&self, body: &[u8]) -> Result<(), String> {
        let instance: Value = serde_json::from_slice(body)
            .map_err(|error| format!("is not JSON ({error}): {}", excerpt(body)))?;
        let schema = serde_json::json!({"$ref": "#/components/schemas/Problem"});
        self.validate("Problem", &schema, &instance)
            .map_err(|violations| {
                format!(
                    "does not match Problem:\n{violations}\n  body: {}",
                    excerpt(body)
                )
            })
    }

    /// Validates against a schema of the document (its `$ref`s resolved in the
    /// document's components); `Err` lists every violation.
    fn validate(&self, key: &str, schema: &Value, instance: &Value) -> Result<(), String> {
        let validator = {
            let mut validators = self
                .validators
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            match validators.get(key) {
                Some(validator) => validator.clone(),
                None => {
                    let mut root = schema.clone();
                    if let Some(object) = root.as_object_mut() {
                        object.insert("components".to_owned(), self.document["components"].clone());
                    }
                    let validator = jsonschema::draft202012::options()
                        .should_validate_formats(true)
                        .build(&root)
                        .map_err(|error| {
                            format!("    the documented schema itself does not compile: {error}")
                        })?;
                    let validator = Arc::new(validator);
                    validators.insert(key.to_owned(), validator.clone());
                    validator
                }
            }
        };
        let mut report = String::new();
        for error in validator.iter_errors(instance) {
            let _ = writeln!(
                report,
                "    - at `{}`: {} (schema: {})",
                error.instance_path(),
                error,
                error.schema_path()
            );
        }
        if report.is_empty() {
            Ok(())
        } else {
            Err(report.trim_end().to_owned())
        }
    }
}

fn is_method(key: &str) -> bool {
    matches!(
        key,
        "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace"
    )
}

fn schema_name(schema: &Value) -> String {
    schema["$ref"]
        .as_str()
        .map(|reference| format!("`{}`", reference.rsplit('/').next().unwrap_or(reference)))
        .unwrap_or_else(|| "(inline)".to_owned())
}

fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    if text.chars().count() > 600 {
        format!("{}…", text.chars().take(600).collect::<String>())
    } else {
        text.into_owned()
    }
}
