//! briefing.html end to end: `entente run` writes it, `entente report`
//! reproduces it byte for byte, refuses to overwrite a file it did not
//! write, compares several folders, and the page renders in headless
//! Chromium (when installed; .ci/run installs it).

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

mod common;

use common::{entente, scratch};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// One folder of results for all tests here: the baseline and the Japan
/// overtures, 200 runs each. Tests that write copy it first.
fn results() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = scratch("results");
        let out = entente(&[
            "run",
            "scenarios/baseline_2016.toml",
            "scenarios/japan_overtures.toml",
            "--runs",
            "200",
            "--quiet",
            "--out",
            dir.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        dir
    })
}

fn copy(name: &str) -> PathBuf {
    let from = results().join("baseline-2016");
    let to = results().join(name);
    let _ = fs::remove_dir_all(&to);
    fs::create_dir_all(&to).unwrap();
    for entry in fs::read_dir(&from).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
    to
}

#[test]
fn run_writes_a_self_contained_briefing() {
    let html = fs::read_to_string(results().join("baseline-2016/briefing.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<meta name=\"generator\" content=\"entente "));
    assert!(!html.contains("<script"));
    assert!(!html.contains("http://") && !html.contains("https://"));
    assert!(html.contains(
        "The US-China-Russia triangle after 2016: the experts&#39; disagreement as uncertainty"
    ));
    assert!(html.contains("How does the triangle of the United States, China and Russia end?"));
    assert!(html
        .contains(" of 200 runs the triangle of the United States, China and Russia stays loose"));
    assert!(html.contains("next most often"));
    assert!(html.contains("<svg width=\"1600\" height=\"900\" viewBox=\"0 0 1600 900\""));
    assert!(html.contains("@page { size: A4"));
    assert!(html.contains("sha256 "));
    // The summary is still written last: it is newer than the briefing.
    let modified = |name: &str| {
        fs::metadata(results().join("baseline-2016").join(name))
            .unwrap()
            .modified()
            .unwrap()
    };
    assert!(modified("summary.json") >= modified("briefing.html"));
}

#[test]
fn report_reproduces_run_byte_for_byte() {
    let dir = copy("reproduce");
    let written = fs::read(dir.join("briefing.html")).unwrap();
    fs::remove_file(dir.join("briefing.html")).unwrap();
    let out = entente(&["report", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("wrote "));
    assert!(fs::read(dir.join("briefing.html")).unwrap() == written);
    // Again, over its own briefing: allowed, and said.
    let out = entente(&["report", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("a briefing entente wrote earlier"));
    assert!(fs::read(dir.join("briefing.html")).unwrap() == written);
}

#[test]
fn report_refuses_a_foreign_briefing_without_force() {
    let dir = copy("foreign");
    let target = dir.join("briefing.html");
    fs::write(&target, "<html>my own notes</html>").unwrap();
    let out = entente(&["report", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("was not written by entente"));
    assert!(text(&out.stderr).contains("--force"));
    assert_eq!(
        fs::read_to_string(&target).unwrap(),
        "<html>my own notes</html>"
    );
    let out = entente(&["report", dir.to_str().unwrap(), "--force"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(fs::read_to_string(&target)
        .unwrap()
        .contains("Key findings"));
}

#[test]
fn report_names_a_missing_folder() {
    let missing = results().join("no-such-run");
    let out = entente(&["report", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("error: cannot read `") && stderr.contains("no-such-run/summary.json`"),
        "{stderr}"
    );
}

#[test]
fn report_on_two_folders_compares_them() {
    let out = entente(&[
        "report",
        results().join("baseline-2016").to_str().unwrap(),
        results().join("japan-overtures").to_str().unwrap(),
        "--out",
        results().join("compared.html").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let html = fs::read_to_string(results().join("compared.html")).unwrap();
    assert!(html.contains("<table class=\"comparison\">"));
    assert!(html.contains("japan-overtures compared with baseline-2016"));
    assert!(html.contains("<th>baseline-2016</th><th>japan-overtures</th>"));
    assert!(!html.contains("http://") && !html.contains("https://"));
    assert!(html.matches("<svg ").count() >= 2 * 8);
}

#[test]
fn the_analysts_title_and_question_head_the_briefing() {
    let page = results().join("worded.html");
    let title = "Tokyo's opening: does it split the <entente> & how?";
    let question = "Would Japanese overtures loosen Russia's tie to China?";
    let out = entente(&[
        "report",
        results().join("baseline-2016").to_str().unwrap(),
        results().join("japan-overtures").to_str().unwrap(),
        "--title",
        title,
        "--question",
        question,
        "--out",
        page.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let html = fs::read_to_string(&page).unwrap();
    let escaped = "Tokyo&#39;s opening: does it split the &lt;entente&gt; &amp; how?";
    assert!(
        html.contains(&format!("<title>{escaped}</title>")),
        "{html}"
    );
    assert!(html.contains(&format!("<h1>{escaped}</h1>")));
    assert!(html.contains(
        "<p class=\"question\">Would Japanese overtures loosen Russia&#39;s tie to China?</p>"
    ));
    assert!(!html.contains("Scenarios compared:"));

    let out = entente(&[
        "report",
        results().join("baseline-2016").to_str().unwrap(),
        "--question",
        " ",
        "--out",
        results().join("blank.html").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--question is empty"));
    assert!(!results().join("blank.html").exists());
}

/// Runs Chromium headless on `page` with `args`, killed after a minute.
fn chromium(page: &Path, args: &[String]) -> (Output, Duration) {
    let profile = page.with_extension(format!("profile-{}", args.len()));
    let _ = fs::remove_dir_all(&profile);
    let started = Instant::now();
    let mut child = Command::new("/usr/bin/chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    // Drain the pipes while waiting, so a full pipe cannot stall it.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stdout.read_to_end(&mut bytes);
        bytes
    });
    let err_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stderr.read_to_end(&mut bytes);
        bytes
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("chromium did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let _ = fs::remove_dir_all(&profile);
    let output = Output {
        status,
        stdout: out_reader.join().unwrap(),
        stderr: err_reader.join().unwrap(),
    };
    (output, started.elapsed())
}

#[test]
fn the_briefing_renders_in_headless_chromium() {
    if !Path::new("/usr/bin/chromium").exists() {
        println!("skipped: /usr/bin/chromium is not installed (.ci/run installs it)");
        return;
    }
    let page = results().join("baseline-2016/briefing.html");
    let shot = results().join("shot.png");
    let _ = fs::remove_file(&shot);
    let (out, took) = chromium(
        &page,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000".to_string(),
        ],
    );
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("Uncaught"), "{stderr}");
    println!("screenshot in {:.1} s", took.as_secs_f64());

    let decoder = png::Decoder::new(fs::File::open(&shot).expect("a screenshot"));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut pixels).expect("PNG data");
    assert_eq!((frame.width, frame.height), (1280, 2000));
    let channels = frame.color_type.samples();
    let inked = pixels[..frame.buffer_size()]
        .chunks(channels)
        .filter(|p| p.iter().take(3).any(|&c| c < 200))
        .count();
    let total = (frame.width * frame.height) as usize;
    assert!(
        inked > total / 200,
        "the screenshot is blank: {inked} of {total} pixels inked"
    );

    let (out, _) = chromium(&page, &["--dump-dom".to_string()]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("Uncaught"), "{stderr}");
    let dom = text(&out.stdout);
    assert!(dom.contains("Key findings"));
    assert!(dom
        .contains(" of 200 runs the triangle of the United States, China and Russia stays loose"));
    assert!(dom.contains("<svg"));
}
