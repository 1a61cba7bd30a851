//! Scenario files: loading (with `extends` overlays), validation, and the
//! checked [`Scenario`] the rest of the crate works from.

pub mod distribution;
pub mod located;
pub mod merge;
pub mod path;
pub mod raw;
pub mod validate;

use std::path::{Path, PathBuf};

use rand::Rng;
use sha2::{Digest, Sha256};

use crate::diagnostic::{nearest, Diagnostic, FileId, Location, Report, SourceMap};
use crate::model::{ParamPath, Params, Structure};
use crate::outcome::custom::CustomOutcome;
use distribution::Distribution;
use located::{with_file, Located};
use path::PathNames;
use raw::RawScenario;
pub use validate::RangeClamp;

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
    pub triangles: Vec<[usize; 3]>,
    pub outcomes: Vec<CustomOutcome>,
    pub structure: Structure,
    pub base: Params,
    pub uncertain: Vec<Uncertain>,
    /// The file given first, then the files it extends.
    pub sources: Vec<SourceInfo>,
}

impl Scenario {
    /// The parameters of one run: the base values with every uncertain
    /// parameter drawn, in declaration order, from `rng`.
    pub fn sample_params<R: Rng + ?Sized>(&self, rng: &mut R) -> Params {
        let mut params = self.base.clone();
        for u in &self.uncertain {
            params.set(u.path, u.clamp.apply(u.distribution.sample(rng)));
        }
        params
    }

    pub fn path_names(&self) -> PathNames<'_> {
        PathNames {
            actors: &self.actor_ids,
            identity: &self.identity_names,
            events: &self.event_names,
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

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads, merges and validates one scenario file and the files it extends.
pub fn load(path: &Path) -> Result<Scenario, Report> {
    let mut sources = SourceMap::default();
    let mut chain = Vec::new();
    let loaded = load_raw(path, None, &mut sources, &mut chain);
    let result = loaded.and_then(|(raw, first_file)| {
        let start = Location {
            file: first_file,
            span: 0..0,
        };
        validate::validate(raw, start)
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
        Err(diagnostics) => Err(Report {
            diagnostics,
            sources,
        }),
    }
}

/// Reads a TOML scenario from a string (for examples and tests); `name`
/// stands for the file name in messages. `extends` is not allowed here.
pub fn from_str(name: &str, text: &str) -> Result<Scenario, Report> {
    let mut sources = SourceMap::default();
    let file = sources.add(PathBuf::from(name), text.to_string());
    let result = parse(&sources, file).and_then(|raw| {
        if let Some(extends) = &raw.extends {
            return Err(vec![Diagnostic::new(
                "`extends` needs a scenario read from a file",
            )
            .at(extends.location.clone())
            .with_help("load the scenario with `scenario::load`")]);
        }
        validate::validate(raw, Location { file, span: 0..0 })
    });
    result.map_err(|diagnostics| Report {
        diagnostics,
        sources,
    })
}

fn load_raw(
    path: &Path,
    extended_from: Option<&Located<String>>,
    sources: &mut SourceMap,
    chain: &mut Vec<PathBuf>,
) -> Result<(RawScenario, FileId), Vec<Diagnostic>> {
    let located_error = |message: String, help: &str| {
        let diagnostic = Diagnostic::new(message).with_help(help);
        vec![match extended_from {
            Some(at) => diagnostic.at(at.location.clone()),
            None => diagnostic.in_file(path),
        }]
    };
    let canonical = path.canonicalize().map_err(|e| {
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
    let bytes = std::fs::read(path).map_err(|e| {
        located_error(
            format!(
                "cannot read scenario file `{}`: {}",
                path.display(),
                io_reason(&e)
            ),
            "check the path and its permissions",
        )
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        located_error(
            format!(
                "`{}` is not UTF-8 text (invalid byte at offset {})",
                path.display(),
                e.utf8_error().valid_up_to()
            ),
            "scenario files are TOML text; save the file as UTF-8",
        )
    })?;
    let file = sources.add(path.to_path_buf(), text);
    let raw = parse(sources, file)?;
    let Some(extends) = raw.extends.clone() else {
        return Ok((raw, file));
    };
    chain.push(canonical);
    let base_path = path.parent().unwrap_or(Path::new(".")).join(&extends.value);
    let (base, _) = load_raw(&base_path, Some(&extends), sources, chain)?;
    chain.pop();
    Ok((merge::overlay(base, raw), file))
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
    with_file(file, || toml::from_str::<RawScenario>(text)).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        vec![toml_diagnostic(
            e.message(),
            &text[span.start.min(text.len())..span.end.min(text.len())],
        )
        .at(Location { file, span })]
    })
}

fn toml_diagnostic(message: &str, _at: &str) -> Diagnostic {
    let message = message.trim();
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
    if message.starts_with("invalid type") {
        return Diagnostic::new(message.to_string())
            .with_help("check the value's type: numbers unquoted, text in quotes, lists in [ ]");
    }
    Diagnostic::new(format!("invalid TOML: {message}"))
        .with_help("see https://toml.io for the syntax")
}
