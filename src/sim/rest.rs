//! Identity, userinfo, revoke, introspect and the REST API (`/services/data/…`) of the simulated org.

use std::collections::HashMap;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use super::Host;
use super::reply::{json as json_reply, oauth_error, rest_error, text};
use super::scenario::User;
use super::soql::{columns, query, user_record};
use super::state::{Live, SessionInfo};
use crate::salesforce::rest::{API_VERSION, BATCH_LIMIT};

/// The oldest version still served; older ones are retired (410).
const OLDEST_VERSION: u32 = 31;

fn newest_version() -> u32 {
    API_VERSION
        .split('.')
        .next()
        .and_then(|v| v.parse().ok())
        .unwrap_or(68)
}

/// Release name of an API version: 31.0 was Summer '14, then three releases a year.
fn release_label(version: u32) -> String {
    let i = version - OLDEST_VERSION;
    let season = ["Summer", "Winter", "Spring"][(i % 3) as usize];
    format!("{season} '{:02}", 14 + i.div_ceil(3))
}

pub fn versions() -> Response {
    let list: Vec<Value> = (OLDEST_VERSION..=newest_version())
        .map(|v| json!({"label": release_label(v), "url": format!("/services/data/v{v}.0"), "version": format!("{v}.0")}))
        .collect();
    json_reply(StatusCode::OK, &Value::Array(list))
}

/// The token from `Authorization: Bearer …` (or the legacy `OAuth …`), or `oauth_token=`.
pub fn bearer(headers: &HeaderMap, q: &HashMap<String, String>) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("OAuth "))
        })
        .map(|t| t.trim().to_string())
        .or_else(|| q.get("oauth_token").cloned())
}

fn session(live: &Live, token: Option<&str>) -> Option<(SessionInfo, User)> {
    let info = live.sessions.get(token?)?.clone();
    let user = live.user(&info.username)?.clone();
    Some((info, user))
}

fn identity_body(host: &Host, live: &Live, user: &User) -> Value {
    let org = &live.scenario.org;
    let base = &host.shared.instance_url;
    let v = "{version}";
    json!({
        "id": host.shared.identity_url(&org.org_id, &user.user_id),
        "asserted_user": true,
        "user_id": user.user_id,
        "organization_id": org.org_id,
        "username": user.username,
        "nick_name": user.username.split('@').next().unwrap_or_default(),
        "display_name": user.full_name,
        "email": user.email,
        "email_verified": true,
        "first_name": user.full_name.split(' ').next().unwrap_or_default(),
        "last_name": user.full_name.split(' ').skip(1).collect::<Vec<_>>().join(" "),
        "timezone": "America/Los_Angeles",
        "active": user.active,
        "user_type": "STANDARD",
        "language": "en_US",
        "locale": "en_US",
        "utcOffset": -28800000,
        "is_lightning_login_user": false,
        "urls": {
            "enterprise": format!("{base}/services/Soap/c/{v}/{}", &org.org_id[..15.min(org.org_id.len())]),
            "partner": format!("{base}/services/Soap/u/{v}/{}", &org.org_id[..15.min(org.org_id.len())]),
            "rest": format!("{base}/services/data/v{v}/"),
            "sobjects": format!("{base}/services/data/v{v}/sobjects/"),
            "query": format!("{base}/services/data/v{v}/query/"),
            "limits": format!("{base}/services/data/v{v}/limits/"),
            "custom_domain": base,
        },
    })
}

/// `GET /id/{org}/{user}`: 403 `Bad_OAuth_Token` in plain text for a bad token.
pub fn identity(
    host: &Host,
    headers: &HeaderMap,
    q: &HashMap<String, String>,
    org_id: &str,
    user_id: &str,
) -> Response {
    let token = bearer(headers, q);
    if token.is_none() {
        return text(StatusCode::UNAUTHORIZED, "Missing_OAuth_Token");
    }
    let live = host.shared.lock();
    let Some((_, user)) = session(&live, token.as_deref()) else {
        return text(StatusCode::FORBIDDEN, "Bad_OAuth_Token");
    };
    if org_id != live.scenario.org.org_id || user_id != user.user_id {
        let Some(other) = live.user_by_id(user_id) else {
            return text(StatusCode::NOT_FOUND, "Bad_Id");
        };
        return json_reply(StatusCode::OK, &identity_body(host, &live, other));
    }
    json_reply(StatusCode::OK, &identity_body(host, &live, &user))
}

pub fn userinfo(host: &Host, headers: &HeaderMap, q: &HashMap<String, String>) -> Response {
    let live = host.shared.lock();
    let Some((_, user)) = session(&live, bearer(headers, q).as_deref()) else {
        return text(StatusCode::FORBIDDEN, "Bad_OAuth_Token");
    };
    let id = identity_body(host, &live, &user);
    json_reply(
        StatusCode::OK,
        &json!({
            "sub": id["id"],
            "user_id": user.user_id,
            "organization_id": live.scenario.org.org_id,
            "preferred_username": user.username,
            "nickname": id["nick_name"],
            "name": user.full_name,
            "email": user.email,
            "email_verified": true,
            "given_name": id["first_name"],
            "family_name": id["last_name"],
            "zoneinfo": "America/Los_Angeles",
            "is_salesforce_integration_user": user.integration_user,
            "urls": id["urls"],
            "active": user.active,
            "user_type": "STANDARD",
            "language": "en_US",
            "locale": "en_US",
            "utcOffset": -28800000,
        }),
    )
}

/// `POST /services/oauth2/revoke` (form `token=`) or `GET ?token=`.
pub fn revoke(host: &Host, fields: &HashMap<String, String>) -> Response {
    let token = fields.get("token").cloned().unwrap_or_default();
    let mut live = host.shared.lock();
    let revoked = live.revoke_refresh(&token) || live.sessions.remove(&token).is_some();
    if revoked {
        json_reply(StatusCode::OK, &json!({}))
    } else {
        oauth_error("invalid_token", "Token was invalid")
    }
}

pub fn introspect(host: &Host, headers: &HeaderMap, fields: &HashMap<String, String>) -> Response {
    let (client_id, client_secret) = super::token::client_auth(headers, fields);
    let live = host.shared.lock();
    let known_app = client_id
        .as_deref()
        .and_then(|id| live.app(id))
        .is_some_and(|a| Some(&a.consumer_secret) == client_secret.as_ref());
    if !known_app {
        return oauth_error("invalid_client", "invalid client credentials");
    }
    let token = fields.get("token").cloned().unwrap_or_default();
    let body = if let Some(s) = live.sessions.get(&token) {
        json!({"active": true, "scope": s.scope, "client_id": s.consumer_key, "username": s.username, "token_type": "access_token"})
    } else if let Some(r) = live
        .refresh_tokens
        .get(&token)
        .filter(|r| r.rotated_to.is_none())
    {
        json!({"active": true, "scope": r.scope, "client_id": r.consumer_key, "username": r.username, "token_type": "refresh_token"})
    } else {
        json!({"active": false})
    };
    json_reply(StatusCode::OK, &body)
}

/// Any `/services/data/vNN.0/…` request: authentication, the user's and org's API gates, the
/// daily limit, then the resource.
pub fn data(
    host: &Host,
    headers: &HeaderMap,
    method: &str,
    path: &str,
    q: &HashMap<String, String>,
    body: &[u8],
) -> Response {
    let mut live = host.shared.lock();
    let Some((info, user)) = session(&live, bearer(headers, q).as_deref()) else {
        return rest_error(
            StatusCode::UNAUTHORIZED,
            "INVALID_SESSION_ID",
            "Session expired or invalid",
        );
    };
    if let Some(r) = gate(&mut live, &info, &user) {
        return r;
    }
    let (status, value) = resource(&live, &user, method, path, q, body);
    let used = format!(
        "api-usage={}/{}",
        live.scenario.org.daily_api_used, live.scenario.org.daily_api_max
    );
    let mut response = json_reply(status, &value);
    if let Ok(v) = HeaderValue::from_str(&used) {
        response.headers_mut().insert("Sforce-Limit-Info", v);
    }
    response
}

fn gate(live: &mut Live, session: &SessionInfo, user: &User) -> Option<Response> {
    let org = &mut live.scenario.org;
    if !org.api_enabled {
        return Some(rest_error(
            StatusCode::FORBIDDEN,
            "API_DISABLED_FOR_ORG",
            "The REST API is not enabled for this Organization.",
        ));
    }
    if !user.api_enabled {
        return Some(rest_error(
            StatusCode::FORBIDDEN,
            "API_CURRENTLY_DISABLED",
            "API is disabled for this User",
        ));
    }
    if session.expired_password {
        return Some(rest_error(
            StatusCode::BAD_REQUEST,
            "INVALID_OPERATION_WITH_EXPIRED_PASSWORD",
            "The users password has expired, you must call SetPassword before attempting any other API operations",
        ));
    }
    if org.daily_api_used >= org.daily_api_max {
        return Some(rest_error(
            StatusCode::FORBIDDEN,
            "REQUEST_LIMIT_EXCEEDED",
            "TotalRequests Limit exceeded.",
        ));
    }
    org.daily_api_used += 1;
    None
}

fn not_found() -> (StatusCode, Value) {
    (
        StatusCode::NOT_FOUND,
        json!([{"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}]),
    )
}

/// Route one resource below `/services/data/`; shared by direct calls and composite batch.
fn resource(
    live: &Live,
    user: &User,
    method: &str,
    path: &str,
    q: &HashMap<String, String>,
    body: &[u8],
) -> (StatusCode, Value) {
    let path = path.trim_matches('/');
    let mut parts = path.splitn(2, '/');
    let version = parts.next().unwrap_or_default();
    let rest = parts.next().unwrap_or_default();
    let Some(number) = version
        .strip_prefix('v')
        .and_then(|v| v.strip_suffix(".0"))
        .and_then(|v| v.parse::<u32>().ok())
    else {
        return not_found();
    };
    if number < OLDEST_VERSION {
        return (
            StatusCode::GONE,
            json!([{"message": format!("Version {number}.0 is retired"), "errorCode": "API_VERSION_RETIRED"}]),
        );
    }
    if number > newest_version() {
        return not_found();
    }
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    match (method, segments.as_slice()) {
        ("GET", []) => (
            StatusCode::OK,
            json!({
                "limits": format!("/services/data/{version}/limits"),
                "sobjects": format!("/services/data/{version}/sobjects"),
                "query": format!("/services/data/{version}/query"),
                "composite": format!("/services/data/{version}/composite"),
            }),
        ),
        ("GET", ["limits"]) => (StatusCode::OK, limits(live)),
        ("GET", ["sobjects"]) => (StatusCode::OK, sobjects(live, user, version)),
        ("GET", ["sobjects", name, "describe"]) => describe(live, user, name, version),
        // A record by id: the Salesforce CLI reads the user's record after every login.
        ("GET", ["sobjects", object, id]) if object.eq_ignore_ascii_case("user") => {
            match live.user_by_id(id) {
                Some(found) => (StatusCode::OK, user_record(found)),
                None => not_found(),
            }
        }
        ("GET", ["query"]) => {
            let soql = q.get("q").map(String::as_str).unwrap_or_default();
            match q.get("columns").map(String::as_str) {
                // What the query would return, column by column (the Salesforce CLI's
                // `data query` asks this first).
                Some("true") => columns(soql),
                _ => query(live, user, soql),
            }
        }
        // The next page of a query.
        ("GET", ["query", locator]) => match super::login_history::from_locator(locator) {
            Some((soql, offset)) => super::login_history::query(live, user, &soql, offset),
            None => (
                StatusCode::BAD_REQUEST,
                json!([{"message": "invalid query locator", "errorCode": "INVALID_QUERY_LOCATOR"}]),
            ),
        },
        ("POST", ["composite", "batch"]) => batch(live, user, body),
        _ => not_found(),
    }
}

fn limits(live: &Live) -> Value {
    let org = &live.scenario.org;
    json!({
        "DailyApiRequests": {"Max": org.daily_api_max, "Remaining": org.daily_api_max - org.daily_api_used},
        "DailyBulkApiBatches": {"Max": 15000, "Remaining": 15000},
        "DailyAsyncApexExecutions": {"Max": 250000, "Remaining": 250000},
        "DataStorageMB": {"Max": 5, "Remaining": 5},
        "FileStorageMB": {"Max": 20, "Remaining": 20},
        "ConcurrentAsyncGetReportInstances": {"Max": 200, "Remaining": 200},
    })
}

pub(super) fn access(user: &User, object: &str) -> Option<String> {
    user.objects
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(object))
        .map(|(_, v)| v.to_ascii_lowercase())
}

fn object_flags(live: &Live, user: &User, name: &str, version: &str) -> Option<Value> {
    let object = live
        .scenario
        .objects
        .iter()
        .find(|o| o.name.eq_ignore_ascii_case(name))?;
    let access = access(user, &object.name)?;
    let can = |c: char| access.contains(c);
    Some(json!({
        "name": object.name,
        "label": object.label,
        "custom": object.custom,
        "queryable": can('r'),
        "retrieveable": can('r'),
        "createable": can('c'),
        "updateable": can('e'),
        "deletable": can('d'),
        "searchable": can('r'),
        "layoutable": true,
        "urls": {
            "sobject": format!("/services/data/{version}/sobjects/{}", object.name),
            "describe": format!("/services/data/{version}/sobjects/{}/describe", object.name),
        },
    }))
}

fn sobjects(live: &Live, user: &User, version: &str) -> Value {
    let list: Vec<Value> = live
        .scenario
        .objects
        .iter()
        .filter_map(|o| object_flags(live, user, &o.name, version))
        .collect();
    json!({"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": list})
}

fn describe(live: &Live, user: &User, name: &str, version: &str) -> (StatusCode, Value) {
    match object_flags(live, user, name, version) {
        Some(mut flags) => {
            flags["fields"] = json!([{"name": "Id", "type": "id", "createable": false, "updateable": false, "nillable": false}]);
            (StatusCode::OK, flags)
        }
        None => not_found(),
    }
}

fn batch(live: &Live, user: &User, body: &[u8]) -> (StatusCode, Value) {
    let malformed = || {
        (
            StatusCode::BAD_REQUEST,
            json!([{"message": "Json Deserialization failed on token 'null' and has left off in the middle of parsing a row. Will go to end of row to begin parsing the next row", "errorCode": "JSON_PARSER_ERROR"}]),
        )
    };
    let Ok(parsed) = serde_json::from_slice::<Value>(body) else {
        return malformed();
    };
    let Some(requests) = parsed.get("batchRequests").and_then(Value::as_array) else {
        return malformed();
    };
    if requests.len() > BATCH_LIMIT {
        return (
            StatusCode::BAD_REQUEST,
            json!([{"message": "A batch can contain a maximum of 25 requests.", "errorCode": "INVALID_BATCH_REQUEST"}]),
        );
    }
    let halt = parsed
        .get("haltOnError")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let mut halted = false;
    let mut has_errors = false;
    let mut results = Vec::new();
    for request in requests {
        if halted {
            results.push(json!({"statusCode": 412, "result": [{"errorCode": "BATCH_PROCESSING_HALTED", "message": "Batch processing halted per request"}]}));
            continue;
        }
        let method = request
            .get("method")
            .and_then(Value::as_str)
            .unwrap_or("GET");
        let url = request
            .get("url")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let (path, query) = url.split_once('?').unwrap_or((url, ""));
        let q: HashMap<String, String> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let path = path.trim_start_matches("/services/data/");
        let (status, result) = resource(live, user, method, path, &q, b"");
        if !status.is_success() {
            has_errors = true;
            halted = halt;
        }
        results.push(json!({"statusCode": status.as_u16(), "result": result}));
    }
    (
        StatusCode::OK,
        json!({"hasErrors": has_errors, "results": results}),
    )
}

#[cfg(test)]
mod tests {
    use super::release_label;

    #[test]
    fn release_labels_follow_salesforce_naming() {
        assert_eq!(release_label(31), "Summer '14");
        assert_eq!(release_label(64), "Summer '25");
        assert_eq!(release_label(65), "Winter '26");
        assert_eq!(release_label(66), "Spring '26");
        assert_eq!(release_label(68), "Winter '27");
    }
}
