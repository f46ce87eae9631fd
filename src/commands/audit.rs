//! `sfconnect audit NAME`: from a saved connection, who in the org still logs in with a method
//! Salesforce is retiring (its Login History, those sfconnect does not hold included), and
//! how to move each.

use std::io::IsTerminal;
use std::process::ExitCode;

use serde_json::{Value, json};

use super::complete::saved_names;
use super::global::Global;
use super::{EXIT_FAILED, profiles};
use crate::connect::audit::{Audit, Group, audit_connection};

/// Said under `audit --help`.
pub const AUDIT_HELP: &str = "Reads the org's Login History (Salesforce keeps six months) as the connection's user, who needs Manage Users to see other users' logins (without it the report is partial: its own logins). Retiring methods come first, each with its deadline and how to move it.\nExit codes: 0 no login with a retiring method was seen; 1 one was, or the history could not be read; 2 usage or unknown name.";

/// Who in the org still logs in with a retiring method, from its Login History.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// The saved connection to read the org's Login History with.
    #[arg(add = saved_names())]
    pub name: String,
    /// How many days back to read (Salesforce keeps 180).
    #[arg(long, default_value_t = 180, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=180))]
    pub days: u32,
    /// One JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

impl AuditArgs {
    /// Whether JSON was asked for, so that errors come out as JSON too.
    pub fn wants_json(&self) -> bool {
        self.json
    }

    pub async fn run(self, global: &Global) -> ExitCode {
        let profiles = match profiles(global) {
            Ok(p) => std::sync::Arc::new(p),
            Err(code) => return code,
        };
        let live = !self.json && std::io::stderr().is_terminal();
        let now = crate::clock::now();
        let found = audit_connection(&profiles, &self.name, self.days, now, |rows| {
            if live && rows > 0 && rows % 10_000 == 0 {
                say!("… {rows} rows read");
            }
        })
        .await;
        let (found, org) = match found {
            Ok(f) => f,
            Err(e) => return super::saved::service_failed(&e, &self.name),
        };
        if self.json {
            out!("{}", to_json(&self.name, &org, &found, now));
        } else {
            print(&self.name, &org, &found, now);
        }
        if found.groups.iter().any(|g| g.method().retires().is_some()) {
            ExitCode::from(EXIT_FAILED)
        } else {
            ExitCode::SUCCESS
        }
    }
}

fn rfc3339(t: std::time::SystemTime) -> String {
    humantime::format_rfc3339_seconds(t).to_string()
}

fn group_json(g: &Group, now: std::time::SystemTime) -> Value {
    json!({
        "username": g.username,
        "user_id": g.user_id,
        "name": g.name,
        "active": g.active,
        "method": g.method().as_str(),
        "login_type": g.login_type,
        "login_subtype": g.login_subtype,
        "api_type": g.api_type,
        "api_versions": g.api_versions,
        "application": g.application,
        "successes": g.successes,
        "failures": g.failures,
        "first_seen": g.first_seen,
        "last_seen": g.last_seen,
        "source_ips": g.source_ips,
        "retiring": g.method().retires().map(|(id, until)| json!({
            "id": id,
            "until": until,
            "days_left": g.days_left(now),
        })),
        "saved_as": g.saved_as,
    })
}

/// The contract's `audit --json` shape.
fn to_json(name: &str, org: &str, found: &Audit, now: std::time::SystemTime) -> Value {
    let count = |method: &str| {
        found
            .groups
            .iter()
            .filter(|g| g.method().as_str() == method)
            .count()
    };
    json!({
        "name": name,
        "org_id": org,
        "since": rfc3339(found.since),
        "rows_read": found.rows_read,
        "partial": found.partial,
        "groups": found.groups.iter().map(|g| group_json(g, now)).collect::<Vec<_>>(),
        "retiring": {"soap": count("soap"), "password": count("password")},
    })
}

/// How a group's method reads for people.
fn method_words(g: &Group) -> String {
    use crate::connect::audit::Method;
    let versions = g
        .api_versions
        .iter()
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    match g.method() {
        Method::Soap => format!("SOAP login() ({}, API {versions})", g.api_type),
        Method::Password => "OAuth username-password flow".into(),
        Method::Jwt => "JWT bearer".into(),
        Method::ClientCredentials => "client credentials".into(),
        Method::RefreshToken => "refresh token".into(),
        Method::Web => format!("browser or device login ({})", g.login_subtype),
        Method::Ui => "the Salesforce UI".into(),
        Method::Other => format!("other ({} {})", g.login_type, g.login_subtype)
            .trim_end()
            .to_string(),
    }
}

fn print(name: &str, org: &str, found: &Audit, now: std::time::SystemTime) {
    out!(
        "Login History of org {org} since {} (through '{name}'): {} rows read.",
        &rfc3339(found.since)[..10],
        found.rows_read
    );
    if found.partial {
        out!(
            "Partial: '{name}' logs in as a user without Manage Users, so only its own logins are shown. Grant Manage Users on its profile or a permission set (Setup > Users > Permission Sets > (the set) > System Permissions > Manage Users) and run this again."
        );
    }
    let mut heading = None;
    for g in &found.groups {
        let retiring = g.method().retires().is_some();
        let this = if retiring {
            "Retiring:"
        } else {
            "Not retiring:"
        };
        if heading != Some(this) {
            out!("{this}");
            heading = Some(this);
        }
        let who = match (&g.username, &g.name, g.active) {
            (Some(u), Some(n), Some(true)) => format!("{u} ({n})"),
            (Some(u), Some(n), _) => format!("{u} ({n}, inactive)"),
            _ => format!("user {}", g.user_id),
        };
        let ips = g.source_ips.iter().cloned().collect::<Vec<_>>().join(", ");
        out!(
            "  {who} · {} · {} ok, {} failed · last {} · from {ips}",
            method_words(g),
            g.successes,
            g.failures,
            g.last_seen.get(..10).unwrap_or(&g.last_seen)
        );
        if retiring {
            let when = match g.days_left(now) {
                Some(d) if d > 0 => format!("retires in {d} days"),
                _ => "has retired".to_string(),
            };
            match g.saved_as.first() {
                Some(saved) => out!(
                    "      {when}; saved as '{saved}': `sfconnect login {saved} --flow client-credentials …` (or --flow jwt …) moves it, keeping the old method until the new one passes."
                ),
                None => out!(
                    "      {when}; not held by sfconnect: create an External Client App with client credentials or JWT bearer, test its values with `sfconnect login NAME --flow client-credentials …`, then give them to the integration."
                ),
            }
        }
    }
}
