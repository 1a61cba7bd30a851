//! The command line's watch: progress bars on stderr, shown only when
//! stderr is a terminal so that logs and pipes stay clean, and a stop flag
//! that SIGINT, SIGTERM (a scheduler's cancel or time limit) and SIGHUP
//! set, remembering which signal did for the exit code.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use entente::study::watch::{self, Bar, Watch};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

struct Terminal {
    stop: Arc<AtomicBool>,
    /// The number of the signal that set `stop` (0 before any).
    signal: Arc<AtomicUsize>,
}

/// Installs the terminal's watch and the signal handlers, once, before any
/// study starts.
pub fn install() {
    let terminal = Terminal {
        stop: Arc::new(AtomicBool::new(false)),
        signal: Arc::new(AtomicUsize::new(0)),
    };
    for signal in [SIGINT, SIGTERM, SIGHUP] {
        // Should registering fail, the signal ends the process as usual,
        // which leaves at most a hidden temporary file.
        let _ = signal_hook::flag::register_usize(
            signal,
            Arc::clone(&terminal.signal),
            signal as usize,
        );
        let _ = signal_hook::flag::register(signal, Arc::clone(&terminal.stop));
    }
    watch::install(Box::new(terminal));
}

/// The exit code of a command a signal stopped: 128 + the signal's number,
/// as a shell reports it (130 for Ctrl-C, 143 for SIGTERM).
pub fn interrupted_exit_code(signal: usize) -> u8 {
    let signal = match signal {
        0 => SIGINT,
        n => n as i32,
    };
    128 + signal as u8
}

impl Terminal {
    fn new_bar(total: u64, label: &str, quiet: bool, template: &str) -> ProgressBar {
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
}

impl Watch for Terminal {
    fn bar(&self, total: u64, label: &str, quiet: bool, points: bool) -> Box<dyn Bar> {
        // A sweep's bar shows the points done in its message.
        let template = if points {
            "{prefix} [{bar:40}] {pos}/{len} runs  {msg}  {per_sec}  eta {eta}"
        } else {
            "{prefix} [{bar:40}] {pos}/{len} runs  {per_sec}  eta {eta}"
        };
        Box::new(TerminalBar(Self::new_bar(total, label, quiet, template)))
    }

    fn stop(&self) -> &AtomicBool {
        &self.stop
    }

    fn signal(&self) -> usize {
        self.signal.load(Ordering::Relaxed)
    }
}

struct TerminalBar(ProgressBar);

impl Bar for TerminalBar {
    fn inc(&self, runs: u64) {
        self.0.inc(runs);
    }
    fn resume_at(&self, runs: u64) {
        self.0.set_position(runs);
        self.0.reset_eta();
    }
    fn grow(&self, runs: u64) {
        self.0.inc_length(runs);
    }
    fn set_message(&self, text: String) {
        self.0.set_message(text);
    }
    fn finish_and_clear(&self) {
        self.0.finish_and_clear();
    }
}
