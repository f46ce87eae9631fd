//! `sfconnect remove NAME [--no-revoke] [--yes]`: revoke tokens (best effort, announced
//! first), then delete the connection's settings and secrets together. On a terminal it asks
//! first, unless `--yes`.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use super::complete::saved_names;
use super::global::Global;
use super::{EXIT_FAILED, fail, profile_failure, profiles};
use crate::connect::remove::{RemoveError, Revocation, remove};
use crate::profile::Profiles;
use crate::profile::credentials::uses_refresh_token;

/// What removing `name` will do at Salesforce, said before it is done.
fn announcement(profiles: &Profiles, name: &str, revoke: bool) -> String {
    let flow = profiles
        .config()
        .ok()
        .and_then(|c| c.connections.get(name).map(|p| p.flow));
    match (revoke, flow) {
        (false, _) => format!(
            "Removing '{name}' deletes its settings and secrets here; its token is not revoked and stays valid at Salesforce."
        ),
        (true, Some(flow)) if uses_refresh_token(flow) => format!(
            "Removing '{name}' revokes its refresh token at Salesforce: any integration given that token (through the hand-off, copy or export) stops working. To keep the token valid, use --no-revoke."
        ),
        (true, Some(_)) => format!(
            "Removing '{name}' ends its sfconnect session at Salesforce (the integration's own logins are not affected) and deletes its settings and secrets here."
        ),
        (true, None) => format!(
            "Removing '{name}' revokes its token at Salesforce where its entry still says how, and deletes it here. To keep the token valid, use --no-revoke."
        ),
    }
}

/// Ask on the terminal; true for y or yes.
fn confirmed(name: &str) -> bool {
    use std::io::Write as _;
    let _ = write!(std::io::stderr(), "Remove '{name}'? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    if std::io::stdin().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

impl RemoveArgs {
    /// Whether JSON was asked for, so that errors come out as JSON too.
    pub fn wants_json(&self) -> bool {
        self.json
    }

    pub async fn run(self, global: &Global) -> ExitCode {
        let (name, no_revoke, yes, json) =
            (self.name.as_str(), self.no_revoke, self.yes, self.json);
        let profiles = match profiles(global) {
            Ok(p) => Arc::new(p),
            Err(code) => return code,
        };
        let asking = !yes && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
        if asking || !json {
            say!("{}", announcement(&profiles, name, !no_revoke));
        }
        if asking && !confirmed(name) {
            return fail(
                EXIT_FAILED,
                format!("nothing was removed; '{name}' is as it was"),
            );
        }
        let removal = match remove(&profiles, name, !no_revoke).await {
            Ok(removal) => removal,
            Err(RemoveError::Profile(e)) => return profile_failure(&e),
            Err(e) => return fail(EXIT_FAILED, e),
        };
        let done = if removal.secrets_left.is_some() {
            ExitCode::from(EXIT_FAILED)
        } else {
            ExitCode::SUCCESS
        };
        if json {
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
                    "secrets_deleted": removal.secrets_left.is_none(),
                    "secrets_left": removal.secrets_left.as_ref().map(|(store, why)| serde_json::json!({"store": store.as_str(), "reason": super::text::secrets_left(why)})),
                })
            );
            return done;
        }
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
        match &removal.secrets_left {
            None => out!("Removed connection '{name}' and its secrets."),
            Some((store, why)) => {
                let why = super::text::secrets_left(why);
                out!("Removed connection '{name}', but not its secrets.");
                say!(
                    "sfconnect: its secrets in the {} store could not be deleted now ({why}). They stay listed in connections.toml and are deleted the next time sfconnect opens that store (a login, test or token of a connection kept there); restore what it needs (the key file, the passphrase, the keyring) so that can happen.",
                    store.as_str()
                );
            }
        }
        if let Some((key, crt)) = removal.key_pair {
            out!(
                "Deleted its key pair {} and {} (remove the certificate from the app too).",
                key.display(),
                crt.display()
            );
        }
        done
    }
}

/// Said under `remove --help`.
pub const REMOVE_HELP: &str = "Exit codes: 0 removed (a failed revocation is said, and still 0); 1 not finished: the answer was no, the secrets cannot be opened to revoke the token (nothing removed; --no-revoke removes anyway), or the secrets could not be deleted yet (they are deleted the next time their store opens; it says so); 2 usage or unknown name.";

/// Revoke a connection's tokens (best effort, said first) and delete its settings and
/// secrets; on a terminal it asks first.
#[derive(Debug, clap::Args)]
pub struct RemoveArgs {
    /// The saved connection to remove.
    #[arg(add = saved_names())]
    pub name: String,
    /// One JSON object saying what was done, instead of text.
    #[arg(long)]
    pub json: bool,
    /// Do not try to revoke tokens at Salesforce (an integration given the token keeps
    /// working).
    #[arg(long)]
    pub no_revoke: bool,
    /// Do not ask on a terminal (without a terminal nothing is asked anyway).
    #[arg(long, short = 'y')]
    pub yes: bool,
}
