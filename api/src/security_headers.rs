//! Headers every response carries: `X-Content-Type-Options: nosniff` always, and
//! `Cache-Control: no-store` on every response to a request that carries credentials
//! (an `Authorization` header) and on every `/auth/` answer (they hold tokens), so no
//! shared or browser cache keeps anything personal.
//!
//! Pages (every path outside the JSON API and the operational endpoints) also get a
//! Content-Security-Policy that allows scripts, styles and images from this site only
//! (no inline script or style, no `eval`), may not be framed, and sends forms only
//! here; a `Referrer-Policy` that keeps paths (which hold ids) from other sites; and
//! `no-store` unless the answer set its own caching (the static files do).

use actix_web::{
    Error,
    body::{BoxBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::header::{self, HeaderValue},
    middleware::Next,
};

/// The middleware; wrap it outside the error handlers so rewritten errors get it too.
pub async fn add(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let private = request.headers().contains_key(header::AUTHORIZATION)
        || request.path().starts_with("/api/v1/auth/");
    let page = crate::web::is_page_path(request.path());
    // Handlers' errors are already responses here (actix renders them in the route
    // service), and the problem+json rewrite sits inside this layer.
    let mut response = next.call(request).await?.map_into_boxed_body();
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if private {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if page {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(PAGE_POLICY),
        );
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        );
        // For browsers older than `frame-ancestors`.
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        headers.insert(
            header::HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        );
        if !headers.contains_key(header::CACHE_CONTROL) {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
    }
    Ok(response)
}

/// The pages' Content-Security-Policy.
pub const PAGE_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
    base-uri 'none'; object-src 'none'";
