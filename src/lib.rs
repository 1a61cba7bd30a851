//! Entente: agent-based Monte Carlo simulation of strategic triangles in
//! international politics. See ARCHITECTURE.md for the map of the code.

pub mod chart;
pub mod cli;
pub mod commands;
pub mod design;
pub mod diagnostic;
pub mod model;
pub mod outcome;
pub mod output;
pub mod report;
pub mod runner;
pub mod scenario;
pub mod sensitivity;
pub mod stats;
pub mod sweep;
