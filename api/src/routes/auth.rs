//! Accounts: register, log in, and who am I.

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::{
    auth::{AccountRole, AuthUser, jwt::JwtKeys, throttle::Throttles},
    config::Secret,
    domain::account::RegisterRequest,
    entities::user,
    error::ApiResult,
    extract::Json,
    idempotency::{self, Found, IdempotencyKey},
    services::accounts::{self, Account, LoggedIn},
    state::AppState,
};

/// Registers the account routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(register).service(login).service(me);
}

/// A user as shown to themselves.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    /// User id.
    pub id: Uuid,
    /// Email.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Role.
    pub role: AccountRole,
    /// Coordinators: their region.
    pub region_id: Option<Uuid>,
    /// SMEs: their organization.
    pub organization_id: Option<Uuid>,
    /// Professionals: their profile's id (their user id) once they have one.
    pub profile_id: Option<Uuid>,
    /// When the account was made.
    pub created_at: DateTime<Utc>,
}

/// `201` of register.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegisterResponse {
    /// The new user.
    pub user: UserView,
    /// A bearer token.
    pub access_token: String,
}

/// `POST /auth/login`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Email.
    pub email: String,
    /// Password.
    pub password: String,
}

/// A bearer token.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// The JWT.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until it expires.
    pub expires_in: u64,
}

impl UserView {
    /// The view of an account, with a professional's profile id.
    pub fn of(account: Account, profile_id: Option<Uuid>) -> Self {
        let Account {
            user,
            role,
            organization,
        } = account;
        Self::new(user, role, organization.map(|org| org.id), profile_id)
    }

    /// The view of a user row.
    pub fn new(
        user: user::Model,
        role: AccountRole,
        organization_id: Option<Uuid>,
        profile_id: Option<Uuid>,
    ) -> Self {
        Self {
            id: user.id,
            role,
            email: user.email,
            display_name: user.display_name,
            region_id: user.region_id,
            organization_id,
            profile_id,
            created_at: user.created_at,
        }
    }
}

impl TokenResponse {
    /// A fresh token for whoever logged in.
    pub fn issue(jwt: &JwtKeys, logged_in: LoggedIn) -> ApiResult<Self> {
        Ok(Self {
            access_token: jwt.issue(logged_in.user_id, logged_in.token_version)?,
            token_type: "Bearer",
            expires_in: jwt.ttl().as_secs(),
        })
    }
}

/// The idempotency scope of registration.
const REGISTER_SCOPE: &str = "POST /auth/register";

/// Create an account (SME or professional) and get a token.
///
/// An email that already has an account answers 409: the contract hands the new account
/// its token at once, so a taken email cannot be answered like a free one. That answer
/// would tell a prober which emails have accounts, so registration is throttled per
/// client address (`MUSUBI_THROTTLE_REGISTER_PER_ADDRESS`, default 10 an hour) and per
/// email; past the limit every attempt, taken email or not, answers 429 with
/// `Retry-After`.
///
/// Accepts `Idempotency-Key`: a repeat with the same key and body answers the first 201
/// again, with a new token.
#[utoipa::path(tag = "accounts", request_body = RegisterRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "replays the first response (with a fresh token) for the same key and body; the key with another body is 422")),
    responses(
    (status = 201, body = RegisterResponse),
    (status = 400, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, description = "the email is taken", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 429, description = "too many registrations from this address or for this email; see Retry-After", body = crate::error::Problem, content_type = "application/problem+json",
        headers(("Retry-After" = u64, description = "seconds until an attempt is allowed again"))),
))]
#[post("/auth/register")]
#[tracing::instrument(skip_all)]
pub async fn register(
    http: HttpRequest,
    state: web::Data<AppState>,
    throttles: web::Data<Throttles>,
    key: IdempotencyKey,
    Json(request): Json<RegisterRequest>,
) -> ApiResult<HttpResponse> {
    let registration = request.parse()?;
    accounts::admit_registration(
        &throttles,
        &crate::auth::extractor::client_key(&throttles, &http),
        &registration.email,
    )?;
    // The body holds the password: its fingerprint is keyed with the server's secret.
    // Keys of anonymous callers share one namespace (the nil user).
    let fingerprint = idempotency::keyed_fingerprint(state.settings.jwt_secret.expose(), &request);
    let claim = match idempotency::begin_or_stored(
        &state.db,
        Uuid::nil(),
        REGISTER_SCOPE,
        &key,
        fingerprint,
    )
    .await?
    {
        Found::Done(stored) => {
            // Answered as the first was, with a fresh token: as a login would, only
            // while the password sent is still the account's.
            let account = accounts::replay_registration(
                &state.db,
                &stored.body,
                Secret::new(request.password),
            )
            .await?;
            return Ok(HttpResponse::build(stored.status)
                .insert_header(("Idempotent-Replayed", "true"))
                .json(registered(&state.jwt, account)?));
        }
        Found::Fresh(claim) => claim,
    };
    let store = idempotency::CompleteWith::new(
        claim.clone(),
        StatusCode::CREATED,
        |registered: &accounts::Registered| {
            Ok(accounts::Registered {
                user_id: registered.user_id,
            })
        },
    );
    let created = accounts::register(&state.db, registration, store).await;
    if created.is_err() {
        claim.release(&state.db).await;
    }
    Ok(HttpResponse::Created().json(registered(&state.jwt, created?)?))
}

fn registered(jwt: &JwtKeys, account: Account) -> ApiResult<RegisterResponse> {
    let access_token = jwt.issue(account.user.id, account.user.token_version)?;
    Ok(RegisterResponse {
        user: UserView::of(account, None),
        access_token,
    })
}

/// Exchange email and password for a token. A wrong email and a wrong password give the
/// same 401, byte for byte, in the same time.
///
/// Failed logins are throttled per account (`MUSUBI_THROTTLE_LOGIN_PER_ACCOUNT`, default
/// 10 a minute) and per client address (`MUSUBI_THROTTLE_LOGIN_PER_ADDRESS`, default 30 a
/// minute) over a sliding window: past the limit every attempt, even with the right
/// password, answers 429 with `Retry-After` until the oldest failure leaves the window.
#[utoipa::path(tag = "accounts", request_body = LoginRequest, responses(
    (status = 200, body = TokenResponse),
    (status = 400, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 429, description = "too many failed logins for this account or from this address; see Retry-After", body = crate::error::Problem, content_type = "application/problem+json",
        headers(("Retry-After" = u64, description = "seconds until an attempt is allowed again"))),
))]
#[post("/auth/login")]
#[tracing::instrument(skip_all)]
pub async fn login(
    http: HttpRequest,
    state: web::Data<AppState>,
    throttles: web::Data<Throttles>,
    Json(request): Json<LoginRequest>,
) -> ApiResult<web::Json<TokenResponse>> {
    let logged_in = accounts::login(
        &state.db,
        &throttles,
        &crate::auth::extractor::client_key(&throttles, &http),
        &request.email,
        Secret::new(request.password),
    )
    .await?;
    Ok(web::Json(TokenResponse::issue(&state.jwt, logged_in)?))
}

/// The caller's account.
#[utoipa::path(tag = "accounts", security(("bearer" = [])), responses(
    (status = 200, body = UserView),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/me")]
#[tracing::instrument(skip_all, fields(user_id = %caller.id))]
pub async fn me(state: web::Data<AppState>, caller: AuthUser) -> ApiResult<web::Json<UserView>> {
    let me = accounts::me(&state.db, &caller).await?;
    Ok(web::Json(UserView::of(me.account, me.profile_id)))
}
