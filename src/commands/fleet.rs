//! What the commands that check many connections share (`status --notify`, `watch`, `test`
//! with several names): how many at once, how long one may take, and a progress line.

use std::io::IsTerminal;
use std::time::Duration;

use crate::connect::fleet::{self, Limits};

/// How many connections are checked at once, and how long one may take.
#[derive(Debug, Clone, clap::Args)]
pub struct FleetArgs {
    /// How many connections are checked at the same time.
    #[arg(long, value_name = "N", default_value_t = fleet::AT_ONCE as u16,
          value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub concurrency: u16,
    /// How many connections of one org (or login host) are checked at the same time: an org
    /// that stalls holds no more slots than this.
    #[arg(long, value_name = "N", default_value_t = fleet::PER_ORG as u16,
          value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub per_org: u16,
    /// Seconds one connection's checks may take; one that takes longer counts as failing, and
    /// the others are not held up.
    #[arg(long, value_name = "SECS", default_value_t = fleet::TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub connection_timeout: u64,
}

impl FleetArgs {
    pub fn limits(&self) -> Limits {
        Limits {
            at_once: usize::from(self.concurrency),
            per_org: usize::from(self.per_org),
            timeout: Duration::from_secs(self.connection_timeout),
        }
    }
}

/// "Checked N of M" on stderr while a run goes, when stderr is a terminal (never in a log or
/// a pipe); lines said meanwhile go above it.
pub struct Progress {
    shown: bool,
    on_terminal: bool,
}

impl Progress {
    pub fn new(total: usize) -> Self {
        Self {
            shown: false,
            // One connection needs no count.
            on_terminal: total > 1 && std::io::stderr().is_terminal(),
        }
    }

    /// Show that `done` of `total` are checked.
    pub fn show(&mut self, done: usize, total: usize) {
        if self.on_terminal {
            eprint!("\r\x1b[2Kchecked {done} of {total}");
            self.shown = true;
        }
    }

    /// Say `line` on stderr, above the progress line.
    pub fn say(&mut self, line: &str) {
        self.clear();
        say!("{line}");
    }

    /// Take the progress line away (before anything else is printed).
    pub fn clear(&mut self) {
        if self.shown {
            eprint!("\r\x1b[2K");
            self.shown = false;
        }
    }
}
