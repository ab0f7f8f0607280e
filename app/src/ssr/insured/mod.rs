//! The insured persons and their créances, as the person's pages read them.

pub mod creances;
pub mod persons;
