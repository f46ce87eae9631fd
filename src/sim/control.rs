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

/// One control endpoint: its path under `/__sim/`, its form fields (name, required, meaning)
/// and what it does. The router, `sfconnect sim --help` and the README's list follow this table
/// (a test holds the README to it).
pub struct Endpoint {
    pub path: &'static str,
    pub fields: &'static [(&'static str, bool, &'static str)],
    pub does: &'static str,
}

pub const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        path: "device/approve",
        fields: &[
            ("user_code", true, "the code the device login shows"),
            (
                "username",
                false,
                "who approves; the first user when not given",
            ),
        ],
        does: "a person approves a device login (also from the page at /setup/connect)",
    },
    Endpoint {
        path: "device/deny",
        fields: &[("user_code", true, "the code the device login shows")],
        does: "a person denies a device login",
    },
    Endpoint {
        path: "users/expire-password",
        fields: &[("username", true, "the user")],
        does: "the user's password expires",
    },
    Endpoint {
        path: "users/set-password",
        fields: &[
            ("username", true, "the user"),
            ("password", true, "the new password"),
        ],
        does: "an admin sets a new password; the security token is reset too, and the answer carries it, as the reset email would",
    },
    Endpoint {
        path: "users/reset-token",
        fields: &[("username", true, "the user")],
        does: "the user resets the security token; the answer carries the new one",
    },
    Endpoint {
        path: "apps/certificate",
        fields: &[
            ("consumer_key", true, "the app"),
            ("certificate", true, "the PEM certificate for JWT bearer"),
        ],
        does: "an admin uploads a certificate to the app, replacing the one it had",
    },
    Endpoint {
        path: "refresh-tokens/revoke-all",
        fields: &[],
        does: "every refresh token and session is revoked",
    },
    Endpoint {
        path: "sessions/end",
        fields: &[("username", false, "only this user's sessions")],
        does: "access tokens and SOAP sessions end (the session timeout passing, or an admin removing sessions); refresh tokens stay",
    },
];

/// The control endpoints in words, for `sfconnect sim --help`.
pub fn help() -> String {
    let mut out = String::from(
        "Control endpoints (POST, form fields; what happens outside the API in a real org):\n",
    );
    for e in ENDPOINTS {
        let fields: Vec<String> = e
            .fields
            .iter()
            .map(|(name, required, what)| {
                let optional = if *required { "" } else { ", optional" };
                format!("{name} ({what}{optional})")
            })
            .collect();
        let fields = if fields.is_empty() {
            "No fields".to_string()
        } else {
            format!("Fields: {}", fields.join("; "))
        };
        out.push_str(&format!("\n/__sim/{}: {}. {fields}.\n", e.path, e.does));
    }
    out
}

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

/// Run `f` with the request's form fields, once every field `ENDPOINTS` says `path` requires
/// is there and not empty; else 400, naming the field.
async fn with_fields(
    host: &Host,
    req: Request,
    f: impl FnOnce(&mut Live, &Fields) -> Response,
) -> Response {
    let path = req
        .uri()
        .path()
        .trim_start_matches('/')
        .trim_start_matches("__sim/")
        .to_string();
    let fields = form_fields(req).await;
    let missing = ENDPOINTS.iter().find(|e| e.path == path).and_then(|e| {
        e.fields
            .iter()
            .find(|(name, required, _)| *required && field(&fields, name).is_empty())
    });
    if let Some((name, _, what)) = missing {
        return json(
            StatusCode::BAD_REQUEST,
            &json!({"error": format!("missing form field '{name}' ({what})")}),
        );
    }
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

#[cfg(test)]
mod tests {
    use super::ENDPOINTS;

    /// The README lists every control endpoint with every field, as this table has them.
    #[test]
    fn the_readme_lists_every_control_endpoint_and_field() {
        let readme = include_str!("../../README.md");
        for e in ENDPOINTS {
            let row = readme
                .lines()
                .find(|l| {
                    l.trim_start()
                        .starts_with(&format!("| `/__sim/{}` |", e.path))
                })
                .unwrap_or_else(|| panic!("README has no row for /__sim/{}", e.path));
            for (name, _, _) in e.fields {
                assert!(row.contains(&format!("`{name}`")), "{row} lacks {name}");
            }
        }
    }
}
