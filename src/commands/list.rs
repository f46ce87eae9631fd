//! `sfconnect list [--json]`: saved connections, one line each.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::SystemTime;

use serde_json::{Value, json};

use super::global::Global;
use super::{profile_failure, profiles};
use crate::connect::health::{
    certificate_expires_at, certificate_expires_in_days, password_expires_in_days,
};
use crate::profile::{Profile, ProfileError};
use crate::salesforce::error::printable;

fn rfc3339(t: SystemTime) -> String {
    humantime::format_rfc3339_seconds(t).to_string()
}

/// The contract's JSON shape for one connection (shared by `list` and `status`).
pub fn profile_json(name: &str, p: &Profile, now: SystemTime) -> Value {
    json!({
        "name": name,
        "flow": p.flow.as_str(),
        "login_url": p.login_url,
        "instance_url": p.instance_url,
        "username": p.username,
        "org_id": p.org_id,
        "store": p.store.as_str(),
        "password_changed_at": p.password_changed_at.map(rfc3339),
        "password_expires_in_days": password_expires_in_days(p, now),
        "certificate_expires_at": certificate_expires_at(p).map(rfc3339),
        "certificate_expires_in_days": certificate_expires_in_days(p, now),
        "last_test": p.last_test.as_ref().map(|t| json!({"at": rfc3339(t.at), "ok": t.ok, "summary": t.summary})),
    })
}

/// An entry the config file cannot read, as `list --json` and `status --json` give it: its
/// error is the same object every command's error is, `{cause, message, fix}`.
pub fn broken_json(name: &str, at: &crate::profile::BrokenAt) -> Value {
    let message = match &at.key {
        Some(key) => format!(
            "{}:{}: key '{key}': {}",
            at.path.display(),
            at.line,
            at.message
        ),
        None => format!("{}:{}: {}", at.path.display(), at.line, at.message),
    };
    json!({
        "name": name,
        "health": "failing",
        "message": at.to_string(),
        "error": {
            "cause": "config",
            "message": message,
            "fix": format!("Edit line {} of {}; the other connections keep working meanwhile.", at.line, at.path.display()),
        },
    })
}

/// Columns padded to their widest value, under a header (the last column is not padded).
fn print_aligned(rows: &[[String; 6]]) {
    const HEADER: [&str; 6] = [
        "NAME",
        "METHOD",
        "USERNAME",
        "LOGIN URL",
        "SECRETS",
        "LAST TEST",
    ];
    let width = |i: usize| {
        rows.iter()
            .map(|r| r[i].chars().count())
            .chain([HEADER[i].len()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..5).map(width).collect();
    let line = |cells: [&str; 6]| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate().take(5) {
            text.push_str(&format!("{cell:<w$}  ", w = widths[i]));
        }
        text.push_str(cells[5]);
        text
    };
    out!("{}", line(HEADER));
    for r in rows {
        out!("{}", line([&r[0], &r[1], &r[2], &r[3], &r[4], &r[5]]));
    }
}

impl ListArgs {
    /// Whether JSON was asked for, so that errors come out as JSON too.
    pub fn wants_json(&self) -> bool {
        self.json
    }

    pub fn run(self, global: &Global) -> ExitCode {
        let json = self.json;
        let profiles = match profiles(global) {
            Ok(p) => p,
            Err(code) => return code,
        };
        let config = match profiles.config() {
            Ok(c) => c,
            Err(e) => return profile_failure(&ProfileError::from(e)),
        };
        let now = crate::clock::now();
        if json {
            let mut all: Vec<Value> = config
                .connections
                .iter()
                .map(|(name, p)| profile_json(name, p, now))
                .collect();
            // An entry the file cannot read is listed too, with where to fix it.
            all.extend(config.broken.iter().map(|b| broken_json(&b.name, &b.error)));
            out!("{}", Value::Array(all));
            return ExitCode::SUCCESS;
        }
        if config.connections.is_empty() && config.broken.is_empty() {
            // On stderr: stdout has a line per connection, and there is none.
            say!("{}", super::NOTHING_SAVED);
            return ExitCode::SUCCESS;
        }
        // Every entry, readable or not, in name order.
        let mut rows: Vec<[String; 6]> = config
            .connections
            .iter()
            .map(|(name, p)| {
                let test = match &p.last_test {
                    Some(t) if t.ok => "last test passed".to_string(),
                    Some(t) => format!("last test FAILED: {}", t.summary),
                    None => "never tested".to_string(),
                };
                [
                    name.clone(),
                    p.flow.as_str().to_string(),
                    printable(p.username.as_deref().unwrap_or("-")),
                    p.login_url.clone(),
                    p.store.as_str().to_string(),
                    test,
                ]
            })
            .chain(config.broken.iter().map(|b| {
                let dash = || "-".to_string();
                [
                    b.name.clone(),
                    dash(),
                    dash(),
                    dash(),
                    dash(),
                    format!("cannot be read: {}", b.error),
                ]
            }))
            .collect();
        rows.sort_by(|a, b| a[0].cmp(&b[0]));
        if std::io::stdout().is_terminal() {
            print_aligned(&rows);
        } else {
            for [name, flow, username, url, store, test] in &rows {
                out!("{name}  {flow}  {username}  {url}  secrets: {store}  {test}");
            }
        }
        ExitCode::SUCCESS
    }
}

/// Said under `list --help`.
pub const LIST_HELP: &str =
    "Exit codes: 0 listed (nothing saved included); 2 the config file cannot be read at all.";

/// List saved connections.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// One JSON array of connections instead of text.
    #[arg(long)]
    pub json: bool,
}
