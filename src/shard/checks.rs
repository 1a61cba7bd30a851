//! Checks a set of shard folders must pass before it is merged: one
//! study, one version, each shard's range its share, and every shard
//! given exactly once.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostic::Problem;
use crate::output::files::differences;
use crate::runner::shard::Shard;
use crate::study::Error;
use crate::VERSION;

/// A refusal to merge: the user's input, exit code 2.
pub(super) fn refuse(message: String) -> Error {
    Error::Usage(Problem::new(message))
}

/// Refuses shards written by another version of entente.
pub(super) fn check_version(version: &str) -> Result<(), Error> {
    if version == VERSION {
        return Ok(());
    }
    Err(refuse(format!(
        "the shards were written by entente {version}, this is {VERSION}: merge them with the version that ran them"
    )))
}

/// Refuses a shard `index` of `count` whose range is not its share of `total`.
pub(super) fn check_shard(
    dir: &Path,
    (index, count): (u64, u64),
    total: u64,
    range: (u64, u64),
) -> Result<(), Error> {
    if index == 0 || index > count || (Shard { index, count }).range(total) != range {
        return Err(refuse(format!(
            "`{}` describes an impossible shard",
            dir.display()
        )));
    }
    Ok(())
}

/// Checks that shards 1..=`count` are each given once; otherwise names the
/// doubled (with their folders) and the missing ones.
pub(super) fn cover_once(shards: &[(&Path, u64)], count: u64) -> Result<(), String> {
    let mut seen: BTreeMap<u64, Vec<&Path>> = BTreeMap::new();
    for (dir, index) in shards {
        seen.entry(*index).or_default().push(dir);
    }
    let twice: Vec<String> = seen
        .iter()
        .filter(|(_, dirs)| dirs.len() > 1)
        .map(|(k, dirs)| {
            let dirs: Vec<String> = dirs.iter().map(|d| format!("`{}`", d.display())).collect();
            format!("shard {k}/{count} ({})", dirs.join(", "))
        })
        .collect();
    let missing: Vec<String> = (1..=count)
        .filter(|k| !seen.contains_key(k))
        .map(|k| format!("{k}/{count}"))
        .collect();
    let mut problems = Vec::new();
    if !twice.is_empty() {
        problems.push(format!("given twice: {}", twice.join("; ")));
    }
    if !missing.is_empty() {
        problems.push(format!("missing: shard {}", missing.join(", ")));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// One folder of a set of shards, as [`check_set`] sees it.
pub(super) struct Member<'a> {
    pub dir: &'a Path,
    /// Which shard it is, 1-based.
    pub index: u64,
    /// JSON of what every shard of the study must share: the study itself
    /// and the number of shards.
    pub shared: String,
}

/// The one check of a set of shards of any kind: they come from one of
/// the `studies` (`studies`, `comparisons`, `sweeps`), written by this version,
/// and are each of its `count` shards once; `covered` names what they
/// split ("the 300 runs of `baseline-2016`").
pub(super) fn check_set(
    studies: &str,
    members: &[Member],
    (count, version): (u64, &str),
    covered: &str,
) -> Result<(), Error> {
    let first = &members[0];
    if let Some(other) = members[1..].iter().find(|m| m.shared != first.shared) {
        return Err(refuse(format!(
            "`{}` and `{}` come from different {studies} (they differ in {})",
            first.dir.display(),
            other.dir.display(),
            differences(
                &first.shared,
                &other.shared,
                ["in the first", "in the second"]
            )
        )));
    }
    check_version(version)?;
    let indices: Vec<(&Path, u64)> = members.iter().map(|m| (m.dir, m.index)).collect();
    cover_once(&indices, count).map_err(|problems| {
        refuse(format!(
            "the shards do not cover {covered} exactly once; {problems}"
        ))
    })
}
