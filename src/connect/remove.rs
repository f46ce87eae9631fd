//! Removing a saved connection, the same from both faces: revoke its token at Salesforce (best
//! effort), delete its settings and secrets together, and the JWT key pair sfconnect made for it.
//! An entry the config file cannot read can be removed too; secrets that cannot be deleted now
//! stay journalled, and are deleted the next time their store opens.

use std::path::PathBuf;
use std::sync::Arc;

use super::saved::{blocking, open_store};
use crate::profile::{Profile, ProfileError, Profiles, SecretBundle, StoreKind, key};
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
    /// Secrets that could not be deleted now: the store they are in, and why. They stay
    /// journalled in the config file, and the next run that opens that store deletes them.
    pub secrets_left: Option<(StoreKind, SecretsLeft)>,
}

/// Why a removal's secrets are still in their store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretsLeft {
    /// The store could not be opened.
    Unopenable,
    /// The store was open and did not delete them.
    NotDeleted(crate::profile::store::StorePlace),
}

/// Why a removal did not start.
#[derive(Debug, thiserror::Error)]
pub enum RemoveError {
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// Revoking was asked for, and the secrets holding the token cannot be opened: removing
    /// now would leave that token valid with no way to revoke it from here.
    #[error(
        "'{name}' was not removed: its secrets cannot be opened to revoke its token ({}).\nRestore what the secrets need (the key file, the passphrase, the keyring) and remove it again; or remove it now with --no-revoke: its secrets are then deleted the next time sfconnect opens that store, and its token stays valid until it expires or an admin revokes it (Setup > Connected Apps OAuth Usage)",
        first_line(source)
    )]
    CannotRevoke { name: String, source: ProfileError },
}

/// What a connection's entry says, read whole or, for an entry the config cannot parse, as
/// far as it can be read.
struct Entry {
    store: Option<StoreKind>,
    secrets: Option<String>,
    login_url: Option<String>,
    profile: Option<Profile>,
}

fn entry(profiles: &Profiles, name: &str) -> Result<Entry, ProfileError> {
    let config = profiles.config()?;
    if let Some(p) = config.connections.get(name) {
        return Ok(Entry {
            store: Some(p.store),
            secrets: Some(p.secrets.clone()),
            login_url: Some(p.login_url.clone()),
            profile: Some(p.clone()),
        });
    }
    let broken = config
        .broken
        .iter()
        .find(|b| b.name == name)
        .ok_or_else(|| ProfileError::NotFound(name.to_string()))?;
    let secrets = broken.secrets();
    Ok(Entry {
        store: secrets.as_ref().map(|s| s.store),
        secrets: secrets.map(|s| s.entry),
        login_url: broken.field("login_url").map(str::to_string),
        profile: None,
    })
}

pub async fn remove(
    profiles: &Arc<Profiles>,
    name: &str,
    revoke: bool,
) -> Result<Removal, RemoveError> {
    let entry = entry(profiles, name)?;
    let (usable, unopened) = match entry.store {
        Some(kind) => match open_store(profiles, kind).await {
            Ok(store) => (Some(store), None),
            Err(e) => (None, Some(e)),
        },
        None => (None, None),
    };
    let cannot_revoke = |source| RemoveError::CannotRevoke {
        name: name.to_string(),
        source,
    };
    // The secrets, when revoking needs them (None when there are none to read).
    let secrets = match (&usable, &entry.secrets, unopened) {
        _ if !revoke => None,
        (_, _, Some(e)) => return Err(cannot_revoke(e)),
        (Some(store), Some(id), None) => {
            let (store, id) = (store.clone(), id.clone());
            blocking(move || Ok(store.load(&id)?))
                .await
                .map_err(cannot_revoke)?
        }
        _ => None,
    };
    let revocation = if revoke {
        revoke_token(secrets.as_ref(), entry.login_url.as_deref()).await
    } else {
        Revocation::Skipped
    };
    let (removed, left) = {
        let (profiles, name, usable) = (profiles.clone(), name.to_string(), usable.clone());
        blocking(move || profiles.remove_entry(&name, usable.as_deref())).await?
    };
    let secrets_left = left.map(|u| {
        let why = match &usable {
            None => SecretsLeft::Unopenable,
            Some(s) => SecretsLeft::NotDeleted(s.place()),
        };
        (u.store, why)
    });
    let key_pair = removed
        .as_ref()
        .or(entry.profile.as_ref())
        .and_then(|p| remove_key_pair(profiles, p));
    Ok(Removal {
        revocation,
        key_pair,
        secrets_left,
    })
}

/// A store's error says what happened on its first line, what to do on the next.
fn first_line(e: &ProfileError) -> String {
    e.to_string().lines().next().unwrap_or_default().to_string()
}

/// Revoke the connection's refresh token (else its cached access token) at its login host.
pub(super) async fn revoke_token(
    secrets: Option<&SecretBundle>,
    login_url: Option<&str>,
) -> Revocation {
    let token = secrets.and_then(|s| {
        s.get(key::REFRESH_TOKEN)
            .or(s.get(key::ACCESS_TOKEN))
            .cloned()
    });
    let Some(token) = token else {
        return Revocation::NoToken;
    };
    let host = match LoginUrl::parse(login_url.unwrap_or_default()) {
        Ok(host) => host,
        Err(e) => return Revocation::Failed(e.to_string()),
    };
    let http = match Http::new(request_timeout()) {
        Ok(http) => http,
        Err(e) => return Revocation::Failed(e.to_string()),
    };
    match rest::revoke(&http, &host, &token).await {
        Ok(()) => Revocation::Revoked,
        Err(e) if e.wire.as_ref().is_some_and(|w| w.code == "invalid_token") => {
            Revocation::AlreadyInvalid
        }
        Err(e) => Revocation::Failed(e.to_string()),
    }
}

/// Delete the key pair sfconnect made for `removed` (in the config dir's `keys/`), unless
/// another connection still uses that key. A key file the user brought is never touched.
fn remove_key_pair(profiles: &Profiles, removed: &Profile) -> Option<(PathBuf, PathBuf)> {
    let key_file = removed.key_file.clone()?;
    let deleted = super::app_keys::delete_unused(profiles, std::slice::from_ref(&key_file));
    deleted
        .into_iter()
        .next()
        .map(|key| (key.clone(), key.with_extension("crt")))
}
