//! CSV, the one reader and the one writer: tidy files that R, pandas and
//! spreadsheets read, and the inputs analysts write by hand.
//!
//! The reader is a small RFC 4180 parser: comma-separated, double-quoted
//! fields with `""` escapes and embedded line breaks, CRLF/LF/CR line ends,
//! whitespace around fields trimmed (inside quotes kept), blank lines
//! skipped. Every cell knows its line and column, so an error in a
//! hand-written file can point at it. (The `csv` crate was not taken: it
//! accepts text after a closing quote and does not say on which line each
//! field of a multi-line record starts.)

use std::fmt;

/// One field, unquoted, with where it starts: 1-based line, and 1-based
/// column counted in fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub text: String,
    pub line: usize,
    pub column: usize,
    /// Written in quotes: an empty quoted cell is a value, not a gap.
    pub quoted: bool,
    /// The byte offset in the parsed text where the cell's text starts
    /// (after leading blanks and an opening quote), so that a message can
    /// underline it.
    pub offset: usize,
}

/// One record (row) of cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub cells: Vec<Cell>,
}

impl Record {
    /// The line the record starts on.
    pub fn line(&self) -> usize {
        self.cells.first().map_or(0, |c| c.line)
    }

    /// The cells' texts.
    pub fn texts(&self) -> Vec<&str> {
        self.cells.iter().map(|c| c.text.as_str()).collect()
    }
}

/// Why a text is not CSV, at a 1-based line and field column.
#[derive(Debug, Clone, PartialEq)]
pub enum CsvError {
    UnterminatedQuote {
        line: usize,
        column: usize,
    },
    TextAfterQuote {
        line: usize,
        column: usize,
        found: char,
    },
}

impl CsvError {
    pub fn line(&self) -> usize {
        match self {
            CsvError::UnterminatedQuote { line, .. } | CsvError::TextAfterQuote { line, .. } => {
                *line
            }
        }
    }
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CsvError::UnterminatedQuote { .. } => write!(f, "a quoted field is never closed"),
            CsvError::TextAfterQuote { found, .. } => {
                write!(f, "unexpected `{found}` after a closing quote")
            }
        }
    }
}

enum End {
    Comma,
    Line,
    File,
}

/// The text not yet read, which knows how far it has come (a peekable
/// `Chars` would not say).
struct Cursor<'a> {
    rest: &'a str,
}

impl Cursor<'_> {
    fn next(&mut self) -> Option<char> {
        let c = self.rest.chars().next()?;
        self.rest = &self.rest[c.len_utf8()..];
        Some(c)
    }

    fn next_if(&mut self, take: impl Fn(char) -> bool) -> Option<char> {
        let c = self.rest.chars().next().filter(|&c| take(c))?;
        self.rest = &self.rest[c.len_utf8()..];
        Some(c)
    }

    fn next_if_eq(&mut self, wanted: char) -> Option<char> {
        self.next_if(|c| c == wanted)
    }
}

/// The end of a field that `next` makes, if it makes one: a comma, a line
/// end (a CR's LF is taken with it) or the end of the text.
fn end_of_field(next: Option<char>, chars: &mut Cursor) -> Option<End> {
    match next {
        Some(',') => Some(End::Comma),
        Some('\r') => {
            chars.next_if_eq('\n');
            Some(End::Line)
        }
        Some('\n') => Some(End::Line),
        None => Some(End::File),
        Some(_) => None,
    }
}

/// Every non-blank record of `text` (a leading byte-order mark is skipped).
pub fn parse(text: &str) -> Result<Vec<Record>, CsvError> {
    let mut chars = Cursor {
        rest: text.strip_prefix('\u{feff}').unwrap_or(text),
    };
    let mut records = Vec::new();
    let mut cells: Vec<Cell> = Vec::new();
    let mut line = 1;
    loop {
        let (start, column) = (line, cells.len() + 1);
        while chars.next_if(|c| c == ' ' || c == '\t').is_some() {}
        let mut value = String::new();
        let quoted = chars.next_if_eq('"').is_some();
        let offset = text.len() - chars.rest.len();
        let end = if quoted {
            loop {
                match chars.next() {
                    None => {
                        return Err(CsvError::UnterminatedQuote {
                            line: start,
                            column,
                        })
                    }
                    Some('"') if chars.next_if_eq('"').is_some() => value.push('"'),
                    Some('"') => break,
                    Some('\r') => {
                        chars.next_if_eq('\n');
                        value.push('\n');
                        line += 1;
                    }
                    Some('\n') => {
                        value.push('\n');
                        line += 1;
                    }
                    Some(c) => value.push(c),
                }
            }
            loop {
                let next = chars.next();
                if let Some(end) = end_of_field(next, &mut chars) {
                    break end;
                }
                match next {
                    Some(' ' | '\t') => {}
                    Some(found) => {
                        return Err(CsvError::TextAfterQuote {
                            line,
                            column,
                            found,
                        })
                    }
                    None => unreachable!("the end of the text ends the field"),
                }
            }
        } else {
            let end = loop {
                let next = chars.next();
                match end_of_field(next, &mut chars) {
                    Some(end) => break end,
                    None => value.extend(next),
                }
            };
            value.truncate(value.trim_end().len());
            end
        };
        cells.push(Cell {
            text: value,
            line: start,
            column,
            quoted,
            offset,
        });
        if let End::Line | End::File = end {
            let blank = matches!(&cells[..], [only] if only.text.is_empty() && !only.quoted);
            let record = Record {
                cells: std::mem::take(&mut cells),
            };
            if !blank {
                records.push(record);
            }
            line += 1;
        }
        if let End::File = end {
            return Ok(records);
        }
    }
}

/// Quotes a field when CSV requires it.
pub fn field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// Seven significant digits (`{:.6e}`): more than any Monte Carlo estimate here
/// supports, and stable across platforms.
pub fn number(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    format!("{}", rounded(x))
}

/// `x` as [`number`] writes it, so that a page quoting a CSV's numbers
/// quotes the very numbers in the file.
pub fn rounded(x: f64) -> f64 {
    let value: f64 = format!("{x:.6e}").parse().unwrap_or(x);
    // `-0` is a rounding artefact, not a finding.
    if value == 0.0 {
        0.0
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(text: &str) -> Vec<Vec<(String, usize, usize)>> {
        match parse(text) {
            Ok(records) => records
                .into_iter()
                .map(|r| {
                    r.cells
                        .into_iter()
                        .map(|c| (c.text, c.line, c.column))
                        .collect()
                })
                .collect(),
            Err(e) => panic!("{e}"),
        }
    }

    fn s(text: &str, line: usize, column: usize) -> (String, usize, usize) {
        (text.to_string(), line, column)
    }

    #[test]
    fn quotes_whitespace_and_line_ends() {
        assert_eq!(
            cells(" \"US\" , 1 \r\n\r\n\"S \"\"A\"\"\",\"a,b\"\rx,\"two\nlines\",y\n"),
            vec![
                vec![s("US", 1, 1), s("1", 1, 2)],
                vec![s("S \"A\"", 3, 1), s("a,b", 3, 2)],
                vec![s("x", 4, 1), s("two\nlines", 4, 2), s("y", 5, 3)],
            ]
        );
        assert_eq!(cells("a,\n"), vec![vec![s("a", 1, 1), s("", 1, 2)]]);
        assert_eq!(cells("\"\""), vec![vec![s("", 1, 1)]]);
        assert_eq!(cells("\u{feff}a"), vec![vec![s("a", 1, 1)]]);
        assert!(cells("").is_empty());
    }

    #[test]
    fn each_cell_knows_its_byte_offset() {
        let text = "\u{feff}a, \"é\",\tc\n\"x\ny\",z";
        let offsets: Vec<(String, usize)> = parse(text)
            .unwrap()
            .into_iter()
            .flat_map(|r| r.cells)
            .map(|c| (c.text, c.offset))
            .collect();
        let expected = ["a", "é", "c", "x\ny", "z"].map(|cell| {
            let at = if cell == "x\ny" {
                text.find("x\n")
            } else {
                text.find(cell)
            };
            (cell.to_string(), at.unwrap())
        });
        assert_eq!(offsets, expected);
    }

    #[test]
    fn broken_quotes_are_located() {
        assert_eq!(
            parse("a,b\nc,\"d\n"),
            Err(CsvError::UnterminatedQuote { line: 2, column: 2 })
        );
        assert_eq!(
            parse("a,\"b\"c"),
            Err(CsvError::TextAfterQuote {
                line: 1,
                column: 2,
                found: 'c'
            })
        );
    }

    #[test]
    fn what_is_written_reads_back() {
        let texts = [
            "romantic triangle, pivot CHN",
            "a\"b",
            "",
            "plain",
            "two\nlines",
        ];
        let line: Vec<String> = texts.iter().map(|t| field(t)).collect();
        let records = parse(&line.join(",")).unwrap();
        assert_eq!(records[0].texts(), texts);
    }

    #[test]
    fn numbers_keep_seven_significant_digits() {
        assert_eq!(number(0.123456789), "0.1234568");
        assert_eq!(number(-0.0000001), "-0.0000001");
        assert_eq!(number(-1e-12), "-0.000000000001");
        assert_eq!(number(f64::NAN), "");
        assert_eq!(rounded(-0.0), 0.0);
    }
}
