//! Login methods Salesforce is retiring or blocking: what, until when, and what to move to.
//! The days come from `DEADLINES`, each with its source and whether Salesforce has confirmed it.
//! Besides its retirement, the OAuth username-password flow is blocked by default in orgs
//! created since Summer '23, unsupported by External Client Apps, and needs a connected app,
//! which cannot be created since Spring '26.

use std::time::SystemTime;

use serde::Serialize;

use crate::profile::Flow;
pub use crate::salesforce::retirements::{
    DEADLINES, Deadline, PASSWORD_FLOW_RETIRES, SOAP_LOGIN_RETIRES, day_start, days_left,
    password_flow_days_left, password_flow_retired, soap_days_left,
};

/// How early a retiring method makes a connection count as expiring: moving an integration
/// to another method takes an admin's time and, often, a change on the integration's side.
pub const MIGRATION_WARN_DAYS: i64 = 90;
/// What to move to, best first, as `--flow` values.
pub const REPLACE_WITH: [&str; 3] = ["jwt", "client-credentials", "web"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Advisory {
    pub id: &'static str,
    /// The day the method stops working, when there is one.
    pub until: Option<&'static str>,
    pub days_left: Option<i64>,
    pub replace_with: Vec<&'static str>,
    pub message: String,
    /// A few words, for a list (the wizard's home screen).
    #[serde(skip)]
    pub short: String,
}

impl Advisory {
    /// Whether it makes the connection count as expiring.
    pub fn pressing(&self) -> bool {
        self.days_left.is_some_and(|d| d <= MIGRATION_WARN_DAYS)
    }
}

/// The move, in words; each face adds its way of making it (a command, a key), which keeps
/// the old method working until the new one passes.
const MOVE: &str = "move it to JWT bearer (an External Client App with a certificate), client credentials (a Run As user, on My Domain) or browser login (a refresh token)";

/// The advisories for a connection that logs in with `flow`, as of `now`.
pub fn advisories(flow: Flow, now: SystemTime) -> Vec<Advisory> {
    match flow {
        Flow::Soap => {
            let days = soap_days_left(now);
            let when = if days > 0 {
                format!(
                    "retires with Summer '27, in {days} days (1 June 2027 assumed: Salesforce has not confirmed the day)"
                )
            } else {
                "has retired with Summer '27 (1 June 2027 assumed)".to_string()
            };
            let short = if days > 0 {
                format!("SOAP login retires in {days} days")
            } else {
                "SOAP login has retired".to_string()
            };
            vec![Advisory {
                id: "soap_login_retires",
                until: Some(SOAP_LOGIN_RETIRES),
                days_left: Some(days),
                replace_with: REPLACE_WITH.to_vec(),
                message: format!("SOAP login() {when}; {MOVE}"),
                short,
            }]
        }
        Flow::Password => vec![
            password_flow_retires(now),
            Advisory {
                id: "password_flow_blocked",
                until: None,
                days_left: None,
                replace_with: REPLACE_WITH.to_vec(),
                message: format!(
                    "the OAuth username-password flow is blocked by default in orgs created since Summer '23, External Client Apps do not support it, and no new connected app can be created since Spring '26; {MOVE}"
                ),
                short: "the password flow is blocked in new orgs".into(),
            },
        ],
        _ => Vec::new(),
    }
}

/// Salesforce's own migration advice for the username-password flow: client credentials where
/// no user context is needed, JWT bearer where it is.
const PASSWORD_MOVE: &str = "move it to client credentials (no user context: a Run As user, on My Domain) or JWT bearer (user context, with a certificate), both on an External Client App";

/// The username-password flow's end, as of `now`.
fn password_flow_retires(now: SystemTime) -> Advisory {
    let days = password_flow_days_left(now);
    let (message, short) = if days > 0 {
        (
            format!(
                "the OAuth username-password flow stops for every connected app on 20 February 2027, in {days} days (a Release Update Salesforce enforces that day); {PASSWORD_MOVE}"
            ),
            format!("password flow stops in {days} days"),
        )
    } else {
        (
            format!(
                "the OAuth username-password flow stopped for every connected app on 20 February 2027; {PASSWORD_MOVE}"
            ),
            "the password flow has stopped".to_string(),
        )
    };
    Advisory {
        id: "password_flow_retires",
        until: Some(PASSWORD_FLOW_RETIRES),
        days_left: Some(days),
        replace_with: vec!["client-credentials", "jwt", "web"],
        message,
        short,
    }
}

/// One line across connections: how many still use each retiring method. None when none do.
pub fn fleet_summary(flows: impl IntoIterator<Item = Flow>, now: SystemTime) -> Option<String> {
    let flows: Vec<Flow> = flows.into_iter().collect();
    let count = |flow: &str| match flows.iter().filter(|f| f.as_str() == flow).count() {
        1 => "1 connection still uses".to_string(),
        n => format!("{n} connections still use"),
    };
    // The earliest deadline first.
    let parts: Vec<String> = DEADLINES
        .iter()
        .filter(|d| flows.iter().any(|f| f.as_str() == d.flow))
        .map(|d| {
            let days = days_left(d.day, now);
            match (d.flow, days > 0) {
                ("password", true) => format!(
                    "{} the OAuth username-password flow, which stops on 20 February 2027, in {days} days",
                    count(d.flow)
                ),
                ("password", false) => format!(
                    "{} the OAuth username-password flow, which stopped on 20 February 2027",
                    count(d.flow)
                ),
                (_, true) => format!(
                    "{} SOAP login, which retires in {days} days (1 June 2027, not yet confirmed by Salesforce)",
                    count(d.flow)
                ),
                (_, false) => format!("{} SOAP login, which has retired", count(d.flow)),
            }
        })
        .collect();
    (!parts.is_empty()).then(|| format!("{}.", parts.join("; ")))
}

/// `now` moved by `days` (tests of the warning window).
#[cfg(test)]
pub fn days_before_deadline(days: i64) -> SystemTime {
    let retirement_day = || day_start(SOAP_LOGIN_RETIRES).unwrap_or(SystemTime::UNIX_EPOCH);
    let offset = std::time::Duration::from_secs(days.unsigned_abs() * 86_400);
    if days >= 0 {
        retirement_day() - offset
    } else {
        retirement_day() + offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soap_login_counts_down_to_the_assumed_day_and_presses_within_the_window() {
        let now = days_before_deadline(180);
        let soap = advisories(Flow::Soap, now);
        assert_eq!(soap[0].days_left, Some(180));
        assert!(!soap[0].pressing());
        assert!(
            soap[0].message.contains("not confirmed"),
            "{}",
            soap[0].message
        );
        assert!(advisories(Flow::Soap, days_before_deadline(90))[0].pressing());
        let gone = &advisories(Flow::Soap, days_before_deadline(-3))[0];
        assert_eq!(gone.days_left, Some(-3));
        assert!(gone.message.contains("has retired"), "{}", gone.message);
        let password = advisories(Flow::Password, now);
        assert_eq!(password[0].id, "password_flow_retires");
        assert_eq!(password[1].id, "password_flow_blocked");
        assert_eq!(password[1].days_left, None);
        assert!(!password[1].pressing());
        assert!(advisories(Flow::Jwt, now).is_empty());
    }

    #[test]
    fn the_fleet_line_counts_each_retiring_method() {
        let now = days_before_deadline(181);
        let line = fleet_summary([Flow::Soap, Flow::Soap, Flow::Jwt, Flow::Password], now).unwrap();
        // The password flow's earlier deadline comes first.
        assert!(
            line.starts_with("1 connection still uses the OAuth username-password flow, which stops on 20 February 2027, in 80 days; 2 connections still use SOAP login, which retires in 181 days"),
            "{line}"
        );
        assert_eq!(fleet_summary([Flow::Jwt, Flow::Web], now), None);
    }
}

#[cfg(test)]
mod health_tests {
    use super::*;
    use crate::connect::health::{Health, health};

    fn tested_today(flow: &str, now: SystemTime) -> crate::profile::Profile {
        let at = humantime::format_rfc3339_seconds(now);
        toml::from_str(&format!(
            "flow = \"{flow}\"\nlogin_url = \"https://login.salesforce.com\"\nstore = \"file\"\nsecrets = \"x\"\ncreated_at = \"{at}\"\n[last_test]\nat = \"{at}\"\nok = true\n"
        ))
        .unwrap()
    }

    #[test]
    fn a_retiring_method_counts_as_expiring_only_within_the_window() {
        let far = days_before_deadline(180);
        assert_eq!(health(&tested_today("soap", far), far).0, Health::Ok);
        let near = days_before_deadline(60);
        let (h, message) = health(&tested_today("soap", near), near);
        assert_eq!(h, Health::Expiring);
        assert!(message.contains("in 60 days"), "{message}");
        assert_eq!(health(&tested_today("jwt", near), near).0, Health::Ok);
    }

    #[test]
    fn the_password_flow_counts_down_to_20_february_2027_and_presses_within_90_days() {
        let day = day_start(PASSWORD_FLOW_RETIRES).unwrap();
        let at = |days: i64| {
            let offset = std::time::Duration::from_secs(days.unsigned_abs() * 86_400);
            if days >= 0 {
                day - offset
            } else {
                day + offset
            }
        };
        assert_eq!(
            health(&tested_today("password", at(91)), at(91)).0,
            Health::Ok
        );
        let (h, message) = health(&tested_today("password", at(90)), at(90));
        assert_eq!(h, Health::Expiring);
        assert!(
            message.contains("20 February 2027, in 90 days"),
            "{message}"
        );
        let on_the_day = &advisories(Flow::Password, at(0))[0];
        assert_eq!(on_the_day.days_left, Some(0));
        assert!(
            on_the_day.message.contains("stopped"),
            "{}",
            on_the_day.message
        );
        assert!(password_flow_retired(at(0)) && !password_flow_retired(at(1)));
        assert_eq!(on_the_day.replace_with[..2], ["client-credentials", "jwt"]);
    }
}
