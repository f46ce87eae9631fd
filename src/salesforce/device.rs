//! Salesforce's device flow: `response_type=device_code`, then polling `grant_type=device&code=…`.

use std::fmt;
use std::time::Duration;

use secrecy::SecretString;
use serde::Deserialize;

use super::error::{Cause, Result, SfError};
use super::http::Http;
use super::login_url::LoginUrl;
use super::oauth::{ClientApp, Grant, TokenResponse, json_error, oauth_error, request_token};

/// Salesforce returns no `expires_in`; clients assume ten minutes.
pub const DEVICE_CODE_LIFETIME: Duration = Duration::from_secs(600);
/// The interval used when the server names none.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);

/// The codes to show the user.
#[derive(Deserialize)]
pub struct DeviceCode {
    pub device_code: SecretString,
    pub user_code: String,
    pub verification_uri: String,
    #[serde(default)]
    pub interval: Option<u64>,
}

impl fmt::Debug for DeviceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceCode")
            .field("user_code", &self.user_code)
            .field("verification_uri", &self.verification_uri)
            .field("interval", &self.interval)
            .finish_non_exhaustive()
    }
}

impl DeviceCode {
    pub fn interval(&self) -> Duration {
        self.interval
            .filter(|s| (1..=60).contains(s))
            .map(Duration::from_secs)
            .unwrap_or(DEFAULT_INTERVAL)
    }

    /// The verification URL with the code filled in, so one scan or click is enough.
    pub fn verification_uri_complete(&self) -> String {
        let sep = if self.verification_uri.contains('?') {
            '&'
        } else {
            '?'
        };
        let code: String =
            url::form_urlencoded::byte_serialize(self.user_code.as_bytes()).collect();
        format!("{}{sep}user_code={code}", self.verification_uri)
    }
}

/// One poll's outcome.
#[derive(Debug)]
pub enum DevicePoll {
    Pending,
    /// Poll less often: add five seconds to the interval.
    SlowDown,
    Approved(Box<TokenResponse>),
}

/// Ask for a device code and user code.
pub async fn start(
    http: &Http,
    host: &LoginUrl,
    client_id: &str,
    scope: &str,
) -> Result<DeviceCode> {
    let form = [
        ("response_type", "device_code"),
        ("client_id", client_id),
        ("scope", scope),
    ];
    let reply = http
        .send(
            http.client()
                .post(host.endpoint("/services/oauth2/token"))
                .header("Accept", "application/json")
                .form(&form),
        )
        .await?;
    if reply.status != 200 || reply.is_html() {
        return Err(oauth_error(&reply));
    }
    let mut code: DeviceCode =
        serde_json::from_slice(&reply.body).map_err(|e| json_error("device code response", &e))?;
    // Both are shown to the user as they are: nothing in them may drive the terminal.
    code.user_code = super::error::printable(&code.user_code);
    code.verification_uri = super::error::printable(&code.verification_uri);
    Ok(code)
}

/// Poll once.
pub async fn poll(
    http: &Http,
    host: &LoginUrl,
    app: &ClientApp,
    code: &DeviceCode,
) -> Result<DevicePoll> {
    let grant = Grant::Device {
        device_code: &code.device_code,
    };
    match request_token(http, host, app, grant).await {
        Ok(token) => Ok(DevicePoll::Approved(Box::new(token))),
        Err(e) if e.cause == Cause::AuthorizationPending => Ok(DevicePoll::Pending),
        Err(e) if e.cause == Cause::SlowDown => Ok(DevicePoll::SlowDown),
        Err(e) => Err(e),
    }
}

/// Poll at the server's interval (slowing down when asked) until approved, refused, or `limit`.
pub async fn wait_for_approval(
    http: &Http,
    host: &LoginUrl,
    app: &ClientApp,
    code: &DeviceCode,
    limit: Duration,
) -> Result<TokenResponse> {
    wait_with_countdown(http, host, app, code, limit, |_| {}).await
}

/// `wait_for_approval`, telling `remaining` how long is left before each poll (for a countdown).
pub async fn wait_with_countdown(
    http: &Http,
    host: &LoginUrl,
    app: &ClientApp,
    code: &DeviceCode,
    limit: Duration,
    mut remaining: impl FnMut(Duration),
) -> Result<TokenResponse> {
    let deadline = tokio::time::Instant::now() + limit;
    let mut interval = code.interval();
    loop {
        let now = tokio::time::Instant::now();
        if now + interval > deadline {
            return Err(SfError::new(Cause::DeviceTimedOut));
        }
        remaining(deadline - now);
        tokio::time::sleep(interval).await;
        match poll(http, host, app, code).await? {
            DevicePoll::Approved(token) => return Ok(*token),
            DevicePoll::Pending => {}
            DevicePoll::SlowDown => interval += Duration::from_secs(5),
        }
    }
}
