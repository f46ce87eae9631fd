//! The service both faces share: open a saved connection, log in, confirm or refresh a token,
//! run and record checks, save through the staged swap, browser and device logins. It returns
//! typed results and progress events; it never prints, prompts or decides exit codes.

pub mod advisories;
pub mod app_keys;
pub mod assist;
pub mod audit;
pub mod browser;
pub mod clipboard;
pub mod fleet;
pub mod health;
pub mod interactive;
pub mod place;
pub mod reauth;
pub mod remove;
pub mod same_user;
pub mod save;
pub mod saved;
pub mod signals;
pub mod token;
pub mod web_login;

use std::path::PathBuf;

use secrecy::SecretString;

use crate::profile::ProfileError;
use crate::salesforce::SfError;

pub use saved::{Saved, blocking, open_in, open_store, target};

/// Environment variables that may carry secrets into sfconnect; never passed on to children.
pub const SECRET_ENV: &[&str] = &[
    "SFCONNECT_PASSWORD",
    "SFCONNECT_SECURITY_TOKEN",
    "SFCONNECT_CLIENT_SECRET",
    "SFCONNECT_REFRESH_TOKEN",
    "SFCONNECT_PASSPHRASE",
];

/// The config dir to work in: the one given (`--config-dir`, SFCONNECT_CONFIG_DIR), else the
/// platform's.
pub fn config_dir(explicit: Option<PathBuf>) -> Option<PathBuf> {
    explicit.or_else(crate::profile::default_config_dir)
}

pub const NO_CONFIG_DIR: &str = "cannot find a config directory for this user; pass --config-dir DIR or set SFCONNECT_CONFIG_DIR";

/// The secrets file's passphrase from SFCONNECT_PASSPHRASE, or from the file that
/// SFCONNECT_PASSPHRASE_FILE names (its last newline dropped), when set.
pub fn env_passphrase() -> Option<SecretString> {
    let direct = std::env::var("SFCONNECT_PASSPHRASE")
        .ok()
        .filter(|p| !p.is_empty());
    let from_file = || {
        let path = std::env::var_os("SFCONNECT_PASSPHRASE_FILE").filter(|p| !p.is_empty())?;
        let text = secrecy::zeroize::Zeroizing::new(std::fs::read_to_string(path).ok()?);
        Some(text.trim_end_matches(['\r', '\n']).to_string()).filter(|p| !p.is_empty())
    };
    direct.or_else(from_file).map(SecretString::from)
}

/// What a service call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error(transparent)]
    Salesforce(#[from] SfError),
    #[error(
        "'{0}' was re-authenticated by another sfconnect while this ran, twice over; run the command again"
    )]
    Superseded(String),
}
