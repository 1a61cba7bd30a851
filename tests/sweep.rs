//! `entente sweep` end to end: the files, resumption after an interruption
//! (byte-identical), common random numbers, adaptive replication, located
//! and usage errors, and --dry-run. The scenario is small so that the tests
//! stay fast.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{command, entente, scratch, sweep, sweep_args};
use entente::sweep::read_table;
use entente::sweep::store::{CSV, PROGRESS};
use entente::sweep::MANIFEST;

fn folder(out: &Path) -> PathBuf {
    out.join("sweep-small-sweep")
}

/// The sweep's own files (not the charts) are the same in `a` and `b`.
fn assert_same_store(a: &Path, b: &Path) {
    for name in [MANIFEST, CSV, PROGRESS] {
        let (x, y) = (
            fs::read(a.join(name)).unwrap(),
            fs::read(b.join(name)).unwrap(),
        );
        assert!(x == y, "{name} differs between {a:?} and {b:?}");
    }
}

/// The byte offset at which point `index`'s rows begin in sweep.csv.
fn offset_of_point(csv: &str, index: u64) -> usize {
    let marker = format!("\n{index},");
    csv.find(&marker).expect("the point is in the file") + 1
}

#[test]
fn a_grid_sweep_writes_the_tidy_csv_and_the_manifest() {
    let out = scratch("grid");
    sweep(&out, &[]);
    let table = read_table(&folder(&out)).unwrap();
    assert!(table.is_complete());
    assert_eq!(table.design, "grid");
    assert_eq!(table.parameters, ["weights.identity", "weights.economy"]);
    assert_eq!(table.manifest.points, 6);
    assert_eq!(table.manifest.seed, 7);
    assert_eq!(table.manifest.runs, 40);
    let values: Vec<Vec<f64>> = table.points.iter().map(|p| p.values.clone()).collect();
    assert_eq!(
        values,
        [
            [0.0, 0.5],
            [0.0, 1.0],
            [0.75, 0.5],
            [0.75, 1.0],
            [1.5, 0.5],
            [1.5, 1.0]
        ]
    );
    for (i, point) in table.points.iter().enumerate() {
        assert_eq!(point.index, i as u64);
        assert_eq!(point.runs, 40);
        for classifier in table.classifiers() {
            let total: u64 = point
                .outcomes
                .iter()
                .filter(|o| o.classifier == classifier)
                .map(|o| o.count)
                .sum();
            assert_eq!(total, 40, "point {i}, {classifier}");
        }
    }
    assert!(table.classifiers().contains(&"blocs"));
    let header = fs::read_to_string(folder(&out).join(CSV)).unwrap();
    assert!(header.starts_with(
        "point,weights.identity,weights.economy,runs,classifier,outcome,count,share,ci_low,ci_high\n"
    ));
    // The same command again has nothing left to do and changes nothing.
    let again = scratch("grid-again");
    fs::create_dir_all(&again).unwrap();
    let copy = again.join("copy");
    fs::create_dir_all(&copy).unwrap();
    for name in [MANIFEST, CSV, PROGRESS] {
        fs::copy(folder(&out).join(name), copy.join(name)).unwrap();
    }
    sweep(&out, &[]);
    assert_same_store(&folder(&out), &copy);
}

#[test]
fn an_interrupted_sweep_resumes_to_byte_identical_files() {
    let whole = scratch("whole");
    sweep(&whole, &[]);
    let csv = fs::read_to_string(folder(&whole).join(CSV)).unwrap();
    let end_of_point_1 = offset_of_point(&csv, 2);
    let end_of_point_2 = offset_of_point(&csv, 3);

    // Killed while appending point 2: a torn line past the recorded length.
    // Killed after point 2 was synced but before it was recorded: a whole
    // extra point past the recorded length.
    for (case, cut) in [
        ("torn", end_of_point_1 + 17),
        ("unrecorded", end_of_point_2),
    ] {
        let out = scratch(case);
        sweep(&out, &[]);
        let dir = folder(&out);
        let bytes = fs::read(dir.join(CSV)).unwrap();
        fs::write(dir.join(CSV), &bytes[..cut]).unwrap();
        fs::write(
            dir.join(PROGRESS),
            format!(
                "{{\n  \"points_done\": 2,\n  \"points\": 6,\n  \"csv_bytes\": {end_of_point_1}\n}}\n"
            ),
        )
        .unwrap();
        // A reader ignores the unrecorded bytes.
        assert_eq!(read_table(&dir).unwrap().points.len(), 2);
        sweep(&out, &[]);
        assert_same_store(&dir, &folder(&whole));
    }
}

#[test]
fn a_damaged_tail_is_dropped_and_its_points_run_again() {
    let whole = scratch("damaged-whole");
    sweep(&whole, &[]);
    let csv = fs::read_to_string(folder(&whole).join(CSV)).unwrap();
    let (point_1, point_2, point_3) = (
        offset_of_point(&csv, 1),
        offset_of_point(&csv, 2),
        offset_of_point(&csv, 3),
    );
    let recorded = |points: u64, bytes: usize| {
        format!(
            "{{\n  \"points_done\": {points},\n  \"points\": 6,\n  \"csv_bytes\": {bytes}\n}}\n"
        )
    };
    // Two writers on a file system without locks: point 1 written twice,
    // then half a row, with progress.json from either writer, or lost.
    let doubled = format!(
        "{}{}{}",
        &csv[..point_2],
        &csv[point_1..point_2],
        &csv[point_2..point_2 + 17]
    );
    // A torn point past a progress.json that is lost.
    let torn = csv[..point_3 + 17].to_string();
    for (case, text, progress) in [
        ("doubled-ahead", &doubled, Some(recorded(3, doubled.len()))),
        ("doubled-behind", &doubled, Some(recorded(2, point_3))),
        ("doubled-lost", &doubled, None),
        ("torn-lost", &torn, None),
    ] {
        for force in [false, true] {
            let out = scratch(&format!("{case}-{force}"));
            sweep(&out, &[]);
            let dir = folder(&out);
            fs::write(dir.join(CSV), text).unwrap();
            match &progress {
                Some(json) => fs::write(dir.join(PROGRESS), json).unwrap(),
                None => fs::remove_file(dir.join(PROGRESS)).unwrap(),
            }
            sweep(&out, if force { &["--force"] } else { &[] });
            assert_same_store(&dir, &folder(&whole));
        }
    }
}

#[test]
fn a_killed_sweep_resumes_to_byte_identical_files() {
    // Enough points that the kill lands part-way.
    let extra = ["--param", "weights.identity=0:1.5:40", "--runs", "60"];
    let whole = scratch("kill-whole");
    sweep(&whole, &extra);

    let out = scratch("kill");
    let one_thread = [&extra[..], &["--threads", "1"]].concat();
    let mut child = command(&sweep_args(&out, &one_thread))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let progress = folder(&out).join(PROGRESS);
    let started = Instant::now();
    let done =
        |text: &str| text.contains("\"points_done\": ") && !text.contains("\"points_done\": 0,");
    while !fs::read_to_string(&progress).is_ok_and(|t| done(&t))
        && started.elapsed() < Duration::from_secs(60)
    {
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let partial = read_table(&folder(&out)).unwrap();
    assert!(!partial.points.is_empty() && !partial.is_complete());
    sweep(&out, &extra);
    assert_same_store(&folder(&out), &folder(&whole));
}

#[test]
fn every_point_uses_the_same_random_streams() {
    // The same value twice: two points with identical results.
    let out = scratch("crn");
    sweep(
        &out,
        &[
            "--param",
            "weights.identity=0.75,0.75",
            "--param",
            "weights.economy=1",
        ],
    );
    let table = read_table(&folder(&out)).unwrap();
    assert_eq!(table.points.len(), 2);
    assert_eq!(table.points[0].outcomes, table.points[1].outcomes);
    // And the same as that point of the grid in the file.
    let grid = scratch("crn-grid");
    sweep(&grid, &[]);
    let grid = read_table(&folder(&grid)).unwrap();
    assert_eq!(grid.points[3].values, [0.75, 1.0]);
    assert_eq!(grid.points[3].outcomes, table.points[0].outcomes);
}

#[test]
fn adaptive_replication_is_deterministic_and_capped() {
    let extra = ["--runs", "20", "--ci-width", "0.3", "--max-runs", "100"];
    let one = scratch("adaptive-1");
    let two = scratch("adaptive-2");
    sweep(&one, &[&extra[..], &["--threads", "1"]].concat());
    sweep(&two, &[&extra[..], &["--threads", "2"]].concat());
    assert_same_store(&folder(&one), &folder(&two));
    let table = read_table(&folder(&one)).unwrap();
    for point in &table.points {
        assert!(point.runs >= 20 && point.runs <= 100 && point.runs % 20 == 0);
        let widest = point
            .outcomes
            .iter()
            .map(|o| o.ci_high - o.ci_low)
            .fold(0.0, f64::max);
        assert!(point.runs == 100 || widest < 0.3, "{point:?}");
    }
    assert!(
        table.points.iter().any(|p| p.runs > 20),
        "no point needed more runs"
    );
    assert_eq!(table.manifest.ci_width, Some(0.3));
}

#[test]
fn a_latin_hypercube_puts_one_point_in_each_stratum() {
    let out = scratch("lhs");
    sweep(
        &out,
        &[
            "--design",
            "lhs",
            "--samples",
            "8",
            "--param",
            "weights.identity=0..2",
            "--param",
            "weights.economy=0..1",
            "--runs",
            "5",
        ],
    );
    let table = read_table(&folder(&out)).unwrap();
    assert_eq!(table.points.len(), 8);
    for (dim, width) in [(0, 2.0), (1, 1.0)] {
        let mut strata: Vec<usize> = table
            .points
            .iter()
            .map(|p| (p.values[dim] / width * 8.0) as usize)
            .collect();
        strata.sort_unstable();
        assert_eq!(strata, (0..8).collect::<Vec<_>>());
    }
}

#[test]
fn a_different_sweep_in_the_folder_is_refused_unless_forced() {
    let out = scratch("refuse");
    sweep(&out, &[]);
    let refused = entente(&sweep_args(&out, &["--runs", "30"]));
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("runs: 40 then, 30 now"), "{stderr}");
    assert!(stderr.contains("--force"), "{stderr}");
    sweep(&out, &["--runs", "30", "--force"]);
    assert_eq!(read_table(&folder(&out)).unwrap().manifest.runs, 30);
}

#[test]
fn bad_parameters_and_specs_are_usage_errors() {
    let out = scratch("bad");
    for (extra, fragments) in [
        (
            vec!["--param", "weights.identiy=0:1:3"],
            vec!["unknown driver `identiy`", "did you mean `identity`?"],
        ),
        (
            vec!["--param", "actors.RUSS.gdp=1,2"],
            vec!["unknown actor `RUSS`", "`RUS`"],
        ),
        (
            vec!["--param", "events.west-sanction.intensity=0,1"],
            vec!["unknown event name `west-sanction`", "`west-sanctions`"],
        ),
        (
            vec!["--param", "weights.identity=0:1"],
            vec!["takes three parts", "a:b:n", "v1,v2,...", "a..b"],
        ),
        (
            vec!["--param", "weights.identity"],
            vec!["is not PATH=SPEC"],
        ),
        (
            vec!["--param", "weights.identity=0:20:3"],
            vec!["outside the valid range", "between -10 and 10"],
        ),
        (
            vec!["--param", "weights.identity=0..1"],
            vec!["needs the lhs design"],
        ),
        (
            vec!["--design", "lsh"],
            vec!["unknown design `lsh`", "did you mean `lhs`?"],
        ),
        (
            vec!["--design", "lhs", "--param", "weights.identity=0..1"],
            vec!["needs a number of samples"],
        ),
        (
            vec![
                "--design",
                "zip",
                "--param",
                "weights.identity=0,1",
                "--param",
                "weights.economy=0,1,2",
            ],
            vec!["gives 3 values and the first gives 2"],
        ),
        (vec!["--max-runs", "50"], vec!["needs adaptive replication"]),
        (vec!["--runs", "0"], vec!["--runs must be at least 1"]),
    ] {
        let output = entente(&sweep_args(&out, &extra));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{extra:?}: {stderr}");
        for fragment in fragments {
            assert!(stderr.contains(fragment), "{extra:?}: {stderr}");
        }
        assert!(!out.exists(), "{extra:?} wrote output");
    }
}

#[test]
fn dry_run_prints_the_size_and_an_estimate_and_writes_nothing() {
    let out = scratch("dry");
    let output = entente(&sweep_args(&out, &["--dry-run"]));
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("6 points x 40 runs = 240 runs"), "{stdout}");
    assert!(stdout.contains("estimated time"), "{stdout}");
    assert!(stdout.contains("an estimate"), "{stdout}");
    assert!(!out.exists());
    let adaptive = entente(&sweep_args(&out, &["--dry-run", "--ci-width", "0.1"]));
    let stdout = String::from_utf8_lossy(&adaptive.stdout);
    assert!(stdout.contains("240 to 2400 runs"), "{stdout}");
}
