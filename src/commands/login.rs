//! `sfconnect login NAME --flow …`: log in without the wizard, test, and save only on success.
//! An existing connection keeps its working credentials until the new ones have passed.

use std::process::ExitCode;
use std::sync::Arc;

use secrecy::SecretString;

use super::complete::saved_names;
use super::global::Global;
use super::login_input::{gather, secret_missing};
use super::saved::{http, run_checks};
use super::{EXIT_FAILED, EXIT_USAGE, SecretSources, fail, profile_failure, profiles};
use crate::connect::save::{Replace, Verified, save};
use crate::connect::{blocking, open_store, target};
use crate::profile::{
    Draft, Flow, Profile, ProfileError, SecretBundle, StoreError, StoreKind, key,
};
use std::path::PathBuf;

impl LoginArgs {
    /// Whether JSON was asked for, so that errors come out as JSON too.
    pub fn wants_json(&self) -> bool {
        self.json
    }

    pub async fn run(self, global: &Global) -> ExitCode {
        let profiles = match profiles(global) {
            Ok(p) => p,
            Err(code) => return code,
        };
        if !self.more.is_empty() {
            return self.several(profiles).await;
        }
        let profiles = Arc::new(profiles);
        if let Err(e) = crate::profile::check_name(&self.name) {
            return profile_failure(&e);
        }
        if self.generate_key {
            return super::generate_key::run(&profiles, &self);
        }
        let config = match profiles.config() {
            Ok(c) => c,
            Err(e) => return profile_failure(&e.into()),
        };
        let existing = config.connections.get(&self.name).cloned();
        // Open the secret store before logging in, so a missing keyring is known up front.
        let kind = global
            .store
            .or(existing.as_ref().map(|p| p.store))
            .unwrap_or(StoreKind::Keyring);
        let store = match open_store(&profiles, kind).await {
            Ok(s) => s,
            Err(e) => return profile_failure(&e),
        };
        let old = match saved_secrets(&profiles, existing.as_ref(), &store).await {
            Ok(old) => old,
            Err(code) => return code,
        };
        let keys_dir = profiles.dir().join("keys");
        let sources =
            match SecretSources::from_lines(&self.stdin_secrets(), &mut std::io::stdin().lock()) {
                Ok(s) => s,
                Err(e) => return fail(EXIT_USAGE, e),
            };
        let inputs = match gather(
            &self,
            &config,
            existing.as_ref(),
            old.as_ref(),
            &keys_dir,
            &sources,
        ) {
            Ok(i) => i,
            Err(code) => return code,
        };
        if let Err(code) = self.one_certificate(&config, existing.as_ref(), &inputs) {
            return code;
        }
        if inputs.flow == Flow::RefreshToken
            && let (Some(client_id), Some(refresh)) = (
                inputs.client_id.as_deref(),
                inputs.secrets.get(key::REFRESH_TOKEN),
            )
            && let Some(other) = crate::connect::saved::holder_of_refresh_token(
                &profiles, &self.name, client_id, refresh,
            )
            .await
        {
            return fail(
                EXIT_USAGE,
                format!(
                    "this refresh token is saved already for '{other}': two connections sharing one break each other (removing either revokes it for both, and a rotation by one strands the other). Get a new refresh token for '{}' with a browser login of its own, or use '{other}'. Nothing was saved.",
                    self.name
                ),
            );
        }
        let mut inputs = inputs;
        let no_secret = inputs.secrets.get(key::CLIENT_SECRET).is_none();
        if matches!(inputs.flow, Flow::Web | Flow::Device) && no_secret {
            // Said before the browser or device step, not after the user has approved it.
            say!(
                "sfconnect: no consumer secret was given (SFCONNECT_CLIENT_SECRET, --client-secret-stdin or SFCONNECT_CLIENT_SECRET_FILE). Apps require it for this login by default; going on without it, as an app whose 'Require Secret for Refresh Token Flow' is off allows."
            );
        }
        if matches!(inputs.flow, Flow::Web | Flow::Device) {
            match authorize(&self, &inputs).await {
                Ok(refresh) => inputs.secrets.set(key::REFRESH_TOKEN, refresh),
                Err(code) => return code,
            }
        }
        let profile = inputs.to_profile(existing.as_ref(), store.kind());
        let target = match target(&self.name, &profile, &inputs.secrets) {
            Ok(t) => t,
            Err(e) => return fail(EXIT_USAGE, e),
        };
        let http = match http() {
            Ok(h) => h,
            Err(code) => return code,
        };
        say!(
            "Checking {} ({}){}…",
            inputs.login_url,
            inputs.flow.as_str(),
            inputs
                .username
                .as_deref()
                .map(|u| format!(" as {u}"))
                .unwrap_or_default()
        );
        let outcome = run_checks(&http, target, true).await;
        if !outcome.ok() || outcome.session.is_none() {
            return checks_failed(&outcome, existing.is_some(), &self.name);
        }
        let Some(verified) = Verified::from_outcome(&self.name, inputs, outcome) else {
            return ExitCode::from(EXIT_FAILED);
        };
        // `login` on a saved name re-authenticates it, but only the connection as it was when
        // this login began: one another process saved meanwhile is left alone.
        let replace = Replace::as_now(existing.as_ref());
        crate::profile::fsutil::failpoint("login-checked");
        // The URL the connection is listed under (`list`), not where the org happens to live.
        let login_url = verified.draft.login_url.as_str().to_string();
        // JSON names the store as `list` does (`keyring`, `file`); the text says where it is.
        let store_kind = store.kind().as_str();
        let previous_key = existing
            .as_ref()
            .and_then(|p| p.key_file.clone())
            .filter(|k| Some(k) != verified.draft.key_file.as_ref());
        match save(&profiles, store, &verified, old.as_ref(), replace).await {
            Ok(report) => {
                let old_token = previous_token(&report, self.revoke_old).await;
                let settled =
                    super::login_keys::settle(&profiles, &http, &self.name, previous_key).await;
                self.said_saved(&report, old_token, &settled, &login_url, store_kind)
            }
            // The credentials are good; only the save failed (a full disk, a read-only dir, a
            // keyring that did not answer): 1, with both said.
            Err(e) => fail(
                EXIT_FAILED,
                format!(
                    "the login and the checks passed, so the credentials are good, but they could not be saved: {e}{}",
                    if existing.is_some() {
                        format!(" The saved connection '{}' is unchanged.", self.name)
                    } else {
                        " Nothing was saved.".to_string()
                    }
                ),
            ),
        }
    }
}

impl LoginArgs {
    /// Say what the save did (text or JSON), and its exit code: 1 when a requested revocation
    /// failed or a connection of the app could not move to the new key.
    fn said_saved(
        &self,
        report: &crate::connect::save::SaveReport,
        old_token: Option<(&'static str, String)>,
        settled: &crate::connect::app_keys::Settled,
        login_url: &str,
        store_kind: &str,
    ) -> ExitCode {
        if self.json {
            out!(
                "{}",
                serde_json::json!({
                    "name": report.name,
                    "saved": true,
                    "replaced": report.replaced,
                    "instance_url": report.instance_url,
                    "store": store_kind,
                    "previous_refresh_token": old_token.as_ref().map(|(state, _)| *state),
                    "moved": settled.moved.iter().map(|m| serde_json::json!({
                        "name": m.name,
                        "ok": m.result.is_ok(),
                        "detail": m.result.as_ref().err(),
                    })).collect::<Vec<_>>(),
                    "deleted_keys": settled.deleted,
                })
            );
        } else {
            out!(
                "{} '{}' ({}). Secrets are in: {}.",
                if report.replaced {
                    "Re-authenticated"
                } else {
                    "Saved connection"
                },
                report.name,
                login_url,
                super::text::store(&report.store)
            );
        }
        // On stderr with --json too: it is for the person running it.
        if let Some((state, said)) = &old_token
            && *state != "not_revoked"
        {
            say!("{said}");
        }
        let stranded: Vec<String> = settled
            .moved
            .iter()
            .filter(|m| m.result.is_err())
            .map(|m| m.name.clone())
            .collect();
        match old_token {
            Some(("not_revoked", said)) if self.revoke_old => fail(EXIT_FAILED, said),
            _ if !stranded.is_empty() => fail(
                EXIT_FAILED,
                format!(
                    "'{}' is saved, but {} could not move to its key (above): the app no longer holds their certificate, so re-authenticate them",
                    self.name,
                    super::text::names(&stranded)
                ),
            ),
            _ => ExitCode::SUCCESS,
        }
    }
}

impl LoginArgs {
    /// `login A B …`: every named connection, each saved with a password, re-authenticated
    /// with one new password or token read once.
    async fn several(&self, profiles: crate::profile::Profiles) -> ExitCode {
        let alone = self.flow.is_some()
            || self.login_url.is_some()
            || self.username.is_some()
            || self.client_id.is_some()
            || self.key_file.is_some()
            || self.generate_key
            || self.replace_certificate
            || self.client_secret_stdin
            || self.refresh_token_stdin
            || self.revoke_old;
        if alone {
            return fail(
                EXIT_USAGE,
                "with several names, `login` takes only --password-stdin, --security-token-stdin and --json: it re-authenticates saved connections with one new password or security token. Log in one name at a time to change anything else.",
            );
        }
        let config = match profiles.config() {
            Ok(c) => c,
            Err(e) => return profile_failure(&e.into()),
        };
        let names: Vec<String> = std::iter::once(self.name.clone())
            .chain(self.more.iter().cloned())
            .collect();
        for name in &names {
            match config.connections.get(name) {
                None => return profile_failure(&ProfileError::NotFound(name.clone())),
                Some(p) if !p.flow.uses_password() => {
                    return fail(
                        EXIT_USAGE,
                        format!(
                            "'{name}' logs in with {}, not a password: several names share only a new password or security token. Log it in on its own: sfconnect login {name}",
                            p.flow.as_str()
                        ),
                    );
                }
                Some(_) => {}
            }
        }
        let asked = super::reauth::Several {
            password_stdin: self.password_stdin,
            security_token_stdin: self.security_token_stdin,
            json: self.json,
        };
        asked.run(profiles, names, None).await
    }
}

/// The secrets the connection has now, read from the store they are in: with --store naming
/// the other one, they move there when this login passes (and are deleted here).
async fn saved_secrets(
    profiles: &Arc<crate::profile::Profiles>,
    existing: Option<&Profile>,
    store: &Arc<dyn crate::profile::SecretStore>,
) -> Result<Option<SecretBundle>, ExitCode> {
    let Some(profile) = existing else {
        return Ok(None);
    };
    let from = if profile.store == store.kind() {
        store.clone()
    } else {
        open_store(profiles, profile.store)
            .await
            .map_err(|e| super::saved::unusable(&e))?
    };
    let entry = profile.secrets.clone();
    match blocking(move || Ok(from.load(&entry)?)).await {
        Ok(b) => Ok(b),
        // For `login`, a passphrase missing or wrong is input (2), as the help says.
        Err(
            e @ ProfileError::Store(
                StoreError::PassphraseNeeded { .. } | StoreError::WrongPassphrase { .. },
            ),
        ) => Err(profile_failure(&e)),
        Err(e) => Err(super::saved::unusable(&e)),
    }
}

/// A browser or device login for the refresh token the connection will keep; Ctrl-C (or
/// SIGTERM, SIGHUP) while waiting for the person ends it as a prompt does.
async fn authorize(args: &LoginArgs, inputs: &Draft) -> Result<SecretString, ExitCode> {
    let app = crate::salesforce::oauth::ClientApp {
        client_id: inputs.client_id.clone().unwrap_or_default(),
        client_secret: inputs.secrets.get(key::CLIENT_SECRET).cloned(),
    };
    let http = match http() {
        Ok(h) => h,
        Err(code) => return Err(code),
    };
    let port = args
        .callback_port
        .unwrap_or(crate::connect::web_login::DEFAULT_CALLBACK_PORT);
    // Listening before anything is shown: a Ctrl-C as soon as the address or code appears
    // is not lost to the moment before the wait begins.
    let stop = crate::connect::signals::listen_for_stop();
    let interactive = async {
        if inputs.flow == Flow::Device {
            super::device_login::device_login(&http, &inputs.login_url, &app).await
        } else {
            let stdin_carried_secrets = !args.stdin_secrets().is_empty();
            super::web_login::browser_login(
                &http,
                &inputs.login_url,
                &app,
                port,
                args.no_browser,
                stdin_carried_secrets,
            )
            .await
        }
    };
    // Ctrl-C (or SIGTERM, SIGHUP) while waiting for the person ends it as a prompt does:
    // said, exit 130, nothing changed.
    let token = tokio::select! {
        token = interactive => token,
        () = stop => {
            // A paste reader may have the terminal in raw mode.
            let _ = crossterm::terminal::disable_raw_mode();
            say!();
            say!("sfconnect: interrupted; nothing was changed.");
            return Err(ExitCode::from(130));
        }
    };
    match token {
        Ok(token) => token.refresh_token.ok_or_else(|| {
            fail(
                EXIT_FAILED,
                "the login worked but Salesforce sent no refresh token: add the 'Perform requests at any time (refresh_token, offline_access)' scope to the app",
            )
        }),
        Err(e) if e.cause == crate::salesforce::Cause::ClientSecretMissing => {
            Err(secret_missing())
        }
        // Input that ran out is the contract's "stdin that ended early": a usage error.
        Err(e) if e.cause == crate::salesforce::Cause::InputEnded => {
            let fix = e.diagnosis().fix.join("; ");
            Err(super::fail_with(
                EXIT_USAGE,
                None,
                &format!("{e}. {fix}"),
                &fix,
            ))
        }
        Err(e) => Err(super::saved::login_failed(&e, &args.name)),
    }
}

/// The checks failed: the first failure's fix, and that nothing changed.
fn checks_failed(outcome: &crate::check::Outcome, saved_before: bool, name: &str) -> ExitCode {
    let kept = if saved_before {
        format!("the saved connection '{name}' is unchanged")
    } else {
        "nothing was saved".to_string()
    };
    let first = outcome
        .checks
        .iter()
        .find(|c| c.status == crate::check::Status::Fail);
    // The app refused a consumer secret that was never given: say it is missing.
    if first.and_then(|c| c.cause) == Some(crate::salesforce::Cause::ClientSecretMissing) {
        return secret_missing();
    }
    let message = format!("the checks failed; {kept}.");
    match first {
        Some(check) => super::fail_with(
            EXIT_FAILED,
            check.cause.map(|c| format!("{c:?}")).as_deref(),
            &message,
            &super::text::fix(check, name),
        ),
        None => fail(EXIT_FAILED, message),
    }
}

/// The refresh token a re-authentication replaced: revoked when asked (`--revoke-old`), else
/// said to be still valid. Its state for scripts (`revoked`, `not_revoked`, `kept_valid`) and
/// what to say; None when there was none.
async fn previous_token(
    report: &crate::connect::save::SaveReport,
    revoke: bool,
) -> Option<(&'static str, String)> {
    use crate::connect::remove::Revocation;
    let previous = report.previous.as_ref()?;
    const WHERE: &str =
        "Setup > Connected Apps OAuth Usage > the app, or the user's OAuth Connected Apps list";
    if !revoke {
        return Some((
            "kept_valid",
            format!(
                "The previous refresh token stays valid at Salesforce: once the integration has the new one, revoke the old one ({WHERE}). Next time, --revoke-old does it as soon as the new credentials are saved."
            ),
        ));
    }
    Some(
        match crate::connect::save::revoke_previous(previous).await {
            Revocation::Revoked | Revocation::AlreadyInvalid => (
                "revoked",
                "Revoked the previous refresh token at Salesforce.".to_string(),
            ),
            Revocation::Failed(e) => (
                "not_revoked",
                format!(
                    "the new credentials are saved, but the previous refresh token could not be revoked ({e}): it stays valid until it expires; revoke it in {WHERE}"
                ),
            ),
            Revocation::Skipped | Revocation::NoToken => (
                "revoked",
                "The previous refresh token was not held any more.".to_string(),
            ),
        },
    )
}

/// Said under `login --help`: where its secrets come from.
pub const LOGIN_HELP: &str = "\
Secrets never come from options. Each comes from the first of:
  1. stdin, with its --…-stdin option: one line per option, in this order:
     password, security token, consumer secret, refresh token
  2. its variable: SFCONNECT_PASSWORD, SFCONNECT_SECURITY_TOKEN, SFCONNECT_CLIENT_SECRET,
     SFCONNECT_REFRESH_TOKEN (and SFCONNECT_PASSPHRASE for a passphrase-protected secrets file)
  3. the file its VARIABLE_FILE variable names, e.g. SFCONNECT_PASSWORD_FILE=/run/secrets/sf
  4. a masked prompt, on a terminal
A re-authentication keeps every saved secret not given anew.

Example: printf '%s\\n%s\\n' \"$PW\" \"$TOKEN\" | sfconnect login prod --flow soap \\
           --login-url https://login.salesforce.com --username api@acme.com \\
           --password-stdin --security-token-stdin

Exit codes: 0 saved; 1 the login or a check failed, or another sfconnect saved this name
meanwhile (nothing changed); 2 usage or input error.";

#[derive(Debug, Clone, clap::Args)]
pub struct LoginArgs {
    /// Name of the connection (letters, digits, '-', '_', '.').
    #[arg(add = saved_names())]
    pub name: String,
    /// More saved connections to re-authenticate with the same new password or security
    /// token (SOAP and username-password connections; only the secret options and --json go
    /// with several names).
    #[arg(add = saved_names(), value_name = "NAME")]
    pub more: Vec<String>,
    /// How to authenticate; defaults to the saved connection's.
    #[arg(long, value_enum)]
    pub flow: Option<Flow>,
    /// https://login.salesforce.com, https://test.salesforce.com or the My Domain URL.
    #[arg(long)]
    pub login_url: Option<String>,
    /// The integration user's username (SOAP, password and JWT bearer logins).
    #[arg(long)]
    pub username: Option<String>,
    /// The consumer key of the connected app or External Client App.
    #[arg(long)]
    pub client_id: Option<String>,
    /// PEM private key for JWT bearer. Without it: the saved connection's key, else the key
    /// pair the app's other saved connections use, else the pair made for NAME by
    /// --generate-key.
    #[arg(long)]
    pub key_file: Option<PathBuf>,
    /// JWT bearer: make a new key pair and certificate (in the config dir) to upload to the app.
    #[arg(long)]
    pub generate_key: bool,
    /// JWT bearer: use this key though other saved connections on the app use another one.
    /// Its certificate replaces theirs in the app; once this login passes, each of them is
    /// tested with this key and moved to it.
    #[arg(long)]
    pub replace_certificate: bool,
    /// The org is a sandbox (for a My Domain login URL, where the host does not say so).
    #[arg(long)]
    pub sandbox: bool,
    /// Local port for the browser login's callback (default 1717).
    #[arg(long, value_name = "PORT")]
    pub callback_port: Option<u16>,
    /// Do not open a browser (open the printed address yourself); the callback listener and
    /// paste-back both stay on, and whichever answers first wins.
    #[arg(long)]
    pub no_browser: bool,
    /// Read the password from stdin (one line; see the order below).
    #[arg(long)]
    pub password_stdin: bool,
    /// Read the security token from stdin (one line, after the password's).
    #[arg(long)]
    pub security_token_stdin: bool,
    /// Read the consumer secret from stdin (one line, after the token's).
    #[arg(long)]
    pub client_secret_stdin: bool,
    /// Read the refresh token to import from stdin (one line, last).
    #[arg(long)]
    pub refresh_token_stdin: bool,
    /// After the new credentials pass and are saved, revoke the refresh token the connection
    /// held before (when the reason for re-authenticating is a leak). Off by default: an
    /// integration that was given the old token stops working the moment it is revoked.
    #[arg(long)]
    pub revoke_old: bool,
    /// One JSON object saying what was saved, instead of text (the checks still go to stderr).
    #[arg(long)]
    pub json: bool,
}

impl LoginArgs {
    /// The secrets to read from stdin, by their variables' names.
    pub fn stdin_secrets(&self) -> Vec<&'static str> {
        [
            (self.password_stdin, "SFCONNECT_PASSWORD"),
            (self.security_token_stdin, "SFCONNECT_SECURITY_TOKEN"),
            (self.client_secret_stdin, "SFCONNECT_CLIENT_SECRET"),
            (self.refresh_token_stdin, "SFCONNECT_REFRESH_TOKEN"),
        ]
        .into_iter()
        .filter_map(|(wanted, env)| wanted.then_some(env))
        .collect()
    }
}
