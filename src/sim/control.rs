//! `/__sim/…`: what happens outside the API in a real org — a person approving a device code,
//! a password expiring, an admin resetting a token or uploading a certificate.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;

use super::Host;
use super::reply::{self, form_fields, html, json};
use super::state::{Live, random_bytes};

pub fn router() -> Router<Host> {
    Router::new()
        .route("/device/approve", post(approve))
        .route("/device/deny", post(deny))
        .route("/users/expire-password", post(expire_password))
        .route("/users/set-password", post(set_password))
        .route("/users/reset-token", post(reset_token))
        .route("/apps/certificate", post(upload_certificate))
        .route("/refresh-tokens/revoke-all", post(revoke_all))
        .route("/sessions/end", post(end_sessions))
}

type Fields = HashMap<String, String>;

async fn with_fields(
    host: &Host,
    req: Request,
    f: impl FnOnce(&mut Live, &Fields) -> Response,
) -> Response {
    let fields = form_fields(req).await;
    f(&mut host.shared.lock(), &fields)
}

fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields.get(name).map(String::as_str).unwrap_or_default()
}

fn unknown(what: &str) -> Response {
    json(
        StatusCode::NOT_FOUND,
        &json!({"error": format!("no such {what}")}),
    )
}

async fn decide(host: Host, req: Request, approve: bool) -> Response {
    with_fields(&host, req, |live, f| {
        let username = fields_username(f);
        if live.decide_device(field(f, "user_code"), approve, username) {
            let verb = if approve { "connected" } else { "denied" };
            html(
                StatusCode::OK,
                "Device",
                &format!("<h1>Device {verb}</h1><p>You can close this window.</p>"),
            )
        } else {
            html(
                StatusCode::BAD_REQUEST,
                "Device",
                "<h1>Invalid code</h1><p>That code is unknown or was already used.</p>",
            )
        }
    })
    .await
}

fn fields_username(f: &Fields) -> Option<&str> {
    f.get("username")
        .map(String::as_str)
        .filter(|u| !u.is_empty())
}

async fn approve(State(host): State<Host>, req: Request) -> Response {
    decide(host, req, true).await
}

async fn deny(State(host): State<Host>, req: Request) -> Response {
    decide(host, req, false).await
}

async fn expire_password(State(host): State<Host>, req: Request) -> Response {
    with_fields(&host, req, |live, f| {
        let policy_days = live.scenario.org.password_expires_days;
        match live.user_mut(field(f, "username")) {
            Some(user) => {
                user.password_expired = true;
                user.password_age_days = user.password_age_days.max(policy_days + 1);
                json(StatusCode::OK, &json!({"password_expired": true}))
            }
            None => unknown("user"),
        }
    })
    .await
}

/// A new security token, as the reset email would carry it: 24 letters and digits.
pub fn new_security_token() -> String {
    STANDARD
        .encode(random_bytes(30))
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(24)
        .collect()
}

async fn set_password(State(host): State<Host>, req: Request) -> Response {
    with_fields(&host, req, |live, f| {
        let password = field(f, "password").to_string();
        let Some(user) = live.user_mut(field(f, "username")) else {
            return unknown("user");
        };
        // A password change resets the security token and mails the new one.
        user.password = password;
        user.password_expired = false;
        user.password_age_days = 0;
        user.security_token = new_security_token();
        json(
            StatusCode::OK,
            &json!({"security_token": user.security_token}),
        )
    })
    .await
}

async fn reset_token(State(host): State<Host>, req: Request) -> Response {
    with_fields(&host, req, |live, f| {
        match live.user_mut(field(f, "username")) {
            Some(user) => {
                user.security_token = new_security_token();
                json(
                    StatusCode::OK,
                    &json!({"security_token": user.security_token}),
                )
            }
            None => unknown("user"),
        }
    })
    .await
}

async fn upload_certificate(State(host): State<Host>, req: Request) -> Response {
    with_fields(&host, req, |live, f| {
        let pem = field(f, "certificate").to_string();
        match live.app_mut(field(f, "consumer_key")) {
            Some(app) => {
                app.certificate = Some(pem);
                json(StatusCode::OK, &json!({"certificate": "uploaded"}))
            }
            None => unknown("app"),
        }
    })
    .await
}

async fn revoke_all(State(host): State<Host>) -> Response {
    let mut live = host.shared.lock();
    live.refresh_tokens.clear();
    live.sessions.clear();
    reply::json(StatusCode::OK, &json!({"revoked": true}))
}

/// End access tokens and SOAP sessions, refresh tokens untouched: what the org's session
/// timeout does once it passes, or an admin removing sessions (Setup > Session Management).
/// Form `username` ends only that user's sessions.
async fn end_sessions(State(host): State<Host>, req: Request) -> Response {
    with_fields(&host, req, |live, f| {
        let username = field(f, "username");
        let before = live.sessions.len();
        live.sessions
            .retain(|_, s| !username.is_empty() && !s.username.eq_ignore_ascii_case(username));
        json(
            StatusCode::OK,
            &json!({"ended": before - live.sessions.len()}),
        )
    })
    .await
}
