//! Email: every message is written to the outbox in the same transaction as the change
//! that causes it, then delivered by a worker that never loses one.
//!
//! - [`templates`] renders the Japanese-and-English subject, text and HTML of each kind;
//! - [`ics`] writes the RFC 5545 invitations that meeting emails carry;
//! - [`outbox`] is the table's API: [`outbox::enqueue`] inside the caller's transaction,
//!   cancellation (erasure, a reschedule) and the coordinators' list;
//! - [`transport`] turns a row into an RFC 5322 message and hands it to SMTP or a file;
//! - [`worker`] claims due rows under a lease, sends several at once with a timeout
//!   each, and retries with capped exponential backoff until the row is `sent` or
//!   `dead`;
//! - [`supervisor`] restarts a worker that ended and tells `/ready` whether one runs.
//!
//! Delivery is at least once, and twice only when the first attempt's outcome is
//! unknown: a send cut off by its timeout after the message was written, or a worker
//! that died between the SMTP server's acceptance and marking the row `sent` (the row is
//! sent again after its lease). A known outcome that cannot be recorded (the database is
//! away) is retried until it is, under a lease the worker keeps extending, so it never
//! causes a resend. The `Message-ID` is derived from the row id (`<id@musubi>`), so a
//! resend is recognisably the same message and the receiving side can drop it. See
//! [`worker`] for the details.

pub mod ics;
pub mod outbox;
pub mod supervisor;
pub mod templates;
pub mod transport;
pub mod worker;

use chrono::{DateTime, Duration, NaiveDateTime, Utc};

/// Wall-clock time in Asia/Tokyo, where every meeting is shown: a fixed +09:00, since
/// Japan has no daylight saving time.
pub(crate) fn in_tokyo(at: DateTime<Utc>) -> NaiveDateTime {
    (at + Duration::hours(9)).naive_utc()
}
