//! `sfconnect remove NAME [--no-revoke]`: revoke tokens (best effort), then delete the
//! connection's settings and secrets together.

use std::process::ExitCode;
use std::sync::Arc;

use super::{profile_failure, profiles};
use crate::cli::Global;
use crate::connect::remove::{Revocation, remove};

pub async fn run(global: &Global, name: &str, no_revoke: bool, json: bool) -> ExitCode {
    let profiles = match profiles(global) {
        Ok(p) => Arc::new(p),
        Err(code) => return code,
    };
    match remove(&profiles, name, !no_revoke).await {
        Ok(removal) if json => {
            let (revocation, error) = match &removal.revocation {
                Revocation::Revoked => ("revoked", None),
                Revocation::Skipped => ("skipped", None),
                Revocation::NoToken => ("no_token", None),
                Revocation::AlreadyInvalid => ("already_invalid", None),
                Revocation::Failed(e) => ("failed", Some(e.clone())),
            };
            out!(
                "{}",
                serde_json::json!({
                    "name": name,
                    "removed": true,
                    "revocation": revocation,
                    "revocation_error": error,
                    "key_pair_deleted": removal.key_pair.as_ref().map(|(k, c)| [k.display().to_string(), c.display().to_string()]),
                })
            );
            ExitCode::SUCCESS
        }
        Ok(removal) => {
            match removal.revocation {
                Revocation::Revoked => say!("Revoked the connection's token at Salesforce."),
                Revocation::Skipped => {}
                Revocation::NoToken => {
                    say!("No OAuth token to revoke (this connection logs in with a password).")
                }
                Revocation::AlreadyInvalid => {
                    say!("Salesforce says its token was no longer valid: nothing left to revoke.")
                }
                Revocation::Failed(e) => say!(
                    "Could not revoke the token at Salesforce ({e}); it stays valid until it expires or an admin revokes it."
                ),
            }
            out!("Removed connection '{name}' and its secrets.");
            if let Some((key, crt)) = removal.key_pair {
                out!(
                    "Deleted its key pair {} and {} (remove the certificate from the app too).",
                    key.display(),
                    crt.display()
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => profile_failure(&e),
    }
}
