//! `Idempotency-Key` for the POSTs that create or send email, after the IETF draft
//! (draft-ietf-httpapi-idempotency-key-header): the same key and body replays the first
//! response and does nothing again; the same key with another body is 422; a duplicate
//! that arrives while the first is still running is 409.
//!
//! The key is claimed (`in_progress`) in its own statement before the work starts, so a
//! concurrent duplicate sees it. The response is stored by [`Claim::complete`] inside the
//! transaction of the change itself: the change, its emails and the stored response
//! commit together or not at all. A failed request releases its key for a retry.

use actix_web::{FromRequest, HttpRequest, HttpResponse, dev::Payload, http::StatusCode};
use anyhow::Context;
use chrono::Duration;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    Set,
};
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{
    db,
    entities::idempotency_key,
    error::{ApiError, ApiResult},
    repo::now,
    services::BeforeCommit,
};

/// The header's name.
pub const HEADER: &str = "Idempotency-Key";

/// A claim older than this is taken to belong to a request that died mid-way.
const STALE_AFTER_SECONDS: i64 = 60;

/// The `Idempotency-Key` header, if sent.
#[derive(Debug, Clone, Default)]
pub struct IdempotencyKey(pub Option<String>);

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let parsed = match request.headers().get(HEADER) {
            None => Ok(Self(None)),
            Some(value) => match value.to_str().map(|key| key.trim().trim_matches('"')) {
                Ok(key) if !key.is_empty() && key.len() <= 255 => Ok(Self(Some(key.to_owned()))),
                _ => Err(ApiError::BadRequest(
                    "Idempotency-Key must be 1–255 visible ASCII characters".to_owned(),
                )),
            },
        };
        std::future::ready(parsed)
    }
}

/// What to do with a request.
pub enum Begin {
    /// Do the work; store its response through the claim.
    Fresh(Claim),
    /// The work was done before: answer this.
    Replay(HttpResponse),
}

/// A claimed key (or none, when the client sent no key).
#[derive(Debug, Clone)]
pub struct Claim {
    held: Option<(Uuid, String, String)>,
}

/// A fingerprint of the request body: the same body always gives the same one.
pub fn fingerprint(body: &impl Serialize) -> String {
    let json = serde_json::to_vec(body).unwrap_or_default();
    Sha256::digest(&json)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// A fingerprint keyed with a server secret, for bodies that carry a password: a stored
/// plain hash of such a body would be a fast hash of the password.
pub fn keyed_fingerprint(secret: &str, body: &impl Serialize) -> String {
    let json = serde_json::to_vec(body).unwrap_or_default();
    let mut hasher = Sha256::new();
    hasher.update(Sha256::digest(secret.as_bytes()));
    hasher.update(&json);
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The first response to a key, as stored.
#[derive(Debug, Clone)]
pub struct Stored {
    /// Its status.
    pub status: StatusCode,
    /// Its JSON body.
    pub body: String,
}

impl Stored {
    /// The stored response, marked as a replay.
    pub fn into_response(self) -> HttpResponse {
        HttpResponse::build(self.status)
            .content_type("application/json")
            .insert_header(("Idempotent-Replayed", "true"))
            .body(self.body)
    }
}

/// What to do with a request, for callers that build the replay themselves.
pub enum Found {
    /// Do the work; store its response through the claim.
    Fresh(Claim),
    /// The work was done before; this is what was stored.
    Done(Stored),
}

/// Claims `key` for this user and operation, or says how to answer a repeat.
pub async fn begin(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    scope: &str,
    key: &IdempotencyKey,
    fingerprint: String,
) -> ApiResult<Begin> {
    Ok(
        match begin_or_stored(db, user_id, scope, key, fingerprint).await? {
            Found::Fresh(claim) => Begin::Fresh(claim),
            Found::Done(stored) => Begin::Replay(stored.into_response()),
        },
    )
}

/// Claims the key (or replays), runs `work`, and frees the key if the work fails. The
/// work stores its response through the claim, inside its own transaction.
pub async fn guarded<T, F, Fut>(
    db: &sea_orm::DatabaseConnection,
    user_id: Uuid,
    scope: &str,
    key: &IdempotencyKey,
    fingerprint: String,
    work: F,
) -> ApiResult<Result<T, HttpResponse>>
where
    F: FnOnce(Claim) -> Fut,
    Fut: std::future::Future<Output = ApiResult<T>>,
{
    let claim = match begin(db, user_id, scope, key, fingerprint).await? {
        Begin::Replay(response) => return Ok(Err(response)),
        Begin::Fresh(claim) => claim,
    };
    let result = work(claim.clone()).await;
    if result.is_err() {
        claim.release(db).await;
    }
    result.map(Ok)
}

/// Claims `key` for this user and operation, or returns the stored first response.
pub async fn begin_or_stored(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    scope: &str,
    key: &IdempotencyKey,
    fingerprint: String,
) -> ApiResult<Found> {
    let Some(key) = key.0.clone() else {
        return Ok(Found::Fresh(Claim { held: None }));
    };
    let claimed_at = now();
    let claim = idempotency_key::ActiveModel {
        user_id: Set(user_id),
        scope: Set(scope.to_owned()),
        key: Set(key.clone()),
        fingerprint: Set(fingerprint.clone()),
        status: Set("in_progress".to_owned()),
        response_status: Set(None),
        response_body: Set(None),
        created_at: Set(claimed_at),
    };
    match claim.insert(db).await {
        Ok(_) => {
            return Ok(Found::Fresh(Claim {
                held: Some((user_id, scope.to_owned(), key)),
            }));
        }
        Err(error) if db::is_unique_violation(&error) => {}
        Err(error) if db::is_unavailable(&error) => {
            // The connection was lost: the claim may have committed with its answer
            // lost. Free it (only this very claim), or the client's retry after the 503
            // would be refused as a duplicate in flight until the claim went stale.
            let freed = idempotency_key::Entity::delete_many()
                .filter(idempotency_key::Column::UserId.eq(user_id))
                .filter(idempotency_key::Column::Scope.eq(scope))
                .filter(idempotency_key::Column::Key.eq(key.as_str()))
                .filter(idempotency_key::Column::Status.eq("in_progress"))
                .filter(idempotency_key::Column::CreatedAt.eq(claimed_at))
                .exec(db)
                .await;
            if let Err(error) = freed {
                tracing::warn!(error = %error, "could not free an idempotency claim");
            }
            return Err(error.into());
        }
        Err(error) => return Err(error.into()),
    }
    let existing = idempotency_key::Entity::find_by_id((user_id, scope.to_owned(), key.clone()))
        .one(db)
        .await?
        .ok_or_else(|| {
            ApiError::Conflict(
                crate::error::ConflictCode::IdempotencyKeyInUse,
                "this Idempotency-Key is being used by another request; retry".to_owned(),
            )
        })?;
    let same_body = existing.fingerprint == fingerprint;
    match (
        existing.status.as_str(),
        existing.response_status,
        existing.response_body,
    ) {
        ("done", ..) if !same_body => Err(ApiError::invalid(
            HEADER,
            "this key was already used with a different request body",
        )),
        ("done", Some(status), Some(body)) => {
            let status = u16::try_from(status)
                .ok()
                .and_then(|s| StatusCode::from_u16(s).ok())
                .unwrap_or(StatusCode::OK);
            Ok(Found::Done(Stored { status, body }))
        }
        _ if now() - existing.created_at > Duration::seconds(STALE_AFTER_SECONDS) => {
            // The first request died without finishing; let this one take over.
            idempotency_key::Entity::update_many()
                .col_expr(
                    idempotency_key::Column::CreatedAt,
                    sea_orm::sea_query::Expr::value(now()),
                )
                .col_expr(
                    idempotency_key::Column::Fingerprint,
                    sea_orm::sea_query::Expr::value(fingerprint),
                )
                .filter(idempotency_key::Column::UserId.eq(user_id))
                .filter(idempotency_key::Column::Scope.eq(scope))
                .filter(idempotency_key::Column::Key.eq(key.as_str()))
                .exec(db)
                .await?;
            Ok(Found::Fresh(Claim {
                held: Some((user_id, scope.to_owned(), key)),
            }))
        }
        _ => Err(ApiError::Conflict(
            crate::error::ConflictCode::IdempotencyKeyInUse,
            "a request with this Idempotency-Key is still being processed".to_owned(),
        )),
    }
}

impl Claim {
    /// Stores the response, inside the transaction of the change it answers.
    pub async fn complete(
        &self,
        txn: &impl ConnectionTrait,
        status: StatusCode,
        body: &impl Serialize,
    ) -> anyhow::Result<()> {
        let Some((user_id, scope, key)) = &self.held else {
            return Ok(());
        };
        let body = serde_json::to_string(body).context("serialising an idempotent response")?;
        idempotency_key::Entity::update_many()
            .col_expr(
                idempotency_key::Column::Status,
                sea_orm::sea_query::Expr::value("done"),
            )
            .col_expr(
                idempotency_key::Column::ResponseStatus,
                sea_orm::sea_query::Expr::value(i32::from(status.as_u16())),
            )
            .col_expr(
                idempotency_key::Column::ResponseBody,
                sea_orm::sea_query::Expr::value(body),
            )
            .filter(idempotency_key::Column::UserId.eq(*user_id))
            .filter(idempotency_key::Column::Scope.eq(scope.as_str()))
            .filter(idempotency_key::Column::Key.eq(key.as_str()))
            .exec(txn)
            .await
            .context("storing an idempotent response")?;
        Ok(())
    }

    /// Releases the key after a failure, so the client may retry with it.
    ///
    /// The failure is often a lost database connection, which the pool replaces at
    /// once: a release that meets one is tried again for about a second and a half
    /// before the key is left to go stale, so a client retrying after a 503 is not
    /// told "in progress" for a minute.
    pub async fn release(&self, db: &impl ConnectionTrait) {
        let Some((user_id, scope, key)) = &self.held else {
            return;
        };
        let mut wait = std::time::Duration::from_millis(100);
        for attempt in 1..=5 {
            let deleted = idempotency_key::Entity::delete_many()
                .filter(idempotency_key::Column::UserId.eq(*user_id))
                .filter(idempotency_key::Column::Scope.eq(scope.as_str()))
                .filter(idempotency_key::Column::Key.eq(key.as_str()))
                .filter(idempotency_key::Column::Status.eq("in_progress"))
                .exec(db)
                .await;
            match deleted {
                Ok(_) => return,
                Err(error) if db::is_unavailable(&error) && attempt < 5 => {
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                }
                Err(error) => {
                    tracing::warn!(error = %error, "could not release an idempotency key");
                    return;
                }
            }
        }
    }
}

/// Completes a claim with the view of what a change made, inside the change's
/// transaction (a [`BeforeCommit`] for the services): the stored answer and the change
/// commit together or not at all.
pub struct CompleteWith<F> {
    claim: Claim,
    status: StatusCode,
    view: F,
}

impl<F> CompleteWith<F> {
    /// Stores `view(done)` with `status` as the key's answer.
    pub fn new(claim: Claim, status: StatusCode, view: F) -> Self {
        Self {
            claim,
            status,
            view,
        }
    }
}

impl<T, V, F> BeforeCommit<T> for CompleteWith<F>
where
    T: ?Sized + Sync,
    V: Serialize + Send + Sync,
    F: FnOnce(&T) -> anyhow::Result<V> + Send,
{
    async fn run(self, txn: &DatabaseTransaction, done: &T) -> anyhow::Result<()> {
        let view = (self.view)(done)?;
        self.claim.complete(txn, self.status, &view).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_body_has_the_same_fingerprint() {
        let a = serde_json::json!({"need_id": "x", "note": "よろしく"});
        assert_eq!(fingerprint(&a), fingerprint(&a.clone()));
        assert_ne!(
            fingerprint(&a),
            fingerprint(&serde_json::json!({"need_id": "y", "note": "よろしく"}))
        );
        assert_eq!(fingerprint(&a).len(), 64);
    }
}
