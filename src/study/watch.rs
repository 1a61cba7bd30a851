//! What a study shows its progress on and takes its stop request from. The
//! command line installs progress bars on stderr and a flag that SIGINT,
//! SIGTERM and SIGHUP set; a library user gets no bars and a flag that only
//! it sets. One per process, as signals are.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

pub trait Watch: Sync + Send {
    /// A progress bar over `total` runs named `label`, hidden when `quiet`;
    /// a bar over a sweep's points (`points`) also shows the points done.
    fn bar(&self, total: u64, label: &str, quiet: bool, points: bool) -> Box<dyn Bar>;
    /// Set when the user asked to stop: runs stop, and nothing unfinished
    /// is written.
    fn stop(&self) -> &AtomicBool;
    /// The number of the signal that asked to stop, if the watch knows it
    /// (0 otherwise).
    fn signal(&self) -> usize {
        0
    }
}

pub trait Bar: Sync {
    fn inc(&self, runs: u64);
    /// `runs` were done before this process started (a resumed sweep).
    fn resume_at(&self, runs: u64);
    /// Adaptive replication asked for `runs` more than planned.
    fn grow(&self, runs: u64);
    fn set_message(&self, text: String);
    fn finish_and_clear(&self);
}

/// No bars; a stop flag that only the library's user sets.
#[derive(Default)]
pub struct Unwatched {
    pub stop: AtomicBool,
}

struct NoBar;

impl Bar for NoBar {
    fn inc(&self, _: u64) {}
    fn resume_at(&self, _: u64) {}
    fn grow(&self, _: u64) {}
    fn set_message(&self, _: String) {}
    fn finish_and_clear(&self) {}
}

impl Watch for Unwatched {
    fn bar(&self, _: u64, _: &str, _: bool, _: bool) -> Box<dyn Bar> {
        Box::new(NoBar)
    }
    fn stop(&self) -> &AtomicBool {
        &self.stop
    }
}

static WATCH: OnceLock<Box<dyn Watch>> = OnceLock::new();

/// Installs the process's watch; the first call wins (the command line
/// calls it before any study starts).
pub fn install(watch: Box<dyn Watch>) {
    let _ = WATCH.set(watch);
}

/// The installed watch, or [`Unwatched`] if none was.
pub fn current() -> &'static dyn Watch {
    WATCH
        .get_or_init(|| Box::new(Unwatched::default()))
        .as_ref()
}

/// Whether the user asked to stop.
pub fn stopped() -> bool {
    current().stop().load(Ordering::Relaxed)
}
