//! Every documented Salesforce error arrives as its typed cause, with a diagnosis that helps.

use secrecy::SecretString;
use sfconnect::salesforce::http::Reply;
use sfconnect::salesforce::oauth::{ClientApp, Grant, request_token};
use sfconnect::salesforce::soap::{login_envelope, parse_login_reply};
use sfconnect::salesforce::web::{self, AuthorizeRequest, Pkce};
use sfconnect::salesforce::{Cause, Credentials, SfError, authenticate, device};
use sfconnect::sim::RunningSim;
use sfconnect::sim::scenario::{
    AppKind, DEMO_CONSUMER_KEY, DEMO_PASSWORD, DEMO_TOKEN, DEMO_USERNAME, PermittedUsers,
};

use super::common::*;

fn soap(username: &str, password: &str, token: Option<&str>) -> Credentials {
    Credentials::Soap {
        username: username.into(),
        password: secret(password),
        security_token: token.map(secret),
    }
}

fn oauth_password(password: &str, token: Option<&str>) -> Credentials {
    Credentials::Password {
        app: demo_app(),
        username: DEMO_USERNAME.into(),
        password: secret(password),
        security_token: token.map(secret),
    }
}

async fn fails(sim: &RunningSim, creds: &Credentials) -> SfError {
    authenticate(&http(), &login(sim), creds)
        .await
        .expect_err("login should fail")
}

/// The diagnosis mentions each of `words` (case-insensitive) somewhere in its text.
fn diagnosis_mentions(e: &SfError, words: &[&str]) {
    let d = e.diagnosis();
    let text = format!(
        "{} {} {} {}",
        d.title,
        d.likely.join(" "),
        d.fix.join(" "),
        d.setup
            .iter()
            .map(|s| format!("{} {}", s.lightning, s.classic))
            .collect::<String>()
    )
    .to_lowercase();
    for w in words {
        assert!(
            text.contains(&w.to_lowercase()),
            "diagnosis of {:?} lacks '{w}': {text}",
            e.cause
        );
    }
}

#[tokio::test]
async fn authentication_failure_lists_its_real_causes() {
    let sim = demo_sim().await;
    let e = fails(&sim, &oauth_password("wrong", Some(DEMO_TOKEN))).await;
    assert_eq!(e.cause, Cause::AuthenticationFailure);
    assert_eq!(e.wire.as_ref().unwrap().message, "authentication failure");
    diagnosis_mentions(
        &e,
        &[
            "security token",
            "Summer '23",
            "External Client App",
            "password",
            "Reset My Security Token",
        ],
    );
    // A missing token from an untrusted network is the same error on the OAuth flow.
    let e = fails(&sim, &oauth_password(DEMO_PASSWORD, None)).await;
    assert_eq!(e.cause, Cause::AuthenticationFailure);
}

#[tokio::test]
async fn username_password_flow_blocked_by_org_or_unsupported_by_eca() {
    let sim = sim_with(|s| s.org.block_username_password_flow = true).await;
    let e = fails(&sim, &oauth_password(DEMO_PASSWORD, Some(DEMO_TOKEN))).await;
    assert_eq!(e.cause, Cause::AuthenticationFailure);
    let sim = sim_with(|s| s.apps[0].kind = AppKind::ExternalClientApp).await;
    let e = fails(&sim, &oauth_password(DEMO_PASSWORD, Some(DEMO_TOKEN))).await;
    assert_eq!(e.cause, Cause::AuthenticationFailure);
}

#[tokio::test]
async fn soap_login_faults() {
    let sim = sim_with(|s| s.users[2].password = "NoApi-Pass-2026".into()).await;
    let e = fails(&sim, &soap(DEMO_USERNAME, DEMO_PASSWORD, None)).await;
    assert_eq!(e.cause, Cause::SecurityTokenRequired);
    diagnosis_mentions(
        &e,
        &["trusted IP", "Reset My Security Token", "My Settings"],
    );
    let e = fails(&sim, &soap(DEMO_USERNAME, "wrong", Some(DEMO_TOKEN))).await;
    assert_eq!(e.cause, Cause::InvalidLogin);
    assert_eq!(
        e.wire.as_ref().unwrap().message,
        "Invalid username, password, security token; or user locked out."
    );
    let e = fails(
        &sim,
        &soap(
            "noapi@acme-demo.example",
            "NoApi-Pass-2026",
            Some("NoApiUserToken0123456789"),
        ),
    )
    .await;
    assert_eq!(e.cause, Cause::ApiDisabledForUser);
    diagnosis_mentions(
        &e,
        &[
            "API Enabled",
            "System Permissions",
            "Administrative Permissions",
        ],
    );
}

#[tokio::test]
async fn soap_login_disabled_retired_and_gated() {
    let sim = sim_with(|s| s.org.soap_login_enabled = false).await;
    let e = fails(&sim, &soap(DEMO_USERNAME, DEMO_PASSWORD, Some(DEMO_TOKEN))).await;
    assert_eq!(e.cause, Cause::SoapLoginDisabled);
    diagnosis_mentions(&e, &["Winter '26", "Summer '27", "Enable SOAP API login()"]);

    let sim = sim_with(|s| s.org.api_enabled = false).await;
    let e = fails(&sim, &soap(DEMO_USERNAME, DEMO_PASSWORD, Some(DEMO_TOKEN))).await;
    assert_eq!(e.cause, Cause::ApiDisabledForOrg);

    let sim = sim_with(|s| {
        s.org.soap_login_requires_use_any_api_auth = true;
        s.users[0].use_any_api_auth = false;
    })
    .await;
    let e = fails(&sim, &soap(DEMO_USERNAME, DEMO_PASSWORD, Some(DEMO_TOKEN))).await;
    assert_eq!(e.cause, Cause::UseAnyApiAuthMissing);
    // Said as such, with where the permission is granted.
    let d = e.diagnosis();
    assert!(d.title.contains("Use Any API Auth"), "{}", d.title);
    assert_eq!(d.setup[0].task, "Grant Use Any API Auth");

    // login() on API 65.0 and later is gone.
    let sim = demo_sim().await;
    let reply = reqwest::Client::new()
        .post(format!("{}/services/Soap/u/65.0", sim.login_url()))
        .header("Content-Type", "text/xml; charset=UTF-8")
        .header("SOAPAction", "login")
        .body(login_envelope(
            DEMO_USERNAME,
            &format!("{DEMO_PASSWORD}{DEMO_TOKEN}"),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 500);
    let reply = Reply {
        status: 500,
        content_type: "text/xml".into(),
        body: reply.bytes().await.unwrap(),
    };
    let e = parse_login_reply(&reply).unwrap_err();
    assert_eq!(e.cause, Cause::SoapLoginUnavailableInVersion);
    assert!(e.wire.unwrap().message.contains("(65.0)"));
}

#[tokio::test]
async fn lockout_after_repeated_failures_blocks_even_the_right_password() {
    let sim = sim_with(|s| s.org.lockout_after = 3).await;
    for _ in 0..3 {
        fails(&sim, &soap(DEMO_USERNAME, "wrong", Some(DEMO_TOKEN))).await;
    }
    let e = fails(&sim, &soap(DEMO_USERNAME, DEMO_PASSWORD, Some(DEMO_TOKEN))).await;
    assert_eq!(e.cause, Cause::InvalidLogin);
    diagnosis_mentions(&e, &["locked out"]);
}

#[tokio::test]
async fn login_ip_ranges_restrict_oauth_and_soap() {
    let sim = sim_with(|s| s.users[0].login_ip_ranges = vec!["10.0.0.0/8".into()]).await;
    let e = fails(&sim, &oauth_password(DEMO_PASSWORD, Some(DEMO_TOKEN))).await;
    assert_eq!(e.cause, Cause::IpRestricted);
    assert_eq!(
        e.wire.unwrap().message,
        "ip restricted or invalid login hours"
    );
    let e = fails(&sim, &soap(DEMO_USERNAME, DEMO_PASSWORD, Some(DEMO_TOKEN))).await;
    assert_eq!(e.cause, Cause::IpRestricted);
}

#[tokio::test]
async fn expired_password_logs_in_but_every_api_call_fails() {
    let sim = demo_sim().await;
    let creds = soap(
        "expired@acme-demo.example",
        "Old-Pass-2026",
        Some("ExpiredUserToken01234567"),
    );
    let auth = authenticate(&http(), &login(&sim), &creds).await.unwrap();
    assert!(auth.password_expired);
    let e = auth.session.limits().await.unwrap_err();
    assert_eq!(e.cause, Cause::PasswordExpired);
    diagnosis_mentions(
        &e,
        &["90 days", "reset the security token", "Password Policies"],
    );
    // Same after the simulated org expires the integration user's password.
    sim.with_state(|live| live.user_mut(DEMO_USERNAME).unwrap().password_expired = true);
    let auth = authenticate(
        &http(),
        &login(&sim),
        &oauth_password(DEMO_PASSWORD, Some(DEMO_TOKEN)),
    )
    .await
    .unwrap();
    assert_eq!(
        auth.session.describe("Account").await.unwrap_err().cause,
        Cause::PasswordExpired
    );
}

#[tokio::test]
async fn app_identity_errors() {
    let sim = demo_sim().await;
    let wrong_key = Credentials::Password {
        app: ClientApp {
            client_id: "3MVGnope".into(),
            client_secret: Some(secret("x")),
        },
        username: DEMO_USERNAME.into(),
        password: secret(DEMO_PASSWORD),
        security_token: Some(secret(DEMO_TOKEN)),
    };
    let e = fails(&sim, &wrong_key).await;
    assert_eq!(e.cause, Cause::ClientIdInvalid);
    diagnosis_mentions(&e, &["3MVG", "10 minutes", "Manage Consumer Details"]);
    let wrong_secret = Credentials::Password {
        app: ClientApp {
            client_id: DEMO_CONSUMER_KEY.into(),
            client_secret: Some(secret("wrong")),
        },
        username: DEMO_USERNAME.into(),
        password: secret(DEMO_PASSWORD),
        security_token: Some(secret(DEMO_TOKEN)),
    };
    let e = fails(&sim, &wrong_secret).await;
    assert_eq!(e.cause, Cause::ClientSecretInvalid);
}

#[tokio::test]
async fn refresh_token_revoked_is_expired() {
    let sim = demo_sim().await;
    let creds = Credentials::RefreshToken {
        app: demo_app(),
        refresh_token: secret("5Aep861NotARealToken"),
    };
    let e = fails(&sim, &creds).await;
    assert_eq!(e.cause, Cause::RefreshTokenExpired);
    assert_eq!(
        e.wire.as_ref().unwrap().message,
        "expired access/refresh token"
    );
    diagnosis_mentions(&e, &["re-authenticate", "revoked"]);
}

#[tokio::test]
async fn authorization_code_reuse_state_and_redirect_errors() {
    let sim = demo_sim().await;
    let redirect_uri = "http://localhost:1717/OauthRedirect";
    let pkce = Pkce::generate().unwrap();
    let authorize = |pkce: &Pkce, redirect_uri: &str| {
        web::authorize_url(
            &login(&sim),
            &AuthorizeRequest {
                client_id: DEMO_CONSUMER_KEY,
                redirect_uri,
                scope: "api refresh_token",
                pkce,
                prompt: None,
                login_hint: None,
            },
        )
    };
    let location = browser()
        .get(authorize(&pkce, redirect_uri))
        .send()
        .await
        .unwrap()
        .headers()["location"]
        .to_str()
        .unwrap()
        .to_string();
    // A state from another attempt is refused before any exchange.
    assert_eq!(
        web::read_redirect(&location, "another-state")
            .unwrap_err()
            .cause,
        Cause::StateMismatch
    );
    let code = web::read_redirect(&location, &pkce.state).unwrap();
    // A wrong verifier fails.
    let wrong = SecretString::from("x".repeat(50));
    let grant = |verifier| Grant::AuthorizationCode {
        code: &code,
        redirect_uri,
        code_verifier: Some(verifier),
    };
    let e = request_token(&http(), &login(&sim), &demo_app(), grant(&wrong))
        .await
        .unwrap_err();
    assert_eq!(e.cause, Cause::AuthorizationCodeInvalid);
    // Codes are single use, even after a failed exchange.
    let e = request_token(&http(), &login(&sim), &demo_app(), grant(&pkce.verifier))
        .await
        .unwrap_err();
    assert_eq!(e.cause, Cause::AuthorizationCodeInvalid);
    diagnosis_mentions(&e, &["once", "==", "start the browser login again"]);

    // An unregistered callback is shown as a page, not redirected.
    let page = browser()
        .get(authorize(&pkce, "http://localhost:9999/cb"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 400);
    let body = page.text().await.unwrap();
    assert!(body.contains("error=redirect_uri_mismatch&amp;error_description=redirect_uri%20must%20match%20configuration"));
    // What the user copies from that page, pasted back, gets the specific explanation.
    let copied =
        "error=redirect_uri_mismatch&error_description=redirect_uri%20must%20match%20configuration";
    let e = web::read_redirect(copied, &pkce.state).unwrap_err();
    assert_eq!(e.cause, Cause::RedirectUriMismatch);
    diagnosis_mentions(&e, &["callback"]);
    let page = browser()
        .get(
            authorize(&pkce, "http://localhost:1717/OauthRedirect")
                .replace(DEMO_CONSUMER_KEY, "3MVGunknown"),
        )
        .send()
        .await
        .unwrap();
    let body = page.text().await.unwrap();
    let start = body.find("error=invalid_client_id").unwrap();
    let copied = body[start..]
        .split('<')
        .next()
        .unwrap()
        .replace("&amp;", "&");
    let e = web::read_redirect(&copied, &pkce.state).unwrap_err();
    assert_eq!(e.cause, Cause::ClientIdInvalid);
    // The codes Salesforce's approval error pages show for uninstalled apps.
    let e = web::read_redirect(
        "OAUTH_APPROVAL_ERROR_GENERIC: An unexpected error has occured during authentication.",
        &pkce.state,
    )
    .unwrap_err();
    assert_eq!(e.cause, Cause::AppNotInstalled);
    let e = web::read_redirect("Error: OAUTH_EC_APP_NOT_FOUND", &pkce.state).unwrap_err();
    assert_eq!(e.cause, Cause::ExternalClientAppNotInstalled);
}

/// Act as the browser on /authorize and return where it redirects to.
async fn authorize_location(sim: &RunningSim, pkce: &Pkce) -> String {
    let url = web::authorize_url(
        &login(sim),
        &AuthorizeRequest {
            client_id: DEMO_CONSUMER_KEY,
            redirect_uri: "http://localhost:1717/OauthRedirect",
            scope: "api",
            pkce,
            prompt: None,
            login_hint: None,
        },
    );
    let response = browser().get(&url).send().await.unwrap();
    response.headers()["location"].to_str().unwrap().to_string()
}

#[tokio::test]
async fn uninstalled_app_and_denied_login_come_back_in_the_redirect() {
    let pkce = Pkce::generate().unwrap();
    let sim = sim_with(|s| s.apps[0].installed = false).await;
    let location = authorize_location(&sim, &pkce).await;
    assert!(
        location.contains("error=invalid_client&error_description=app+must+be+installed+into+org"),
        "{location}"
    );
    let e = web::read_redirect(&location, &pkce.state).unwrap_err();
    assert_eq!(e.cause, Cause::AppNotInstalled);
    diagnosis_mentions(&e, &["September 2025", "Connected Apps OAuth Usage"]);

    let sim = sim_with(|s| s.authorize.mode = sfconnect::sim::scenario::AuthorizeMode::Deny).await;
    let location = authorize_location(&sim, &pkce).await;
    let e = web::read_redirect(&location, &pkce.state).unwrap_err();
    assert_eq!(e.cause, Cause::AccessDenied);
}

#[tokio::test]
async fn device_flow_blocked_for_uninstalled_connected_apps() {
    let sim = sim_with(|s| s.apps[0].installed = false).await;
    let e = device::start(&http(), &login(&sim), DEMO_CONSUMER_KEY, "api")
        .await
        .unwrap_err();
    assert_eq!(e.cause, Cause::DeviceFlowNotEnabled);
    assert_eq!(
        e.wire.as_ref().unwrap().message,
        "device flow is not enabled for the app"
    );
    diagnosis_mentions(&e, &["September 2025", "Enable for Device Flow", "install"]);
}

#[tokio::test]
async fn client_credentials_needs_my_domain_and_a_run_as_user() {
    let sim = demo_sim().await;
    let creds = Credentials::ClientCredentials { app: demo_app() };
    let e = fails(&sim, &creds).await;
    assert_eq!(e.cause, Cause::WrongDomainForFlow);
    assert_eq!(
        e.wire.as_ref().unwrap().message,
        "request not supported on this domain"
    );
    diagnosis_mentions(&e, &["My Domain"]);
    let sim = sim_with(|s| s.apps[0].run_as = None).await;
    let e = authenticate(&http(), &my_domain(&sim), &creds)
        .await
        .unwrap_err();
    assert_eq!(e.cause, Cause::NoRunAsUser);
}

#[tokio::test]
async fn jwt_errors_audience_preauthorization_and_wrong_certificate() {
    let (key, cert) = key_and_certificate();
    let jwt = |sandbox: bool, username: &str, key: &str| Credentials::Jwt {
        client_id: DEMO_CONSUMER_KEY.into(),
        username: username.into(),
        private_key_pem: secret(key),
        sandbox,
    };
    let sim = sim_with(|s| {
        s.apps[0].certificate = Some(cert.clone());
        s.apps[0].permitted_users = PermittedUsers::AdminApproved;
    })
    .await;
    // Loopback hosts use their own URL as the audience; the generic audiences are checked below.
    authenticate(&http(), &my_domain(&sim), &jwt(false, DEMO_USERNAME, &key))
        .await
        .unwrap();
    let e = fails(&sim, &jwt(false, "expired@acme-demo.example", &key)).await;
    assert_eq!(e.cause, Cause::ConsumerNotApproved);
    diagnosis_mentions(&e, &["pre-authorized", "Permission Sets"]);
    let (other_key, _) = key_and_certificate();
    let e = fails(&sim, &jwt(false, DEMO_USERNAME, &other_key)).await;
    assert_eq!(e.cause, Cause::JwtInvalidAssertion);
    let e = fails(&sim, &jwt(false, DEMO_USERNAME, "not a key")).await;
    assert_eq!(e.cause, Cause::InvalidKey);

    // Audience: a production org refuses test.salesforce.com.
    let assertion = sfconnect::salesforce::jwt::assertion(
        DEMO_CONSUMER_KEY,
        DEMO_USERNAME,
        "https://test.salesforce.com",
        &secret(&key),
    )
    .unwrap();
    let app = ClientApp {
        client_id: DEMO_CONSUMER_KEY.into(),
        client_secret: None,
    };
    let e = request_token(
        &http(),
        &login(&sim),
        &app,
        Grant::JwtBearer {
            assertion: &assertion,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.cause, Cause::JwtAudienceInvalid);
    let assertion = sfconnect::salesforce::jwt::assertion(
        DEMO_CONSUMER_KEY,
        DEMO_USERNAME,
        "https://login.salesforce.com",
        &secret(&key),
    )
    .unwrap();
    request_token(
        &http(),
        &login(&sim),
        &app,
        Grant::JwtBearer {
            assertion: &assertion,
        },
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn request_limit_and_invalid_sessions_on_rest() {
    let sim = sim_with(|s| s.org.daily_api_used = s.org.daily_api_max).await;
    let auth = authenticate(
        &http(),
        &login(&sim),
        &soap(DEMO_USERNAME, DEMO_PASSWORD, Some(DEMO_TOKEN)),
    )
    .await
    .unwrap();
    let e = auth.session.limits().await.unwrap_err();
    assert_eq!(e.cause, Cause::RequestLimitExceeded);
    assert_eq!(e.wire.unwrap().message, "TotalRequests Limit exceeded.");

    let sim = demo_sim().await;
    let auth = authenticate(
        &http(),
        &login(&sim),
        &oauth_password(DEMO_PASSWORD, Some(DEMO_TOKEN)),
    )
    .await
    .unwrap();
    let id_url = auth.identity_url.clone().unwrap();
    let mut bad = auth.session.clone();
    bad.access_token = secret("00D5e000003V0C7!bogus");
    let e = bad.limits().await.unwrap_err();
    assert_eq!(e.cause, Cause::SessionInvalid);
    assert_eq!(e.wire.as_ref().unwrap().code, "INVALID_SESSION_ID");
    let e = bad.identity(&id_url).await.unwrap_err();
    assert_eq!(e.cause, Cause::SessionInvalid);
    assert_eq!(e.wire.as_ref().unwrap().code, "Bad_OAuth_Token");
}

#[tokio::test]
async fn non_form_bodies_are_unsupported_grant_types() {
    let sim = demo_sim().await;
    let response = reqwest::Client::new()
        .post(format!("{}/services/oauth2/token", sim.login_url()))
        .json(&serde_json::json!({"grant_type": "password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.headers()["content-type"],
        "application/json;charset=UTF-8"
    );
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({"error": "unsupported_grant_type", "error_description": "grant type not supported"})
    );
}

#[tokio::test]
async fn mfa_code_stands_where_the_token_goes() {
    let sim = sim_with(|s| s.users[0].mfa_code = Some("493021".into())).await;
    authenticate(
        &http(),
        &login(&sim),
        &soap(DEMO_USERNAME, DEMO_PASSWORD, Some("493021")),
    )
    .await
    .unwrap();
    let e = fails(&sim, &soap(DEMO_USERNAME, DEMO_PASSWORD, Some("000000"))).await;
    assert_eq!(e.cause, Cause::InvalidLogin);
}

#[tokio::test]
async fn my_domain_only_orgs_refuse_the_generic_login_host() {
    let sim = sim_with(|s| s.org.require_my_domain_login = true).await;
    for creds in [
        soap(DEMO_USERNAME, DEMO_PASSWORD, Some(DEMO_TOKEN)),
        oauth_password(DEMO_PASSWORD, Some(DEMO_TOKEN)),
    ] {
        let e = fails(&sim, &creds).await;
        assert!(matches!(
            e.cause,
            Cause::InvalidLogin | Cause::AuthenticationFailure
        ));
        diagnosis_mentions(&e, &["My Domain"]);
        authenticate(&http(), &my_domain(&sim), &creds)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn inactive_users_cannot_log_in() {
    let sim = sim_with(|s| s.users[0].active = false).await;
    let e = fails(&sim, &soap(DEMO_USERNAME, DEMO_PASSWORD, Some(DEMO_TOKEN))).await;
    assert_eq!(e.cause, Cause::InvalidLogin);
    let e = fails(&sim, &oauth_password(DEMO_PASSWORD, Some(DEMO_TOKEN))).await;
    assert_eq!(e.cause, Cause::AuthenticationFailure);
}

#[tokio::test]
async fn client_credentials_flow_disabled_on_the_app() {
    use sfconnect::sim::scenario::Flow;
    let sim = sim_with(|s| s.apps[0].flows.retain(|f| *f != Flow::ClientCredentials)).await;
    let creds = Credentials::ClientCredentials { app: demo_app() };
    let e = authenticate(&http(), &my_domain(&sim), &creds)
        .await
        .unwrap_err();
    assert_eq!(e.cause, Cause::FlowNotEnabledForApp);
    diagnosis_mentions(&e, &["Enable Client Credentials Flow"]);
}

#[tokio::test]
async fn jwt_in_a_sandbox_and_with_an_uninstalled_external_client_app() {
    let (key, cert) = key_and_certificate();
    let assertion = |aud: &str| {
        sfconnect::salesforce::jwt::assertion(DEMO_CONSUMER_KEY, DEMO_USERNAME, aud, &secret(&key))
            .unwrap()
    };
    let app = ClientApp {
        client_id: DEMO_CONSUMER_KEY.into(),
        client_secret: None,
    };
    let sim = sim_with(|s| {
        s.org.sandbox = true;
        s.apps[0].certificate = Some(cert.clone());
    })
    .await;
    let ok = assertion("https://test.salesforce.com");
    request_token(
        &http(),
        &login(&sim),
        &app,
        Grant::JwtBearer { assertion: &ok },
    )
    .await
    .unwrap();
    let wrong = assertion("https://login.salesforce.com");
    let e = request_token(
        &http(),
        &login(&sim),
        &app,
        Grant::JwtBearer { assertion: &wrong },
    )
    .await
    .unwrap_err();
    assert_eq!(e.cause, Cause::JwtAudienceInvalid);
    diagnosis_mentions(&e, &["https://test.salesforce.com"]);

    let sim = sim_with(|s| {
        s.apps[0].kind = AppKind::ExternalClientApp;
        s.apps[0].installed = false;
        s.apps[0].certificate = Some(cert.clone());
    })
    .await;
    let token = assertion("https://login.salesforce.com");
    let e = request_token(
        &http(),
        &login(&sim),
        &app,
        Grant::JwtBearer { assertion: &token },
    )
    .await
    .unwrap_err();
    assert_eq!(e.cause, Cause::ExternalClientAppNotInstalled);
    assert_eq!(
        e.wire.unwrap().message,
        "External client app is not installed in this org"
    );
}
