//! What each fuzz target feeds to sfconnect. Shared by the cargo-fuzz targets (fuzz_targets/)
//! and by the regression test that replays every saved finding (tests/protocol/fuzzed.rs).
//! Each must return (with a value or an error) for any input: a panic is a finding.

use std::path::Path;

use bytes::Bytes;
use sfconnect::salesforce::http::Reply;
use sfconnect::salesforce::{LoginUrl, login_url, oauth, soap, web};

fn reply(status: u16, content_type: &str, data: &[u8]) -> Reply {
    Reply {
        status,
        content_type: content_type.to_string(),
        body: Bytes::copy_from_slice(data),
    }
}

/// A token endpoint's answer: success JSON, an OAuth error, or anything else.
pub fn token_json(data: &[u8]) {
    for status in [200, 400] {
        let r = reply(status, "application/json;charset=UTF-8", data);
        if let Ok(token) = oauth::parse_token_reply(&r) {
            let _ = login_url::check_instance_url(&token.instance_url, &LoginUrl::production());
        }
        let _ = oauth::oauth_error(&r).to_string();
    }
}

/// A SOAP login() answer or fault.
pub fn soap_xml(data: &[u8]) {
    for status in [200, 500] {
        let r = reply(status, "text/xml;charset=UTF-8", data);
        let _ = soap::parse_login_reply(&r).map_err(|e| e.to_string());
    }
    let _ = soap::flatten_xml(data);
}

/// What a user pastes after a browser login: an address, a query, a bare code or anything.
pub fn pasted_redirect(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = web::read_redirect(&text, "expected-state").map_err(|e| e.to_string());
}

/// A login URL as typed, and an instance URL as a server may send it.
pub fn login_url(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(url) = LoginUrl::parse(&text) {
        let _ = url.endpoint("/services/oauth2/token");
        let _ = url.is_sandbox();
    }
    let _ = login_url::check_instance_url(&text, &LoginUrl::production());
}

/// The config file's text.
pub fn config(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = sfconnect::profile::config::Config::parse(&text, Path::new("connections.toml"))
        .map_err(|e| e.to_string());
}

/// A guide asset.
pub fn guide(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = sfconnect::wizard::guides::parse(&text);
}

/// One fuzz target: it takes any bytes.
pub type Target = fn(&[u8]);

/// Every target by name, for the regression replay.
pub const TARGETS: &[(&str, Target)] = &[
    ("token_json", token_json),
    ("soap_xml", soap_xml),
    ("pasted_redirect", pasted_redirect),
    ("login_url", login_url),
    ("config", config),
    ("guide", guide),
];
