//! `sfconnect reauth NAME` (the wizard) and `sfconnect reauth --user USERNAME`: one new
//! password or security token for every saved connection that logs in as that user, read once,
//! each connection tested on its own and saved only when its test passes.

use std::io::IsTerminal as _;
use std::process::ExitCode;
use std::sync::Arc;

use secrecy::ExposeSecret as _;

use super::complete::saved_names;
use super::global::Global;
use super::saved::{http, symbol, use_colour};
use super::{EXIT_FAILED, EXIT_USAGE, SecretSources, fail, profile_failure, profiles};
use crate::check::Status;
use crate::connect::same_user::{NewSecrets, Reauthed, logging_in_as, reauthenticate_all};

/// Said under `reauth --help`.
pub const REAUTH_HELP: &str = "\
With a NAME, the full-screen wizard: it needs a terminal.

With --user USERNAME, no wizard: the new password and security token are read once (stdin with
--password-stdin / --security-token-stdin, one line each in that order; else
SFCONNECT_PASSWORD and SFCONNECT_SECURITY_TOKEN, or their _FILE variables; else a masked
prompt), and every saved connection that logs in as USERNAME with a password (SOAP login or
the OAuth username-password flow, on any org) is tested with them. Each one is saved only when
its own test passes; the others keep their old credentials. A secret left empty keeps each
connection's saved one; a security token of - clears it (the org trusts the network).

Example: printf '%s\\n%s\\n' \"$PW\" \"$TOKEN\" | sfconnect reauth --user api@acme.com \\
           --password-stdin --security-token-stdin

Exit codes: 0 the wizard ended, or (--user) every connection passed and was saved; 1 one
failed (the others are saved); 2 usage, no terminal for the wizard, no connection logs in as
USERNAME, or no new secret given.";

#[derive(Debug, Clone, clap::Args)]
pub struct ReauthArgs {
    /// The saved connection to re-authenticate in the wizard.
    #[arg(add = saved_names(), required_unless_present = "user")]
    pub name: Option<String>,
    /// Revoke the refresh token the connection held before as soon as the new credentials
    /// are saved (else the Saved screen offers it, key v). Off by default: an integration
    /// given the old token stops working the moment it is revoked.
    #[arg(long)]
    pub revoke_old: bool,
    /// Without the wizard: re-authenticate every saved connection that logs in as USERNAME
    /// with a password, with one new password or security token.
    #[arg(long, value_name = "USERNAME", conflicts_with_all = ["name", "revoke_old"])]
    pub user: Option<String>,
    /// With --user: read the new password from stdin (one line, first).
    #[arg(long, requires = "user")]
    pub password_stdin: bool,
    /// With --user: read the new security token from stdin (one line, after the password's).
    #[arg(long, requires = "user")]
    pub security_token_stdin: bool,
    /// With --user: one JSON object with each connection's result, instead of text.
    #[arg(long, requires = "user")]
    pub json: bool,
}

impl ReauthArgs {
    pub fn wants_json(&self) -> bool {
        self.json
    }

    /// `reauth --user USERNAME`.
    pub async fn run(self, global: &Global, username: &str) -> ExitCode {
        let profiles = match profiles(global) {
            Ok(p) => p,
            Err(code) => return code,
        };
        let config = match profiles.config() {
            Ok(c) => c,
            Err(e) => return profile_failure(&e.into()),
        };
        let names = logging_in_as(&config, username);
        if names.is_empty() {
            return fail(
                EXIT_USAGE,
                format!(
                    "no saved connection logs in as {username} with a password (SOAP login or the username-password flow); `sfconnect list` shows who each logs in as"
                ),
            );
        }
        let asked = Several {
            password_stdin: self.password_stdin,
            security_token_stdin: self.security_token_stdin,
            json: self.json,
        };
        asked.run(profiles, names, Some(username)).await
    }
}

/// Several saved password connections re-authenticated with one new password or token
/// (`reauth --user`, and `login` given several names).
pub struct Several {
    pub password_stdin: bool,
    pub security_token_stdin: bool,
    pub json: bool,
}

impl Several {
    /// Read the new secrets once, then test and save each of `names` (all of `user`'s, when
    /// one was named).
    pub async fn run(
        &self,
        profiles: crate::profile::Profiles,
        names: Vec<String>,
        user: Option<&str>,
    ) -> ExitCode {
        let profiles = Arc::new(profiles);
        let new = match self.new_secrets() {
            Ok(new) => new,
            Err(code) => return code,
        };
        let http = match http() {
            Ok(h) => h,
            Err(code) => return code,
        };
        say!(
            "Re-authenticating {}{}…",
            super::text::names(&names),
            user.map(|u| format!(" as {u}")).unwrap_or_default()
        );
        let results = reauthenticate_all(&profiles, &http, &names, &new).await;
        self.report(user, &results)
    }

    fn new_secrets(&self) -> Result<NewSecrets, ExitCode> {
        let wanted: Vec<&'static str> = [
            (self.password_stdin, "SFCONNECT_PASSWORD"),
            (self.security_token_stdin, "SFCONNECT_SECURITY_TOKEN"),
        ]
        .into_iter()
        .filter_map(|(on, env)| on.then_some(env))
        .collect();
        let sources = SecretSources::from_lines(&wanted, &mut std::io::stdin().lock())
            .map_err(|e| fail(EXIT_USAGE, e))?;
        let get = |env, label| sources.get(env, label).map_err(|e| fail(EXIT_USAGE, e));
        let password = get(
            "SFCONNECT_PASSWORD",
            "New password (Enter keeps each connection's saved one)",
        )?;
        let token = get(
            "SFCONNECT_SECURITY_TOKEN",
            "New security token (Enter keeps each connection's saved one; - clears it)",
        )?;
        let new = NewSecrets {
            password,
            security_token: token.map(|t| Some(t).filter(|t| t.expose_secret().trim() != "-")),
        };
        if new.is_empty() {
            return Err(fail(
                EXIT_USAGE,
                "no new password or security token was given (SFCONNECT_PASSWORD, --password-stdin or SFCONNECT_PASSWORD_FILE; SFCONNECT_SECURITY_TOKEN, --security-token-stdin or SFCONNECT_SECURITY_TOKEN_FILE). Nothing was changed.",
            ));
        }
        Ok(new)
    }

    fn report(&self, user: Option<&str>, results: &[Reauthed]) -> ExitCode {
        let failed = results.iter().filter(|r| r.result.is_err()).count();
        if self.json {
            out!(
                "{}",
                serde_json::json!({
                    "user": user,
                    "ok": failed == 0,
                    "connections": results.iter().map(|r| serde_json::json!({
                        "name": r.name,
                        "ok": r.result.is_ok(),
                        "detail": r.result.as_ref().err(),
                    })).collect::<Vec<_>>(),
                })
            );
        } else {
            let colour = use_colour(std::io::stdout().is_terminal());
            for r in results {
                match &r.result {
                    Ok(()) => out!(
                        "{} {}: re-authenticated",
                        symbol(Status::Pass, colour),
                        r.name
                    ),
                    Err(why) => out!(
                        "{} {}: not re-authenticated ({why}); its old credentials are kept",
                        symbol(Status::Fail, colour),
                        r.name
                    ),
                }
            }
        }
        if failed == 0 {
            return ExitCode::SUCCESS;
        }
        say!(
            "sfconnect: {failed} of {} connections did not pass with the new secrets; fix each as its line says, then `sfconnect login NAME` (or run this again)",
            results.len()
        );
        ExitCode::from(EXIT_FAILED)
    }
}
