//! The building blocks of entente's HTML pages (briefing.html, and the
//! briefings of `sensitivity` and `discover`): the document head with the
//! generator marker and the print CSS, the header, lists of sentences,
//! charts as inline SVG, tables, and escaping. Every page is
//! self-contained: no scripts, no external links, no `http(s)://`.

use std::fmt::Write;

use crate::chart::Figure;
use crate::format::thousands;
use crate::sweep::Manifest;
use crate::VERSION;

/// What marks a page as written by entente (any version), so that entente
/// replaces its own pages and no one else's.
const GENERATOR: &str = "<meta name=\"generator\" content=\"entente ";

/// Charts under one heading (none when empty).
#[derive(Debug, Clone)]
pub struct FigureSection {
    pub heading: String,
    pub figures: Vec<Figure>,
}

/// Whether `html` is a page entente wrote (so it may be replaced).
pub fn written_by_entente(html: &str) -> bool {
    html.contains(GENERATOR)
}

/// The start of a page, up to and including `<body>`.
pub fn begin(out: &mut String, title: &str) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         {GENERATOR}{}\">\n<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n",
        escape(VERSION),
        escape(title)
    );
}

/// The end of a page.
pub fn end(out: &mut String) {
    out.push_str("</body>\n</html>\n");
}

/// Title, question and "Made by entente <version> from <source>."
pub fn header(out: &mut String, title: &str, question: &str, source: &str) {
    let _ = writeln!(
        out,
        "<header>\n<h1>{}</h1>\n<p class=\"question\">{}</p>\n\
         <p class=\"byline\">Made by entente {} from {}.</p>\n</header>",
        escape(title),
        escape(question),
        escape(VERSION),
        escape(source)
    );
}

/// Sentences as a bulleted list.
pub fn sentences(out: &mut String, sentences: &[String]) {
    out.push_str("<ul>\n");
    for sentence in sentences {
        let _ = writeln!(out, "<li>{}</li>", escape(sentence));
    }
    out.push_str("</ul>\n");
}

/// The "Charts" section: each figure inline and numbered, under its
/// section's heading; nothing when there is no figure.
pub fn charts(out: &mut String, sections: &[FigureSection]) {
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

/// A table with a header row; `rows` hold HTML (escape text first).
pub fn table(out: &mut String, class: &str, headers: &[&str], rows: &[Vec<String>]) {
    let _ = write!(out, "<table class=\"{class}\">\n<thead><tr>");
    for header in headers {
        let _ = write!(out, "<th>{header}</th>");
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            let _ = write!(out, "<td>{cell}</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// The first facts of a provenance table: scenario, tool version, hash.
pub fn scenario_facts(
    scenario: &str,
    tool_version: &str,
    hash: &str,
) -> [(&'static str, String); 3] {
    [
        ("Scenario", format!("<code>{}</code>", escape(scenario))),
        ("Tool version", format!("entente {}", escape(tool_version))),
        (
            "Scenario hash",
            format!("<span class=\"hash\">{}</span>", escape(hash)),
        ),
    ]
}

/// A two-column table of facts (provenance, design): a name, then HTML.
pub fn facts(out: &mut String, rows: &[(&str, String)]) {
    out.push_str("<table class=\"provenance\">\n<tbody>\n");
    for (key, value) in rows {
        let _ = writeln!(out, "<tr><th>{key}</th><td>{value}</td></tr>");
    }
    out.push_str("</tbody>\n</table>\n");
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

/// "baseline-2016 (morris design, 24 points x 100 runs, seed 2016)".
pub(super) fn source(m: &Manifest) -> String {
    format!(
        "{} ({} design, {} points x {} runs, seed {})",
        m.scenario,
        m.design,
        thousands(m.points),
        thousands(m.runs),
        m.seed
    )
}

/// `<section id="ID"><h2>HEADING</h2>`, the body, `</section>`.
pub(super) fn section(out: &mut String, id: &str, heading: &str, body: impl FnOnce(&mut String)) {
    let _ = writeln!(out, "<section id=\"{id}\">\n<h2>{heading}</h2>");
    body(out);
    out.push_str("</section>\n");
}

/// Tool, scenario, its hash and the horizon, from manifest.json.
pub(super) fn provenance(out: &mut String, m: &Manifest, tables: &str) {
    let mut rows = scenario_facts(&m.scenario, &m.tool_version, &m.scenario_hash).to_vec();
    rows.extend([
        (
            "Horizon",
            format!(
                "{} ticks; outcomes read on the mean of the last {}, amity and enmity beyond ±{}",
                m.ticks, m.window, m.threshold
            ),
        ),
        (
            "Files",
            format!("manifest.json, {} in this folder", escape(tables)),
        ),
    ]);
    section(out, "provenance", "Provenance", |out| facts(out, &rows));
}

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
