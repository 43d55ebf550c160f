//! The rules, once: one module per resource, called by both doors (the JSON routes and
//! the web pages).
//!
//! A service takes what it uses (`&impl ConnectionTrait`, `&Ranking`, the clock, the
//! outbox), asks [`crate::access`] before it acts, and returns a domain result or an
//! [`Error`]; each door renders that error its own way (problem+json or a page). Nothing
//! here names the application state, `HttpRequest`, `HttpResponse` or a view type.

pub mod accounts;
pub mod applications;
pub mod assignment;
pub mod candidates;
pub mod congestion;
pub mod desk;
pub mod engagements;
pub mod error;
pub mod exports;
pub mod invitations;
pub mod links;
pub mod matches;
pub mod meetings;
pub mod need_preview;
pub mod needs;
pub mod nudges;
pub mod outbox;
pub mod periodic;
pub mod profiles;
pub mod proposals;
pub mod regions;
pub mod relay;
pub mod reply_windows;
pub mod reports;
pub mod sharing;
pub mod waiting;

pub use error::{Error, Result};

use sea_orm::DatabaseTransaction;

/// Work a door adds to the transaction of a change: it runs after the change and before
/// the commit, so the two commit together or not at all. The JSON door stores the
/// response of an idempotent request this way (the stored answer and the change it
/// answers are never one without the other); `()` adds nothing.
pub trait BeforeCommit<T: ?Sized>: Send {
    /// Runs inside the transaction; an error rolls the change back.
    fn run(
        self,
        txn: &DatabaseTransaction,
        done: &T,
    ) -> impl Future<Output = anyhow::Result<()>> + Send;
}

impl<T: ?Sized + Sync> BeforeCommit<T> for () {
    async fn run(self, _txn: &DatabaseTransaction, _done: &T) -> anyhow::Result<()> {
        Ok(())
    }
}
