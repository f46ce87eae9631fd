//! What the commands that check many connections share (`status --notify`, `watch`, `test`
//! with several names): how many at once, how long one may take, and a progress line.

use std::io::IsTerminal;
use std::time::Duration;

use crate::connect::fleet::Limits;

/// How many connections are checked at once, and how long one may take.
#[derive(Debug, Clone, clap::Args)]
pub struct FleetArgs {
    /// How many connections are checked at the same time (default 64).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub concurrency: Option<u16>,
    /// How many connections of one org (or login host) are checked at the same time: an org
    /// that stalls holds no more slots than this (default 48).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub per_org: Option<u16>,
    /// Seconds one connection's checks may take; one that takes longer counts as failing, and
    /// the others are not held up (default 60).
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub connection_timeout: Option<u64>,
}

impl FleetArgs {
    pub fn limits(&self) -> Limits {
        let defaults = Limits::default();
        Limits {
            at_once: self.concurrency.map_or(defaults.at_once, usize::from),
            per_org: self.per_org.map_or(defaults.per_org, usize::from),
            timeout: self
                .connection_timeout
                .map_or(defaults.timeout, Duration::from_secs),
        }
    }

    /// Whether any of them was given.
    pub fn given(&self) -> bool {
        self.concurrency.is_some() || self.per_org.is_some() || self.connection_timeout.is_some()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connect::fleet::{AT_ONCE, PER_ORG, TIMEOUT};

    /// The help states the defaults the code applies.
    #[test]
    fn the_help_says_the_defaults_that_apply() {
        #[derive(clap::Parser)]
        struct Wrapper {
            #[command(flatten)]
            fleet: FleetArgs,
        }
        let help = <Wrapper as clap::CommandFactory>::command()
            .render_long_help()
            .to_string();
        for default in [AT_ONCE, PER_ORG, TIMEOUT.as_secs() as usize] {
            assert!(help.contains(&format!("(default {default})")), "{help}");
        }
        let none = FleetArgs {
            concurrency: None,
            per_org: None,
            connection_timeout: None,
        };
        let limits = none.limits();
        assert_eq!(
            (limits.at_once, limits.per_org, limits.timeout),
            (AT_ONCE, PER_ORG, TIMEOUT)
        );
        assert!(!none.given());
    }
}
