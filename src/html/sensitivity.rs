//! The briefing of `entente sensitivity` (briefing.html in its folder):
//! the findings in sentences, the tornado charts inline, the design and the
//! provenance from the sweep's manifest.json, on the pages of [`page`].
//! A parameter is called influential only when its 95% interval excludes
//! zero; the sentences quote the numbers as sensitivity.csv holds them.

use std::fmt::Write;

use super::page::{self, escape, provenance, section, source, FigureSection};
use crate::chart::Figure;
use crate::format::thousands;
use crate::results::findings::list;
use crate::sensitivity::morris::MorrisIndex;
use crate::sensitivity::sobol::SobolIndex;
use crate::sweep::Manifest;

/// A parameter whose index is below this fraction of the largest "hardly
/// matters".
const NEGLIGIBLE: f64 = 0.1;
/// First-order indices adding up to less than this leave interactions a
/// fifth of the variance or more.
const ADDITIVE: f64 = 0.8;

/// One outcome's indices, per parameter in the manifest's order.
#[derive(Debug, Clone)]
pub enum Indices {
    Morris(Vec<MorrisIndex>),
    Sobol(Vec<SobolIndex>),
}

/// One outcome's analysis.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub label: String,
    pub indices: Indices,
}

/// What the sensitivity briefing shows.
#[derive(Debug, Clone)]
pub struct SensitivityPage<'a> {
    /// The folder's manifest.json, read back.
    pub manifest: &'a Manifest,
    /// The design's size in words, e.g. `6 trajectories x (3 + 1) points`.
    pub size: String,
    pub resamples: usize,
    pub analyses: Vec<Analysis>,
    /// One tornado chart per analysis.
    pub figures: Vec<Figure>,
}

/// The sensitivity briefing.
pub fn sensitivity_html(input: &SensitivityPage) -> String {
    let m = input.manifest;
    let names: Vec<&str> = m.parameters.iter().map(|p| p.path.as_str()).collect();
    let (title, what) = match input.analyses.as_slice() {
        [one] => (
            format!("Which parameters decide “{}”", one.label),
            format!("the share of runs that end in “{}”", one.label),
        ),
        _ => (
            "Which parameters decide the outcomes".to_string(),
            "the share of each main outcome".to_string(),
        ),
    };
    let question = format!(
        "Over the ranges tried, which of {} move {what}, and which hardly matter?",
        list(&names)
    );
    let mut out = String::new();
    page::begin(&mut out, &title);
    page::header(&mut out, &title, &question, &source(m));
    out.push_str("<section id=\"findings\">\n<h2>Key findings</h2>\n");
    for analysis in &input.analyses {
        if input.analyses.len() > 1 {
            let _ = writeln!(out, "<h3>“{}”</h3>", escape(&analysis.label));
        }
        let sentences = match &analysis.indices {
            Indices::Morris(indices) => morris_sentences(&names, indices),
            Indices::Sobol(indices) => sobol_sentences(&names, indices),
        };
        page::sentences(&mut out, &sentences);
    }
    let unit = match input.analyses.first().map(|a| &a.indices) {
        Some(Indices::Sobol(_)) => "N rows",
        _ => "trajectories",
    };
    let _ = writeln!(
        out,
        "<p class=\"note\">{}. Intervals are 95% percentile bootstrap intervals over the \
         {unit}; an influence is stated only where the interval excludes zero. Every share \
         comes from {} runs per point, and its Monte Carlo noise adds to every index.</p>\n</section>",
        match input.analyses.first().map(|a| &a.indices) {
            Some(Indices::Sobol(_)) =>
                "ST is the share of the outcome's variance a parameter accounts for with its \
                 interactions, S1 alone; with few rows S1 can come out negative",
            _ =>
                "mu* is the mean absolute change of the share when a parameter moves over its \
                 full range, mu the same with signs (which way it pushes), sigma the spread of \
                 the changes (interactions and non-linear effects)",
        },
        thousands(m.runs)
    );
    page::charts(
        &mut out,
        &[FigureSection {
            heading: String::new(),
            figures: input.figures.clone(),
        }],
    );
    let ranges: Vec<String> = m
        .parameters
        .iter()
        .map(|p| format!("<code>{}</code> {}", escape(&p.path), escape(&p.spec)))
        .collect();
    let method = match input.analyses.first().map(|a| &a.indices) {
        Some(Indices::Sobol(_)) => {
            "Sobol indices: first order S1 (Saltelli 2010), total order ST (Jansen)"
        }
        _ => "Morris elementary effects: mu*, mu and sigma",
    };
    let design = [
        ("Method", method.to_string()),
        ("Parameters", ranges.join("<br>")),
        (
            "Size",
            escape(&format!(
                "{} = {} points x {} runs = {} model runs",
                input.size,
                thousands(m.points),
                thousands(m.runs),
                thousands(m.points * m.runs)
            )),
        ),
        (
            "Intervals",
            format!("bootstrap, {} resamples", thousands(input.resamples as u64)),
        ),
        ("Seed", format!("{} (design and runs)", m.seed)),
    ];
    section(&mut out, "design", "Design", |out| {
        page::facts(out, &design)
    });
    provenance(&mut out, m, "sweep.csv, sensitivity.csv");
    page::end(&mut out);
    out
}

/// An index and its interval: `mu* 0.72, 95% CI 0.43–0.99`.
fn estimate(name: &str, value: f64, (lo, hi): (f64, f64)) -> String {
    format!(
        "{name} {}, 95% CI {}–{}",
        fixed(value),
        fixed(lo),
        fixed(hi)
    )
}

/// Two decimals, without the `-0.00` of a tiny negative number.
fn fixed(x: f64) -> String {
    let text = format!("{x:.2}");
    if text == "-0.00" {
        "0.00".to_string()
    } else {
        text
    }
}

/// The smallest two-decimal number above `x`.
fn above(x: f64) -> String {
    format!("{:.2}", ((x * 100.0).floor() + 1.0) / 100.0)
}

/// Parameter order, most important first by `key`, with the largest value;
/// `None` when no index is defined or all are zero (the share never moved).
fn ranked(key: &[f64]) -> Option<(Vec<usize>, f64)> {
    let mut order: Vec<usize> = (0..key.len()).filter(|&i| key[i].is_finite()).collect();
    order.sort_by(|&a, &b| key[b].total_cmp(&key[a]));
    let top = key[*order.first()?];
    (top > 0.0).then_some((order, top))
}

/// The sentences shared by both methods: the leader, the others that
/// matter or have no clear effect, and those that hardly matter (their
/// whole interval below a tenth of the leader's index). `describe` gives a
/// parameter's numbers, in brackets.
fn ranking_sentences(
    names: &[&str],
    key: &[f64],
    ci: &[(f64, f64)],
    describe: impl Fn(usize) -> String,
    index: &str,
) -> Vec<String> {
    let Some((order, top)) = ranked(key) else {
        return vec![
            "The share is the same at every point of the design: no parameter moves it, and no index is defined."
                .to_string(),
        ];
    };
    // A parameter's sentence: `matters` when its interval excludes zero.
    let line = |i: usize, matters: &str, unclear: String| {
        if ci[i].0 > 0.0 {
            format!("{} {matters} {}", names[i], describe(i))
        } else {
            format!("{unclear} {}", describe(i))
        }
    };
    let lead = order[0];
    let mut out = vec![line(
        lead,
        "matters most",
        format!(
            "No parameter has a clear effect: even {}'s interval reaches zero",
            names[lead]
        ),
    )];
    let (small, rest): (Vec<usize>, Vec<usize>) = order[1..]
        .iter()
        .partition(|&&i| ci[i].1 < NEGLIGIBLE * top);
    for i in rest {
        out.push(line(
            i,
            "also matters",
            format!(
                "{} has no clear effect: its interval reaches zero",
                names[i]
            ),
        ));
    }
    if !small.is_empty() {
        let listed: Vec<&str> = small.iter().map(|&i| names[i]).collect();
        let verb = if small.len() == 1 {
            "hardly matters"
        } else {
            "hardly matter"
        };
        let highest = small.iter().map(|&i| ci[i].1).fold(0.0, f64::max);
        out.push(format!(
            "{} {verb} ({index} below {}, the upper end of the 95% CI)",
            list(&listed),
            above(highest)
        ));
    }
    out.into_iter().map(|s| s + ".").collect()
}

/// Morris: mu* ranks, mu says which way, sigma flags interactions.
pub fn morris_sentences(names: &[&str], indices: &[MorrisIndex]) -> Vec<String> {
    let key: Vec<f64> = indices.iter().map(|m| m.mu_star).collect();
    let ci: Vec<(f64, f64)> = indices.iter().map(|m| m.mu_star_ci).collect();
    let describe = |i: usize| {
        let m = &indices[i];
        let numbers = format!("({})", estimate("mu*", m.mu_star, m.mu_star_ci));
        // A direction is a claim too: only for a clear effect.
        if m.mu_star_ci.0 <= 0.0 {
            return numbers;
        }
        let way = if m.mu.abs() >= 0.8 * m.mu_star {
            if m.mu < 0.0 {
                "pushing the share down"
            } else {
                "pushing the share up"
            }
        } else {
            "pushing it up at some points and down at others"
        };
        let sign = if m.mu < 0.0 { "" } else { "+" };
        format!("{numbers}, {way} (mu {sign}{})", fixed(m.mu))
    };
    let mut out = ranking_sentences(names, &key, &ci, describe, "mu*");
    let Some((order, top)) = ranked(&key) else {
        return out;
    };
    let entangled: Vec<&str> = order
        .iter()
        .filter(|&&i| ci[i].0 > 0.0 && key[i] >= NEGLIGIBLE * top && indices[i].sigma >= key[i])
        .map(|&i| names[i])
        .collect();
    if !entangled.is_empty() {
        out.push(format!(
            "Sigma is as large as mu* for {}: {} effect depends on the other parameters' values (interactions or non-linear effects).",
            list(&entangled),
            if entangled.len() == 1 { "its" } else { "their" }
        ));
    }
    out
}

/// Sobol: ST ranks, S1 beside it, and whether S1 sums well below 1.
pub fn sobol_sentences(names: &[&str], indices: &[SobolIndex]) -> Vec<String> {
    let key: Vec<f64> = indices.iter().map(|s| s.total).collect();
    let describe = |i: usize| {
        let s = &indices[i];
        format!(
            "({}; first order {})",
            estimate("total order ST", s.total, s.total_ci),
            estimate("S1", s.first, s.first_ci)
        )
    };
    let ci: Vec<(f64, f64)> = indices.iter().map(|s| s.total_ci).collect();
    let mut out = ranking_sentences(names, &key, &ci, describe, "ST");
    if ranked(&key).is_none() {
        return out;
    }
    let first: f64 = indices.iter().map(|s| s.first).sum();
    let total: f64 = indices.iter().map(|s| s.total).sum();
    let (sum1, sumt) = (fixed(first), fixed(total));
    // Exact indices keep S1 <= ST and their sum within 1; estimates that
    // break this are too noisy to tell additive from interacting.
    out.push(if first > 1.0 || total < first {
        format!(
            "The first-order indices add up to {sum1} and the total-order indices to {sumt}, which exact indices cannot: the estimates are too noisy to tell whether the parameters act together (more --samples would)."
        )
    } else if first < ADDITIVE {
        format!(
            "The first-order indices add up to {sum1}, well below 1 (the total-order indices to {sumt}): about {:.0}% of the variance comes from parameters acting together.",
            100.0 * (1.0 - first).min(1.0)
        )
    } else {
        format!(
            "The first-order indices add up to {sum1} (the total-order indices to {sumt}): the parameters act mostly one at a time."
        )
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn morris(mu: f64, mu_star: f64, sigma: f64, ci: (f64, f64)) -> MorrisIndex {
        MorrisIndex {
            mu,
            mu_star,
            sigma,
            mu_star_ci: ci,
        }
    }

    #[test]
    fn morris_claims_only_what_the_intervals_allow() {
        let names = ["weights.economy", "weights.identity", "weights.alliance"];
        let sentences = morris_sentences(
            &names,
            &[
                morris(-0.70, 0.72, 0.80, (0.43, 0.99)),
                morris(0.1, 0.30, 0.20, (-0.001, 0.61)),
                morris(0.01, 0.012, 0.01, (0.004, 0.018)),
            ],
        );
        assert_eq!(
            sentences,
            [
                "weights.economy matters most (mu* 0.72, 95% CI 0.43–0.99), pushing the share down (mu -0.70).",
                "weights.identity has no clear effect: its interval reaches zero (mu* 0.30, 95% CI 0.00–0.61).",
                "weights.alliance hardly matters (mu* below 0.02, the upper end of the 95% CI).",
                "Sigma is as large as mu* for weights.economy: its effect depends on the other parameters' values (interactions or non-linear effects).",
            ]
        );
        let flat = morris_sentences(&names[..1], &[morris(0.0, 0.0, 0.0, (0.0, 0.0))]);
        assert!(flat[0].starts_with("The share is the same at every point"));
    }

    #[test]
    fn sobol_tells_interactions_from_noise() {
        let sobol = |first: f64, total: f64| SobolIndex {
            first,
            first_ci: (first - 0.1, first + 0.1),
            total,
            total_ci: (total - 0.1, total + 0.1),
        };
        let names = ["a", "b"];
        let interacting = sobol_sentences(&names, &[sobol(0.3, 0.62), sobol(0.2, 0.5)]);
        assert!(interacting[2].contains("add up to 0.50, well below 1"));
        assert!(interacting[2].contains("about 50% of the variance"));
        let additive = sobol_sentences(&names, &[sobol(0.6, 0.62), sobol(0.35, 0.4)]);
        assert!(additive[2].contains("act mostly one at a time"));
        let noisy = sobol_sentences(&names, &[sobol(0.9, 0.62), sobol(0.35, 0.4)]);
        assert!(noisy[2].contains("too noisy"));
    }
}
