//! Accounts: logging in, for the JSON API's token and the pages' session alike.

use std::time::Duration;

use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::{
    auth::{
        password,
        throttle::{self, Throttles},
    },
    config::Secret,
    domain::text::parse_email,
    repo,
};

/// Why a login did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Too many failed logins for this account or from this address; an attempt is
    /// allowed again after this long (even with the right password).
    #[error("too many failed logins")]
    Throttled(Duration),
    /// No live account has this email and password. A wrong email and a wrong password
    /// are one error, found in the same time, so neither tells which emails have
    /// accounts.
    #[error("wrong email or password")]
    WrongCredentials,
    /// The lookup or the hashing failed.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Who logged in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoggedIn {
    /// The user.
    pub user_id: Uuid,
    /// Their current token version (a JSON token is issued for it).
    pub token_version: i32,
}

/// Checks an email and password. Failed logins are throttled per account and per client
/// address (`client_key`, from [`Throttles::client_key`]); only failures count against
/// the limits.
pub async fn login(
    db: &impl ConnectionTrait,
    throttles: &Throttles,
    client_key: &str,
    email: &str,
    password: Secret,
) -> Result<LoggedIn, LoginError> {
    let parsed = parse_email(email);
    let account = parsed
        .clone()
        .unwrap_or_else(|| email.trim().to_lowercase());
    throttle::attempt_both(
        (&throttles.login_account, &account),
        (&throttles.login_address, client_key),
    )
    .map_err(LoginError::Throttled)?;
    let user = match parsed {
        Some(email) => repo::users::by_email(db, &email).await?,
        None => None,
    };
    let verified = password::verify(
        password,
        user.as_ref().map(|user| user.password_hash.clone()),
    )
    .await?;
    let user = user
        .filter(|_| verified)
        .ok_or(LoginError::WrongCredentials)?;
    throttles.login_account.refund(&account);
    throttles.login_address.refund(client_key);
    Ok(LoggedIn {
        user_id: user.id,
        token_version: user.token_version,
    })
}
