//! A saved connection's health from what is saved (no network): ok, expiring, failing or
//! untested, with a one-line reason. `status`, `watch` and the wizard's home screen share it.

use std::time::{Duration, SystemTime};

use crate::profile::Profile;

/// Salesforce's default password policy, and how early to warn.
pub const PASSWORD_POLICY_DAYS: i64 = 90;
pub const WARN_DAYS: i64 = 14;

/// A certificate that ends within this many days (or has) is said of before a key is tested or
/// saved with it: the connection would need rotating soon after it is set up.
pub const SHORT_DAYS: i64 = 30;

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

/// When a JWT connection's certificate stops being valid: the date recorded when it was saved,
/// else the certificate kept beside its key; None when neither says (or not JWT bearer).
pub fn certificate_expires_at(profile: &Profile) -> Option<SystemTime> {
    if profile.flow != crate::profile::Flow::Jwt {
        return None;
    }
    profile
        .certificate_expires_at
        .or_else(|| super::app_keys::trial_expiry(profile.key_file.as_deref()?))
}

/// Days until a JWT connection's certificate expires (negative: it has); None when unknown.
pub fn certificate_expires_in_days(profile: &Profile, now: SystemTime) -> Option<i64> {
    Some(days_until(certificate_expires_at(profile)?, now))
}

/// Whole days from `now` until `ends` (negative once it has passed).
pub fn days_until(ends: SystemTime, now: SystemTime) -> i64 {
    match ends.duration_since(now) {
        Ok(left) => (left.as_secs() / 86_400) as i64,
        Err(past) => -((past.duration().as_secs() / 86_400) as i64) - 1,
    }
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

/// As `health`, and a JWT connection whose app may hold another certificate by now (a new pair
/// made for the app that has not passed, `pending`) is at least expiring, with why.
pub fn health_on_app(
    pending: &[crate::profile::PendingCertificate],
    p: &Profile,
    now: SystemTime,
) -> (Health, String) {
    let (h, message) = health(p, now);
    let found = super::app_keys::AppRef::of(p)
        .map(|app| super::app_keys::pending_on_app(pending, &app, p.key_file.as_deref()))
        .unwrap_or_default();
    match (h, found.split_first()) {
        (Health::Ok | Health::Untested, Some((new, more))) => {
            (Health::Expiring, pending_message(new, more))
        }
        (h, _) => (h, message),
    }
}

/// Why a connection's app may hold another certificate by now: the newest pair pending, and
/// any more.
fn pending_message(
    new: &crate::profile::PendingCertificate,
    more: &[crate::profile::PendingCertificate],
) -> String {
    let day = crate::clock::day;
    let also = match more {
        [] => String::new(),
        _ => format!(
            "; {} more not tested either: {}",
            if more.len() == 1 { "one" } else { "some" },
            more.iter()
                .map(|m| format!(
                    "{} (for '{}', {})",
                    m.key_file.display(),
                    m.made_for,
                    day(m.made_at)
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    format!(
        "the app's certificate may have changed: a new key pair ({}) was made for '{}' on {} and has not passed a test{also}. Once its certificate is in the app, this connection stops until it uses that key: finish setting up or re-authenticating '{}' with it (the others on the app then move to it); a pair whose certificate was never uploaded can be deleted, with its .crt",
        new.key_file.display(),
        new.made_for,
        day(new.made_at),
        new.made_for,
    )
}

fn saved_health(p: &Profile, now: SystemTime) -> (Health, String) {
    // A connection logs in with a password or with a certificate, never both.
    let (what, expiry) = match password_expires_in_days(p, now) {
        Some(days) => ("password", Some(days)),
        None => ("certificate", certificate_expires_in_days(p, now)),
    };
    let tested = p.last_test.as_ref().map(|t| {
        let age = now.duration_since(t.at).unwrap_or(Duration::ZERO).as_secs() / 86_400;
        (t, age)
    });
    match (tested, expiry) {
        (Some((t, _)), _) if !t.ok => (Health::Failing, t.summary.clone()),
        (_, Some(days)) if days <= 0 => (Health::Failing, format!("the {what} has expired")),
        (_, Some(days)) if days <= WARN_DAYS => {
            (Health::Expiring, format!("{what} expires in {days} days"))
        }
        (None, _) => (Health::Untested, "never tested".into()),
        (Some((_, age)), expiry) => {
            let tested = if age == 0 {
                "tested today".to_string()
            } else {
                format!("not tested for {age} days")
            };
            let expiry = match expiry {
                Some(d) => format!("; {what} expires in {d} days"),
                None if p.flow == crate::profile::Flow::Jwt => unknown_certificate(p),
                None => String::new(),
            };
            (Health::Ok, format!("{tested}{expiry}"))
        }
    }
}

/// A JWT connection whose certificate is not known: how to let sfconnect see its end date.
fn unknown_certificate(p: &Profile) -> String {
    match &p.key_file {
        Some(key) => format!(
            "; the certificate's end date is unknown: keep the certificate beside the key as {}",
            key.with_extension("crt").display()
        ),
        None => "; the certificate's end date is unknown".into(),
    }
}
