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

use std::io::IsTerminal;
use std::process::ExitCode;

use secrecy::SecretString;

use crate::cli::Global;
use crate::connect;
use crate::profile::{ProfileError, Profiles, StoreError};
use crate::salesforce::SfError;

/// Exit codes shared by the commands (see cli-contract.md).
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

pub fn fail(code: u8, message: impl std::fmt::Display) -> ExitCode {
    eprintln!("sfconnect: {message}");
    ExitCode::from(code)
}

/// The saved connections a scriptable command works on: a passphrase from the environment or
/// a prompt, and a word on stderr while another process holds the lock.
pub fn profiles(global: &Global) -> Result<Profiles, ExitCode> {
    let dir = connect::config_dir(global.config_dir.clone())
        .ok_or_else(|| fail(EXIT_USAGE, connect::NO_CONFIG_DIR))?;
    Ok(Profiles::new(dir)
        .with_passphrase(connect::env_passphrase())
        .with_passphrase_prompt(|| prompt_secret("Passphrase for the sfconnect secrets file"))
        .with_waiting(say_waiting))
}

fn say_waiting(lock: &std::path::Path) {
    eprintln!(
        "sfconnect: waiting for another sfconnect to finish saving connections (lock {})…",
        lock.display()
    );
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

/// Print what went wrong at Salesforce for connection `name`, why, and how to fix it
/// (Lightning and Classic paths).
pub fn report(e: &SfError, name: &str) {
    tracing::warn!("{:?}: {e}", e.cause);
    let d = e.diagnosis();
    eprintln!("sfconnect: {e}");
    if !d.likely.is_empty() {
        eprintln!("  Most likely:");
        for l in d.likely {
            eprintln!("    - {}", crate::check::named(l, name));
        }
    }
    if !d.fix.is_empty() {
        eprintln!("  What to do:");
        for f in d.fix {
            eprintln!("    - {}", crate::check::named(f, name));
        }
    }
    for s in d.setup {
        eprintln!("  {}:", s.task);
        eprintln!("    Lightning Experience: {}", s.lightning);
        eprintln!("    Salesforce Classic:   {}", s.classic_route());
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
