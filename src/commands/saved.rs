//! What the commands share around the connection service: opening a saved connection with
//! errors mapped to exit codes, and printing checks as they finish.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use super::global::Global;
use super::{EXIT_FAILED, fail, profile_failure, profiles, report};
use crate::check::{self, CheckEvent, CheckResult, Outcome, Status, Strategy, Target};
use crate::connect::{ConnectError, Saved, open_in};
use crate::salesforce::http::request_timeout;
use crate::salesforce::{Http, SfError};

/// Open a saved connection with its secrets, for a command.
pub async fn open(global: &Global, name: &str) -> Result<Saved, ExitCode> {
    open_in(Arc::new(profiles(global)?), name)
        .await
        .map_err(|e| unusable(&e))
}

/// A failure to open saved connections: 1 when the secrets cannot be opened, else as
/// `profile_failure` says.
pub fn unusable(e: &crate::profile::ProfileError) -> ExitCode {
    unopenable(e).unwrap_or_else(|| profile_failure(e))
}

/// Secrets that cannot be opened (a lost key file, a missing keyring item, no session bus, a
/// passphrase missing or wrong): the connection cannot be used, which the contract's 1 means;
/// the message says why.
fn unopenable(e: &crate::profile::ProfileError) -> Option<ExitCode> {
    use crate::profile::ProfileError::{SecretsMissing, Store};
    matches!(e, Store(_) | SecretsMissing { .. }).then(|| fail(EXIT_FAILED, e))
}

pub fn http() -> Result<Http, ExitCode> {
    Http::new(request_timeout()).map_err(|e| fail(EXIT_FAILED, e))
}

/// Colour only on a terminal, and never with NO_COLOR set.
pub fn use_colour(stream_is_terminal: bool) -> bool {
    stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

pub fn symbol(status: Status, colour: bool) -> String {
    let (mark, code) = match status {
        Status::Pass => ("✓", "32"),
        Status::Warn => ("⚠", "33"),
        Status::Fail => ("✗", "31"),
        Status::Skip => ("-", "2"),
    };
    if colour {
        format!("\x1b[{code}m{mark}\x1b[0m")
    } else {
        mark.to_string()
    }
}

/// One check as a line, and its fix (with the step after it, for connection `name`) when it
/// did not pass.
pub fn print_check(out: &mut dyn std::io::Write, check: &CheckResult, name: &str, colour: bool) {
    let _ = writeln!(
        out,
        "{} {}: {}",
        symbol(check.status, colour),
        check.title,
        check.detail
    );
    let fix = super::text::fix(check, name);
    if !fix.is_empty() && matches!(check.status, Status::Fail | Status::Warn) {
        let _ = writeln!(out, "    fix: {fix}");
    }
}

/// Run the checks, printing each as it finishes to stderr when `live`.
pub async fn run_checks(http: &Http, target: Target, live: bool) -> Outcome {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let name = target.name.clone();
    let printer = tokio::spawn(async move {
        let colour = use_colour(std::io::stderr().is_terminal());
        while let Some(event) = rx.recv().await {
            if let (true, CheckEvent::Finished(check)) = (live, event) {
                print_check(&mut std::io::stderr(), &check, &name, colour);
            }
        }
    });
    let outcome = check::run(http, target, Strategy::Batched, Some(&tx)).await;
    drop(tx);
    let _ = printer.await;
    outcome
}

/// Report a login failure the way every command does.
pub fn login_failed(e: &SfError, name: &str) -> ExitCode {
    report(e, name);
    ExitCode::from(EXIT_FAILED)
}

/// Report a service failure with the exit code the contract gives it.
pub fn service_failed(e: &ConnectError, name: &str) -> ExitCode {
    match e {
        ConnectError::Profile(e) => unusable(e),
        ConnectError::Salesforce(e) => login_failed(e, name),
        ConnectError::Superseded(_) => fail(EXIT_FAILED, e),
    }
}
