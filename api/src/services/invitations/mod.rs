//! Invitations: a coordinator imports a CSV of professionals the region already knows;
//! each good row becomes an invitation emailed in the region's name with a link
//! (`/invitations/{token}`). Nothing else of the person exists — no account, no profile,
//! nothing ranked or shown — until they open the link, set a password, review the
//! profile and consent; then the account and profile are made in one transaction and
//! the invitation is used up.
//!
//! An import is all or nothing for the file and row by row within it: a file that
//! cannot be read as a whole (its size, its encoding, its header; see [`sheet`]) changes
//! nothing, while in a readable file each row is invited, skipped as a duplicate (the
//! email of an account, of a pending invitation, or of an earlier row of the file), or
//! rejected with the reason per cell, and the rest are invited. Every invitation and its
//! email of one file are written in one transaction, a few hundred rows to a statement.

mod accept;
pub mod sheet;

pub use accept::{Acceptance, Invitation, accept, open};

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};
use uuid::Uuid;

use super::{Error, Result};
use crate::{
    access::{self, Action, Actor},
    auth::reset,
    domain::ids::RegionId,
    email::{
        outbox::{self, NewEmail, kind},
        templates, worker,
    },
    repo::{self, invitations::NewInvitation},
};
use sheet::{Encoding, FileProblem, RowProblem};

/// How long an invitation's link works.
pub const VALID_FOR_DAYS: u64 = 14;

/// Days an invitation never accepted is kept after its link stopped working (meanwhile
/// the link's page says it expired); then it is forgotten.
pub const FORGET_AFTER_DAYS: i64 = 30;

/// How often expired invitations are looked for.
pub const FORGET_CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(3_600);

/// Forgets the invitations never accepted whose link expired [`FORGET_AFTER_DAYS`]
/// before `now`: the person never consented, so nothing of theirs — name, email, the
/// profile from the coordinator's sheet — is kept. How many were removed.
pub async fn forget_expired(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64> {
    let cutoff = now - chrono::Duration::days(FORGET_AFTER_DAYS);
    Ok(repo::invitations::forget_unaccepted(db, cutoff).await?)
}

/// Why a row was not invited although it was well formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DuplicateOf {
    /// An account has the email.
    Account,
    /// An invitation to the email is still pending.
    PendingInvitation,
    /// An earlier row of the file (at this line) has the email.
    EarlierRow(u64),
}

impl DuplicateOf {
    /// A stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Account => "account",
            Self::PendingInvitation => "pending_invitation",
            Self::EarlierRow(_) => "earlier_row",
        }
    }
}

/// What became of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Invited: an invitation and its email were written.
    Invited,
    /// Skipped: the email is known already.
    Duplicate(DuplicateOf),
    /// Rejected: these cells are wrong.
    Rejected(Vec<RowProblem>),
}

/// One row of the report.
#[derive(Debug, Clone)]
pub struct RowReport {
    /// The row's line in the file (the header is line 1).
    pub line: u64,
    /// The name as written.
    pub name: String,
    /// The email as written.
    pub email: String,
    /// What became of it.
    pub outcome: Outcome,
}

/// What an import did, row by row.
#[derive(Debug, Clone)]
pub struct ImportReport {
    /// The encoding the file was read in.
    pub encoding: Encoding,
    /// Every row, in the file's order.
    pub rows: Vec<RowReport>,
}

impl ImportReport {
    fn count(&self, what: impl Fn(&Outcome) -> bool) -> usize {
        self.rows.iter().filter(|row| what(&row.outcome)).count()
    }

    /// Rows invited.
    pub fn invited(&self) -> usize {
        self.count(|outcome| *outcome == Outcome::Invited)
    }

    /// Rows skipped as duplicates.
    pub fn duplicates(&self) -> usize {
        self.count(|outcome| matches!(outcome, Outcome::Duplicate(_)))
    }

    /// Rows rejected.
    pub fn rejected(&self) -> usize {
        self.count(|outcome| matches!(outcome, Outcome::Rejected(_)))
    }
}

/// An import's result: the report, or why the file as a whole was refused (then nothing
/// was written).
#[derive(Debug, Clone)]
pub enum Imported {
    /// The file was read; the report says what became of each row.
    Done(ImportReport),
    /// The file was refused; nothing changed.
    Refused(FileProblem),
}

/// The region a coordinator imports into: the policy's leave, asked before the file is
/// read, so a stranger hears 403 (another region's coordinator 404) whatever they sent.
#[derive(Debug, Clone)]
pub struct ImportDesk {
    region: crate::entities::region::Model,
    coordinator_id: Uuid,
}

/// The caller's leave to import into `region_id`.
#[tracing::instrument(skip_all, fields(user_id = %actor.id))]
pub async fn desk(
    db: &impl ConnectionTrait,
    actor: &Actor,
    region_id: RegionId,
) -> Result<ImportDesk> {
    access::decide(Some(actor), Action::CoordinateRegion(region_id.into())).check()?;
    Ok(ImportDesk {
        region: super::regions::get(db, region_id).await?,
        coordinator_id: actor.id,
    })
}

/// The caller's own region's desk (the page's: a coordinator imports into their region).
pub async fn own_desk(db: &impl ConnectionTrait, actor: &Actor) -> Result<ImportDesk> {
    let region_id = access::desk_region(actor)?;
    desk(db, actor, region_id.into()).await
}

/// A row to write: its invitation and its email.
struct Invite {
    invitation: NewInvitation,
    email: NewEmail,
}

/// Imports a file of professionals into the desk's region (see the module's words).
#[tracing::instrument(skip_all, fields(region_id = %desk.region.id, bytes = bytes.len()))]
pub async fn import(
    db: &DatabaseConnection,
    desk: &ImportDesk,
    public_url: &str,
    bytes: &[u8],
    encoding: Encoding,
) -> Result<Imported> {
    let file = match sheet::read(bytes, encoding) {
        Ok(file) => file,
        Err(problem) => return Ok(Imported::Refused(problem)),
    };
    let mut rows = Vec::with_capacity(file.rows.len());
    let mut invitees = Vec::new();
    let mut first_line_of: HashMap<String, u64> = HashMap::new();
    for row in &file.rows {
        let outcome = match sheet::parse_row(row) {
            Err(problems) => Outcome::Rejected(problems),
            Ok(invitee) => match first_line_of.get(&invitee.email) {
                Some(&line) => Outcome::Duplicate(DuplicateOf::EarlierRow(line)),
                None => {
                    first_line_of.insert(invitee.email.clone(), row.line);
                    invitees.push((rows.len(), invitee));
                    Outcome::Invited
                }
            },
        };
        rows.push(RowReport {
            line: row.line,
            name: row.cell(sheet::Column::Name).to_owned(),
            email: row.cell(sheet::Column::Email).to_owned(),
            outcome,
        });
    }
    let region = desk.region.clone();
    let coordinator_id = desk.coordinator_id;
    let public_url = public_url.to_owned();
    let emails: Vec<String> = invitees
        .iter()
        .map(|(_, invitee)| invitee.email.clone())
        .collect();
    let known = db
        .transaction::<_, _, Error>(move |txn| {
            Box::pin(async move {
                let accounts = repo::invitations::emails_with_accounts(txn, &emails).await?;
                let pending =
                    repo::invitations::emails_with_pending_invitations(txn, &emails).await?;
                let expires_at = repo::now()
                    + chrono::Duration::days(i64::try_from(VALID_FOR_DAYS).unwrap_or(14));
                let mut known = Vec::new();
                let mut invites = Vec::new();
                for (index, invitee) in invitees {
                    if accounts.contains(&invitee.email) {
                        known.push((index, DuplicateOf::Account));
                        continue;
                    }
                    if pending.contains(&invitee.email) {
                        known.push((index, DuplicateOf::PendingInvitation));
                        continue;
                    }
                    invites.push(invite(
                        &region,
                        coordinator_id,
                        &public_url,
                        invitee,
                        expires_at,
                    )?);
                }
                let (invitations, emails): (Vec<_>, Vec<_>) = invites
                    .into_iter()
                    .map(|invite| (invite.invitation, invite.email))
                    .unzip();
                repo::invitations::insert_many(txn, invitations).await?;
                outbox::enqueue_many(txn, emails).await?;
                Ok(known)
            })
        })
        .await?;
    for (index, of) in known {
        if let Some(row) = rows.get_mut(index) {
            row.outcome = Outcome::Duplicate(of);
        }
    }
    worker::wake();
    Ok(Imported::Done(ImportReport {
        encoding: file.encoding,
        rows,
    }))
}

/// The invitation and email of one invitee, with a new token.
fn invite(
    region: &crate::entities::region::Model,
    coordinator_id: Uuid,
    public_url: &str,
    invitee: sheet::Invitee,
    expires_at: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Invite> {
    let token = reset::new_token();
    let profile = invitee.profile.into_input();
    let rendered = templates::account_invitation(&templates::AccountInvitation {
        recipient_name: &invitee.display_name,
        region_name: &region.name,
        headline: &profile.headline,
        link: &templates::invitation_link(public_url, &token),
        valid_days: VALID_FOR_DAYS,
    });
    let email = NewEmail::new(
        kind::ACCOUNT_INVITATION,
        invitee.email.clone(),
        invitee.display_name.clone(),
        rendered,
    )
    .in_region(region.id);
    Ok(Invite {
        invitation: NewInvitation {
            token_hash: reset::hash(&token),
            region_id: region.id,
            invited_by: coordinator_id,
            email: invitee.email,
            display_name: invitee.display_name,
            profile: repo::to_json(&profile)?,
            expires_at,
        },
        email,
    })
}
