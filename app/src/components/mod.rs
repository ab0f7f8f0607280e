//! Reusable widgets, rendered on the server and hydrated in the browser: the
//! page frame, tables, fields, and the live parts of the forms (the NIR check,
//! the reference boxes, step 2's totals), which compute in the browser with
//! the same `domain` rules the server applies again.

#[cfg(not(feature = "ssr"))]
pub mod call;
pub mod error_summary;
pub mod field;
pub mod form;
pub mod layout;
pub mod navigation;
pub mod nir_field;
pub mod payment_states;
pub mod pending;
pub mod reference_boxes;
pub mod selection;
pub mod session;
pub mod table;
pub mod terminal;
