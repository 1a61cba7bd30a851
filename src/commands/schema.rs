//! `entente schema`: print the JSON Schema of the scenario format, for
//! editors (see `crate::scenario::schema`).

use entente::scenario::schema::scenario_schema_text;
use entente::study::Error;

pub fn execute() -> Result<(), Error> {
    print!("{}", scenario_schema_text());
    Ok(())
}
