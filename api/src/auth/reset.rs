//! Password-reset tokens: 256 random bits, sent only in the emailed link; the database
//! keeps their SHA-256, so a copy of it cannot be used to reset anyone's password.

use std::time::Duration;

use sha2::{Digest, Sha256};

/// How long a reset link works.
pub const VALID_FOR: Duration = Duration::from_secs(30 * 60);

/// A new token for a link (64 hex characters).
pub fn new_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// What is stored for a token: the hex SHA-256 of its text.
pub fn hash(token: &str) -> String {
    hex(&Sha256::digest(token.trim().as_bytes()))
}

/// The page a reset link opens: `{MUSUBI_PUBLIC_URL}/password-reset?token=…`.
pub fn link(public_url: &str, token: &str) -> String {
    format!(
        "{}/password-reset?token={token}",
        public_url.trim_end_matches('/')
    )
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut out, byte| {
        let _ = write!(out, "{byte:02x}");
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_only_their_hash_is_kept() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(hash(&a), hash(&format!(" {a}\n")));
        assert_ne!(hash(&a), a);
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            link("https://musubi.example/", &a),
            format!("https://musubi.example/password-reset?token={a}")
        );
    }
}
