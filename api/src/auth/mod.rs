//! Authentication: password hashing, access tokens, and the `AuthUser` extractor.
//!
//! A handler that takes `AuthUser` cannot be reached without a valid token: auth is a
//! parameter, not a check someone can forget.

pub mod jwt;
pub mod password;
pub mod reset;
pub mod throttle;

use std::{future::Future, pin::Pin};

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};

pub use crate::domain::account::AccountRole;
use crate::{access::Actor, error::ApiError, repo, state::AppState};

/// The authenticated caller, loaded fresh from the database on every request so an
/// erased account, a changed role or a revoked token takes effect at once. As a handler
/// parameter it is the extractor; below the routes it is the policy's [`Actor`].
pub type AuthUser = Actor;

fn bearer_token(request: &HttpRequest) -> Option<Result<String, ApiError>> {
    let value = request.headers().get(header::AUTHORIZATION)?;
    let token = value
        .to_str()
        .ok()
        .and_then(|value| {
            value
                .strip_prefix("Bearer ")
                .or_else(|| value.strip_prefix("bearer "))
        })
        .map(|token| token.trim().to_owned())
        .filter(|token| !token.is_empty());
    Some(token.ok_or(ApiError::Unauthorized))
}

/// Verifies the token, then loads the caller and checks revocation in one query: the
/// token's version must be the user's current one (a password change or reset bumps it)
/// and its id must not be on the revocation list (logout).
async fn authenticate(
    state: web::Data<AppState>,
    token: String,
) -> Result<(AuthUser, jwt::Claims), ApiError> {
    let claims = state.jwt.verify(&token).ok_or(ApiError::Unauthorized)?;
    let caller = repo::sessions::caller(&state.db, claims.sub, claims.jti)
        .await?
        .filter(|caller| caller.is_valid_for(&claims))
        .ok_or(ApiError::Unauthorized)?;
    let role = AccountRole::parse(&caller.role).ok_or(ApiError::Unauthorized)?;
    Ok((
        AuthUser {
            id: claims.sub,
            role,
            region_id: caller.region_id,
        },
        claims,
    ))
}

fn state_of(request: &HttpRequest) -> Result<web::Data<AppState>, ApiError> {
    request
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("application state is not registered")))
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let token = bearer_token(request);
        let state = state_of(request);
        Box::pin(async move {
            let token = token.ok_or(ApiError::Unauthorized)??;
            Ok(authenticate(state?, token).await?.0)
        })
    }
}

/// The caller if a token was sent; anonymous otherwise. A token that is sent but
/// invalid is still a 401, so a client with an expired token learns it.
#[derive(Debug, Clone)]
pub struct MaybeAuthUser(pub Option<AuthUser>);

impl FromRequest for MaybeAuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let token = bearer_token(request);
        let state = state_of(request);
        Box::pin(async move {
            match token {
                None => Ok(Self(None)),
                Some(token) => Ok(Self(Some(authenticate(state?, token?).await?.0))),
            }
        })
    }
}

/// The authenticated caller with the claims of the token they sent, for the endpoints
/// that act on the token itself (logout).
#[derive(Debug, Clone)]
pub struct AuthSession {
    /// The caller.
    pub user: AuthUser,
    /// The verified claims of their token.
    pub claims: jwt::Claims,
}

impl FromRequest for AuthSession {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let token = bearer_token(request);
        let state = state_of(request);
        Box::pin(async move {
            let token = token.ok_or(ApiError::Unauthorized)??;
            let (user, claims) = authenticate(state?, token).await?;
            Ok(Self { user, claims })
        })
    }
}
