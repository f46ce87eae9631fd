//! `GET /services/oauth2/authorize` standing in for a person at a browser, and the device
//! verification page where a user code is approved or denied.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use axum::response::Response;

use super::Host;
use super::reply::{html, redirect};
use super::scenario::{AppKind, AuthorizeMode};
use super::state::CodeInfo;
use crate::salesforce::soap::escape;

/// What JavaScript's encodeURIComponent leaves alone, as Salesforce's error page encodes.
const URI_COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// Authorization codes are single use and short lived.
const CODE_LIFETIME: Duration = Duration::from_secs(15 * 60);

fn query_string(pairs: &[(&str, &str)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

/// Errors that make the redirect untrustworthy are shown as a page, with the error in its body
/// the way Salesforce's own error page carries it.
fn error_page(error: &str, description: &str) -> Response {
    let encoded = percent_encoding::utf8_percent_encode(description, URI_COMPONENT).to_string();
    html(
        StatusCode::BAD_REQUEST,
        "Remote Access Authorization Error",
        &format!(
            "<h1>OAuth Error</h1><p>We can't authorize you because of an OAuth error. For more information, contact your Salesforce administrator.</p><p>error={error}&amp;error_description={encoded}</p>"
        ),
    )
}

fn redirect_with(redirect_uri: &str, pairs: &[(&str, &str)]) -> Response {
    let sep = if redirect_uri.contains('?') { '&' } else { '?' };
    redirect(&format!("{redirect_uri}{sep}{}", query_string(pairs)))
}

pub fn authorize(host: &Host, q: &HashMap<String, String>) -> Response {
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or_default();
    let mut live = host.shared.lock();
    let Some(app) = live.app(get("client_id")).cloned() else {
        return error_page("invalid_client_id", "client identifier invalid");
    };
    let redirect_uri = get("redirect_uri");
    if redirect_uri.is_empty() {
        return error_page("redirect_uri_missing", "redirect_uri not provided");
    }
    if !app.callback_urls.iter().any(|c| c == redirect_uri) {
        return error_page(
            "redirect_uri_mismatch",
            "redirect_uri must match configuration",
        );
    }
    let state = get("state");
    let fail = |error: &str, description: &str| {
        let mut pairs = vec![("error", error), ("error_description", description)];
        if !state.is_empty() {
            pairs.push(("state", state));
        }
        redirect_with(redirect_uri, &pairs)
    };
    if get("response_type") != "code" {
        return fail("unsupported_response_type", "response type not supported");
    }
    if app.kind == AppKind::ConnectedApp && !app.installed {
        return fail("invalid_client", "app must be installed into org");
    }
    if app.kind == AppKind::ExternalClientApp && !app.installed {
        return error_page(
            "OAUTH_EC_APP_NOT_FOUND",
            "External client app is not installed in this org",
        );
    }
    let challenge = q.get("code_challenge").filter(|c| !c.is_empty()).cloned();
    // S256 is the only method Salesforce supports, and a challenge without a method is taken
    // as S256 (the Salesforce CLI and jsforce send none).
    let method = get("code_challenge_method");
    if challenge.is_some() && !method.is_empty() && method != "S256" {
        return fail("invalid_request", "invalid code challenge method");
    }
    if challenge.is_none() && app.require_pkce {
        return fail("invalid_request", "missing required code challenge");
    }
    if live.scenario.authorize.mode == AuthorizeMode::Deny {
        return fail("access_denied", "end-user denied authorization");
    }
    let hinted = q
        .get("login_hint")
        .and_then(|h| live.user(h))
        .map(|u| u.username.clone());
    let username = hinted.unwrap_or_else(|| live.scenario.authorize.username.clone());
    if !live.user(&username).is_some_and(|u| u.active) {
        return fail("access_denied", "end-user denied authorization");
    }
    let scope = match get("scope") {
        "" => "api refresh_token".to_string(),
        s => s.to_string(),
    };
    let code = live.new_code(CodeInfo {
        username,
        consumer_key: app.consumer_key.clone(),
        redirect_uri: redirect_uri.to_string(),
        challenge,
        scope,
        expires: Instant::now() + CODE_LIFETIME,
        used: false,
    });
    let mut pairs = vec![("code", code.as_str())];
    if !state.is_empty() {
        pairs.push(("state", state));
    }
    redirect_with(redirect_uri, &pairs)
}

/// The device verification page: enter the user code, then approve or deny.
pub fn verification_page(q: &HashMap<String, String>) -> Response {
    let code = escape(q.get("user_code").map(String::as_str).unwrap_or_default());
    html(
        StatusCode::OK,
        "Connect Your Device",
        &format!(
            "<h1>Connect Your Device</h1><form method=\"post\" action=\"/__sim/device/approve\"><label>Code <input name=\"user_code\" value=\"{code}\"></label> <button type=\"submit\">Connect</button></form><form method=\"post\" action=\"/__sim/device/deny\"><input type=\"hidden\" name=\"user_code\" value=\"{code}\"><button type=\"submit\">Deny</button></form>"
        ),
    )
}
