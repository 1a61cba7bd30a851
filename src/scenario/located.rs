//! Values that remember where in which file they were written.
//!
//! The scenario is merged from several files before it is validated, so a
//! span alone is not enough: each value also carries the file it came from.

use std::cell::Cell;

use serde::{Deserialize, Deserializer};

use crate::diagnostic::{FileId, Location};

thread_local! {
    /// The file being deserialized on this thread. Set only for the duration
    /// of one `toml::from_str` call by [`with_file`]: serde offers no other
    /// way to hand context to a nested `Deserialize` impl.
    static CURRENT_FILE: Cell<FileId> = const { Cell::new(FileId(0)) };
}

/// Runs `parse` with every [`Located`] value it creates tagged with `file`.
pub fn with_file<R>(file: FileId, parse: impl FnOnce() -> R) -> R {
    let previous = CURRENT_FILE.with(|current| current.replace(file));
    let result = parse();
    CURRENT_FILE.with(|current| current.set(previous));
    result
}

#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    pub value: T,
    pub location: Location,
}

impl<T> Located<T> {
    pub fn new(value: T, location: Location) -> Self {
        Located { value, location }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Located<U> {
        Located {
            value: f(self.value),
            location: self.location,
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Located<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = toml::Spanned::<T>::deserialize(deserializer)?;
        let span = spanned.span();
        let file = CURRENT_FILE.with(Cell::get);
        Ok(Located {
            value: spanned.into_inner(),
            location: Location { file, span },
        })
    }
}
