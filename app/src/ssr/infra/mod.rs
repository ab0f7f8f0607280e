//! What every service stands on: the database, the clock and Paris time, the
//! accounts' ids (a person's and an agent's, each its own type), the
//! audit trail, sessions and the request context of a server function,
//! password hashing, the Content-Security-Policy, the measures, public terminals. Nothing here knows a
//! service above it.

pub mod audit;
pub mod client_address;
pub mod clock;
pub mod context;
pub mod db;
pub mod ids;
pub mod limits;
pub mod metrics;
pub mod password;
pub mod security;
pub mod session;
pub mod terminal;
pub mod time;
