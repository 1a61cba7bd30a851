//! `entente report DIR...`: briefing.html from result folders written by
//! `entente run`, with the charts redrawn from the folders and, for two
//! folders or more, the comparison with the first.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use super::Error;
use crate::chart::{self, fan, Figure};
use crate::diagnostic::Problem;
use crate::html::briefing::{self, BriefingInput};
use crate::html::page;
use crate::output::files::write_whole;
use crate::output::lock::{FolderLock, Mode};
use crate::output::OutputError;
use crate::results::folder::RunResults;
use crate::study::options::{BriefingOptions, ChartOptions, ReportOptions};

pub fn execute(args: &ReportOptions) -> Result<(), Error> {
    check_words(&args.briefing)?;
    let _reading = args
        .dirs
        .iter()
        .map(|dir| FolderLock::acquire(dir, Mode::Shared, args.wait))
        .collect::<Result<Vec<_>, _>>()?;
    let results = args
        .dirs
        .iter()
        .map(|dir| RunResults::load(dir))
        .collect::<Result<Vec<_>, _>>()?;
    for r in &results {
        let ids: Vec<String> = r.summary.actors.iter().map(|a| a.id.clone()).collect();
        fan::check_dyads(&r.summary.scenario, &ids, &args.charts.dyads).map_err(Error::Usage)?;
    }
    let target = match &args.out {
        Some(file) => file.clone(),
        None => default_target(&args.dirs)?,
    };
    let _writing = lock_target_folder(&target, &args.dirs, args.wait)?;
    let replacing = check_target(&target, args.force)?;
    let figures = results
        .iter()
        .map(|r| run_figures(r, &args.charts))
        .collect::<Result<Vec<_>, _>>()?;
    if !args.quiet {
        results.iter().for_each(note_missing_trajectories);
    }
    let summaries = results.into_iter().map(|r| r.summary).collect();
    let mut input = BriefingInput::new(summaries, figures);
    input.reword(
        args.briefing.title.as_deref(),
        args.briefing.question.as_deref(),
    );
    let html = briefing::html(&input);
    write_whole(&target, html.as_bytes())?;
    if !args.quiet {
        if replacing {
            println!(
                "replaced {} (a briefing entente wrote earlier)",
                target.display()
            );
        } else {
            println!("wrote {}", target.display());
        }
    }
    Ok(())
}

/// The exclusive lock on the folder the briefing goes to, unless it is a
/// folder read, already held shared: the briefing is written whole, so a
/// shared lock, which keeps writers of the folder out, is enough there (and
/// a second lock on one file would exclude the first).
fn lock_target_folder(
    target: &Path,
    dirs: &[PathBuf],
    wait: bool,
) -> Result<Option<FolderLock>, Error> {
    let folder = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let canonical = fs::canonicalize(folder).ok();
    if canonical.is_some()
        && dirs
            .iter()
            .any(|dir| fs::canonicalize(dir).ok() == canonical)
    {
        return Ok(None);
    }
    Ok(Some(FolderLock::acquire(folder, Mode::Exclusive, wait)?))
}

/// Refuses a `--title` or `--question` with nothing to show.
pub(crate) fn check_words(words: &BriefingOptions) -> Result<(), Error> {
    for (flag, text) in [("--title", &words.title), ("--question", &words.question)] {
        if text.as_ref().is_some_and(|t| t.trim().is_empty()) {
            return Err(Error::Usage(
                Problem::new(format!("{flag} is empty")).with_help(format!(
                    "give the words to print, or leave {flag} out for the default"
                )),
            ));
        }
    }
    Ok(())
}

/// One run's charts, with the dyads asked for or the triangles' edges;
/// `entente run` draws them through here too, so both draw the same.
pub(crate) fn run_figures(
    results: &RunResults,
    charts: &ChartOptions,
) -> Result<Vec<Figure>, Error> {
    let dyads = if charts.dyads.is_empty() {
        fan::default_dyads(results)
    } else {
        charts.dyads.clone()
    };
    Ok(chart::run_figures(results, &dyads, charts.size)?)
}

/// Says on stderr which charts a folder without trajectories lacks.
pub(crate) fn note_missing_trajectories(results: &RunResults) {
    if results.series.is_empty() {
        eprintln!(
            "note: {}: no trajectories were recorded (--trajectories none), so the relations, \
             drivers and network charts are left out",
            results.summary.scenario
        );
    }
}

/// Whether `path` may be written, and whether that replaces a briefing:
/// an absent file may be; one entente wrote may be replaced; anything else
/// only with `force`.
pub(crate) fn check_target(path: &Path, force: bool) -> Result<bool, Error> {
    let text = match fs::read(path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(false),
        Err(source) => {
            return Err(Error::Output(OutputError::Io {
                path: path.to_path_buf(),
                source,
            }))
        }
    };
    if force || page::written_by_entente(&text) {
        return Ok(true);
    }
    Err(Error::Usage(
        Problem::new(format!(
            "`{}` exists and was not written by entente; it is left as it is",
            path.display()
        ))
        .with_help("pass --force to replace it, or --out to write the briefing elsewhere"),
    ))
}

/// DIR/briefing.html for one folder; for several, briefing.html in the
/// deepest folder that holds them all.
fn default_target(dirs: &[PathBuf]) -> Result<PathBuf, Error> {
    if let [dir] = dirs {
        return Ok(dir.join(briefing::FILE));
    }
    let mut common: Option<PathBuf> = None;
    for dir in dirs {
        let full = fs::canonicalize(dir).map_err(|source| OutputError::Io {
            path: dir.clone(),
            source,
        })?;
        common = Some(match common {
            None => full,
            Some(sofar) => sofar
                .components()
                .zip(full.components())
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect(),
        });
    }
    Ok(common.unwrap_or_default().join(briefing::FILE))
}
