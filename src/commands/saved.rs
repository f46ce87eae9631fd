//! A saved connection opened for a command: its settings, store and secrets, plus what the
//! commands share after a login (persisting a rotated refresh token, caching the access token).

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use secrecy::{ExposeSecret, SecretString};

use super::{EXIT_FAILED, fail, profile_failure, profiles, report};
use crate::check::{self, CheckEvent, CheckResult, LoggedIn, Outcome, Status, Strategy, Target};
use crate::cli::Global;
use crate::profile::credentials::credentials_for;
use crate::profile::{
    LastTest, Profile, ProfileError, Profiles, SecretBundle, SecretStore, StoreError, key,
};
use crate::salesforce::http::request_timeout;
use crate::salesforce::{Authenticated, Http, LoginUrl, SfError, authenticate};

/// Salesforce's default password policy, and how early to warn.
pub const PASSWORD_POLICY_DAYS: i64 = 90;
pub const WARN_DAYS: i64 = 14;
/// An OAuth access token's lifetime is the org's session timeout, which no response states;
/// 15 minutes is the shortest an org can set, so a cached token younger than that is valid.
const OAUTH_SESSION_SECS: u64 = 15 * 60;
/// Refresh a cached token this long before its end.
const EXPIRY_MARGIN_SECS: u64 = 60;
const ACCESS_TOKEN_EXPIRES: &str = "access_token_expires";

pub struct Saved {
    pub profiles: Arc<Profiles>,
    pub name: String,
    pub profile: Profile,
    pub store: Arc<dyn SecretStore>,
    pub secrets: SecretBundle,
}

/// Run blocking profile work (locks, keyring calls) off the async runtime.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ProfileError> + Send + 'static,
) -> Result<T, ProfileError> {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|e| {
        Err(ProfileError::Store(StoreError::KeyringFailed(
            e.to_string(),
        )))
    })
}

pub async fn open_store(
    profiles: &Arc<Profiles>,
    kind: crate::profile::StoreKind,
) -> Result<Arc<dyn SecretStore>, ProfileError> {
    let profiles = profiles.clone();
    blocking(move || Ok(profiles.open_store(kind)?))
        .await
        .map(Arc::from)
}

/// Open a saved connection with its secrets, in `profiles`.
pub async fn open_in(profiles: Arc<Profiles>, name: &str) -> Result<Saved, ProfileError> {
    let profile = profiles.get(name)?;
    let store = open_store(&profiles, profile.store).await?;
    let secrets = {
        let (profiles, store, name, profile) = (
            profiles.clone(),
            store.clone(),
            name.to_string(),
            profile.clone(),
        );
        blocking(move || profiles.secrets(&name, &profile, store.as_ref())).await?
    };
    Ok(Saved {
        profiles,
        name: name.to_string(),
        profile,
        store,
        secrets,
    })
}

/// Open a saved connection with its secrets, for a command.
pub async fn open(global: &Global, name: &str) -> Result<Saved, ExitCode> {
    open_in(Arc::new(profiles(global)?), name)
        .await
        .map_err(|e| profile_failure(&e))
}

/// What the checks need to know about a connection.
pub fn target(profile: &Profile, secrets: &SecretBundle) -> Result<Target, SfError> {
    let objects = if profile.objects.required.is_empty() && profile.objects.optional.is_empty() {
        check::objects::defaults()
    } else {
        check::objects::parse(&profile.objects.required, &profile.objects.optional)
    };
    Ok(Target {
        login_url: LoginUrl::parse(&profile.login_url)?,
        credentials: credentials_for(profile, secrets)?,
        flow: profile.flow,
        sandbox: profile.sandbox,
        objects,
        password_changed_at: profile.password_changed_at,
        password_policy_days: profile
            .password_policy_days
            .map(i64::from)
            .unwrap_or(PASSWORD_POLICY_DAYS),
        warn_days: WARN_DAYS,
        company_domains: profile.company_domains.clone(),
    })
}

pub fn http() -> Result<Http, ExitCode> {
    Http::new(request_timeout()).map_err(|e| fail(EXIT_FAILED, e))
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Keep what a login produced: a rotated refresh token (at once: losing it locks the
/// integration out) and the access token with its expiry, for `token` to reuse.
pub fn remember_session(bundle: &mut SecretBundle, auth: &Authenticated) {
    if let Some(refresh) = &auth.refresh_token {
        bundle.set(key::REFRESH_TOKEN, refresh.clone());
    }
    let lifetime = auth.session_seconds.unwrap_or(OAUTH_SESSION_SECS);
    bundle.set(key::ACCESS_TOKEN, auth.session.access_token.clone());
    bundle.set(
        ACCESS_TOKEN_EXPIRES,
        SecretString::from((now_secs() + lifetime).to_string()),
    );
}

/// Complete a connection about to be saved with what a passing check learned: where the org
/// lives, who the user is, the password's age, the session and the verdict.
pub fn finalize(
    profile: &mut Profile,
    secrets: &mut SecretBundle,
    old: Option<&SecretBundle>,
    session: &LoggedIn,
    summary: String,
) {
    let auth = &session.auth;
    let now = SystemTime::now();
    remember_session(secrets, auth);
    let new_password = match (
        old.and_then(|b| b.get(key::PASSWORD)),
        secrets.get(key::PASSWORD),
    ) {
        (Some(before), Some(after)) => before.expose_secret() != after.expose_secret(),
        _ => false,
    };
    profile.instance_url = Some(auth.session.instance_url.clone());
    profile.sandbox = profile.sandbox || auth.sandbox.unwrap_or(false);
    profile.username = session.username.clone().or(profile.username.take());
    profile.org_id = Some(auth.org_id.clone()).filter(|s| !s.is_empty());
    profile.user_id = Some(auth.user_id.clone()).filter(|s| !s.is_empty());
    profile.password_changed_at = if new_password {
        Some(now)
    } else {
        session.password_changed_at.or(profile.password_changed_at)
    };
    if secrets.get(key::REFRESH_TOKEN).is_some()
        && (auth.refresh_token.is_some() || profile.refresh_token_obtained_at.is_none())
    {
        profile.refresh_token_obtained_at = Some(now);
    }
    profile.last_test = Some(LastTest {
        at: now,
        ok: true,
        summary,
    });
}

/// The cached access token, if it is still good for a while.
pub fn cached_token(bundle: &SecretBundle) -> Option<SecretString> {
    let expires: u64 = bundle
        .get(ACCESS_TOKEN_EXPIRES)?
        .expose_secret()
        .parse()
        .ok()?;
    (expires > now_secs() + EXPIRY_MARGIN_SECS)
        .then(|| bundle.get(key::ACCESS_TOKEN).cloned())
        .flatten()
}

impl Saved {
    /// Log in with the saved credentials and persist what the login changed.
    pub async fn log_in(&self, http: &Http) -> Result<Authenticated, SfError> {
        let login_url = LoginUrl::parse(&self.profile.login_url)?;
        let creds = credentials_for(&self.profile, &self.secrets)?;
        let auth = authenticate(http, &login_url, &creds).await?;
        self.persist(&auth, |_| {}).await;
        Ok(auth)
    }

    /// Save a login's rotated refresh token and cached access token, plus profile changes.
    pub async fn persist(
        &self,
        auth: &Authenticated,
        change: impl FnOnce(&mut Profile) + Send + 'static,
    ) {
        let (profiles, store, name) =
            (self.profiles.clone(), self.store.clone(), self.name.clone());
        let rotated = auth.refresh_token.is_some();
        let mut fresh = SecretBundle::default();
        remember_session(&mut fresh, auth);
        let saved = blocking(move || {
            profiles.update_with_secrets(&name, store.as_ref(), |profile, bundle| {
                for name in [key::REFRESH_TOKEN, key::ACCESS_TOKEN, ACCESS_TOKEN_EXPIRES] {
                    if let Some(v) = fresh.get(name) {
                        bundle.set(name, v.clone());
                    }
                }
                if rotated {
                    profile.refresh_token_obtained_at = Some(SystemTime::now());
                }
                change(profile);
                true
            })
        })
        .await;
        if let Err(e) = saved {
            eprintln!("sfconnect: could not save the new session: {e}");
        }
    }
}

/// Colour only on a terminal, and never with NO_COLOR set.
pub fn use_colour(stream_is_terminal: bool) -> bool {
    stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

pub fn symbol(status: Status, colour: bool) -> String {
    let (mark, code) = match status {
        Status::Pass => ("✓", "32"),
        Status::Warn => ("⚠", "33"),
        Status::Fail => ("✗", "31"),
        Status::Skip => ("-", "2"),
    };
    if colour {
        format!("\x1b[{code}m{mark}\x1b[0m")
    } else {
        mark.to_string()
    }
}

pub fn print_check(out: &mut dyn std::io::Write, check: &CheckResult, colour: bool) {
    let _ = writeln!(
        out,
        "{} {}: {}",
        symbol(check.status, colour),
        check.title,
        check.detail
    );
    let fix = check.full_fix();
    if !fix.is_empty() && matches!(check.status, Status::Fail | Status::Warn) {
        let _ = writeln!(out, "    fix: {fix}");
    }
}

/// Run the checks, printing each as it finishes to stderr when `live`.
pub async fn run_checks(http: &Http, target: Target, live: bool) -> Outcome {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let printer = tokio::spawn(async move {
        let colour = use_colour(std::io::stderr().is_terminal());
        while let Some(event) = rx.recv().await {
            if let (true, CheckEvent::Finished(check)) = (live, event) {
                print_check(&mut std::io::stderr(), &check, colour);
            }
        }
    });
    let outcome = check::run(http, target, Strategy::Batched, Some(&tx)).await;
    drop(tx);
    let _ = printer.await;
    outcome
}

/// Report a login failure the way every command does.
pub fn login_failed(e: &SfError) -> ExitCode {
    report(e);
    ExitCode::from(EXIT_FAILED)
}
