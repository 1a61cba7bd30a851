//! `[posterior]`: a weighted sample, such as the `posterior.csv` that
//! `entente calibrate` writes, which parameters written
//! `{ posterior = "column" }` draw from jointly. Each run draws one row by
//! weight, and every such parameter takes its column's value in that row,
//! so the correlations between them are kept.
//!
//! The file is read when the scenario is loaded, relative to the file that
//! names it, and added to the source map: its errors quote its lines, and
//! its hash is part of the scenario's.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use super::distribution::PosteriorRows;
use super::located::Located;
use super::raw::RawPosterior;
use super::{io_reason, FileReader};
use crate::diagnostic::{nearest, Diagnostic, FileId, Location, SourceMap, MAX_FILE_BYTES};
use crate::format::csv::{self, Cell, Record};

/// The columns of a posterior file that are not parameters: those
/// `entente calibrate` writes besides the parameters' own.
pub const RESERVED_COLUMNS: [&str; 4] = ["generation", "particle", "weight", "distance"];

/// The rows of a `[posterior]` file's generation, with their cells, from
/// which validation takes the columns that parameters name.
#[derive(Debug)]
pub struct PosteriorFile {
    file: FileId,
    /// The file as the scenario names it.
    pub name: String,
    /// The `[posterior]` table.
    pub declared_at: Location,
    pub rows: Arc<PosteriorRows>,
    header: Vec<Cell>,
    /// The rows of the chosen generation.
    records: Vec<Record>,
}

impl PosteriorFile {
    /// The values of `column` in the rows, each located at its cell; refused
    /// (at `at`, the `{ posterior = ... }` that names it) when the file has
    /// no such parameter column, or at the first cell that is not a number.
    pub fn column(&self, column: &str, at: &Location) -> Result<Vec<Located<f64>>, Diagnostic> {
        let parameters = || {
            self.header
                .iter()
                .map(|c| c.text.as_str())
                .filter(|c| !RESERVED_COLUMNS.contains(c))
        };
        let Some(index) = self
            .header
            .iter()
            .position(|c| c.text == column && !RESERVED_COLUMNS.contains(&column))
        else {
            let hint = nearest(column, parameters())
                .map(|n| format!("did you mean `{n}`? "))
                .unwrap_or_default();
            let list: Vec<&str> = parameters().collect();
            return Err(Diagnostic::new(format!(
                "`{column}` is not a parameter column of `{}`",
                self.name
            ))
            .at(at.clone())
            .with_help(if list.is_empty() {
                format!("`{}` has no parameter columns", self.name)
            } else {
                format!("{hint}its parameter columns: {}", list.join(", "))
            }));
        };
        self.records
            .iter()
            .map(|record| {
                let cell = &record.cells[index];
                let value = cell.text.parse::<f64>().ok().filter(|x| x.is_finite());
                value
                    .map(|x| Located::new(x, self.at(cell)))
                    .ok_or_else(|| {
                        Diagnostic::new(format!(
                            "`{}` in column `{column}` of `{}` is not a finite number",
                            cell.text, self.name
                        ))
                        .at(self.at(cell))
                        .with_help("a posterior file holds numbers, one row per particle")
                    })
            })
            .collect()
    }

    fn at(&self, cell: &Cell) -> Location {
        cell_location(self.file, cell)
    }
}

fn cell_location(file: FileId, cell: &Cell) -> Location {
    Location {
        file,
        span: cell.offset..cell.offset + cell.text.len(),
    }
}

/// Reads the file a `[posterior]` table names, checks its weights and
/// generations, and keeps the rows of the generation asked for (default:
/// the file's last). `file` is relative to the scenario file that names it.
pub fn load(
    table: &Located<RawPosterior>,
    sources: &mut SourceMap,
    read: &mut FileReader,
) -> Result<PosteriorFile, Vec<Diagnostic>> {
    let error = |at: &Location, message: String, help: String| {
        vec![Diagnostic::new(message).at(at.clone()).with_help(help)]
    };
    let Some(file_key) = &table.value.file else {
        return Err(error(
            &table.location,
            "missing required key `file` in [posterior]".to_string(),
            "add `file = \"posterior.csv\"`, the path of the posterior's CSV file, \
             relative to this file"
                .to_string(),
        ));
    };
    let name = file_key.value.clone();
    let declaring = sources.get(file_key.location.file).path.clone();
    let path = declaring.parent().unwrap_or(Path::new(".")).join(&name);
    let unreadable = |reason: String| {
        error(
            &file_key.location,
            format!("cannot read posterior file `{name}`: {reason}"),
            format!(
                "`file` is relative to the file that names it ({}); \
                 `entente calibrate` writes posterior.csv next to posterior.toml",
                declaring.display()
            ),
        )
    };
    let (_, bytes) = read(&path).map_err(|e| unreadable(io_reason(&e)))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(unreadable(format!(
            "larger than {} MB",
            MAX_FILE_BYTES / (1024 * 1024)
        )));
    }
    let text = String::from_utf8(bytes).map_err(|_| unreadable("not UTF-8 text".to_string()))?;
    let file = sources.add(path, text);
    let text = &sources.get(file).text;
    let records = csv::parse(text).map_err(|e| {
        let span = line_span(text, e.line());
        error(
            &Location { file, span },
            format!("`{name}` is not valid CSV: {e}"),
            "quote a field that holds a comma, and double a quote inside quotes".to_string(),
        )
    })?;
    let Some((header, rows)) = records.split_first() else {
        return Err(unreadable("the file is empty".to_string()));
    };
    let header = header.cells.clone();
    let mut errors = Vec::new();
    for (i, cell) in header.iter().enumerate() {
        if header[..i].iter().any(|c| c.text == cell.text) {
            errors.extend(error(
                &cell_location(file, cell),
                format!("column `{}` appears twice in `{name}`", cell.text),
                "give each column one header".to_string(),
            ));
        }
    }
    for row in rows {
        if row.cells.len() != header.len() {
            let first = &row.cells[0];
            errors.extend(error(
                &Location {
                    file,
                    span: line_span(text, first.line),
                },
                format!(
                    "row of `{name}` has {} cells, the header {}",
                    row.cells.len(),
                    header.len()
                ),
                "every row has one cell per column of the header".to_string(),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let column = |wanted: &str| header.iter().position(|c| c.text == wanted);
    // Each row's generation, when the file has them.
    let generations: Option<Vec<i64>> = match column("generation") {
        None => None,
        Some(g) => Some(
            rows.iter()
                .map(|row| {
                    let cell = &row.cells[g];
                    cell.text.parse::<i64>().map_err(|_| {
                        Diagnostic::new(format!(
                            "generation `{}` in `{name}` is not a whole number",
                            cell.text
                        ))
                        .at(cell_location(file, cell))
                        .with_help("generations are numbered 0, 1, 2, ...")
                    })
                })
                .collect::<Result<_, _>>()
                .map_err(|e| vec![e])?,
        ),
    };
    let asked = table.value.generation.as_ref();
    let generation = match (&generations, asked) {
        (None, None) => None,
        (None, Some(asked)) => {
            return Err(error(
                &asked.location,
                format!("`{name}` has no `generation` column"),
                "remove `generation` to draw from every row of the file".to_string(),
            ))
        }
        (Some(generations), asked) => {
            let last = generations.iter().copied().max();
            match (asked, last) {
                (_, None) => None,
                (None, last) => last,
                (Some(asked), Some(last)) => {
                    if !generations.contains(&asked.value) {
                        let first = generations.iter().copied().min().unwrap_or(last);
                        return Err(error(
                            &asked.location,
                            format!("generation {} is not in `{name}`", asked.value),
                            format!(
                                "the file has generations {first} to {last}; \
                                 leave `generation` out for the last"
                            ),
                        ));
                    }
                    Some(asked.value)
                }
            }
        }
    };
    let chosen: Vec<Record> = rows
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            generations
                .as_ref()
                .is_none_or(|g| Some(g[*i]) == generation)
        })
        .map(|(_, row)| row.clone())
        .collect();
    if chosen.is_empty() {
        return Err(unreadable("it has no rows after the header".to_string()));
    }
    let weights = match column("weight") {
        // Without weights, every row weighs the same.
        None => vec![1.0; chosen.len()],
        Some(w) => weights(&chosen, w, file, &name)?,
    };
    if weights.iter().all(|&w| w == 0.0) {
        let at =
            column("weight").map_or(table.location.clone(), |w| cell_location(file, &header[w]));
        let which = generation.map_or(String::new(), |g| format!(" of generation {g}"));
        return Err(error(
            &at,
            format!("every weight{which} in `{name}` is zero"),
            "a row is drawn in proportion to its weight; at least one must be positive".to_string(),
        ));
    }
    Ok(PosteriorFile {
        file,
        name: name.clone(),
        declared_at: table.location.clone(),
        rows: Arc::new(PosteriorRows::new(name, generation, &weights)),
        header,
        records: chosen,
    })
}

/// The `weight` cells of `rows`: finite and not negative.
fn weights(
    rows: &[Record],
    w: usize,
    file: FileId,
    name: &str,
) -> Result<Vec<f64>, Vec<Diagnostic>> {
    rows.iter()
        .map(|row| {
            let cell = &row.cells[w];
            match cell.text.parse::<f64>() {
                Ok(x) if x.is_finite() && x >= 0.0 => Ok(x),
                _ => Err(vec![Diagnostic::new(format!(
                    "weight `{}` in `{name}` is not a number of zero or more",
                    cell.text
                ))
                .at(cell_location(file, cell))
                .with_help(
                    "weights are finite and not negative; they need not sum to 1",
                )]),
            }
        })
        .collect()
}

/// The bytes of 1-based line `line` of `text`, counting line ends as the
/// CSV reader does (CRLF, LF or CR).
fn line_span(text: &str, line: usize) -> Range<usize> {
    let mut starts = vec![0];
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let end = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        if end {
            starts.push(i + 1);
        }
    }
    let start = starts.get(line - 1).copied().unwrap_or(text.len());
    let end = starts
        .get(line)
        .map_or(text.len(), |&next| next - 1)
        .max(start);
    start..text[start..end].trim_end_matches('\r').len() + start
}
