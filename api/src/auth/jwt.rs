//! Access tokens: HS256 JWTs with every registered claim required and checked.
//!
//! The algorithm is pinned (a token whose header says `none` or `RS256` is refused),
//! and `iss`, `aud`, `sub`, `exp`, `nbf` and `iat` must all be present.
//!
//! Every issued token also carries a `jti` (its id, which logout puts on the revocation
//! list) and `ver`, the user's token version when it was issued: changing or resetting
//! the password bumps the version, and a token of an older version is refused. Both are
//! checked by the same query that loads the caller, so revocation costs no extra round
//! trip and holds at once in every process.

use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::config::Secret;

/// The `iss` of every token.
pub const ISSUER: &str = "musubi";
/// The `aud` of every token.
pub const AUDIENCE: &str = "musubi-api";
/// Clock skew tolerated on `exp` and `nbf`.
const LEEWAY_SECONDS: u64 = 5;

/// The claims of an access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// The user id.
    pub sub: Uuid,
    /// Expiry, seconds since the epoch.
    pub exp: u64,
    /// Not before, seconds since the epoch.
    pub nbf: u64,
    /// Issued at, seconds since the epoch.
    pub iat: u64,
    /// The token's id; logout revokes it. Tokens issued before revocation existed have
    /// none: logging out with one revokes every token of the user instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jti: Option<Uuid>,
    /// The user's token version at issue (`users.token_version`).
    #[serde(default)]
    pub ver: i32,
}

/// Signing and verifying keys, built once from the secret.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
}

impl JwtKeys {
    /// Builds the keys from the configured secret.
    pub fn new(secret: &Secret, ttl: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["iss", "aud", "sub", "exp", "nbf", "iat"]);
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECONDS;
        Self {
            encoding: EncodingKey::from_secret(secret.expose().as_bytes()),
            decoding: DecodingKey::from_secret(secret.expose().as_bytes()),
            validation,
            ttl,
        }
    }

    /// Token lifetime.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Issues a token for a user at their current token version, valid from now for the
    /// configured lifetime.
    pub fn issue(&self, user_id: Uuid, token_version: i32) -> anyhow::Result<String> {
        let now = now_seconds();
        let claims = Claims {
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            sub: user_id,
            exp: now + self.ttl.as_secs(),
            nbf: now,
            iat: now,
            jti: Some(Uuid::new_v4()),
            ver: token_version,
        };
        Ok(encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    /// Verifies a token and returns its claims; `None` for any invalid token.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .ok()
    }
}

fn now_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> JwtKeys {
        JwtKeys::new(&Secret::new("a".repeat(32)), Duration::from_secs(3600))
    }

    #[test]
    fn issued_tokens_verify_and_carry_the_user() {
        let user = Uuid::new_v4();
        let claims = keys().verify(&keys().issue(user, 3).unwrap()).unwrap();
        assert_eq!(claims.sub, user);
        assert_eq!(claims.exp - claims.iat, 3600);
        assert_eq!(claims.ver, 3);
        let again = keys().verify(&keys().issue(user, 3).unwrap()).unwrap();
        assert!(claims.jti.is_some() && claims.jti != again.jti);
    }

    #[test]
    fn a_token_signed_with_another_secret_is_refused() {
        let other = JwtKeys::new(&Secret::new("b".repeat(32)), Duration::from_secs(60));
        assert!(
            keys()
                .verify(&other.issue(Uuid::new_v4(), 0).unwrap())
                .is_none()
        );
    }
}
