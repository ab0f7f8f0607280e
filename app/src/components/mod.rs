//! Reusable widgets. Those marked `#[island]` are hydrated in the browser; the
//! others are rendered on the server only.

pub mod auto_submit;
pub mod error_summary;
pub mod field;
pub mod layout;
pub mod nir_field;
pub mod print_button;
pub mod reference_boxes;
pub mod selection;
