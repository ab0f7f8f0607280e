//! The time source. Production reads the system clock; tests set and advance a
//! fixed one instead of sleeping.

use jiff::Timestamp;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

/// A source of the current instant.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    fixed: Option<Arc<AtomicI64>>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Clock { fixed: None }
    }

    /// A clock stopped at `at`, moved only by [`Clock::advance`].
    pub fn fixed(at: Timestamp) -> Self {
        Clock { fixed: Some(Arc::new(AtomicI64::new(at.as_millisecond()))) }
    }

    /// Now.
    pub fn now(&self) -> Timestamp {
        match &self.fixed {
            Some(ms) => Timestamp::from_millisecond(ms.load(Ordering::SeqCst)).unwrap_or(Timestamp::UNIX_EPOCH),
            None => Timestamp::now(),
        }
    }

    /// Now, in Unix milliseconds (as stored).
    pub fn now_ms(&self) -> i64 {
        self.now().as_millisecond()
    }

    /// Moves a fixed clock forward; does nothing to the system clock.
    pub fn advance(&self, by_ms: i64) {
        if let Some(ms) = &self.fixed {
            ms.fetch_add(by_ms, Ordering::SeqCst);
        }
    }

    /// Waits `duration`: on the system clock, a sleep; a fixed clock is moved
    /// forward by it instead, so a test sees the wait without sleeping.
    pub async fn wait(&self, duration: Duration) {
        match &self.fixed {
            Some(ms) => {
                ms.fetch_add(millis(duration), Ordering::SeqCst);
            }
            None => tokio::time::sleep(duration).await,
        }
    }
}

/// `duration` in milliseconds, the unit instants are stored in (saturating:
/// no duration this service uses comes near it).
pub const fn millis(duration: Duration) -> i64 {
    let ms = duration.as_millis();
    if ms > i64::MAX as u128 { i64::MAX } else { ms as i64 }
}
