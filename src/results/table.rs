//! The table printed on the terminal after a run.

use std::fmt::Write;

use super::summary::Summary;

pub fn render(summary: &Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — {}\n{} runs, seed {}, outcomes on the mean relation over the last {} of {} ticks (amity above {}, enmity below -{})",
        summary.scenario, summary.title, summary.runs, summary.seed, summary.window, summary.ticks, summary.threshold, summary.threshold
    );
    for classifier in &summary.classifiers {
        let width = classifier
            .outcomes
            .iter()
            .map(|o| o.outcome.chars().count())
            .max()
            .unwrap_or(0)
            .max(7);
        let _ = writeln!(out, "\n  {}", classifier.classifier);
        let _ = writeln!(
            out,
            "    {:<width$}  {:>6}  {:>15}  {:>8}",
            "outcome", "share", "95% CI", "runs"
        );
        for o in classifier.outcomes.iter().filter(|o| o.count > 0) {
            let _ = writeln!(
                out,
                "    {:<width$}  {:>5.1}%  {:>6.1}% – {:>4.1}%  {:>8}",
                o.outcome,
                100.0 * o.share,
                100.0 * o.ci_low,
                100.0 * o.ci_high,
                o.count
            );
        }
        let unseen = classifier.outcomes.iter().filter(|o| o.count == 0).count();
        if unseen > 0 {
            let upper = classifier
                .outcomes
                .iter()
                .find(|o| o.count == 0)
                .map_or(0.0, |o| o.ci_high);
            let _ = writeln!(
                out,
                "    ({unseen} other outcomes in no run: each below {:.2}% at 95% confidence)",
                100.0 * upper
            );
        }
    }
    out
}
