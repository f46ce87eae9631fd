//! A saved connection loaded for re-authentication: its settings, its current secrets, and what
//! is known to be wrong with it.

use std::path::PathBuf;
use std::sync::Arc;

use super::health::health;
use super::open_in;
use crate::profile::{Draft, Flow, ProfileError, Profiles, SecretBundle, StoreKind};
use crate::salesforce::LoginUrl;
use crate::salesforce::login_url::LoginUrlError;

/// A saved connection as re-authentication starts from it: its settings and current secrets
/// (kept unless the user types a replacement), and what is known to be wrong.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub name: String,
    /// The secrets entry it held when loaded: the save replaces only that.
    pub entry: String,
    pub draft: Draft,
    pub store: StoreKind,
    /// What is known to be wrong (a failed test, an expired or expiring password), if anything.
    pub problem: Option<String>,
    /// For methods with a password, when it was last changed.
    pub password_age_days: Option<u64>,
    /// Why the saved secrets could not be opened, in the face's words (then none are kept: the
    /// form asks for all).
    pub secrets_problem: Option<String>,
    /// For JWT bearer, the certificate beside the key in use (`None`: none kept beside it).
    pub certificate: Option<(PathBuf, Option<crate::profile::jwt_key::Validity>)>,
    /// Days until that certificate expires (negative: it has), where it is known.
    pub certificate_days_left: Option<i64>,
    /// For JWT bearer, new pairs made for its app that have not passed a test (newest first):
    /// once one's certificate is uploaded, the key in use stops working.
    pub pending: Vec<crate::profile::PendingCertificate>,
}

/// Why a saved connection could not be loaded at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error(transparent)]
    LoginUrl(#[from] LoginUrlError),
}

/// A saved connection as re-authentication starts from it, and why its secrets could not be
/// opened, if they could not (then none are kept: the form asks for every value).
pub async fn load(
    profiles: &Arc<Profiles>,
    name: &str,
) -> Result<(Loaded, Option<ProfileError>), LoadError> {
    let profile = profiles.get(name)?;
    let pending = super::app_keys::AppRef::of(&profile)
        .map(|app| {
            let noted = profiles.config().map(|c| c.pending_certificates);
            super::app_keys::pending_on_app(
                &noted.unwrap_or_default(),
                &app,
                profile.key_file.as_deref(),
            )
        })
        .unwrap_or_default();
    let login_url = LoginUrl::parse(&profile.login_url)?;
    let secrets = open_in(profiles.clone(), name)
        .await
        .map(|saved| saved.secrets);
    let now = crate::clock::now();
    let (health, summary) = health(&profile, now);
    let password_age_days = profile
        .password_changed_at
        .filter(|_| matches!(profile.flow, Flow::Soap | Flow::Password))
        .and_then(|t| now.duration_since(t).ok())
        .map(|d| d.as_secs() / 86_400);
    let certificate = profile
        .key_file
        .as_deref()
        .filter(|_| profile.flow == Flow::Jwt)
        .and_then(crate::profile::jwt_key::certificate_for)
        .map(|crt| {
            let valid = std::fs::read_to_string(&crt)
                .ok()
                .and_then(|pem| crate::profile::jwt_key::validity(&pem));
            (crt, valid)
        });
    let (secrets, secrets_error) = match secrets {
        Ok(s) => (s, None),
        Err(e) => (SecretBundle::default(), Some(e)),
    };
    let loaded = Loaded {
        name: name.to_string(),
        entry: profile.secrets.clone(),
        draft: Draft::of(&profile, login_url, secrets),
        store: profile.store,
        problem: health.alarming().then_some(summary),
        password_age_days,
        secrets_problem: None,
        certificate_days_left: super::health::certificate_expires_in_days(&profile, now),
        certificate,
        pending,
    };
    Ok((loaded, secrets_error))
}
