//! The outbox as coordinators see it: their region's emails, and sending a `dead` one
//! again.

use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::{Error, Result};
use crate::{
    access::{self, Action, Actor},
    domain::{error::ConflictCode, ids::OutboxId},
    email::{
        outbox::{self, OutboxStatus, RequeueError},
        worker,
    },
    entities,
    repo::page::{Page, PageRequest},
};

/// One email with its delivery status.
#[derive(Debug, Clone)]
pub struct Email {
    /// The row.
    pub row: entities::outbox::Model,
    /// Where it is in delivery.
    pub status: OutboxStatus,
}

impl Email {
    fn of(row: entities::outbox::Model) -> Result<Self> {
        Ok(Self {
            status: row.status()?,
            row,
        })
    }
}

/// A coordinator's desk: the region whose outbox they work. Only [`desk`] makes one, so
/// a list cannot be read without the policy's leave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Desk {
    region_id: Uuid,
}

/// The caller's desk: coordinators with a region only. Ask it before reading the rest
/// of the request, so a stranger hears 403 whatever else they sent.
#[tracing::instrument(skip_all, fields(user_id = %actor.id))]
pub fn desk(actor: &Actor) -> Result<Desk> {
    Ok(Desk {
        region_id: access::desk_region(actor)?,
    })
}

/// The desk's region's emails, newest first, optionally of one status.
#[tracing::instrument(skip_all, fields(region_id = %desk.region_id))]
pub async fn list(
    db: &impl ConnectionTrait,
    desk: &Desk,
    status: Option<OutboxStatus>,
    page: PageRequest,
) -> Result<Page<Email>> {
    let rows = outbox::list(db, desk.region_id, status, page).await?;
    let page = Page::from_rows(rows, page, |row| row.id, Email::of);
    Ok(Page {
        items: page.items.into_iter().collect::<Result<_>>()?,
        next_cursor: page.next_cursor,
    })
}

/// Sends a `dead` email of the caller's region again: back to `pending`, due now, with a
/// fresh retry budget; the worker is woken. Emails of other regions are not found; one
/// that is not dead is [`ConflictCode::OutboxNotDead`].
#[tracing::instrument(skip_all, fields(user_id = %actor.id, outbox_id = %id))]
pub async fn retry(db: &impl ConnectionTrait, actor: &Actor, id: OutboxId) -> Result<Email> {
    access::desk_region(actor)?;
    // The same rows as `list`: only the caller's region's, others do not exist.
    let visible = outbox::by_id(db, id.into()).await?.is_some_and(|row| {
        row.region_id.is_some_and(|region_id| {
            access::decide(Some(actor), Action::CoordinateRegion(region_id)).allowed()
        })
    });
    if !visible {
        return Err(Error::NotFound);
    }
    match outbox::requeue_dead(db, id.into()).await? {
        Ok(row) => {
            worker::wake();
            Email::of(row)
        }
        Err(RequeueError::NotFound) => Err(Error::NotFound),
        Err(RequeueError::NotDead) => Err(Error::conflict(
            ConflictCode::OutboxNotDead,
            "only a dead email can be retried; this one is still being delivered, was sent, or was cancelled",
        )),
    }
}
