//! Self-contained HTML pages: the blocks every page is built of (`page`),
//! the run and comparison briefing (`briefing`), the sensitivity page
//! (`sensitivity`) and the scenario discovery page (`discover`).

pub mod briefing;
pub mod discover;
pub mod page;
pub mod sensitivity;
