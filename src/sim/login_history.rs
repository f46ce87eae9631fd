//! The simulated org's Login History: the rows a scenario seeds, the logins it serves added as
//! they happen, and the SOQL an audit sends, answered 2,000 rows a page with
//! `nextRecordsUrl`, and refused (`INSUFFICIENT_ACCESS`) for other users' rows without
//! Manage Users (protocol reference §5.7b).

use std::time::{Duration, SystemTime};

use axum::http::StatusCode;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::scenario::{LoginRecord, User};
use super::state::Live;

/// Rows a query page holds, as Salesforce's default batch.
pub const PAGE: usize = 2_000;

/// One row of Login History.
#[derive(Debug, Clone)]
pub struct LoginRow {
    pub user_id: String,
    pub at: SystemTime,
    pub login_type: String,
    pub login_subtype: Option<String>,
    pub api_type: Option<String>,
    pub api_version: Option<String>,
    pub application: Option<String>,
    pub status: String,
    pub source_ip: String,
}

/// The rows `records` seed, as of `now`: each record's logins its interval apart, going back.
pub fn seeded(records: &[LoginRecord], users: &[User], now: SystemTime) -> Vec<LoginRow> {
    let day = Duration::from_secs(86_400);
    let mut rows = Vec::new();
    for r in records {
        let Some(user) = users
            .iter()
            .find(|u| u.username.eq_ignore_ascii_case(&r.username))
        else {
            continue;
        };
        let step = Duration::from_secs(u64::from(r.interval_minutes) * 60);
        for i in 0..r.count {
            rows.push(LoginRow {
                user_id: user.user_id.clone(),
                at: now - day * r.days_ago - step * i,
                login_type: r.login_type.clone(),
                login_subtype: r.login_subtype.clone(),
                api_type: r.api_type.clone(),
                api_version: r.api_version.clone(),
                application: r.application.clone(),
                status: r.status.clone(),
                source_ip: r.source_ip.clone(),
            });
        }
    }
    rows
}

/// A login the simulated org has just served: an OAuth grant (`subtype` names it) or a SOAP
/// `login()` (`soap_version`).
pub fn served(user: &User, subtype: Option<&str>, soap_version: Option<&str>) -> LoginRow {
    LoginRow {
        user_id: user.user_id.clone(),
        at: SystemTime::now(),
        login_type: match soap_version {
            Some(_) => "Other Apex API".into(),
            None => "Remote Access 2.0".into(),
        },
        login_subtype: subtype.map(str::to_string),
        api_type: soap_version.map(|_| "SOAP Partner".to_string()),
        api_version: soap_version.map(str::to_string),
        application: subtype.map(|_| "sfconnect Demo".to_string()),
        status: "Success".into(),
        source_ip: "127.0.0.1".into(),
    }
}

/// Salesforce's datetime: `2026-06-07T00:00:00.000+0000`.
fn sf_time(t: SystemTime) -> String {
    format!(
        "{}.000+0000",
        humantime::format_rfc3339_seconds(t)
            .to_string()
            .trim_end_matches('Z')
    )
}

/// `SELECT … FROM LoginHistory WHERE LoginTime >= T [AND UserId = 'ID'] ORDER BY LoginTime DESC`,
/// from row `offset` on.
pub fn query(live: &Live, user: &User, soql: &str, offset: usize) -> (StatusCode, Value) {
    let since = soql
        .split_once(">=")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .and_then(|t| humantime::parse_rfc3339_weak(t.trim_end_matches('Z')).ok())
        .unwrap_or(SystemTime::UNIX_EPOCH);
    let only = soql
        .split_once("UserId = '")
        .and_then(|(_, rest)| rest.split('\'').next())
        .map(str::to_string);
    let only = match only {
        None if !user.manage_users && live.scenario.org.login_history_own_rows_only => {
            Some(user.user_id.clone())
        }
        only => only,
    };
    if !user.manage_users && only.as_deref() != Some(user.user_id.as_str()) {
        return (
            StatusCode::BAD_REQUEST,
            json!([{"message": "Insufficient Privileges: you cannot see other users' login history without the Manage Users permission", "errorCode": "INSUFFICIENT_ACCESS"}]),
        );
    }
    let mut rows: Vec<&LoginRow> = live
        .login_history
        .iter()
        .filter(|r| r.at >= since && only.as_ref().is_none_or(|id| *id == r.user_id))
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.at));
    let total = rows.len();
    let records: Vec<Value> = rows
        .iter()
        .skip(offset)
        .take(PAGE)
        .enumerate()
        .map(|(i, r)| {
            json!({
                "attributes": {"type": "LoginHistory"},
                "Id": format!("0Ya5e{:010}AAA", offset + i + 1),
                "UserId": r.user_id,
                "LoginTime": sf_time(r.at),
                "LoginType": r.login_type,
                "LoginSubType": r.login_subtype,
                "ApiType": r.api_type,
                "ApiVersion": r.api_version,
                "Application": r.application,
                "Status": r.status,
                "SourceIp": r.source_ip,
            })
        })
        .collect();
    let next = offset + records.len();
    let mut page = json!({"totalSize": total, "done": next >= total, "records": records});
    if next < total {
        page["nextRecordsUrl"] = Value::String(format!(
            "/services/data/v{}/query/{}",
            crate::salesforce::rest::API_VERSION,
            locator(soql, next)
        ));
    }
    (StatusCode::OK, page)
}

/// A query locator: opaque to clients, here the query and where the next page starts.
fn locator(soql: &str, offset: usize) -> String {
    format!("01g{}-{offset}", URL_SAFE_NO_PAD.encode(soql))
}

/// The query and offset a locator stands for.
pub fn from_locator(locator: &str) -> Option<(String, usize)> {
    let (query, offset) = locator.strip_prefix("01g")?.rsplit_once('-')?;
    let soql = String::from_utf8(URL_SAFE_NO_PAD.decode(query).ok()?).ok()?;
    Some((soql, offset.parse().ok()?))
}
