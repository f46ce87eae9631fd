//! A saved connection's health from what is saved (no network): ok, expiring, failing or
//! untested, with a one-line reason. `status`, `watch` and the wizard's home screen share it.

use std::time::{Duration, SystemTime};

use crate::profile::Profile;

/// Salesforce's default password policy, and how early to warn.
pub const PASSWORD_POLICY_DAYS: i64 = 90;
pub const WARN_DAYS: i64 = 14;

/// Days until the password expires under the connection's policy (default 90 days); None when unknown or not used.
pub fn password_expires_in_days(profile: &Profile, now: SystemTime) -> Option<i64> {
    if !profile.flow.uses_password() {
        return None;
    }
    let changed = profile.password_changed_at?;
    let age = now
        .duration_since(changed)
        .map(|d| d.as_secs() as i64 / 86_400)
        .unwrap_or(0);
    let policy = profile
        .password_policy_days
        .map(i64::from)
        .unwrap_or(PASSWORD_POLICY_DAYS);
    Some(policy - age)
}

/// A connection's health.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    Ok,
    /// The password expires within the warning window, or the login method retires within
    /// the migration window.
    Expiring,
    Failing,
    Untested,
}

impl Health {
    pub fn as_str(self) -> &'static str {
        match self {
            Health::Ok => "ok",
            Health::Expiring => "expiring",
            Health::Failing => "failing",
            Health::Untested => "untested",
        }
    }

    /// Whether `status` exits 1 for it.
    pub fn alarming(self) -> bool {
        matches!(self, Health::Expiring | Health::Failing)
    }
}

/// Health and a one-line message, from what is saved (no network). A login method that
/// retires within the migration window counts as expiring, as a password does.
pub fn health(p: &Profile, now: SystemTime) -> (Health, String) {
    let (h, message) = saved_health(p, now);
    let pressing = super::advisories::advisories(p.flow, now)
        .into_iter()
        .find(|a| a.pressing());
    match (h, pressing) {
        (Health::Ok | Health::Untested, Some(a)) => (Health::Expiring, a.message),
        (h, _) => (h, message),
    }
}

fn saved_health(p: &Profile, now: SystemTime) -> (Health, String) {
    let expiry = password_expires_in_days(p, now);
    let tested = p.last_test.as_ref().map(|t| {
        let age = now.duration_since(t.at).unwrap_or(Duration::ZERO).as_secs() / 86_400;
        (t, age)
    });
    match (tested, expiry) {
        (Some((t, _)), _) if !t.ok => (Health::Failing, t.summary.clone()),
        (_, Some(days)) if days <= 0 => (Health::Failing, "the password has expired".into()),
        (_, Some(days)) if days <= WARN_DAYS => {
            (Health::Expiring, format!("password expires in {days} days"))
        }
        (None, _) => (Health::Untested, "never tested".into()),
        (Some((_, age)), expiry) => {
            let tested = if age == 0 {
                "tested today".to_string()
            } else {
                format!("not tested for {age} days")
            };
            let expiry = expiry
                .map(|d| format!("; password expires in {d} days"))
                .unwrap_or_default();
            (Health::Ok, format!("{tested}{expiry}"))
        }
    }
}
