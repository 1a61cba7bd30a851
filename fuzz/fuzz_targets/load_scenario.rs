//! Loads and validates arbitrary bytes as a scenario, overlays included.
//! See `entente::fuzzing` for how the input becomes files.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    entente::fuzzing::exercise(data);
});
