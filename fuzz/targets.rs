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

/// Any REST answer, as each of the client's readers takes it: identity, userinfo, versions,
/// limits, a describe, a query, a composite batch (and each batch result), or an error.
pub fn rest_reply(data: &[u8]) {
    use sfconnect::salesforce::rest::{self, BatchResponse, QueryResult};
    for status in [200, 400, 401, 403, 404, 410, 500, 503] {
        let r = reply(status, "application/json;charset=UTF-8", data);
        let said = |e: sfconnect::salesforce::SfError| (e.to_string(), e.diagnosis());
        let _ = rest::decode::<rest::Identity>(&r, "identity").map_err(said);
        let _ = rest::decode::<rest::UserInfo>(&r, "userinfo").map_err(said);
        let _ = rest::decode::<Vec<rest::ApiVersion>>(&r, "versions").map_err(said);
        let _ = rest::decode::<std::collections::BTreeMap<String, rest::Limit>>(&r, "limits")
            .map_err(said);
        let _ = rest::decode::<rest::ObjectDescribe>(&r, "describe").map_err(said);
        let _ = rest::decode::<QueryResult>(&r, "query").map_err(said);
        if let Ok(batch) = rest::decode::<BatchResponse>(&r, "batch") {
            for result in batch.results {
                let _ = result.into_result::<serde_json::Value>().map_err(said);
            }
        }
    }
}

/// The answers the checks get after a login (limits, each object's describe, the user, the
/// licence and active-user queries), turned into verdicts. A JSON array gives the answers in
/// that order (repeated to fill every slot); anything else becomes the user's
/// `LastPasswordChangeDate`.
pub fn check_verdicts(data: &[u8]) {
    use serde_json::{Value, json};
    use sfconnect::check::{Target, objects, verdicts};
    use sfconnect::salesforce::auth::{Authenticated, Credentials};
    static HTTP: std::sync::OnceLock<sfconnect::salesforce::Http> = std::sync::OnceLock::new();
    let answers = match serde_json::from_slice::<Value>(data) {
        Ok(Value::Array(a)) if !a.is_empty() => a,
        Ok(other) => vec![other],
        Err(_) => {
            let date = String::from_utf8_lossy(data);
            vec![
                json!({"totalSize": 1, "done": true, "records": [{"LastPasswordChangeDate": date, "Email": date}]}),
            ]
        }
    };
    let target = Target {
        name: "prod".into(),
        certificate: None,
        jwt_refused_fix: None,
        login_url: LoginUrl::production(),
        credentials: Credentials::Soap {
            username: "integration@example.com".into(),
            password: "x".to_string().into(),
            security_token: None,
        },
        flow: sfconnect::profile::Flow::Soap,
        sandbox: false,
        objects: objects::defaults(),
        password_changed_at: None,
        password_policy_days: 90,
        warn_days: 14,
        company_domains: vec!["example.com".into()],
    };
    let http = HTTP.get_or_init(|| {
        sfconnect::salesforce::Http::new(std::time::Duration::from_secs(1)).expect("a client")
    });
    let auth = Authenticated {
        session: sfconnect::salesforce::rest::Session::new(
            http.clone(),
            "https://example.my.salesforce.com",
            "x".to_string().into(),
        ),
        identity_url: None,
        org_id: "00D000000000001AAA".into(),
        user_id: "005000000000001AAA".into(),
        username: None,
        refresh_token: None,
        password_expired: false,
        sandbox: None,
        issued_at_ms: None,
        session_seconds: None,
    };
    let slots = 4 + target.objects.len();
    let fetched = (0..slots)
        .map(|i| Ok(answers[i % answers.len()].clone()))
        .collect();
    let user = answers[0].to_string();
    let evaluated = verdicts::evaluate(&target, &auth, Ok((user, "Standard".into())), Ok(fetched));
    for check in evaluated.checks {
        let _ = (check.full_fix(), check.detail);
    }
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
    ("rest_reply", rest_reply),
    ("check_verdicts", check_verdicts),
];
