//! `sfconnect test NAME [--json]`: run the connection checks now and record the result.

use std::io::IsTerminal;
use std::process::ExitCode;

use serde_json::json;

use super::EXIT_FAILED;
use super::complete::saved_names;
use super::global::Global;
use super::saved::{http, login_failed, open_to_log_in, print_check, run_checks, use_colour};
use crate::check::Outcome;
use crate::connect::{Saved, target};

impl TestArgs {
    /// Whether JSON was asked for, so that errors come out as JSON too.
    pub fn wants_json(&self) -> bool {
        self.json
    }

    pub async fn run(self, global: &Global) -> ExitCode {
        let (name, json_out) = (self.name.as_str(), self.json);
        let (saved, _hold) = match open_to_log_in(global, name).await {
            Ok(s) => s,
            Err(code) => return code,
        };
        // A connection that cannot even be tried (its key file is gone) is failing, and is
        // recorded as such for `status` and the notifications.
        let target = match target(name, &saved.profile, &saved.secrets) {
            Ok(t) => t,
            Err(e) => {
                if let Err(not) = saved.record_unusable(&e).await {
                    say!("sfconnect: could not record the result: {not}");
                }
                return login_failed(&e, name);
            }
        };
        let http = match http() {
            Ok(h) => h,
            Err(code) => return code,
        };
        if !json_out {
            say!("Checking '{name}'…");
        }
        let outcome = run_checks(&http, target, false).await;
        let recorded = record(&saved, &outcome).await;
        let advisories: Vec<_> =
            crate::connect::advisories::advisories(saved.profile.flow, crate::clock::now())
                .into_iter()
                .map(|mut a| {
                    a.message = super::text::advisory(&a, name);
                    a
                })
                .collect();
        if json_out {
            let mut report = outcome_json(name, &outcome);
            report["advisories"] = json!(advisories);
            out!("{report}");
        } else {
            let colour = use_colour(std::io::stdout().is_terminal());
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
        }
        if outcome.ok() && recorded {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(EXIT_FAILED)
        }
    }
}

/// Save the verdict, the rotated refresh token and the fresh session (only onto the
/// credentials that were tested; the service drops them if the connection changed meanwhile).
/// Whether that worked: a result that could not be recorded is said, and the command fails.
pub async fn record(saved: &Saved, outcome: &Outcome) -> bool {
    crate::profile::fsutil::failpoint("before-record");
    match saved.record(outcome).await {
        Ok(_) => true,
        Err(e) => {
            say!(
                "sfconnect: {}: the test result could not be recorded: {}",
                saved.name,
                e
            );
            false
        }
    }
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
pub const TEST_HELP: &str = "Exit codes: 0 no check failed (warnings allowed); 1 a check failed, or the secrets cannot be opened; 2 usage or unknown name.";

/// Run the connection checks now.
#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// The saved connection to test.
    #[arg(add = saved_names())]
    pub name: String,
    /// One JSON report instead of text.
    #[arg(long)]
    pub json: bool,
}
