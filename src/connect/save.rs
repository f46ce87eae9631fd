//! The one way a tested connection is saved, for `sfconnect login` and the wizard alike: what
//! the passing test learned completes the connection, then the staged swap commits it.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use secrecy::ExposeSecret;

use super::saved::{blocking, remember_session};
use crate::check::{LoggedIn, Outcome};
use crate::profile::{Draft, LastTest, Profile, ProfileError, Profiles, SecretBundle, SecretStore};

/// A connection whose checks all passed, ready to save: what was entered and the session the
/// test opened.
pub struct Verified {
    pub name: String,
    pub draft: Draft,
    pub session: LoggedIn,
    pub summary: String,
}

impl fmt::Debug for Verified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verified")
            .field("name", &self.name)
            .field("flow", &self.draft.flow)
            .finish_non_exhaustive()
    }
}

impl Verified {
    /// The draft with the session of a passing test; None when a check failed.
    pub fn from_outcome(name: &str, draft: Draft, outcome: Outcome) -> Option<Self> {
        let ok = outcome.ok();
        let summary = outcome.summary();
        outcome.session.filter(|_| ok).map(|session| Self {
            name: name.to_string(),
            draft,
            session,
            summary,
        })
    }
}

/// What a save did.
#[derive(Debug, Clone)]
pub struct SaveReport {
    pub name: String,
    pub instance_url: String,
    /// Where the secrets went.
    pub store: crate::profile::store::StorePlace,
    /// An existing connection of that name was replaced (a re-authentication).
    pub replaced: bool,
    /// The refresh token the connection held before, when the new credentials do not use it:
    /// it stays valid at Salesforce until revoked (`revoke_previous`).
    pub previous: Option<Previous>,
}

/// A refresh token a re-authentication replaced, with the login host that can revoke it.
#[derive(Debug, Clone)]
pub struct Previous {
    pub login_url: String,
    pub refresh_token: secrecy::SecretString,
}

/// Revoke the refresh token a re-authentication replaced. Not done by default: an integration
/// handed the old token keeps working only until then, so it is done once it has the new one.
pub async fn revoke_previous(previous: &Previous) -> super::remove::Revocation {
    let mut old = SecretBundle::default();
    old.set(
        crate::profile::key::REFRESH_TOKEN,
        previous.refresh_token.clone(),
    );
    super::remove::revoke_token(Some(&old), Some(&previous.login_url)).await
}

/// The refresh token `old` held that `new` does not, if any.
fn replaced_token(
    existing: Option<&Profile>,
    old: Option<&SecretBundle>,
    new: &SecretBundle,
) -> Option<Previous> {
    let key = crate::profile::key::REFRESH_TOKEN;
    let before = old?.get(key)?;
    let kept = new
        .get(key)
        .is_some_and(|now| now.expose_secret() == before.expose_secret());
    (!kept).then(|| Previous {
        login_url: existing.map(|p| p.login_url.clone()).unwrap_or_default(),
        refresh_token: before.clone(),
    })
}

/// Complete a connection about to be saved with what a passing check learned: where the org
/// lives, who the user is, the password's age, the session and the verdict. `old` holds the
/// secrets the connection had before, to tell a new password from a kept one.
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
        old.and_then(|b| b.get(crate::profile::key::PASSWORD)),
        secrets.get(crate::profile::key::PASSWORD),
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
    if secrets.get(crate::profile::key::REFRESH_TOKEN).is_some()
        && (auth.refresh_token.is_some() || profile.refresh_token_obtained_at.is_none())
    {
        profile.refresh_token_obtained_at = Some(now);
    }
    profile.last_test = Some(LastTest {
        at: now,
        ok: true,
        summary,
        api_requests_remaining: session.api_requests_remaining,
        elapsed_ms: None,
    });
}

/// Whether a save may replace a saved connection of the same name.
/// What a save may replace. Either way, a name another process saved or re-authenticated
/// while this one worked is never overwritten.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replace {
    /// A new connection: only while the name is free.
    Nothing,
    /// A re-authentication: the connection that held this secrets entry when it began.
    Entry(String),
}

impl Replace {
    /// What `name` holds in `profiles` now, as a condition for replacing it later.
    pub fn as_now(existing: Option<&crate::profile::Profile>) -> Self {
        match existing {
            Some(p) => Replace::Entry(p.secrets.clone()),
            None => Replace::Nothing,
        }
    }

    fn expected(&self) -> Option<&str> {
        match self {
            Replace::Nothing => None,
            Replace::Entry(e) => Some(e),
        }
    }
}

/// Save a tested connection under its name in `store`. An existing connection of that name
/// keeps its settings the user did not touch and is replaced only once everything new is
/// durably written.
pub async fn save(
    profiles: &Arc<Profiles>,
    store: Arc<dyn SecretStore>,
    verified: &Verified,
    old: Option<&SecretBundle>,
    replace: Replace,
) -> Result<SaveReport, ProfileError> {
    let existing = profiles.get(&verified.name).ok();
    if existing.is_some() && replace == Replace::Nothing {
        return Err(ProfileError::ChangedMeanwhile(verified.name.clone()));
    }
    let mut profile = verified.draft.to_profile(existing.as_ref(), store.kind());
    let mut secrets = verified.draft.secrets.clone();
    finalize(
        &mut profile,
        &mut secrets,
        old,
        &verified.session,
        verified.summary.clone(),
    );
    let report = SaveReport {
        name: verified.name.clone(),
        instance_url: verified.session.auth.session.instance_url.clone(),
        store: store.place(),
        replaced: existing.is_some(),
        previous: replaced_token(existing.as_ref(), old, &secrets),
    };
    let (profiles, name) = (profiles.clone(), verified.name.clone());
    blocking(move || {
        profiles.commit_if(&name, replace.expected(), profile, &secrets, store.as_ref())
    })
    .await?;
    Ok(report)
}
