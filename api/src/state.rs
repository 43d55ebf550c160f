//! What every handler shares.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::{
    auth::{callers::Callers, jwt::JwtKeys},
    config::Settings,
    ranking::Ranking,
};

/// Shared application state, cloned cheaply into each worker.
#[derive(Clone)]
pub struct AppState {
    /// The connection pool.
    pub db: DatabaseConnection,
    /// Token keys.
    pub jwt: JwtKeys,
    /// The configuration.
    pub settings: Arc<Settings>,
    /// The in-memory ranking index, kept in step with the database.
    pub ranking: Arc<Ranking>,
    /// The callers of tokens, kept for a moment (see [`crate::auth::callers`]).
    pub callers: Arc<Callers>,
}
