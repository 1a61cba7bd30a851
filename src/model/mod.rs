//! The agent-based model: world state, drivers and dynamics, events. It
//! knows nothing of files, threads or charts.

pub mod events;
pub mod fast_math;
pub mod lanes;
pub mod params;
pub mod random;
pub mod world;

pub use events::{EventKind, EventSpec};
pub use params::{Driver, ParamPath, Params, DRIVERS};
pub use world::{IdentityDimension, Structure, World};
