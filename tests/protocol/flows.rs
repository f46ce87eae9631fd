//! Every authentication method succeeds against the simulated org, and what it returns is usable.

use std::time::Duration;

use secrecy::ExposeSecret;
use sfconnect::salesforce::device::{self, DevicePoll};
use sfconnect::salesforce::oauth::{ClientApp, Grant, request_token};
use sfconnect::salesforce::rest::Session;
use sfconnect::salesforce::web::{self, AuthorizeRequest, DEFAULT_SCOPES, Pkce};
use sfconnect::salesforce::{Cause, Credentials, authenticate};
use sfconnect::sim::scenario::{DEMO_CONSUMER_KEY, DEMO_PASSWORD, DEMO_TOKEN, DEMO_USERNAME};

use super::common::*;

const NASTY: &str = r#"p&<>"'%+ /\{}[]é"#;
const NASTY_TOKEN: &str = r#"T&<>"'%+ /\{}[]é0123456"#;

#[tokio::test]
async fn soap_login_then_rest_calls() {
    let sim = demo_sim().await;
    let http = http();
    let creds = Credentials::Soap {
        username: DEMO_USERNAME.into(),
        password: secret(DEMO_PASSWORD),
        security_token: Some(secret(DEMO_TOKEN)),
    };
    let auth = authenticate(&http, &login(&sim), &creds).await.unwrap();
    assert_eq!(auth.session.instance_url, sim.instance_url());
    assert_eq!(auth.org_id, "00D5e000003V0C7EAK");
    assert_eq!(auth.username.as_deref(), Some(DEMO_USERNAME));
    assert!(!auth.password_expired);
    assert_eq!(auth.sandbox, Some(false));
    let limits = auth.session.limits().await.unwrap();
    let daily = limits["DailyApiRequests"];
    assert_eq!(daily.max, 15000);
    assert!(daily.remaining < daily.max);
    let account = auth.session.describe("Account").await.unwrap();
    assert!(account.createable && account.queryable);
    let users = auth
        .session
        .query("SELECT Id, Username FROM User WHERE IsActive = true")
        .await
        .unwrap();
    assert!(users.total_size >= 1);
    let versions = auth.session.versions().await.unwrap();
    assert_eq!(versions.last().unwrap().version, "68.0");
    assert_eq!(versions.first().unwrap().label, "Summer '14");
}

#[tokio::test]
async fn special_characters_survive_soap_and_oauth_password_logins() {
    let sim = sim_with(|s| {
        s.users[0].password = NASTY.into();
        s.users[0].security_token = NASTY_TOKEN.into();
        s.users[0].username = "a&b<c>@acme-demo.example".into();
        s.apps[0].pre_authorized = vec!["a&b<c>@acme-demo.example".into()];
    })
    .await;
    let http = http();
    let soap = Credentials::Soap {
        username: "a&b<c>@acme-demo.example".into(),
        password: secret(NASTY),
        security_token: Some(secret(NASTY_TOKEN)),
    };
    authenticate(&http, &login(&sim), &soap).await.unwrap();
    let oauth = Credentials::Password {
        app: demo_app(),
        username: "a&b<c>@acme-demo.example".into(),
        password: secret(NASTY),
        security_token: Some(secret(NASTY_TOKEN)),
    };
    let auth = authenticate(&http, &login(&sim), &oauth).await.unwrap();
    assert!(
        auth.refresh_token.is_none(),
        "the password flow never issues refresh tokens"
    );
    let identity = auth
        .session
        .identity(auth.identity_url.as_deref().unwrap())
        .await
        .unwrap();
    assert_eq!(identity.username, "a&b<c>@acme-demo.example");
}

#[tokio::test]
async fn oauth_password_flow_verifies_the_signature_and_reaches_identity() {
    let sim = demo_sim().await;
    let creds = Credentials::Password {
        app: demo_app(),
        username: DEMO_USERNAME.into(),
        password: secret(DEMO_PASSWORD),
        security_token: Some(secret(DEMO_TOKEN)),
    };
    let auth = authenticate(&http(), &login(&sim), &creds).await.unwrap();
    let id_url = auth.identity_url.clone().unwrap();
    assert!(
        id_url.starts_with(sim.login_url()),
        "identity URL is on the login host: {id_url}"
    );
    assert!(auth.issued_at_ms.unwrap() > 1_700_000_000_000);
    let identity = auth.session.identity(&id_url).await.unwrap();
    assert_eq!(identity.user_id, auth.user_id);
    let info = auth.session.userinfo().await.unwrap();
    assert_eq!(info.preferred_username, DEMO_USERNAME);
    assert!(info.is_salesforce_integration_user);
}

#[tokio::test]
async fn trusted_ip_ranges_need_no_token_but_accept_one() {
    let sim = sim_with(|s| s.org.trusted_ip_ranges = vec!["127.0.0.0/8".into()]).await;
    for token in [None, Some(secret(DEMO_TOKEN))] {
        let creds = Credentials::Soap {
            username: DEMO_USERNAME.into(),
            password: secret(DEMO_PASSWORD),
            security_token: token,
        };
        authenticate(&http(), &login(&sim), &creds).await.unwrap();
    }
}

/// Act as the browser: follow /authorize and return the redirect's Location.
async fn browser_login(
    sim: &sfconnect::sim::RunningSim,
    pkce: &Pkce,
    redirect_uri: &str,
) -> String {
    let url = web::authorize_url(
        &login(sim),
        &AuthorizeRequest {
            client_id: DEMO_CONSUMER_KEY,
            redirect_uri,
            scope: DEFAULT_SCOPES,
            pkce,
            prompt: Some("login"),
            login_hint: None,
        },
    );
    let response = browser().get(url).send().await.unwrap();
    assert_eq!(response.status(), 302);
    response.headers()["location"].to_str().unwrap().to_string()
}

#[tokio::test]
async fn browser_login_with_pkce_and_an_encoded_code() {
    let sim = demo_sim().await;
    let redirect_uri = "http://localhost:1717/OauthRedirect";
    let pkce = Pkce::generate().unwrap();
    let location = browser_login(&sim, &pkce, redirect_uri).await;
    assert!(
        location.contains("%3D%3D&state="),
        "code is percent-encoded and ends in ==: {location}"
    );
    assert!(
        location.contains("%2B") && location.contains("%2F"),
        "code carries + and /: {location}"
    );
    let code = web::read_redirect(&location, &pkce.state).unwrap();
    assert!(code.expose_secret().ends_with("=="));
    assert!(code.expose_secret().contains('+') && code.expose_secret().contains('/'));
    let token = request_token(
        &http(),
        &login(&sim),
        &demo_app(),
        Grant::AuthorizationCode {
            code: &code,
            redirect_uri,
            code_verifier: Some(&pkce.verifier),
        },
    )
    .await
    .unwrap();
    let refresh = token
        .refresh_token
        .as_ref()
        .expect("refresh token with refresh_token scope");
    assert!(refresh.expose_secret().starts_with("5Aep861"));
    // The refresh token works.
    let creds = Credentials::RefreshToken {
        app: demo_app(),
        refresh_token: refresh.clone(),
    };
    let auth = authenticate(&http(), &login(&sim), &creds).await.unwrap();
    assert!(
        auth.refresh_token.is_none(),
        "no rotation configured, so no new refresh token"
    );
    auth.session.limits().await.unwrap();
}

#[tokio::test]
async fn refresh_token_rotation_returns_a_new_token_and_retires_the_old() {
    let sim = sim_with(|s| s.apps[0].refresh_token_rotation = true).await;
    let pkce = Pkce::generate().unwrap();
    let redirect_uri = "http://127.0.0.1:1717/OauthRedirect";
    let location = browser_login(&sim, &pkce, redirect_uri).await;
    let code = web::read_redirect(&location, &pkce.state).unwrap();
    let grant = Grant::AuthorizationCode {
        code: &code,
        redirect_uri,
        code_verifier: Some(&pkce.verifier),
    };
    let first = request_token(&http(), &login(&sim), &demo_app(), grant)
        .await
        .unwrap();
    let first_refresh = first.refresh_token.unwrap();
    let creds = Credentials::RefreshToken {
        app: demo_app(),
        refresh_token: first_refresh.clone(),
    };
    let rotated = authenticate(&http(), &login(&sim), &creds).await.unwrap();
    let second_refresh = rotated.refresh_token.expect("a rotated refresh token");
    assert_ne!(
        second_refresh.expose_secret(),
        first_refresh.expose_secret()
    );
    // Reusing the old one fails and revokes the new one too.
    let err = authenticate(&http(), &login(&sim), &creds)
        .await
        .unwrap_err();
    assert_eq!(err.cause, Cause::RefreshTokenExpired);
    let creds = Credentials::RefreshToken {
        app: demo_app(),
        refresh_token: second_refresh,
    };
    let err = authenticate(&http(), &login(&sim), &creds)
        .await
        .unwrap_err();
    assert_eq!(err.cause, Cause::RefreshTokenExpired);
}

#[tokio::test]
async fn device_flow_pending_then_approved() {
    let sim = sim_with(|s| s.device.interval_secs = 1).await;
    let http = http();
    let code = device::start(&http, &login(&sim), DEMO_CONSUMER_KEY, "api refresh_token")
        .await
        .unwrap();
    assert_eq!(code.user_code.len(), 8);
    assert!(code.verification_uri.ends_with("/setup/connect"));
    assert_eq!(code.interval(), Duration::from_secs(1));
    let app = ClientApp {
        client_id: DEMO_CONSUMER_KEY.into(),
        client_secret: None,
    };
    let first = device::poll(&http, &login(&sim), &app, &code)
        .await
        .unwrap();
    assert!(matches!(first, DevicePoll::Pending));
    // Approve through the simulated verification page, as a person would, a little later.
    let approval = {
        let (url, user_code) = (
            format!("{}/__sim/device/approve", sim.login_url()),
            code.user_code.clone(),
        );
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(1500)).await;
            browser()
                .post(url)
                .form(&[("user_code", user_code.as_str())])
                .send()
                .await
                .unwrap()
                .status()
        })
    };
    let mut seen = Vec::new();
    let token = device::wait_with_countdown(
        &http,
        &login(&sim),
        &app,
        &code,
        Duration::from_secs(10),
        |left| seen.push(left),
    )
    .await
    .unwrap();
    assert!(token.refresh_token.is_some());
    assert!(
        !seen.is_empty() && seen[0] <= Duration::from_secs(10),
        "{seen:?}"
    );
    assert!(seen.len() >= 2, "polled until approved: {seen:?}");
    assert!(
        seen.windows(2).all(|w| w[1] < w[0]),
        "the countdown goes down: {seen:?}"
    );
    assert_eq!(approval.await.unwrap(), 200);
}

#[tokio::test]
async fn device_flow_denied_and_timed_out() {
    let sim = sim_with(|s| s.device.interval_secs = 1).await;
    let http = http();
    let app = ClientApp {
        client_id: DEMO_CONSUMER_KEY.into(),
        client_secret: None,
    };
    let code = device::start(&http, &login(&sim), DEMO_CONSUMER_KEY, "api")
        .await
        .unwrap();
    assert!(sim.with_state(|live| live.decide_device(&code.user_code, false, None)));
    let err = device::wait_for_approval(&http, &login(&sim), &app, &code, Duration::from_secs(10))
        .await
        .unwrap_err();
    assert_eq!(err.cause, Cause::AccessDenied);
    let code = device::start(&http, &login(&sim), DEMO_CONSUMER_KEY, "api")
        .await
        .unwrap();
    let err = device::wait_for_approval(
        &http,
        &login(&sim),
        &app,
        &code,
        Duration::from_millis(2500),
    )
    .await
    .unwrap_err();
    assert_eq!(err.cause, Cause::DeviceTimedOut);
}

#[tokio::test]
async fn device_flow_honours_slow_down() {
    let sim = sim_with(|s| {
        s.device.interval_secs = 1;
        s.device.slow_down = true;
    })
    .await;
    let http = http();
    let app = ClientApp {
        client_id: DEMO_CONSUMER_KEY.into(),
        client_secret: None,
    };
    let code = device::start(&http, &login(&sim), DEMO_CONSUMER_KEY, "api")
        .await
        .unwrap();
    assert!(matches!(
        device::poll(&http, &login(&sim), &app, &code)
            .await
            .unwrap(),
        DevicePoll::Pending
    ));
    // Polling again at once is too fast.
    assert!(matches!(
        device::poll(&http, &login(&sim), &app, &code)
            .await
            .unwrap(),
        DevicePoll::SlowDown
    ));
}

#[tokio::test]
async fn client_credentials_on_my_domain() {
    let sim = demo_sim().await;
    let creds = Credentials::ClientCredentials { app: demo_app() };
    let auth = authenticate(&http(), &my_domain(&sim), &creds)
        .await
        .unwrap();
    assert!(auth.refresh_token.is_none());
    let info = auth.session.userinfo().await.unwrap();
    assert_eq!(
        info.preferred_username, DEMO_USERNAME,
        "runs as the Run As user"
    );
}

#[tokio::test]
async fn jwt_bearer_with_a_generated_certificate() {
    let (key, cert) = key_and_certificate();
    let sim = sim_with(|s| s.apps[0].certificate = Some(cert)).await;
    let creds = Credentials::Jwt {
        client_id: DEMO_CONSUMER_KEY.into(),
        username: DEMO_USERNAME.into(),
        private_key_pem: secret(&key),
        sandbox: false,
    };
    // Loopback audience is the login URL itself.
    let auth = authenticate(&http(), &login(&sim), &creds).await.unwrap();
    assert!(auth.refresh_token.is_none());
    assert!(
        auth.issued_at_ms.is_none(),
        "JWT answers carry no issued_at"
    );
    auth.session.limits().await.unwrap();
}

#[tokio::test]
async fn composite_batch_splits_into_groups_of_25_and_keeps_order() {
    let sim = demo_sim().await;
    let creds = Credentials::Soap {
        username: DEMO_USERNAME.into(),
        password: secret(DEMO_PASSWORD),
        security_token: Some(secret(DEMO_TOKEN)),
    };
    let auth = authenticate(&http(), &login(&sim), &creds).await.unwrap();
    let objects = ["Account", "Contact", "Lead", "Case", "Nope"];
    let paths: Vec<String> = (0..30)
        .map(|i| format!("sobjects/{}/describe", objects[i % objects.len()]))
        .collect();
    let used_before = sim.with_state(|l| l.scenario.org.daily_api_used);
    let results = auth.session.batch_get(&paths).await.unwrap();
    let used_after = sim.with_state(|l| l.scenario.org.daily_api_used);
    assert_eq!(
        used_after - used_before,
        2,
        "30 subrequests cost two API calls"
    );
    assert_eq!(results.len(), 30);
    for (i, result) in results.into_iter().enumerate() {
        let wanted = objects[i % objects.len()];
        let described: Result<sfconnect::salesforce::rest::ObjectDescribe, _> =
            result.into_result();
        match wanted {
            "Nope" => assert_eq!(described.unwrap_err().cause, Cause::NotFound),
            // Case is in the org but the demo user has no access to it.
            "Case" => assert_eq!(described.unwrap_err().cause, Cause::NotFound),
            _ => assert_eq!(described.unwrap().name, wanted),
        }
    }
}

#[tokio::test]
async fn revoke_ends_the_session() {
    let sim = demo_sim().await;
    let creds = Credentials::Soap {
        username: DEMO_USERNAME.into(),
        password: secret(DEMO_PASSWORD),
        security_token: Some(secret(DEMO_TOKEN)),
    };
    let auth = authenticate(&http(), &login(&sim), &creds).await.unwrap();
    let session: &Session = &auth.session;
    sfconnect::salesforce::rest::revoke(&http(), &login(&sim), &session.access_token)
        .await
        .unwrap();
    let err = session.limits().await.unwrap_err();
    assert_eq!(err.cause, Cause::SessionInvalid);
    let err = sfconnect::salesforce::rest::revoke(&http(), &login(&sim), &session.access_token)
        .await
        .unwrap_err();
    assert_eq!(err.wire.unwrap().code, "invalid_token");
}

#[tokio::test]
async fn a_challenge_without_its_method_is_taken_as_s256_and_another_method_is_refused() {
    // The Salesforce CLI and jsforce send `code_challenge` alone; Salesforce supports S256 only.
    let sim = demo_sim().await;
    let redirect_uri = "http://localhost:1717/OauthRedirect";
    let pkce = Pkce::generate().unwrap();
    let full = web::authorize_url(
        &login(&sim),
        &AuthorizeRequest {
            client_id: DEMO_CONSUMER_KEY,
            redirect_uri,
            scope: DEFAULT_SCOPES,
            pkce: &pkce,
            prompt: None,
            login_hint: None,
        },
    );
    assert!(full.contains("&code_challenge_method=S256"), "{full}");
    let follow = |url: String| async move {
        let response = browser().get(url).send().await.unwrap();
        assert_eq!(response.status(), 302);
        response.headers()["location"].to_str().unwrap().to_string()
    };
    let plain = follow(full.replace(
        "&code_challenge_method=S256",
        "&code_challenge_method=plain",
    ))
    .await;
    assert!(plain.contains("error=invalid_request"), "{plain}");
    let location = follow(full.replace("&code_challenge_method=S256", "")).await;
    let code = web::read_redirect(&location, &pkce.state).unwrap();
    // The challenge was taken as S256: the verifier redeems the code.
    request_token(
        &http(),
        &login(&sim),
        &demo_app(),
        Grant::AuthorizationCode {
            code: &code,
            redirect_uri,
            code_verifier: Some(&pkce.verifier),
        },
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn a_user_record_is_read_by_its_id_as_the_salesforce_cli_does_after_login() {
    let sim = demo_sim().await;
    let creds = Credentials::Soap {
        username: DEMO_USERNAME.into(),
        password: secret(DEMO_PASSWORD),
        security_token: Some(secret(DEMO_TOKEN)),
    };
    let auth = authenticate(&http(), &login(&sim), &creds).await.unwrap();
    let record = auth
        .session
        .get_value(&format!("sobjects/User/{}", auth.user_id))
        .await
        .unwrap();
    assert_eq!(record["Username"], DEMO_USERNAME);
    assert_eq!(record["Id"], auth.user_id.as_str());
    assert_eq!(record["attributes"]["type"], "User");
    // The 15-character form of the id names the same record.
    let short = auth
        .session
        .get_value(&format!("sobjects/User/{}", &auth.user_id[..15]))
        .await
        .unwrap();
    assert_eq!(short["Username"], DEMO_USERNAME);
    let unknown = auth
        .session
        .get_value("sobjects/User/005000000000000AAA")
        .await
        .unwrap_err();
    assert_eq!(unknown.cause, Cause::NotFound);
}

#[tokio::test]
async fn what_the_salesforce_cli_asks_after_login_is_answered() {
    // The CLI joins an instance URL ending in '/' with '/services/…', asks for the
    // Organization record, and asks a query's columns before running it.
    let sim = demo_sim().await;
    let creds = Credentials::Soap {
        username: DEMO_USERNAME.into(),
        password: secret(DEMO_PASSWORD),
        security_token: Some(secret(DEMO_TOKEN)),
    };
    let auth = authenticate(&http(), &login(&sim), &creds).await.unwrap();
    let token = auth.session.access_token.expose_secret().to_string();
    let get = |path: String| {
        let token = token.clone();
        async move {
            let response = reqwest::Client::new()
                .get(path)
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            (
                status,
                response
                    .json::<serde_json::Value>()
                    .await
                    .unwrap_or_default(),
            )
        }
    };
    let base = sim.instance_url();
    let (status, limits) = get(format!("{base}//services/data/v62.0/limits")).await;
    assert_eq!(status, 200, "{limits}");
    assert!(limits["DailyApiRequests"]["Max"].is_number(), "{limits}");
    let (status, org) = get(format!(
        "{base}/services/data/v62.0/query?q=SELECT+Name,+IsSandbox,+OrganizationType+FROM+Organization"
    ))
    .await;
    assert_eq!(status, 200, "{org}");
    assert_eq!(org["records"][0]["Id"], auth.org_id.as_str(), "{org}");
    assert_eq!(org["records"][0]["IsSandbox"], false, "{org}");
    let (status, columns) = get(format!(
        "{base}/services/data/v62.0/query?q=SELECT+Id,+Profile.Name+FROM+User&columns=true"
    ))
    .await;
    assert_eq!(status, 200, "{columns}");
    assert_eq!(columns["entityName"], "User", "{columns}");
    assert_eq!(columns["idSelected"], true, "{columns}");
    let metadata = columns["columnMetadata"].as_array().unwrap();
    assert_eq!(metadata[0]["columnName"], "Id");
    assert_eq!(metadata[1]["columnName"], "Profile");
    assert_eq!(metadata[1]["joinColumns"][0]["columnName"], "Name");
}

#[tokio::test]
async fn a_jwt_whose_exp_is_a_string_of_digits_is_accepted() {
    // simple-salesforce sends `exp` as a string; Salesforce takes it.
    let (key, cert) = key_and_certificate();
    let sim = sim_with(|s| s.apps[0].certificate = Some(cert)).await;
    let exp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 180;
    let claims = serde_json::json!({
        "iss": DEMO_CONSUMER_KEY,
        "sub": DEMO_USERNAME,
        "aud": "https://login.salesforce.com",
        "exp": exp.to_string(),
    });
    let assertion = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_rsa_pem(key.as_bytes()).unwrap(),
    )
    .unwrap();
    let answer = reqwest::Client::new()
        .post(format!("{}/services/oauth2/token", sim.login_url()))
        .form(&[
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
            ("assertion", assertion.as_str()),
        ])
        .send()
        .await
        .unwrap();
    let status = answer.status();
    let body = answer.text().await.unwrap();
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("access_token"), "{body}");
}

/// A control endpoint's required field that is missing or empty is refused with 400 and its
/// name, and nothing changes: a new password is never set to nothing.
#[tokio::test]
async fn a_control_request_without_a_required_field_is_refused_by_name() {
    let sim = demo_sim().await;
    let before = sim.with_state(|l| l.scenario.users[0].password.clone());
    let reply = browser()
        .post(format!("{}/__sim/users/set-password", sim.login_url()))
        .form(&[("username", sfconnect::sim::scenario::DEMO_USERNAME)])
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 400);
    let body = reply.text().await.unwrap();
    assert!(body.contains("missing form field 'password'"), "{body}");
    assert_eq!(
        sim.with_state(|l| l.scenario.users[0].password.clone()),
        before
    );
    let reply = browser()
        .post(format!("{}/__sim/users/set-password", sim.login_url()))
        .form(&[
            ("username", sfconnect::sim::scenario::DEMO_USERNAME),
            ("password", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 400);
}
