//! Headers every response carries: `X-Content-Type-Options: nosniff` always, and
//! `Cache-Control: no-store` on every response to a request that carries credentials
//! (an `Authorization` header) and on every `/auth/` answer (they hold tokens), so no
//! shared or browser cache keeps anything personal.

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
    Ok(response)
}
