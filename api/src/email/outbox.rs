//! The outbox table's API: what the rest of the service calls to send email.
//!
//! [`enqueue`] takes the caller's connection, so inside a transaction the email is
//! written atomically with the change that causes it: a rolled-back change sends
//! nothing, and a committed one is delivered even if the process dies the next moment.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{ics, templates::Rendered};
use crate::{
    domain::text::EmailAddress,
    entities::outbox,
    repo::page::PageRequest,
    repo::{new_id, now},
};

/// The `kind` of each email Musubi sends.
pub mod kind {
    /// Both sides of a match, with each other's contact.
    pub const INTRODUCTION: &str = "introduction";
    /// A scouted professional is invited to a need.
    pub const SCOUT_INVITATION: &str = "scout_invitation";
    /// A meeting was scheduled (METHOD:REQUEST).
    pub const MEETING_INVITATION: &str = "meeting_invitation";
    /// A meeting was rescheduled (METHOD:REQUEST, higher SEQUENCE).
    pub const MEETING_UPDATED: &str = "meeting_updated";
    /// A meeting was cancelled (METHOD:CANCEL).
    pub const MEETING_CANCELLED: &str = "meeting_cancelled";
    /// 24 hours before a meeting.
    pub const MEETING_REMINDER: &str = "meeting_reminder";
    /// No answer in 3 days.
    pub const NUDGE: &str = "nudge";
    /// A match was declined.
    pub const DECLINED: &str = "declined";
    /// A match was cancelled.
    pub const CANCELLED: &str = "cancelled";
    /// A password-reset link (its body is blanked once the password is reset).
    pub const PASSWORD_RESET: &str = "password_reset";
    /// A coordinator's import invites a professional to make an account.
    pub const ACCOUNT_INVITATION: &str = "account_invitation";
    /// Proposed meeting times, each a one-click link, to the professional.
    pub const MEETING_PROPOSAL: &str = "meeting_proposal";
    /// None of the proposed times works: the proposer is asked for others.
    pub const MEETING_TIMES_DECLINED: &str = "meeting_times_declined";
    /// An answer a week overdue: the second nudge, to the region's coordinators.
    pub const REPLY_ESCALATION: &str = "reply_escalation";
    /// The monthly check-in of an engagement, with one-click answers.
    pub const CHECK_IN: &str = "check_in";
    /// A need stopped taking people: thanks, and open needs ranked for the applicant.
    pub const RELAY: &str = "relay";
}

/// The life of an outbox row: `pending` → `sending` → `sent`, back to `pending` after a
/// failed attempt, `dead` once the retry budget is spent (and back to `pending` when a
/// coordinator re-queues it), `cancelled` if it no longer should go (erasure, a
/// reschedule).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutboxStatus {
    /// Waiting for its next attempt.
    Pending,
    /// Claimed by a worker, which holds a lease on it.
    Sending,
    /// Accepted by the SMTP server (or written to its file).
    Sent,
    /// Every attempt within the retry budget failed; nothing more is tried unless a
    /// coordinator re-queues it.
    Dead,
    /// Withdrawn before it was sent.
    Cancelled,
}

impl OutboxStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Dead => "dead",
            Self::Cancelled => "cancelled",
        }
    }

    /// Parses the stored name.
    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Pending,
            Self::Sending,
            Self::Sent,
            Self::Dead,
            Self::Cancelled,
        ]
        .into_iter()
        .find(|status| status.as_str() == text)
    }
}

/// The attempt cap a row starts with: none (`0`). The time budget
/// (`MUSUBI_MAIL_RETRY_BUDGET_SECONDS`) is what makes a row `dead`; a worker configured
/// with `MUSUBI_MAIL_MAX_ATTEMPTS` records that extra cap on the rows it claims.
pub const DEFAULT_MAX_ATTEMPTS: i32 = 0;

/// An iCalendar document attached to an email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    /// REQUEST or CANCEL; it is also the `method=` of the `text/calendar` part.
    pub method: ics::Method,
    /// The RFC 5545 document.
    pub ics: String,
}

impl Calendar {
    /// A METHOD:REQUEST invitation for a meeting (new or updated).
    pub fn request(meeting: &ics::Meeting) -> Self {
        Self {
            method: ics::Method::Request,
            ics: ics::request(meeting),
        }
    }

    /// A METHOD:CANCEL notice for a meeting.
    pub fn cancel(meeting: &ics::Meeting) -> Self {
        Self {
            method: ics::Method::Cancel,
            ics: ics::cancel(meeting),
        }
    }
}

/// An email to write to the outbox.
#[derive(Debug, Clone)]
pub struct NewEmail {
    /// One of [`kind`].
    pub kind: &'static str,
    /// The recipient's address.
    pub to_address: String,
    /// The recipient's display name.
    pub to_name: String,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
    /// An invitation, for meeting emails.
    pub calendar: Option<Calendar>,
    /// The user it goes to, so erasure can cancel it.
    pub recipient_user_id: Option<Uuid>,
    /// The region it belongs to, so its coordinators see it at `GET /outbox`.
    pub region_id: Option<Uuid>,
    /// The match it is about, so a later change can cancel it.
    pub match_id: Option<Uuid>,
    /// Not before this time (a reminder 24 hours before a meeting; now otherwise).
    pub send_after: DateTime<Utc>,
}

impl NewEmail {
    /// An email of `kind` with a rendered template, to send now.
    pub fn new(
        kind: &'static str,
        to_address: impl Into<String>,
        to_name: impl Into<String>,
        rendered: Rendered,
    ) -> Self {
        Self {
            kind,
            to_address: to_address.into(),
            to_name: to_name.into(),
            subject: rendered.subject,
            text: rendered.text,
            html: rendered.html,
            calendar: None,
            recipient_user_id: None,
            region_id: None,
            match_id: None,
            send_after: now(),
        }
    }

    /// For this user (erasure cancels it).
    pub fn to_user(mut self, user_id: Uuid) -> Self {
        self.recipient_user_id = Some(user_id);
        self
    }

    /// In this region (its coordinators see it).
    pub fn in_region(mut self, region_id: Uuid) -> Self {
        self.region_id = Some(region_id);
        self
    }

    /// About this match.
    pub fn about_match(mut self, match_id: Uuid) -> Self {
        self.match_id = Some(match_id);
        self
    }

    /// With an invitation attached.
    pub fn with_calendar(mut self, calendar: Calendar) -> Self {
        self.calendar = Some(calendar);
        self
    }

    /// Not before `at`.
    pub fn send_after(mut self, at: DateTime<Utc>) -> Self {
        self.send_after = at;
        self
    }
}

/// Writes an email to the outbox and returns its id. Pass the transaction of the change
/// that causes the email. An address the sender cannot mail (an account older than the
/// address rule of [`EmailAddress`]) neither fails the change nor reaches the worker: the
/// row is written `dead` at once, with the reason, where the region's coordinators see it.
#[tracing::instrument(skip_all, fields(kind = email.kind))]
pub async fn enqueue(db: &impl ConnectionTrait, email: NewEmail) -> anyhow::Result<Uuid> {
    let (id, row) = row(email, now());
    row.insert(db)
        .await
        .context("writing an email to the outbox")?;
    Ok(id)
}

/// Rows written by one `INSERT` of [`enqueue_many`]: within both databases' limits on
/// bound parameters (21 columns a row).
const BATCH: usize = 500;

/// Writes many emails as [`enqueue`] does, a few hundred to a statement (an import of a
/// thousand invitations is a handful of statements, not a thousand); returns their ids in
/// order.
#[tracing::instrument(skip_all, fields(count = emails.len()))]
pub async fn enqueue_many(
    db: &impl ConnectionTrait,
    emails: Vec<NewEmail>,
) -> anyhow::Result<Vec<Uuid>> {
    let at = now();
    let (ids, rows): (Vec<Uuid>, Vec<outbox::ActiveModel>) =
        emails.into_iter().map(|email| row(email, at)).unzip();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<_> = rows.by_ref().take(BATCH).collect();
        outbox::Entity::insert_many(batch)
            .exec_without_returning(db)
            .await
            .context("writing emails to the outbox")?;
    }
    Ok(ids)
}

/// The row of a new email, written at `at`.
fn row(email: NewEmail, at: DateTime<Utc>) -> (Uuid, outbox::ActiveModel) {
    let unmailable = EmailAddress::parse(&email.to_address).err();
    if let Some(why) = unmailable {
        tracing::warn!(
            kind = email.kind,
            why,
            "an email to an unmailable address is written dead"
        );
    }
    let id = new_id();
    let row = outbox::ActiveModel {
        id: Set(id),
        kind: Set(email.kind.to_owned()),
        status: Set(match unmailable {
            None => OutboxStatus::Pending.as_str().to_owned(),
            Some(_) => OutboxStatus::Dead.as_str().to_owned(),
        }),
        recipient_user_id: Set(email.recipient_user_id),
        region_id: Set(email.region_id),
        match_id: Set(email.match_id),
        to_address: Set(email.to_address.trim().to_owned()),
        to_name: Set(email.to_name),
        subject: Set(email.subject),
        text_body: Set(email.text),
        html_body: Set(email.html),
        calendar_method: Set(email
            .calendar
            .as_ref()
            .map(|calendar| calendar.method.as_str().to_owned())),
        calendar: Set(email.calendar.map(|calendar| calendar.ics)),
        attempts: Set(0),
        max_attempts: Set(DEFAULT_MAX_ATTEMPTS),
        next_attempt_at: Set(email.send_after),
        locked_until: Set(None),
        locked_by: Set(None),
        last_error: Set(
            unmailable.map(|why| format!("the recipient's address cannot be mailed: it {why}"))
        ),
        sent_at: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        retry_until: Set(None),
    };
    (id, row)
}

/// Erasure (APPI): every pending email to this person is cancelled, and the personal
/// data held in their finished rows (address, name, bodies, invitation) is blanked. A row
/// a worker is sending at this very moment is left to finish. Returns how many emails
/// were cancelled.
#[tracing::instrument(skip_all)]
pub async fn cancel_for_recipient(db: &impl ConnectionTrait, user_id: Uuid) -> anyhow::Result<u64> {
    let at = now();
    let cancelled = outbox::Entity::update_many()
        .col_expr(
            outbox::Column::Status,
            Expr::value(OutboxStatus::Cancelled.as_str()),
        )
        .col_expr(outbox::Column::UpdatedAt, Expr::value(at))
        .filter(outbox::Column::RecipientUserId.eq(user_id))
        .filter(outbox::Column::Status.eq(OutboxStatus::Pending.as_str()))
        .exec(db)
        .await
        .context("cancelling a person's pending email")?
        .rows_affected;
    let finished = [
        OutboxStatus::Sent,
        OutboxStatus::Dead,
        OutboxStatus::Cancelled,
    ]
    .map(OutboxStatus::as_str);
    outbox::Entity::update_many()
        .col_expr(outbox::Column::ToAddress, Expr::value("erased@invalid"))
        .col_expr(outbox::Column::ToName, Expr::value(""))
        .col_expr(outbox::Column::TextBody, Expr::value(""))
        .col_expr(outbox::Column::HtmlBody, Expr::value(""))
        .col_expr(
            outbox::Column::Calendar,
            Expr::value(Option::<String>::None),
        )
        .col_expr(outbox::Column::UpdatedAt, Expr::value(at))
        .filter(outbox::Column::RecipientUserId.eq(user_id))
        .filter(outbox::Column::Status.is_in(finished))
        .exec(db)
        .await
        .context("erasing a person's email history")?;
    Ok(cancelled)
}

/// Cancels the pending emails of one kind about a match (e.g. the old reminder when a
/// meeting is rescheduled). Returns how many were cancelled.
#[tracing::instrument(skip_all, fields(kind = %kind))]
pub async fn cancel_pending(
    db: &impl ConnectionTrait,
    match_id: Uuid,
    kind: &str,
) -> anyhow::Result<u64> {
    let result = outbox::Entity::update_many()
        .col_expr(
            outbox::Column::Status,
            Expr::value(OutboxStatus::Cancelled.as_str()),
        )
        .col_expr(outbox::Column::UpdatedAt, Expr::value(now()))
        .filter(outbox::Column::MatchId.eq(match_id))
        .filter(outbox::Column::Kind.eq(kind))
        .filter(outbox::Column::Status.eq(OutboxStatus::Pending.as_str()))
        .exec(db)
        .await
        .context("cancelling pending email of a match")?;
    Ok(result.rows_affected)
}

/// A region's emails, newest first, optionally of one status (`GET /outbox`). Returns up
/// to `page.limit + 1` rows, for [`crate::repo::page::Page::from_rows`].
pub async fn list(
    db: &impl ConnectionTrait,
    region_id: Uuid,
    status: Option<OutboxStatus>,
    page: PageRequest,
) -> anyhow::Result<Vec<outbox::Model>> {
    let mut query = outbox::Entity::find().filter(outbox::Column::RegionId.eq(region_id));
    if let Some(status) = status {
        query = query.filter(outbox::Column::Status.eq(status.as_str()));
    }
    if let Some(before) = page.before {
        query = query.filter(outbox::Column::Id.lt(before));
    }
    query
        .order_by_desc(outbox::Column::Id)
        .limit(page.limit + 1)
        .all(db)
        .await
        .context("listing the outbox")
}

/// How many of a region's emails are in `status` (the desk's count of dead mail).
pub async fn count_in_region(
    db: &impl ConnectionTrait,
    region_id: Uuid,
    status: OutboxStatus,
) -> anyhow::Result<u64> {
    outbox::Entity::find()
        .filter(outbox::Column::RegionId.eq(region_id))
        .filter(outbox::Column::Status.eq(status.as_str()))
        .count(db)
        .await
        .context("counting a region's emails")
}

/// One row by id.
pub async fn by_id(db: &impl ConnectionTrait, id: Uuid) -> anyhow::Result<Option<outbox::Model>> {
    outbox::Entity::find_by_id(id)
        .one(db)
        .await
        .context("reading an outbox row")
}

/// The emails about a match, oldest first (for the match's history and for tests).
pub async fn for_match(
    db: &impl ConnectionTrait,
    match_id: Uuid,
) -> anyhow::Result<Vec<outbox::Model>> {
    outbox::Entity::find()
        .filter(outbox::Column::MatchId.eq(match_id))
        .order_by_asc(outbox::Column::Id)
        .all(db)
        .await
        .context("reading a match's email")
}

/// Why a dead row could not be re-queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequeueError {
    /// No such row.
    NotFound,
    /// The row is not `dead` (it is still being delivered, was sent, or was cancelled).
    NotDead,
}

/// Puts a `dead` row back in the queue with a fresh budget: `pending`, due now, no
/// attempts counted, no deadline until it fails again. Only a row that is `dead` at the
/// moment of the update moves, so two coordinators pressing retry at once send it once.
/// The last error is kept, for the history.
#[tracing::instrument(skip_all, fields(outbox_id = %id))]
pub async fn requeue_dead(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> anyhow::Result<Result<outbox::Model, RequeueError>> {
    let at = now();
    let moved = outbox::Entity::update_many()
        .col_expr(
            outbox::Column::Status,
            Expr::value(OutboxStatus::Pending.as_str()),
        )
        .col_expr(outbox::Column::Attempts, Expr::value(0))
        .col_expr(
            outbox::Column::RetryUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(outbox::Column::NextAttemptAt, Expr::value(at))
        .col_expr(
            outbox::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            outbox::Column::LockedBy,
            Expr::value(Option::<String>::None),
        )
        .col_expr(outbox::Column::UpdatedAt, Expr::value(at))
        .filter(outbox::Column::Id.eq(id))
        .filter(outbox::Column::Status.eq(OutboxStatus::Dead.as_str()))
        .exec(db)
        .await
        .context("re-queueing a dead email")?
        .rows_affected;
    match by_id(db, id).await? {
        None => Ok(Err(RequeueError::NotFound)),
        Some(_) if moved == 0 => Ok(Err(RequeueError::NotDead)),
        Some(row) => Ok(Ok(row)),
    }
}

/// How many rows wait in each state, for the metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Backlog {
    /// `pending`, never attempted yet (including mail dated later, such as reminders).
    pub queued: u64,
    /// `sending`: claimed by a worker right now.
    pub sending: u64,
    /// `pending` after at least one failed attempt.
    pub retrying: u64,
    /// `dead`: given up on, waiting for a coordinator.
    pub dead: u64,
}

/// Counts the rows that are not finished, by state (sent and cancelled rows are not
/// read: the status index keeps this cheap however long the history grows).
pub async fn backlog(db: &impl ConnectionTrait) -> anyhow::Result<Backlog> {
    let unfinished = [
        OutboxStatus::Pending,
        OutboxStatus::Sending,
        OutboxStatus::Dead,
    ]
    .map(OutboxStatus::as_str);
    // Written out, not bound: PostgreSQL matches a grouped expression only when the
    // select list repeats it exactly, and two bound `0`s would be two parameters.
    let failed = || Expr::cust("CASE WHEN attempts > 0 THEN 1 ELSE 0 END");
    let rows: Vec<(String, i32, i64)> = outbox::Entity::find()
        .select_only()
        .column(outbox::Column::Status)
        .column_as(failed(), "failed")
        .column_as(outbox::Column::Id.count(), "rows")
        .filter(outbox::Column::Status.is_in(unfinished))
        .group_by(outbox::Column::Status)
        .group_by(failed())
        .into_tuple()
        .all(db)
        .await
        .context("counting the outbox backlog")?;
    let mut backlog = Backlog::default();
    for (status, failed, rows) in rows {
        let rows = u64::try_from(rows).unwrap_or_default();
        match (OutboxStatus::parse(&status), failed > 0) {
            (Some(OutboxStatus::Pending), false) => backlog.queued += rows,
            (Some(OutboxStatus::Pending), true) => backlog.retrying += rows,
            (Some(OutboxStatus::Sending), _) => backlog.sending += rows,
            (Some(OutboxStatus::Dead), _) => backlog.dead += rows,
            _ => {}
        }
    }
    Ok(backlog)
}
