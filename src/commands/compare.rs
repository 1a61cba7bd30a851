//! `entente compare`: the whole comparison, or with `--shard K/N` one
//! shard of it.

use entente::study::{self, options::CompareOptions, Error};

pub fn execute(options: &CompareOptions) -> Result<(), Error> {
    match options.shard {
        Some(shard) => entente::shard::compare::execute(options, shard),
        None => study::compare::execute(options),
    }
}
