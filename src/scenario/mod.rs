//! Scenario files: loading (with `extends` overlays), validation, and the
//! checked [`Scenario`] the rest of the crate works from.

pub mod describe;
pub mod distribution;
pub mod located;
pub mod overlay;
pub mod path;
pub mod posterior;
pub mod raw;
pub mod schema;
pub mod series;
pub mod validate;

use std::ops::Range;
use std::path::{Path, PathBuf};

use rand::Rng;
use sha2::{Digest, Sha256};

use crate::diagnostic::{
    nearest, read_capped, Diagnostic, Diagnostics, FileId, Location, SourceMap, MAX_FILE_BYTES,
};
use crate::model::{ParamPath, Params, Structure};
use crate::outcome::custom::CustomOutcome;
use distribution::Distribution;
use located::{with_file, Located};
use path::PathNames;
use raw::RawScenario;
pub use validate::targets::{series_names, Quantity, SeriesMean, Target, INTERVAL_90_WIDTH};
use validate::PosteriorInput;
pub use validate::{sweep_param, ParamProblem, RangeClamp, SweepConfig, SweepParam};

/// A parameter that each run samples from a distribution.
#[derive(Debug, Clone, PartialEq)]
pub struct Uncertain {
    pub path: ParamPath,
    /// The path as the analyst writes it, e.g. `weights.identity`.
    pub name: String,
    pub distribution: Distribution,
    pub low: f64,
    pub high: f64,
    pub clamp: RangeClamp,
}

/// A file the scenario was read from, for provenance.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceInfo {
    pub path: PathBuf,
    pub sha256: String,
}

/// A checked scenario: structure, base parameters, and the distributions
/// each run samples.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub title: String,
    pub description: String,
    /// The hypothesis and the policy in a few words (empty when not said).
    pub hypothesis: String,
    pub policy: String,
    pub ticks: u32,
    pub runs: u64,
    pub seed: u64,
    /// Outcomes are read on the mean relation over the last `window` ticks.
    pub window: u32,
    /// Amity above `threshold`, enmity below `-threshold`.
    pub threshold: f64,
    pub actor_ids: Vec<String>,
    pub actor_names: Vec<String>,
    pub identity_names: Vec<String>,
    pub event_names: Vec<Option<String>>,
    /// The `[[institutions]]`' names, in file order.
    pub institution_names: Vec<String>,
    pub triangles: Vec<[usize; 3]>,
    pub outcomes: Vec<CustomOutcome>,
    pub structure: Structure,
    pub base: Params,
    pub uncertain: Vec<Uncertain>,
    /// The valid range of each parameter, as validation checked it.
    pub valid_ranges: Vec<(ParamPath, RangeClamp)>,
    /// The `[sweep]` table, if the file has one.
    pub sweep: Option<SweepConfig>,
    /// The `[[targets]]` `entente calibrate` fits to, in file order.
    pub targets: Vec<Target>,
    /// The file given first, then the files it extends.
    pub sources: Vec<SourceInfo>,
}

impl Scenario {
    /// What each run of this scenario is classified by, in report order.
    pub fn classifiers(&self) -> crate::outcome::Classifiers {
        crate::outcome::Classifiers::new(
            &self.actor_ids,
            &self.triangles,
            &self.outcomes,
            self.threshold,
        )
    }

    /// The parameters of one run: the base values with every uncertain
    /// parameter drawn, in declaration order, from `rng`. The parameters
    /// drawn from the `[posterior]` share one row, drawn where the first of
    /// them comes in that order.
    pub fn sample_params<R: Rng + ?Sized>(&self, rng: &mut R) -> Params {
        let mut params = self.base.clone();
        let mut posterior_row = None;
        for u in &self.uncertain {
            let x = u.distribution.sample_joint(rng, &mut posterior_row);
            params.set(u.path, u.clamp.apply(x));
        }
        params
    }

    /// The valid range of the parameter at `path`, as validation checked it.
    pub fn valid_range(&self, path: ParamPath) -> Option<RangeClamp> {
        self.valid_ranges
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, range)| *range)
    }

    pub fn path_names(&self) -> PathNames<'_> {
        PathNames {
            actors: &self.actor_ids,
            identity: &self.identity_names,
            events: &self.event_names,
            institutions: &self.institution_names,
            price_points: self.base.energy_price.len(),
        }
    }

    /// SHA-256 over the sources' hashes, identifying the scenario's inputs.
    pub fn hash(&self) -> String {
        let mut hasher = Sha256::new();
        for source in &self.sources {
            hasher.update(source.sha256.as_bytes());
        }
        hex(&hasher.finalize())
    }
}

/// Lower-case hexadecimal, as digests are written in every JSON file.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads, merges and validates one scenario file and the files it extends.
pub fn load(path: &Path) -> Result<Scenario, Diagnostics> {
    load_with(path, &mut read_file)
}

/// [`load`] with the files supplied by `read`, which returns a file's
/// identity (for cycle detection; the canonical path on disk) and its first
/// bytes, at most `MAX_FILE_BYTES + 1` of them. Tests and the fuzzer read
/// from memory through it.
pub fn load_with(path: &Path, read: &mut FileReader) -> Result<Scenario, Diagnostics> {
    let mut sources = SourceMap::default();
    let mut chain = Vec::new();
    let loaded = load_raw(path, None, &mut sources, &mut chain, read);
    let result = loaded.and_then(|(raw, first_file)| {
        let start = Location {
            file: first_file,
            span: 0..0,
        };
        // The posterior's file is read now, while the reader is at hand;
        // its errors come first, then the rest of the scenario's.
        let posterior = raw
            .posterior
            .as_ref()
            .map(|table| posterior::load(table, &mut sources, read));
        match posterior {
            None => validate::validate(raw, start, PosteriorInput::Absent),
            Some(Ok(file)) => validate::validate(raw, start, PosteriorInput::Read(&file)),
            Some(Err(mut errors)) => {
                let rest = validate::validate(raw, start, PosteriorInput::Unreadable);
                errors.extend(rest.err().unwrap_or_default());
                Err(errors)
            }
        }
    });
    match result {
        Ok(mut scenario) => {
            scenario.sources = sources
                .files()
                .map(|f| SourceInfo {
                    path: f.path.clone(),
                    sha256: hex(&Sha256::digest(f.text.as_bytes())),
                })
                .collect();
            Ok(scenario)
        }
        Err(diagnostics) => Err(Diagnostics {
            diagnostics,
            sources,
        }),
    }
}

/// Reads a scenario file for [`load_with`]: `(identity, bytes)`.
pub type FileReader<'a> = dyn FnMut(&Path) -> std::io::Result<(PathBuf, Vec<u8>)> + 'a;

/// The file system reader: the canonical path, and at most one byte more
/// than the limit (so that a special file such as `/dev/zero` ends too).
fn read_file(path: &Path) -> std::io::Result<(PathBuf, Vec<u8>)> {
    Ok((path.canonicalize()?, read_capped(path)?))
}

/// Reads a TOML scenario from a string (for examples and tests); `name`
/// stands for the file name in messages. `extends` is not allowed here.
pub fn from_str(name: &str, text: &str) -> Result<Scenario, Diagnostics> {
    let mut sources = SourceMap::default();
    let file = sources.add(PathBuf::from(name), text.to_string());
    let result = parse(&sources, file).and_then(|raw| {
        let from_files = [
            ("`extends`", raw.extends.as_ref().map(|e| &e.location)),
            ("`[posterior]`", raw.posterior.as_ref().map(|p| &p.location)),
        ];
        for (what, at) in from_files {
            if let Some(at) = at {
                return Err(vec![Diagnostic::new(format!(
                    "{what} needs a scenario read from a file"
                ))
                .at(at.clone())
                .with_help("load the scenario with `scenario::load`")]);
            }
        }
        validate::validate(raw, Location { file, span: 0..0 }, PosteriorInput::Absent)
    });
    result.map_err(|diagnostics| Diagnostics {
        diagnostics,
        sources,
    })
}

fn load_raw(
    path: &Path,
    extended_from: Option<&Located<raw::Extends>>,
    sources: &mut SourceMap,
    chain: &mut Vec<PathBuf>,
    read: &mut FileReader,
) -> Result<(RawScenario, FileId), Vec<Diagnostic>> {
    let located_error = |message: String, help: &str| {
        let diagnostic = Diagnostic::new(message).with_help(help);
        vec![match extended_from {
            Some(at) => diagnostic.at(at.location.clone()),
            None => diagnostic.in_file(path),
        }]
    };
    let (canonical, bytes) = read(path).map_err(|e| {
        located_error(
            format!(
                "cannot read scenario file `{}`: {}",
                path.display(),
                io_reason(&e)
            ),
            "check the path; `extends` paths are relative to the file that names them",
        )
    })?;
    if let Some(position) = chain.iter().position(|p| *p == canonical) {
        let cycle: Vec<String> = chain[position..]
            .iter()
            .chain(std::iter::once(&canonical))
            .map(|p| {
                p.file_name().map_or_else(
                    || p.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                )
            })
            .collect();
        return Err(located_error(
            format!("`extends` cycle: {}", cycle.join(" -> ")),
            "a scenario cannot extend itself, directly or through other files",
        ));
    }
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(located_error(
            format!(
                "`{}` is larger than {} MB, too large for a scenario file",
                path.display(),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
            "scenario files are a few kilobytes of TOML; check that this is the file you meant",
        ));
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            // Point at the first bad byte: keep the file, decoded lossily so
            // that its line can be quoted, and underline the replacement
            // character that stands for the byte (the text before it is
            // unchanged, so the offset still holds).
            let offset = e.utf8_error().valid_up_to();
            let byte = e.as_bytes()[offset];
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let file = sources.add(path.to_path_buf(), lossy);
            return Err(vec![Diagnostic::new(format!(
                "`{}` is not UTF-8 text: invalid byte 0x{byte:02x}",
                path.display()
            ))
            .at(Location {
                file,
                span: offset..offset + char::REPLACEMENT_CHARACTER.len_utf8(),
            })
            .with_help(
                "scenario files are TOML text; save the file as UTF-8 \
                 (it may be in Latin-1 or Windows-1252)",
            )]);
        }
    };
    let file = sources.add(path.to_path_buf(), text);
    let raw = parse(sources, file)?;
    let Some(extends) = raw.extends.clone() else {
        return Ok((raw, file));
    };
    chain.push(canonical);
    let mut merged: Option<RawScenario> = None;
    for base in &extends.value.0 {
        let base_path = path.parent().unwrap_or(Path::new(".")).join(base);
        let (base, _) = load_raw(&base_path, Some(&extends), sources, chain, read)?;
        merged = Some(match merged {
            None => base,
            Some(below) => overlay::overlay(below, base),
        });
    }
    chain.pop();
    Ok(match merged {
        Some(base) => (overlay::overlay(base, raw), file),
        None => (raw, file),
    })
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// Parses one file's TOML into the raw form, turning serde's messages into
/// located diagnostics with a suggestion for misspelt keys.
fn parse(sources: &SourceMap, file: FileId) -> Result<RawScenario, Vec<Diagnostic>> {
    let text = &sources.get(file).text;
    let located = |e: toml::de::Error, syntax: bool| {
        let span = e.span().unwrap_or(0..0);
        let span = span.start.min(text.len())..span.end.min(text.len());
        vec![toml_diagnostic(e.message(), text, &span, syntax).at(Location { file, span })]
    };
    // toml reports syntax errors and errors against the scenario's schema
    // alike; checking the syntax on its own first tells them apart, so that
    // only real syntax errors send the analyst to the TOML specification.
    if let Err(e) = toml::from_str::<toml::Table>(text) {
        return Err(located(e, true));
    }
    with_file(file, || toml::from_str::<RawScenario>(text)).map_err(|e| located(e, false))
}

const DISTRIBUTION_FORMS: &str =
    "distributions: { uniform = [low, high] }, { normal = [mean, sd] }, \
     { triangular = [low, mode, high] }, { choice = [a, b, ...] }, \
     { posterior = \"column\" } (with a [posterior] table)";

fn toml_diagnostic(message: &str, text: &str, span: &Range<usize>, syntax: bool) -> Diagnostic {
    let message = message.trim();
    let at = text.get(span.clone()).unwrap_or_default();
    if syntax {
        // toml's message does not say which key.
        if message.starts_with("duplicate key") {
            return Diagnostic::new(format!("duplicate key `{at}`"))
                .with_help("a key may appear once in each table; remove one of the two");
        }
        if message.contains(" as i128,") {
            // toml reads integers beyond i64 as i128, then fails to store them.
            return Diagnostic::new(format!("`{at}` is too large for a whole number"))
                .with_help(format!("whole numbers go up to {}", i64::MAX));
        }
        return Diagnostic::new(format!("invalid TOML: {message}"))
            .with_help("see https://toml.io for the syntax");
    }
    if let Some(rest) = message.strip_prefix("unknown field `") {
        if let Some((key, expected)) = rest.split_once('`') {
            let valid: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
            let suggestion = nearest(key, valid.iter().copied())
                .map(|n| format!("did you mean `{n}`? "))
                .unwrap_or_default();
            let help = if valid.is_empty() {
                "this table takes no keys".to_string()
            } else {
                format!("{suggestion}valid keys here: {}", valid.join(", "))
            };
            return Diagnostic::new(format!("unknown key `{key}`")).with_help(help);
        }
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or(rest);
        return Diagnostic::new(format!("missing required key `{key}`"))
            .with_help(format!("add `{key} = ...`"));
    }
    if let Some((found, expected)) = message
        .strip_prefix("invalid type: ")
        .and_then(|rest| rest.split_once(", expected "))
    {
        // A `[table]` header where a list of `[[tables]]` belongs.
        let header = at
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']'))
            .filter(|key| !key.starts_with('['));
        if let (Some(key), true) = (header, found == "map" && expected == "a sequence") {
            return Diagnostic::new(format!("`[{key}]` should be a list of tables")).with_help(
                format!("write `[[{key}]]`, with double brackets, before each entry"),
            );
        }
        return type_diagnostic(found, expected, key_before(text, span.start));
    }
    // Our own messages (bad distributions), which say what would be right.
    let diagnostic = Diagnostic::new(message.to_string());
    if at.starts_with('{') {
        diagnostic.with_help(DISTRIBUTION_FORMS)
    } else {
        diagnostic
    }
}

/// A value of the wrong type, in the analyst's words rather than serde's
/// (`expected i64`, `expected a sequence`).
fn type_diagnostic(found: &str, expected: &str, key: Option<&str>) -> Diagnostic {
    let distribution = expected.starts_with("a number or a distribution");
    let expected = match expected {
        "i64" | "u64" | "i32" | "u32" => "a whole number",
        "f64" | "f32" => "a number",
        "a string" => "text in quotes",
        "a sequence" => "a list in [ ]",
        "a map" => "a table",
        _ if expected.starts_with("struct ") => "a table",
        _ if distribution => "a number or a distribution",
        other => other,
    };
    let message = match key {
        Some(key) => format!("`{key}` should be {expected}, found {found}"),
        None => format!("expected {expected}, found {found}"),
    };
    let quoted_number = found
        .strip_prefix("string \"")
        .and_then(|s| s.strip_suffix('"'))
        .filter(|s| s.parse::<f64>().is_ok());
    let help = match (quoted_number, expected) {
        (Some(number), "a whole number" | "a number" | "a number or a distribution") => {
            format!("remove the quotes: {} = {number}", key.unwrap_or("key"))
        }
        _ if distribution => {
            format!("write a number, e.g. 0.5, or a distribution; {DISTRIBUTION_FORMS}")
        }
        _ => "numbers are written without quotes, text in quotes, lists in [ ], tables in { }"
            .to_string(),
    };
    Diagnostic::new(message).with_help(help)
}

/// The key a value is assigned to (`ticks` in `ticks = "24"`), read from the
/// text before the value on its line; `None` inside a list.
fn key_before(text: &str, start: usize) -> Option<&str> {
    let before = text.get(..start)?;
    let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
    let lhs = line.trim_end().strip_suffix('=')?.trim_end();
    let is_key = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    let key_start = lhs
        .char_indices()
        .rev()
        .find(|(_, c)| !is_key(*c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    Some(&lhs[key_start..]).filter(|key| !key.is_empty())
}
