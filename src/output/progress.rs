//! A progress bar on stderr, shown only when stderr is a terminal so that
//! logs and pipes stay clean.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub fn runs_bar(total: u64, label: &str, quiet: bool) -> ProgressBar {
    bar(
        total,
        label,
        quiet,
        "{prefix} [{bar:40}] {pos}/{len} runs  {per_sec}  eta {eta}",
    )
}

/// A bar over a sweep's runs; the message shows the points done.
pub fn sweep_bar(total: u64, label: &str, quiet: bool) -> ProgressBar {
    bar(
        total,
        label,
        quiet,
        "{prefix} [{bar:40}] {pos}/{len} runs  {msg}  {per_sec}  eta {eta}",
    )
}

fn bar(total: u64, label: &str, quiet: bool, template: &str) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
    }
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template(template)
            .expect("the template is valid")
            .progress_chars("=> "),
    );
    bar.set_prefix(label.to_string());
    bar
}
