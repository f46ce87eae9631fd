//! Where a rotated refresh token goes when its own store cannot take it. Salesforce revokes the
//! old token the moment it hands out a new one, so a new token that is not kept is a lost
//! connection. It is kept, encrypted as the file store is (a key file beside it, or the
//! passphrase), in the first of two places that can be written: `rescue/NAME` in the config dir,
//! else the platform's state dir (`…/sfconnect/rescue/<config dir's digest>/NAME`), so that a
//! read-only or full config dir does not lose it. The next run that opens the connection saves
//! it into the store and deletes the rescue.

use std::path::{Path, PathBuf};

use secrecy::SecretString;

use super::file_store::{FileStore, SECRETS_FILE, Unlock};
use super::fsutil;
use super::store::{SecretBundle, SecretStore, StoreError};

/// The one entry a rescue holds; the connection's own entry id is kept beside the secrets.
const ENTRY: &str = "rescued";
/// The secrets entry the rescued values belong to (a re-authentication since makes them stale).
pub const FOR_ENTRY: &str = "for_entry";

/// The places a rescue of connection `name` may be, first choice first.
pub fn places(config_dir: &Path, name: &str) -> Vec<PathBuf> {
    let mut places = vec![config_dir.join("rescue").join(name)];
    if let Some(dirs) = directories::ProjectDirs::from("", "", "sfconnect") {
        let state = dirs.state_dir().unwrap_or_else(|| dirs.data_local_dir());
        let digest = aws_lc_rs::digest::digest(
            &aws_lc_rs::digest::SHA256,
            config_dir.as_os_str().as_encoded_bytes(),
        );
        let short: String = digest.as_ref()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        places.push(state.join("rescue").join(short).join(name));
    }
    places
}

/// The rescue waiting for connection `name`, if there is one (a stat per place, nothing read).
pub fn pending(config_dir: &Path, name: &str) -> Option<PathBuf> {
    places(config_dir, name)
        .into_iter()
        .find(|p| p.join(SECRETS_FILE).exists())
}

fn unlock(passphrase: Option<SecretString>) -> Unlock {
    passphrase.map_or(Unlock::KeyFile, Unlock::Passphrase)
}

/// Keep `bundle` (what a login rotated, for secrets entry `entry`) in the first place that can
/// take it; where it went, or why no place could.
pub fn keep(
    config_dir: &Path,
    name: &str,
    entry: &str,
    bundle: &SecretBundle,
    passphrase: Option<SecretString>,
) -> Result<PathBuf, StoreError> {
    let mut bundle = bundle.clone();
    bundle.set(FOR_ENTRY, SecretString::from(entry));
    let mut last = None;
    for place in places(config_dir, name) {
        let saved = fsutil::private_dir(&place)
            .map_err(|source| StoreError::Io {
                action: "create",
                path: place.clone(),
                source,
            })
            .and_then(|()| FileStore::new(&place, unlock(passphrase.clone())).save(ENTRY, &bundle));
        match saved {
            Ok(()) => {
                tracing::warn!(
                    "kept a rotated refresh token of '{name}' in {}",
                    place.display()
                );
                return Ok(place);
            }
            Err(e) => {
                // Nothing half-made stays behind to be taken for a rescue.
                let _ = std::fs::remove_dir_all(&place);
                last = Some(e);
            }
        }
    }
    Err(last.unwrap_or_else(|| StoreError::Io {
        action: "find",
        path: config_dir.join("rescue"),
        source: std::io::Error::other("no place to keep it"),
    }))
}

/// What the rescue at `place` holds: the secrets, with the entry they belong to under
/// `FOR_ENTRY`.
pub fn read(place: &Path, passphrase: Option<SecretString>) -> Result<SecretBundle, StoreError> {
    FileStore::new(place, unlock(passphrase))
        .load(ENTRY)
        .map(Option::unwrap_or_default)
}

/// Delete the rescue at `place` (once its token is saved, or stale).
pub fn discard(place: &Path) {
    if let Err(e) = std::fs::remove_dir_all(place) {
        tracing::warn!("cannot delete the rescue {}: {e}", place.display());
    }
}
