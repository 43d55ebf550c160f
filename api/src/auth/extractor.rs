//! The extractors: a bearer token becomes an [`AuthUser`], a [`MaybeAuthUser`] or an
//! [`AuthSession`]. The one file of `auth` that reads the application state (the token
//! keys and the pool).

use std::{future::Future, pin::Pin, time::Instant};

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};

use super::{AccountRole, AuthSession, AuthUser, MaybeAuthUser, callers::Lookup, jwt};
use crate::{error::ApiError, repo, state::AppState};

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

/// Verifies the token, then finds the caller and checks revocation: the token's version
/// must be the user's current one (a password change or reset bumps it) and its id must
/// not be on the revocation list (logout). The caller is one read, kept for a moment
/// (see [`callers`](super::callers)).
async fn authenticate(
    state: web::Data<AppState>,
    token: String,
) -> Result<(AuthUser, jwt::Claims), ApiError> {
    let claims = state.jwt.verify(&token).ok_or(ApiError::Unauthorized)?;
    let caller = caller_of(&state, &claims)
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

/// The token's user and whether its id is revoked: kept, or read now, or kept while it
/// is read again in the background.
async fn caller_of(
    state: &AppState,
    claims: &jwt::Claims,
) -> Result<Option<repo::sessions::Caller>, ApiError> {
    let (user_id, jti) = (claims.sub, claims.jti);
    match state.callers.lookup((user_id, jti), Instant::now()) {
        Lookup::Kept(caller) => Ok(Some(caller)),
        Lookup::KeptRefresh(caller, reading) => {
            let (db, callers) = (state.db.clone(), state.callers.clone());
            drop(tokio::spawn(async move {
                match repo::sessions::caller(&db, user_id, jti).await {
                    Ok(found) => callers.keep(reading, found.as_ref()),
                    Err(error) => {
                        tracing::warn!(error = %format!("{error:#}"), "reading a token's caller again");
                        callers.failed(reading);
                    }
                }
            }));
            Ok(Some(caller))
        }
        Lookup::Read(reading) => {
            let found = repo::sessions::caller(&state.db, user_id, jti).await?;
            state.callers.keep(reading, found.as_ref());
            Ok(found)
        }
    }
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

/// The throttling key of the request's client (its address, or the configured proxy
/// header's last entry).
pub fn client_key(throttles: &super::throttle::Throttles, request: &HttpRequest) -> String {
    throttles.client_key(
        |name| request.headers().get(name)?.to_str().ok(),
        request.peer_addr().map(|peer| peer.ip()),
    )
}
