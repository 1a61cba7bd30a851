//! Reports: the statistics of an aggregate ([`summary`]) kept apart from
//! the formats they are written in (one file per format).

pub mod analysis;
pub mod briefing;
pub mod comparison;
pub mod csv;
pub mod findings;
pub mod json;
pub mod matrix;
pub mod page;
pub mod results;
pub mod summary;
pub mod table;

pub use summary::Summary;
