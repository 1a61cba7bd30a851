//! Landscape theory against the published Syria 2016 results (alexanderfurnas/Landscape_Theory)
//! and the input errors of `entente landscape`.

mod common;

use std::path::{Path, PathBuf};

use common::Scratch;
use entente::outcome::landscape::input::{load, LandscapeInputError};
use entente::outcome::landscape::text::execute;
use entente::outcome::landscape::Landscape;

const ACTORS: [&str; 11] = [
    "US", "Rus", "Syr", "Tur", "S.A.", "Iran", "ISIS", "Hez", "IqKrd", "Nursa", "Iraq",
];

fn data(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/landscape_syria_2016")
        .join(file)
}

fn syria(sizes: &str) -> Landscape {
    match load(&data(sizes), &data("propensity.csv"), 3.0) {
        Ok((names, landscape)) => {
            assert_eq!(names, ACTORS);
            landscape
        }
        Err(e) => panic!("{e}"),
    }
}

/// A configuration in the published coding: 1 or 2 per actor, in matrix order.
fn mask(sides: [u8; 11]) -> u64 {
    sides
        .iter()
        .enumerate()
        .filter(|&(_, &s)| s == 2)
        .map(|(i, _)| 1u64 << i)
        .sum()
}

/// Rows of Landscape_Favored_Alignments_2016-02-20.csv: label, sides, energy, frustrations.
type Published = (&'static str, [u8; 11], f64, [f64; 11]);

// Published (label, sides, energy, frustrations); the first row of each is the one with Local
// Min TRUE, the others FALSE.
#[rustfmt::skip]
const STRONG_SYRIA: [Published; 6] = [
    ("891", [1, 1, 1, 2, 1, 1, 2, 1, 1, 2, 1], -83200.0,
     [-1900.0, -2200.0, -11500.0, -1500.0, -2100.0, -2400.0, -38000.0, -2200.0, -8800.0, -2100.0, -10500.0]),
    ("330", [1, 2, 2, 1, 1, 2, 2, 2, 1, 2, 1], -65000.0,
     [-3300.0, -100.0, -6000.0, -2400.0, -3000.0, -1800.0, -23000.0, -400.0, -12800.0, -1200.0, -11000.0]),
    ("345", [1, 2, 2, 1, 2, 2, 1, 2, 1, 1, 2], -71800.0,
     [-600.0, -2700.0, -16000.0, -1300.0, -2000.0, -2600.0, -28000.0, -2600.0, -4400.0, -1600.0, -10000.0]),
    ("596", [1, 2, 2, 1, 1, 2, 1, 2, 1, 1, 2], -69600.0,
     [-700.0, -2700.0, -16500.0, -1300.0, -900.0, -3000.0, -26000.0, -2600.0, -4400.0, -1500.0, -10000.0]),
    ("606", [1, 2, 2, 1, 2, 1, 1, 2, 1, 1, 2], -65800.0,
     [-400.0, -2700.0, -15000.0, -1100.0, -2400.0, 400.0, -26000.0, -1800.0, -4400.0, -1400.0, -11000.0]),
    ("961", [1, 2, 2, 1, 1, 1, 1, 1, 1, 1, 2], -56400.0,
     [-100.0, -2700.0, -14500.0, -1100.0, -500.0, 0.0, -22000.0, 1000.0, -4400.0, -1100.0, -11000.0]),
];

#[rustfmt::skip]
const WEAK_SYRIA: [Published; 6] = [
    ("976", [1, 1, 1, 1, 1, 1, 2, 1, 1, 2, 1], -65600.0,
     [-2100.0, -2100.0, -2100.0, -1100.0, -2100.0, -2200.0, -31000.0, -2200.0, -8400.0, -1800.0, -10500.0]),
    ("330", [1, 2, 2, 1, 1, 2, 2, 2, 1, 2, 1], -55400.0,
     [-2900.0, -100.0, -1200.0, -1600.0, -2600.0, -1800.0, -23000.0, -400.0, -9600.0, -1200.0, -11000.0]),
    ("345", [1, 2, 2, 1, 2, 2, 1, 2, 1, 1, 2], -46200.0,
     [-200.0, -2700.0, -3200.0, -500.0, -2000.0, -2600.0, -20000.0, -2600.0, -1200.0, -1200.0, -10000.0]),
    ("596", [1, 2, 2, 1, 1, 2, 1, 2, 1, 1, 2], -43200.0,
     [-300.0, -2700.0, -3300.0, -500.0, -500.0, -3000.0, -18000.0, -2600.0, -1200.0, -1100.0, -10000.0]),
    ("606", [1, 2, 2, 1, 2, 1, 1, 2, 1, 1, 2], -41800.0,
     [0.0, -2700.0, -3000.0, -300.0, -2400.0, -400.0, -18000.0, -1800.0, -1200.0, -1000.0, -11000.0]),
    ("961", [1, 2, 2, 1, 1, 1, 1, 1, 1, 1, 2], -33200.0,
     [300.0, -2700.0, -2900.0, -300.0, -100.0, -800.0, -14000.0, 200.0, -1200.0, -700.0, -11000.0]),
];

#[test]
fn strong_syria_has_one_published_minimum() {
    let landscape = syria("sizes.csv");
    assert!(landscape.is_exhaustive());
    let minima = landscape.local_minima().lowest;
    assert_eq!(minima.len(), 1);
    let (_, sides, energy, frustration) = STRONG_SYRIA[0];
    assert_eq!(minima[0].mask, mask(sides));
    assert_eq!(minima[0].energy, energy);
    assert_eq!(minima[0].frustration, frustration);
    assert_eq!(landscape.global_minimum(), minima[0]);
}

#[test]
fn weak_syria_puts_turkey_in_the_large_coalition() {
    let landscape = syria("sizes_weaksyria.csv");
    let best = landscape.global_minimum();
    let (_, sides, energy, frustration) = WEAK_SYRIA[0];
    assert_eq!(best.mask, mask(sides));
    assert_eq!(best.mask & (1 << 3), 0, "Turkey sides with the US");
    assert_eq!(best.energy, energy);
    assert_eq!(best.frustration, frustration);
    assert_eq!(landscape.local_minima().lowest, vec![best]);
}

#[test]
fn energies_and_frustrations_of_other_published_configurations_match() {
    for (sizes, rows) in [
        ("sizes.csv", &STRONG_SYRIA[..]),
        ("sizes_weaksyria.csv", &WEAK_SYRIA[..]),
    ] {
        let landscape = syria(sizes);
        for &(label, sides, energy, frustration) in rows {
            assert_eq!(landscape.energy(mask(sides)), energy, "{sizes} row {label}");
            assert_eq!(
                landscape.frustration(mask(sides)),
                frustration,
                "{sizes} row {label}"
            );
        }
    }
}

#[test]
fn report_shows_the_published_alignment() {
    let report = match execute(&data("sizes.csv"), &data("propensity.csv"), 3.0) {
        Ok(report) => report,
        Err(e) => panic!("{e}"),
    };
    assert!(
        report.contains("exhaustive, all 1024 alignments"),
        "{report}"
    );
    assert!(report.contains("Global minimum: energy -83200"), "{report}");
    assert!(
        report.contains("{US+Rus+Syr+S.A.+Iran+Hez+IqKrd+Iraq} vs {Tur+ISIS+Nursa}"),
        "{report}"
    );
    assert!(report.contains("Local minima: 1 "), "{report}");
    assert!(report.contains("ISIS      2       -38000"), "{report}");
}

/// The report of `n` actors `A0..` of size 1 with `propensity(i, j)`, written to files.
fn report_of(test: &str, n: usize, propensity: impl Fn(usize, usize) -> i32) -> String {
    let dir = Scratch::new(test);
    let names: Vec<String> = (0..n).map(|i| format!("A{i}")).collect();
    let sizes: String = names.iter().map(|a| format!("{a},1\n")).collect();
    let mut matrix = format!(",{}\n", names.join(","));
    for (i, name) in names.iter().enumerate() {
        let row: Vec<String> = (0..n)
            .map(|j| {
                if i == j {
                    String::new()
                } else {
                    propensity(i, j).to_string()
                }
            })
            .collect();
        matrix += &format!("{name},{}\n", row.join(","));
    }
    let sizes = dir.file("sizes.csv", format!("actor,size\n{sizes}").as_bytes());
    let matrix = dir.file("matrix.csv", matrix.as_bytes());
    match execute(&sizes, &matrix, 0.0) {
        Ok(report) => report,
        Err(e) => panic!("{test}: {e}"),
    }
}

#[test]
fn report_of_40_actors_says_only_the_global_minimum_is_exact() {
    // Two camps, the even and the odd actors: friends within, enemies across.
    let report = report_of("forty", 40, |i, j| if i % 2 == j % 2 { 1 } else { -1 });
    assert!(
        report.contains("Search: global minimum exact, by branch and bound in "),
        "{report}"
    );
    assert!(
        report.contains("Local minima NOT exhaustive (40 actors > 26)"),
        "{report}"
    );
    let evens: Vec<String> = (0..40).step_by(2).map(|i| format!("A{i}")).collect();
    let odds: Vec<String> = (1..40).step_by(2).map(|i| format!("A{i}")).collect();
    let camps = format!("{{{}}} vs {{{}}}", evens.join("+"), odds.join("+"));
    assert!(
        report.contains(&format!("Global minimum: energy -800\n  {camps}")),
        "{report}"
    );
    assert!(report.contains("energy -800  (global minimum)"), "{report}");
}

#[test]
fn report_of_a_flat_landscape_lists_the_100_lowest_of_its_minima() {
    let report = report_of("flat", 12, |_, _| 0);
    assert!(
        report.contains("Local minima: 2048, too many to list: the 100 lowest follow"),
        "{report}"
    );
    assert!(report.contains("#100 energy 0"), "{report}");
    assert!(!report.contains("#101 "), "{report}");
}

const SIZES: &str = "actor,size\nA,10\nB,20\nC,30\n";
const MATRIX: &str = ",A,B,C\nA,,4,1\nB,4,,2\nC,1,2,\n";

/// Loads the two texts and returns the error with its message.
fn failure(test: &str, sizes: &str, matrix: &str) -> (LandscapeInputError, String, Scratch) {
    let dir = Scratch::new(test);
    let sizes = dir.file("sizes.csv", sizes.as_bytes());
    let matrix = dir.file("matrix.csv", matrix.as_bytes());
    match load(&sizes, &matrix, 3.0) {
        Ok(_) => panic!("{test}: bad input accepted"),
        Err(e) => {
            let message = e.to_string();
            (e, message, dir)
        }
    }
}

/// The message has the shape of every entente error: `error: ...`, then
/// `  --> path:line:col`, then a help line.
fn assert_at(message: &str, dir: &Scratch, file: &str, line: usize, col: usize) {
    let at = format!("\n  --> {}:{line}:{col}\n", dir.path().join(file).display());
    assert!(message.starts_with("error: "), "{message}");
    assert!(message.contains(&at), "expected {at}…, got:\n{message}");
    assert!(message.contains("\n  = help: "), "no help line:\n{message}");
}

#[test]
fn messy_but_valid_files_are_accepted() {
    let dir = Scratch::new("messy");
    let sizes = dir.file(
        "sizes.csv",
        b"\xEF\xBB\xBF ACTOR , Size \r\n\"A\",10\r\n\r\nB, 20 \r\n\"C\" ,3e1\r\n",
    );
    let matrix = dir.file(
        "matrix.csv",
        b"label,\"A\",B,C\r\nA,-,4,1\r\n\"B\",4,,2\r\n C ,1,2,x\r\n",
    );
    match load(&sizes, &matrix, 3.0) {
        Ok((names, landscape)) => {
            assert_eq!(names, ["A", "B", "C"]);
            assert_eq!(landscape.sizes(), [10.0, 20.0, 30.0]);
            // Only C apart: (1-3)·10·30·2 + (2-3)·20·30·2.
            assert_eq!(landscape.energy(0b100), -2400.0);
        }
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn sizes_may_list_actors_in_another_order() {
    let (_, a) = match load(&data("sizes.csv"), &data("propensity.csv"), 3.0) {
        Ok(x) => x,
        Err(e) => panic!("{e}"),
    };
    let dir = Scratch::new("order");
    let sizes = dir.file("sizes.csv", SIZES.as_bytes());
    let reversed = dir.file("reversed.csv", b"actor,size\nC,30\nA,10\nB,20\n");
    let matrix = dir.file("matrix.csv", MATRIX.as_bytes());
    let energies = |s: &Path| match load(s, &matrix, 0.0) {
        Ok((_, l)) => (0..4).map(|m| l.energy(m)).collect::<Vec<_>>(),
        Err(e) => panic!("{e}"),
    };
    assert_eq!(energies(&sizes), energies(&reversed));
    assert_eq!(a.len(), 11);
}

#[test]
fn missing_file_is_named() {
    let dir = Scratch::new("missing");
    let matrix = dir.file("matrix.csv", MATRIX.as_bytes());
    let sizes = dir.path().join("no-such-sizes.csv");
    match load(&sizes, &matrix, 3.0) {
        Err(e @ LandscapeInputError::Read { .. }) => {
            let message = e.to_string();
            assert!(
                message.starts_with("error: cannot read the file")
                    && message.contains(&format!("  --> {}\n", sizes.display())),
                "{message}"
            );
            assert!(message.contains("help: "), "{message}");
        }
        other => panic!("expected a read error, got {other:?}"),
    }
}

#[test]
fn unparsable_number_shows_the_text() {
    let (e, m, dir) = failure("nan-size", "actor,size\nA,10\nB,ten\nC,30\n", MATRIX);
    assert!(matches!(e, LandscapeInputError::NotANumber { .. }));
    assert_at(&m, &dir, "sizes.csv", 3, 2);
    assert!(m.contains("`ten`"), "{m}");

    let (e, m, dir) = failure("nan-cell", SIZES, ",A,B,C\nA,,4,1\nB,4,,2\nC,1,2.x,\n");
    assert!(matches!(e, LandscapeInputError::NotANumber { .. }));
    assert_at(&m, &dir, "matrix.csv", 4, 3);
    assert!(m.contains("`2.x`"), "{m}");

    let (_, m, dir) = failure("empty-cell", SIZES, ",A,B,C\nA,,4,1\nB,,,2\nC,1,2,\n");
    assert_at(&m, &dir, "matrix.csv", 3, 2);
}

#[test]
fn non_finite_numbers_are_rejected() {
    let (e, m, dir) = failure("inf-size", "actor,size\nA,10\nB,inf\nC,30\n", MATRIX);
    assert!(matches!(e, LandscapeInputError::NonFinite { .. }));
    assert_at(&m, &dir, "sizes.csv", 3, 2);

    let (e, m, dir) = failure("nan-matrix", SIZES, ",A,B,C\nA,,NaN,1\nB,4,,2\nC,1,2,\n");
    assert!(matches!(e, LandscapeInputError::NonFinite { .. }));
    assert_at(&m, &dir, "matrix.csv", 2, 3);

    let (e, m, dir) = failure("huge", SIZES, ",A,B,C\nA,,1e999,1\nB,4,,2\nC,1,2,\n");
    assert!(matches!(e, LandscapeInputError::NonFinite { .. }));
    assert_at(&m, &dir, "matrix.csv", 2, 3);
}

#[test]
fn non_positive_sizes_are_rejected() {
    for (test, size) in [("zero", "0"), ("negative", "-5")] {
        let sizes = format!("actor,size\nA,10\nB,20\nC,{size}\n");
        let (e, m, dir) = failure(test, &sizes, MATRIX);
        assert!(matches!(e, LandscapeInputError::NonPositiveSize { .. }));
        assert_at(&m, &dir, "sizes.csv", 4, 2);
        assert!(m.contains("`C`"), "{m}");
    }
}

#[test]
fn non_square_matrices_are_rejected() {
    let (e, m, dir) = failure("short-row", SIZES, ",A,B,C\nA,,4,1\nB,4,\nC,1,2,\n");
    assert!(matches!(e, LandscapeInputError::MissingCell { .. }));
    assert_at(&m, &dir, "matrix.csv", 3, 4);

    let (e, m, dir) = failure("long-row", SIZES, ",A,B,C\nA,,4,1,7\nB,4,,2\nC,1,2,\n");
    assert!(matches!(e, LandscapeInputError::ExtraCell { .. }));
    assert_at(&m, &dir, "matrix.csv", 2, 5);

    let (e, m, dir) = failure("missing-row", SIZES, ",A,B,C\nA,,4,1\nB,4,,2\n");
    assert!(matches!(e, LandscapeInputError::MissingRow { .. }));
    assert_at(&m, &dir, "matrix.csv", 1, 4);
    assert!(m.contains("`C`"), "{m}");

    let (e, m, dir) = failure(
        "extra-row",
        SIZES,
        ",A,B,C\nA,,4,1\nB,4,,2\nC,1,2,\nD,1,1,1\n",
    );
    assert!(matches!(e, LandscapeInputError::ExtraRow { .. }));
    assert_at(&m, &dir, "matrix.csv", 5, 1);
}

#[test]
fn row_labels_must_follow_the_header() {
    let (e, m, dir) = failure("label", SIZES, ",A,B,C\nA,,4,1\nC,1,2,\nB,4,,2\n");
    assert!(matches!(e, LandscapeInputError::RowLabel { .. }));
    assert_at(&m, &dir, "matrix.csv", 3, 1);
    assert!(m.contains("`C`") && m.contains("`B`"), "{m}");
}

#[test]
fn duplicate_actors_are_rejected() {
    let (e, m, dir) = failure("dup-sizes", "actor,size\nA,10\nB,20\nA,30\n", MATRIX);
    assert!(matches!(e, LandscapeInputError::DuplicateActor { .. }));
    assert_at(&m, &dir, "sizes.csv", 4, 1);
    assert!(m.contains("sizes.csv:2:1"), "{m}");

    let (e, m, dir) = failure("dup-matrix", SIZES, ",A,B,A\nA,,4,1\nB,4,,2\nA,1,2,\n");
    assert!(matches!(e, LandscapeInputError::DuplicateActor { .. }));
    assert_at(&m, &dir, "matrix.csv", 1, 4);
}

#[test]
fn actor_sets_must_agree() {
    let (e, m, dir) = failure(
        "not-in-matrix",
        "actor,size\nA,10\nB,20\nC,30\nD,5\n",
        MATRIX,
    );
    assert!(matches!(e, LandscapeInputError::NotInMatrix { .. }));
    assert_at(&m, &dir, "sizes.csv", 5, 1);
    assert!(m.contains("sizes file: A, B, C, D"), "{m}");
    assert!(m.contains("matrix:     A, B, C"), "{m}");

    let (e, m, dir) = failure("not-in-sizes", "actor,size\nA,10\nC,30\n", MATRIX);
    assert!(matches!(e, LandscapeInputError::NotInSizes { .. }));
    assert_at(&m, &dir, "matrix.csv", 1, 3);
    assert!(m.contains("`B`") && m.contains("sizes file: A, C"), "{m}");
}

#[test]
fn sizes_header_and_columns_are_checked() {
    let (e, m, dir) = failure("header", "name,size\nA,10\nB,20\nC,30\n", MATRIX);
    assert!(matches!(e, LandscapeInputError::SizesHeader { .. }));
    assert_at(&m, &dir, "sizes.csv", 1, 1);

    let (e, m, dir) = failure(
        "extra-col",
        "actor,size,note\nA,10,x\nB,20,\nC,30,\n",
        MATRIX,
    );
    assert!(matches!(e, LandscapeInputError::ExtraCell { .. }));
    assert_at(&m, &dir, "sizes.csv", 1, 3);

    let (e, m, dir) = failure("extra-cell", "actor,size\nA,10\nB,20,x\nC,30\n", MATRIX);
    assert!(matches!(e, LandscapeInputError::ExtraCell { .. }));
    assert_at(&m, &dir, "sizes.csv", 3, 3);

    let (e, m, dir) = failure("no-size", "actor,size\nA,10\nB\nC,30\n", MATRIX);
    assert!(matches!(e, LandscapeInputError::MissingCell { .. }));
    assert_at(&m, &dir, "sizes.csv", 3, 2);

    let (e, m, dir) = failure("no-name", "actor,size\nA,10\n,20\nC,30\n", MATRIX);
    assert!(matches!(e, LandscapeInputError::EmptyName { .. }));
    assert_at(&m, &dir, "sizes.csv", 3, 1);
}

#[test]
fn broken_files_are_located() {
    let (e, m, dir) = failure("empty", " \n\n", MATRIX);
    assert!(matches!(e, LandscapeInputError::EmptyFile { .. }));
    assert_at(&m, &dir, "sizes.csv", 1, 1);

    let (e, m, dir) = failure("quote", SIZES, ",A,B,C\nA,,4,1\n\"B,4,,2\nC,1,2,\n");
    assert!(matches!(e, LandscapeInputError::UnterminatedQuote { .. }));
    assert_at(&m, &dir, "matrix.csv", 3, 1);

    let (e, m, dir) = failure(
        "after-quote",
        SIZES,
        ",A,B,C\nA,,4,1\n\"B\"x,4,,2\nC,1,2,\n",
    );
    assert!(matches!(e, LandscapeInputError::TextAfterQuote { .. }));
    assert_at(&m, &dir, "matrix.csv", 3, 1);

    let (e, m, dir) = failure("one-actor", "actor,size\nA,10\n", ",A\nA,\n");
    assert!(matches!(e, LandscapeInputError::TooFewActors { .. }));
    assert_at(&m, &dir, "matrix.csv", 1, 3);

    let dir = Scratch::new("latin1");
    let sizes = dir.file("sizes.csv", b"actor,size\nA,10\nB\xE9,20\n");
    let matrix = dir.file("matrix.csv", MATRIX.as_bytes());
    match load(&sizes, &matrix, 3.0) {
        Err(e @ LandscapeInputError::NotUtf8 { .. }) => {
            assert_at(&e.to_string(), &dir, "sizes.csv", 3, 1)
        }
        other => panic!("expected a UTF-8 error, got {other:?}"),
    }
}

#[test]
fn too_many_actors_are_rejected() {
    let names: Vec<String> = (0..65).map(|i| format!("a{i}")).collect();
    let sizes = format!(
        "actor,size\n{}",
        names.iter().map(|n| format!("{n},1\n")).collect::<String>()
    );
    let matrix = format!(",{}\n", names.join(","));
    let (e, m, dir) = failure("many", &sizes, &matrix);
    assert!(matches!(e, LandscapeInputError::TooManyActors { .. }));
    assert_at(&m, &dir, "matrix.csv", 1, 66);
}

#[test]
fn offset_must_be_finite() {
    let dir = Scratch::new("offset");
    let sizes = dir.file("sizes.csv", SIZES.as_bytes());
    let matrix = dir.file("matrix.csv", MATRIX.as_bytes());
    assert!(matches!(
        load(&sizes, &matrix, f64::NAN),
        Err(LandscapeInputError::InvalidOffset { .. })
    ));
}
