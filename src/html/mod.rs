//! Self-contained HTML pages: the blocks every page is built of (`page`),
//! the run and comparison briefing (`briefing`), and the sensitivity and
//! discovery pages (`analysis`).

pub mod analysis;
pub mod briefing;
pub mod page;
