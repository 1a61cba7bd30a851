//! briefing.html: one self-contained page for readers who will not open a
//! CSV. It holds the question, each scenario's hypothesis, the key findings
//! in sentences, the comparison table, the charts (inline SVG), the
//! assumptions and the provenance. There are no scripts and no external
//! links; the CSS prints on A4. The page depends only on its input, so the
//! same results give the same bytes.

use std::fmt::Write;

use super::comparison::{Cell, Comparison, Row};
use super::findings;
use super::summary::{Summary, TOOL_VERSION};
use crate::chart::{percent, thousands, Figure};
use crate::outcome::Family;

/// The file name `entente run` and `entente report` write.
pub const FILE: &str = "briefing.html";

/// What marks a briefing as written by entente (any version).
const GENERATOR: &str = "<meta name=\"generator\" content=\"entente ";

/// Charts under one heading (a scenario's, or the comparison's).
#[derive(Debug, Clone)]
pub struct FigureSection {
    pub heading: String,
    pub figures: Vec<Figure>,
}

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
    pub sections: Vec<FigureSection>,
}

impl BriefingInput {
    /// The default briefing of these runs: title and question derived from
    /// the summaries, a comparison when there are two or more, and one
    /// chart section per scenario (`figures[i]` belongs to `summaries[i]`).
    pub fn new(summaries: Vec<Summary>, figures: Vec<Vec<Figure>>) -> Self {
        let comparison = (summaries.len() > 1).then(|| Comparison::new(&summaries));
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

/// Whether `html` is a briefing entente wrote (so it may be replaced).
pub fn written_by_entente(html: &str) -> bool {
    html.contains(GENERATOR)
}

/// The page.
pub fn html(input: &BriefingInput) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         {GENERATOR}{}\">\n<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n",
        escape(TOOL_VERSION),
        escape(&input.title)
    );
    header(&mut out, input);
    hypotheses(&mut out, &input.summaries);
    key_findings(&mut out, input);
    if let Some(comparison) = &input.comparison {
        comparison_table(&mut out, comparison);
    }
    charts(&mut out, &input.sections);
    assumptions(&mut out, &input.summaries);
    provenance(&mut out, &input.summaries);
    out.push_str("</body>\n</html>\n");
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
    let _ = writeln!(
        out,
        "<header>\n<h1>{}</h1>\n<p class=\"question\">{}</p>\n\
         <p class=\"byline\">Made by entente {} from {}.</p>\n</header>",
        escape(&input.title),
        escape(&input.question),
        escape(TOOL_VERSION),
        escape(&runs.join("; "))
    );
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
    let groups = findings::findings(&input.summaries, input.comparison.as_ref());
    for group in groups {
        if input.summaries.len() > 1 {
            let _ = writeln!(out, "<h3>{}</h3>", escape(&group.heading));
        }
        out.push_str("<ul>\n");
        for sentence in &group.sentences {
            let _ = writeln!(out, "<li>{}</li>", escape(sentence));
        }
        out.push_str("</ul>\n");
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

fn charts(out: &mut String, sections: &[FigureSection]) {
    if sections.iter().all(|s| s.figures.is_empty()) {
        return;
    }
    out.push_str("<section id=\"charts\">\n<h2>Charts</h2>\n");
    let mut number = 0;
    for section in sections.iter().filter(|s| !s.figures.is_empty()) {
        if !section.heading.is_empty() {
            let _ = writeln!(out, "<h3>{}</h3>", escape(&section.heading));
        }
        for figure in &section.figures {
            number += 1;
            let _ = writeln!(
                out,
                "<figure>\n{}\n<figcaption>Figure {number}. {}</figcaption>\n</figure>",
                inline_svg(&figure.svg, &figure.title),
                escape(&figure.title)
            );
        }
    }
    out.push_str("</section>\n");
}

fn assumptions(out: &mut String, summaries: &[Summary]) {
    out.push_str("<section id=\"assumptions\">\n<h2>Assumptions</h2>\n");
    for summary in summaries {
        if summaries.len() > 1 {
            let _ = writeln!(out, "<h3>{}</h3>", escape(&summary.scenario));
        }
        out.push_str(
            "<table class=\"assumptions\">\n<thead><tr><th>Group</th><th>Item</th><th>Value</th></tr></thead>\n<tbody>\n",
        );
        for a in &summary.assumptions {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&a.group),
                escape(&a.item),
                escape(&a.value)
            );
        }
        out.push_str("</tbody>\n</table>\n");
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
        let rows = [
            ("Scenario", format!("<code>{}</code>", escape(&s.scenario))),
            (
                "Tool version",
                format!("entente {}", escape(&s.tool_version)),
            ),
            (
                "Scenario hash",
                format!("<span class=\"hash\">{}</span>", escape(&s.scenario_hash)),
            ),
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
        ];
        out.push_str("<table class=\"provenance\">\n<tbody>\n");
        for (key, value) in rows {
            let _ = writeln!(out, "<tr><th>{key}</th><td>{value}</td></tr>");
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</section>\n");
}

/// A chart's SVG made fit to sit inside HTML: no XML prolog, no namespace
/// declarations (HTML's parser puts `<svg>` in the SVG namespace itself),
/// a `viewBox` so that it scales, and a label for screen readers.
fn inline_svg(svg: &str, title: &str) -> String {
    let mut text = svg.trim();
    while text.starts_with("<?") || text.starts_with("<!") {
        text = text
            .find('>')
            .map_or("", |end| text[end + 1..].trim_start());
    }
    let Some(body) = text.strip_prefix("<svg") else {
        return String::new();
    };
    let end = body.find('>').unwrap_or(body.len());
    let (tag, rest) = body.split_at(end);
    let attributes = attributes(tag.trim_end_matches('/'));
    let value = |name: &str| {
        attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let mut open = String::from("<svg");
    for (name, value) in &attributes {
        if name != "xmlns" && !name.starts_with("xmlns:") {
            let _ = write!(open, " {name}=\"{value}\"");
        }
    }
    if value("viewBox").is_none() {
        if let (Some(w), Some(h)) = (value("width"), value("height")) {
            let _ = write!(open, " viewBox=\"0 0 {w} {h}\"");
        }
    }
    let _ = write!(open, " role=\"img\" aria-label=\"{}\"", escape(title));
    let self_closing = if tag.ends_with('/') { "/" } else { "" };
    // Text inside a chart may quote an address; keep it from reading as a link.
    format!("{open}{self_closing}{rest}")
        .replace("http://", "http&#58;//")
        .replace("https://", "https&#58;//")
}

/// The `name="value"` pairs of a start tag.
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut rest = tag.trim();
    while let Some(eq) = rest.find('=') {
        let name = rest[..eq].trim().to_string();
        let after = rest[eq + 1..].trim_start();
        let quote = after.chars().next().unwrap_or('"');
        let inner = &after[1..];
        let close = inner.find(quote).unwrap_or(inner.len());
        pairs.push((name, inner[..close].to_string()));
        rest = inner.get(close + 1..).unwrap_or("").trim_start();
    }
    pairs
}

/// Text for HTML: markup characters escaped, and `://` broken so that no
/// address in a scenario's words becomes a link.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out.replace("://", "&#58;//")
}

const CSS: &str = r#"@page { size: A4; margin: 15mm; }
* { box-sizing: border-box; }
html { color-scheme: light; }
body {
  font-family: "DejaVu Sans", sans-serif;
  font-size: 11pt;
  line-height: 1.45;
  color: #1e1e1e;
  background: #fff;
  max-width: 62rem;
  margin: 0 auto;
  padding: 1.5rem 1.5rem 3rem;
}
header { border-bottom: 3px solid #1e1e1e; padding-bottom: .6rem; margin-bottom: 1rem; }
h1 { font-size: 1.7em; line-height: 1.2; margin: 0 0 .4em; }
h2 { font-size: 1.3em; margin: 1.6em 0 .5em; padding-bottom: .15em; border-bottom: 1px solid #bbb; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 1.05em; margin: 1.2em 0 .4em; break-after: avoid; page-break-after: avoid; }
.question { font-size: 1.2em; font-style: italic; margin: .2em 0 .5em; }
.byline, .labels, .note { color: #555; font-size: .85em; }
article { break-inside: avoid; page-break-inside: avoid; }
article p { margin: .3em 0; }
ul { padding-left: 1.3em; }
li { margin: .35em 0; break-inside: avoid; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: .9em; }
.hash { font-family: "DejaVu Sans Mono", monospace; font-size: .8em; overflow-wrap: anywhere; word-break: break-all; }
figure { margin: 1rem 0 1.5rem; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; width: 100%; height: auto; max-width: 100%; border: 1px solid #e4e4e4; }
figcaption { font-size: .85em; color: #444; margin-top: .3em; }
table { border-collapse: collapse; width: 100%; max-width: 100%; font-size: .85em; margin: .4em 0 1.2em; table-layout: auto; }
th, td { text-align: left; vertical-align: top; padding: .3em .5em; border-bottom: 1px solid #ddd; overflow-wrap: anywhere; }
thead th { background: #f0f0f0; border-bottom: 2px solid #999; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
tr.group th { background: #fafafa; font-weight: bold; font-style: italic; padding-top: .6em; }
td.num { text-align: right; font-variant-numeric: tabular-nums; overflow-wrap: normal; }
.ci { color: #666; font-size: .9em; }
.diff { color: #555; }
td.clear .diff { color: #1e1e1e; font-weight: bold; }
table.provenance th { width: 9em; background: none; font-weight: bold; }
@media print {
  body { max-width: none; padding: 0; font-size: 9.5pt; }
  h2 { break-before: auto; }
  #charts h3 { break-before: page; page-break-before: always; }
  #charts h3:first-of-type { break-before: auto; page-break-before: auto; }
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_is_made_inline_and_scalable() {
        let svg = "<?xml version=\"1.0\"?>\n<svg width=\"1600\" height=\"900\" xmlns=\"http://www.w3.org/2000/svg\">\n<text>see https://example.org</text>\n</svg>\n";
        let inline = inline_svg(svg, "A <chart>");
        assert!(inline.starts_with(
            "<svg width=\"1600\" height=\"900\" viewBox=\"0 0 1600 900\" role=\"img\" aria-label=\"A &lt;chart&gt;\">"
        ), "{inline}");
        assert!(!inline.contains("http://") && !inline.contains("https://"));
        assert!(inline.ends_with("</svg>"));
        let kept = inline_svg(
            "<svg width=\"4\" height=\"3\" viewBox=\"0 0 8 6\"></svg>",
            "t",
        );
        assert!(kept.contains("viewBox=\"0 0 8 6\"") && kept.matches("viewBox").count() == 1);
    }

    #[test]
    fn text_is_escaped_and_addresses_are_not_links() {
        assert_eq!(
            escape("a<b & \"c\" 'd' https://x"),
            "a&lt;b &amp; &quot;c&quot; &#39;d&#39; https&#58;//x"
        );
    }
}
