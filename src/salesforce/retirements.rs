//! The days Salesforce retires login methods on, each with its source and whether Salesforce
//! has confirmed it, and the days left to them.

use std::time::SystemTime;

/// The day taken as SOAP login()'s end (Summer '27; the exact day is not confirmed).
pub const SOAP_LOGIN_RETIRES: &str = "2027-06-01";

/// The day the OAuth username-password flow stops for every connected app.
pub const PASSWORD_FLOW_RETIRES: &str = "2027-02-20";

/// A retirement day sfconnect counts down to, with where it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    /// The advisory that counts down to it.
    pub id: &'static str,
    /// The login method, as `--flow` names it.
    pub flow: &'static str,
    pub day: &'static str,
    /// Salesforce has named this day; otherwise it is assumed from what it has said.
    pub confirmed: bool,
    pub source: &'static str,
}

/// Every retirement day, earliest first.
pub const DEADLINES: [Deadline; 2] = [
    Deadline {
        id: "password_flow_retires",
        flow: "password",
        day: PASSWORD_FLOW_RETIRES,
        confirmed: true,
        source: "Salesforce release note \"OAuth Username-Password Flow Retirement\" (rn_security_unpw_flow_retirement, a Release Update enforced 20 February 2027) and Help article 000886201, \"Migrate from OAuth Username-Password to Client Credentials Flow\"",
    },
    Deadline {
        id: "soap_login_retires",
        flow: "soap",
        day: SOAP_LOGIN_RETIRES,
        confirmed: false,
        source: "Salesforce Help article 005132110, \"Platform SOAP API login() Retirement\", retires login() for API 31.0 to 64.0 with Summer '27 and names no day; 1 June 2027 is from a notice of 21 April 2026 quoted by third parties",
    },
];

/// The start (UTC) of an advisory's `until` day, e.g. SOAP login()'s end.
pub fn day_start(until: &str) -> Option<SystemTime> {
    humantime::parse_rfc3339(&format!("{until}T00:00:00Z")).ok()
}

/// Whole days from `now` to the start of `day` (negative once it has passed).
pub fn days_left(day: &str, now: SystemTime) -> i64 {
    let seconds = 86_400;
    match day_start(day)
        .unwrap_or(SystemTime::UNIX_EPOCH)
        .duration_since(now)
    {
        Ok(left) => left.as_secs().div_ceil(seconds) as i64,
        Err(past) => -((past.duration().as_secs() / seconds) as i64),
    }
}

/// Whole days from `now` to the SOAP login() deadline (negative once it has passed).
pub fn soap_days_left(now: SystemTime) -> i64 {
    days_left(SOAP_LOGIN_RETIRES, now)
}

/// Whole days from `now` to the username-password flow's end (negative once it has passed).
pub fn password_flow_days_left(now: SystemTime) -> i64 {
    days_left(PASSWORD_FLOW_RETIRES, now)
}

/// Whether the username-password flow has stopped as of `now`.
pub fn password_flow_retired(now: SystemTime) -> bool {
    password_flow_days_left(now) <= 0
}
