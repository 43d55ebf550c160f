//! Password hashing: argon2id with OWASP's parameters (m = 19456 KiB, t = 2, p = 1),
//! always on the blocking pool so a login never stalls the async workers.

use std::sync::LazyLock;

use anyhow::Context;
use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version,
    password_hash::{SaltString, rand_core::OsRng},
};

use crate::config::Secret;

/// Memory cost in KiB.
pub const MEMORY_KIB: u32 = 19_456;
/// Iterations.
pub const ITERATIONS: u32 = 2;
/// Parallelism.
pub const PARALLELISM: u32 = 1;

fn hasher() -> anyhow::Result<Argon2<'static>> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None)
        .map_err(|error| anyhow::anyhow!("argon2 parameters: {error}"))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// A hash of a password nobody has, verified against when the email is unknown, so an
/// unknown email costs the same time as a wrong password and the two cannot be told apart.
static DUMMY_HASH: LazyLock<Option<String>> =
    LazyLock::new(|| hash_blocking(&Secret::new("musubi-dummy-password")).ok());

fn hash_blocking(password: &Secret) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    let hash = hasher()?
        .hash_password(password.expose().as_bytes(), &salt)
        .map_err(|error| anyhow::anyhow!("argon2 hashing: {error}"))?;
    Ok(hash.to_string())
}

fn verify_blocking(password: &Secret, stored: Option<&str>) -> bool {
    let (stored, known) = match stored {
        Some(stored) => (stored.to_owned(), true),
        None => match DUMMY_HASH.as_deref() {
            Some(dummy) => (dummy.to_owned(), false),
            None => return false,
        },
    };
    let Ok(parsed) = PasswordHash::new(&stored) else {
        return false;
    };
    let Ok(argon) = hasher() else { return false };
    argon
        .verify_password(password.expose().as_bytes(), &parsed)
        .is_ok()
        && known
}

/// Hashes a password into a PHC string.
pub async fn hash(password: Secret) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .context("the hashing task panicked")?
}

/// Verifies a password against a stored hash; with `None` it verifies against a dummy
/// hash and returns false, taking the same time.
pub async fn verify(password: Secret, stored: Option<String>) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || verify_blocking(&password, stored.as_deref()))
        .await
        .context("the verifying task panicked")
}

/// Warms the dummy hash so the first unknown-email login is not faster than the rest.
pub fn warm_up() {
    LazyLock::force(&DUMMY_HASH);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_with_owasp_parameters() {
        let stored = hash(Secret::new("正しいパスワード123")).await.unwrap();
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert!(
            verify(Secret::new("正しいパスワード123"), Some(stored.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify(Secret::new("違うパスワード"), Some(stored))
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn an_unknown_user_never_verifies() {
        assert!(
            !verify(Secret::new("musubi-dummy-password"), None)
                .await
                .unwrap()
        );
    }
}
