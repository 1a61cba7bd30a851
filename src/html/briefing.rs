//! briefing.html: one self-contained page for readers who will not open a
//! CSV. It holds the question, each scenario's hypothesis, the key findings
//! in sentences, the comparison table, the charts (inline SVG), the
//! assumptions and the provenance. There are no scripts and no external
//! links; the CSS prints on A4. The page depends only on its input, so the
//! same results give the same bytes.

use std::fmt::Write;

use super::page::{self, escape, FigureSection};
use crate::chart::Figure;
use crate::format::{percent, thousands};
use crate::outcome::Family;
use crate::results::comparison::{Cell, Comparison, Row};
use crate::results::effects::Effects;
use crate::results::findings;
use crate::results::summary::Summary;

/// The file name `entente run` and `entente report` write.
pub const FILE: &str = "briefing.html";

/// Everything a briefing shows; [`BriefingInput::new`] fills in the
/// defaults.
#[derive(Debug, Clone)]
pub struct BriefingInput {
    pub title: String,
    pub question: String,
    /// The first is the reference of the comparison.
    pub summaries: Vec<Summary>,
    /// Present when there are two scenarios or more.
    pub comparison: Option<Comparison>,
    /// Every scenario's effect on the outcome the comparison is about,
    /// ranked; present with the comparison.
    pub effects: Option<Effects>,
    pub sections: Vec<FigureSection>,
}

impl BriefingInput {
    /// The default briefing of these runs: title and question derived from
    /// the summaries, a comparison when there are two or more, and one
    /// chart section per scenario (`figures[i]` belongs to `summaries[i]`).
    pub fn new(summaries: Vec<Summary>, figures: Vec<Vec<Figure>>) -> Self {
        let comparison = (summaries.len() > 1).then(|| Comparison::new(&summaries));
        let effects = comparison.as_ref().and_then(|c| {
            let outcome = Effects::focus(c, &summaries, None)?;
            Effects::new(c, &summaries, &outcome)
        });
        let sections = summaries
            .iter()
            .zip(figures)
            .map(|(summary, figures)| FigureSection {
                heading: summary.scenario.clone(),
                figures,
            })
            .collect();
        BriefingInput {
            title: default_title(&summaries),
            question: default_question(&summaries),
            summaries,
            comparison,
            effects,
            sections,
        }
    }
}

impl BriefingInput {
    /// Puts the analyst's title and question, where given, in place of the
    /// defaults.
    pub fn reword(&mut self, title: Option<&str>, question: Option<&str>) {
        if let Some(title) = title {
            self.title = title.to_string();
        }
        if let Some(question) = question {
            self.question = question.to_string();
        }
    }
}

/// One scenario's title, or the names of the scenarios compared.
pub fn default_title(summaries: &[Summary]) -> String {
    match summaries {
        [one] => one.title.clone(),
        _ => format!(
            "Scenarios compared: {}",
            summaries
                .iter()
                .map(|s| s.scenario.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// "How does the triangle of the United States, China and Russia end?",
/// from the first scenario's first triangle.
pub fn default_question(summaries: &[Summary]) -> String {
    let Some(first) = summaries.first() else {
        return "Which outcomes do the scenarios produce?".to_string();
    };
    match first.triangles.first() {
        Some([a, b, c]) => format!(
            "How does the triangle of {}, {} and {} end?",
            findings::actor(first, a),
            findings::actor(first, b),
            findings::actor(first, c)
        ),
        None => "Which blocs form, and which outcomes hold at the end?".to_string(),
    }
}

/// The page.
pub fn html(input: &BriefingInput) -> String {
    let mut out = String::new();
    page::begin(&mut out, &input.title);
    header(&mut out, input);
    hypotheses(&mut out, &input.summaries);
    key_findings(&mut out, input);
    if let Some(comparison) = &input.comparison {
        comparison_table(&mut out, comparison);
    }
    page::charts(&mut out, &input.sections);
    assumptions(&mut out, &input.summaries);
    provenance(&mut out, &input.summaries);
    page::end(&mut out);
    out
}

fn header(out: &mut String, input: &BriefingInput) {
    let runs: Vec<String> = input
        .summaries
        .iter()
        .map(|s| {
            format!(
                "{} ({} runs, seed {})",
                s.scenario,
                thousands(s.runs),
                s.seed
            )
        })
        .collect();
    page::header(out, &input.title, &input.question, &runs.join("; "));
}

fn hypotheses(out: &mut String, summaries: &[Summary]) {
    out.push_str("<section id=\"hypotheses\">\n<h2>Scenarios</h2>\n");
    for summary in summaries {
        let _ = writeln!(out, "<article>\n<h3>{}</h3>", escape(&summary.title));
        let mut labels = vec![format!(
            "Scenario <code>{}</code>",
            escape(&summary.scenario)
        )];
        for (name, value) in [
            ("Hypothesis", &summary.hypothesis),
            ("Policy", &summary.policy),
        ] {
            if !value.is_empty() {
                labels.push(format!("{name}: {}", escape(value)));
            }
        }
        let _ = writeln!(out, "<p class=\"labels\">{}</p>", labels.join(" · "));
        for paragraph in summary.description.split("\n\n") {
            let paragraph = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
            if !paragraph.is_empty() {
                let _ = writeln!(out, "<p>{}</p>", escape(&paragraph));
            }
        }
        out.push_str("</article>\n");
    }
    out.push_str("</section>\n");
}

fn key_findings(out: &mut String, input: &BriefingInput) {
    out.push_str("<section id=\"findings\">\n<h2>Key findings</h2>\n");
    let mut groups = findings::findings(&input.summaries, input.comparison.as_ref());
    if let Some(effects) = &input.effects {
        // The answer to "which policy moves it" leads.
        groups.insert(0, findings::effect_findings(effects));
    }
    for group in groups {
        if input.summaries.len() > 1 {
            let _ = writeln!(out, "<h3>{}</h3>", escape(&group.heading));
        }
        page::sentences(out, &group.sentences);
    }
    out.push_str(
        "<p class=\"note\">Shares are of runs, with 95% Wilson intervals; differences are \
         from the first scenario, with Newcombe's 95% interval, and are stated only where \
         that interval excludes zero.</p>\n</section>\n",
    );
}

fn comparison_table(out: &mut String, comparison: &Comparison) {
    let _ = writeln!(
        out,
        "<section id=\"comparison\">\n<h2>Comparison</h2>\n<p class=\"note\">Share of runs \
         (95% interval) per scenario; for each scenario after the first, the difference from \
         <code>{}</code> in percentage points (95% interval). <strong>Bold</strong> marks a \
         difference whose interval excludes zero.</p>\n<table class=\"comparison\">\n<thead><tr><th>Outcome</th>",
        escape(comparison.scenarios.first().map_or("", String::as_str))
    );
    for name in &comparison.scenarios {
        let _ = write!(out, "<th>{}</th>", escape(name));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    // Rows by group (a triangle, the blocs, the custom outcomes), groups in
    // the order they first appear: a later scenario's new outcome joins its group.
    let group = |row: &Row| match row.family {
        Family::Outcome => "custom outcomes (share of runs where each holds)".to_string(),
        Family::Triangle | Family::Blocs => row.classifier.clone(),
    };
    let mut groups: Vec<String> = Vec::new();
    for row in &comparison.rows {
        if !groups.contains(&group(row)) {
            groups.push(group(row));
        }
    }
    for heading in &groups {
        let _ = writeln!(
            out,
            "<tr class=\"group\"><th colspan=\"{}\">{}</th></tr>",
            comparison.scenarios.len() + 1,
            escape(heading)
        );
        for row in comparison.rows.iter().filter(|r| &group(r) == heading) {
            comparison_row(out, row);
        }
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn comparison_row(out: &mut String, row: &Row) {
    let label = match row.family {
        Family::Outcome => &row.classifier,
        _ => &row.outcome,
    };
    let _ = write!(out, "<tr><td>{}</td>", escape(label));
    for cell in &row.cells {
        out.push_str(&comparison_cell(cell.as_ref()));
    }
    out.push_str("</tr>\n");
}

fn comparison_cell(cell: Option<&Cell>) -> String {
    let Some(c) = cell else {
        return "<td class=\"num\">—</td>".to_string();
    };
    let share = format!(
        "{} <span class=\"ci\">({:.1}–{:.1})</span>",
        percent(c.share),
        100.0 * c.ci_low,
        100.0 * c.ci_high
    );
    match &c.difference {
        None => format!("<td class=\"num\">{share}</td>"),
        Some(d) => {
            let difference = format!(
                "{:+.1} <span class=\"ci\">({:+.1} to {:+.1})</span>",
                100.0 * d.estimate,
                100.0 * d.low,
                100.0 * d.high
            );
            let class = if d.is_clear() { " clear" } else { "" };
            format!(
                "<td class=\"num{class}\">{share}<br><span class=\"diff\">{difference}</span></td>"
            )
        }
    }
}

fn assumptions(out: &mut String, summaries: &[Summary]) {
    out.push_str("<section id=\"assumptions\">\n<h2>Assumptions</h2>\n");
    for summary in summaries {
        if summaries.len() > 1 {
            let _ = writeln!(out, "<h3>{}</h3>", escape(&summary.scenario));
        }
        let rows: Vec<Vec<String>> = summary
            .assumptions
            .iter()
            .map(|a| vec![escape(&a.group), escape(&a.item), escape(&a.value)])
            .collect();
        page::table(out, "assumptions", &["Group", "Item", "Value"], &rows);
    }
    out.push_str("</section>\n");
}

fn provenance(out: &mut String, summaries: &[Summary]) {
    out.push_str("<section id=\"provenance\">\n<h2>Provenance</h2>\n");
    for s in summaries {
        let sources: Vec<String> = s
            .sources
            .iter()
            .map(|f| {
                format!(
                    "<code>{}</code><br><span class=\"hash\">sha256 {}</span>",
                    escape(&f.path),
                    escape(&f.sha256)
                )
            })
            .collect();
        let mut rows =
            page::scenario_facts(&s.scenario, &s.tool_version, &s.scenario_hash).to_vec();
        rows.extend([
            ("Files", sources.join("<br>")),
            ("Seed", s.seed.to_string()),
            ("Runs", thousands(s.runs)),
            (
                "Horizon",
                format!(
                    "{} ticks ({} per year); outcomes read on the mean of the last {}, \
                     amity and enmity beyond ±{}",
                    s.ticks, s.ticks_per_year, s.window, s.threshold
                ),
            ),
        ]);
        page::facts(out, &rows);
    }
    out.push_str("</section>\n");
}
