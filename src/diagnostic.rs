//! Located error messages for input files: `path:line:col`, the offending
//! line with the bad text underlined, and a hint saying what would be right.
//!
//! Every layer that reads user files (scenarios, CSV inputs) reports through
//! [`Diagnostic`], so all input errors look the same to the analyst.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Index of a file in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FileId(pub usize);

/// A byte range in one source file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    pub file: FileId,
    pub span: Range<usize>,
}

/// The text of every file read for one command, kept so that errors found
/// after merging overlays can still quote the line they come from.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
}

impl SourceMap {
    pub fn add(&mut self, path: PathBuf, text: String) -> FileId {
        self.files.push(SourceFile { path, text });
        FileId(self.files.len() - 1)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0]
    }

    pub fn files(&self) -> impl Iterator<Item = &SourceFile> {
        self.files.iter()
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, id: FileId, offset: usize) -> (usize, usize) {
        line_col(&self.get(id).text, offset)
    }
}

/// 1-based line and column (in characters) of a byte offset into `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text[line_start..offset].chars().count() + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The largest input file read, in bytes. Real inputs are kilobytes; the
/// limit keeps a wrong path (a data dump, `/dev/zero`) from exhausting memory.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// The first `MAX_FILE_BYTES + 1` bytes of a file: more than the limit
/// means the file is too large, and a special file that never ends
/// (`/dev/zero`, a pipe) ends here too.
pub fn read_capped(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// One problem in the user's input.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub message: String,
    pub location: Option<Location>,
    /// What would be right: the nearest valid key, the declared ids, the range.
    pub help: Option<String>,
    /// A file named without a position (a missing file, an `extends` chain).
    pub path: Option<PathBuf>,
}

impl Diagnostic {
    pub fn new(message: impl Into<String>) -> Self {
        Diagnostic {
            message: message.into(),
            location: None,
            help: None,
            path: None,
        }
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    pub fn in_file(mut self, path: impl AsRef<Path>) -> Self {
        self.path = Some(path.as_ref().to_path_buf());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Renders the message in the style of rustc: location, quoted line,
    /// carets under the offending text, then the hint.
    pub fn render(&self, sources: &SourceMap) -> String {
        let mut out = format!("{ERROR}{}\n", self.message);
        match &self.location {
            Some(location) => {
                let file = sources.get(location.file);
                out.push_str(&render_snippet(&file.path, &file.text, &location.span));
            }
            None => {
                if let Some(path) = &self.path {
                    out.push_str(&format!("  --> {}\n", path.display()));
                }
            }
        }
        if let Some(help) = &self.help {
            out.push_str(&format!("{HELP}{help}\n"));
        }
        out
    }
}

/// How every message starts, and how its hint is introduced: the scenario
/// diagnostics and every other [`Problem`] share them.
const ERROR: &str = "error: ";
const HELP: &str = "  = help: ";

/// A problem with a request that is not a span of a scenario file: a flag,
/// a folder, a CSV cell. Every command reports through it (or, for
/// scenario files, [`Diagnostic`]), so every message has one shape:
///
/// ```text
/// error: what is wrong
///   --> where, when a file or cell is to blame
///   = help: what would be right
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    /// `path` or `path:line:column`.
    pub at: Option<String>,
    pub help: Option<String>,
}

impl Problem {
    pub fn new(message: impl Into<String>) -> Self {
        Problem {
            message: message.into(),
            at: None,
            help: None,
        }
    }

    pub fn at(mut self, place: impl fmt::Display) -> Self {
        self.at = Some(place.to_string());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{ERROR}{}", self.message)?;
        if let Some(at) = &self.at {
            write!(f, "\n  --> {at}")?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n{HELP}{help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problem {}

/// A quoted line longer than this is cut to a window around the column
/// (a minified or binary file can be one line of megabytes).
const MAX_QUOTED_CHARS: usize = 160;

fn render_snippet(path: &Path, text: &str, span: &Range<usize>) -> String {
    let (line, col) = line_col(text, span.start);
    let line_text = text.lines().nth(line - 1).unwrap_or("");
    let gutter = line.to_string().len();
    let pad = " ".repeat(gutter);
    let line_chars = line_text.chars().count();
    // Characters of the line left out before the quoted window.
    let skip = if line_chars > MAX_QUOTED_CHARS {
        (col - 1).saturating_sub(MAX_QUOTED_CHARS / 4)
    } else {
        0
    };
    let shown: String = line_text
        .chars()
        .skip(skip)
        .take(MAX_QUOTED_CHARS)
        .collect();
    let shown_chars = shown.chars().count();
    let before = if skip > 0 { "..." } else { "" };
    let after = if skip + shown_chars < line_chars {
        "..."
    } else {
        ""
    };
    let caret_col = col - skip + before.len();
    // Underline to the end of the span or of the line, whichever comes first.
    let span_chars = text
        .get(span.start..span.end.min(text.len()))
        .map_or(1, |s| s.chars().take_while(|c| *c != '\n').count());
    let width = span_chars.clamp(1, (shown_chars + skip).saturating_sub(col - 1).max(1));
    format!(
        "{pad}--> {}:{line}:{col}\n{pad} |\n{line} | {before}{shown}{after}\n{pad} | {}{}\n",
        path.display(),
        " ".repeat(caret_col - 1),
        "^".repeat(width),
    )
}

/// All the problems found in one pass over the input, rendered together so
/// that the analyst can fix them in one go.
#[derive(Debug, Clone)]
pub struct Diagnostics {
    pub diagnostics: Vec<Diagnostic>,
    pub sources: SourceMap,
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, diagnostic) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}", diagnostic.render(&self.sources))?;
        }
        if self.diagnostics.len() > 1 {
            write!(f, "\n{} errors", self.diagnostics.len())?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// The valid name closest to `wrong` by edit distance, if any is close enough
/// to be a plausible typo: about one edit per three characters, at least one.
/// (A looser bound made every three-letter actor id "near" every other, e.g.
/// `JPN` suggested `CHN`.)
pub fn nearest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wrong_lower = wrong.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (edit_distance(&wrong_lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count().max(wrong.chars().count()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Edit distance counting a swap of two adjacent characters as one edit
/// (optimal string alignment), since swaps are the commonest typo: `ticsk`,
/// `RSU`.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut before: Vec<usize> = Vec::new();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
            if i > 0 && j > 0 && *ca == b[j - 1] && a[i - 1] == *cb {
                current[j + 1] = current[j + 1].min(before[j - 1] + 1);
            }
        }
        before = std::mem::replace(&mut previous, current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        assert_eq!(line_col(text, 9), (2, 3));
    }

    #[test]
    fn snippet_underlines_the_span() {
        let mut sources = SourceMap::default();
        let id = sources.add("s.toml".into(), "[scenario]\nticsk = 60\n".into());
        let d = Diagnostic::new("unknown key `ticsk`")
            .at(Location {
                file: id,
                span: 11..16,
            })
            .with_help("did you mean `ticks`?");
        let text = d.render(&sources);
        assert!(text.contains("--> s.toml:2:1"), "{text}");
        assert!(text.contains("2 | ticsk = 60\n  | ^^^^^\n"), "{text}");
        assert!(text.contains("help: did you mean `ticks`?"), "{text}");
    }

    #[test]
    fn nearest_finds_typos_but_not_unrelated_words() {
        let keys = ["ticks", "runs", "seed", "window"];
        assert_eq!(nearest("ticsk", keys), Some("ticks"));
        assert_eq!(nearest("Seed", keys), Some("seed"));
        assert_eq!(nearest("population", keys), None);
        let ids = ["USA", "CHN", "RUS"];
        assert_eq!(nearest("RSU", ids), Some("RUS"), "a swap is one edit");
        assert_eq!(nearest("JPN", ids), None, "one shared letter is no typo");
    }
}
