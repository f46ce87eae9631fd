//! `sfconnect login NAME --flow …`: log in without the wizard, test, and save only on success.
//! An existing connection keeps its working credentials until the new ones have passed.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

use secrecy::{ExposeSecret, SecretString};

use super::{EXIT_FAILED, EXIT_USAGE, fail, profile_failure, profiles, report, secret_input};
use crate::cli::{Global, LoginArgs};
use crate::profile::{
    Flow, LastTest, Profile, ProfileError, Profiles, SecretBundle, SecretStore, key,
};
use crate::salesforce::http::DEFAULT_TIMEOUT;
use crate::salesforce::oauth::ClientApp;
use crate::salesforce::{Authenticated, Cause, Credentials, Http, LoginUrl, SfError, authenticate};

/// What the user gave (or the saved connection had) for this login.
struct Inputs {
    flow: Flow,
    login_url: LoginUrl,
    username: Option<String>,
    client_id: Option<String>,
    key_file: Option<PathBuf>,
    sandbox: bool,
    secrets: SecretBundle,
}

/// A secret from the environment or a prompt, else the saved one (unchanged since last time).
fn secret(env: &str, label: &str, old: Option<&SecretBundle>, name: &str) -> Option<SecretString> {
    secret_input(env, label).or_else(|| old.and_then(|b| b.get(name)).cloned())
}

fn required<T>(value: Option<T>, what: &str) -> Result<T, ExitCode> {
    value.ok_or_else(|| fail(EXIT_USAGE, format!("{what} is needed for this flow")))
}

fn gather(
    args: &LoginArgs,
    existing: Option<&Profile>,
    old: Option<&SecretBundle>,
) -> Result<Inputs, ExitCode> {
    let flow = args
        .flow
        .or(existing.map(|p| p.flow))
        .ok_or_else(|| fail(EXIT_USAGE, "--flow is needed for a new connection (soap, password, web, device, jwt, client-credentials, refresh-token)"))?;
    let url_text = args
        .login_url
        .clone()
        .or(existing.map(|p| p.login_url.clone()))
        .ok_or_else(|| fail(EXIT_USAGE, "--login-url is needed for a new connection (https://login.salesforce.com, https://test.salesforce.com or your My Domain URL)"))?;
    let login_url = LoginUrl::parse(&url_text).map_err(|e| fail(EXIT_USAGE, e))?;
    let username = args
        .username
        .clone()
        .or(existing.and_then(|p| p.username.clone()));
    let client_id = args
        .client_id
        .clone()
        .or(existing.and_then(|p| p.client_id.clone()));
    let key_file = args
        .key_file
        .clone()
        .or(existing.and_then(|p| p.key_file.clone()));
    let sandbox = args.sandbox || login_url.is_sandbox() || existing.is_some_and(|p| p.sandbox);
    let mut secrets = SecretBundle::default();
    match flow {
        Flow::Soap | Flow::Password => {
            required(username.as_ref(), "--username")?;
            let password = required(
                secret("SFCONNECT_PASSWORD", "Password", old, key::PASSWORD),
                "the password (SFCONNECT_PASSWORD)",
            )?;
            secrets.set(key::PASSWORD, password);
            let token = secret(
                "SFCONNECT_SECURITY_TOKEN",
                "Security token (leave empty from a trusted network)",
                old,
                key::SECURITY_TOKEN,
            );
            secrets = secrets.with(key::SECURITY_TOKEN, token);
            if flow == Flow::Password {
                required(client_id.as_ref(), "--client-id (the consumer key)")?;
                let client_secret = required(
                    secret(
                        "SFCONNECT_CLIENT_SECRET",
                        "Consumer secret",
                        old,
                        key::CLIENT_SECRET,
                    ),
                    "the consumer secret (SFCONNECT_CLIENT_SECRET)",
                )?;
                secrets.set(key::CLIENT_SECRET, client_secret);
            }
        }
        Flow::ClientCredentials => {
            required(client_id.as_ref(), "--client-id (the consumer key)")?;
            let client_secret = required(
                secret(
                    "SFCONNECT_CLIENT_SECRET",
                    "Consumer secret",
                    old,
                    key::CLIENT_SECRET,
                ),
                "the consumer secret (SFCONNECT_CLIENT_SECRET)",
            )?;
            secrets.set(key::CLIENT_SECRET, client_secret);
        }
        Flow::RefreshToken => {
            required(client_id.as_ref(), "--client-id (the consumer key)")?;
            let client_secret = secret(
                "SFCONNECT_CLIENT_SECRET",
                "Consumer secret (empty if the app needs none)",
                old,
                key::CLIENT_SECRET,
            );
            secrets = secrets.with(key::CLIENT_SECRET, client_secret);
            let refresh = required(
                secret(
                    "SFCONNECT_REFRESH_TOKEN",
                    "Refresh token",
                    old,
                    key::REFRESH_TOKEN,
                ),
                "the refresh token (SFCONNECT_REFRESH_TOKEN)",
            )?;
            secrets.set(key::REFRESH_TOKEN, refresh);
        }
        Flow::Jwt => {
            required(client_id.as_ref(), "--client-id (the consumer key)")?;
            required(username.as_ref(), "--username")?;
            required(key_file.as_ref(), "--key-file (the PEM private key)")?;
        }
        Flow::Web | Flow::Device => {
            return Err(fail(
                EXIT_USAGE,
                format!(
                    "`sfconnect login --flow {}` is not available yet; use the soap, password, jwt, client-credentials or refresh-token flow",
                    flow.as_str()
                ),
            ));
        }
    }
    Ok(Inputs {
        flow,
        login_url,
        username,
        client_id,
        key_file,
        sandbox,
        secrets,
    })
}

fn credentials(inputs: &Inputs) -> Result<Credentials, SfError> {
    let s = &inputs.secrets;
    let app = || ClientApp {
        client_id: inputs.client_id.clone().unwrap_or_default(),
        client_secret: s.get(key::CLIENT_SECRET).cloned(),
    };
    let password = || {
        s.get(key::PASSWORD)
            .cloned()
            .unwrap_or_else(|| SecretString::from(""))
    };
    let username = || inputs.username.clone().unwrap_or_default();
    Ok(match inputs.flow {
        Flow::Soap => Credentials::Soap {
            username: username(),
            password: password(),
            security_token: s.get(key::SECURITY_TOKEN).cloned(),
        },
        Flow::Password => Credentials::Password {
            app: app(),
            username: username(),
            password: password(),
            security_token: s.get(key::SECURITY_TOKEN).cloned(),
        },
        Flow::ClientCredentials => Credentials::ClientCredentials { app: app() },
        Flow::RefreshToken => Credentials::RefreshToken {
            app: app(),
            refresh_token: s
                .get(key::REFRESH_TOKEN)
                .cloned()
                .unwrap_or_else(|| SecretString::from("")),
        },
        Flow::Jwt => {
            let path = inputs.key_file.clone().unwrap_or_default();
            let pem = std::fs::read_to_string(&path).map_err(|e| {
                SfError::new(Cause::InvalidKey)
                    .with_context(format!("cannot read {}: {e}", path.display()))
            })?;
            Credentials::Jwt {
                client_id: inputs.client_id.clone().unwrap_or_default(),
                username: username(),
                private_key_pem: SecretString::from(pem),
                sandbox: inputs.sandbox,
            }
        }
        Flow::Web | Flow::Device => return Err(SfError::new(Cause::Other)),
    })
}

/// Log in and make one real API call: a login can succeed while every call fails.
async fn log_in_and_test(inputs: &Inputs) -> Result<Authenticated, SfError> {
    let http = Http::new(DEFAULT_TIMEOUT)?;
    let auth = authenticate(&http, &inputs.login_url, &credentials(inputs)?).await?;
    if auth.password_expired {
        return Err(SfError::new(Cause::PasswordExpired));
    }
    auth.session.limits().await?;
    Ok(auth)
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ProfileError> + Send + 'static,
) -> Result<T, ProfileError> {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|e| {
        Err(ProfileError::Store(
            crate::profile::StoreError::KeyringFailed(e.to_string()),
        ))
    })
}

pub async fn run(global: &Global, args: LoginArgs) -> ExitCode {
    let profiles = match profiles(global) {
        Ok(p) => std::sync::Arc::new(p),
        Err(code) => return code,
    };
    if !crate::profile::valid_name(&args.name) {
        return profile_failure(&ProfileError::BadName(args.name.clone()));
    }
    let existing = match profiles.config() {
        Ok(mut c) => c.connections.remove(&args.name),
        Err(e) => return profile_failure(&e.into()),
    };
    // Open the secret store before logging in, so a missing keyring is known up front.
    let kind = global
        .store
        .or(existing.as_ref().map(|p| p.store))
        .unwrap_or(crate::profile::StoreKind::Keyring);
    let store = {
        let profiles = profiles.clone();
        match blocking(move || Ok(profiles.open_store(kind)?)).await {
            Ok(s) => std::sync::Arc::<dyn SecretStore>::from(s),
            Err(e) => return profile_failure(&e),
        }
    };
    let old = match &existing {
        Some(profile) => {
            let (store, entry) = (store.clone(), profile.secrets.clone());
            match blocking(move || Ok(store.load(&entry)?)).await {
                Ok(b) => b,
                Err(e) => return profile_failure(&e),
            }
        }
        None => None,
    };
    let inputs = match gather(&args, existing.as_ref(), old.as_ref()) {
        Ok(i) => i,
        Err(code) => return code,
    };
    eprintln!(
        "Logging in to {} ({}){}…",
        inputs.login_url,
        inputs.flow.as_str(),
        inputs
            .username
            .as_deref()
            .map(|u| format!(" as {u}"))
            .unwrap_or_default()
    );
    let auth = match log_in_and_test(&inputs).await {
        Ok(a) => a,
        Err(e) => {
            report(&e);
            let kept = if existing.is_some() {
                format!("the saved connection '{}' is unchanged", args.name)
            } else {
                "nothing was saved".to_string()
            };
            eprintln!("sfconnect: login failed; {kept}.");
            return ExitCode::from(EXIT_FAILED);
        }
    };
    let username = match (&auth.username, &auth.identity_url) {
        (Some(u), _) => Some(u.clone()),
        (None, Some(id)) => auth.session.identity(id).await.ok().map(|i| i.username),
        _ => None,
    }
    .or(inputs.username.clone());

    let mut secrets = inputs.secrets.clone();
    if let Some(rotated) = auth.refresh_token.clone() {
        secrets.set(key::REFRESH_TOKEN, rotated);
    }
    let now = SystemTime::now();
    let password_changed = match (
        old.as_ref().and_then(|b| b.get(key::PASSWORD)),
        secrets.get(key::PASSWORD),
    ) {
        (Some(before), Some(after)) if before.expose_secret() == after.expose_secret() => {
            existing.as_ref().and_then(|p| p.password_changed_at)
        }
        (Some(_), Some(_)) => Some(now),
        _ => existing.as_ref().and_then(|p| p.password_changed_at),
    };
    let profile = Profile {
        flow: inputs.flow,
        login_url: inputs.login_url.to_string(),
        instance_url: Some(auth.session.instance_url.clone()),
        sandbox: inputs.sandbox || auth.sandbox.unwrap_or(false),
        username,
        org_id: Some(auth.org_id.clone()).filter(|s| !s.is_empty()),
        user_id: Some(auth.user_id.clone()).filter(|s| !s.is_empty()),
        client_id: inputs.client_id.clone(),
        key_file: inputs.key_file.clone(),
        store: store.kind(),
        secrets: String::new(),
        ui: existing.as_ref().map(|p| p.ui).unwrap_or_default(),
        objects: existing
            .as_ref()
            .map(|p| p.objects.clone())
            .unwrap_or_default(),
        created_at: existing.as_ref().map(|p| p.created_at).unwrap_or(now),
        password_changed_at: password_changed,
        refresh_token_obtained_at: if secrets.get(key::REFRESH_TOKEN).is_some() {
            Some(now)
        } else {
            None
        },
        last_test: Some(LastTest {
            at: now,
            ok: true,
            summary: "logged in and called the API".into(),
        }),
    };
    let name = args.name.clone();
    let describe = store.describe();
    let saved = {
        let (profiles, store): (std::sync::Arc<Profiles>, _) = (profiles.clone(), store.clone());
        blocking(move || profiles.commit(&name, profile, &secrets, store.as_ref())).await
    };
    match saved {
        Ok(()) => {
            println!(
                "Saved connection '{}' ({}). Secrets are in: {describe}.",
                args.name, auth.session.instance_url
            );
            ExitCode::SUCCESS
        }
        Err(e) => profile_failure(&e),
    }
}
