//! Sweep and sensitivity shards: `merge` appends their rows in point
//! order to a store with the unsharded manifest.

use std::path::Path;

use super::checks::{check_set, check_shard, refuse, Member};
use crate::study::options::MergeOptions;
use crate::study::sweep::{command, folder, print_written, write_charts};
use crate::study::Error;
use crate::sweep::store::{read_rows, StoredRows};
use crate::sweep::Manifest;
use crate::sweep::SweepStore;

/// `entente merge` of `sweep --shard K/N` (or `sensitivity --shard K/N`) folders: checks that they are the
/// complete shards of one sweep, each once, and writes the unsharded
/// sweep's folder (manifest.json, sweep.csv, progress.json, charts) byte
/// for byte. Resumes like a sweep into a folder holding a part of it.
pub fn merge(args: &MergeOptions) -> Result<(), Error> {
    let mut shards = Vec::new();
    for dir in &args.dirs {
        let StoredRows {
            manifest,
            points_done: done,
            blocks,
        } = read_rows(dir).map_err(|e| {
            refuse(format!(
                "`{}` is not a sweep shard folder: {}",
                dir.display(),
                e.reason
            ))
        })?;
        let Some(part) = manifest.shard else {
            return Err(refuse(format!(
                "`{}` holds a whole sweep, not a shard of one",
                dir.display()
            )));
        };
        let shard = (part.shard, part.shards);
        check_shard(dir, shard, manifest.points, (part.first, part.end))?;
        let indices: Vec<u64> = blocks.iter().map(|(i, _)| *i).collect();
        if done != manifest.stored_points() || !indices.iter().copied().eq(part.first..part.end) {
            return Err(refuse(format!(
                "`{}` is unfinished: {done} of its {} points are done; finish it by running \
                 `entente {}` with `--shard {}/{}` again",
                dir.display(),
                manifest.stored_points(),
                command(&manifest.design),
                shard.0,
                shard.1
            )));
        }
        shards.push((dir.clone(), manifest, blocks));
    }
    let (_first_dir, first, _) = &shards[0];
    let whole = Manifest {
        shard: None,
        ..first.clone()
    };
    let shared = |m: &Manifest| {
        let mut value = serde_json::to_value(Manifest {
            shard: None,
            ..m.clone()
        })
        .expect("a manifest serialises");
        value["shards"] = m.shard.map_or(0, |s| s.shards).into();
        value.to_string()
    };
    let members: Vec<Member> = shards
        .iter()
        .map(|(dir, manifest, _)| Member {
            dir,
            index: manifest.shard.map_or(0, |s| s.shard),
            shared: shared(manifest),
        })
        .collect();
    let count = first.shard.map_or(0, |s| s.shards);
    check_set(
        "sweeps",
        &members,
        (count, &whole.tool_version),
        &format!(
            "the {} points of the sweep of `{}`",
            whole.points, whole.scenario
        ),
    )?;
    shards.sort_by_key(|(_, m, _)| m.shard.map_or(0, |s| s.shard));

    let out = args
        .out
        .clone()
        .unwrap_or_else(|| folder(Path::new("output"), &mut whole.clone(), None));
    let mut store = SweepStore::open(&out, &whole, args.claim())?;
    let done = store.points_done();
    let rows: String = shards
        .iter()
        .flat_map(|(_, _, blocks)| blocks)
        .filter(|(index, _)| *index >= done)
        .map(|(_, rows)| rows.as_str())
        .collect();
    store.append_points(&rows, whole.points - done)?;
    // A sensitivity design's indices need its options (method, ranges,
    // bootstrap, outcome): `entente sensitivity` computes them from the
    // complete folder, as when it resumes one.
    let sensitivity = crate::sweep::is_sensitivity_design(&whole.design);
    let charts = if sensitivity {
        Vec::new()
    } else {
        write_charts(&store, args.outcome.as_deref(), args.charts.size)?
    };
    if !args.quiet {
        println!(
            "merged {count} shards of the {} of `{}` ({} points, seed {})",
            if sensitivity { &whole.design } else { "sweep" },
            whole.scenario,
            whole.points,
            whole.seed
        );
        print_written(&store, &charts);
        if sensitivity {
            let parent = out
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let expected = folder(parent, &mut whole.clone(), None);
            let rename = if expected == out {
                String::new()
            } else {
                format!(
                    " after renaming `{}` to `{}`",
                    out.display(),
                    expected.display()
                )
            };
            println!(
                "now run the same `entente sensitivity` command without --shard, with --out {}{rename}, \
                 to compute the indices from these points (it runs none)",
                parent.display()
            );
        }
    }
    Ok(())
}
