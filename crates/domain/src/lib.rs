//! The business's own types and rules, in pure Rust.
//!
//! A crate of its own, depending on serde, rust_decimal and thiserror only, so
//! nothing here can know about Leptos, sqlx or HTTP: the browser (islands, compiled to
//! WebAssembly) and the server (server functions, services) call the very same
//! functions, so a live hint in the browser and the server's authoritative check can
//! never disagree. Every type is parsed once at the edge (`parse`, `parse_fr`) and
//! carried typed afterwards.

pub mod date;
pub mod money;
pub mod nir;
pub mod policy;
pub mod reference;
pub mod selection;
pub mod transaction;

pub use date::IssueDate;
pub use money::{Euros, MoneyError};
pub use nir::{Nir, NirError};
pub use policy::{EligibilityPolicy, PaymentLimits};
pub use reference::{AvisReference, ReferenceError};
pub use selection::{Allocation, CreanceLine, PaymentError, ValidPayment, allocate, validate_payment};
pub use transaction::{TransactionReference, TransactionReferenceError};
