//! Shards: the folders that `run`, `compare`, `sweep`, `sensitivity` and
//! `calibrate` write with `--shard K/N`, and `entente merge`, which combines a set of
//! them into the folder the unsharded command writes (byte for byte, but
//! for timing.json). Every kind is written and merged here; the studies
//! themselves know nothing of shards.

pub mod calibrate;
pub mod checks;
pub mod compare;
pub mod folder;
pub mod merge;
pub mod run;
pub mod sweep;
