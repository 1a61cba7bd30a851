//! `entente calibrate`: ABC-SMC against the scenario's `[[targets]]`.

use entente::study::{self, options::CalibrateOptions, Error};

pub fn execute(options: &CalibrateOptions) -> Result<(), Error> {
    study::calibrate::execute(options)
}
