//! Accounts: register, log in, and who am I.

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, post, web};
use chrono::{DateTime, Utc};
use sea_orm::TransactionTrait;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::{
    auth::{
        AccountRole, AuthUser, password,
        throttle::{self, Throttles},
    },
    config::Secret,
    db,
    domain::{enums::OrganizationKind, text::Errors},
    entities::{organization, user},
    error::{ApiError, ApiResult},
    extract::Json,
    idempotency::{self, Claim, Found, IdempotencyKey, Stored},
    repo,
    services::accounts::{self, LoginError},
    state::AppState,
};

/// Registers the account routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(register).service(login).service(me);
}

/// The organization an SME registers with.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationInput {
    /// Name, e.g. `株式会社丸山漆器`.
    pub name: String,
    /// SME or municipality.
    pub kind: OrganizationKind,
    /// The region it belongs to (`GET /regions`).
    pub region_id: Uuid,
    /// Industry key (`GET /taxonomy`), or free text.
    pub industry: String,
    /// City, e.g. `塩尻市`.
    pub city: String,
    /// Employees.
    #[serde(default)]
    pub employees: Option<u32>,
    /// What the organization does.
    #[serde(default)]
    pub description: Option<String>,
}

/// Who may self-register: coordinators are created by the operator.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegisterRole {
    /// An SME or municipality.
    Sme,
    /// A professional.
    Professional,
}

/// `POST /auth/register`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// Email (case-insensitive, unique).
    pub email: String,
    /// 10–128 characters.
    pub password: String,
    /// Name shown to coordinators, and to an SME after an introduction.
    pub display_name: String,
    /// `sme` or `professional`.
    pub role: RegisterRole,
    /// Required for `sme`, refused otherwise.
    #[serde(default)]
    pub organization: Option<OrganizationInput>,
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

fn validate_register(request: &RegisterRequest) -> Result<String, ApiError> {
    let mut errors = Errors::default();
    // The same rule the mail sender has: an account is someone Musubi can email.
    let email = errors.email("email", &request.email);
    let password_length = request.password.chars().count();
    if !(10..=128).contains(&password_length) {
        errors.add("password", "must be 10 to 128 characters");
    }
    errors.line("display_name", &request.display_name, 1, 100);
    match (request.role, &request.organization) {
        (RegisterRole::Sme, None) => errors.add("organization", "required for an sme account"),
        (RegisterRole::Professional, Some(_)) => {
            errors.add("organization", "only sme accounts have an organization")
        }
        (RegisterRole::Sme, Some(org)) => {
            errors.line("organization.name", &org.name, 1, 200);
            errors.line("organization.industry", &org.industry, 1, 100);
            errors.line("organization.city", &org.city, 1, 100);
            if let Some(description) = &org.description {
                errors.lines("organization.description", description, 0, 4_000);
            }
            if org.employees.is_some_and(|count| count > 1_000_000) {
                errors.add("organization.employees", "must be at most 1000000");
            }
        }
        (RegisterRole::Professional, None) => {}
    }
    errors.finish()?;
    email
        .map(String::from)
        .ok_or_else(|| ApiError::invalid("email", "must be an email address"))
}

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
pub async fn register(
    http: HttpRequest,
    state: web::Data<AppState>,
    throttles: web::Data<Throttles>,
    key: IdempotencyKey,
    Json(request): Json<RegisterRequest>,
) -> ApiResult<HttpResponse> {
    let email = validate_register(&request)?;
    // Every valid attempt counts, created or taken alike, so probing for accounts is
    // as slow as registering.
    throttle::attempt(
        (&throttles.register_account, &email),
        (&throttles.register_address, &throttles.client_key(&http)),
    )?;
    let role = match request.role {
        RegisterRole::Sme => AccountRole::Sme,
        RegisterRole::Professional => AccountRole::Professional,
    };
    if let Some(org) = &request.organization
        && repo::regions::by_id(&state.db, org.region_id)
            .await?
            .is_none()
    {
        return Err(ApiError::invalid(
            "organization.region_id",
            "no such region; see GET /api/v1/regions",
        ));
    }
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
            return replay_registration(&state, stored, request.password).await;
        }
        Found::Fresh(claim) => claim,
    };
    let created = create_account(&state, request, email, role, claim.clone()).await;
    if created.is_err() {
        claim.release(&state.db).await;
    }
    let (user, organization) = created?;
    let access_token = state.jwt.issue(user.id, user.token_version)?;
    let view = user_view(user, organization.map(|org| org.id), None);
    Ok(HttpResponse::Created().json(RegisterResponse {
        user: view,
        access_token,
    }))
}

/// The idempotency scope of registration.
const REGISTER_SCOPE: &str = "POST /auth/register";

/// What a registration stores for its key: the account, not its token or personal data.
#[derive(Debug, Serialize, Deserialize)]
struct Registered {
    user_id: Uuid,
}

/// Answers a repeated registration as the first was answered, with a fresh token: as a
/// login would, only while the password sent is still the account's.
async fn replay_registration(
    state: &AppState,
    stored: Stored,
    password: String,
) -> ApiResult<HttpResponse> {
    let registered: Registered =
        serde_json::from_str(&stored.body).map_err(|error| ApiError::Internal(error.into()))?;
    let user = repo::users::by_id(&state.db, registered.user_id)
        .await?
        .filter(|user| user.erased_at.is_none())
        .ok_or_else(|| {
            ApiError::Conflict(
                "the account made with this Idempotency-Key no longer exists".to_owned(),
            )
        })?;
    if !password::verify(Secret::new(password), Some(user.password_hash.clone())).await? {
        return Err(ApiError::Unauthorized);
    }
    let organization = repo::users::organization_of(&state.db, user.id).await?;
    let access_token = state.jwt.issue(user.id, user.token_version)?;
    let view = user_view(user, organization.map(|org| org.id), None);
    Ok(HttpResponse::build(stored.status)
        .insert_header(("Idempotent-Replayed", "true"))
        .json(RegisterResponse {
            user: view,
            access_token,
        }))
}

/// Makes the user (and an SME's organization) and stores the key's answer, in one
/// transaction.
async fn create_account(
    state: &AppState,
    request: RegisterRequest,
    email: String,
    role: AccountRole,
    claim: Claim,
) -> ApiResult<(user::Model, Option<organization::Model>)> {
    let password_hash = password::hash(Secret::new(request.password.clone())).await?;
    let display_name = request.display_name.clone();
    let (user, organization) = state
        .db
        .transaction::<_, (user::Model, Option<organization::Model>), ApiError>(move |txn| {
            Box::pin(async move {
                let new = repo::users::NewUser {
                    email: &email,
                    password_hash,
                    display_name: &display_name,
                    role,
                    region_id: None,
                };
                let user = repo::users::insert(txn, new).await.map_err(|error| {
                    if db::is_unique_violation(&error) {
                        ApiError::Conflict("an account with this email already exists".to_owned())
                    } else {
                        error.into()
                    }
                })?;
                let organization = match &request.organization {
                    None => None,
                    Some(org) => Some(
                        repo::users::insert_organization(
                            txn,
                            repo::users::NewOrganization {
                                owner_id: user.id,
                                region_id: org.region_id,
                                name: &org.name,
                                kind: org.kind.as_str(),
                                industry: &org.industry,
                                city: &org.city,
                                employees: org
                                    .employees
                                    .and_then(|count| i32::try_from(count).ok()),
                                description: org.description.as_deref(),
                            },
                        )
                        .await?,
                    ),
                };
                claim
                    .complete(txn, StatusCode::CREATED, &Registered { user_id: user.id })
                    .await?;
                Ok((user, organization))
            })
        })
        .await?;
    Ok((user, organization))
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
pub async fn login(
    http: HttpRequest,
    state: web::Data<AppState>,
    throttles: web::Data<Throttles>,
    Json(request): Json<LoginRequest>,
) -> ApiResult<web::Json<TokenResponse>> {
    let user = accounts::login(
        &state.db,
        &throttles,
        &throttles.client_key(&http),
        &request.email,
        Secret::new(request.password),
    )
    .await
    .map_err(|error| match error {
        LoginError::Throttled(wait) => throttle::too_many(wait),
        LoginError::WrongCredentials => ApiError::Unauthorized,
        LoginError::Internal(error) => error.into(),
    })?;
    Ok(web::Json(TokenResponse {
        access_token: state.jwt.issue(user.user_id, user.token_version)?,
        token_type: "Bearer",
        expires_in: state.jwt.ttl().as_secs(),
    }))
}

/// The caller's account.
#[utoipa::path(tag = "accounts", security(("bearer" = [])), responses(
    (status = 200, body = UserView),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/me")]
pub async fn me(state: web::Data<AppState>, caller: AuthUser) -> ApiResult<web::Json<UserView>> {
    let user = repo::users::by_id(&state.db, caller.id)
        .await?
        .ok_or(ApiError::Unauthorized)?;
    let organization_id = match caller.role {
        AccountRole::Sme => repo::users::organization_of(&state.db, caller.id)
            .await?
            .map(|org| org.id),
        _ => None,
    };
    let profile_id = match caller.role {
        AccountRole::Professional => repo::profiles::by_user(&state.db, caller.id)
            .await?
            .map(|profile| profile.user_id),
        _ => None,
    };
    Ok(web::Json(user_view(user, organization_id, profile_id)))
}

fn user_view(
    user: user::Model,
    organization_id: Option<Uuid>,
    profile_id: Option<Uuid>,
) -> UserView {
    UserView {
        id: user.id,
        role: AccountRole::parse(&user.role).unwrap_or(AccountRole::Professional),
        email: user.email,
        display_name: user.display_name,
        region_id: user.region_id,
        organization_id,
        profile_id,
        created_at: user.created_at,
    }
}
