//! How numbers and counts are written for people: in tables, charts,
//! sentences and messages. One home, so that a share reads the same
//! wherever it appears.

use std::time::Duration;

pub mod csv;

/// `12345` as `12,345`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1 parameter`, `3 parameters`: a count and its noun (plural in `s`).
pub fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// A share as a percentage with one decimal.
pub fn percent(share: f64) -> String {
    format!("{:.1}%", 100.0 * share)
}

/// `3.2 GB`, `512 MB`.
pub fn bytes(b: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "kB", "MB", "GB", "TB"];
    let mut value = b as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{b} bytes")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// `3 hours`, `12 days`, `4e9 years`.
pub fn estimate(seconds: f64) -> String {
    let units = [
        (31_557_600.0, "years"),
        (86_400.0, "days"),
        (3_600.0, "hours"),
        (60.0, "minutes"),
    ];
    for (size, name) in units {
        if seconds >= 2.0 * size {
            let value = seconds / size;
            return if value < 1e6 {
                format!("{value:.0} {name}")
            } else {
                format!("{value:.1e} {name}")
            };
        }
    }
    format!("{seconds:.0} seconds")
}

/// `0.25 s`, `42 s`, `3 min 5 s`, `2 h 10 min`: a measured time.
pub fn elapsed(seconds: f64) -> String {
    let d = Duration::from_secs_f64(seconds.max(0.0));
    let s = d.as_secs();
    match s {
        0 => format!("{:.2} s", d.as_secs_f64()),
        1..60 => format!("{s} s"),
        60..3600 => format!("{} min {} s", s / 60, s % 60),
        _ => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}

/// A share in words: `62%`, `9.3%`, `fewer than 0.1%`.
pub fn share_in_words(share: f64) -> String {
    if share > 0.0 && share < 0.001 {
        "fewer than 0.1%".to_string()
    } else if share < 1.0 && share > 0.999 {
        "more than 99.9%".to_string()
    } else {
        format!("{}%", fixed(100.0 * share, share_decimals(share)))
    }
}

pub fn share_decimals(share: f64) -> usize {
    if (0.1..=0.9).contains(&share) {
        0
    } else {
        1
    }
}

/// `x` with `decimals` decimals; a zero is written `0`.
pub fn fixed(x: f64, decimals: usize) -> String {
    let text = format!("{x:.decimals$}");
    if text
        .trim_start_matches('-')
        .trim_start_matches(['0', '.'])
        .is_empty()
    {
        "0".to_string()
    } else {
        text
    }
}

/// `x` to three significant digits, without trailing zeros: `1.23`,
/// `0.0123`, `123`, `-0.5`; for parameters and targets of any scale.
pub fn significant(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return fixed(x, 0);
    }
    let decimals = (2 - x.abs().log10().floor() as i64).clamp(0, 6) as usize;
    let text = fixed(x, decimals);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// An interval as `[0.31, 0.82]`, each end by [`significant`] (a dash
/// would run into a minus sign).
pub fn interval(low: f64, high: f64) -> String {
    format!("[{}, {}]", significant(low), significant(high))
}

pub fn signed(points: f64, decimals: usize) -> String {
    let text = fixed(points.abs(), decimals);
    if text.trim_start_matches(['0', '.']).is_empty() {
        text
    } else if points < 0.0 {
        format!("-{text}")
    } else {
        format!("+{text}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn significant_keeps_three_digits() {
        assert_eq!(significant(1.23456), "1.23");
        assert_eq!(significant(0.012345), "0.0123");
        assert_eq!(significant(123.456), "123");
        assert_eq!(significant(1234.6), "1235");
        assert_eq!(significant(0.0), "0");
        assert_eq!(significant(-0.5), "-0.5");
        assert_eq!(significant(2.0), "2");
        assert_eq!(interval(-0.634, -0.3861), "[-0.634, -0.386]");
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(10_000), "10,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
