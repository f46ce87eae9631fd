//! A valid access token for a saved connection. The cached one is confirmed with one cheap
//! call (OpenID Connect userinfo on the instance, which takes SOAP session ids and OAuth
//! tokens alike and is not a REST API request); when the org rejects it, sfconnect logs in
//! again and keeps what the login rotated.

use std::sync::{Arc, OnceLock};

use secrecy::{ExposeSecret, SecretString};

use super::ConnectError;
use super::saved::{Saved, cached_token, open_in};
use crate::profile::credentials::{credentials_for, uses_refresh_token};
use crate::profile::{Applied, ProfileError, Profiles, key};
use crate::salesforce::http::request_timeout;
use crate::salesforce::rest::Session;
use crate::salesforce::{Cause, Http, LoginUrl, SfError, authenticate};

/// How much to trust the cached access token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Use it while its estimated lifetime lasts, without asking the org (tight loops).
    Offline,
    /// Ask the org whether it still accepts it (the default).
    Confirm,
    /// Log in anew whatever is cached.
    Fresh,
}

/// Where the token came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Cached,
    Confirmed,
    LoggedIn,
}

pub struct Token {
    /// The connection as it was when the token was obtained.
    pub saved: Saved,
    pub token: SecretString,
    /// Where the token works: what a fresh login answered, else the saved instance URL.
    pub instance_url: String,
    pub source: Source,
    /// A login worked but what it rotated could not be saved (say, a full disk).
    pub warning: Option<String>,
}

/// Outcomes that make it worth starting over with what is saved now.
enum Attempt {
    Done(Box<Token>),
    /// Another process re-authenticated the connection, or rotated its refresh token, meanwhile.
    Again,
}

/// A token the org accepts (as far as one call can tell), for connection `name`. The HTTP
/// client is made only when the network is needed (it costs milliseconds `--offline` must not
/// spend).
pub async fn access_token(
    profiles: &Arc<Profiles>,
    name: &str,
    freshness: Freshness,
) -> Result<Token, ConnectError> {
    let http = OnceLock::new();
    // Once more at most: a second change by another process within one call is not a race
    // worth chasing, it is a connection being edited; say so.
    for _ in 0..2 {
        let saved = open_in(profiles.clone(), name).await?;
        crate::profile::fsutil::failpoint("token-opened");
        if let Attempt::Done(token) = attempt(saved, &http, freshness).await? {
            tracing::info!("token for '{name}': {:?}", token.source);
            return Ok(*token);
        }
    }
    Err(ConnectError::Superseded(name.to_string()))
}

/// The HTTP client, made on first use.
fn client(http: &OnceLock<Http>) -> Result<&Http, SfError> {
    if let Some(h) = http.get() {
        return Ok(h);
    }
    let made = Http::new(request_timeout())?;
    Ok(http.get_or_init(|| made))
}

async fn attempt(
    saved: Saved,
    http: &OnceLock<Http>,
    freshness: Freshness,
) -> Result<Attempt, ConnectError> {
    if freshness != Freshness::Fresh
        && let Some(cached) = cached_token(&saved.secrets)
    {
        if freshness == Freshness::Offline {
            return Ok(done(saved, cached, None, Source::Cached, None));
        }
        match confirm(client(http)?, &saved, &cached).await {
            Ok(()) => return Ok(done(saved, cached, None, Source::Confirmed, None)),
            Err(e) if e.cause == Cause::SessionInvalid => {
                tracing::info!("the org rejected the cached token of '{}'", saved.name);
            }
            Err(e) => return Err(e.into()),
        }
    }
    // One process at a time spends a refresh token, and only where the new one can be kept;
    // a refresh token another sfconnect rotated since this one was read is spent (using it
    // could even revoke its successor): start over with what is saved now, which may be a
    // session the other process just cached.
    let _hold = match uses_refresh_token(saved.profile.flow) {
        true => Some(saved.hold_refresh().await?),
        false => None,
    };
    if rotated_meanwhile(&saved).await {
        return Ok(Attempt::Again);
    }
    let login_url = LoginUrl::parse(&saved.profile.login_url).map_err(SfError::from)?;
    let creds = credentials_for(&saved.profile, &saved.secrets)?;
    let auth = authenticate(client(http)?, &login_url, &creds).await?;
    crate::profile::fsutil::failpoint("token-logged-in");
    if auth.password_expired {
        return Err(SfError::new(Cause::PasswordExpired)
            .with_context(
                "the login worked, but the org allows no API call until the password is changed",
            )
            .into());
    }
    let token = auth.session.access_token.clone();
    // The password grant says nothing of an expired password: the org may hand out a token
    // that every API call then refuses. One REST call tells (only after a new login).
    if saved.profile.flow == crate::profile::Flow::Password {
        let instance = auth.session.instance_url.clone();
        let limits = Session::new(client(http)?.clone(), &instance, token.clone())
            .limits()
            .await;
        if let Err(e) = limits
            && e.cause == Cause::PasswordExpired
        {
            return Err(e
                .with_context("the login worked, but the org refuses every API call until the password is changed")
                .into());
        }
    }
    // The login's instance is the one to use (and keep): an org can move.
    let instance = auth.session.instance_url.clone();
    let kept = instance.clone();
    match saved
        .persist(&auth, move |p| p.instance_url = Some(kept))
        .await
    {
        Ok(Applied::Written) => Ok(done(saved, token, Some(instance), Source::LoggedIn, None)),
        Ok(Applied::Stale) => Ok(Attempt::Again),
        // A rotated refresh token that could not be saved: no token is handed out, so the
        // failure is seen (and the next run saves the kept copy).
        Err(e @ ProfileError::RotatedUnsaved { .. }) => Err(e.into()),
        Err(e) => {
            let warning = format!("the new session could not be saved: {e}");
            Ok(done(
                saved,
                token,
                Some(instance),
                Source::LoggedIn,
                Some(warning),
            ))
        }
    }
}

/// A token to hand out; `instance` is where a fresh login said it works (None: the saved one).
fn done(
    saved: Saved,
    token: SecretString,
    instance: Option<String>,
    source: Source,
    warning: Option<String>,
) -> Attempt {
    let instance_url = instance
        .or_else(|| saved.profile.instance_url.clone())
        .unwrap_or_else(|| saved.profile.login_url.clone());
    Attempt::Done(Box::new(Token {
        saved,
        token,
        instance_url,
        source,
        warning,
    }))
}

/// One cheap authenticated call: the org's userinfo for this token.
async fn confirm(http: &Http, saved: &Saved, token: &SecretString) -> Result<(), SfError> {
    let instance = saved
        .profile
        .instance_url
        .as_deref()
        .unwrap_or(&saved.profile.login_url);
    Session::new(http.clone(), instance, token.clone())
        .userinfo()
        .await
        .map(|_| ())
}

/// Whether the refresh token that just failed has been replaced in the store since it was read
/// (another sfconnect rotated it): then the saved one is worth trying.
async fn rotated_meanwhile(saved: &Saved) -> bool {
    if !uses_refresh_token(saved.profile.flow) {
        return false;
    }
    let Ok(now) = open_in(saved.profiles.clone(), &saved.name).await else {
        return false;
    };
    let refresh = |s: &Saved| {
        s.secrets
            .get(key::REFRESH_TOKEN)
            .map(|t| t.expose_secret().to_string())
    };
    now.entry() != saved.entry() || refresh(&now) != refresh(saved)
}
