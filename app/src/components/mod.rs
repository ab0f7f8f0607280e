//! Reusable widgets, rendered on the server. Three fields come alive in the
//! browser through an `#[island]` around their server-rendered markup (the NIR
//! check, the reference boxes, step 2's totals); `dom` (browser build) is what those islands
//! use of the browser.

#[cfg(feature = "hydrate")]
pub mod dom;
pub mod error_summary;
pub mod field;
pub mod layout;
pub mod nir_field;
pub mod pending;
pub mod reference_boxes;
pub mod selection;
pub mod table;
