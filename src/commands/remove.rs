//! `sfconnect remove NAME [--no-revoke]`: revoke tokens (best effort), then delete the
//! connection's settings and secrets together.

use std::process::ExitCode;
use std::sync::Arc;

use super::{profile_failure, profiles};
use crate::cli::Global;
use crate::profile::{ProfileError, SecretStore, key};
use crate::salesforce::http::request_timeout;
use crate::salesforce::{Http, LoginUrl, rest};

pub async fn run(global: &Global, name: &str, no_revoke: bool) -> ExitCode {
    let profiles = match profiles(global) {
        Ok(p) => Arc::new(p),
        Err(code) => return code,
    };
    let profile = match profiles.get(name) {
        Ok(p) => p,
        Err(e) => return profile_failure(&e),
    };
    let store: Arc<dyn SecretStore> = {
        let (profiles, kind) = (profiles.clone(), profile.store);
        match tokio::task::spawn_blocking(move || profiles.open_store(kind)).await {
            Ok(Ok(s)) => Arc::from(s),
            Ok(Err(e)) => return profile_failure(&e.into()),
            Err(e) => return super::fail(super::EXIT_FAILED, e),
        }
    };
    if !no_revoke {
        let secrets = {
            let (store, entry) = (store.clone(), profile.secrets.clone());
            tokio::task::spawn_blocking(move || store.load(&entry))
                .await
                .ok()
                .and_then(Result::ok)
                .flatten()
        };
        let token = secrets.and_then(|s| {
            s.get(key::REFRESH_TOKEN)
                .or(s.get(key::ACCESS_TOKEN))
                .cloned()
        });
        match (
            token,
            LoginUrl::parse(&profile.login_url),
            Http::new(request_timeout()),
        ) {
            (Some(token), Ok(host), Ok(http)) => match rest::revoke(&http, &host, &token).await {
                Ok(()) => say!("Revoked the connection's token at Salesforce."),
                Err(e) => say!(
                    "Could not revoke the token at Salesforce ({e}); it stays valid until it expires or an admin revokes it."
                ),
            },
            (None, ..) => {
                say!("No OAuth token to revoke (this connection logs in with a password).")
            }
            _ => say!("Could not revoke the token: the saved login URL is not usable."),
        }
    }
    let removed = {
        let (profiles, store, name) = (profiles.clone(), store.clone(), name.to_string());
        tokio::task::spawn_blocking(move || profiles.remove(&name, store.as_ref()))
            .await
            .unwrap_or_else(|e| {
                Err(ProfileError::Store(
                    crate::profile::StoreError::KeyringFailed(e.to_string()),
                ))
            })
    };
    match removed {
        Ok(_) => {
            out!("Removed connection '{name}' and its secrets.");
            ExitCode::SUCCESS
        }
        Err(e) => profile_failure(&e),
    }
}
