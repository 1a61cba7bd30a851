//! The briefing of `entente discover` (briefing-discover-<outcome>.html
//! beside its CSV): PRIM's chosen box in a sentence, the peeling chart
//! inline, the boxes as a table, and the sweep's design and provenance.

use std::fmt::Write;

use super::page::{self, escape, provenance, section, source, FigureSection};
use crate::chart::Figure;
use crate::format::{percent, thousands};
use crate::results::findings::list;
use crate::sensitivity::prim::PrimBox;
use crate::sweep::Manifest;

/// What the discover briefing shows.
#[derive(Debug, Clone)]
pub struct DiscoverPage<'a> {
    pub manifest: &'a Manifest,
    pub label: String,
    /// What y counts, e.g. `runs ending in “…”`.
    pub what: String,
    pub alpha: f64,
    pub min_coverage: f64,
    pub threshold: Option<f64>,
    /// The whole sweep's box (step 0) and the reported one, if any.
    pub whole: &'a PrimBox,
    pub chosen: Option<&'a PrimBox>,
    /// The peeling chart.
    pub figure: Figure,
    /// The discover CSV's file name.
    pub csv: String,
}

/// The discover briefing's file name for an outcome's slug: apart from a
/// sweep's and a sensitivity folder's own briefing.html.
pub fn discover_file(slug: &str) -> String {
    format!("briefing-discover-{slug}.html")
}

/// The discover briefing.
pub fn discover_html(input: &DiscoverPage) -> String {
    let m = input.manifest;
    let names: Vec<&str> = m.parameters.iter().map(|p| p.path.as_str()).collect();
    let title = format!("Where “{}” is likely", input.label);
    let question = format!(
        "Which ranges of {} make “{}” likely?",
        list(&names),
        input.label
    );
    let mut out = String::new();
    page::begin(&mut out, &title);
    page::header(&mut out, &title, &question, &source(m));
    section(&mut out, "findings", "Key findings", |out| {
        page::sentences(out, &[discover_sentence(input, &names)]);
        let _ = writeln!(
            out,
            "<p class=\"note\">PRIM peels {}% of the box's points a step; the reported box is \
             the widest of the densest boxes that still cover {} of the {}. Density is the \
             mean of y inside the box, coverage its share of y over all points, mass its \
             share of the points.</p>",
            input.alpha * 100.0,
            percent(input.min_coverage),
            escape(&input.what)
        );
    });
    page::charts(
        &mut out,
        &[FigureSection {
            heading: String::new(),
            figures: vec![input.figure.clone()],
        }],
    );
    if let Some(chosen) = input.chosen {
        section(&mut out, "box", "The reported box", |out| {
            let stats = |b: &PrimBox| {
                vec![
                    percent(b.coverage),
                    percent(b.density),
                    percent(b.mass),
                    b.points.to_string(),
                ]
            };
            let rows = vec![
                [
                    vec![format!("box (peeling step {})", chosen.step)],
                    stats(chosen),
                ]
                .concat(),
                [vec!["whole sweep".to_string()], stats(input.whole)].concat(),
            ];
            page::table(
                out,
                "box",
                &["", "Coverage", "Density", "Mass", "Points"],
                &rows,
            );
            let bounds: Vec<Vec<String>> = names
                .iter()
                .zip(chosen.bounds.iter().zip(&input.whole.bounds))
                .map(|(name, ((lo, hi), (lo0, hi0)))| {
                    vec![
                        format!("<code>{}</code>", escape(name)),
                        format!("{}–{}", limit(*lo), limit(*hi)),
                        format!("{}–{}", limit(*lo0), limit(*hi0)),
                    ]
                })
                .collect();
            page::table(
                out,
                "box",
                &["Parameter", "In the box", "Over the sweep's points"],
                &bounds,
            );
        });
    }
    let design = [
        (
            "Sweep",
            escape(&format!(
                "{} design, {} points x {} runs",
                m.design,
                thousands(m.points),
                thousands(m.runs)
            )),
        ),
        (
            "y",
            escape(&match input.threshold {
                Some(t) => format!(
                    "1 where the share of “{}” exceeds {}, else 0",
                    input.label,
                    percent(t)
                ),
                None => format!("the share of runs ending in “{}”", input.label),
            }),
        ),
        (
            "Peeling",
            format!(
                "{}% a step, down to 5% of the points; minimum coverage {}",
                input.alpha * 100.0,
                percent(input.min_coverage)
            ),
        ),
        ("Seed", m.seed.to_string()),
    ];
    section(&mut out, "design", "Design", |out| {
        page::facts(out, &design)
    });
    provenance(&mut out, m, &format!("sweep.csv, {}", input.csv));
    page::end(&mut out);
    out
}

/// The chosen box's sentence, or why there is none.
pub fn discover_sentence(input: &DiscoverPage, names: &[&str]) -> String {
    match input.chosen {
        Some(b) => box_sentence(b, input.whole, names, &input.label, input.threshold),
        None => format!(
            "No box covers {} of the {}; lower --min-coverage.",
            percent(input.min_coverage),
            input.what
        ),
    }
}

/// The box in words: only the limits peeling moved are conditions.
pub fn box_sentence(
    chosen: &PrimBox,
    whole: &PrimBox,
    parameters: &[&str],
    label: &str,
    threshold: Option<f64>,
) -> String {
    let mut conditions = Vec::new();
    for (i, ((lo, hi), (lo0, hi0))) in chosen.bounds.iter().zip(&whole.bounds).enumerate() {
        let name = parameters[i];
        match (lo > lo0, hi < hi0) {
            (true, true) => conditions.push(format!(
                "{name} lies between {} and {}",
                limit(*lo),
                limit(*hi)
            )),
            (true, false) => conditions.push(format!("{name} is above {}", limit(*lo))),
            (false, true) => conditions.push(format!("{name} is below {}", limit(*hi))),
            (false, false) => {}
        }
    }
    let result = match threshold {
        Some(t) => format!(
            "“{label}” exceeds {} at {} of the sampled points, covering {} of all points where it does",
            percent(t),
            percent(chosen.density),
            percent(chosen.coverage)
        ),
        None => format!(
            "“{label}” happens in {} of runs, covering {} of all runs where it happens",
            percent(chosen.density),
            percent(chosen.coverage)
        ),
    };
    let base = format!(
        " (over the whole sweep: {}; the box holds {} of the points)",
        percent(whole.density),
        percent(chosen.mass)
    );
    if conditions.is_empty() {
        format!("No parameter range stands out: {result}{base}.")
    } else {
        let conditions: Vec<&str> = conditions.iter().map(String::as_str).collect();
        format!("When {}, {result}{base}.", list(&conditions))
    }
}

/// A limit, to three significant digits.
fn limit(x: f64) -> String {
    let digits = if x.abs() >= 10.0 {
        1
    } else if x.abs() >= 1.0 {
        2
    } else {
        3
    };
    let t = format!("{x:.digits$}");
    t.trim_end_matches('0').trim_end_matches('.').to_string()
}
