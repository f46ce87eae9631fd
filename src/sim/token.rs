//! `POST /services/oauth2/token`: every grant, with Salesforce's exact error pairs.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Instant;

use axum::http::StatusCode;
use axum::http::header::AUTHORIZATION;
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use secrecy::SecretString;
use serde_json::{Value, json};

use super::reply::{json as json_reply, oauth_error};
use super::scenario::{App, AppKind, Flow, PermittedUsers};
use super::state::{DeviceStatus, Live, PasswordCheck, RefreshInfo, SessionInfo, now_ms};
use super::{Host, Role};
use crate::salesforce::oauth::{JWT_BEARER, expected_signature};
use crate::salesforce::web::s256_challenge;

type Fields = HashMap<String, String>;

/// Client authentication: `client_id`/`client_secret` in the body, or HTTP Basic.
pub fn client_auth(
    headers: &axum::http::HeaderMap,
    fields: &Fields,
) -> (Option<String>, Option<String>) {
    let basic = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| STANDARD.decode(b.trim()).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| {
            s.split_once(':')
                .map(|(a, b)| (a.to_string(), b.to_string()))
        });
    match basic {
        Some((id, secret)) => (Some(id), Some(secret)),
        None => (
            fields.get("client_id").cloned(),
            fields.get("client_secret").cloned(),
        ),
    }
}

pub fn handle(
    host: &Host,
    ip: IpAddr,
    headers: &axum::http::HeaderMap,
    fields: Fields,
) -> Response {
    if fields.get("response_type").map(String::as_str) == Some("device_code") {
        return device_start(host, &fields);
    }
    let (client_id, client_secret) = client_auth(headers, &fields);
    let grant = fields
        .get("grant_type")
        .map(String::as_str)
        .unwrap_or_default();
    let mut live = host.shared.lock();
    match grant {
        "password" => password(host, &mut live, ip, &fields, client_id, client_secret),
        "refresh_token" => refresh(host, &mut live, &fields, client_id, client_secret),
        "authorization_code" => {
            authorization_code(host, &mut live, &fields, client_id, client_secret)
        }
        "device" => device_poll(host, &mut live, &fields, client_id),
        "client_credentials" => client_credentials(host, &mut live, client_id, client_secret),
        JWT_BEARER => jwt_bearer(host, &mut live, &fields),
        _ => oauth_error("unsupported_grant_type", "grant type not supported"),
    }
}

/// Look up the app and check its secret; `Some` is the rejection to send. `secret_required` says
/// (for the app) whether a missing secret fails; a secret that is sent is always checked.
fn check_client(
    live: &Live,
    client_id: Option<&str>,
    client_secret: Option<&str>,
    secret_required: fn(&App) -> bool,
) -> Option<Response> {
    let Some(app) = client_id.and_then(|id| live.app(id)) else {
        return Some(oauth_error(
            "invalid_client_id",
            "client identifier invalid",
        ));
    };
    match client_secret {
        Some(s) if s == app.consumer_secret => None,
        None if !secret_required(app) => None,
        _ => Some(oauth_error("invalid_client", "invalid client credentials")),
    }
}

struct Issue<'a> {
    username: &'a str,
    consumer_key: &'a str,
    scope: &'a str,
    refresh_token: Option<String>,
    /// JWT bearer answers carry no signature or issued_at.
    signed: bool,
    /// Client credentials answers also name the API host.
    api_instance_url: bool,
    /// Issued for a username and password (the password grant): an expired password gives a
    /// session that no API call accepts.
    password_login: bool,
    /// The grant, as Login History's LoginSubType names it.
    subtype: &'static str,
}

fn issue(host: &Host, live: &mut Live, issue: Issue<'_>) -> Response {
    let Some(user) = live.user(issue.username).cloned() else {
        return oauth_error("invalid_grant", "authentication failure");
    };
    live.login_history.push(super::login_history::served(
        &user,
        Some(issue.subtype),
        None,
    ));
    let access = live.new_session(SessionInfo {
        username: user.username.clone(),
        consumer_key: Some(issue.consumer_key.to_string()),
        scope: issue.scope.to_string(),
        expired_password: issue.password_login && user.password_expired,
    });
    let id = host
        .shared
        .identity_url(&live.scenario.org.org_id, &user.user_id);
    let issued_at = now_ms().to_string();
    let mut body = json!({
        "access_token": access,
        "instance_url": host.shared.instance_url,
        "id": id,
        "token_type": "Bearer",
        "scope": issue.scope,
    });
    if issue.signed {
        let secret = live
            .app(issue.consumer_key)
            .map(|a| a.consumer_secret.clone())
            .unwrap_or_default();
        let signature = expected_signature(&id, &issued_at, &SecretString::from(secret));
        body["issued_at"] = Value::String(issued_at);
        body["signature"] = Value::String(signature);
    }
    if issue.api_instance_url {
        body["api_instance_url"] = Value::String(host.shared.instance_url.clone());
    }
    if let Some(refresh) = issue.refresh_token {
        body["refresh_token"] = Value::String(refresh);
    }
    json_reply(StatusCode::OK, &body)
}

fn wants_refresh(scope: &str) -> bool {
    scope
        .split_whitespace()
        .any(|s| s == "refresh_token" || s == "offline_access" || s == "full")
}

fn app_allows(live: &Live, key: &str, flow: Flow) -> bool {
    live.app(key).is_some_and(|a| a.flows.contains(&flow))
}

/// Whether the user may use the app without approving it in a browser.
fn pre_authorized(live: &Live, key: &str, username: &str) -> bool {
    let Some(app) = live.app(key) else {
        return false;
    };
    let listed = app
        .pre_authorized
        .iter()
        .any(|u| u.eq_ignore_ascii_case(username));
    match app.permitted_users {
        PermittedUsers::AdminApproved => listed,
        PermittedUsers::AllSelfAuthorize => {
            listed
                || live
                    .approvals
                    .iter()
                    .any(|(u, k)| u.eq_ignore_ascii_case(username) && k == key)
        }
    }
}

fn password(
    host: &Host,
    live: &mut Live,
    ip: IpAddr,
    fields: &Fields,
    client_id: Option<String>,
    client_secret: Option<String>,
) -> Response {
    if let Some(r) = check_client(live, client_id.as_deref(), client_secret.as_deref(), |_| {
        true
    }) {
        return r;
    }
    let key = client_id.unwrap_or_default();
    let is_eca = live
        .app(&key)
        .is_some_and(|a| a.kind == AppKind::ExternalClientApp);
    let generic_host_refused =
        host.role == Role::Login && live.scenario.org.require_my_domain_login;
    if generic_host_refused
        || live.scenario.org.block_username_password_flow
        || is_eca
        || !app_allows(live, &key, Flow::Password)
    {
        return oauth_error("invalid_grant", "authentication failure");
    }
    let username = fields.get("username").cloned().unwrap_or_default();
    let password = fields.get("password").cloned().unwrap_or_default();
    match live.check_password(&username, &password, ip) {
        PasswordCheck::Ok => {}
        PasswordCheck::IpRestricted => {
            return oauth_error("invalid_grant", "ip restricted or invalid login hours");
        }
        _ => return oauth_error("invalid_grant", "authentication failure"),
    }
    let permitted = live.app(&key).map(|a| a.permitted_users);
    if permitted == Some(PermittedUsers::AdminApproved) && !pre_authorized(live, &key, &username) {
        return oauth_error("invalid_grant", "user hasn't approved this consumer");
    }
    issue(
        host,
        live,
        Issue {
            subtype: "OAuth Username-Password",
            username: &username,
            consumer_key: &key,
            scope: "api web full",
            refresh_token: None,
            signed: true,
            api_instance_url: false,
            password_login: true,
        },
    )
}

fn refresh(
    host: &Host,
    live: &mut Live,
    fields: &Fields,
    client_id: Option<String>,
    client_secret: Option<String>,
) -> Response {
    if let Some(r) = check_client(live, client_id.as_deref(), client_secret.as_deref(), |a| {
        a.require_secret_for_refresh_token_flow
    }) {
        return r;
    }
    let key = client_id.unwrap_or_default();
    let presented = fields.get("refresh_token").cloned().unwrap_or_default();
    let Some(info) = live.refresh_tokens.get(&presented).cloned() else {
        return oauth_error("invalid_grant", "expired access/refresh token");
    };
    if info.consumer_key != key {
        return oauth_error("invalid_grant", "expired access/refresh token");
    }
    if let Some(current) = info.rotated_to {
        // Reuse of a rotated-out token revokes the token that replaced it.
        live.revoke_refresh(&current);
        live.refresh_tokens.remove(&presented);
        return oauth_error("invalid_grant", "expired access/refresh token");
    }
    if !live.user(&info.username).is_some_and(|u| u.active) {
        return oauth_error("invalid_grant", "expired access/refresh token");
    }
    let rotate = live.app(&key).is_some_and(|a| a.refresh_token_rotation);
    let new_refresh = rotate.then(|| {
        let new = live.new_refresh_token(RefreshInfo {
            rotated_to: None,
            ..info.clone()
        });
        if let Some(old) = live.refresh_tokens.get_mut(&presented) {
            old.rotated_to = Some(new.clone());
        }
        new
    });
    issue(
        host,
        live,
        Issue {
            subtype: "OAuth Refresh Token",
            username: &info.username,
            consumer_key: &key,
            scope: &info.scope,
            refresh_token: new_refresh,
            signed: true,
            api_instance_url: false,
            password_login: false,
        },
    )
}

fn authorization_code(
    host: &Host,
    live: &mut Live,
    fields: &Fields,
    client_id: Option<String>,
    client_secret: Option<String>,
) -> Response {
    if let Some(r) = check_client(live, client_id.as_deref(), client_secret.as_deref(), |a| {
        a.require_secret_for_web_server_flow
    }) {
        return r;
    }
    let key = client_id.unwrap_or_default();
    let code = fields.get("code").cloned().unwrap_or_default();
    let invalid = || oauth_error("invalid_grant", "invalid authorization code");
    let Some(info) = live.codes.get_mut(&code) else {
        return invalid();
    };
    if info.used || info.expires < Instant::now() || info.consumer_key != key {
        info.used = true;
        return invalid();
    }
    info.used = true;
    let info = info.clone();
    if fields.get("redirect_uri") != Some(&info.redirect_uri) {
        return oauth_error(
            "redirect_uri_mismatch",
            "redirect_uri must match configuration",
        );
    }
    if let Some(challenge) = &info.challenge {
        let verifier = fields
            .get("code_verifier")
            .map(String::as_str)
            .unwrap_or_default();
        if verifier.is_empty() || s256_challenge(verifier) != *challenge {
            return oauth_error("invalid_grant", "invalid code verifier");
        }
    }
    if !live
        .approvals
        .iter()
        .any(|(u, k)| *u == info.username && *k == key)
    {
        live.approvals.push((info.username.clone(), key.clone()));
    }
    let refresh = wants_refresh(&info.scope).then(|| {
        live.new_refresh_token(RefreshInfo {
            username: info.username.clone(),
            consumer_key: key.clone(),
            scope: info.scope.clone(),
            rotated_to: None,
        })
    });
    issue(
        host,
        live,
        Issue {
            subtype: "OAuth Authorization Code",
            username: &info.username,
            consumer_key: &key,
            scope: &info.scope,
            refresh_token: refresh,
            signed: true,
            api_instance_url: false,
            password_login: false,
        },
    )
}

fn device_start(host: &Host, fields: &Fields) -> Response {
    let mut live = host.shared.lock();
    let key = fields.get("client_id").cloned().unwrap_or_default();
    let Some(app) = live.app(&key) else {
        return oauth_error("invalid_client_id", "client identifier invalid");
    };
    // Since September 2025 the device flow is blocked for every uninstalled connected app.
    let blocked =
        !app.flows.contains(&Flow::Device) || (app.kind == AppKind::ConnectedApp && !app.installed);
    if blocked {
        return oauth_error("invalid_grant", "device flow is not enabled for the app");
    }
    let scope = fields
        .get("scope")
        .cloned()
        .unwrap_or_else(|| "api refresh_token".into());
    let (device_code, user_code) = live.new_device(&key, &scope);
    let interval = live.scenario.device.interval_secs;
    json_reply(
        StatusCode::OK,
        &json!({
            "device_code": device_code,
            "user_code": user_code,
            "verification_uri": format!("{}/setup/connect", host.shared.login_url),
            "interval": interval,
        }),
    )
}

fn device_poll(
    host: &Host,
    live: &mut Live,
    fields: &Fields,
    client_id: Option<String>,
) -> Response {
    let key = client_id.unwrap_or_default();
    if live.app(&key).is_none() {
        return oauth_error("invalid_client_id", "client identifier invalid");
    }
    let code = fields.get("code").cloned().unwrap_or_default();
    let interval = std::time::Duration::from_secs(live.scenario.device.interval_secs);
    let slow_down = live.scenario.device.slow_down;
    let auto_after = live.scenario.device.auto_approve_after_polls;
    let default_user = live.scenario.authorize.username.clone();
    let Some(device) = live.devices.get_mut(&code) else {
        return oauth_error("invalid_grant", "invalid device code");
    };
    if device.consumer_key != key {
        return oauth_error("invalid_grant", "invalid device code");
    }
    let now = Instant::now();
    if device.expires < now {
        return oauth_error("expired_token", "device code expired");
    }
    let too_fast = device
        .last_poll
        .is_some_and(|t| now.duration_since(t) < interval);
    device.last_poll = Some(now);
    device.polls += 1;
    if device.status == DeviceStatus::Pending && auto_after > 0 && device.polls >= auto_after {
        device.status = DeviceStatus::Approved;
        device.username = Some(default_user);
    }
    match device.status {
        DeviceStatus::Pending if slow_down && too_fast => {
            oauth_error("slow_down", "polling too quickly")
        }
        DeviceStatus::Pending => oauth_error("authorization_pending", "authorization pending"),
        DeviceStatus::Denied => oauth_error("access_denied", "end-user denied authorization"),
        DeviceStatus::Approved => {
            let device = device.clone();
            live.devices.remove(&code);
            let username = device.username.unwrap_or_default();
            let refresh = wants_refresh(&device.scope).then(|| {
                live.new_refresh_token(RefreshInfo {
                    username: username.clone(),
                    consumer_key: key.clone(),
                    scope: device.scope.clone(),
                    rotated_to: None,
                })
            });
            issue(
                host,
                live,
                Issue {
                    subtype: "OAuth Device",
                    username: &username,
                    consumer_key: &key,
                    scope: &device.scope,
                    refresh_token: refresh,
                    signed: true,
                    api_instance_url: false,
                    password_login: false,
                },
            )
        }
    }
}

fn client_credentials(
    host: &Host,
    live: &mut Live,
    client_id: Option<String>,
    client_secret: Option<String>,
) -> Response {
    if host.role == Role::Login {
        return oauth_error("invalid_grant", "request not supported on this domain");
    }
    if let Some(r) = check_client(live, client_id.as_deref(), client_secret.as_deref(), |_| {
        true
    }) {
        return r;
    }
    let key = client_id.unwrap_or_default();
    if !app_allows(live, &key, Flow::ClientCredentials) {
        return oauth_error("invalid_grant", "client credentials flow not enabled");
    }
    let Some(run_as) = live.app(&key).and_then(|a| a.run_as.clone()) else {
        return oauth_error("invalid_grant", "no client credentials user enabled");
    };
    issue(
        host,
        live,
        Issue {
            subtype: "OAuth Client Credentials",
            username: &run_as,
            consumer_key: &key,
            scope: "api",
            refresh_token: None,
            signed: true,
            api_instance_url: true,
            password_login: false,
        },
    )
}

fn jwt_bearer(host: &Host, live: &mut Live, fields: &Fields) -> Response {
    let assertion = fields.get("assertion").cloned().unwrap_or_default();
    let invalid = || oauth_error("invalid_grant", "invalid assertion");
    let parts: Vec<&str> = assertion.split('.').collect();
    let [header_b64, claims_b64, signature_b64] = parts[..] else {
        return invalid();
    };
    let decode_json = |s: &str| -> Option<Value> {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(s.trim_end_matches('=')).ok()?).ok()
    };
    let (Some(header), Some(claims)) = (decode_json(header_b64), decode_json(claims_b64)) else {
        return invalid();
    };
    if header.get("alg").and_then(Value::as_str) != Some("RS256") {
        return invalid();
    }
    let claim = |k: &str| {
        claims
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let (iss, sub, aud) = (claim("iss"), claim("sub"), claim("aud"));
    let Some(app) = live.app(&iss).cloned() else {
        return oauth_error("invalid_client_id", "client identifier invalid");
    };
    if app.kind == AppKind::ExternalClientApp && !app.installed {
        return oauth_error(
            "app_not_found",
            "External client app is not installed in this org",
        );
    }
    let Ok(signature) = URL_SAFE_NO_PAD.decode(signature_b64.trim_end_matches('=')) else {
        return invalid();
    };
    let signed = format!("{header_b64}.{claims_b64}");
    let verified = app.flows.contains(&Flow::Jwt)
        && app
            .certificate
            .as_deref()
            .is_some_and(|pem| super::certs::verify_rs256(pem, signed.as_bytes(), &signature));
    if !verified {
        return invalid();
    }
    // Real clients send exp in seconds, in milliseconds (far future) or equal to now, as a
    // number or as a string of digits (simple-salesforce): all pass.
    let exp = claims
        .get("exp")
        .and_then(|v| v.as_f64().or_else(|| v.as_str()?.trim().parse().ok()))
        .unwrap_or(0.0);
    let now_secs = (now_ms() / 1000) as f64;
    if exp < now_secs - 300.0 {
        return invalid();
    }
    let org = &live.scenario.org;
    let generic = if org.sandbox {
        "https://test.salesforce.com"
    } else {
        "https://login.salesforce.com"
    };
    let aud = aud.trim_end_matches('/');
    if aud != generic && aud != host.shared.login_url && aud != host.shared.instance_url {
        return oauth_error("invalid_grant", "audience is invalid");
    }
    let Some(user) = live.user(&sub).cloned() else {
        return invalid();
    };
    if !user.active {
        return oauth_error("invalid_grant", "user hasn't approved this consumer");
    }
    if !pre_authorized(live, &iss, &user.username) {
        return oauth_error("invalid_grant", "user hasn't approved this consumer");
    }
    issue(
        host,
        live,
        Issue {
            subtype: "OAuth JWT Bearer",
            username: &user.username,
            consumer_key: &iss,
            scope: "api web full",
            refresh_token: None,
            signed: false,
            api_instance_url: false,
            password_login: false,
        },
    )
}
