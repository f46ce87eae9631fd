//! Every saved connection of one integration user, re-authenticated with one new password or
//! security token: a password change (or a token reset) stops all of them at once. Each is
//! tested with the new secrets on its own and keeps its old credentials until its test passes.

use std::sync::Arc;

use secrecy::SecretString;

use super::save::{Replace, Verified, save};
use super::saved::{blocking, open_store};
use crate::check::Strategy;
use crate::profile::{Config, Draft, Profile, Profiles, SecretBundle, key};
use crate::salesforce::{Http, LoginUrl};

/// The saved connections that log in as `username` with a password (SOAP login or the OAuth
/// username-password flow), on any org, by name. Usernames compare without case, as
/// Salesforce's do.
pub fn logging_in_as(config: &Config, username: &str) -> Vec<String> {
    config
        .connections
        .iter()
        .filter(|(_, p)| p.flow.uses_password() && same_user(p, username))
        .map(|(name, _)| name.clone())
        .collect()
}

fn same_user(p: &Profile, username: &str) -> bool {
    p.username
        .as_deref()
        .is_some_and(|u| u.trim().eq_ignore_ascii_case(username.trim()))
}

/// What changed for the user. A secret left `None` keeps each connection's saved one.
#[derive(Clone, Default)]
pub struct NewSecrets {
    pub password: Option<SecretString>,
    /// `Some(None)` clears a saved token (the org now trusts the network).
    pub security_token: Option<Option<SecretString>>,
}

impl NewSecrets {
    /// Whether anything was given at all.
    pub fn is_empty(&self) -> bool {
        self.password.is_none() && self.security_token.is_none()
    }

    fn apply(&self, secrets: &mut SecretBundle) {
        if let Some(password) = &self.password {
            secrets.set(key::PASSWORD, password.clone());
        }
        match &self.security_token {
            Some(Some(token)) => secrets.set(key::SECURITY_TOKEN, token.clone()),
            Some(None) => secrets.remove(key::SECURITY_TOKEN),
            None => {}
        }
    }
}

/// One connection's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reauthed {
    pub name: String,
    /// Passed and saved, or why not (its old credentials are kept).
    pub result: Result<(), String>,
}

/// Re-authenticate each of `names` with `new`, one after another, each tested on its own and
/// saved only when its test passes.
pub async fn reauthenticate_all(
    profiles: &Arc<Profiles>,
    http: &Http,
    names: &[String],
    new: &NewSecrets,
) -> Vec<Reauthed> {
    let mut results = Vec::new();
    for name in names {
        let result = reauthenticate(profiles, http, name, new).await;
        results.push(Reauthed {
            name: name.clone(),
            result,
        });
    }
    results
}

/// Re-authenticate `name` with `new`: tested, then saved in place of what it holds now (only
/// if no other process changed it meanwhile).
pub async fn reauthenticate(
    profiles: &Arc<Profiles>,
    http: &Http,
    name: &str,
    new: &NewSecrets,
) -> Result<(), String> {
    let profile = profiles.get(name).map_err(|e| e.to_string())?;
    if !profile.flow.uses_password() {
        return Err(format!(
            "it logs in with {}, not a password",
            profile.flow.as_str()
        ));
    }
    let store = open_store(profiles, profile.store)
        .await
        .map_err(|e| e.to_string())?;
    let entry = profile.secrets.clone();
    let from = store.clone();
    let old = blocking(move || Ok(from.load(&entry)?))
        .await
        .map_err(|e| format!("its saved secrets cannot be opened ({e})"))?;
    let mut secrets = old.clone().unwrap_or_default();
    new.apply(&mut secrets);
    let login_url = LoginUrl::parse(&profile.login_url).map_err(|e| e.to_string())?;
    let draft = Draft::of(&profile, login_url, secrets);
    let target = super::target(
        name,
        &draft.to_profile(Some(&profile), store.kind()),
        &draft.secrets,
    )
    .map_err(|e| e.to_string())?;
    let outcome = crate::check::run(http, target, Strategy::Batched, None).await;
    let summary = outcome.summary();
    let Some(verified) = Verified::from_outcome(name, draft, outcome) else {
        return Err(summary);
    };
    save(
        profiles,
        store,
        &verified,
        old.as_ref(),
        Replace::as_now(Some(&profile)),
    )
    .await
    .map(|_| ())
    .map_err(|e| format!("it passed, but could not be saved: {e}"))
}
