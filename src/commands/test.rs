//! `sfconnect test NAME [--json]`: run the connection checks now and record the result.

use std::io::IsTerminal;
use std::process::ExitCode;

use serde_json::json;

use std::sync::Arc;

use super::complete::saved_names;
use super::fleet::{FleetArgs, Progress};
use super::global::Global;
use super::saved::{login_failed, print_check, symbol, use_colour};
use super::{EXIT_FAILED, profile_failure};
use crate::check::{Outcome, Status};
use crate::connect::fleet::{self, Checked, Problem};
use crate::profile::{Profile, ProfileError, Profiles};

impl TestArgs {
    /// Whether JSON was asked for, so that errors come out as JSON too.
    pub fn wants_json(&self) -> bool {
        self.json
    }

    pub async fn run(self, global: &Global) -> ExitCode {
        let profiles = match super::profiles(global) {
            Ok(p) => Arc::new(p),
            Err(code) => return code,
        };
        let (connections, broken) = match chosen(&profiles, &self) {
            Ok(c) => c,
            Err(code) => return code,
        };
        let json_out = self.json;
        let single = !self.all && self.names.len() == 1;
        if single && !json_out {
            say!("Checking '{}'…", self.names[0]);
        }
        let colour = use_colour(std::io::stdout().is_terminal());
        for (name, error) in &broken {
            match json_out {
                true => out!(
                    "{}",
                    json!({"name": name, "profile": name, "ok": false, "error": error.to_string()})
                ),
                false => out!("{} {name}: FAILED: {error}", symbol(Status::Fail, colour)),
            }
        }
        let flows: Vec<_> = connections.iter().map(|(_, p)| p.flow).collect();
        let mut progress = Progress::new(connections.len());
        let mut single_code = None;
        let run = fleet::check(
            &profiles,
            connections,
            self.fleet.limits(),
            |c, done, total| {
                progress.clear();
                match single {
                    true => single_code = report_one(c, json_out, colour),
                    false => report_each(c, json_out, colour),
                }
                progress.show(done, total);
            },
        )
        .await;
        progress.clear();
        let mut run = match run {
            Ok(run) => run,
            Err(e) => return super::fail(EXIT_FAILED, e),
        };
        let recorded = match run.record(&profiles).await {
            Ok(()) => true,
            Err(e) => {
                say!("sfconnect: the test results could not be recorded: {e}");
                false
            }
        };
        if !single && !json_out {
            let passed = run.checked.iter().filter(|c| c.ok()).count();
            let total = run.checked.len() + broken.len();
            out!("{passed} of {total} connections passed.");
            let now = crate::clock::now();
            if let Some(line) = crate::connect::advisories::fleet_summary(flows, now) {
                out!("{line}");
            }
        }
        if let Some(code) = single_code {
            return code;
        }
        if run.failed() == 0 && broken.is_empty() && recorded {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(EXIT_FAILED)
        }
    }
}

/// The connections named (or all, with --all), and with --all those whose entry the config
/// file cannot read; an unknown or unreadable name is a usage error.
#[allow(clippy::type_complexity, reason = "a pair of lists, said once")]
fn chosen(
    profiles: &Profiles,
    args: &TestArgs,
) -> Result<(Vec<(String, Profile)>, Vec<(String, ProfileError)>), ExitCode> {
    let config = profiles
        .config()
        .map_err(|e| profile_failure(&ProfileError::from(e)))?;
    if args.all {
        let broken = config
            .broken
            .iter()
            .filter_map(|b| Some((b.name.clone(), config.broken(&b.name)?.into())))
            .collect();
        return Ok((config.connections.into_iter().collect(), broken));
    }
    let mut connections = Vec::new();
    for name in &args.names {
        if let Some(broken) = config.broken(name) {
            return Err(profile_failure(&broken.into()));
        }
        match config.connections.get(name) {
            Some(p) => connections.push((name.clone(), p.clone())),
            None => return Err(profile_failure(&ProfileError::NotFound(name.clone()))),
        }
    }
    Ok((connections, Vec::new()))
}

/// The report of the one connection tested: every check, the users and licenses, the
/// advisories, and the verdict last. Its exit code when it could not be tried.
fn report_one(c: &Checked, json_out: bool, colour: bool) -> Option<ExitCode> {
    let name = c.name.as_str();
    let outcome = match (&c.outcome, &c.problem) {
        (Some(outcome), _) => outcome,
        (None, Some(Problem::Unusable(e))) => return Some(login_failed(e, name)),
        (None, problem) => {
            let why = problem.as_ref().map(|p| p.to_string()).unwrap_or_default();
            return Some(super::fail(EXIT_FAILED, why));
        }
    };
    let advisories = advisories_of(name, c.after.flow);
    if json_out {
        let mut report = outcome_json(name, outcome);
        report["advisories"] = json!(advisories);
        out!("{report}");
        return None;
    }
    let mut out = std::io::stdout();
    for check in &outcome.checks {
        print_check(&mut out, check, name, colour);
    }
    if let Some(l) = &outcome.licenses {
        out!(
            "Users: {} active, {} in the company domains ({}).",
            l.active_users,
            l.matching_users,
            l.domains.join(", ")
        );
        for license in &l.licenses {
            out!(
                "  {}: {} of {} used, {}",
                license.name,
                license.used,
                count(license.total, "license"),
                count(license.active_users, "active user")
            );
        }
    }
    // A login method Salesforce is retiring is said after every test that uses it (before
    // the verdict, which stays the last line).
    for advisory in &advisories {
        out!("advisory: {}", advisory.message);
    }
    out!("{}", outcome.tally(name));
    None
}

/// One connection of several, as it finishes: its failures and warnings, then its verdict
/// (one JSON object per line with --json).
fn report_each(c: &Checked, json_out: bool, colour: bool) {
    let name = c.name.as_str();
    match (&c.outcome, json_out) {
        (Some(outcome), true) => {
            let mut report = outcome_json(name, outcome);
            report["advisories"] = json!(advisories_of(name, c.after.flow));
            out!("{report}");
        }
        (None, true) => out!(
            "{}",
            json!({"name": name, "profile": name, "ok": false, "error": c.problem.as_ref().map(|p| p.to_string())})
        ),
        (Some(outcome), false) => {
            let mut out = Vec::new();
            for check in &outcome.checks {
                if matches!(check.status, Status::Fail | Status::Warn) {
                    print_check(&mut out, check, name, colour);
                }
            }
            for line in String::from_utf8_lossy(&out).lines() {
                out!("    {line}");
            }
            let status = if outcome.ok() {
                Status::Pass
            } else {
                Status::Fail
            };
            out!("{} {name}: {}", symbol(status, colour), outcome.tally(name));
        }
        (None, false) => {
            let why = c
                .problem
                .as_ref()
                .map(|p| p.to_string())
                .unwrap_or_default();
            out!("{} {name}: FAILED: {why}", symbol(Status::Fail, colour));
        }
    }
}

/// A connection's advisories, each with the command that makes its move.
fn advisories_of(
    name: &str,
    flow: crate::profile::Flow,
) -> Vec<crate::connect::advisories::Advisory> {
    crate::connect::advisories::advisories(flow, crate::clock::now())
        .into_iter()
        .map(|mut a| {
            a.message = super::text::advisory(&a, name);
            a
        })
        .collect()
}

/// "1 active user", "2 active users".
fn count(n: impl std::fmt::Display, what: &str) -> String {
    if n.to_string() == "1" {
        format!("{n} {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// The contract's `test --json` shape, plus the users-and-licenses summary.
pub fn outcome_json(name: &str, outcome: &Outcome) -> serde_json::Value {
    // Scripts read the fixes too: they name the command that works from a shell.
    let checks: Vec<_> = outcome
        .checks
        .iter()
        .map(|c| {
            let mut c = c.clone();
            c.fix = super::text::with_next(&c.fix, c.next, name);
            c
        })
        .collect();
    json!({
        "name": name,
        // Deprecated: the same as "name", kept for scripts written before it.
        "profile": name,
        "ok": outcome.ok(),
        "elapsed_ms": outcome.elapsed.as_millis() as u64,
        "checks": checks,
        "licenses": outcome.licenses,
    })
}

/// Said under `test --help`.
pub const TEST_HELP: &str = "With several names, or --all, the connections are checked at the same time and each is reported as it finishes. Exit codes: 0 no check failed (warnings allowed); 1 a check failed, the secrets cannot be opened, or the checks ran past --connection-timeout (for any of them); 2 usage or unknown name (then nothing is checked).";

/// Run the connection checks now.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["names", "all"])))]
pub struct TestArgs {
    /// The saved connections to test, at the same time.
    #[arg(add = saved_names(), value_name = "NAME")]
    pub names: Vec<String>,
    /// Test every saved connection.
    #[arg(long)]
    pub all: bool,
    /// One JSON report instead of text (with several connections, one per line, as each
    /// finishes).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub fleet: FleetArgs,
}
