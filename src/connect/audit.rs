//! Who in the org still logs in how: the org's Login History, read a page at a time and
//! grouped by user and login method, each group with its retirement (if its method has one)
//! and the saved connections that log in as its user. Memory holds the groups, not the rows.

use std::collections::{BTreeSet, HashMap};
use std::time::SystemTime;

use serde_json::Value;

use crate::profile::Profile;
use crate::salesforce::SfError;
use crate::salesforce::error::Cause;
use crate::salesforce::rest::Session;
use crate::salesforce::retirements::{PASSWORD_FLOW_RETIRES, SOAP_LOGIN_RETIRES, days_left};

/// How a login logged in, as far as Login History tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    Soap,
    Password,
    Jwt,
    ClientCredentials,
    RefreshToken,
    Web,
    Ui,
    Other,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Soap => "soap",
            Method::Password => "password",
            Method::Jwt => "jwt",
            Method::ClientCredentials => "client-credentials",
            Method::RefreshToken => "refresh-token",
            Method::Web => "web",
            Method::Ui => "ui",
            Method::Other => "other",
        }
    }

    /// The retirement day of a retiring method, and its advisory's id.
    pub fn retires(self) -> Option<(&'static str, &'static str)> {
        match self {
            Method::Password => Some(("password_flow_retires", PASSWORD_FLOW_RETIRES)),
            Method::Soap => Some(("soap_login_retires", SOAP_LOGIN_RETIRES)),
            _ => None,
        }
    }
}

/// The method a Login History row shows. What it cannot tell is `Other` (never a guessed
/// retirement): Salesforce documents few of these values.
pub fn classify(login_type: &str, subtype: &str, api_type: &str) -> Method {
    let sub = subtype.to_ascii_lowercase();
    let api = api_type.to_ascii_lowercase();
    if login_type.eq_ignore_ascii_case("Remote Access 2.0") || sub.starts_with("oauth") {
        return if sub.contains("username-password") || sub.contains("username password") {
            Method::Password
        } else if sub.contains("jwt") {
            Method::Jwt
        } else if sub.contains("client credential") {
            Method::ClientCredentials
        } else if sub.contains("refresh") {
            Method::RefreshToken
        } else if sub.contains("authorization code")
            || sub.contains("web server")
            || sub.contains("device")
            || sub.contains("user-agent")
        {
            Method::Web
        } else {
            Method::Other
        };
    }
    if api.starts_with("soap") {
        Method::Soap
    } else if login_type.eq_ignore_ascii_case("Application") {
        Method::Ui
    } else {
        Method::Other
    }
}

/// The logins of one user with one method (and one application, type and subtype).
#[derive(Debug, Clone, Default)]
pub struct Group {
    pub user_id: String,
    pub username: Option<String>,
    pub name: Option<String>,
    pub active: Option<bool>,
    pub method: Option<Method>,
    pub login_type: String,
    pub login_subtype: String,
    pub api_type: String,
    pub api_versions: BTreeSet<String>,
    pub application: String,
    pub successes: u64,
    pub failures: u64,
    pub first_seen: String,
    pub last_seen: String,
    /// Up to `MAX_IPS` source addresses.
    pub source_ips: BTreeSet<String>,
    /// Saved connections that log in as this user.
    pub saved_as: Vec<String>,
}

impl Group {
    pub fn method(&self) -> Method {
        self.method.unwrap_or(Method::Other)
    }

    /// Days to this group's method's retirement, as of `now`.
    pub fn days_left(&self, now: SystemTime) -> Option<i64> {
        self.method().retires().map(|(_, day)| days_left(day, now))
    }
}

/// Whether a connection saved with `flow` shows in Login History as `method`.
fn logs_in_as(flow: crate::profile::Flow, method: Method) -> bool {
    use crate::profile::Flow;
    match flow {
        Flow::Soap => method == Method::Soap,
        Flow::Password => method == Method::Password,
        Flow::Jwt => method == Method::Jwt,
        Flow::ClientCredentials => method == Method::ClientCredentials,
        // A browser or device login, and then its refresh token at each later login.
        Flow::Web | Flow::Device | Flow::RefreshToken => {
            matches!(method, Method::Web | Method::RefreshToken)
        }
    }
}

/// Source addresses kept per group.
pub const MAX_IPS: usize = 5;

/// What an audit found.
#[derive(Debug, Clone)]
pub struct Audit {
    pub since: SystemTime,
    pub rows_read: u64,
    /// Retiring groups first (the earliest deadline first), then the latest seen first.
    pub groups: Vec<Group>,
    /// The user may not read other users' logins (no Manage Users): only its own are here.
    pub partial: bool,
}

/// The Login History query for logins since `since`, by `only` one user where given.
fn soql(since: SystemTime, only: Option<&str>) -> String {
    let since = humantime::format_rfc3339_seconds(since);
    let user = only
        .map(|id| format!(" AND UserId = '{id}'"))
        .unwrap_or_default();
    format!(
        "SELECT UserId, LoginTime, LoginType, LoginSubType, ApiType, ApiVersion, Application, Status, SourceIp FROM LoginHistory WHERE LoginTime >= {since}{user} ORDER BY LoginTime DESC"
    )
}

fn text(row: &Value, field: &str) -> String {
    row[field].as_str().unwrap_or_default().to_string()
}

/// Fold one row into its group.
fn add(groups: &mut HashMap<(String, Method, String, String, String, String), Group>, row: &Value) {
    let (user_id, login_type, subtype, api_type, application) = (
        text(row, "UserId"),
        text(row, "LoginType"),
        text(row, "LoginSubType"),
        text(row, "ApiType"),
        text(row, "Application"),
    );
    let method = classify(&login_type, &subtype, &api_type);
    let key = (
        user_id.clone(),
        method,
        login_type.clone(),
        subtype.clone(),
        api_type.clone(),
        application.clone(),
    );
    let group = groups.entry(key).or_insert_with(|| Group {
        user_id,
        method: Some(method),
        login_type,
        login_subtype: subtype,
        api_type,
        application,
        ..Group::default()
    });
    if text(row, "Status") == "Success" {
        group.successes += 1;
    } else {
        group.failures += 1;
    }
    let at = text(row, "LoginTime");
    if group.last_seen.is_empty() || at > group.last_seen {
        group.last_seen = at.clone();
    }
    if group.first_seen.is_empty() || at < group.first_seen {
        group.first_seen = at;
    }
    let version = text(row, "ApiVersion");
    if !version.is_empty() {
        group.api_versions.insert(version);
    }
    let ip = text(row, "SourceIp");
    if !ip.is_empty() && group.source_ips.len() < MAX_IPS {
        group.source_ips.insert(ip);
    }
}

/// Read the org's Login History since `days` before `now` as `session`'s user (`own_user_id`),
/// a page at a time (`progress` hears the rows read so far), and group it. Without Manage Users
/// the user's own logins are read, and the audit says it is partial.
pub async fn audit(
    session: &Session,
    own_user_id: &str,
    days: u32,
    now: SystemTime,
    saved: &[(String, Profile)],
    progress: impl FnMut(u64),
) -> Result<Audit, SfError> {
    let since = now - std::time::Duration::from_secs(u64::from(days) * 86_400);
    // Without Manage Users an org may refuse the query or quietly answer with the user's own
    // logins only: asked first, so that either way the report says it is partial.
    if !own_user_id.is_empty() && !may_manage_users(session).await {
        let page = session.query(&soql(since, Some(own_user_id))).await?;
        return finish(session, since, page, true, saved, progress).await;
    }
    let (page, partial) = match session.query(&soql(since, None)).await {
        Ok(page) => (page, false),
        Err(e) if e.cause == Cause::InsufficientAccess && !own_user_id.is_empty() => {
            (session.query(&soql(since, Some(own_user_id))).await?, true)
        }
        Err(e) => return Err(e),
    };
    finish(session, since, page, partial, saved, progress).await
}

/// Whether the user has Manage Users; an org that does not say is taken to grant it (the
/// query itself is then refused, or not).
async fn may_manage_users(session: &Session) -> bool {
    match session
        .query("SELECT PermissionsManageUsers FROM UserPermissionAccess")
        .await
    {
        Ok(answer) => answer
            .records
            .first()
            .and_then(|r| r["PermissionsManageUsers"].as_bool())
            .unwrap_or(true),
        Err(_) => true,
    }
}

/// Read the rest of the pages from `page` on, group them, and name the users.
async fn finish(
    session: &Session,
    since: SystemTime,
    mut page: crate::salesforce::rest::QueryResult,
    partial: bool,
    saved: &[(String, Profile)],
    mut progress: impl FnMut(u64),
) -> Result<Audit, SfError> {
    let mut groups = HashMap::new();
    let mut rows_read = 0;
    loop {
        for row in &page.records {
            add(&mut groups, row);
        }
        rows_read += page.records.len() as u64;
        progress(rows_read);
        match page.next_records_url.as_deref() {
            Some(next) if !page.done => page = session.query_more(next).await?,
            _ => break,
        }
    }
    let mut groups: Vec<Group> = groups.into_values().collect();
    name_users(session, &mut groups).await?;
    for g in &mut groups {
        // The same user and the same way in: a user's connections by other methods are not
        // this group's (moving one of those would leave this one as it is).
        g.saved_as = saved
            .iter()
            .filter(|(_, p)| logs_in_as(p.flow, g.method()))
            .filter(|(_, p)| {
                p.user_id.as_deref() == Some(g.user_id.as_str())
                    || g.username.as_deref().is_some_and(|u| {
                        p.username
                            .as_deref()
                            .is_some_and(|s| s.eq_ignore_ascii_case(u))
                    })
            })
            .map(|(name, _)| name.clone())
            .collect();
    }
    groups.sort_by(|a, b| {
        let deadline = |g: &Group| g.method().retires().map(|(_, day)| day);
        match (deadline(a), deadline(b)) {
            (Some(x), Some(y)) => x.cmp(y).then(b.last_seen.cmp(&a.last_seen)),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => b.last_seen.cmp(&a.last_seen),
        }
    });
    Ok(Audit {
        since,
        rows_read,
        groups,
        partial,
    })
}

/// An audit through saved connection `name`: a token its org accepts, then `audit` as its
/// user, with the other saved connections named where they log in as a group's user. Also
/// the org's id.
pub async fn audit_connection(
    profiles: &std::sync::Arc<crate::profile::Profiles>,
    name: &str,
    days: u32,
    now: SystemTime,
    progress: impl FnMut(u64),
) -> Result<(Audit, String), super::ConnectError> {
    let token =
        super::token::access_token(profiles, name, super::token::Freshness::Confirm).await?;
    let saved: Vec<(String, Profile)> = profiles
        .config()
        .map_err(crate::profile::ProfileError::from)?
        .connections
        .into_iter()
        .collect();
    let http = crate::salesforce::Http::new(crate::salesforce::http::request_timeout())?;
    let session = Session::new(http, &token.instance_url, token.token.clone());
    let own = token.saved.profile.user_id.clone().unwrap_or_default();
    let found = audit(&session, &own, days, now, &saved, progress).await?;
    Ok((
        found,
        token.saved.profile.org_id.clone().unwrap_or_default(),
    ))
}

/// The usernames, names and activity of the groups' users, a hundred ids a query.
async fn name_users(session: &Session, groups: &mut [Group]) -> Result<(), SfError> {
    let ids: BTreeSet<String> = groups.iter().map(|g| g.user_id.clone()).collect();
    let ids: Vec<String> = ids.into_iter().collect();
    let mut users: HashMap<String, (String, String, bool)> = HashMap::new();
    for chunk in ids.chunks(100) {
        let list = chunk
            .iter()
            .filter(|id| id.chars().all(|c| c.is_ascii_alphanumeric()))
            .map(|id| format!("'{id}'"))
            .collect::<Vec<_>>()
            .join(", ");
        if list.is_empty() {
            continue;
        }
        let found = session
            .query(&format!(
                "SELECT Id, Username, Name, IsActive FROM User WHERE Id IN ({list})"
            ))
            .await?;
        for u in &found.records {
            users.insert(
                text(u, "Id"),
                (
                    text(u, "Username"),
                    text(u, "Name"),
                    u["IsActive"].as_bool().unwrap_or(false),
                ),
            );
        }
    }
    for g in groups {
        if let Some((username, name, active)) = users.get(&g.user_id) {
            g.username = Some(username.clone());
            g.name = Some(name.clone());
            g.active = Some(*active);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_history_rows_are_classified_and_unknown_ones_are_other() {
        let c = classify;
        assert_eq!(
            c("Remote Access 2.0", "OAuth Username-Password", ""),
            Method::Password
        );
        assert_eq!(c("Remote Access 2.0", "OAuth JWT Bearer", ""), Method::Jwt);
        assert_eq!(
            c("Remote Access 2.0", "OAuth Client Credentials", ""),
            Method::ClientCredentials
        );
        assert_eq!(
            c("Remote Access 2.0", "OAuth Refresh Token", ""),
            Method::RefreshToken
        );
        assert_eq!(
            c("Remote Access 2.0", "OAuth Authorization Code", ""),
            Method::Web
        );
        assert_eq!(c("Other Apex API", "", "SOAP Partner"), Method::Soap);
        assert_eq!(c("Partner Product", "", "SOAP Enterprise"), Method::Soap);
        assert_eq!(c("Application", "", ""), Method::Ui);
        assert_eq!(c("SAML Idp Initiated SSO", "", ""), Method::Other);
        assert_eq!(c("Remote Access 2.0", "Something New", ""), Method::Other);
    }
}
