//! OAuth 2.0 grants against `/services/oauth2/token`, always form-encoded, with typed errors.

use std::fmt;

use aws_lc_rs::{constant_time, hmac};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::error::{Cause, Result, SfError};
use super::http::{Http, Reply};
use super::login_url::{LoginUrl, check_instance_url};

pub const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// A connected app's or External Client App's client identity.
#[derive(Clone)]
pub struct ClientApp {
    /// The consumer key.
    pub client_id: String,
    /// The consumer secret, when the flow needs one.
    pub client_secret: Option<SecretString>,
}

impl fmt::Debug for ClientApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientApp")
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[REDACTED]"),
            )
            .finish()
    }
}

/// The grant to ask for. Secrets are borrowed and exposed only while the form is built.
pub enum Grant<'a> {
    /// OAuth username-password flow: the security token is appended to the password.
    Password {
        username: &'a str,
        password: &'a SecretString,
        security_token: Option<&'a SecretString>,
    },
    RefreshToken {
        refresh_token: &'a SecretString,
    },
    AuthorizationCode {
        code: &'a SecretString,
        redirect_uri: &'a str,
        code_verifier: Option<&'a SecretString>,
    },
    Device {
        device_code: &'a SecretString,
    },
    ClientCredentials,
    JwtBearer {
        assertion: &'a SecretString,
    },
}

impl Grant<'_> {
    fn grant_type(&self) -> &'static str {
        match self {
            Grant::Password { .. } => "password",
            Grant::RefreshToken { .. } => "refresh_token",
            Grant::AuthorizationCode { .. } => "authorization_code",
            Grant::Device { .. } => "device",
            Grant::ClientCredentials => "client_credentials",
            Grant::JwtBearer { .. } => JWT_BEARER,
        }
    }
}

/// A successful token response. Salesforce sends no `expires_in`; `issued_at` is milliseconds as text.
#[derive(Deserialize)]
pub struct TokenResponse {
    pub access_token: SecretString,
    #[serde(default)]
    pub refresh_token: Option<SecretString>,
    pub instance_url: String,
    pub id: String,
    #[serde(default)]
    pub token_type: Option<String>,
    #[serde(default)]
    pub issued_at: Option<String>,
    #[serde(default)]
    pub signature: Option<String>,
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(default)]
    pub sfdc_community_url: Option<String>,
    #[serde(default)]
    pub api_instance_url: Option<String>,
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenResponse")
            .field("instance_url", &self.instance_url)
            .field("id", &self.id)
            .field("has_refresh_token", &self.refresh_token.is_some())
            .field("issued_at", &self.issued_at)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

impl TokenResponse {
    /// `issued_at` as milliseconds since the epoch.
    pub fn issued_at_ms(&self) -> Option<u64> {
        self.issued_at.as_deref()?.parse().ok()
    }

    /// The org id and user id from the identity URL (`…/id/{orgId}/{userId}`).
    pub fn org_and_user(&self) -> Option<(String, String)> {
        let mut parts = self.id.trim_end_matches('/').rsplit('/');
        let user = parts.next()?.to_string();
        let org = parts.next()?.to_string();
        (parts.next() == Some("id")).then_some((org, user))
    }
}

#[derive(Deserialize)]
pub(crate) struct OAuthErrorBody {
    pub error: String,
    #[serde(default)]
    pub error_description: String,
}

/// The password immediately followed by the security token (or MFA code), as Salesforce expects.
pub fn password_with_token(password: &SecretString, token: Option<&SecretString>) -> SecretString {
    SecretString::from(format!(
        "{}{}",
        password.expose_secret(),
        token.map(|t| t.expose_secret()).unwrap_or_default()
    ))
}

/// POST a grant to the token endpoint of `host` and check the answer.
pub async fn request_token(
    http: &Http,
    host: &LoginUrl,
    app: &ClientApp,
    grant: Grant<'_>,
) -> Result<TokenResponse> {
    let joined;
    let mut form: Vec<(&str, &str)> = vec![("grant_type", grant.grant_type())];
    match &grant {
        Grant::Password {
            username,
            password,
            security_token,
        } => {
            joined = password_with_token(password, *security_token);
            form.push(("username", username));
            form.push(("password", joined.expose_secret()));
        }
        Grant::RefreshToken { refresh_token } => {
            form.push(("refresh_token", refresh_token.expose_secret()))
        }
        Grant::AuthorizationCode {
            code,
            redirect_uri,
            code_verifier,
        } => {
            form.push(("code", code.expose_secret()));
            form.push(("redirect_uri", redirect_uri));
            if let Some(v) = code_verifier {
                form.push(("code_verifier", v.expose_secret()));
            }
        }
        Grant::Device { device_code } => form.push(("code", device_code.expose_secret())),
        Grant::ClientCredentials => {}
        Grant::JwtBearer { assertion } => form.push(("assertion", assertion.expose_secret())),
    }
    if !matches!(grant, Grant::JwtBearer { .. }) {
        form.push(("client_id", &app.client_id));
        if let Some(secret) = &app.client_secret {
            form.push(("client_secret", secret.expose_secret()));
        }
    }
    form.push(("format", "json"));
    let reply = http
        .send(
            http.client()
                .post(host.endpoint("/services/oauth2/token"))
                .header("Accept", "application/json")
                .form(&form),
        )
        .await?;
    drop(form);
    // Salesforce says "invalid client credentials" for a secret never sent as for a wrong
    // one; this request knows which it was.
    let sent_secret = app.client_secret.is_some() || matches!(grant, Grant::JwtBearer { .. });
    let mut token = parse_token_reply(&reply).map_err(|mut e| {
        if !sent_secret && e.cause == Cause::ClientSecretInvalid {
            e.cause = Cause::ClientSecretMissing;
        }
        e
    })?;
    let instance = check_instance_url(&token.instance_url, host)
        .map_err(|e| SfError::new(Cause::InstanceUrlRejected).with_context(e.to_string()))?;
    if let Some(secret) = &app.client_secret {
        verify_signature(&token, secret)?;
    }
    // What is saved and printed is the instance URL as parsed (an Experience Cloud site keeps
    // its path; anything odd is percent-encoded) and IDs of Salesforce's own shape.
    token.instance_url = super::login_url::normalised(&instance);
    let (org, user) = token.org_and_user().unwrap_or_default();
    super::login_url::check_ids(&org, &user)?;
    Ok(token)
}

/// Turn a token-endpoint reply into a token or a typed error.
pub fn parse_token_reply(reply: &Reply) -> Result<TokenResponse> {
    if reply.is_html() {
        return Err(reply.html_error());
    }
    if reply.status == 200 {
        return serde_json::from_slice(&reply.body).map_err(|e| {
            SfError::new(Cause::MalformedResponse)
                .with_context(format!("token response: {}", e.classify_name()))
        });
    }
    Err(oauth_error(reply))
}

/// The typed error for a non-200 OAuth reply (JSON, or query-string text as revoke may send).
pub fn oauth_error(reply: &Reply) -> SfError {
    if reply.is_html() {
        return reply.html_error();
    }
    if let Ok(body) = serde_json::from_slice::<OAuthErrorBody>(&reply.body) {
        return SfError::from_oauth(Some(reply.status), &body.error, &body.error_description);
    }
    let text = reply.text();
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(text.trim().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let find = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    if let Some(error) = find("error") {
        return SfError::from_oauth(
            Some(reply.status),
            error,
            find("error_description").unwrap_or_default(),
        );
    }
    if reply.status >= 500 {
        return SfError::new(Cause::ServerUnavailable)
            .with_context(format!("HTTP {}", reply.status));
    }
    SfError::new(Cause::MalformedResponse).with_context(format!("HTTP {}", reply.status))
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    /// Describe a JSON error without echoing any of the body (which may hold tokens).
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "could not be read",
            serde_json::error::Category::Syntax => "is not valid JSON",
            serde_json::error::Category::Data => "lacks a required field",
            serde_json::error::Category::Eof => "is truncated",
        }
    }
}

pub(crate) fn json_error(what: &str, e: &serde_json::Error) -> SfError {
    SfError::new(Cause::MalformedResponse).with_context(format!("{what} {}", e.classify_name()))
}

/// The token response's `signature`: base64 HMAC-SHA256 over `id + issued_at`, keyed with the
/// consumer secret. A mismatch means the answer did not come from the org we asked.
pub fn expected_signature(id: &str, issued_at: &str, secret: &SecretString) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.expose_secret().as_bytes());
    let tag = hmac::sign(&key, format!("{id}{issued_at}").as_bytes());
    STANDARD.encode(tag.as_ref())
}

/// Every grant that sends the consumer secret gets a signed answer from Salesforce, so a
/// missing `signature` or `issued_at` fails like a wrong one: the check never fails open.
fn verify_signature(token: &TokenResponse, secret: &SecretString) -> Result<()> {
    let (Some(signature), Some(issued_at)) = (&token.signature, &token.issued_at) else {
        return Err(SfError::new(Cause::MalformedResponse).with_context(
            "the token response is not signed, though Salesforce signs every answer to a request with the consumer secret",
        ));
    };
    let expected = expected_signature(&token.id, issued_at, secret);
    constant_time::verify_slices_are_equal(expected.as_bytes(), signature.as_bytes()).map_err(
        |_| {
            SfError::new(Cause::MalformedResponse)
                .with_context("the token response's signature does not match the consumer secret")
        },
    )
}
