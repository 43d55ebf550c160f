//! Sessions: log out, change the password, reset a forgotten one by email.
//!
//! Logout revokes the caller's token; a password change or reset revokes every token of
//! the user (their token version moves on). Both take effect at once in every process:
//! authentication checks them in the query that loads the caller.

use actix_web::{HttpRequest, HttpResponse, post, web};
use sea_orm::{DatabaseConnection, TransactionTrait};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::auth::TokenResponse;
use crate::{
    auth::{
        AuthSession, AuthUser, password, reset,
        throttle::{self, Throttles},
    },
    config::Secret,
    domain::text::{Errors, parse_email},
    email::{
        outbox::{self, NewEmail, kind},
        templates,
    },
    error::{ApiError, ApiResult},
    extract::Json,
    repo,
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

fn check_new_password(errors: &mut Errors, password: &str) {
    if !(10..=128).contains(&password.chars().count()) {
        errors.add("new_password", "must be 10 to 128 characters");
    }
}

fn token_response(state: &AppState, user_id: uuid::Uuid, version: i32) -> ApiResult<TokenResponse> {
    Ok(TokenResponse {
        access_token: state.jwt.issue(user_id, version)?,
        token_type: "Bearer",
        expires_in: state.jwt.ttl().as_secs(),
    })
}

/// Log out: the token sent with this request stops working at once. Other tokens of the
/// same account (other devices) keep working; change the password to end them all.
#[utoipa::path(tag = "accounts", security(("bearer" = [])), responses(
    (status = 204, description = "the token is revoked"),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/auth/logout")]
pub async fn logout(state: web::Data<AppState>, session: AuthSession) -> ApiResult<HttpResponse> {
    repo::sessions::revoke(&state.db, &session.claims).await?;
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
pub async fn change_password(
    state: web::Data<AppState>,
    throttles: web::Data<Throttles>,
    caller: AuthUser,
    Json(request): Json<ChangePasswordRequest>,
) -> ApiResult<web::Json<TokenResponse>> {
    let mut errors = Errors::default();
    check_new_password(&mut errors, &request.new_password);
    errors.finish()?;
    let user = repo::users::by_id(&state.db, caller.id)
        .await?
        .ok_or(ApiError::Unauthorized)?;
    throttles
        .login_account
        .attempt(&user.email)
        .map_err(throttle::too_many)?;
    let verified = password::verify(
        Secret::new(request.current_password),
        Some(user.password_hash.clone()),
    )
    .await?;
    if !verified {
        return Err(ApiError::invalid(
            "current_password",
            "is not the account's current password",
        ));
    }
    throttles.login_account.refund(&user.email);
    let hash = password::hash(Secret::new(request.new_password)).await?;
    let version = repo::sessions::set_password(&state.db, user.id, hash).await?;
    repo::web_sessions::end_all_for_user(&state.db, user.id).await?;
    Ok(web::Json(token_response(&state, user.id, version)?))
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
pub async fn request_reset(
    http: HttpRequest,
    state: web::Data<AppState>,
    throttles: web::Data<Throttles>,
    Json(request): Json<ResetRequest>,
) -> ApiResult<HttpResponse> {
    let email = parse_email(&request.email)
        .ok_or_else(|| ApiError::invalid("email", "must be an email address"))?;
    throttle::attempt(
        (&throttles.reset_account, &email),
        (&throttles.reset_address, &throttles.client_key(&http)),
    )?;
    // The lookup and the email happen after the answer, so a known email does not take
    // measurably longer to answer than an unknown one.
    let db = state.db.clone();
    let public_url = state.settings.public_url.clone();
    tokio::spawn(async move {
        if let Err(error) = send_reset_link(&db, &public_url, &email).await {
            tracing::error!(error.cause_chain = ?error, "could not write a password-reset email");
        }
    });
    Ok(HttpResponse::Accepted().json(ResetAccepted {
        status: "accepted",
        message: "このアドレスのアカウントがあれば、パスワード再設定用のリンクをお送りしました（30分有効）。 If an account uses this address, a link to reset its password is on its way; it works for 30 minutes.",
    }))
}

/// Stores a new link's hash and writes its email to the outbox in one transaction.
async fn send_reset_link(
    db: &DatabaseConnection,
    public_url: &str,
    email: &str,
) -> anyhow::Result<()> {
    let Some(user) = repo::users::by_email(db, email).await? else {
        return Ok(());
    };
    let token = reset::new_token();
    let rendered = templates::password_reset(&templates::PasswordReset {
        recipient_name: &user.display_name,
        link: &reset::link(public_url, &token),
        valid_minutes: reset::VALID_FOR.as_secs() / 60,
    });
    let message = NewEmail::new(
        kind::PASSWORD_RESET,
        user.email.clone(),
        user.display_name.clone(),
        rendered,
    )
    .to_user(user.id);
    let token_hash = reset::hash(&token);
    db.transaction::<_, (), anyhow::Error>(move |txn| {
        Box::pin(async move {
            repo::sessions::insert_reset(txn, token_hash, user.id, reset::VALID_FOR).await?;
            outbox::enqueue(txn, message).await?;
            Ok(())
        })
    })
    .await
    .map_err(|error| match error {
        sea_orm::TransactionError::Connection(error) => anyhow::Error::from(error),
        sea_orm::TransactionError::Transaction(error) => error,
    })
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
pub async fn confirm_reset(
    state: web::Data<AppState>,
    Json(request): Json<ResetConfirmRequest>,
) -> ApiResult<web::Json<TokenResponse>> {
    let mut errors = Errors::default();
    check_new_password(&mut errors, &request.new_password);
    errors.finish()?;
    let token_hash = reset::hash(&request.token);
    // A cheap look first, so an invalid link costs no password hashing; the use below is
    // what makes it single: of two concurrent uses only one claims the row.
    repo::sessions::peek_reset(&state.db, &token_hash)
        .await?
        .map_err(|refusal| ApiError::InvalidResetToken(refusal.as_str()))?;
    let hash = password::hash(Secret::new(request.new_password)).await?;
    let (user_id, version) = state
        .db
        .transaction::<_, (uuid::Uuid, i32), ApiError>(move |txn| {
            Box::pin(async move {
                let user_id = repo::sessions::use_reset(txn, &token_hash)
                    .await?
                    .map_err(|refusal| ApiError::InvalidResetToken(refusal.as_str()))?;
                // An account erased since the link was sent cannot come back through it.
                let live = repo::users::by_id(txn, user_id)
                    .await?
                    .is_some_and(|user| user.erased_at.is_none());
                if !live {
                    return Err(ApiError::InvalidResetToken(
                        repo::sessions::ResetRefusal::Unknown.as_str(),
                    ));
                }
                let version = repo::sessions::set_password(txn, user_id, hash).await?;
                repo::sessions::retire_resets(txn, user_id).await?;
                repo::web_sessions::end_all_for_user(txn, user_id).await?;
                Ok((user_id, version))
            })
        })
        .await?;
    Ok(web::Json(token_response(&state, user_id, version)?))
}
