//! Following `profile_changes`: the task that keeps a process's index in step with
//! writes made by other processes.
//!
//! Each tick reads the rows past the highest sequence number applied, reloads those
//! profiles and moves on. PostgreSQL hands out sequence numbers when a row is inserted,
//! not when its transaction commits, so seq 11 can become visible before seq 10; had
//! the cursor simply jumped to 11, the profile of seq 10 would never be reloaded.
//! The cursor therefore remembers every number it skipped as a *gap* and keeps
//! looking below the highest for [`GAP_GRACE`]: a gap is filled when its row commits,
//! or forgotten when the grace runs out (a rolled-back transaction leaves a gap for
//! ever). SQLite commits one writer at a time, so it never leaves gaps.
//!
//! The feed also trims rows older than [`RETENTION`] now and then: a process that was
//! away that long rebuilds its index from the profiles table at start-up anyway.

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::Context;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use tokio::{sync::watch, task::JoinHandle};
use uuid::Uuid;

use super::Ranking;
use crate::entities::profile_change;

/// How often each process looks for other processes' writes.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);
/// How long a skipped sequence number is waited for.
pub const GAP_GRACE: Duration = Duration::from_secs(60);
/// Most gaps remembered; past that, the oldest are forgotten (a burst of rollbacks).
const MAX_GAPS: usize = 4_096;
/// Rows read per query; a process catching up reads again at once.
const BATCH: u64 = 1_000;
/// How long change rows are kept.
pub const RETENTION: Duration = Duration::from_secs(24 * 3600);
/// How often old change rows are trimmed.
const TRIM_EVERY: Duration = Duration::from_secs(3600);

/// Where a process stands in the change feed.
#[derive(Debug, Clone, Default)]
pub struct Cursor {
    /// The highest sequence number applied.
    high: i64,
    /// Numbers below `high` not seen yet, with when they were first missed.
    gaps: BTreeMap<i64, Instant>,
}

impl Cursor {
    /// The current end of the feed, with the recent numbers not (yet) visible as gaps:
    /// a transaction in flight while the index loads is picked up when it commits.
    pub async fn start(db: &impl ConnectionTrait) -> anyhow::Result<Self> {
        let recent: Vec<i32> = profile_change::Entity::find()
            .select_only()
            .column(profile_change::Column::Seq)
            .order_by_desc(profile_change::Column::Seq)
            .limit(MAX_GAPS as u64)
            .into_tuple()
            .all(db)
            .await
            .context("reading the end of the profile change feed")?;
        let Some(&high) = recent.first() else {
            return Ok(Self::default());
        };
        let high = i64::from(high);
        let seen: BTreeSet<i64> = recent.iter().map(|&seq| i64::from(seq)).collect();
        let floor = (high - MAX_GAPS as i64).max(0);
        let now = Instant::now();
        let gaps = (floor + 1..high)
            .filter(|seq| !seen.contains(seq))
            .map(|seq| (seq, now))
            .collect();
        Ok(Self { high, gaps })
    }

    /// The highest sequence number applied.
    pub fn high(&self) -> i64 {
        self.high
    }

    /// Takes in a batch of rows (in seq order): returns the cursor after them and the
    /// professionals to reload. Rows already applied are skipped.
    fn advance(&self, rows: &[(i64, Uuid)], now: Instant) -> (Self, Vec<Uuid>) {
        let mut next = self.clone();
        let mut ids = Vec::new();
        for &(seq, profile_id) in rows {
            if seq > next.high {
                for missing in (next.high + 1).max(seq - MAX_GAPS as i64)..seq {
                    next.gaps.insert(missing, now);
                }
                next.high = seq;
            } else if next.gaps.remove(&seq).is_none() {
                continue;
            }
            if !ids.contains(&profile_id) {
                ids.push(profile_id);
            }
        }
        next.gaps
            .retain(|_, missed| now.saturating_duration_since(*missed) < GAP_GRACE);
        while next.gaps.len() > MAX_GAPS {
            next.gaps.pop_first();
        }
        (next, ids)
    }
}

/// Applies the rows past the cursor once; returns how many professionals were
/// reloaded and whether a full batch was read (more may be waiting).
pub async fn poll_once(
    db: &impl ConnectionTrait,
    ranking: &Ranking,
    cursor: &mut Cursor,
) -> anyhow::Result<(usize, bool)> {
    let seq = |value: i64| i32::try_from(value).unwrap_or(i32::MAX);
    let mut rows: Vec<(i32, Uuid)> = Vec::new();
    // The gaps first (at most MAX_GAPS numbers), then what is new: reading one range
    // from the oldest gap up could keep re-reading the same applied rows on a busy
    // feed and never reach the new ones.
    let gaps: Vec<i32> = cursor.gaps.keys().map(|&gap| seq(gap)).collect();
    for chunk in gaps.chunks(1_000) {
        let late: Vec<(i32, Uuid)> = profile_change::Entity::find()
            .select_only()
            .column(profile_change::Column::Seq)
            .column(profile_change::Column::ProfileId)
            .filter(profile_change::Column::Seq.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await
            .context("reading late rows of the profile change feed")?;
        rows.extend(late);
    }
    let newer: Vec<(i32, Uuid)> = profile_change::Entity::find()
        .select_only()
        .column(profile_change::Column::Seq)
        .column(profile_change::Column::ProfileId)
        .filter(profile_change::Column::Seq.gt(seq(cursor.high)))
        .order_by_asc(profile_change::Column::Seq)
        .limit(BATCH)
        .into_tuple()
        .all(db)
        .await
        .context("reading the profile change feed")?;
    let full = newer.len() as u64 == BATCH;
    rows.extend(newer);
    let mut rows: Vec<(i64, Uuid)> = rows
        .into_iter()
        .map(|(seq, id)| (i64::from(seq), id))
        .collect();
    rows.sort_unstable_by_key(|row| row.0);
    let (next, ids) = cursor.advance(&rows, Instant::now());
    // Move the cursor only once the index holds the change: a failed reload is
    // retried on the next tick.
    ranking.refresh(db, &ids).await?;
    *cursor = next;
    Ok((ids.len(), full))
}

/// Deletes change rows older than [`RETENTION`].
async fn trim(db: &impl ConnectionTrait) -> anyhow::Result<u64> {
    let cutoff = chrono::Utc::now()
        - chrono::Duration::from_std(RETENTION).unwrap_or(chrono::Duration::days(1));
    let result = profile_change::Entity::delete_many()
        .filter(profile_change::Column::CreatedAt.lt(cutoff))
        .exec(db)
        .await
        .context("trimming the profile change feed")?;
    Ok(result.rows_affected)
}

/// Runs the feed until `stop` turns true (or its sender is dropped).
pub fn spawn(
    db: DatabaseConnection,
    ranking: Arc<Ranking>,
    mut cursor: Cursor,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut last_trim = Instant::now();
        let mut failing = false;
        loop {
            match poll_once(&db, &ranking, &mut cursor).await {
                Ok((reloaded, full)) => {
                    if failing {
                        tracing::info!("the profile change feed is readable again");
                        failing = false;
                    }
                    if reloaded > 0 {
                        tracing::debug!(reloaded, seq = cursor.high(), "ranking index refreshed");
                    }
                    if full {
                        continue;
                    }
                }
                Err(error) => {
                    // Once per outage, not every half second.
                    if !failing {
                        tracing::warn!(
                            error = format!("{error:#}"),
                            "cannot follow the profile change feed; retrying"
                        );
                    }
                    failing = true;
                }
            }
            if last_trim.elapsed() >= TRIM_EVERY {
                last_trim = Instant::now();
                match trim(&db).await {
                    Ok(trimmed) => tracing::debug!(trimmed, "profile change feed trimmed"),
                    Err(error) => tracing::warn!(error = format!("{error:#}"), "trim failed"),
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(POLL_INTERVAL) => {}
                changed = stop.changed() => {
                    if changed.is_err() || *stop.borrow() {
                        break;
                    }
                }
            }
        }
        tracing::debug!("profile change feed stopped");
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    #[test]
    fn rows_past_the_cursor_are_applied_once() {
        let now = Instant::now();
        let cursor = Cursor::default();
        let (cursor, ids) = cursor.advance(&[(1, id(1)), (2, id(2)), (3, id(1))], now);
        assert_eq!(cursor.high(), 3);
        assert_eq!(ids, [id(1), id(2)]);
        assert!(cursor.gaps.is_empty());
        let (cursor, ids) = cursor.advance(&[(3, id(1))], now);
        assert!(ids.is_empty());
        assert_eq!(cursor.high(), 3);
    }

    #[test]
    fn a_late_commit_below_the_highest_is_still_applied() {
        let now = Instant::now();
        let (cursor, ids) = Cursor::default().advance(&[(1, id(1)), (3, id(3))], now);
        assert_eq!(ids, [id(1), id(3)]);
        assert!(cursor.gaps.contains_key(&2), "seq 2 is waited for");
        let (cursor, ids) = cursor.advance(&[(2, id(2)), (3, id(3))], now);
        assert_eq!(ids, [id(2)], "seq 3 was applied already");
        assert!(cursor.gaps.is_empty());
    }

    #[test]
    fn a_gap_is_forgotten_after_the_grace() {
        let start = Instant::now();
        let (cursor, _) = Cursor::default().advance(&[(5, id(5))], start);
        assert_eq!(cursor.gaps.len(), 4);
        let (cursor, _) = cursor.advance(&[], start + GAP_GRACE);
        assert!(cursor.gaps.is_empty());
        assert_eq!(cursor.high(), 5);
    }

    #[test]
    fn a_huge_jump_remembers_a_bounded_number_of_gaps() {
        let now = Instant::now();
        let (cursor, _) = Cursor::default().advance(&[(1_000_000, id(1))], now);
        assert!(cursor.gaps.len() <= MAX_GAPS);
        assert_eq!(cursor.high(), 1_000_000);
    }
}
