//! `entente run`: the whole run, or with `--shard K/N` one shard of it.

use entente::study::{self, options::RunOptions, Error};

pub fn execute(options: &RunOptions) -> Result<(), Error> {
    match options.shard {
        Some(shard) => entente::shard::run::execute(options, shard),
        None => study::run::execute(options),
    }
}
