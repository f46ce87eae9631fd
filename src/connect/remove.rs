//! Removing a saved connection, the same from both faces: revoke its token at Salesforce (best
//! effort), delete its settings and secrets together, and the JWT key pair sfconnect made for it.

use std::path::PathBuf;
use std::sync::Arc;

use super::saved::{blocking, open_store};
use crate::profile::{Profile, ProfileError, Profiles, key};
use crate::salesforce::http::request_timeout;
use crate::salesforce::{Http, LoginUrl, rest};

/// What happened to the token at Salesforce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revocation {
    Revoked,
    /// Not asked for (`--no-revoke`).
    Skipped,
    /// A password login has no OAuth token to revoke.
    NoToken,
    /// Salesforce answered that the token was no longer valid: nothing left to revoke.
    AlreadyInvalid,
    /// The org could not be asked, or refused: the token stays valid until it expires.
    Failed(String),
}

/// What a removal did.
#[derive(Debug)]
pub struct Removal {
    pub revocation: Revocation,
    /// The key pair sfconnect made for this connection, deleted with it.
    pub key_pair: Option<(PathBuf, PathBuf)>,
}

pub async fn remove(
    profiles: &Arc<Profiles>,
    name: &str,
    revoke: bool,
) -> Result<Removal, ProfileError> {
    let profile = profiles.get(name)?;
    let store = open_store(profiles, profile.store).await?;
    let revocation = if revoke {
        let secrets = {
            let (store, entry) = (store.clone(), profile.secrets.clone());
            blocking(move || Ok(store.load(&entry)?))
                .await
                .ok()
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
                Ok(()) => Revocation::Revoked,
                Err(e) if e.wire.as_ref().is_some_and(|w| w.code == "invalid_token") => {
                    Revocation::AlreadyInvalid
                }
                Err(e) => Revocation::Failed(e.to_string()),
            },
            (None, ..) => Revocation::NoToken,
            (_, Err(e), _) => Revocation::Failed(e.to_string()),
            (_, _, Err(e)) => Revocation::Failed(e.to_string()),
        }
    } else {
        Revocation::Skipped
    };
    let removed = {
        let (profiles, store, name) = (profiles.clone(), store.clone(), name.to_string());
        blocking(move || profiles.remove(&name, store.as_ref())).await?
    };
    let key_pair = remove_key_pair(profiles, &removed);
    Ok(Removal {
        revocation,
        key_pair,
    })
}

/// Delete the key pair sfconnect made for `removed` (in the config dir's `keys/`), unless
/// another connection still uses that key. A key file the user brought is never touched.
fn remove_key_pair(profiles: &Profiles, removed: &Profile) -> Option<(PathBuf, PathBuf)> {
    let key_file = removed.key_file.as_ref()?;
    let keys = profiles.dir().join("keys");
    if key_file.parent() != Some(keys.as_path()) {
        return None;
    }
    let in_use = profiles.config().ok().is_some_and(|c| {
        c.connections
            .values()
            .any(|p| p.key_file.as_ref() == Some(key_file))
    });
    if in_use {
        return None;
    }
    let crt = key_file.with_extension("crt");
    std::fs::remove_file(key_file).ok()?;
    let _ = std::fs::remove_file(&crt);
    Some((key_file.clone(), crt))
}
