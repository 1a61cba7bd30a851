//! `entente landscape`: the minima of a landscape read from two CSV files.

use std::path::Path;

use entente::outcome::landscape::text;
use entente::study::Error;

pub fn execute(sizes: &Path, propensity: &Path, offset: f64) -> Result<(), Error> {
    print!("{}", text::execute(sizes, propensity, offset)?);
    Ok(())
}
