//! «Payer une créance», steps 1 to 3.

pub mod kiosk_redirect;
pub mod reference;
pub mod selection;
