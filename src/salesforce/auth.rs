//! One entry point for the non-interactive methods, and one result shape for every method.

use secrecy::SecretString;

use super::error::Result;
use super::http::Http;
use super::login_url::LoginUrl;
use super::oauth::{ClientApp, Grant, TokenResponse, request_token};
use super::rest::Session;
use super::{jwt, soap};

/// What a saved connection authenticates with. Browser and device logins are interactive; they
/// end in a token response that `Authenticated::from_token` turns into the same result.
pub enum Credentials {
    /// Username + password + security token through SOAP login().
    Soap {
        username: String,
        password: SecretString,
        security_token: Option<SecretString>,
    },
    /// The OAuth username-password flow with a connected app.
    Password {
        app: ClientApp,
        username: String,
        password: SecretString,
        security_token: Option<SecretString>,
    },
    /// A refresh token obtained earlier (browser, device, or imported).
    RefreshToken {
        app: ClientApp,
        refresh_token: SecretString,
    },
    /// Client credentials with the app's Run As user (My Domain only).
    ClientCredentials { app: ClientApp },
    /// JWT bearer with the private key whose certificate is uploaded to the app.
    Jwt {
        client_id: String,
        username: String,
        private_key_pem: SecretString,
        sandbox: bool,
    },
}

/// A working session plus what the login told us about the user and org.
#[derive(Debug)]
pub struct Authenticated {
    pub session: Session,
    /// The identity URL (`/id/{org}/{user}` on the login host); SOAP logins have none.
    pub identity_url: Option<String>,
    pub org_id: String,
    pub user_id: String,
    /// Known after SOAP login; after OAuth, ask the identity URL.
    pub username: Option<String>,
    /// A new refresh token (browser or device login, or a rotated one): persist it at once.
    pub refresh_token: Option<SecretString>,
    pub password_expired: bool,
    pub sandbox: Option<bool>,
    pub issued_at_ms: Option<u64>,
    /// How long the session stays valid, when the login said (SOAP does).
    pub session_seconds: Option<u64>,
}

impl Authenticated {
    /// `login` is the host the token came from: the identity URL it names gets the token
    /// only when it is that host, the instance, or (https) Salesforce's; otherwise identity is
    /// asked of the instance's userinfo endpoint instead.
    pub fn from_token(http: &Http, token: TokenResponse, login: &LoginUrl) -> Self {
        let (org_id, user_id) = token.org_and_user().unwrap_or_default();
        let issued_at_ms = token.issued_at_ms();
        let identity_url = if super::login_url::token_may_go_to(
            &token.id,
            login,
            &token.instance_url,
        ) {
            Some(token.id)
        } else {
            tracing::warn!(
                "the token response's identity URL is not a Salesforce or login host; not sending it the token"
            );
            None
        };
        Self {
            session: Session::new(http.clone(), &token.instance_url, token.access_token),
            identity_url,
            org_id,
            user_id,
            username: None,
            refresh_token: token.refresh_token,
            password_expired: false,
            sandbox: None,
            issued_at_ms,
            session_seconds: None,
        }
    }

    fn from_soap(http: &Http, login: soap::SoapLogin) -> Self {
        Self {
            session: Session::new(http.clone(), &login.instance_url, login.session_id),
            identity_url: None,
            org_id: login.org_id,
            user_id: login.user_id,
            username: Some(login.username),
            refresh_token: None,
            password_expired: login.password_expired,
            sandbox: Some(login.sandbox),
            issued_at_ms: None,
            session_seconds: login.session_seconds_valid,
        }
    }
}

/// Log in with non-interactive credentials.
pub async fn authenticate(
    http: &Http,
    host: &LoginUrl,
    creds: &Credentials,
) -> Result<Authenticated> {
    let token = match creds {
        Credentials::Soap {
            username,
            password,
            security_token,
        } => {
            let login =
                soap::login(http, host, username, password, security_token.as_ref()).await?;
            return Ok(Authenticated::from_soap(http, login));
        }
        Credentials::Password {
            app,
            username,
            password,
            security_token,
        } => {
            let grant = Grant::Password {
                username,
                password,
                security_token: security_token.as_ref(),
            };
            request_token(http, host, app, grant).await?
        }
        Credentials::RefreshToken { app, refresh_token } => {
            request_token(http, host, app, Grant::RefreshToken { refresh_token }).await?
        }
        Credentials::ClientCredentials { app } => {
            request_token(http, host, app, Grant::ClientCredentials).await?
        }
        Credentials::Jwt {
            client_id,
            username,
            private_key_pem,
            sandbox,
        } => {
            let assertion = jwt::assertion(
                client_id,
                username,
                &host.jwt_audience(*sandbox),
                private_key_pem,
            )?;
            let app = ClientApp {
                client_id: client_id.clone(),
                client_secret: None,
            };
            request_token(
                http,
                host,
                &app,
                Grant::JwtBearer {
                    assertion: &assertion,
                },
            )
            .await?
        }
    };
    Ok(Authenticated::from_token(http, token, host))
}
