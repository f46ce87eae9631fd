//! A saved connection opened with its secrets, and what a login leaves to keep: a rotated
//! refresh token, the access token, the verdict of a test. Each is written only while the
//! connection still points at the secrets it was opened with.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use secrecy::{ExposeSecret, SecretString};

use super::health::{PASSWORD_POLICY_DAYS, WARN_DAYS};
use crate::check::{self, Outcome, Target};
use crate::profile::credentials::credentials_for;
use crate::profile::{
    Applied, LastTest, Profile, ProfileError, Profiles, SecretBundle, SecretStore, StoreError,
    StoreKind, key, rescue,
};
use crate::salesforce::{Authenticated, LoginUrl, SfError};

/// An OAuth access token's lifetime is the org's session timeout, which no response states;
/// 15 minutes is the shortest an org can set, so a cached token younger than that is likely valid.
const OAUTH_SESSION_SECS: u64 = 15 * 60;
/// The longest session timeout Salesforce offers (Session Settings: 24 hours).
const LONGEST_SESSION_SECS: u64 = 24 * 60 * 60;
/// Log in again this long before a cached token's estimated end.
const EXPIRY_MARGIN_SECS: u64 = 60;
pub(super) const ACCESS_TOKEN_EXPIRES: &str = "access_token_expires";
/// When the cached access token was obtained (milliseconds since the Unix epoch): a task that
/// waited for a connection's refresh hold uses a session obtained while it waited.
pub(super) const ACCESS_TOKEN_OBTAINED: &str = "access_token_obtained";
/// What a login leaves in the secrets: the refresh token (when rotated or new) and the
/// session, with its estimated end and when it was obtained.
const SESSION_KEYS: [&str; 4] = [
    key::REFRESH_TOKEN,
    key::ACCESS_TOKEN,
    ACCESS_TOKEN_EXPIRES,
    ACCESS_TOKEN_OBTAINED,
];

#[derive(Clone)]
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
    kind: StoreKind,
) -> Result<Arc<dyn SecretStore>, ProfileError> {
    let profiles = profiles.clone();
    blocking(move || Ok(profiles.open_store(kind)?))
        .await
        .map(Arc::from)
}

/// Open a saved connection with its secrets. A rotated refresh token that could not be saved
/// when it was issued (see `profile::rescue`) is saved first.
pub async fn open_in(profiles: Arc<Profiles>, name: &str) -> Result<Saved, ProfileError> {
    let mut profile = profiles.get(name)?;
    let store = open_store(&profiles, profile.store).await?;
    {
        // Secrets a removal could not delete then are deleted now that the store opens.
        let (p, store) = (profiles.clone(), store.clone());
        blocking(move || {
            p.sweep(store.as_ref());
            Ok(())
        })
        .await?;
    }
    if let Some(place) = rescue::pending(profiles.dir(), name) {
        let (p, store, n) = (profiles.clone(), store.clone(), name.to_string());
        blocking(move || adopt_rescue(&p, &n, store.as_ref(), &place)).await?;
        profile = profiles.get(name)?;
    }
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

/// Save the rotated refresh token waiting at `place` into `name`'s store, then delete it. One
/// that belongs to credentials replaced since is stale, and only deleted.
pub(super) fn adopt_rescue(
    profiles: &Profiles,
    name: &str,
    store: &dyn SecretStore,
    place: &std::path::Path,
) -> Result<(), ProfileError> {
    let waiting = |source: ProfileError| ProfileError::RescueWaiting {
        name: name.to_string(),
        place: place.to_path_buf(),
        source: Box::new(source),
    };
    let _hold = profiles.hold_refresh(name).map_err(waiting)?;
    let rescued =
        rescue::read(place, profiles.rescue_passphrase()).map_err(|e| waiting(e.into()))?;
    let entry = rescued
        .get(rescue::FOR_ENTRY)
        .map(|e| e.expose_secret().to_string())
        .unwrap_or_default();
    let applied = profiles
        .update_with_secrets_if(name, Some(&entry), store, |profile, bundle| {
            for key in SESSION_KEYS {
                if let Some(v) = rescued.get(key) {
                    bundle.set(key, v.clone());
                }
            }
            if rescued.get(key::REFRESH_TOKEN).is_some() {
                profile.refresh_token_obtained_at = Some(SystemTime::now());
            }
            true
        })
        .map_err(waiting)?;
    match applied {
        Applied::Written => tracing::info!(
            "saved the rotated refresh token of '{name}' kept in {}",
            place.display()
        ),
        Applied::Stale => tracing::info!(
            "'{name}' was re-authenticated since its refresh token was kept in {}; dropped",
            place.display()
        ),
    }
    rescue::discard(place);
    Ok(())
}

/// What a test leaves on the saved connection: when, its verdict, and what it learned.
pub fn last_test(outcome: &Outcome) -> LastTest {
    LastTest {
        at: SystemTime::now(),
        ok: outcome.ok(),
        summary: outcome.summary(),
        api_requests_remaining: outcome
            .session
            .as_ref()
            .and_then(|s| s.api_requests_remaining),
        elapsed_ms: Some(outcome.elapsed.as_millis() as u64),
    }
}

/// What the checks need to know about a connection.
pub fn target(name: &str, profile: &Profile, secrets: &SecretBundle) -> Result<Target, SfError> {
    let objects = if profile.objects.required.is_empty() && profile.objects.optional.is_empty() {
        check::objects::defaults()
    } else {
        check::objects::parse(&profile.objects.required, &profile.objects.optional)
    };
    Ok(Target {
        name: name.to_string(),
        certificate: profile
            .key_file
            .as_deref()
            .filter(|_| profile.flow == crate::profile::Flow::Jwt)
            .and_then(crate::profile::jwt_key::certificate_for),
        jwt_refused_fix: None,
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

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Keep what a login produced: a rotated refresh token (at once: losing it locks the
/// integration out) and the access token with its estimated end, for `token` to reuse.
pub fn remember_session(bundle: &mut SecretBundle, auth: &Authenticated) {
    if let Some(refresh) = &auth.refresh_token {
        bundle.set(key::REFRESH_TOKEN, refresh.clone());
    }
    // The server's word, but never past the longest session an org can set (24 hours).
    let lifetime = auth
        .session_seconds
        .unwrap_or(OAUTH_SESSION_SECS)
        .min(LONGEST_SESSION_SECS);
    bundle.set(key::ACCESS_TOKEN, auth.session.access_token.clone());
    bundle.set(
        ACCESS_TOKEN_EXPIRES,
        SecretString::from(now_secs().saturating_add(lifetime).to_string()),
    );
    bundle.set(
        ACCESS_TOKEN_OBTAINED,
        SecretString::from(millis(SystemTime::now()).to_string()),
    );
}

fn millis(t: SystemTime) -> u128 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis())
}

/// When the cached access token was obtained, if the bundle says.
pub(super) fn obtained_at(bundle: &SecretBundle) -> Option<u128> {
    bundle
        .get(ACCESS_TOKEN_OBTAINED)?
        .expose_secret()
        .parse()
        .ok()
}

/// The session saved for connection `profile` at or after `since` (another task or process
/// refreshed it while this one waited for the hold), as a login the checks can use: that
/// refresh proved the refresh token, and spending the new one again would gain nothing.
pub fn session_saved_since(
    http: &crate::salesforce::Http,
    profile: &Profile,
    bundle: &SecretBundle,
    since: SystemTime,
) -> Option<Authenticated> {
    if obtained_at(bundle)? < millis(since) {
        return None;
    }
    let token = cached_token(bundle)?;
    let instance = profile.instance_url.as_deref()?;
    Some(Authenticated {
        session: crate::salesforce::rest::Session::new(http.clone(), instance, token),
        identity_url: None,
        org_id: profile.org_id.clone()?,
        user_id: profile.user_id.clone()?,
        username: profile.username.clone(),
        refresh_token: None,
        password_expired: false,
        sandbox: Some(profile.sandbox),
        issued_at_ms: None,
        session_seconds: None,
    })
}

/// The cached access token, if it has not reached its estimated end.
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

/// The refresh-token hold of one connection; released on drop.
pub struct Hold {
    _across_processes: crate::profile::ConfigLock,
    _in_process: tokio::sync::OwnedMutexGuard<()>,
}

/// Take connection `name`'s refresh-token hold: first among this process's tasks (they wait
/// in turn, without each polling the lock file), then across processes (`Profiles::hold_refresh`).
pub async fn hold_refresh(profiles: &Arc<Profiles>, name: &str) -> Result<Hold, ProfileError> {
    type Turns =
        std::collections::HashMap<(std::path::PathBuf, String), Arc<tokio::sync::Mutex<()>>>;
    static TURNS: std::sync::LazyLock<std::sync::Mutex<Turns>> =
        std::sync::LazyLock::new(Default::default);
    let turn = TURNS
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .entry((profiles.dir().to_path_buf(), name.to_string()))
        .or_default()
        .clone();
    let in_process = turn.lock_owned().await;
    let (p, n) = (profiles.clone(), name.to_string());
    let across = blocking(move || p.hold_refresh(&n)).await?;
    Ok(Hold {
        _across_processes: across,
        _in_process: in_process,
    })
}

impl Saved {
    /// Take this connection's refresh-token hold (waiting for another task's or process's).
    pub async fn hold_refresh(&self) -> Result<Hold, ProfileError> {
        hold_refresh(&self.profiles, &self.name).await
    }

    /// The secrets entry this connection pointed at when it was opened.
    pub fn entry(&self) -> &str {
        &self.profile.secrets
    }

    /// Save a login's rotated refresh token and access token, plus profile changes, unless the
    /// connection has been re-authenticated since it was opened: then they belong to the old
    /// credentials, and nothing is written (the log says so).
    pub async fn persist(
        &self,
        auth: &Authenticated,
        change: impl FnOnce(&mut Profile) + Send + 'static,
    ) -> Result<Applied, ProfileError> {
        self.persist_session(auth, true, change).await
    }

    /// As `persist`; with `usable` false the new access token is not kept (the org refuses API
    /// calls with it, as after an expired password), while a rotated refresh token still is,
    /// and the cached session from before stays for `token` to confirm.
    async fn persist_session(
        &self,
        auth: &Authenticated,
        usable: bool,
        change: impl FnOnce(&mut Profile) + Send + 'static,
    ) -> Result<Applied, ProfileError> {
        let (profiles, store, name, entry) = (
            self.profiles.clone(),
            self.store.clone(),
            self.name.clone(),
            self.entry().to_string(),
        );
        let rotated = auth.refresh_token.is_some();
        let mut fresh = SecretBundle::default();
        remember_session(&mut fresh, auth);
        if !usable {
            fresh.remove(key::ACCESS_TOKEN);
            fresh.remove(ACCESS_TOKEN_EXPIRES);
        }
        let applied = blocking(move || {
            let written = profiles.update_with_secrets_if(
                &name,
                Some(&entry),
                store.as_ref(),
                |profile, bundle| {
                    for name in SESSION_KEYS {
                        if let Some(v) = fresh.get(name) {
                            bundle.set(name, v.clone());
                        }
                    }
                    if rotated {
                        profile.refresh_token_obtained_at = Some(SystemTime::now());
                    }
                    change(profile);
                    true
                },
            );
            match written {
                // The org has revoked the old refresh token already: the new one is kept
                // elsewhere for the next run, or the connection would be lost.
                Err(e) if rotated => Err(rescue_rotation(&profiles, &name, &entry, &fresh, e)),
                written => written,
            }
        })
        .await?;
        self.log_stale(applied, "the new session");
        Ok(applied)
    }

    /// Record a test's verdict, with the session it opened, on the connection it tested.
    pub async fn record(&self, outcome: &Outcome) -> Result<Applied, ProfileError> {
        tracing::info!("tested '{}': {}", self.name, outcome.summary());
        let last = last_test(outcome);
        match &outcome.session {
            Some(session) => {
                let changed = session.password_changed_at;
                // A session no API call accepts is never cached for `token` to hand out.
                let refused = outcome
                    .checks
                    .iter()
                    .any(|c| c.id == "api_enabled" && c.status == crate::check::Status::Fail);
                let usable = !session.auth.password_expired && !refused;
                self.persist_session(&session.auth, usable, move |p| {
                    p.last_test = Some(last);
                    if changed.is_some() {
                        p.password_changed_at = changed;
                    }
                })
                .await
            }
            None => self.record_failure(last).await,
        }
    }

    async fn record_failure(&self, last: LastTest) -> Result<Applied, ProfileError> {
        let (profiles, name, entry) = (
            self.profiles.clone(),
            self.name.clone(),
            self.entry().to_string(),
        );
        let applied = blocking(move || {
            profiles.update_profile_if(&name, Some(&entry), |p| p.last_test = Some(last))
        })
        .await?;
        self.log_stale(applied, "the test result");
        Ok(applied)
    }

    fn log_stale(&self, applied: Applied, what: &str) {
        if applied == Applied::Stale {
            tracing::warn!(
                "'{}' was re-authenticated while this ran; {what} of its old credentials was dropped",
                self.name
            );
        }
    }
}

/// Keep a rotated refresh token its store refused (`e`) where the next run finds it.
fn rescue_rotation(
    profiles: &Profiles,
    name: &str,
    entry: &str,
    fresh: &SecretBundle,
    e: ProfileError,
) -> ProfileError {
    let kept = match rescue::keep(
        profiles.dir(),
        name,
        entry,
        fresh,
        profiles.rescue_passphrase(),
    ) {
        Ok(place) => format!(
            "It is kept, encrypted, in {} until it can be.",
            place.display()
        ),
        Err(also) => format!(
            "It could not be kept anywhere else either ({also}), so '{name}' must be re-authenticated (`sfconnect login {name}` asks for what changed)."
        ),
    };
    ProfileError::RotatedUnsaved {
        name: name.to_string(),
        source: Box::new(e),
        kept,
    }
}

/// The other saved connection that holds `refresh_token` already, if any: only connections of
/// the same app are opened to look. Two connections sharing one refresh token break each other
/// (removing either revokes it for both; a rotation by one strands the other).
pub async fn holder_of_refresh_token(
    profiles: &Arc<Profiles>,
    name: &str,
    client_id: &str,
    refresh_token: &secrecy::SecretString,
) -> Option<String> {
    use secrecy::ExposeSecret;
    let config = profiles.config().ok()?;
    for (other, profile) in &config.connections {
        if other == name || profile.client_id.as_deref() != Some(client_id) {
            continue;
        }
        let Ok(saved) = open_in(profiles.clone(), other).await else {
            continue;
        };
        let theirs = saved.secrets.get(crate::profile::key::REFRESH_TOKEN);
        if theirs.is_some_and(|t| t.expose_secret() == refresh_token.expose_secret()) {
            return Some(other.clone());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::salesforce::rest::Session;

    /// A server that claims an endless session (SOAP's `sessionSecondsValid`) gets 24 hours at
    /// most, and no overflow.
    #[test]
    fn an_endless_session_from_the_server_is_cut_to_a_day() {
        let http = crate::salesforce::Http::new(std::time::Duration::from_secs(1)).unwrap();
        let auth = Authenticated {
            session: Session::new(http, "https://acme.my.salesforce.com", "00Dx!tok".into()),
            identity_url: None,
            org_id: "00Dx".into(),
            user_id: "005x".into(),
            username: None,
            refresh_token: None,
            password_expired: false,
            sandbox: None,
            issued_at_ms: None,
            session_seconds: Some(u64::MAX),
        };
        let mut bundle = SecretBundle::default();
        remember_session(&mut bundle, &auth);
        let expires: u64 = bundle
            .get(ACCESS_TOKEN_EXPIRES)
            .unwrap()
            .expose_secret()
            .parse()
            .unwrap();
        assert!(expires <= now_secs() + LONGEST_SESSION_SECS, "{expires}");
        assert!(cached_token(&bundle).is_some());
    }
}
