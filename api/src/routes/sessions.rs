//! Sessions: log out, change the password, reset a forgotten one by email.
//!
//! Logout revokes the caller's token; a password change or reset revokes every token of
//! the user (their token version moves on). Both take effect at once in every process:
//! authentication checks them in the query that loads the caller.

use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::auth::TokenResponse;
use crate::{
    auth::{AuthSession, AuthUser, throttle::Throttles},
    config::Secret,
    domain::{account::NewPassword, text::parse_email},
    error::{ApiError, ApiResult},
    extract::Json,
    services::accounts,
    state::AppState,
};

/// Registers the session routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(logout)
        .service(change_password)
        .service(request_reset)
        .service(confirm_reset);
}

/// `POST /auth/password`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    /// The password in use now.
    pub current_password: String,
    /// 10–128 characters.
    pub new_password: String,
}

/// `POST /auth/password-reset`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    /// The account's email.
    pub email: String,
}

/// `202` of a reset request: the same whether or not the email has an account.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResetAccepted {
    /// Always `accepted`.
    pub status: &'static str,
    /// What happens next, in Japanese and English.
    pub message: &'static str,
}

/// `POST /auth/password-reset/confirm`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetConfirmRequest {
    /// The `token` of the emailed link.
    pub token: String,
    /// 10–128 characters.
    pub new_password: String,
}

fn new_password(password: String) -> Result<NewPassword, ApiError> {
    NewPassword::parse(password).map_err(|message| ApiError::invalid("new_password", message))
}

/// Log out: the token sent with this request stops working at once. Other tokens of the
/// same account (other devices) keep working; change the password to end them all.
#[utoipa::path(tag = "accounts", security(("bearer" = [])), responses(
    (status = 204, description = "the token is revoked"),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/auth/logout")]
#[tracing::instrument(skip_all, fields(user_id = %session.user.id))]
pub async fn logout(state: web::Data<AppState>, session: AuthSession) -> ApiResult<HttpResponse> {
    accounts::logout(&state.db, &session.claims).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Change the password: every token of the account issued so far stops working, and
/// the answer carries a fresh one. A wrong current password counts as a failed login
/// (same per-account limit, 429 past it).
#[utoipa::path(tag = "accounts", security(("bearer" = [])), request_body = ChangePasswordRequest, responses(
    (status = 200, body = TokenResponse),
    (status = 400, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, description = "the new password is out of bounds, or `current_password` is wrong", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 429, description = "too many wrong passwords for this account; see Retry-After", body = crate::error::Problem, content_type = "application/problem+json",
        headers(("Retry-After" = u64, description = "seconds until an attempt is allowed again"))),
))]
#[post("/auth/password")]
#[tracing::instrument(skip_all, fields(user_id = %caller.id))]
pub async fn change_password(
    state: web::Data<AppState>,
    throttles: web::Data<Throttles>,
    caller: AuthUser,
    Json(request): Json<ChangePasswordRequest>,
) -> ApiResult<web::Json<TokenResponse>> {
    let new = new_password(request.new_password)?;
    let logged_in = accounts::change_password(
        &state.db,
        &throttles,
        &caller,
        Secret::new(request.current_password),
        new,
    )
    .await?;
    Ok(web::Json(TokenResponse::issue(&state.jwt, logged_in)?))
}

/// Ask for a password-reset link. The answer is the same 202 whether or not the email
/// has an account; if it has, the account's owner receives (in Japanese and English) a
/// link to `{MUSUBI_PUBLIC_URL}/password-reset?token=…` that works once, for 30 minutes.
/// Throttled per email (`MUSUBI_THROTTLE_RESET_PER_ACCOUNT`, default 3 an hour) and per
/// client address (`MUSUBI_THROTTLE_RESET_PER_ADDRESS`, default 10 an hour), for known
/// and unknown emails alike.
#[utoipa::path(tag = "accounts", request_body = ResetRequest, responses(
    (status = 202, body = ResetAccepted),
    (status = 400, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 429, description = "too many reset requests for this email or from this address; see Retry-After", body = crate::error::Problem, content_type = "application/problem+json",
        headers(("Retry-After" = u64, description = "seconds until a request is allowed again"))),
))]
#[post("/auth/password-reset")]
#[tracing::instrument(skip_all)]
pub async fn request_reset(
    http: HttpRequest,
    state: web::Data<AppState>,
    throttles: web::Data<Throttles>,
    Json(request): Json<ResetRequest>,
) -> ApiResult<HttpResponse> {
    let email = parse_email(&request.email)
        .ok_or_else(|| ApiError::invalid("email", "must be an email address"))?;
    accounts::request_password_reset(
        &state.db,
        &state.settings.public_url,
        &throttles,
        &crate::auth::extractor::client_key(&throttles, &http),
        email,
    )?;
    Ok(HttpResponse::Accepted().json(ResetAccepted {
        status: "accepted",
        message: "このアドレスのアカウントがあれば、パスワード再設定用のリンクをお送りしました（30分有効）。 If an account uses this address, a link to reset its password is on its way; it works for 30 minutes.",
    }))
}

/// Set a new password with the token of an emailed link. The link then stops working,
/// as do the account's other links and every token issued so far; the answer carries a
/// fresh token.
#[utoipa::path(tag = "accounts", request_body = ResetConfirmRequest, responses(
    (status = 200, body = TokenResponse),
    (status = 400, description = "malformed, or `invalid_reset_token`: the link is unknown, expired or already used", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/auth/password-reset/confirm")]
#[tracing::instrument(skip_all)]
pub async fn confirm_reset(
    state: web::Data<AppState>,
    Json(request): Json<ResetConfirmRequest>,
) -> ApiResult<web::Json<TokenResponse>> {
    let new = new_password(request.new_password)?;
    let logged_in = accounts::confirm_password_reset(&state.db, &request.token, new).await?;
    Ok(web::Json(TokenResponse::issue(&state.jwt, logged_in)?))
}
