//! The service both faces share: open a saved connection, log in, confirm or refresh a token,
//! run and record checks, save through the staged swap, browser and device logins. It returns
//! typed results and progress events; it never prints, prompts or decides exit codes.

pub mod browser;
pub mod health;
pub mod interactive;
pub mod place;
pub mod save;
pub mod saved;
pub mod signals;
pub mod token;
pub mod web_login;

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
