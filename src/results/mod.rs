//! Reports: the statistics of an aggregate ([`summary`]) kept apart from
//! the formats they are written in (one file per format).

pub mod comparison;
pub mod csv;
pub mod effects;
pub mod findings;
pub mod folder;
pub mod json;
pub mod matrix;
pub mod summary;
pub mod table;

pub use summary::Summary;
