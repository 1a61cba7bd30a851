//! The text report of `entente landscape`: the actors, the search, the
//! global and the local minima with each actor's frustration.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use super::input::{load, LandscapeInputError};
use super::{
    Alignment, Landscape, LocalMinima, EXHAUSTIVE_LIMIT, LOCAL_MINIMA_LISTED, LOCAL_SEARCH_STARTS,
};

/// Runs the search and returns the report to print.
pub fn execute(
    sizes: &Path,
    propensity: &Path,
    offset: f64,
) -> Result<String, LandscapeInputError> {
    let (names, landscape) = load(sizes, propensity, offset)?;
    let started = Instant::now();
    let global = landscape.global_minimum();
    let global_time = started.elapsed();
    let files = Files {
        sizes,
        propensity,
        offset,
    };
    Ok(report(
        &files,
        &names,
        &landscape,
        (&global, global_time),
        &landscape.local_minima(),
    ))
}

/// Where the landscape came from, as the report's header names it.
struct Files<'a> {
    sizes: &'a Path,
    propensity: &'a Path,
    offset: f64,
}

fn report(
    files: &Files,
    names: &[String],
    landscape: &Landscape,
    (global, global_time): (&Alignment, Duration),
    minima: &LocalMinima,
) -> String {
    let Files {
        sizes,
        propensity,
        offset,
    } = *files;
    let n = names.len();
    let name_width = names
        .iter()
        .map(|s| s.chars().count())
        .chain([5])
        .max()
        .unwrap_or(5);
    // Writing to a String cannot fail, so the fmt::Results below are ignored.
    let mut out = String::new();
    let _ = writeln!(out, "Landscape theory of aggregation: {n} actors");
    let _ = writeln!(out, "  sizes:      {}", sizes.display());
    let _ = writeln!(out, "  propensity: {}", propensity.display());
    let _ = writeln!(
        out,
        "  offset:     {} (subtracted from every propensity)",
        number(offset)
    );
    let _ = writeln!(out);
    let size_text: Vec<String> = landscape.sizes().iter().map(|&s| number(s)).collect();
    let size_width = column_width("Size", &size_text);
    let _ = writeln!(out, "  {:<name_width$}  {:>size_width$}", "Actor", "Size");
    for (name, size) in names.iter().zip(&size_text) {
        let _ = writeln!(out, "  {name:<name_width$}  {size:>size_width$}");
    }
    let _ = writeln!(out);

    if landscape.is_exhaustive() {
        let _ = writeln!(
            out,
            "Search: exhaustive, all {} alignments (a mirror image counts as the same alignment).",
            1u64 << (n - 1)
        );
    } else {
        let _ = writeln!(
            out,
            "Search: global minimum exact, by branch and bound in {:.1} ms. Local minima NOT \
             exhaustive ({n} actors > {EXHAUSTIVE_LIMIT}): steepest descent from {} fixed \
             starts; other local minima may exist.",
            global_time.as_secs_f64() * 1e3,
            LOCAL_SEARCH_STARTS + 1
        );
    }
    let _ = writeln!(out);

    let _ = writeln!(out, "Global minimum: energy {}", number(global.energy));
    let _ = writeln!(out, "  {}", coalitions(names, global.mask));
    let _ = writeln!(out);

    let listed = if minima.count > minima.lowest.len() as u64 {
        format!(
            "{}, too many to list: the {LOCAL_MINIMA_LISTED} lowest follow",
            minima.count
        )
    } else {
        minima.count.to_string()
    };
    let _ = writeln!(
        out,
        "Local minima: {listed} (lowest energy first; side 1 is the coalition of {})",
        names.first().map_or("", String::as_str)
    );
    let _ = writeln!(
        out,
        "Frustration: an actor's share of the energy, size × size × propensity summed over the \
         actors on the other side; lower is more comfortable."
    );
    for (rank, alignment) in minima.lowest.iter().enumerate() {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "#{} energy {}{}",
            rank + 1,
            number(alignment.energy),
            if alignment.mask == global.mask {
                "  (global minimum)"
            } else {
                ""
            }
        );
        let _ = writeln!(out, "  {}", coalitions(names, alignment.mask));
        let frustration: Vec<String> = alignment.frustration.iter().map(|&f| number(f)).collect();
        let width = column_width("Frustration", &frustration);
        let _ = writeln!(
            out,
            "  {:<name_width$}  Side  {:>width$}",
            "Actor", "Frustration"
        );
        for (i, (name, f)) in names.iter().zip(&frustration).enumerate() {
            // Side 1 is the first actor's coalition, as in the published tables.
            let side = 1 + (((alignment.mask >> i) ^ alignment.mask) & 1);
            let _ = writeln!(out, "  {name:<name_width$}  {side:>4}  {f:>width$}");
        }
    }
    out
}

/// `{A+B} vs {C+D}`, the coalition of the first actor first.
fn coalitions(names: &[String], mask: u64) -> String {
    let side = |s: u64| -> String {
        names
            .iter()
            .enumerate()
            .filter(|&(i, _)| (mask >> i) & 1 == s)
            .map(|(_, name)| name.as_str())
            .collect::<Vec<_>>()
            .join("+")
    };
    let first = mask & 1;
    format!("{{{}}} vs {{{}}}", side(first), side(first ^ 1))
}

fn column_width(header: &str, cells: &[String]) -> usize {
    cells
        .iter()
        .map(String::len)
        .chain([header.len()])
        .max()
        .unwrap_or(header.len())
}

/// Whole numbers without a decimal point (as published: -83200), others with up to 4 decimals.
fn number(x: f64) -> String {
    let text = if x.abs() >= 1e15 {
        format!("{x:e}")
    } else if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        let fixed = format!("{x:.4}");
        fixed
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    };
    // "-0" reads as a sign error to an analyst.
    if text == "-0" {
        "0".to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_like_the_published_tables() {
        assert_eq!(number(-83200.0), "-83200");
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(2.5), "2.5");
        assert_eq!(number(1.0 / 3.0), "0.3333");
        assert_eq!(number(-1e-7), "0");
    }
}
