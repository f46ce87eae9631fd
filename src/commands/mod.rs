//! The scriptable commands: plain output, documented exit codes, never raw mode.

pub mod device_login;
pub mod list;
pub mod login;
pub mod remove;
pub mod saved;
pub mod sim;
pub mod status;
pub mod test;
pub mod token;
pub mod web_login;
pub mod whereami;
pub mod wizard;

use std::io::IsTerminal;
use std::process::ExitCode;

use secrecy::SecretString;

use crate::cli::Global;
use crate::profile::{self, ProfileError, Profiles, StoreError};
use crate::salesforce::SfError;

/// Exit codes shared by the commands (see cli-contract.md).
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

pub fn fail(code: u8, message: impl std::fmt::Display) -> ExitCode {
    eprintln!("sfconnect: {message}");
    ExitCode::from(code)
}

/// The saved connections this invocation works on.
pub fn profiles(global: &Global) -> Result<Profiles, ExitCode> {
    let dir = match global
        .config_dir
        .clone()
        .or_else(profile::default_config_dir)
    {
        Some(d) => d,
        None => {
            return Err(fail(
                EXIT_USAGE,
                "cannot find a config directory for this user; pass --config-dir DIR or set SFCONNECT_CONFIG_DIR",
            ));
        }
    };
    let passphrase = std::env::var("SFCONNECT_PASSPHRASE")
        .ok()
        .filter(|p| !p.is_empty())
        .map(SecretString::from);
    Ok(Profiles::new(dir)
        .with_passphrase(passphrase)
        .with_passphrase_prompt(|| prompt_secret("Passphrase for the sfconnect secrets file")))
}

/// Ask for a secret on the terminal without echoing it; None when there is no terminal.
pub fn prompt_secret(label: &str) -> Option<SecretString> {
    if !std::io::stdin().is_terminal() {
        return None;
    }
    rpassword::prompt_password(format!("{label}: "))
        .ok()
        .map(SecretString::from)
}

/// Environment variables that may carry secrets into sfconnect; never passed on to children.
pub const SECRET_ENV: &[&str] = &[
    "SFCONNECT_PASSWORD",
    "SFCONNECT_SECURITY_TOKEN",
    "SFCONNECT_CLIENT_SECRET",
    "SFCONNECT_REFRESH_TOKEN",
    "SFCONNECT_PASSPHRASE",
];

/// A secret from its environment variable, else a masked prompt on a terminal.
pub fn secret_input(env: &str, label: &str) -> Option<SecretString> {
    match std::env::var(env) {
        Ok(v) if !v.is_empty() => Some(SecretString::from(v)),
        Err(std::env::VarError::NotUnicode(_)) => {
            eprintln!(
                "sfconnect: {env} is not valid UTF-8 (check the file or shell that sets it); it was ignored"
            );
            None
        }
        _ => prompt_secret(label).filter(|s| !secrecy::ExposeSecret::expose_secret(s).is_empty()),
    }
}

/// Print what went wrong at Salesforce, why, and how to fix it (Lightning and Classic paths).
pub fn report(e: &SfError) {
    tracing::warn!("{:?}: {e}", e.cause);
    let d = e.diagnosis();
    eprintln!("sfconnect: {e}");
    if !d.likely.is_empty() {
        eprintln!("  Most likely:");
        for l in d.likely {
            eprintln!("    - {l}");
        }
    }
    if !d.fix.is_empty() {
        eprintln!("  What to do:");
        for f in d.fix {
            eprintln!("    - {f}");
        }
    }
    for s in d.setup {
        eprintln!("  {}:", s.task);
        eprintln!("    Lightning Experience: {}", s.lightning);
        eprintln!("    Salesforce Classic:   {}", s.classic);
    }
}

/// Exit code for a failure in saved connections or secret stores.
pub fn profile_failure(e: &ProfileError) -> ExitCode {
    let code = match e {
        ProfileError::Store(StoreError::KeyringTimeout(_)) => EXIT_FAILED,
        _ => EXIT_USAGE,
    };
    fail(code, e)
}
