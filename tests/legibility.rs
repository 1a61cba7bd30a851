//! Charts stay legible as studies grow: for every chart a comparison of 3,
//! 6, 12 and 20 scenarios writes, each scenario's own charts, and a
//! 12-actor world's, no two text boxes overlap, no text runs past the
//! canvas, and the swatches of a legend have distinct colours.
//!
//! A text box is estimated from the SVG's position, anchor and size with
//! the shipped DejaVu Sans' metrics through ab_glyph, measured as plotters
//! draws the PNG (at 1.24 times the SVG's font size, plotters' ratio), so
//! a box is the PNG's text. The checker is itself checked on planted
//! defects.

mod common;

use std::path::{Path, PathBuf};

use ab_glyph::{Font, FontRef, ScaleFont};
use common::{scratch, succeed};

static REGULAR: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../assets/fonts/DejaVuSans-Bold.ttf");

/// Overlaps and overruns smaller than this many pixels are rounding.
const SLACK: f64 = 2.0;

/// Plotters writes `size / 1.24` as the SVG's font size and draws the
/// bitmap at `size`.
const BITMAP_RATIO: f64 = 1.24;

#[derive(Debug, Clone)]
struct TextBox {
    text: String,
    left: f64,
    top: f64,
    right: f64,
    bottom: f64,
}

impl TextBox {
    fn overlap(&self, other: &TextBox) -> f64 {
        let w = self.right.min(other.right) - self.left.max(other.left);
        let h = self.bottom.min(other.bottom) - self.top.max(other.top);
        w.min(h)
    }
}

fn width_of(text: &str, bold: bool, pixels: f32) -> f64 {
    let font = FontRef::try_from_slice(if bold { BOLD } else { REGULAR }).expect("shipped font");
    let font = font.as_scaled(pixels);
    let mut width = 0.0f32;
    let mut previous = None;
    for c in text.chars() {
        let glyph = font.glyph_id(c);
        if let Some(p) = previous {
            width += font.kern(p, glyph);
        }
        width += font.h_advance(glyph);
        previous = Some(glyph);
    }
    f64::from(width)
}

fn number(node: roxmltree::Node, name: &str) -> f64 {
    node.attribute(name)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

/// The canvas size and every non-empty text's box.
fn text_boxes(svg: &str) -> ((f64, f64), Vec<TextBox>) {
    let document = roxmltree::Document::parse(svg).expect("the SVG parses");
    let root = document.root_element();
    let canvas = (number(root, "width"), number(root, "height"));
    let mut boxes = Vec::new();
    for node in document.descendants().filter(|n| n.has_tag_name("text")) {
        let text = node.text().unwrap_or("").trim().to_string();
        if text.is_empty() {
            continue;
        }
        let pixels = number(node, "font-size") * BITMAP_RATIO;
        let bold = node.attribute("font-weight") == Some("bold");
        let width = width_of(&text, bold, pixels as f32);
        let (x, y) = (number(node, "x"), number(node, "y"));
        let left = match node.attribute("text-anchor") {
            Some("middle") => x - width / 2.0,
            Some("end") => x - width,
            _ => x,
        };
        // Plotters' vertical anchors: top, centre, bottom.
        let top = match node.attribute("dy") {
            Some("0.76em") => y,
            Some("-0.5ex") => y - pixels,
            _ => y - pixels / 2.0,
        };
        let (mut l, mut t, mut r, mut b) = (left, top, left + width, top + pixels);
        // Axis titles are turned a quarter about their anchor.
        if let Some(rotation) = node.attribute("transform") {
            if rotation.starts_with("rotate(90") || rotation.starts_with("rotate(270") {
                let turn = |(px, py): (f64, f64)| (x - (py - y), y + (px - x));
                let (a, c) = (turn((l, t)), turn((r, b)));
                (l, t, r, b) = (a.0.min(c.0), a.1.min(c.1), a.0.max(c.0), a.1.max(c.1));
            }
        }
        boxes.push(TextBox {
            text,
            left: l,
            top: t,
            right: r,
            bottom: b,
        });
    }
    (canvas, boxes)
}

/// The fill colours of a legend's swatches: the small squares with a
/// label starting just to their right.
fn swatch_colours(svg: &str, labels: &[TextBox]) -> Vec<String> {
    let document = roxmltree::Document::parse(svg).expect("the SVG parses");
    let labelled = |n: &roxmltree::Node| {
        let (x, y) = (number(*n, "x"), number(*n, "y"));
        let (w, h) = (number(*n, "width"), number(*n, "height"));
        w == h
            && (8.0..=40.0).contains(&w)
            && labels.iter().any(|t| {
                let middle = (t.top + t.bottom) / 2.0;
                (x + w..=x + w + 24.0).contains(&t.left) && (y..=y + h).contains(&middle)
            })
    };
    document
        .descendants()
        .filter(|n| n.has_tag_name("rect") && labelled(n))
        .filter_map(|n| n.attribute("fill").map(str::to_string))
        .collect()
}

/// Every defect of one chart, in words.
fn problems(svg: &str) -> Vec<String> {
    let ((width, height), boxes) = text_boxes(svg);
    let mut found = Vec::new();
    for b in &boxes {
        if b.left < -SLACK || b.top < -SLACK || b.right > width + SLACK || b.bottom > height + SLACK
        {
            found.push(format!(
                "`{}` runs past the {width}x{height} canvas (box {:.0},{:.0} to {:.0},{:.0})",
                b.text, b.left, b.top, b.right, b.bottom
            ));
        }
    }
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            let overlap = a.overlap(b);
            if overlap > SLACK {
                found.push(format!(
                    "`{}` and `{}` overlap by {overlap:.0} px",
                    a.text, b.text
                ));
            }
        }
    }
    let colours = swatch_colours(svg, &boxes);
    for (i, colour) in colours.iter().enumerate() {
        if colours[..i].contains(colour) {
            found.push(format!("two legend swatches share the colour {colour}"));
        }
    }
    found
}

fn assert_legible(name: &str, svg: &str) {
    let found = problems(svg);
    assert!(
        found.is_empty(),
        "{name} is not legible:\n  {}",
        found.join("\n  ")
    );
}

fn svgs(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("a result folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            found.extend(svgs(&path));
        } else if path.extension().is_some_and(|e| e == "svg") {
            found.push(path);
        }
    }
    found.sort();
    found
}

/// Checks every SVG under `dir`, naming every defect of every chart.
fn check_folder(dir: &Path) -> usize {
    let mut failures = Vec::new();
    let files = svgs(dir);
    for path in &files {
        let svg = std::fs::read_to_string(path).expect("readable");
        for problem in problems(&svg) {
            failures.push(format!("{}: {problem}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    files.len()
}

const PLANTED: &str = r##"<svg width="400" height="100" viewBox="0 0 400 100" xmlns="http://www.w3.org/2000/svg">
<text x="10" y="50" dy="0.5ex" text-anchor="start" font-family="sans-serif" font-size="16" fill="#222222">
Tighter Western sanctions
</text>
<text x="150" y="55" dy="0.5ex" text-anchor="start" font-family="sans-serif" font-size="16" fill="#222222">
Energy price collapse
</text>
<text x="390" y="90" dy="0.5ex" text-anchor="start" font-family="sans-serif" font-size="16" fill="#222222">
cut
</text>
<rect x="10" y="10" width="20" height="20" fill="#0072B2"/>
<text x="36" y="20" dy="0.5ex" text-anchor="start" font-family="sans-serif" font-size="12" fill="#222222">
one
</text>
<rect x="110" y="10" width="20" height="20" fill="#0072B2"/>
<text x="136" y="20" dy="0.5ex" text-anchor="start" font-family="sans-serif" font-size="12" fill="#222222">
two
</text>
</svg>"##;

#[test]
#[should_panic(expected = "overlap")]
fn the_checker_fails_on_a_planted_overlap() {
    assert_legible("planted.svg", PLANTED);
}

#[test]
fn the_checker_names_each_planted_defect() {
    let found = problems(PLANTED);
    assert!(
        found
            .iter()
            .any(|p| p.contains("`Tighter Western sanctions` and `Energy price collapse` overlap")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|p| p.contains("`cut` runs past")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|p| p.contains("share the colour #0072B2")),
        "{found:?}"
    );
    assert_eq!(found.len(), 3, "{found:?}");
    // Apart, the same words pass.
    let apart = PLANTED.replace("x=\"150\" y=\"55\"", "x=\"250\" y=\"55\"");
    assert!(!problems(&apart).iter().any(|p| p.contains("overlap")));
}

/// The workshop's twelve scenarios and eight more that combine two
/// policies, written in `dir`; the first `n` of them.
fn scenarios(dir: &Path, n: usize) -> Vec<String> {
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<String> = [
        "baseline_2016.toml",
        "energy_collapse.toml",
        "japan_overtures.toml",
        "sanctions_tighten.toml",
        "quasi_alliance.toml",
        "marriage_of_convenience.toml",
        "workshop/quasi-alliance_energy-collapse.toml",
        "workshop/quasi-alliance_japan-overtures.toml",
        "workshop/quasi-alliance_sanctions-tighten.toml",
        "workshop/marriage-of-convenience_energy-collapse.toml",
        "workshop/marriage-of-convenience_japan-overtures.toml",
        "workshop/marriage-of-convenience_sanctions-tighten.toml",
    ]
    .iter()
    .map(|f| shipped.join(f).display().to_string())
    .collect();
    std::fs::create_dir_all(dir).expect("a scratch folder");
    let pairs = [
        (
            "japan_overtures",
            "sanctions_tighten",
            "Japanese overtures and tighter sanctions",
        ),
        (
            "japan_overtures",
            "energy_collapse",
            "Japanese overtures and an energy price collapse",
        ),
        (
            "sanctions_tighten",
            "energy_collapse",
            "Tighter sanctions and an energy price collapse",
        ),
    ];
    for hypothesis in ["quasi_alliance", "marriage_of_convenience", "baseline_2016"] {
        for (a, b, policy) in pairs {
            let name = format!("{hypothesis}-{a}-{b}").replace('_', "-");
            let path = dir.join(format!("{name}.toml"));
            let text = format!(
                "extends = [\"{base}/{hypothesis}.toml\", \"{base}/policies/{a}.toml\", \"{base}/policies/{b}.toml\"]\n\n\
                 [scenario]\nname = \"{name}\"\ntitle = \"{hypothesis} with {policy}\"\npolicy = \"{policy}\"\n",
                base = shipped.display()
            );
            std::fs::write(&path, text).expect("written");
            files.push(path.display().to_string());
        }
    }
    files.truncate(n);
    files
}

#[test]
fn comparisons_of_3_6_12_and_20_scenarios_are_legible() {
    let out = scratch("compare");
    let files = scenarios(&out.join("extra"), 20);
    for n in [3, 6, 12, 20] {
        let name = format!("n{n}");
        let mut args: Vec<&str> = vec!["compare"];
        args.extend(files[..n].iter().map(String::as_str));
        let out_text = out.display().to_string();
        args.extend([
            "--runs",
            "60",
            "--name",
            &name,
            "--matrix",
            "stable marriage CHN+RUS vs USA",
            "--quiet",
            "--out",
            &out_text,
        ]);
        succeed(&args);
        let dir = out.join(&name);
        for stem in [
            "compare-triangle-USA-CHN-RUS",
            "differences",
            "decision-matrix",
        ] {
            assert!(
                dir.join(format!("{stem}.svg")).exists(),
                "{name}: {stem}.svg"
            );
        }
        let checked = check_folder(&dir);
        assert!(checked > n * 5, "{name}: only {checked} charts");
    }
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn a_twelve_actor_world_is_legible() {
    let out = scratch("twelve");
    std::fs::create_dir_all(&out).expect("a scratch folder");
    let ids = [
        "USA", "CHN", "RUS", "JPN", "KOR", "EUU", "IND", "PAK", "IRN", "TUR", "SAU", "AUS",
    ];
    // A fixed sequence in [0, 1), so that every actor and pair differs.
    let unit = |k: usize| (k as f64 * 0.618_033_988_75) % 1.0;
    let mut toml = String::from(
        "[scenario]\nname = \"twelve\"\nticks = 24\nwindow = 6\nseed = 1\nruns = 40\n\
         triangles = [[\"USA\", \"CHN\", \"RUS\"], [\"JPN\", \"CHN\", \"RUS\"]]\n\n",
    );
    for (i, id) in ids.iter().enumerate() {
        toml.push_str(&format!(
            "[[actors]]\nid = \"{id}\"\ngdp = {:.1}\nmilitary = {:.1}\n\n",
            100.0 + 18000.0 * unit(i + 1),
            10.0 + 600.0 * unit(i + 3)
        ));
    }
    for a in 0..ids.len() {
        for b in a + 1..ids.len() {
            let k = a * ids.len() + b;
            toml.push_str(&format!(
                "[[dyads]]\npair = [\"{}\", \"{}\"]\ntrade = {:.1}\nrelation = {:.2}\n\n",
                ids[a],
                ids[b],
                1.0 + 600.0 * unit(k),
                -0.5 + unit(k + 11)
            ));
        }
    }
    let file = out.join("twelve.toml");
    std::fs::write(&file, toml).expect("written");
    succeed(&[
        "run",
        file.to_str().unwrap(),
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    let checked = check_folder(&out.join("twelve"));
    assert!(checked >= 5, "only {checked} charts");
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn sweep_sensitivity_and_discovery_charts_are_legible() {
    let out = scratch("sweeps");
    let out_text = out.display().to_string();
    let run = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--quiet", "--out", &out_text]);
        succeed(&all);
    };
    let small = "tests/data/sweep_small.toml";
    let identity = "weights.identity=0:2:3";
    // One parameter (lines), two on a grid (heatmaps), a Latin hypercube
    // (scatter, then discovery's peeling chart), and Morris (tornado).
    run(&["sweep", small, "--param", identity, "--runs", "12"]);
    run(&[
        "sweep",
        "scenarios/quasi_alliance.toml",
        "--param",
        identity,
        "--param",
        "weights.economy=0:2:3",
        "--runs",
        "12",
    ]);
    run(&[
        "sweep",
        "scenarios/baseline_2016.toml",
        "--param",
        "weights.identity=0..2",
        "--param",
        "weights.economy=0..2",
        "--design",
        "lhs",
        "--samples",
        "24",
        "--runs",
        "12",
    ]);
    let lhs = out.join("baseline-2016-sweep");
    succeed(&[
        "discover",
        lhs.to_str().unwrap(),
        "--outcome",
        "stable marriage CHN+RUS vs USA",
    ]);
    let mut morris = vec!["sensitivity", small, "--method", "morris"];
    morris.extend([
        "--trajectories",
        "3",
        "--runs",
        "12",
        "--param",
        "weights.identity=0..1.5",
        "--param",
        "weights.economy=0..1.5",
        "--outcome",
        "stable marriage CHN+RUS vs USA",
    ]);
    run(&morris);
    let checked = check_folder(&out);
    assert!(checked >= 6, "only {checked} charts");
    let _ = std::fs::remove_dir_all(&out);
}

/// The hindcast's calibration charts: nineteen parameters over two
/// figures of panels, six pairs, nine targets.
#[test]
fn calibration_charts_are_legible() {
    let out = scratch("calibration");
    succeed(&[
        "calibrate",
        "scenarios/history/hindcast_2014.toml",
        "--particles",
        "12",
        "--generations",
        "2",
        "--runs",
        "2",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(check_folder(&out), 4);
    let _ = std::fs::remove_dir_all(&out);
}
