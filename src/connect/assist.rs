//! What the demo's simulated org does in place of a person: log in at a browser, approve a
//! device code, upload a certificate, hand over a refresh token. It is a client of the
//! simulated org's control endpoints, so it sits with the other clients here (`sim` never
//! imports `connect`).

use std::time::Duration;

use secrecy::SecretString;

use super::web_login::{Pasted, Received};
use crate::salesforce::oauth::ClientApp;
use crate::salesforce::{Http, LoginUrl};

/// What the demo can do in place of a person at a browser or in Setup.
#[derive(Debug, Clone)]
pub enum StandIn {
    /// Follow the authorize URL as a browser would and paste the address it lands on.
    Browser { url: String },
    /// Approve the user code on the verification page.
    Device { org: String, user_code: String },
    /// Upload the certificate to the demo app.
    Certificate {
        org: String,
        consumer_key: String,
        pem: String,
    },
    /// Log in to the demo org as a browser would and hand back the refresh token it issues.
    RefreshToken {
        org: String,
        consumer_key: String,
        consumer_secret: Option<SecretString>,
    },
}

/// What the demo org did in place of the user.
#[derive(Debug)]
pub enum Assisted {
    /// Logged in through a browser login and issued this refresh token, for the form.
    TokenIssued(SecretString),
    /// Played the browser: the login under way has its redirect.
    LoggedIn,
    /// Approved the device code.
    Approved,
    /// Uploaded the certificate to the app.
    Uploaded,
}

/// Why the demo org could not do it.
#[derive(Debug, thiserror::Error)]
pub enum AssistError {
    #[error("the simulated org did not answer: {0}")]
    NoAnswer(String),
    #[error("the simulated org showed an error page instead of redirecting")]
    ErrorPage,
    #[error("the browser login is no longer waiting")]
    NotWaiting,
    #[error("the simulated org refused the code")]
    CodeRefused,
    #[error("the demo org has no app with that consumer key")]
    NoSuchApp,
    #[error("no refresh token: {0}")]
    NoRefreshToken(String),
}

/// Do `what` as the demo's user would, against the simulated org.
pub async fn stand_in(
    http: &Http,
    what: StandIn,
    paste: Option<Pasted>,
) -> Result<Assisted, AssistError> {
    let failed = |e: reqwest::Error| AssistError::NoAnswer(e.to_string());
    match what {
        StandIn::RefreshToken {
            org,
            consumer_key,
            consumer_secret,
        } => demo_refresh_token(http, &org, consumer_key, consumer_secret)
            .await
            .map(Assisted::TokenIssued)
            .map_err(AssistError::NoRefreshToken),
        StandIn::Browser { url } => {
            let reply = http.client().get(&url).send().await.map_err(failed)?;
            let location = reply
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .ok_or(AssistError::ErrorPage)?
                .to_string();
            match paste {
                Some(tx) if tx.send(Received::Redirected(location)).is_ok() => {
                    Ok(Assisted::LoggedIn)
                }
                _ => Err(AssistError::NotWaiting),
            }
        }
        StandIn::Device { org, user_code } => {
            let reply = http
                .client()
                .post(format!("{org}/__sim/device/approve"))
                .form(&[("user_code", user_code.as_str())])
                .send()
                .await
                .map_err(failed)?;
            if reply.status().is_success() {
                Ok(Assisted::Approved)
            } else {
                Err(AssistError::CodeRefused)
            }
        }
        StandIn::Certificate {
            org,
            consumer_key,
            pem,
        } => {
            let reply = http
                .client()
                .post(format!("{org}/__sim/apps/certificate"))
                .form(&[
                    ("consumer_key", consumer_key.as_str()),
                    ("certificate", pem.as_str()),
                ])
                .send()
                .await
                .map_err(failed)?;
            if reply.status().is_success() {
                Ok(Assisted::Uploaded)
            } else {
                Err(AssistError::NoSuchApp)
            }
        }
    }
}

/// A browser login to the demo org, the browser played by an HTTP request: the refresh
/// token an integration would have been handed elsewhere.
async fn demo_refresh_token(
    http: &Http,
    org: &str,
    client_id: String,
    client_secret: Option<SecretString>,
) -> Result<SecretString, String> {
    use crate::connect::web_login::{BrowserLogin, DEFAULT_CALLBACK_PORT};
    let login_url = LoginUrl::parse(org).map_err(|e| e.to_string())?;
    let login = BrowserLogin::start(&login_url, &client_id, DEFAULT_CALLBACK_PORT, false)
        .await
        .map_err(|e| e.to_string())?;
    let reply = http
        .client()
        .get(&login.url)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let location = reply
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .ok_or("the demo org showed an error page: check the consumer key")?
        .to_string();
    let _ = login.paste_sender().send(Received::Redirected(location));
    let app = ClientApp {
        client_id,
        client_secret,
    };
    let token = login
        .finish(http, &login_url, &app, Duration::from_secs(30), |_| {})
        .await
        .map_err(|e| e.to_string())?;
    token
        .refresh_token
        .ok_or_else(|| "the demo org issued no refresh token".to_string())
}
