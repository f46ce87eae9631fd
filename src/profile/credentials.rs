//! Turn a saved connection and its secrets into the protocol client's credentials.

use secrecy::SecretString;

use super::{Flow, Profile, SecretBundle, key};
use crate::salesforce::oauth::ClientApp;
use crate::salesforce::{Cause, Credentials, SfError};

/// Credentials for a non-interactive login with a saved connection. Browser and device
/// connections log in again with their refresh token.
pub fn credentials_for(profile: &Profile, secrets: &SecretBundle) -> Result<Credentials, SfError> {
    let get = |name: &str| secrets.get(name).cloned();
    let app = || ClientApp {
        client_id: profile.client_id.clone().unwrap_or_default(),
        client_secret: get(key::CLIENT_SECRET),
    };
    let username = || profile.username.clone().unwrap_or_default();
    let empty = || SecretString::from("");
    Ok(match profile.flow {
        Flow::Soap => Credentials::Soap {
            username: username(),
            password: get(key::PASSWORD).unwrap_or_else(empty),
            security_token: get(key::SECURITY_TOKEN),
        },
        Flow::Password => Credentials::Password {
            app: app(),
            username: username(),
            password: get(key::PASSWORD).unwrap_or_else(empty),
            security_token: get(key::SECURITY_TOKEN),
        },
        Flow::ClientCredentials => Credentials::ClientCredentials { app: app() },
        Flow::RefreshToken | Flow::Web | Flow::Device => Credentials::RefreshToken {
            app: app(),
            refresh_token: get(key::REFRESH_TOKEN).ok_or_else(|| {
                SfError::new(Cause::RefreshTokenExpired).with_context("no refresh token is saved")
            })?,
        },
        Flow::Jwt => {
            let pem = match get(key::PRIVATE_KEY) {
                Some(pem) => pem,
                None => {
                    let path = profile.key_file.clone().unwrap_or_default();
                    let text = std::fs::read_to_string(&path).map_err(|e| {
                        SfError::new(Cause::KeyFileUnreadable)
                            .with_context(format!("cannot read {}: {e}", path.display()))
                    })?;
                    SecretString::from(text)
                }
            };
            Credentials::Jwt {
                client_id: profile.client_id.clone().unwrap_or_default(),
                username: username(),
                private_key_pem: pem,
                sandbox: profile.sandbox,
            }
        }
    })
}

/// Whether a connection's logins rest on a refresh token.
pub fn uses_refresh_token(flow: Flow) -> bool {
    matches!(flow, Flow::RefreshToken | Flow::Web | Flow::Device)
}
