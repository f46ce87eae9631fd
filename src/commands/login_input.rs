//! What `sfconnect login` is given, gathered and checked before anything is tried: the
//! options, each secret from its first source (stdin, variable, file, prompt, else the saved
//! one), the key file, and the draft they make.

use std::process::ExitCode;

use secrecy::SecretString;

use super::login::LoginArgs;
use super::{EXIT_FAILED, EXIT_USAGE, SecretSources, fail};
use crate::profile::{Config, Draft, Flow, Profile, SecretBundle, key};
use crate::salesforce::LoginUrl;

/// A secret from its sources (stdin, variable, file, prompt), else the saved one (unchanged
/// since last time).
fn secret(
    sources: &SecretSources,
    env: &str,
    label: &str,
    old: Option<&SecretBundle>,
    name: &str,
) -> Result<Option<SecretString>, ExitCode> {
    let saved = old.and_then(|b| b.get(name)).cloned();
    let label = if saved.is_some() {
        format!("{label} (Enter keeps the saved one)")
    } else {
        label.to_string()
    };
    let given = sources.get(env, &label).map_err(|e| fail(EXIT_USAGE, e))?;
    Ok(given.or(saved))
}

/// What clears a saved security token (no token is "-": they are letters and digits).
const CLEAR: &str = "-";

/// The security token: from its sources, else the saved one; `-` clears a saved one (the
/// org now trusts this network), which an empty answer cannot say (it keeps the saved one).
fn security_token(
    sources: &SecretSources,
    old: Option<&SecretBundle>,
) -> Result<Option<SecretString>, ExitCode> {
    use secrecy::ExposeSecret;
    let saved = old.and_then(|b| b.get(key::SECURITY_TOKEN)).cloned();
    let label = if saved.is_some() {
        format!(
            "Security token (Enter keeps the saved one; {CLEAR} clears it, for a network the org trusts)"
        )
    } else {
        "Security token (leave empty from a network the org trusts)".to_string()
    };
    let given = sources
        .get("SFCONNECT_SECURITY_TOKEN", &label)
        .map_err(|e| fail(EXIT_USAGE, e))?;
    Ok(match given {
        Some(t) if t.expose_secret().trim() == CLEAR => None,
        Some(t) => Some(t),
        None => saved,
    })
}

fn required<T>(value: Option<T>, what: &str) -> Result<T, ExitCode> {
    value.ok_or_else(|| fail(EXIT_USAGE, format!("{what} is needed for this flow")))
}

fn consumer_secret(
    sources: &SecretSources,
    old: Option<&SecretBundle>,
) -> Result<SecretString, ExitCode> {
    required(
        secret(
            sources,
            "SFCONNECT_CLIENT_SECRET",
            "Consumer secret",
            old,
            key::CLIENT_SECRET,
        )?,
        "the consumer secret (SFCONNECT_CLIENT_SECRET, --client-secret-stdin or SFCONNECT_CLIENT_SECRET_FILE)",
    )
}

/// The consumer secret where the app may need none (refresh token, browser and device flows).
fn optional_consumer_secret(
    sources: &SecretSources,
    old: Option<&SecretBundle>,
) -> Result<Option<SecretString>, ExitCode> {
    secret(
        sources,
        "SFCONNECT_CLIENT_SECRET",
        "Consumer secret (apps require it by default; empty only if yours does not)",
        old,
        key::CLIENT_SECRET,
    )
}

/// The app refused a login that carried no consumer secret (`Cause::ClientSecretMissing`):
/// what to say, and how to give it from a shell.
const MISSING_SECRET: &str = "the app requires its consumer secret for this login, and none was given (it is missing, not wrong). Nothing was saved.";

const GIVE_SECRET: &str = "Set SFCONNECT_CLIENT_SECRET (or use --client-secret-stdin or SFCONNECT_CLIENT_SECRET_FILE) and log in again; Manage Consumer Details shows it (Lightning: Setup > Apps > App Manager > the app > View; Classic: Setup > Build > Create > Apps > the app).";

/// Say that the consumer secret is missing, with its cause for scripts.
pub(super) fn secret_missing() -> ExitCode {
    super::fail_with(
        EXIT_FAILED,
        Some("ClientSecretMissing"),
        &format!("{MISSING_SECRET} {GIVE_SECRET}"),
        GIVE_SECRET,
    )
}

/// A JWT key file must hold an RSA private key in PEM form: said before any network call.
fn check_private_key(path: &std::path::Path) -> Result<(), ExitCode> {
    let pem = secrecy::zeroize::Zeroizing::new(std::fs::read(path).map_err(|e| {
        fail(
            EXIT_USAGE,
            format!("cannot read the key file {}: {e}", path.display()),
        )
    })?);
    jsonwebtoken::EncodingKey::from_rsa_pem(&pem)
        .map(|_| ())
        .map_err(|_| {
            fail(
                EXIT_USAGE,
                format!(
                    "{} is not an RSA private key in PEM form (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----): pass the key whose certificate is uploaded to the app, or make one with --generate-key",
                    path.display()
                ),
            )
        })
}

/// JWT bearer with no key given, for a connection that has none yet: the pair the app's other
/// saved connections use (the app holds one certificate, theirs), else the pair made for this
/// name (`--generate-key`).
fn default_key(
    name: &str,
    saved: &Config,
    client_id: Option<&str>,
    login_url: &str,
    keys_dir: &std::path::Path,
) -> Option<std::path::PathBuf> {
    use crate::connect::app_keys::{AppRef, shared_key};
    let own = crate::profile::jwt_key::existing(keys_dir, name).map(|made| made.key_file);
    let app = AppRef {
        client_id: client_id?.to_string(),
        login_url: login_url.to_string(),
        org_id: None,
    };
    let Some(shared) = shared_key(saved, &app, name) else {
        return own;
    };
    say!(
        "sfconnect: using the key pair of {} ({}): an app holds one certificate, and theirs is in it.",
        super::text::names(&shared.users),
        shared.key_file.display()
    );
    if let Some(own) = own.filter(|k| !crate::connect::app_keys::same_key(k, &shared.key_file)) {
        say!(
            "sfconnect: the pair made for '{name}' ({}) is not used. If its certificate is the one in the app now, pass --key-file {} --replace-certificate instead.",
            own.display(),
            own.display()
        );
    }
    Some(shared.key_file)
}

pub(super) fn gather(
    args: &LoginArgs,
    saved: &Config,
    existing: Option<&Profile>,
    old: Option<&SecretBundle>,
    keys_dir: &std::path::Path,
    sources: &SecretSources,
) -> Result<Draft, ExitCode> {
    let flow = args
        .flow
        .or(existing.map(|p| p.flow))
        .ok_or_else(|| fail(EXIT_USAGE, "--flow is needed for a new connection (soap, password, web, device, jwt, client-credentials, refresh-token)"))?;
    // On a terminal, a value that is missing is asked for, as a secret is; else it is said.
    let url_text = args
        .login_url
        .clone()
        .or(existing.map(|p| p.login_url.clone()))
        .or_else(|| super::prompt_line("Login URL (https://login.salesforce.com, https://test.salesforce.com or your My Domain URL)"))
        .ok_or_else(|| fail(EXIT_USAGE, "--login-url is needed for a new connection (https://login.salesforce.com, https://test.salesforce.com or your My Domain URL)"))?;
    let login_url = LoginUrl::parse(&url_text).map_err(|e| fail(EXIT_USAGE, e))?;
    if flow == Flow::ClientCredentials
        && matches!(
            login_url.kind(),
            crate::salesforce::login_url::HostKind::Production
                | crate::salesforce::login_url::HostKind::Sandbox
        )
    {
        return Err(fail(
            EXIT_USAGE,
            "client credentials works only on the org's My Domain URL (login.salesforce.com and test.salesforce.com refuse it): give --login-url https://YOURDOMAIN.my.salesforce.com (Setup > My Domain shows it). Nothing was sent.",
        ));
    }
    let needs_username = matches!(flow, Flow::Soap | Flow::Password | Flow::Jwt);
    let username = args
        .username
        .clone()
        .or(existing.and_then(|p| p.username.clone()))
        .or_else(|| {
            needs_username
                .then(|| super::prompt_line("Username of the integration user"))
                .flatten()
        });
    let client_id = args
        .client_id
        .clone()
        .or(existing.and_then(|p| p.client_id.clone()))
        .or_else(|| {
            (flow != Flow::Soap)
                .then(|| super::prompt_line("Consumer key of the app"))
                .flatten()
        });
    // A key file given on the command line is saved as an absolute path: cron and systemd run
    // in another directory. Else the key pair made for this connection (`--generate-key` or
    // the wizard).
    let given_key = match &args.key_file {
        Some(path) => Some(std::path::absolute(path).map_err(|e| {
            fail(
                EXIT_USAGE,
                format!("cannot resolve the key file {}: {e}", path.display()),
            )
        })?),
        None => None,
    };
    let key_file = match given_key.or(existing.and_then(|p| p.key_file.clone())) {
        Some(key) => Some(key),
        None if flow == Flow::Jwt => default_key(
            &args.name,
            saved,
            client_id.as_deref(),
            login_url.as_str(),
            keys_dir,
        ),
        None => None,
    };
    let sandbox = args.sandbox || login_url.is_sandbox() || existing.is_some_and(|p| p.sandbox);
    let mut secrets = SecretBundle::default();
    match flow {
        Flow::Soap | Flow::Password => {
            required(username.as_ref(), "--username")?;
            let password = required(
                secret(
                    sources,
                    "SFCONNECT_PASSWORD",
                    "Password",
                    old,
                    key::PASSWORD,
                )?,
                "the password (SFCONNECT_PASSWORD, --password-stdin or SFCONNECT_PASSWORD_FILE)",
            )?;
            secrets.set(key::PASSWORD, password);
            secrets = secrets.with(key::SECURITY_TOKEN, security_token(sources, old)?);
            if flow == Flow::Password {
                required(client_id.as_ref(), "--client-id (the consumer key)")?;
                secrets.set(key::CLIENT_SECRET, consumer_secret(sources, old)?);
            }
        }
        Flow::ClientCredentials => {
            required(client_id.as_ref(), "--client-id (the consumer key)")?;
            secrets.set(key::CLIENT_SECRET, consumer_secret(sources, old)?);
        }
        Flow::RefreshToken => {
            required(client_id.as_ref(), "--client-id (the consumer key)")?;
            secrets = secrets.with(key::CLIENT_SECRET, optional_consumer_secret(sources, old)?);
            let refresh = required(
                secret(
                    sources,
                    "SFCONNECT_REFRESH_TOKEN",
                    "Refresh token",
                    old,
                    key::REFRESH_TOKEN,
                )?,
                "the refresh token (SFCONNECT_REFRESH_TOKEN, --refresh-token-stdin or SFCONNECT_REFRESH_TOKEN_FILE)",
            )?;
            secrets.set(key::REFRESH_TOKEN, refresh);
        }
        Flow::Jwt => {
            required(client_id.as_ref(), "--client-id (the consumer key)")?;
            required(username.as_ref(), "--username")?;
            let key = required(key_file.as_ref(), "--key-file (the PEM private key)")?;
            check_private_key(key)?;
        }
        Flow::Web | Flow::Device => {
            required(client_id.as_ref(), "--client-id (the consumer key)")?;
            secrets = secrets.with(key::CLIENT_SECRET, optional_consumer_secret(sources, old)?);
        }
    }
    Ok(Draft {
        ui: existing.map(|p| p.ui).unwrap_or_default(),
        flow,
        login_url,
        username,
        client_id,
        key_file,
        sandbox,
        secrets,
    })
}
