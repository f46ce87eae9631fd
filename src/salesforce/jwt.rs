//! JWT bearer assertions: RS256 over `iss`, `sub`, `aud`, `exp`, signed with the app's key.

use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::error::{Cause, Result, SfError};

/// Salesforce asks for an expiry within three minutes.
pub const ASSERTION_LIFETIME_SECS: u64 = 180;

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub exp: u64,
}

/// Sign an assertion for `username` with the PEM private key (PKCS#1 or PKCS#8).
pub fn assertion(
    client_id: &str,
    username: &str,
    audience: &str,
    private_key_pem: &SecretString,
) -> Result<SecretString> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let claims = Claims {
        iss: client_id.to_string(),
        sub: username.to_string(),
        aud: audience.to_string(),
        exp: now + ASSERTION_LIFETIME_SECS,
    };
    let key = EncodingKey::from_rsa_pem(private_key_pem.expose_secret().as_bytes())
        .map_err(|_| SfError::new(Cause::InvalidKey))?;
    let token = jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &key)
        .map_err(|_| SfError::new(Cause::InvalidKey))?;
    Ok(SecretString::from(token))
}
