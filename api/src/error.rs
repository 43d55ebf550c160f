//! The one HTTP error type. Every 4xx/5xx leaves the service as problem+json (RFC 9457).
//!
//! Each variant names its status. Server errors carry their cause chain into the log and
//! nothing of it into the body.

use actix_web::{HttpResponse, ResponseError, http::StatusCode, http::header};
use serde::Serialize;
use utoipa::ToSchema;

pub use crate::domain::error::{ConflictCode, FieldError};

/// The problem+json body.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary of the kind.
    pub title: String,
    /// HTTP status code.
    pub status: u16,
    /// What happened this time.
    pub detail: String,
    /// Stable snake_case code of the kind.
    pub code: String,
    /// Invalid fields, for validation failures.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// An error answered over HTTP.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the body is not JSON, or a request is malformed.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// 401: no credentials, or bad ones.
    #[error("unauthorized")]
    Unauthorized,
    /// 403: this role may never call this endpoint.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// 404: no such object, or one the caller may not see.
    #[error("not found")]
    NotFound,
    /// 404: no route at this path.
    #[error("no route")]
    NoRoute,
    /// 405: the path exists but not with this method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 409: the request conflicts with the current state; the code names the kind.
    #[error("conflict ({code}): {1}", code = .0.as_str())]
    Conflict(ConflictCode, String),
    /// 413: the body is over the limit.
    #[error("payload too large")]
    PayloadTooLarge,
    /// 415: the body is not of the media type the endpoint reads (named here).
    #[error("unsupported media type")]
    UnsupportedMediaType(&'static str),
    /// 422: the body parsed but some fields are invalid.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// 400: a password-reset token that is unknown, expired or already used.
    #[error("invalid reset token: {0}")]
    InvalidResetToken(&'static str),
    /// 429: too many attempts; retry after this many seconds.
    #[error("too many requests")]
    TooManyRequests {
        /// Seconds until an attempt is allowed again (the `Retry-After` header).
        retry_after: u64,
    },
    /// 503: the database did not answer in time.
    #[error("service unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// 500: anything else; logged with its cause chain, never shown.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    /// A validation failure on one field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }

    /// The stable code of this kind of error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "bad_request",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound => "not_found",
            Self::NoRoute => "no_route",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Conflict(code, _) => code.as_str(),
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMediaType(_) => "unsupported_media_type",
            Self::Validation(_) => "validation_failed",
            Self::InvalidResetToken(_) => "invalid_reset_token",
            Self::TooManyRequests { .. } => "too_many_requests",
            Self::Unavailable(_) => "service_unavailable",
            Self::Internal(_) => "internal_error",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "Bad request",
            Self::Unauthorized => "Authentication required",
            Self::Forbidden(_) => "Forbidden",
            Self::NotFound | Self::NoRoute => "Not found",
            Self::MethodNotAllowed => "Method not allowed",
            Self::Conflict(..) => "Conflict",
            Self::PayloadTooLarge => "Payload too large",
            Self::UnsupportedMediaType(_) => "Unsupported media type",
            Self::Validation(_) => "Validation failed",
            Self::InvalidResetToken(_) => "Invalid password-reset link",
            Self::TooManyRequests { .. } => "Too many requests",
            Self::Unavailable(_) => "Service unavailable",
            Self::Internal(_) => "Internal server error",
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::BadRequest(detail) | Self::Conflict(_, detail) => detail.clone(),
            Self::Unauthorized => "a valid bearer token is required".to_owned(),
            Self::Forbidden(why) => (*why).to_owned(),
            Self::NotFound => "no such resource".to_owned(),
            Self::NoRoute => "no route matches this path".to_owned(),
            Self::MethodNotAllowed => "this path does not accept this method".to_owned(),
            Self::PayloadTooLarge => format!(
                "request bodies are limited to {} bytes",
                crate::extract::BODY_LIMIT
            ),
            Self::UnsupportedMediaType(wanted) => format!("send the body as {wanted}"),
            Self::Validation(errors) => {
                let fields: Vec<&str> = errors.iter().map(|error| error.field.as_str()).collect();
                format!("invalid fields: {}", fields.join(", "))
            }
            Self::InvalidResetToken(why) => format!(
                "this password-reset link {why}; request a new one with POST /api/v1/auth/password-reset"
            ),
            Self::TooManyRequests { retry_after } => {
                format!("too many attempts; try again in {retry_after} seconds")
            }
            Self::Unavailable(_) => {
                "the service is temporarily unavailable; try again shortly".to_owned()
            }
            Self::Internal(_) => "something went wrong on our side".to_owned(),
        }
    }

    /// The problem+json body for this error.
    pub fn problem(&self) -> Problem {
        Problem {
            kind: format!("https://musubi.dev/problems/{}", self.code()),
            title: self.title().to_owned(),
            status: self.status_code().as_u16(),
            detail: self.detail(),
            code: self.code().to_owned(),
            errors: match self {
                Self::Validation(errors) => errors.clone(),
                _ => Vec::new(),
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound | Self::NoRoute => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict(..) => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::InvalidResetToken(_) => StatusCode::BAD_REQUEST,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Internal(cause) | Self::Unavailable(cause) => {
                tracing::error!(error.cause_chain = ?cause, code = self.code(), "request failed");
            }
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        response.content_type("application/problem+json");
        if matches!(self, Self::Unauthorized) {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        if matches!(self, Self::Unavailable(_)) {
            response.insert_header((header::RETRY_AFTER, "5"));
        }
        if let Self::TooManyRequests { retry_after } = self {
            response.insert_header((header::RETRY_AFTER, retry_after.to_string()));
        }
        response.json(self.problem())
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(error: sea_orm::DbErr) -> Self {
        if crate::db::is_unavailable(&error) {
            Self::Unavailable(error.into())
        } else {
            Self::Internal(error.into())
        }
    }
}

impl From<sea_orm::TransactionError<ApiError>> for ApiError {
    fn from(error: sea_orm::TransactionError<ApiError>) -> Self {
        match error {
            sea_orm::TransactionError::Connection(error) => error.into(),
            sea_orm::TransactionError::Transaction(error) => error,
        }
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(error: anyhow::Error) -> Self {
        // A lost connection anywhere in the chain (under any context) is a 503.
        let unavailable = error.chain().any(|cause| {
            cause
                .downcast_ref::<sea_orm::DbErr>()
                .is_some_and(crate::db::is_unavailable)
        });
        if unavailable {
            return Self::Unavailable(error);
        }
        match error.downcast::<sea_orm::DbErr>() {
            Ok(db) => db.into(),
            Err(other) => Self::Internal(other),
        }
    }
}

impl From<crate::services::Error> for ApiError {
    fn from(error: crate::services::Error) -> Self {
        use crate::services::Error;
        match error {
            Error::NotFound => Self::NotFound,
            Error::Forbidden(why) => Self::Forbidden(why),
            Error::Unauthorized => Self::Unauthorized,
            Error::Conflict(code, detail) => Self::Conflict(code, detail),
            Error::Invalid(errors) => Self::Validation(errors),
            Error::InvalidResetToken(why) => Self::InvalidResetToken(why.as_str()),
            Error::TooManyRequests { retry_after } => Self::TooManyRequests { retry_after },
            Error::Failed(cause) => cause.into(),
        }
    }
}

impl From<crate::domain::error::FieldErrors> for ApiError {
    /// Invalid fields found by a parse are a 422 naming each.
    fn from(errors: crate::domain::error::FieldErrors) -> Self {
        Self::Validation(errors)
    }
}

impl From<crate::access::Denied> for ApiError {
    fn from(denied: crate::access::Denied) -> Self {
        crate::services::Error::from(denied).into()
    }
}

/// The result of a handler or service call.
pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_problem_names_every_field() {
        let error = ApiError::Validation(vec![
            FieldError::new("hours_per_month.min", "must not exceed hours_per_month.max"),
            FieldError::new("title", "must not be empty"),
        ]);
        let body = serde_json::to_value(error.problem()).unwrap();
        assert_eq!(body["status"], 422);
        assert_eq!(body["code"], "validation_failed");
        assert_eq!(body["errors"][0]["field"], "hours_per_month.min");
        assert_eq!(body["detail"], "invalid fields: hours_per_month.min, title");
    }

    #[test]
    fn internal_errors_hide_their_cause() {
        let error = ApiError::Internal(anyhow::anyhow!("password=hunter2 at db.example"));
        let body = serde_json::to_string(&error.problem()).unwrap();
        assert!(!body.contains("hunter2"));
        assert!(!body.contains("errors"));
    }

    #[test]
    fn a_lost_connection_under_any_context_is_503_with_retry_after() {
        use anyhow::Context;
        let lost: Result<(), sea_orm::DbErr> = Err(sea_orm::DbErr::ConnectionAcquire(
            sea_orm::ConnAcquireErr::Timeout,
        ));
        let error = ApiError::from(
            lost.context("loading the need")
                .context("posting an application")
                .unwrap_err(),
        );
        assert_eq!(error.status_code(), StatusCode::SERVICE_UNAVAILABLE);
        let response = error.error_response();
        assert_eq!(response.headers().get(header::RETRY_AFTER).unwrap(), "5");
        let wrong = ApiError::from(sea_orm::DbErr::RecordNotFound("need".to_owned()));
        assert_eq!(wrong.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn each_conflict_answers_409_with_its_own_code() {
        for code in ConflictCode::ALL {
            let error = ApiError::Conflict(code, "why".to_owned());
            let body = serde_json::to_value(error.problem()).unwrap();
            assert_eq!(body["status"], 409);
            assert_eq!(body["code"], code.as_str());
            assert_eq!(
                body["type"],
                format!("https://musubi.dev/problems/{}", code.as_str())
            );
            assert_eq!(body["title"], "Conflict");
            assert_eq!(body["detail"], "why");
            assert!(body.get("errors").is_none());
        }
        let codes: Vec<_> = ConflictCode::ALL.iter().map(|code| code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "email_taken",
                "no_organization",
                "need_closed",
                "profile_missing",
                "already_applied",
                "already_withdrawn",
                "already_matched",
                "illegal_transition",
                "idempotency_key_in_use",
                "account_gone",
                "outbox_not_dead",
                "duplicate"
            ]
        );
    }

    #[test]
    fn error_codes_are_stable_snake_case() {
        let codes = [
            ApiError::NotFound.code(),
            ApiError::PayloadTooLarge.code(),
            ApiError::Unauthorized.code(),
        ];
        assert_eq!(codes, ["not_found", "payload_too_large", "unauthorized"]);
    }
}
