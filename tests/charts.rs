//! Every chart kind is produced for the shipped scenarios, at the size
//! asked for, not blank, and as SVG that parses.

mod common;

use std::path::Path;

use common::{entente, scratch, succeed};

/// Decodes `path`, checks its size, and returns the share of pixels that
/// are not white.
fn ink(path: &Path, size: (u32, u32)) -> f64 {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    ));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut pixels).expect("decodes");
    assert_eq!((info.width, info.height), size, "{}", path.display());
    let channels = info.color_type.samples();
    let pixels = &pixels[..info.buffer_size()];
    let inked = pixels
        .chunks(channels)
        .filter(|p| p.iter().take(3).any(|&c| c < 240))
        .count();
    inked as f64 / (pixels.len() / channels) as f64
}

fn check_chart(dir: &Path, stem: &str, size: (u32, u32)) {
    let share = ink(&dir.join(format!("{stem}.png")), size);
    assert!(share > 0.01, "{stem}.png is blank ({share})");
    let svg =
        std::fs::read_to_string(dir.join(format!("{stem}.svg"))).expect("an SVG beside the PNG");
    let document = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{stem}.svg: {e}"));
    assert_eq!(document.root_element().tag_name().name(), "svg");
    assert!(svg.contains("<text"), "{stem}.svg has its labels as text");
}

#[test]
fn run_writes_every_chart_kind_at_the_requested_size() {
    let out = scratch("run");
    succeed(&[
        "run",
        "scenarios/japan_overtures.toml",
        "--runs",
        "120",
        "--size",
        "960x540",
        "--dyads",
        "CHN-RUS,JPN-RUS",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    let dir = out.join("japan-overtures");
    for stem in [
        "shares-triangle-USA-CHN-RUS",
        "shares-triangle-JPN-CHN-RUS",
        "shares-blocs",
        "shares-outcomes",
        "relations",
        "energy-price",
        "trade",
        "drivers",
        "network",
    ] {
        check_chart(&dir, stem, (960, 540));
    }
    let relations = std::fs::read_to_string(dir.join("relations.svg")).unwrap();
    assert!(relations.contains("JPN-RUS") || relations.contains("RUS-JPN"));
    assert!(
        !relations.contains(">USA-CHN<"),
        "--dyads replaces the default panels"
    );
}

#[test]
fn compare_writes_grouped_bars_and_a_decision_matrix() {
    let out = scratch("compare");
    succeed(&[
        "compare",
        "scenarios/quasi_alliance.toml",
        "scenarios/workshop/quasi-alliance_japan-overtures.toml",
        "scenarios/marriage_of_convenience.toml",
        "scenarios/workshop/marriage-of-convenience_japan-overtures.toml",
        "--runs",
        "100",
        "--name",
        "matrix",
        "--matrix",
        "stable marriage CHN+RUS vs USA",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    let dir = out.join("matrix");
    for stem in [
        "compare-triangle-USA-CHN-RUS",
        "compare-outcomes",
        "decision-matrix",
        "differences",
    ] {
        check_chart(&dir, stem, (1600, 900));
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("comparison.json")).unwrap())
            .unwrap();
    let matrix = &json["matrix"];
    assert_eq!(matrix["hypotheses"].as_array().unwrap().len(), 2);
    assert_eq!(
        matrix["policies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect::<Vec<_>>(),
        ["No new policy", "Japanese overtures to Russia"]
    );
    assert!(dir.join("briefing.html").exists());
}

#[test]
fn a_matrix_outcome_no_scenario_has_is_refused_before_running() {
    let out = scratch("bad-matrix");
    let result = entente(&[
        "compare",
        "scenarios/baseline_2016.toml",
        "scenarios/japan_overtures.toml",
        "--matrix",
        "stable marriage CHN+RUS vs US",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(result.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("did you mean `stable marriage CHN+RUS vs USA`"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing is written");

    // Both triangles have a loose triangle: the matrix must say which.
    let result = entente(&[
        "compare",
        "scenarios/baseline_2016.toml",
        "scenarios/japan_overtures.toml",
        "--matrix",
        "loose triangle",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(result.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr
            .contains("say which: `loose triangle (USA-CHN-RUS)`, `loose triangle (JPN-CHN-RUS)`"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn sweeps_draw_heatmaps_lines_and_scatters() {
    let out = scratch("sweep");
    let run = |args: &[&str]| {
        let mut all = vec![
            "sweep",
            "--quiet",
            "--size",
            "800x450",
            "--out",
            out.to_str().unwrap(),
        ];
        all.extend_from_slice(args);
        succeed(&all);
    };
    run(&[
        "tests/data/sweep_small.toml",
        "--param",
        "weights.identity=0:2:3",
        "--param",
        "weights.economy=0:2:3",
        "--runs",
        "20",
    ]);
    run(&[
        "scenarios/quasi_alliance.toml",
        "--param",
        "weights.economy=0:3:4",
        "--runs",
        "20",
    ]);
    run(&[
        "scenarios/baseline_2016.toml",
        "--param",
        "weights.identity=0..2",
        "--param",
        "weights.economy=0..2",
        "--design",
        "lhs",
        "--samples",
        "6",
        "--runs",
        "20",
    ]);
    let stems = |dir: &Path| -> Vec<String> {
        let mut stems: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.unwrap().file_name().into_string().ok())
            .filter_map(|n| n.strip_suffix(".png").map(String::from))
            .collect();
        stems.sort();
        stems
    };
    let mut kinds = Vec::new();
    for entry in std::fs::read_dir(&out).unwrap() {
        let dir = entry.unwrap().path();
        for stem in stems(&dir) {
            check_chart(&dir, &stem, (800, 450));
            kinds.push(stem.split('-').next().unwrap().to_string());
        }
    }
    for kind in ["heatmap", "sweep", "scatter"] {
        assert!(
            kinds.iter().any(|k| k == kind),
            "no {kind} chart among {kinds:?}"
        );
    }
}

#[test]
fn twelve_actors_chart_each_dyad_once() {
    let out = scratch("twelve");
    succeed(&[
        "run",
        "tests/data/twelve_actors.toml",
        "--runs",
        "60",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    let dir = out.join("twelve");
    for stem in ["shares-blocs", "relations", "drivers", "network", "trade"] {
        check_chart(&dir, stem, (1600, 900));
    }
    // Two triangles share USA-CHN (named CHN-USA in the second): one panel.
    let relations = std::fs::read_to_string(dir.join("relations.svg")).unwrap();
    let panels = |name: &str| relations.matches(&format!("\n{name}\n")).count();
    assert_eq!(panels("USA-CHN") + panels("CHN-USA"), 1);
    assert_eq!(panels("CHN-IND") + panels("IND-CHN"), 1);
}

/// `entente calibrate` draws prior against posterior, the informed pairs
/// and observed against simulated, and embeds them in its briefing.html,
/// which names every parameter and target; a briefing.html entente did
/// not write is kept unless forced.
#[test]
fn calibrate_draws_its_charts_and_page() {
    let out = scratch("calibrate");
    let folder = out.join("calibrate-small-calibration");
    std::fs::create_dir_all(&folder).unwrap();
    let page = folder.join("briefing.html");
    std::fs::write(&page, "<p>my notes</p>").unwrap();
    let args = [
        "calibrate",
        "tests/data/calibrate_small.toml",
        "--particles",
        "30",
        "--generations",
        "2",
        "--runs",
        "3",
        "--size",
        "1200x675",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ];
    let refused = entente(&args);
    assert_eq!(refused.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&page).unwrap(), "<p>my notes</p>");
    std::fs::remove_file(&page).unwrap();
    succeed(&args);
    for stem in ["prior-posterior", "posterior-pairs", "targets-fit"] {
        check_chart(&folder, stem, (1200, 675));
    }
    let html = std::fs::read_to_string(&page).unwrap();
    for name in [
        "weights.economy",
        "weights.identity",
        "CHN-RUS late",
        "USA-CHN late",
        "USA-RUS late",
    ] {
        assert!(html.contains(name), "the page names {name}");
    }
    // Three charts inline, each as the SVG written beside its PNG; nothing
    // links out or to a file.
    assert_eq!(html.matches("<figure>").count(), 3);
    for stem in ["prior-posterior", "posterior-pairs", "targets-fit"] {
        let svg = std::fs::read_to_string(folder.join(format!("{stem}.svg"))).unwrap();
        let first_text = svg.split("<text").nth(1).unwrap();
        assert!(html.contains(first_text.split("</text>").next().unwrap()));
    }
    for link in ["<img", "src=", "href=", "<script"] {
        assert!(!html.contains(link), "the page has no {link}");
    }
    // The tables: a row per generation (2), parameter (2) and target (3).
    assert_eq!(html.matches("<tr><td>").count(), 2 + 2 + 3);
    assert!(html.contains("<h2>Generations</h2>"), "{html}");
}
