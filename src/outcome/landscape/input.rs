//! The inputs of `entente landscape`: a sizes table and a propensity matrix,
//! read with errors located at `file:line:column`.
//!
//! SIZES.csv has a header `actor,size` and one row per actor. MATRIX.csv is a square matrix with
//! the actor names across the header row (its first cell is free) and down the first column, in
//! the same order; diagonal cells are ignored and may be empty. `--offset C` subtracts `C` from
//! every off-diagonal propensity, so a 1-5 scale centred on 3 takes `--offset 3`.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use crate::diagnostic::Problem;
use crate::format::csv::{self, CsvError};

use crate::diagnostic::{read_capped, MAX_FILE_BYTES};

use super::{Landscape, LandscapeError};

/// A cell of an input file; `line` and `col` are 1-based, `col` counting CSV fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    pub line: usize,
    pub col: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path.display(), self.line, self.col)
    }
}

#[derive(Debug)]
pub enum LandscapeInputError {
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    TooLarge {
        path: PathBuf,
    },
    NotUtf8 {
        at: Location,
    },
    UnterminatedQuote {
        at: Location,
    },
    TextAfterQuote {
        at: Location,
        found: char,
    },
    EmptyFile {
        at: Location,
        expected: &'static str,
    },
    SizesHeader {
        at: Location,
        expected: &'static str,
        found: String,
    },
    ExtraCell {
        at: Location,
        found: String,
        cells: usize,
        width: usize,
        expected: &'static str,
    },
    MissingCell {
        at: Location,
        cells: usize,
        width: usize,
        expected: &'static str,
    },
    EmptyName {
        at: Location,
    },
    DuplicateActor {
        at: Location,
        name: String,
        first: Location,
    },
    NotANumber {
        at: Location,
        text: String,
        expected: &'static str,
    },
    NonFinite {
        at: Location,
        text: String,
        expected: &'static str,
    },
    NonPositiveSize {
        at: Location,
        actor: String,
        text: String,
    },
    RowLabel {
        at: Location,
        found: String,
        expected: String,
    },
    MissingRow {
        at: Location,
        actor: String,
        rows: usize,
        actors: usize,
    },
    ExtraRow {
        at: Location,
        label: String,
        actors: usize,
    },
    TooFewActors {
        at: Location,
        found: usize,
        min: usize,
    },
    TooManyActors {
        at: Location,
        found: usize,
        max: usize,
    },
    NotInMatrix {
        at: Location,
        name: String,
        sizes_actors: Vec<String>,
        matrix_actors: Vec<String>,
    },
    NotInSizes {
        at: Location,
        name: String,
        sizes_actors: Vec<String>,
        matrix_actors: Vec<String>,
    },
    InvalidOffset {
        value: f64,
    },
    Model {
        sizes: PathBuf,
        propensity: PathBuf,
        source: LandscapeError,
    },
}

impl LandscapeInputError {
    /// Where, what and what would be right.
    fn parts(&self) -> (Option<String>, String, String) {
        use LandscapeInputError::*;
        match self {
            Read { path, source } => (
                Some(path.display().to_string()),
                format!("cannot read the file: {source}"),
                "check the path; it is read relative to the current directory".to_string(),
            ),
            TooLarge { path } => (
                Some(path.display().to_string()),
                format!("the file is larger than {} MB, too large for a landscape", MAX_FILE_BYTES / (1024 * 1024)),
                "sizes and matrices of up to 64 actors are a few kilobytes; check that this is the file you meant".to_string(),
            ),
            NotUtf8 { at } => (
                Some(at.to_string()),
                "the file is not valid UTF-8".to_string(),
                "save it as UTF-8 (\"CSV UTF-8\" in spreadsheet programs)".to_string(),
            ),
            UnterminatedQuote { at } => (
                Some(at.to_string()),
                "a quoted field is never closed".to_string(),
                "end the field with a double quote; write a literal quote inside it as \"\"".to_string(),
            ),
            TextAfterQuote { at, found } => (
                Some(at.to_string()),
                format!("unexpected `{found}` after a closing quote"),
                "a quoted field must be followed by a comma or the end of the line".to_string(),
            ),
            EmptyFile { at, expected } => (
                Some(at.to_string()),
                "the file has no rows".to_string(),
                expected.to_string(),
            ),
            SizesHeader { at, expected, found } => (
                Some(at.to_string()),
                format!("expected the column header `{expected}`, found `{found}`"),
                "the sizes file starts with the header row `actor,size` (any letter case) and has exactly these two columns".to_string(),
            ),
            ExtraCell { at, found, cells, width, expected } => (
                Some(at.to_string()),
                format!("unexpected extra cell `{found}`: the row has {cells} cells where {width} belong"),
                expected.to_string(),
            ),
            MissingCell { at, cells, width, expected } => (
                Some(at.to_string()),
                format!("missing cell: the row has {cells} cells where {width} belong"),
                expected.to_string(),
            ),
            EmptyName { at } => (
                Some(at.to_string()),
                "the actor name is empty".to_string(),
                "every actor needs a name, used to match the sizes file with the matrix".to_string(),
            ),
            DuplicateActor { at, name, first } => (
                Some(at.to_string()),
                format!("actor `{name}` appears twice (first at {first})"),
                "each actor is listed once; names are compared exactly, letter case included".to_string(),
            ),
            NotANumber { at, text, expected } => (
                Some(at.to_string()),
                format!("`{text}` is not a number"),
                expected.to_string(),
            ),
            NonFinite { at, text, expected } => (
                Some(at.to_string()),
                format!("`{text}` is not a finite number"),
                expected.to_string(),
            ),
            NonPositiveSize { at, actor, text } => (
                Some(at.to_string()),
                format!("the size of `{actor}` is {text}, but sizes must be positive"),
                "give every actor a size greater than zero, or leave the actor out of both files".to_string(),
            ),
            RowLabel { at, found, expected } => (
                Some(at.to_string()),
                format!("row label `{found}` does not match the header, which puts `{expected}` here"),
                "the rows must name the actors in the same order as the header's columns".to_string(),
            ),
            MissingRow { at, actor, rows, actors } => (
                Some(at.to_string()),
                format!("the matrix is not square: actor `{actor}` has a column but no row ({rows} rows for {actors} columns)"),
                "add one row per actor, in the header's order".to_string(),
            ),
            ExtraRow { at, label, actors } => (
                Some(at.to_string()),
                format!("the matrix is not square: row `{label}` goes beyond the {actors} actors named in the header"),
                "add the actor to the header row, or remove the row".to_string(),
            ),
            TooFewActors { at, found, min } => (
                Some(at.to_string()),
                format!("the matrix has {found} actors; a landscape needs at least {min}"),
                "name the actors across the header row, after its first cell".to_string(),
            ),
            TooManyActors { at, found, max } => (
                Some(at.to_string()),
                format!("the matrix has {found} actors; a landscape holds at most {max}"),
                "merge or drop actors".to_string(),
            ),
            NotInMatrix { at, name, sizes_actors, matrix_actors } => (
                Some(at.to_string()),
                format!("actor `{name}` is in the sizes file but not in the propensity matrix"),
                format!("both files must name the same actors (letter case included)\n    sizes file: {}\n    matrix:     {}", sizes_actors.join(", "), matrix_actors.join(", ")),
            ),
            NotInSizes { at, name, sizes_actors, matrix_actors } => (
                Some(at.to_string()),
                format!("actor `{name}` is in the propensity matrix but not in the sizes file"),
                format!("both files must name the same actors (letter case included)\n    sizes file: {}\n    matrix:     {}", sizes_actors.join(", "), matrix_actors.join(", ")),
            ),
            InvalidOffset { value } => (
                None,
                format!("--offset {value}: the offset must be a finite number"),
                "use the midpoint of the propensity scale, e.g. --offset 3 for a 1-5 scale".to_string(),
            ),
            Model { sizes, propensity, source } => (
                None,
                format!("{} with {}: {source}", sizes.display(), propensity.display()),
                "rescale the sizes or propensities".to_string(),
            ),
        }
    }
}

impl From<&LandscapeInputError> for Problem {
    fn from(error: &LandscapeInputError) -> Self {
        let (at, message, help) = error.parts();
        let problem = Problem::new(message).with_help(help);
        match at {
            Some(at) => problem.at(at),
            None => problem,
        }
    }
}

impl fmt::Display for LandscapeInputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Problem::from(self).fmt(f)
    }
}

impl std::error::Error for LandscapeInputError {}

type Result<T> = std::result::Result<T, LandscapeInputError>;

const SIZES_LAYOUT: &str =
    "the sizes file has a header row `actor,size`, then one `name,size` row per actor";
const MATRIX_LAYOUT: &str = "the matrix has a header row (an empty first cell, then the actor names), then one row per actor: its name, then one propensity per column";
const SIZE_NUMBER: &str = "write the size as a plain number such as 10 or 2.5";
const PROPENSITY_NUMBER: &str =
    "off-diagonal cells must be plain numbers such as 4 or -1.5; only diagonal cells may be empty";

/// Reads both files and builds the landscape, actors in the matrix's order.
pub fn load(sizes: &Path, propensity: &Path, offset: f64) -> Result<(Vec<String>, Landscape)> {
    if !offset.is_finite() {
        return Err(LandscapeInputError::InvalidOffset { value: offset });
    }
    let size_rows = read_sizes(sizes)?;
    let matrix = read_matrix(propensity)?;

    let sizes_actors = || size_rows.iter().map(|r| r.name.text.clone()).collect();
    let matrix_actors = || matrix.names.iter().map(|f| f.text.clone()).collect();
    let in_matrix: HashSet<&str> = matrix.names.iter().map(|f| f.text.as_str()).collect();
    if let Some(row) = size_rows
        .iter()
        .find(|r| !in_matrix.contains(r.name.text.as_str()))
    {
        return Err(LandscapeInputError::NotInMatrix {
            at: row.name.at.clone(),
            name: row.name.text.clone(),
            sizes_actors: sizes_actors(),
            matrix_actors: matrix_actors(),
        });
    }
    let by_name: HashMap<&str, f64> = size_rows
        .iter()
        .map(|r| (r.name.text.as_str(), r.size))
        .collect();
    let mut ordered_sizes = Vec::with_capacity(matrix.names.len());
    for name in &matrix.names {
        match by_name.get(name.text.as_str()) {
            Some(&size) => ordered_sizes.push(size),
            None => {
                return Err(LandscapeInputError::NotInSizes {
                    at: name.at.clone(),
                    name: name.text.clone(),
                    sizes_actors: sizes_actors(),
                    matrix_actors: matrix_actors(),
                })
            }
        }
    }

    let shifted = matrix.values.iter().map(|p| p - offset).collect();
    let landscape =
        Landscape::new(ordered_sizes, shifted).map_err(|source| LandscapeInputError::Model {
            sizes: sizes.to_path_buf(),
            propensity: propensity.to_path_buf(),
            source,
        })?;
    Ok((matrix_actors(), landscape))
}

struct Cell {
    text: String,
    at: Location,
    quoted: bool,
}

struct Row {
    cells: Vec<Cell>,
}

struct SizeRow {
    name: Cell,
    size: f64,
}

struct Matrix {
    names: Vec<Cell>,
    /// Row-major, diagonal zero.
    values: Vec<f64>,
}

fn read_sizes(path: &Path) -> Result<Vec<SizeRow>> {
    let rows = read_csv(path)?;
    let Some((header, body)) = rows.split_first() else {
        return Err(LandscapeInputError::EmptyFile {
            at: location(path, 1, 1),
            expected: SIZES_LAYOUT,
        });
    };
    for (cell, expected) in header.cells.iter().zip(["actor", "size"]) {
        if !cell.text.eq_ignore_ascii_case(expected) {
            return Err(LandscapeInputError::SizesHeader {
                at: cell.at.clone(),
                expected,
                found: cell.text.clone(),
            });
        }
    }
    check_width(path, header, 2, SIZES_LAYOUT)?;

    let mut out: Vec<SizeRow> = Vec::with_capacity(body.len());
    let mut seen = HashMap::new();
    for row in body {
        let [name_cell, size_cell] = &row.cells[..] else {
            return Err(width_error(path, row, 2, SIZES_LAYOUT));
        };
        let name = actor_name(name_cell, &mut seen)?;
        let size = parse_number(size_cell, SIZE_NUMBER)?;
        if size <= 0.0 {
            return Err(LandscapeInputError::NonPositiveSize {
                at: size_cell.at.clone(),
                actor: name.text.clone(),
                text: size_cell.text.clone(),
            });
        }
        out.push(SizeRow { name, size });
    }
    Ok(out)
}

fn read_matrix(path: &Path) -> Result<Matrix> {
    let rows = read_csv(path)?;
    let Some((header, body)) = rows.split_first() else {
        return Err(LandscapeInputError::EmptyFile {
            at: location(path, 1, 1),
            expected: MATRIX_LAYOUT,
        });
    };
    let mut seen = HashMap::new();
    let names = header
        .cells
        .iter()
        .skip(1)
        .map(|cell| actor_name(cell, &mut seen))
        .collect::<Result<Vec<Cell>>>()?;
    let n = names.len();
    if n < 2 {
        return Err(LandscapeInputError::TooFewActors {
            at: location(path, row_line(header), header.cells.len() + 1),
            found: n,
            min: 2,
        });
    }
    if let Some(extra) = names.get(64) {
        return Err(LandscapeInputError::TooManyActors {
            at: extra.at.clone(),
            found: n,
            max: 64,
        });
    }

    let mut values = vec![0.0; n * n];
    for (i, row) in body.iter().enumerate() {
        let Some(label) = row.cells.first() else {
            return Err(width_error(path, row, n + 1, MATRIX_LAYOUT));
        };
        let Some(expected) = names.get(i) else {
            return Err(LandscapeInputError::ExtraRow {
                at: label.at.clone(),
                label: label.text.clone(),
                actors: n,
            });
        };
        if label.text != expected.text {
            return Err(LandscapeInputError::RowLabel {
                at: label.at.clone(),
                found: label.text.clone(),
                expected: expected.text.clone(),
            });
        }
        check_width(path, row, n + 1, MATRIX_LAYOUT)?;
        for (j, cell) in row.cells.iter().skip(1).enumerate() {
            // The diagonal is meaningless (an actor's propensity towards itself), whatever it holds.
            if i != j {
                values[i * n + j] = parse_number(cell, PROPENSITY_NUMBER)?;
            }
        }
    }
    if let Some(missing) = names.get(body.len()) {
        return Err(LandscapeInputError::MissingRow {
            at: missing.at.clone(),
            actor: missing.text.clone(),
            rows: body.len(),
            actors: n,
        });
    }
    Ok(Matrix { names, values })
}

fn location(path: &Path, line: usize, col: usize) -> Location {
    Location {
        path: path.to_path_buf(),
        line,
        col,
    }
}

fn row_line(row: &Row) -> usize {
    row.cells.first().map_or(1, |c| c.at.line)
}

fn check_width(path: &Path, row: &Row, width: usize, expected: &'static str) -> Result<()> {
    if row.cells.len() == width {
        Ok(())
    } else {
        Err(width_error(path, row, width, expected))
    }
}

fn width_error(
    path: &Path,
    row: &Row,
    width: usize,
    expected: &'static str,
) -> LandscapeInputError {
    match row.cells.get(width) {
        Some(extra) => LandscapeInputError::ExtraCell {
            at: extra.at.clone(),
            found: extra.text.clone(),
            cells: row.cells.len(),
            width,
            expected,
        },
        None => LandscapeInputError::MissingCell {
            at: location(path, row_line(row), row.cells.len() + 1),
            cells: row.cells.len(),
            width,
            expected,
        },
    }
}

/// Checks a name cell against the names `seen` so far in the same file, and records it.
fn actor_name(cell: &Cell, seen: &mut HashMap<String, Location>) -> Result<Cell> {
    if cell.text.is_empty() {
        return Err(LandscapeInputError::EmptyName {
            at: cell.at.clone(),
        });
    }
    if let Some(first) = seen.get(&cell.text) {
        return Err(LandscapeInputError::DuplicateActor {
            at: cell.at.clone(),
            name: cell.text.clone(),
            first: first.clone(),
        });
    }
    seen.insert(cell.text.clone(), cell.at.clone());
    Ok(Cell {
        text: cell.text.clone(),
        at: cell.at.clone(),
        quoted: cell.quoted,
    })
}

fn parse_number(cell: &Cell, expected: &'static str) -> Result<f64> {
    match cell.text.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        // Rust also parses "inf" and "NaN", and "1e999" overflows to infinity.
        Ok(_) => Err(LandscapeInputError::NonFinite {
            at: cell.at.clone(),
            text: cell.text.clone(),
            expected,
        }),
        Err(_) => Err(LandscapeInputError::NotANumber {
            at: cell.at.clone(),
            text: cell.text.clone(),
            expected,
        }),
    }
}

/// The file's records through the one CSV reader (`format::csv`), each cell
/// located in this file.
fn read_csv(path: &Path) -> Result<Vec<Row>> {
    let bytes = read_capped(path).map_err(|source| LandscapeInputError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(LandscapeInputError::TooLarge {
            path: path.to_path_buf(),
        });
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
        LandscapeInputError::NotUtf8 {
            at: location(
                path,
                1 + valid.iter().filter(|&&b| b == b'\n').count(),
                1 + valid[line_start..].iter().filter(|&&b| b == b',').count(),
            ),
        }
    })?;
    let records = csv::parse(&text).map_err(|e| match e {
        CsvError::UnterminatedQuote { line, column } => LandscapeInputError::UnterminatedQuote {
            at: location(path, line, column),
        },
        CsvError::TextAfterQuote {
            line,
            column,
            found,
        } => LandscapeInputError::TextAfterQuote {
            at: location(path, line, column),
            found,
        },
    })?;
    Ok(records
        .into_iter()
        .map(|record| Row {
            cells: record
                .cells
                .into_iter()
                .map(|cell| Cell {
                    at: location(path, cell.line, cell.column),
                    text: cell.text,
                    quoted: cell.quoted,
                })
                .collect(),
        })
        .collect())
}
