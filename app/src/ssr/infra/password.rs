//! Password hashing with Argon2id (the crate's defaults: 19 MiB, 2 passes).
//!
//! Hashing is CPU- and memory-heavy, so it runs on a small pool of dedicated
//! threads (one per core), never on the async runtime: at most that many
//! hashes run at once, whatever the number of sign-ins, which bounds both the
//! CPU they take and the memory the allocator keeps (each thread's allocator
//! arena holds on to the 19 MiB it last used; with the blocking pool's hundreds
//! of threads that grew to gigabytes).
//!
//! The queue is bounded too: beyond [`MAX_IN_FLIGHT`] hashes running or
//! waiting, a new one is refused at once with [`PasswordError::Busy`] (the
//! person is asked to try again in a moment) instead of joining an unbounded
//! backlog that a burst of sign-ins would grow without end.

use anyhow::Context;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex, OnceLock};

type Job = Box<dyn FnOnce() + Send>;

/// Hashes running or waiting at most, all sign-ins of the process together:
/// about a second of work for the pool on two cores.
pub const MAX_IN_FLIGHT: usize = 16;

/// Why a password could not be hashed or checked.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// [`MAX_IN_FLIGHT`] hashes are already running or waiting.
    #[error("the password hashing queue is full")]
    Busy,
    /// Anything else.
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);
static PEAK_IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

/// Hashes running or waiting now.
pub fn in_flight() -> usize {
    IN_FLIGHT.load(Ordering::SeqCst)
}

/// The most hashes ever running or waiting at once in this process (tests
/// read it).
pub fn peak_in_flight() -> usize {
    PEAK_IN_FLIGHT.load(Ordering::SeqCst)
}

/// A place in the queue, given back when dropped.
struct Place;

impl Place {
    fn take() -> Result<Place, PasswordError> {
        let taken = IN_FLIGHT
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| (n < MAX_IN_FLIGHT).then_some(n + 1))
            .map_err(|_| PasswordError::Busy)?;
        PEAK_IN_FLIGHT.fetch_max(taken + 1, Ordering::SeqCst);
        Ok(Place)
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Runs `work` on the hashing pool and waits for it without blocking the
/// runtime; refused at once when the queue is full.
async fn on_pool<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, PasswordError> {
    let place = Place::take()?;
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
        let done = work();
        // The place is given back once the work is done, not when the waiter
        // gives up: the queue counts what the threads still have to do. And
        // before the answer: a waiter that goes on finds its place free.
        drop(place);
        let _ = reply.send(done);
    });
    pool.lock()
        .map_err(|_| anyhow::anyhow!("the hashing pool is poisoned"))?
        .send(job)
        .map_err(|_| anyhow::anyhow!("the hashing pool has stopped"))?;
    Ok(answer.await.context("waiting for a hash")?)
}

/// Hashes `password` into a PHC string (`$argon2id$…`).
pub async fn hash(password: String) -> Result<String, PasswordError> {
    Ok(on_pool(move || hash_blocking(&password)).await??)
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
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, PasswordError> {
    Ok(on_pool(move || check(&password, stored)).await??)
}

/// [`verify`] for a client of `network` (an address, an IPv6 /64), within its
/// share of the queue (counted in `shares`, the service's):
/// [`MAX_IN_FLIGHT_PER_NETWORK`] running or waiting, then
/// [`PasswordError::Busy`] for that network alone.
pub async fn verify_from(
    shares: &Arc<NetworkShares>,
    network: &str,
    password: String,
    stored: Option<String>,
) -> Result<bool, PasswordError> {
    let place = NetworkPlace::take(shares, network)?;
    Ok(on_pool(move || {
        // Given back with the work done, as the queue's own place is.
        let _place = place;
        check(&password, stored)
    })
    .await??)
}

fn check(password: &str, stored: Option<String>) -> anyhow::Result<bool> {
    let known = stored.is_some();
    let phc = match stored {
        Some(phc) => phc,
        None => dummy_hash()?.clone(),
    };
    let parsed = PasswordHash::new(&phc).map_err(|e| anyhow::anyhow!("reading a stored hash: {e}"))?;
    let matches = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
    Ok(known && matches)
}

/// Hashes one client network may have running or waiting at once: a quarter
/// of the queue, so that one address (a script, or a carrier's NAT) cannot
/// take all of it from everyone else.
pub const MAX_IN_FLIGHT_PER_NETWORK: usize = MAX_IN_FLIGHT / 4;

/// Hashes running or waiting, by network: one per service (its `AppState`).
#[derive(Debug, Default)]
pub struct NetworkShares(Mutex<HashMap<String, usize>>);

/// A network's place in the queue, given back when dropped.
struct NetworkPlace {
    shares: Arc<NetworkShares>,
    network: String,
}

impl NetworkPlace {
    fn take(shares: &Arc<NetworkShares>, network: &str) -> Result<NetworkPlace, PasswordError> {
        let mut counts = shares.0.lock().map_err(|_| anyhow::anyhow!("the network counts are poisoned"))?;
        let count = counts.entry(network.to_owned()).or_insert(0);
        if *count >= MAX_IN_FLIGHT_PER_NETWORK {
            return Err(PasswordError::Busy);
        }
        *count += 1;
        Ok(NetworkPlace { shares: Arc::clone(shares), network: network.to_owned() })
    }
}

impl Drop for NetworkPlace {
    fn drop(&mut self) {
        if let Ok(mut counts) = self.shares.0.lock()
            && let Some(count) = counts.get_mut(&self.network)
        {
            *count -= 1;
            if *count == 0 {
                counts.remove(&self.network);
            }
        }
    }
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

    /// The tests share the process's queue: one at a time.
    static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

    #[tokio::test]
    async fn verifies_the_right_password_only() {
        let _serial = SERIAL.lock().await;
        let stored = hash("Belage-2019".into()).await.expect("hashes");
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("Belage-2019".into(), Some(stored.clone())).await.expect("verifies"));
        assert!(!verify("belage-2019".into(), Some(stored)).await.expect("verifies"));
        assert!(!verify("Belage-2019".into(), None).await.expect("verifies"));
    }

    #[tokio::test]
    async fn a_check_from_a_network_says_whether_the_password_is_right_within_that_networks_share() {
        let _serial = SERIAL.lock().await;
        let shares = Arc::new(NetworkShares::default());
        let (network, stored) = ("192.0.2.250", hash_blocking("Belage-2019").expect("hashes"));
        assert!(verify_from(&shares, network, "Belage-2019".into(), Some(stored.clone())).await.expect("checks"));
        assert!(!verify_from(&shares, network, "belage-2019".into(), Some(stored)).await.expect("checks"));
        assert!(!verify_from(&shares, network, "Belage-2019".into(), None).await.expect("checks"));
        let held: Vec<NetworkPlace> =
            (0..MAX_IN_FLIGHT_PER_NETWORK).map(|_| NetworkPlace::take(&shares, network).expect("a place")).collect();
        assert!(matches!(verify_from(&shares, network, "x".into(), None).await, Err(PasswordError::Busy)));
        drop(held);
        assert!(shares.0.lock().expect("counts").is_empty(), "each check gave its place back");
    }

    #[test]
    fn one_network_takes_at_most_its_share_of_the_queue_and_others_keep_theirs() {
        let shares = Arc::new(NetworkShares::default());
        let busy = "192.0.2.250";
        let places: Vec<NetworkPlace> =
            std::iter::from_fn(|| NetworkPlace::take(&shares, busy).ok()).take(64).collect();
        assert_eq!(places.len(), 4, "a quarter of the sixteen");
        assert!(matches!(NetworkPlace::take(&shares, busy), Err(PasswordError::Busy)));
        let other = NetworkPlace::take(&shares, "192.0.2.251").expect("another network has its own share");
        assert!(
            NetworkPlace::take(&Arc::new(NetworkShares::default()), busy).is_ok(),
            "another service counts its own"
        );
        drop(places);
        let again = NetworkPlace::take(&shares, busy).expect("given back");
        drop((other, again));
        assert!(shares.0.lock().expect("counts").is_empty(), "nothing left counted");
    }

    #[tokio::test]
    async fn a_full_queue_refuses_at_once_and_a_finished_hash_frees_its_place() {
        let _serial = SERIAL.lock().await;
        assert_eq!(in_flight(), 0, "nothing else in the queue");
        let places: Vec<Place> = std::iter::from_fn(|| Place::take().ok()).take(MAX_IN_FLIGHT + 1).collect();
        assert_eq!(places.len(), 16, "sixteen places, then the queue is full");
        assert_eq!((in_flight(), peak_in_flight()), (16, 16), "counted, and the peak with them");
        assert!(matches!(verify("x".into(), None).await, Err(PasswordError::Busy)));
        assert!(matches!(hash("x".into()).await, Err(PasswordError::Busy)));
        drop(places);
        assert_eq!(in_flight(), 0, "each place given back");
        assert!(verify("x".into(), None).await.is_ok());
        assert_eq!((in_flight(), peak_in_flight()), (0, 16), "the hash's place given back, the peak kept");
    }
}
