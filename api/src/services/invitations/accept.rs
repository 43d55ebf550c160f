//! Accepting an invitation: the link's page reads it by its token (the token is the
//! credential; only its hash is stored), and with a password and consent the account and
//! profile are made in one transaction and the invitation used up.

use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};

use crate::{
    auth::{password, reset},
    domain::{
        account::{AccountRole, NewPassword},
        profile::{ProfileInput, ProfileSpec},
        text::SingleLine,
    },
    ranking::Ranking,
    repo::{self, invitations::InvitationRefusal},
    services::{Error, Result, accounts::LoggedIn},
};

/// An invitation as its link's page shows it.
#[derive(Debug, Clone)]
pub struct Invitation {
    /// The inviting region's name.
    pub region_name: String,
    /// The email the account will have.
    pub email: String,
    /// The name as the coordinator's list spells it.
    pub display_name: String,
    /// The profile the row described.
    pub profile: ProfileInput,
}

/// The invitation of a link's token, or why the link cannot be used. The token is the
/// credential: no login is needed.
#[tracing::instrument(skip_all)]
pub async fn open(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<std::result::Result<Invitation, InvitationRefusal>> {
    let row = match repo::invitations::usable(db, &reset::hash(token)).await? {
        Ok(row) => row,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let region = repo::regions::by_id(db, row.region_id)
        .await?
        .ok_or(Error::NotFound)?;
    Ok(Ok(Invitation {
        region_name: region.name,
        email: row.email,
        display_name: row.display_name,
        profile: repo::from_json(&row.profile, "invitations.profile")?,
    }))
}

/// What the person sends to accept.
#[derive(Debug)]
pub struct Acceptance {
    /// Their name, as they want it.
    pub display_name: String,
    /// Their password.
    pub password: NewPassword,
    /// The profile, as reviewed (and perhaps edited).
    pub profile: ProfileSpec,
    /// Whether they ticked the consent box.
    pub consent: bool,
}

/// Why accepting failed inside the transaction: the link, or anything else.
#[derive(Debug)]
enum Failure {
    Refused(InvitationRefusal),
    Service(Error),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Refused(refusal) => write!(f, "this invitation {}", refusal.as_str()),
            Self::Service(error) => error.fmt(f),
        }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Self::Service(error)
    }
}

impl From<anyhow::Error> for Failure {
    fn from(error: anyhow::Error) -> Self {
        Self::Service(error.into())
    }
}

impl From<sea_orm::DbErr> for Failure {
    fn from(error: sea_orm::DbErr) -> Self {
        Self::Service(error.into())
    }
}

/// Accepts an invitation: the professional's account and profile are made, and the
/// invitation used up, in one transaction; the profile ranks from the next request on.
/// Without consent nothing is made (an invalid `consent`); a name that breaks the rules
/// is an invalid `display_name`; an email taken since the import is
/// [`crate::domain::error::ConflictCode::EmailTaken`].
#[tracing::instrument(skip_all)]
pub async fn accept(
    db: &DatabaseConnection,
    ranking: &Ranking,
    token: &str,
    acceptance: Acceptance,
) -> Result<std::result::Result<LoggedIn, InvitationRefusal>> {
    let token_hash = reset::hash(token);
    // A cheap look first, so an unusable link costs no password hashing.
    if let Err(refusal) = repo::invitations::usable(db, &token_hash).await? {
        return Ok(Err(refusal));
    }
    if !acceptance.consent {
        return Err(Error::invalid(
            "consent",
            "must be given to make the account",
        ));
    }
    let display_name = SingleLine::parse(&acceptance.display_name, 1, 100)
        .map_err(|message| Error::invalid("display_name", message))?;
    let password_hash = password::hash(acceptance.password.into_secret()).await?;
    let spec = acceptance.profile;
    let outcome = db
        .transaction::<_, _, Failure>(move |txn| {
            Box::pin(async move {
                let row = repo::invitations::usable(txn, &token_hash)
                    .await?
                    .map_err(Failure::Refused)?;
                // A taken email breaks `users_email_key`: `?` makes it `email_taken`.
                let user = repo::users::insert(
                    txn,
                    repo::users::NewUser {
                        email: &row.email,
                        password_hash,
                        display_name: display_name.as_str(),
                        role: AccountRole::Professional,
                        region_id: None,
                    },
                )
                .await?;
                if !repo::invitations::claim(txn, row.id, user.id).await? {
                    return Err(Failure::Refused(InvitationRefusal::Used));
                }
                let (profile, _) = repo::profiles::upsert(txn, user.id, &spec).await?;
                repo::profiles::record_change(txn, user.id).await?;
                Ok((user, profile))
            })
        })
        .await;
    let (user, profile) = match outcome {
        Ok(made) => made,
        Err(sea_orm::TransactionError::Connection(error)) => return Err(error.into()),
        Err(sea_orm::TransactionError::Transaction(Failure::Refused(refusal))) => {
            return Ok(Err(refusal));
        }
        Err(sea_orm::TransactionError::Transaction(Failure::Service(error))) => {
            return Err(error);
        }
    };
    // Should this fail, the change feed catches up within a poll.
    if let Err(error) = ranking.upsert_stored(db, &profile).await {
        tracing::warn!(
            error = format!("{error:#}"),
            "ranking index not updated in place"
        );
    }
    Ok(Ok(LoggedIn {
        user_id: user.id,
        token_version: user.token_version,
    }))
}
