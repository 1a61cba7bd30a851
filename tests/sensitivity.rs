//! `entente sensitivity` and `entente discover` end to end on the small
//! sweep scenario, with tiny sizes: the files, their shape, resumption and
//! the errors.

mod common;

use std::fs;
use std::path::Path;

use common::{entente, scratch, succeed, sweep, SWEEP_SMALL};
use entente::format::csv;
use entente::sweep::read_table;

const OUTCOME: &str = "stable marriage CHN+RUS vs USA";
const PARAMS: [&str; 6] = [
    "--param",
    "weights.identity=0..1.5",
    "--param",
    "weights.economy=0..1.5",
    "--param",
    "weights.balance=0.2..1.2",
];

/// A small Morris analysis of OUTCOME: 3 trajectories of 4 points.
const MORRIS: [&str; 8] = [
    "--method",
    "morris",
    "--trajectories",
    "3",
    "--runs",
    "12",
    "--outcome",
    OUTCOME,
];

/// `sensitivity SWEEP_SMALL --out OUT`, the three `PARAMS`, then `extra`.
fn sensitivity_args<'a>(out: &'a Path, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["sensitivity", SWEEP_SMALL, "--out", out.to_str().unwrap()];
    args.extend_from_slice(&PARAMS);
    args.extend_from_slice(extra);
    args
}

/// A briefing page entente wrote, whole and self-contained, with `charts`
/// inline charts; returns its text.
fn briefing(path: &Path, charts: usize) -> String {
    let html = fs::read_to_string(path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.ends_with("</html>\n"));
    assert!(html.contains("<meta name=\"generator\" content=\"entente "));
    assert!(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"));
    assert_eq!(html.matches("<svg ").count(), charts, "{}", path.display());
    html
}

fn rows(path: &Path) -> Vec<Vec<String>> {
    csv::parse(&fs::read_to_string(path).unwrap())
        .unwrap()
        .iter()
        .map(|record| record.cells.iter().map(|c| c.text.clone()).collect())
        .collect()
}

#[test]
fn morris_writes_the_indices_and_the_tornado_chart() {
    let out = scratch("morris");
    let stdout = succeed(&sensitivity_args(&out, &MORRIS));
    assert!(
        stdout.starts_with("sweep-small: morris over 3 parameters"),
        "{stdout}"
    );
    assert!(
        stdout.contains("12 points x 12 runs = 144 model runs"),
        "{stdout}"
    );
    let dir = out.join("sweep-small-morris");
    let table = read_table(&dir).unwrap();
    assert_eq!(table.design, "morris");
    assert_eq!(table.points.len(), 3 * 4);
    let csv = rows(&dir.join("sensitivity.csv"));
    assert_eq!(
        csv[0].join(","),
        "outcome,parameter,method,index,value,ci_low,ci_high"
    );
    assert_eq!(csv.len(), 1 + 3 * 3, "mu_star, mu and sigma per parameter");
    assert!(csv[1..]
        .iter()
        .all(|r| r.len() == 7 && r[0] == OUTCOME && r[2] == "morris"));
    let indices: Vec<&str> = csv[1..4].iter().map(|r| r[3].as_str()).collect();
    assert_eq!(indices, ["mu_star", "mu", "sigma"]);
    for ext in ["png", "svg"] {
        let chart = dir.join(format!("tornado-stable-marriage-chn-rus-vs-usa.{ext}"));
        assert!(fs::metadata(&chart).unwrap().len() > 1000, "{chart:?}");
    }
    // The briefing quotes the CSV: the leader's mu* and interval, and each
    // parameter is named; it is written after the CSV and the chart.
    let html = briefing(&dir.join("briefing.html"), 1);
    assert!(html.contains(&format!("<h1>Which parameters decide “{OUTCOME}”</h1>")));
    let mu_star: Vec<&Vec<String>> = csv[1..].iter().filter(|r| r[3] == "mu_star").collect();
    let number = |s: &str| s.parse::<f64>().unwrap();
    let lead = mu_star
        .iter()
        .max_by(|a, b| number(&a[4]).total_cmp(&number(&b[4])))
        .unwrap();
    let quoted = format!(
        "(mu* {:.2}, 95% CI {:.2}–{:.2})",
        number(&lead[4]),
        number(&lead[5]),
        number(&lead[6])
    );
    let claim = if number(&lead[5]) > 0.0 {
        format!("<li>{} matters most {quoted}", lead[1])
    } else {
        format!("even {}&#39;s interval reaches zero {quoted}", lead[1])
    };
    assert!(html.contains(&claim), "{claim} not in {html}");
    for r in &mu_star {
        assert!(html.contains(&format!("<li>{}", r[1])) || html.contains(&format!(" {}", r[1])));
    }
    assert!(html.contains("<code>weights.balance</code> 0.2..1.2"));
    assert!(html.contains("12 points x 12 runs = 144 model runs"));
    assert!(html.contains(&read_table(&dir).unwrap().manifest.scenario_hash));
    let modified = |name: &str| fs::metadata(dir.join(name)).unwrap().modified().unwrap();
    assert!(modified("briefing.html") >= modified("sensitivity.csv"));
    assert!(modified("briefing.html") >= modified("tornado-stable-marriage-chn-rus-vs-usa.svg"));
    // Again: every point is done, so nothing runs and the files are the same.
    let before = fs::read(dir.join("sensitivity.csv")).unwrap();
    succeed(&sensitivity_args(&out, &[&MORRIS[..], &["-q"]].concat()));
    assert_eq!(before, fs::read(dir.join("sensitivity.csv")).unwrap());
    assert_eq!(html, fs::read_to_string(dir.join("briefing.html")).unwrap());
    let _ = fs::remove_dir_all(&out);
}

#[test]
fn a_briefing_entente_did_not_write_is_kept_without_force() {
    let out = scratch("foreign");
    let dir = out.join("sweep-small-morris");
    fs::create_dir_all(&dir).unwrap();
    let page = dir.join("briefing.html");
    fs::write(&page, "<html>my notes</html>").unwrap();
    let output = entente(&sensitivity_args(&out, &MORRIS));
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("was not written by entente"));
    assert_eq!(fs::read_to_string(&page).unwrap(), "<html>my notes</html>");
    assert!(!dir.join("sweep.csv").exists(), "refused before running");
    succeed(&sensitivity_args(
        &out,
        &[&MORRIS[..], &["-q", "--force"]].concat(),
    ));
    briefing(&page, 1);
    let _ = fs::remove_dir_all(&out);
}

#[test]
fn sobol_writes_first_and_total_indices_for_each_main_outcome() {
    let out = scratch("sobol");
    succeed(&sensitivity_args(
        &out,
        &[
            "--method",
            "sobol",
            "--samples",
            "8",
            "--runs",
            "10",
            "--bootstrap",
            "50",
            "-q",
        ],
    ));
    let dir = out.join("sweep-small-sobol");
    assert_eq!(read_table(&dir).unwrap().points.len(), 8 * (3 + 2));
    let csv = rows(&dir.join("sensitivity.csv"));
    let mut outcomes: Vec<&String> = csv[1..].iter().map(|r| &r[0]).collect();
    outcomes.dedup();
    assert!(
        !outcomes.is_empty() && (csv.len() - 1).is_multiple_of(6),
        "S1 and ST per parameter"
    );
    assert!(csv[1..].iter().all(|r| r[3] == "S1" || r[3] == "ST"));
    let charts = fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name();
            let name = name.to_string_lossy();
            name.starts_with("tornado-") && name.ends_with(".png")
        })
        .count();
    assert_eq!(charts, (csv.len() - 1) / 6, "one chart per outcome");
    let html = briefing(&dir.join("briefing.html"), charts);
    assert!(html.contains("<h1>Which parameters decide the outcomes</h1>"));
    assert!(html.contains("The first-order indices add up to"));
    for outcome in outcomes {
        assert!(html.contains(&format!("<h3>“{outcome}”</h3>")), "{outcome}");
    }
    let _ = fs::remove_dir_all(&out);
}

#[test]
fn bad_requests_exit_2_with_help() {
    let out = scratch("bad");
    for (extra, expected) in [
        (vec!["--method", "sobel"], "did you mean `sobol`"),
        (
            vec!["--outcome", "stable marriage CHN+RUS vs USX"],
            "did you mean",
        ),
    ] {
        let output = entente(&sensitivity_args(&out, &extra));
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{stderr}");
    }
    let output = entente(&[
        "sensitivity",
        SWEEP_SMALL,
        "--param",
        "weights.identiy=0..1",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("did you mean `identity`"));
    let output = entente(&[
        "sensitivity",
        SWEEP_SMALL,
        "--param",
        "weights.identity=0:1:3",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("a..b"));
    assert!(!out.exists(), "nothing written");
}

#[test]
fn dry_run_prints_the_design_and_writes_nothing() {
    let out = scratch("dry-run");
    // Sobol over 3 parameters, N = 16: 16 x (3 + 2) = 80 points; shard 2/3
    // holds points 26 to 53.
    let stdout = succeed(&sensitivity_args(
        &out,
        &[
            "--method",
            "sobol",
            "--samples",
            "16",
            "--runs",
            "7",
            "--shard",
            "2/3",
            "--dry-run",
        ],
    ));
    for expected in [
        "sobol design over weights.identity=0..1.5",
        "shard 2/3: points 26 to 53 of 80",
        "27 points x 7 runs = 189 runs",
        "estimated time:",
        "sweep-small-sobol.shard-2-of-3",
    ] {
        assert!(stdout.contains(expected), "`{expected}` not in:\n{stdout}");
    }
    assert!(!out.exists(), "a dry run wrote {}", out.display());
}

#[test]
fn discover_finds_a_box_in_a_latin_hypercube_sweep() {
    let out = scratch("discover");
    sweep(
        &out,
        &[
            "--design",
            "lhs",
            "--samples",
            "40",
            "--runs",
            "10",
            "--param",
            "weights.identity=0..1.5",
            "--param",
            "weights.economy=0..1.5",
        ],
    );
    let dir = out.join("sweep-small-sweep");
    let d = dir.to_str().unwrap();
    let stdout = succeed(&["discover", d, "--outcome", OUTCOME]);
    assert!(stdout.contains(OUTCOME), "{stdout}");
    assert!(
        stdout.starts_with("When ") || stdout.starts_with("No parameter range"),
        "{stdout}"
    );
    let csv = rows(&dir.join("discover-stable-marriage-chn-rus-vs-usa.csv"));
    assert_eq!(
        csv[0].join(","),
        "step,coverage,density,mass,points,chosen,weights.identity lo,weights.identity hi,weights.economy lo,weights.economy hi"
    );
    assert!(csv.len() > 2, "a trajectory of boxes");
    assert_eq!(csv[1][0], "0");
    assert_eq!(csv[1][3], "1", "the first box holds every point");
    assert_eq!(csv[1..].iter().filter(|r| r[5] == "true").count(), 1);
    assert!(dir
        .join("discover-stable-marriage-chn-rus-vs-usa-peeling.png")
        .exists());
    assert!(dir
        .join("discover-stable-marriage-chn-rus-vs-usa-peeling.svg")
        .exists());
    // The page holds the printed sentence, the chart and the box.
    let html = briefing(
        &dir.join("briefing-discover-stable-marriage-chn-rus-vs-usa.html"),
        1,
    );
    let sentence = stdout.lines().next().unwrap();
    assert!(html.contains(&format!("<li>{sentence}</li>")), "{html}");
    assert!(html.contains("Where “stable marriage CHN+RUS vs USA” is likely"));
    if sentence.starts_with("When ") {
        assert!(html.contains("<h2>The reported box</h2>"));
    }
    // A page of that name entente did not write is kept without --force.
    let page = dir.join("briefing-discover-stable-marriage-chn-rus-vs-usa.html");
    fs::write(&page, "<html>my notes</html>").unwrap();
    let output = entente(&["discover", d, "--outcome", OUTCOME]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(fs::read_to_string(&page).unwrap(), "<html>my notes</html>");
    succeed(&["discover", d, "--outcome", OUTCOME, "--force", "-q"]);
    assert_eq!(html, fs::read_to_string(&page).unwrap());
    // With a threshold, and an unknown outcome.
    succeed(&[
        "discover",
        d,
        "--outcome",
        OUTCOME,
        "--threshold",
        "0.5",
        "-q",
    ]);
    let output = entente(&["discover", d, "--outcome", "stable mariage CHN+RUS vs USA"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("did you mean"));
    let output = entente(&["discover", "/nonexistent-sweep", "--outcome", OUTCOME]);
    assert_eq!(output.status.code(), Some(2));
    let _ = fs::remove_dir_all(&out);
}

#[test]
fn an_interrupted_analysis_resumes_to_the_same_files() {
    let quiet = [&MORRIS[..], &["-q"]].concat();
    let whole = scratch("resume-whole");
    succeed(&sensitivity_args(&whole, &quiet));
    let cut = scratch("resume-cut");
    succeed(&sensitivity_args(&cut, &quiet));
    // Stop it after point 5, with point 5's rows half written.
    let dir = cut.join("sweep-small-morris");
    let csv = fs::read_to_string(dir.join("sweep.csv")).unwrap();
    let end = csv.find("\n5,").unwrap() + 1;
    fs::write(
        dir.join("progress.json"),
        format!("{{\"points_done\": 5, \"points\": 12, \"csv_bytes\": {end}}}\n"),
    )
    .unwrap();
    fs::write(dir.join("sweep.csv"), &csv[..end + 10]).unwrap();
    fs::remove_file(dir.join("sensitivity.csv")).unwrap();
    let stdout = succeed(&sensitivity_args(&cut, &MORRIS));
    assert!(stdout.contains("resumed after 5 of 12 points"), "{stdout}");
    for name in ["sweep.csv", "sensitivity.csv", "manifest.json"] {
        assert_eq!(
            fs::read(whole.join("sweep-small-morris").join(name)).unwrap(),
            fs::read(dir.join(name)).unwrap(),
            "{name}"
        );
    }
    let _ = fs::remove_dir_all(&whole);
    let _ = fs::remove_dir_all(&cut);
}

#[test]
fn a_configuration_of_two_triangles_is_named_by_its_triangle() {
    // The baseline has two triangles, USA-CHN-RUS and JPN-CHN-RUS, so
    // "unit veto" alone could be either: refused, with the two names.
    let out = scratch("two-triangles");
    let base = [
        "sensitivity",
        "scenarios/baseline_2016.toml",
        "--param",
        "weights.identity=0..1.5",
        "--trajectories",
        "2",
        "--runs",
        "5",
        "--out",
        out.to_str().unwrap(),
    ];
    let mut ambiguous = base.to_vec();
    ambiguous.extend(["--outcome", "unit veto"]);
    let result = entente(&ambiguous);
    assert_eq!(result.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("say which: `unit veto (USA-CHN-RUS)`, `unit veto (JPN-CHN-RUS)`"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing is written before the check");

    // Every main outcome gets its own chart and its own name in the CSV.
    succeed(&base);
    let dir = out.join("baseline-2016-morris");
    let labels: Vec<String> = rows(&dir.join("sensitivity.csv"))
        .into_iter()
        .skip(1)
        .map(|r| r[0].clone())
        .collect();
    let mut charts: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("tornado-") && n.ends_with(".png"))
        .collect();
    charts.sort();
    let mut distinct = labels.clone();
    distinct.dedup();
    assert_eq!(charts.len(), distinct.len(), "{charts:?} for {distinct:?}");
    assert!(labels.iter().all(|l| l != "loose triangle"), "{labels:?}");
    for name in [
        "loose triangle (USA-CHN-RUS)",
        "loose triangle (JPN-CHN-RUS)",
    ] {
        assert!(labels.iter().any(|l| l == name), "{name} not in {labels:?}");
    }
    let _ = fs::remove_dir_all(&out);
}
