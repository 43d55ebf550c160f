//! Accounts: registering, logging in, who am I, logging out, and changing or resetting a
//! password. Tokens are the door's to issue: a service says who logged in and with which
//! token version.

use std::time::Duration;

use anyhow::Context;
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{BeforeCommit, Error, Result};
use crate::{
    access::Actor,
    auth::{
        jwt::Claims,
        password, reset,
        throttle::{self, Throttles},
    },
    config::Secret,
    domain::{
        account::{AccountRole, NewPassword, Registrant, Registration},
        error::ConflictCode,
        text::{EmailAddress, parse_email},
    },
    email::{
        outbox::{self, NewEmail, kind},
        templates,
    },
    entities::{organization, user},
    repo,
};

pub use crate::repo::sessions::ResetRefusal;

/// Who logged in: a token is issued for this user and version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoggedIn {
    /// The user.
    pub user_id: Uuid,
    /// Their current token version (a password change or reset moves it on).
    pub token_version: i32,
}

/// An account with an SME's organization.
#[derive(Debug, Clone)]
pub struct Account {
    /// The user.
    pub user: user::Model,
    /// Its role.
    pub role: AccountRole,
    /// An SME's organization.
    pub organization: Option<organization::Model>,
}

fn throttled(wait: Duration) -> Error {
    Error::TooManyRequests {
        retry_after: throttle::retry_after(wait),
    }
}

/// Checks an email and password. A wrong email and a wrong password are one
/// [`Error::Unauthorized`], found in the same time. Failed logins are throttled per
/// account and per client address (`client_key`, from [`Throttles::client_key`]); past
/// a limit every attempt, even with the right password, is [`Error::TooManyRequests`].
/// Only failures count against the limits.
#[tracing::instrument(skip_all)]
pub async fn login(
    db: &impl ConnectionTrait,
    throttles: &Throttles,
    client_key: &str,
    email: &str,
    password: Secret,
) -> Result<LoggedIn> {
    let parsed = parse_email(email);
    let account = parsed
        .clone()
        .unwrap_or_else(|| email.trim().to_lowercase());
    throttle::attempt_both(
        (&throttles.login_account, &account),
        (&throttles.login_address, client_key),
    )
    .map_err(throttled)?;
    let user = match parsed {
        Some(email) => repo::users::by_email(db, &email).await?,
        None => None,
    };
    let verified = password::verify(
        password,
        user.as_ref().map(|user| user.password_hash.clone()),
    )
    .await?;
    let user = user.filter(|_| verified).ok_or(Error::Unauthorized)?;
    throttles.login_account.refund(&account);
    throttles.login_address.refund(client_key);
    Ok(LoggedIn {
        user_id: user.id,
        token_version: user.token_version,
    })
}

/// Counts a registration attempt against the email and the client address. Every valid
/// attempt counts, created or taken alike, so probing for accounts is as slow as
/// registering.
#[tracing::instrument(skip_all)]
pub fn admit_registration(
    throttles: &Throttles,
    client_key: &str,
    email: &EmailAddress,
) -> Result<()> {
    throttle::attempt_both(
        (&throttles.register_account, email.as_str()),
        (&throttles.register_address, client_key),
    )
    .map_err(throttled)
}

/// What a registration stores for its idempotency key: the account, not its token or
/// personal data.
#[derive(Debug, Serialize, Deserialize)]
pub struct Registered {
    /// The account made.
    pub user_id: Uuid,
}

/// Makes the user (and an SME's organization) and runs `before_commit` (the JSON door
/// stores the key's answer there), in one transaction. A taken email is [`ConflictCode::EmailTaken`]; an
/// organization's unknown region an invalid `organization.region_id`.
#[tracing::instrument(skip_all, fields(role = registration.registrant.role().as_str()))]
pub async fn register(
    db: &DatabaseConnection,
    registration: Registration,
    before_commit: impl BeforeCommit<Registered> + 'static,
) -> Result<Account> {
    if let Registrant::Sme(organization) = &registration.registrant
        && repo::regions::by_id(db, organization.region_id.into())
            .await?
            .is_none()
    {
        return Err(Error::invalid(
            "organization.region_id",
            "no such region; see GET /api/v1/regions",
        ));
    }
    let Registration {
        email,
        password,
        display_name,
        registrant,
    } = registration;
    let password_hash = password::hash(password.into_secret()).await?;
    let role = registrant.role();
    let (user, organization) = db
        .transaction::<_, _, Error>(move |txn| {
            Box::pin(async move {
                let new = repo::users::NewUser {
                    email: email.as_str(),
                    password_hash,
                    display_name: display_name.as_str(),
                    role,
                    region_id: None,
                };
                // A taken email breaks `users_email_key`: `?` makes it `email_taken`.
                let user = repo::users::insert(txn, new).await?;
                let organization = match &registrant {
                    Registrant::Professional => None,
                    Registrant::Sme(org) => Some(
                        repo::users::insert_organization(
                            txn,
                            repo::users::NewOrganization {
                                owner_id: user.id,
                                region_id: org.region_id.into(),
                                name: org.name.as_str(),
                                kind: org.kind.as_str(),
                                industry: org.industry.as_str(),
                                city: org.city.as_str(),
                                employees: org
                                    .employees
                                    .and_then(|count| i32::try_from(count).ok()),
                                description: org.description.as_ref().map(|text| text.as_str()),
                            },
                        )
                        .await?,
                    ),
                };
                before_commit
                    .run(txn, &Registered { user_id: user.id })
                    .await?;
                Ok((user, organization))
            })
        })
        .await?;
    Ok(Account {
        user,
        role,
        organization,
    })
}

/// The account a repeated registration made, from what its key stored: as a login
/// would, only while `password` is still the account's. An account erased since is
/// [`ConflictCode::AccountGone`].
#[tracing::instrument(skip_all)]
pub async fn replay_registration(
    db: &impl ConnectionTrait,
    stored: &str,
    password: Secret,
) -> Result<Account> {
    let registered: Registered =
        serde_json::from_str(stored).context("reading a stored registration")?;
    let user = repo::users::by_id(db, registered.user_id)
        .await?
        .filter(|user| user.erased_at.is_none())
        .ok_or_else(|| {
            Error::conflict(
                ConflictCode::AccountGone,
                "the account made with this Idempotency-Key no longer exists",
            )
        })?;
    if !password::verify(password, Some(user.password_hash.clone())).await? {
        return Err(Error::Unauthorized);
    }
    let organization = repo::users::organization_of(db, user.id).await?;
    Ok(Account {
        role: user.role()?,
        user,
        organization,
    })
}

/// The caller's account as they see it.
#[derive(Debug, Clone)]
pub struct Me {
    /// The account.
    pub account: Account,
    /// Professionals: their profile's id (their user id) once they have one.
    pub profile_id: Option<Uuid>,
}

/// The caller's account, with an SME's organization and a professional's profile id.
#[tracing::instrument(skip_all, fields(user_id = %actor.id))]
pub async fn me(db: &impl ConnectionTrait, actor: &Actor) -> Result<Me> {
    crate::access::decide(Some(actor), crate::access::Action::OwnAccount).check()?;
    let user = repo::users::by_id(db, actor.id)
        .await?
        .ok_or(Error::Unauthorized)?;
    let organization = match actor.role {
        AccountRole::Sme => repo::users::organization_of(db, actor.id).await?,
        _ => None,
    };
    let profile_id = match actor.role {
        AccountRole::Professional => repo::profiles::by_user(db, actor.id)
            .await?
            .map(|profile| profile.user_id),
        _ => None,
    };
    Ok(Me {
        account: Account {
            user,
            role: actor.role,
            organization,
        },
        profile_id,
    })
}

/// Revokes the token these claims came from.
#[tracing::instrument(skip_all, fields(user_id = %claims.sub))]
pub async fn logout(db: &impl ConnectionTrait, claims: &Claims) -> Result<()> {
    repo::sessions::revoke(db, claims).await?;
    Ok(())
}

/// Changes the caller's password and revokes every token issued so far. A wrong current
/// password counts as a failed login (the same per-account limit) and is an invalid
/// `current_password`.
#[tracing::instrument(skip_all, fields(user_id = %actor.id))]
pub async fn change_password(
    db: &impl ConnectionTrait,
    throttles: &Throttles,
    actor: &Actor,
    current: Secret,
    new: NewPassword,
) -> Result<LoggedIn> {
    let user = repo::users::by_id(db, actor.id)
        .await?
        .ok_or(Error::Unauthorized)?;
    throttles
        .login_account
        .attempt(&user.email)
        .map_err(throttled)?;
    if !password::verify(current, Some(user.password_hash.clone())).await? {
        return Err(Error::invalid(
            "current_password",
            "is not the account's current password",
        ));
    }
    throttles.login_account.refund(&user.email);
    let hash = password::hash(new.into_secret()).await?;
    let token_version = repo::sessions::set_password(db, user.id, hash).await?;
    // A new password ends every page session too (the tokens end by their version).
    repo::web_sessions::end_all_for_user(db, user.id).await?;
    Ok(LoggedIn {
        user_id: user.id,
        token_version,
    })
}

/// Asks for a password-reset link for `email` (as [`parse_email`] reads it). Throttled
/// per email and per client address, for known and unknown emails alike; the lookup and
/// the email happen after this returns, so a known email does not take measurably
/// longer to answer than an unknown one.
#[tracing::instrument(skip_all)]
pub fn request_password_reset(
    db: &DatabaseConnection,
    public_url: &str,
    throttles: &Throttles,
    client_key: &str,
    email: String,
) -> Result<()> {
    throttle::attempt_both(
        (&throttles.reset_account, &email),
        (&throttles.reset_address, client_key),
    )
    .map_err(throttled)?;
    let db = db.clone();
    let public_url = public_url.to_owned();
    tokio::spawn(async move {
        if let Err(error) = send_reset_link(&db, &public_url, &email).await {
            tracing::error!(error.cause_chain = ?error, "could not write a password-reset email");
        }
    });
    Ok(())
}

/// Stores a new link's hash and writes its email to the outbox in one transaction.
async fn send_reset_link(
    db: &DatabaseConnection,
    public_url: &str,
    email: &str,
) -> anyhow::Result<()> {
    let Some(user) = repo::users::by_email(db, email).await? else {
        return Ok(());
    };
    let token = reset::new_token();
    let rendered = templates::password_reset(&templates::PasswordReset {
        recipient_name: &user.display_name,
        link: &reset::link(public_url, &token),
        valid_minutes: reset::VALID_FOR.as_secs() / 60,
    });
    let message = NewEmail::new(
        kind::PASSWORD_RESET,
        user.email.clone(),
        user.display_name.clone(),
        rendered,
    )
    .to_user(user.id);
    let token_hash = reset::hash(&token);
    db.transaction::<_, (), anyhow::Error>(move |txn| {
        Box::pin(async move {
            repo::sessions::insert_reset(txn, token_hash, user.id, reset::VALID_FOR).await?;
            outbox::enqueue(txn, message).await?;
            Ok(())
        })
    })
    .await
    .map_err(|error| match error {
        sea_orm::TransactionError::Connection(error) => anyhow::Error::from(error),
        sea_orm::TransactionError::Transaction(error) => error,
    })
}

/// Whether the token of an emailed link could set a password now, without using it: a
/// page asks before it offers the form. Unknown, expired or used is
/// [`Error::InvalidResetToken`].
#[tracing::instrument(skip_all)]
pub async fn check_reset_link(db: &impl ConnectionTrait, token: &str) -> Result<()> {
    repo::sessions::peek_reset(db, &reset::hash(token))
        .await?
        .map_err(Error::InvalidResetToken)
}

/// Sets a new password with the token of an emailed link. The link then stops working,
/// as do the account's other links and every token issued so far. A link unknown,
/// expired, used, or of an account erased since is [`Error::InvalidResetToken`].
#[tracing::instrument(skip_all)]
pub async fn confirm_password_reset(
    db: &DatabaseConnection,
    token: &str,
    new: NewPassword,
) -> Result<LoggedIn> {
    let token_hash = reset::hash(token);
    // A cheap look first, so an invalid link costs no password hashing; the use below is
    // what makes it single: of two concurrent uses only one claims the row.
    repo::sessions::peek_reset(db, &token_hash)
        .await?
        .map_err(Error::InvalidResetToken)?;
    let hash = password::hash(new.into_secret()).await?;
    let (user_id, token_version) = db
        .transaction::<_, _, Error>(move |txn| {
            Box::pin(async move {
                let user_id = repo::sessions::use_reset(txn, &token_hash)
                    .await?
                    .map_err(Error::InvalidResetToken)?;
                // An account erased since the link was sent cannot come back through it.
                let live = repo::users::by_id(txn, user_id)
                    .await?
                    .is_some_and(|user| user.erased_at.is_none());
                if !live {
                    return Err(Error::InvalidResetToken(ResetRefusal::Unknown));
                }
                let version = repo::sessions::set_password(txn, user_id, hash).await?;
                repo::sessions::retire_resets(txn, user_id).await?;
                repo::web_sessions::end_all_for_user(txn, user_id).await?;
                Ok((user_id, version))
            })
        })
        .await?;
    Ok(LoggedIn {
        user_id,
        token_version,
    })
}
