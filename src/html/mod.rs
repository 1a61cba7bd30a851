//! Self-contained HTML pages: the blocks every page is built of (`page`),
//! the run and comparison briefing (`briefing`), the sensitivity page
//! (`sensitivity`), the scenario discovery page (`discover`) and the
//! calibration page (`calibration`).

pub mod briefing;
pub mod calibration;
pub mod discover;
pub mod page;
pub mod sensitivity;
