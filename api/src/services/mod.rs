//! The rules, once: one module per resource, called by both doors (the JSON routes and
//! the web pages).
//!
//! A service takes what it uses (`&impl ConnectionTrait`, `&Ranking`, the clock, the
//! outbox), asks [`crate::access`] before it acts, and returns a domain result or an
//! [`Error`]; each door renders that error its own way (problem+json or a page). Nothing
//! here names the application state, `HttpRequest`, `HttpResponse` or a view type.

pub mod accounts;
pub mod applications;
pub mod candidates;
pub mod error;
pub mod matches;
pub mod meetings;
pub mod needs;
pub mod nudges;
pub mod outbox;
pub mod profiles;
pub mod regions;
pub mod reports;

pub use error::{Error, Result};

use futures_util::future::BoxFuture;
use sea_orm::DatabaseTransaction;

/// What a door writes in the same transaction as the change it answers, given what the
/// change made: the JSON door stores its response to an idempotent request this way, so
/// the change and the stored answer commit together or not at all.
pub type Receipt<T> = Box<
    dyn for<'c> FnOnce(&'c DatabaseTransaction, &'c T) -> BoxFuture<'c, anyhow::Result<()>> + Send,
>;
