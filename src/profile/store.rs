//! Secret stores behind one trait: the OS keyring, or an encrypted file. Each saved connection's
//! secrets are one bundle (password, token, client secret, refresh token, …) under one entry.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::zeroize::Zeroizing;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

/// Where a connection's secrets live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum StoreKind {
    /// The OS credential store (Keychain, Credential Manager, Secret Service).
    Keyring,
    /// An encrypted file in the config dir (age), keyed by a key file or a passphrase.
    File,
}

impl StoreKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StoreKind::Keyring => "keyring",
            StoreKind::File => "file",
        }
    }
}

/// Names of the secrets a bundle may hold.
pub mod key {
    pub const PASSWORD: &str = "password";
    pub const SECURITY_TOKEN: &str = "security_token";
    pub const CLIENT_SECRET: &str = "client_secret";
    pub const REFRESH_TOKEN: &str = "refresh_token";
    pub const PRIVATE_KEY: &str = "private_key";
    pub const ACCESS_TOKEN: &str = "access_token";
}

/// One connection's secrets. `Debug` shows only the names.
#[derive(Default, Clone)]
pub struct SecretBundle {
    secrets: BTreeMap<String, SecretString>,
}

impl fmt::Debug for SecretBundle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.secrets.keys()).finish()
    }
}

impl SecretBundle {
    pub fn get(&self, name: &str) -> Option<&SecretString> {
        self.secrets.get(name)
    }

    pub fn set(&mut self, name: &str, value: SecretString) {
        self.secrets.insert(name.to_string(), value);
    }

    pub fn with(mut self, name: &str, value: Option<SecretString>) -> Self {
        if let Some(v) = value {
            self.set(name, v);
        }
        self
    }

    pub fn remove(&mut self, name: &str) {
        self.secrets.remove(name);
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.secrets.keys().map(String::as_str)
    }

    /// Serialised for storage; the text is wiped when dropped.
    pub fn to_json(&self) -> Zeroizing<String> {
        let plain: BTreeMap<&str, &str> = self
            .secrets
            .iter()
            .map(|(k, v)| (k.as_str(), v.expose_secret()))
            .collect();
        Zeroizing::new(serde_json::to_string(&plain).unwrap_or_default())
    }

    pub fn from_json(text: &str) -> Option<Self> {
        let secrets: BTreeMap<String, SecretString> = serde_json::from_str(text).ok()?;
        Some(Self { secrets })
    }
}

/// What went wrong in a secret store; every message says what to do and never holds a secret.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "the OS keyring is not available here: {reason}.\nChoose the encrypted file store instead: add --store file (or set SFCONNECT_STORE=file); secrets then go to an encrypted file in the config dir, readable by unattended jobs of this user."
    )]
    KeyringUnavailable { reason: String },
    #[error(
        "the OS keyring did not answer within {} seconds; it may be locked and waiting for a password prompt nobody can see (common over SSH).\nUnlock the keyring, or use the encrypted file store: --store file (or SFCONNECT_STORE=file).",
        .0.as_secs()
    )]
    KeyringTimeout(Duration),
    #[error("the OS keyring refused the request: {0}. Unlock it, or use --store file.")]
    KeyringFailed(String),
    #[error(
        "the keyring item '{0}' is not in sfconnect's format; re-authenticate the connection to replace it"
    )]
    KeyringItemCorrupt(String),
    #[error(
        "the passphrase does not open {path}; nothing was changed. Check SFCONNECT_PASSPHRASE or type it again."
    )]
    WrongPassphrase { path: PathBuf },
    #[error(
        "{path} is encrypted with a passphrase: set SFCONNECT_PASSPHRASE, or run sfconnect on a terminal to be asked for it"
    )]
    PassphraseNeeded { path: PathBuf },
    #[error(
        "the key file {key} is missing, so {secrets} cannot be opened; nothing was changed.\nRestore the key file from a backup; without it the saved secrets are lost and each connection must be re-authenticated after moving {secrets} aside."
    )]
    KeyFileMissing { key: PathBuf, secrets: PathBuf },
    #[error(
        "the key file {0} is not an age identity (it should hold one line starting AGE-SECRET-KEY-); restore it from a backup"
    )]
    KeyFileInvalid(PathBuf),
    #[error(
        "the key file {0} does not open the secrets file; it belongs to another secrets file. Restore the matching key file"
    )]
    KeyFileMismatch(PathBuf),
    #[error(
        "{0} is damaged and cannot be decrypted; restore it from a backup or move it aside and re-authenticate"
    )]
    SecretsFileCorrupt(PathBuf),
    #[error("cannot {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Where a store keeps its secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorePlace {
    /// The OS keyring, by the platform's name for it ("Secret Service", "macOS Keychain", …).
    Keyring { backend: &'static str },
    /// The encrypted file, opened by the key file beside it, or by a passphrase (`None`).
    File {
        path: std::path::PathBuf,
        key_file: Option<std::path::PathBuf>,
    },
}

/// A place to keep secret bundles. Calls block; callers on an async runtime use `spawn_blocking`.
pub trait SecretStore: Send + Sync {
    fn kind(&self) -> StoreKind;
    /// Where the secrets are (each face puts it in its own words).
    fn place(&self) -> StorePlace;
    fn load(&self, entry: &str) -> Result<Option<SecretBundle>, StoreError>;
    fn save(&self, entry: &str, bundle: &SecretBundle) -> Result<(), StoreError>;
    /// Delete an entry; deleting a missing entry is not an error.
    fn delete(&self, entry: &str) -> Result<(), StoreError>;
    /// Every entry at once, where the store keeps them together (the file store: one read and
    /// one decryption for a whole fleet). None: this store is asked entry by entry.
    fn load_all(
        &self,
    ) -> Option<Result<std::collections::BTreeMap<String, SecretBundle>, StoreError>> {
        None
    }
    /// Save several entries; a store that keeps them together writes (and encrypts) once.
    fn save_many(&self, entries: &[(String, SecretBundle)]) -> Result<(), StoreError> {
        entries
            .iter()
            .try_for_each(|(entry, bundle)| self.save(entry, bundle))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundle_round_trips_and_debug_hides_values() {
        let bundle = SecretBundle::default()
            .with(
                key::PASSWORD,
                Some(SecretString::from(r#"p&<>"'%+ /\{}[]é"#)),
            )
            .with(key::SECURITY_TOKEN, None);
        let json = bundle.to_json();
        let back = SecretBundle::from_json(&json).unwrap();
        assert_eq!(
            back.get(key::PASSWORD).unwrap().expose_secret(),
            r#"p&<>"'%+ /\{}[]é"#
        );
        assert!(back.get(key::SECURITY_TOKEN).is_none());
        assert_eq!(format!("{back:?}"), "{\"password\"}");
    }
}
