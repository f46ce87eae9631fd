//! Login methods Salesforce is retiring or blocking: what, until when, and what to move to.
//! From the protocol reference: SOAP `login()` is retired for API 31.0–64.0 with Summer '27
//! (Salesforce has not named the day; 1 June 2027 is taken as the deadline), and the OAuth
//! username-password flow is blocked by default in orgs created since Summer '23, unsupported
//! by External Client Apps, and needs a connected app, which cannot be created since Spring '26.

use std::time::SystemTime;

use serde::Serialize;

use crate::profile::Flow;

/// The day taken as SOAP login()'s end (Summer '27; the exact day is not confirmed).
pub const SOAP_LOGIN_RETIRES: &str = "2027-06-01";
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

/// The start (UTC) of an advisory's `until` day, e.g. SOAP login()'s end.
pub fn day_start(until: &str) -> Option<SystemTime> {
    humantime::parse_rfc3339(&format!("{until}T00:00:00Z")).ok()
}

fn retirement_day() -> SystemTime {
    day_start(SOAP_LOGIN_RETIRES).unwrap_or(SystemTime::UNIX_EPOCH)
}

/// Whole days from `now` to the SOAP login() deadline (negative once it has passed).
pub fn soap_days_left(now: SystemTime) -> i64 {
    let day = 86_400;
    match retirement_day().duration_since(now) {
        Ok(left) => left.as_secs().div_ceil(day) as i64,
        Err(past) => -((past.duration().as_secs() / day) as i64),
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
        Flow::Password => vec![Advisory {
            id: "password_flow_blocked",
            until: None,
            days_left: None,
            replace_with: REPLACE_WITH.to_vec(),
            message: format!(
                "the OAuth username-password flow is blocked by default in orgs created since Summer '23, External Client Apps do not support it, and no new connected app can be created since Spring '26; {MOVE}"
            ),
            short: "the password flow is blocked in new orgs".into(),
        }],
        _ => Vec::new(),
    }
}

/// One line across connections: how many still use each retiring method. None when none do.
pub fn fleet_summary(flows: impl IntoIterator<Item = Flow>, now: SystemTime) -> Option<String> {
    let (mut soap, mut password) = (0, 0);
    for flow in flows {
        match flow {
            Flow::Soap => soap += 1,
            Flow::Password => password += 1,
            _ => {}
        }
    }
    let count = |n: usize| match n {
        1 => "1 connection still uses".to_string(),
        n => format!("{n} connections still use"),
    };
    let mut parts = Vec::new();
    if soap > 0 {
        let days = soap_days_left(now);
        parts.push(if days > 0 {
            format!("{} SOAP login, which retires in {days} days (1 June 2027, not yet confirmed by Salesforce)", count(soap))
        } else {
            format!("{} SOAP login, which has retired", count(soap))
        });
    }
    if password > 0 {
        parts.push(format!(
            "{} the OAuth username-password flow, blocked by default in new orgs",
            count(password)
        ));
    }
    (!parts.is_empty()).then(|| format!("{}.", parts.join("; ")))
}

/// `now` moved by `days` (tests of the warning window).
#[cfg(test)]
pub fn days_before_deadline(days: i64) -> SystemTime {
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
        let password = &advisories(Flow::Password, now)[0];
        assert_eq!(password.days_left, None);
        assert!(!password.pressing());
        assert!(advisories(Flow::Jwt, now).is_empty());
    }

    #[test]
    fn the_fleet_line_counts_each_retiring_method() {
        let now = days_before_deadline(181);
        let line = fleet_summary([Flow::Soap, Flow::Soap, Flow::Jwt, Flow::Password], now).unwrap();
        assert!(
            line.starts_with("2 connections still use SOAP login, which retires in 181 days"),
            "{line}"
        );
        assert!(
            line.contains("1 connection still uses the OAuth username-password flow"),
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
        // No deadline: the password flow's advisory never makes it expiring by itself.
        assert_eq!(health(&tested_today("password", near), near).0, Health::Ok);
    }
}
