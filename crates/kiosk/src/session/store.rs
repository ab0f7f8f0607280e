//! The simulator's sessions: each transaction reference of a merchant opens
//! one session, once (the last [`MAX_REFERENCES`] references are kept), and
//! at most [`MAX_SESSIONS`] are held at a time.

use super::{MAX_REFERENCES, MAX_SESSIONS, Session};
use std::collections::{HashMap, HashSet, VecDeque};

/// The sessions, and the (merchant, transaction reference) pairs opened, the
/// last [`MAX_REFERENCES`] of them: a reference is used once.
pub(super) struct Sessions {
    pub(super) by_id: HashMap<String, Session>,
    pub(super) references: HashSet<(String, String)>,
    /// The same pairs, oldest first.
    pub(super) order: VecDeque<(String, String)>,
    pub(super) max_sessions: usize,
    pub(super) max_references: usize,
}

impl Default for Sessions {
    fn default() -> Self {
        Sessions::bounded(MAX_SESSIONS, MAX_REFERENCES)
    }
}

/// Why a session was not opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NotOpened {
    /// The merchant used this transaction reference before (Sips: 94).
    Duplicate,
    /// The simulator holds [`MAX_SESSIONS`] sessions.
    Full,
}

impl Sessions {
    pub(super) fn bounded(max_sessions: usize, max_references: usize) -> Sessions {
        Sessions {
            by_id: HashMap::new(),
            references: HashSet::new(),
            order: VecDeque::new(),
            max_sessions,
            max_references,
        }
    }

    pub(super) fn open(&mut self, id: String, session: Session) -> Result<(), NotOpened> {
        let key = (session.request.merchant_id.clone(), session.request.transaction_reference.clone());
        if self.references.contains(&key) {
            return Err(NotOpened::Duplicate);
        }
        if self.by_id.len() >= self.max_sessions {
            return Err(NotOpened::Full);
        }
        self.references.insert(key.clone());
        self.order.push_back(key);
        while self.order.len() > self.max_references {
            if let Some(oldest) = self.order.pop_front() {
                self.references.remove(&oldest);
            }
        }
        self.by_id.insert(id, session);
        Ok(())
    }
}
