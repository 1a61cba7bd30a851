//! `entente schema`: print the JSON Schema of the scenario format, for
//! editors (see `crate::scenario::schema`).

use super::Error;
use crate::scenario::schema::scenario_schema_text;

pub fn execute() -> Result<(), Error> {
    print!("{}", scenario_schema_text());
    Ok(())
}
