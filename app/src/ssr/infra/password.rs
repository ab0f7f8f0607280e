//! Password hashing with Argon2id (the crate's defaults: 19 MiB, 2 passes).
//!
//! Hashing is CPU- and memory-heavy, so it runs on a small pool of dedicated
//! threads (one per core), never on the async runtime: at most that many
//! hashes run at once, whatever the number of sign-ins, which bounds both the
//! CPU they take and the memory the allocator keeps (each thread's allocator
//! arena holds on to the 19 MiB it last used; with the blocking pool's hundreds
//! of threads that grew to gigabytes).

use anyhow::Context;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex, OnceLock};

type Job = Box<dyn FnOnce() + Send>;

/// Runs `work` on the hashing pool and waits for it without blocking the runtime.
async fn on_pool<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> anyhow::Result<T> {
    static POOL: OnceLock<Mutex<Sender<Job>>> = OnceLock::new();
    let pool = POOL.get_or_init(|| {
        let (sender, receiver) = channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        for i in 0..threads {
            let receiver = receiver.clone();
            let _ = std::thread::Builder::new().name(format!("argon2-{i}")).spawn(move || {
                loop {
                    let job = match receiver.lock() {
                        Ok(receiver) => receiver.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                }
            });
        }
        Mutex::new(sender)
    });
    let (reply, answer) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = reply.send(work());
    });
    pool.lock()
        .map_err(|_| anyhow::anyhow!("the hashing pool is poisoned"))?
        .send(job)
        .map_err(|_| anyhow::anyhow!("the hashing pool has stopped"))?;
    answer.await.context("waiting for a hash")
}

/// Hashes `password` into a PHC string (`$argon2id$…`).
pub async fn hash(password: String) -> anyhow::Result<String> {
    on_pool(move || hash_blocking(&password)).await?
}

/// Hashes on the current thread.
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
    on_pool(move || {
        let known = stored.is_some();
        let phc = match stored {
            Some(phc) => phc,
            None => dummy_hash()?.clone(),
        };
        let parsed = PasswordHash::new(&phc).map_err(|e| anyhow::anyhow!("reading a stored hash: {e}"))?;
        let matches = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
        Ok(known && matches)
    })
    .await?
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
