//! Password hashing with Argon2id (the crate's defaults: 19 MiB, 2 passes).
//!
//! Hashing is CPU-heavy, so it runs on the blocking thread pool, never on the
//! async runtime.

use anyhow::Context;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use std::sync::OnceLock;

/// Hashes `password` into a PHC string (`$argon2id$…`).
pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash_blocking(&password)).await.context("joining the hashing task")?
}

/// Hashes on the current thread (demo data loading runs it on the blocking pool).
pub fn hash_blocking(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
}

/// Checks `password` against `stored`. With no stored hash (unknown account) a
/// dummy hash is checked anyway, so both cases take the same time.
pub async fn verify(password: String, stored: Option<String>) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let phc = match stored {
            Some(phc) => phc,
            None => dummy_hash()?.clone(),
        };
        let parsed = PasswordHash::new(&phc).map_err(|e| anyhow::anyhow!("reading a stored hash: {e}"))?;
        let matches = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
        Ok(known && matches)
    })
    .await
    .context("joining the verification task")?
}

fn dummy_hash() -> anyhow::Result<&'static String> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(hash) = DUMMY.get() {
        return Ok(hash);
    }
    let hash = hash_blocking("not a password anyone has")?;
    Ok(DUMMY.get_or_init(|| hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn verifies_the_right_password_only() {
        let stored = hash("Belage-2019".into()).await.expect("hashes");
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("Belage-2019".into(), Some(stored.clone())).await.expect("verifies"));
        assert!(!verify("belage-2019".into(), Some(stored)).await.expect("verifies"));
        assert!(!verify("Belage-2019".into(), None).await.expect("verifies"));
    }
}
