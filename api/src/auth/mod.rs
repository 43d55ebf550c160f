//! Authentication: password hashing, access tokens, throttling, and the callers the
//! extractors ([`extractor`]) hand to handlers.
//!
//! A handler that takes `AuthUser` cannot be reached without a valid token: auth is a
//! parameter, not a check someone can forget.

pub mod callers;
pub mod extractor;
pub mod jwt;
pub mod password;
pub mod reset;
pub mod throttle;

use crate::access::Actor;
pub use crate::domain::account::AccountRole;

/// The authenticated caller, read from the database and kept for a moment
/// ([`callers`]): a logout, password change or erasure takes effect at once in the
/// process that made it, and within about a second in the others. As a handler
/// parameter it is the extractor; below the routes it is the policy's [`Actor`].
pub type AuthUser = Actor;

/// The caller if a token was sent; anonymous otherwise. A token that is sent but
/// invalid is still a 401, so a client with an expired token learns it.
#[derive(Debug, Clone)]
pub struct MaybeAuthUser(pub Option<AuthUser>);

/// The authenticated caller with the claims of the token they sent, for the endpoints
/// that act on the token itself (logout).
#[derive(Debug, Clone)]
pub struct AuthSession {
    /// The caller.
    pub user: AuthUser,
    /// The verified claims of their token.
    pub claims: jwt::Claims,
}
