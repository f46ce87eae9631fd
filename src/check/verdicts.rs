//! Turning what the org answered into pass / warn / fail verdicts with their fixes.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use serde_json::Value;

use super::objects::describe_access;
use super::{CheckResult, LicenseCount, Licenses, Status, Target};
use crate::profile::credentials::uses_refresh_token;
use crate::salesforce::rest::{ApiVersion, Limit, ObjectDescribe};
use crate::salesforce::{Authenticated, Cause, SfError};

pub fn reach(target: &Target, reach: &Result<Vec<ApiVersion>, SfError>) -> CheckResult {
    match reach {
        Ok(versions) => CheckResult::new(
            "reach",
            Status::Pass,
            format!(
                "{} answers (API versions up to {})",
                target.login_url.host(),
                versions.last().map(|v| v.version.as_str()).unwrap_or("?")
            ),
            "",
        ),
        Err(e) => CheckResult::from_error("reach", Status::Fail, e),
    }
}

/// The login passed; `identified` is the username the identity service gave, when it did.
pub fn login(auth: &Authenticated, identified: Option<&str>) -> CheckResult {
    let who = auth
        .username
        .as_deref()
        .or(identified)
        .map(str::to_string)
        .unwrap_or_else(|| format!("user {}", auth.user_id));
    CheckResult::new(
        "login",
        Status::Pass,
        format!(
            "logged in as {who}; the org lives at {}",
            auth.session.instance_url
        ),
        "",
    )
}

/// Who the session belongs to: the identity URL for OAuth logins, userinfo for SOAP sessions.
pub async fn fetch_identity(auth: &Authenticated) -> Result<(String, String), SfError> {
    use crate::salesforce::error::printable;
    // The username is saved and printed (`list`, `test`): server text, made printable.
    let found = match &auth.identity_url {
        Some(url) => auth
            .session
            .identity(url)
            .await
            .map(|i| (i.username, i.display_name)),
        None => auth
            .session
            .userinfo()
            .await
            .map(|i| (i.preferred_username, i.name)),
    };
    found.map(|(username, name)| (printable(&username), printable(&name)))
}

pub struct Evaluated {
    pub checks: Vec<CheckResult>,
    pub username: Option<String>,
    pub licenses: Option<Licenses>,
    pub password_changed_at: Option<SystemTime>,
    pub api_requests_remaining: Option<i64>,
}

fn records(value: &Result<Value, SfError>) -> Vec<Value> {
    value
        .as_ref()
        .ok()
        .and_then(|v| v.get("records"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn text<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(v, |v, k| v.get(k))?.as_str()
}

pub fn evaluate(
    target: &Target,
    auth: &Authenticated,
    identity: Result<(String, String), SfError>,
    fetched: Result<Vec<Result<Value, SfError>>, SfError>,
) -> Evaluated {
    let expired = |e: &SfError| e.cause == Cause::PasswordExpired;
    let username = identity.as_ref().ok().map(|(u, _)| u.clone());
    let fetched = match fetched {
        Ok(f) => f,
        Err(e) => {
            let mut checks = vec![identity_verdict(target, identity, None)];
            checks.push(CheckResult::from_error("api_enabled", Status::Fail, &e));
            for id in ["objects", "limits"] {
                checks.push(CheckResult::new(
                    id,
                    Status::Skip,
                    "needs working API calls",
                    "",
                ));
            }
            checks.push(password_verdict(
                target,
                auth.password_expired || expired(&e),
                None,
            ));
            checks.push(token_verdict(target, auth));
            return Evaluated {
                checks,
                username,
                licenses: None,
                password_changed_at: None,
                api_requests_remaining: None,
            };
        }
    };
    let n = target.objects.len();
    let limits = &fetched[0];
    let describes = &fetched[1..1 + n];
    let user = records(&fetched[1 + n]).into_iter().next();
    let license_rows = records(&fetched[2 + n]);
    let active = records(&fetched[3 + n]);

    let changed = user
        .as_ref()
        .and_then(|u| text(u, &["LastPasswordChangeDate"]))
        .and_then(password_date)
        .or(target.password_changed_at);
    let api = match limits {
        Ok(_) if !auth.password_expired => {
            CheckResult::new("api_enabled", Status::Pass, "REST API calls work", "")
        }
        Ok(_) => CheckResult::from_error(
            "api_enabled",
            Status::Fail,
            &SfError::new(Cause::PasswordExpired),
        ),
        Err(e) => CheckResult::from_error("api_enabled", Status::Fail, e),
    };
    let api_expired = limits.as_ref().err().is_some_and(expired);
    let checks = vec![
        identity_verdict(target, identity, user.as_ref()),
        api,
        objects_verdict(target, describes),
        limits_verdict(limits),
        password_verdict(target, auth.password_expired || api_expired, changed),
        token_verdict(target, auth),
    ];
    Evaluated {
        checks,
        username,
        licenses: Some(licenses(target, &license_rows, &active)),
        password_changed_at: changed,
        api_requests_remaining: daily_requests(limits).map(|l| l.remaining),
    }
}

/// The org's daily API requests, when it reported them.
fn daily_requests(limits: &Result<Value, SfError>) -> Option<Limit> {
    limits
        .as_ref()
        .ok()
        .and_then(|v| v.get("DailyApiRequests"))
        .and_then(|v| serde_json::from_value::<Limit>(v.clone()).ok())
}

fn identity_verdict(
    target: &Target,
    identity: Result<(String, String), SfError>,
    user: Option<&Value>,
) -> CheckResult {
    let environment = if target.sandbox {
        "SANDBOX"
    } else {
        "PRODUCTION"
    };
    let (username, name) = match identity {
        Ok(found) => found,
        Err(e) => return CheckResult::from_error("identity", Status::Fail, &e),
    };
    let profile = user
        .and_then(|u| text(u, &["Profile", "Name"]))
        .unwrap_or("");
    let license = user
        .and_then(|u| text(u, &["Profile", "UserLicense", "Name"]))
        .unwrap_or("");
    let profile_said = if profile.is_empty() {
        "profile not readable".to_string()
    } else {
        format!("profile {profile}")
    };
    let detail = format!("{username} ({name}), {profile_said}, {environment} org");
    let integration = license.contains("Integration");
    if profile.contains("System Administrator") && !integration {
        return CheckResult::new(
            "identity",
            Status::Warn,
            format!("{detail}: this looks like a person's admin account"),
            "use a dedicated API-only integration user, so the integration keeps working when people leave or change roles",
        );
    }
    CheckResult::new("identity", Status::Pass, detail, "")
}

fn objects_verdict(target: &Target, describes: &[Result<Value, SfError>]) -> CheckResult {
    let mut missing_required = Vec::new();
    let mut missing_optional = Vec::new();
    for (need, result) in target.objects.iter().zip(describes) {
        let described = result
            .as_ref()
            .ok()
            .and_then(|v| serde_json::from_value::<ObjectDescribe>(v.clone()).ok());
        let lacking: String = need
            .access
            .chars()
            .filter(|c| match (&described, c) {
                (None, _) => true,
                (Some(d), 'r') => !(d.queryable && d.retrieveable),
                (Some(d), 'c') => !d.createable,
                (Some(d), 'e') => !d.updateable,
                (Some(d), 'd') => !d.deletable,
                _ => false,
            })
            .collect();
        if !lacking.is_empty() {
            let line = format!("{} (no {})", need.name, describe_access(&lacking));
            if need.required {
                missing_required.push(line);
            } else {
                missing_optional.push(line);
            }
        }
    }
    let fix = "grant the access through a permission set assigned to the integration user (Setup > Users > Permission Sets > Object Settings; Classic: Setup > Manage Users > Permission Sets)";
    match (missing_required.is_empty(), missing_optional.is_empty()) {
        (true, true) => CheckResult::new(
            "objects",
            Status::Pass,
            format!(
                "all {} objects have the access the integration needs",
                target.objects.len()
            ),
            "",
        ),
        (false, _) => CheckResult::new(
            "objects",
            Status::Fail,
            format!("required: {}", missing_required.join(", ")),
            fix,
        ),
        (true, false) => CheckResult::new(
            "objects",
            Status::Warn,
            format!("optional: {}", missing_optional.join(", ")),
            fix,
        ),
    }
}

fn limits_verdict(limits: &Result<Value, SfError>) -> CheckResult {
    let Some(daily) = daily_requests(limits) else {
        return CheckResult::new(
            "limits",
            Status::Skip,
            "the org did not report its API limits",
            "",
        );
    };
    let detail = format!(
        "{} of {} daily API requests left",
        daily.remaining, daily.max
    );
    let fix = "reduce API use or buy more API capacity; the count is over a rolling 24 hours";
    if daily.remaining <= 0 {
        CheckResult::new("limits", Status::Fail, detail, fix)
    } else if daily.remaining.saturating_mul(10) < daily.max {
        CheckResult::new("limits", Status::Warn, format!("{detail} (under 10%)"), fix)
    } else {
        CheckResult::new("limits", Status::Pass, detail, "")
    }
}

pub(super) fn password_verdict(
    target: &Target,
    expired: bool,
    changed: Option<SystemTime>,
) -> CheckResult {
    if !target.flow.uses_password() {
        return CheckResult::new(
            "password_expiry",
            Status::Skip,
            "this method does not log in with a password",
            "",
        );
    }
    let fix = "log in to Salesforce as the integration user and set a new password, reset the security token (a password change resets it), then re-authenticate the connection";
    if expired {
        return CheckResult::new(
            "password_expiry",
            Status::Fail,
            "the password has expired",
            fix,
        )
        .then(super::Next::Reauthenticate);
    }
    let Some(changed) = changed else {
        return CheckResult::new(
            "password_expiry",
            Status::Skip,
            "when the password was last changed is unknown",
            "",
        );
    };
    let age = SystemTime::now()
        .duration_since(changed)
        .unwrap_or(Duration::ZERO)
        .as_secs() as i64
        / 86_400;
    let left = target.password_policy_days - age;
    let changed = match age {
        0 => "changed today".to_string(),
        1 => "changed 1 day ago".to_string(),
        n => format!("changed {n} days ago"),
    };
    let detail = format!(
        "{changed}; expires in {left} days under a {}-day policy",
        target.password_policy_days
    );
    if left <= target.warn_days {
        CheckResult::new("password_expiry", Status::Warn, detail, fix)
            .then(super::Next::Reauthenticate)
    } else {
        CheckResult::new("password_expiry", Status::Pass, detail, "")
    }
}

fn token_verdict(target: &Target, auth: &Authenticated) -> CheckResult {
    if !uses_refresh_token(target.flow) {
        return CheckResult::new(
            "token",
            Status::Skip,
            "this method uses no refresh token",
            "",
        );
    }
    match &auth.refresh_token {
        Some(_) => CheckResult::new(
            "token",
            Status::Pass,
            "the refresh token works; Salesforce rotated it and the new one is saved",
            "",
        ),
        None => CheckResult::new("token", Status::Pass, "the refresh token works", ""),
    }
}

fn domain_of(email: &str) -> &str {
    email.rsplit_once('@').map(|(_, d)| d).unwrap_or("")
}

fn licenses(target: &Target, rows: &[Value], active: &[Value]) -> Licenses {
    let all =
        target.company_domains.is_empty() || target.company_domains.iter().any(|d| d.trim() == "*");
    let domains: Vec<String> = target
        .company_domains
        .iter()
        .map(|d| d.trim().to_ascii_lowercase())
        .collect();
    let mut per_license: BTreeMap<String, usize> = BTreeMap::new();
    let mut matching = 0;
    for user in active {
        let email = text(user, &["Email"])
            .unwrap_or_default()
            .to_ascii_lowercase();
        if all || domains.iter().any(|d| domain_of(&email) == d) {
            matching += 1;
        }
        let license = text(user, &["Profile", "UserLicense", "Name"]).unwrap_or("unknown");
        *per_license.entry(license.to_string()).or_default() += 1;
    }
    Licenses {
        licenses: rows
            .iter()
            .map(|r| {
                let name = text(r, &["Name"]).unwrap_or_default().to_string();
                let shown = crate::salesforce::error::printable(&name);
                LicenseCount {
                    active_users: per_license.get(&name).copied().unwrap_or(0),
                    total: r.get("TotalLicenses").and_then(Value::as_i64).unwrap_or(0),
                    used: r.get("UsedLicenses").and_then(Value::as_i64).unwrap_or(0),
                    name: shown,
                }
            })
            .collect(),
        active_users: active.len(),
        matching_users: matching,
        domains: if all { vec!["*".into()] } else { domains },
    }
}

/// A server's `LastPasswordChangeDate` (`2026-01-01T00:00:00.000+0000`): its first 19
/// characters, read as RFC 3339. Server text is never sliced by bytes: a character that is not
/// ASCII must give "unknown", not a panic.
fn password_date(text: &str) -> Option<std::time::SystemTime> {
    let head = text.get(..19).or_else(|| text.is_ascii().then_some(text))?;
    humantime::parse_rfc3339_weak(head).ok()
}

#[cfg(test)]
mod tests {
    use super::password_date;

    #[test]
    fn a_password_date_with_a_character_out_of_place_is_unknown_never_a_panic() {
        assert!(password_date("2026-01-01T00:00:00.000+0000").is_some());
        assert!(password_date("2026-01-01T00:00:00").is_some());
        assert_eq!(password_date("2026-01-01T00:00:0é"), None);
        assert_eq!(
            password_date("2026-01-01T00:00:00é+0000").map(|_| ()),
            Some(())
        );
        assert_eq!(password_date("é"), None);
        assert_eq!(password_date(""), None);
    }
}
