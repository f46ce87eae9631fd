//! Many saved connections checked at once (`status --notify`, `watch`, `test` with several
//! names): a cap on how many run together and on how many of one org, a timeout of each
//! connection's own, each result handed over as it comes, and one locked write for the run.
//!
//! A refresh token is spent only under its connection's hold, and what the org rotated is
//! saved before any check uses the session; a task that waited for the hold uses the session
//! the holder saved instead of spending the new token again.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use tokio::sync::{OnceCell, Semaphore};

use super::saved::{
    ACCESS_TOKEN_EXPIRES, ACCESS_TOKEN_OBTAINED, Saved, adopt_rescue, blocking, hold_refresh,
    last_test, obtained_at, open_store, remember_session, session_saved_since, target,
};
use crate::check::{self, CheckResult, Outcome, Status, Strategy};
use crate::profile::credentials::{credentials_for, uses_refresh_token};
use crate::profile::{
    Change, LastRun, LastTest, Profile, ProfileError, Profiles, SecretBundle, SecretStore,
    StoreKind, key, rescue,
};
use crate::salesforce::{Authenticated, Cause, Http, LoginUrl, SfError, authenticate};

/// How many connections are checked at once, in all and of one org, and how long one may take.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub at_once: usize,
    pub per_org: usize,
    pub timeout: Duration,
}

/// At most this many connections are checked at once by default.
pub const AT_ONCE: usize = 64;
/// At most this many of one org (its id, else its login host): an org that stalls holds up
/// no more than this many slots, and the rest of the fleet goes on.
pub const PER_ORG: usize = 48;
/// A connection's checks are cut off after this long (two requests of the default 30 s each,
/// one after the other), so a stalled org never holds the run.
pub const TIMEOUT: Duration = Duration::from_secs(60);

impl Default for Limits {
    fn default() -> Self {
        Self {
            at_once: AT_ONCE,
            per_org: PER_ORG,
            timeout: TIMEOUT,
        }
    }
}

/// One connection's result.
pub struct Checked {
    pub name: String,
    /// The connection as the run read it.
    pub before: Profile,
    /// The connection as the run leaves it once its result is recorded.
    pub after: Profile,
    /// The verdicts; None when the connection could not be tried (`problem` says why).
    pub outcome: Option<Outcome>,
    /// Why the connection could not be opened or tried.
    pub problem: Option<Problem>,
    pub elapsed: Duration,
    record: Option<Record>,
}

impl Checked {
    /// No check failed, and the connection could be tried.
    pub fn ok(&self) -> bool {
        self.outcome.as_ref().is_some_and(Outcome::ok)
    }
}

/// Why a connection could not be checked.
#[derive(Debug)]
pub enum Problem {
    /// Its secrets cannot be opened (a lost key file, a deleted keyring item, no session bus).
    Secrets(String),
    /// It cannot be tried (its JWT key file is gone, say).
    Unusable(SfError),
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Secrets(why) => f.write_str(why),
            Problem::Unusable(why) => why.fmt(f),
        }
    }
}

/// What a result changes in the saved connection.
struct Record {
    /// The secrets entry the result belongs to (None: whatever is saved, for a connection
    /// whose secrets cannot be opened).
    expected: Option<String>,
    last: LastTest,
    password_changed_at: Option<SystemTime>,
    /// The session to cache for `token` (none when the login already saved it).
    session: Option<SecretBundle>,
}

impl Record {
    fn apply(&self, p: &mut Profile) {
        p.last_test = Some(self.last.clone());
        if self.password_changed_at.is_some() {
            p.password_changed_at = self.password_changed_at;
        }
    }
}

/// A run's results, in the order they came.
pub struct Run {
    pub checked: Vec<Checked>,
    pub started: SystemTime,
    pub duration: Duration,
    stores: HashMap<StoreKind, Arc<dyn SecretStore>>,
}

/// What one store kind opened to: the store, with every entry when it keeps them together.
type Opened = Result<
    (
        Arc<dyn SecretStore>,
        Option<Arc<BTreeMap<String, SecretBundle>>>,
    ),
    String,
>;

struct Ctx {
    profiles: Arc<Profiles>,
    http: Http,
    limits: Limits,
    at_once: Arc<Semaphore>,
    orgs: Mutex<HashMap<String, Arc<Semaphore>>>,
    keyring: OnceCell<Opened>,
    file: OnceCell<Opened>,
    /// Refresh-token logins, awaited before the run ends: one cut off by the timeout still
    /// saves what the org rotated.
    logins: Mutex<Vec<tokio::task::JoinHandle<()>>>,
    /// New JWT pairs not tested yet, read once: a refused JWT login names the one its app
    /// most likely holds.
    pending: Vec<crate::profile::PendingCertificate>,
}

/// Check `connections` at once within `limits`; `each` hears every result as it comes, with
/// how many are done and how many there are. Nothing is recorded yet (`Run::record`).
pub async fn check(
    profiles: &Arc<Profiles>,
    connections: Vec<(String, Profile)>,
    limits: Limits,
    mut each: impl FnMut(&Checked, usize, usize),
) -> Result<Run, SfError> {
    let (started, clock) = (SystemTime::now(), Instant::now());
    let ctx = Arc::new(Ctx {
        profiles: profiles.clone(),
        http: Http::new(crate::salesforce::http::request_timeout())?,
        limits,
        at_once: Arc::new(Semaphore::new(limits.at_once.max(1))),
        orgs: Mutex::default(),
        keyring: OnceCell::new(),
        file: OnceCell::new(),
        logins: Mutex::default(),
        pending: profiles
            .config()
            .map(|c| c.pending_certificates)
            .unwrap_or_default(),
    });
    let total = connections.len();
    let mut tasks = tokio::task::JoinSet::new();
    for (name, profile) in connections {
        tasks.spawn(one(ctx.clone(), name, profile));
    }
    let mut checked = Vec::with_capacity(total);
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok(c) => {
                each(&c, checked.len() + 1, total);
                checked.push(c);
            }
            Err(e) => tracing::warn!("a check stopped: {e}"),
        }
    }
    let logins = std::mem::take(&mut *ctx.logins.lock().unwrap_or_else(|p| p.into_inner()));
    for login in logins {
        let _ = login.await;
    }
    let mut stores = HashMap::new();
    for (kind, cell) in [
        (StoreKind::Keyring, &ctx.keyring),
        (StoreKind::File, &ctx.file),
    ] {
        if let Some(Ok((store, _))) = cell.get() {
            stores.insert(kind, store.clone());
        }
    }
    Ok(Run {
        checked,
        started,
        duration: clock.elapsed(),
        stores,
    })
}

impl Ctx {
    /// The slots of the org `p` belongs to.
    fn org(&self, p: &Profile) -> Arc<Semaphore> {
        let org = p.org_id.clone().unwrap_or_else(|| {
            url::Url::parse(&p.login_url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
                .unwrap_or_default()
        });
        self.orgs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(org)
            .or_insert_with(|| Arc::new(Semaphore::new(self.limits.per_org.max(1))))
            .clone()
    }

    /// The store of `kind`, opened once a run (leftover secrets swept as `open_in` does).
    async fn store(&self, kind: StoreKind) -> &Opened {
        let cell = match kind {
            StoreKind::Keyring => &self.keyring,
            StoreKind::File => &self.file,
        };
        cell.get_or_init(|| async {
            let store = open_store(&self.profiles, kind)
                .await
                .map_err(|e| e.to_string())?;
            let (profiles, s) = (self.profiles.clone(), store.clone());
            blocking(move || {
                profiles.sweep(s.as_ref());
                Ok(s.load_all().transpose()?.map(Arc::new))
            })
            .await
            .map(|all| (store, all))
            .map_err(|e| e.to_string())
        })
        .await
    }
}

/// What trying one connection came to.
enum Tried {
    Checked {
        outcome: Box<Outcome>,
        entry: String,
        session: Option<SecretBundle>,
    },
    /// It cannot be tried (its JWT key file is gone, say).
    Unusable { entry: String, why: SfError },
    /// Its secrets cannot be opened.
    Unopenable(String),
}

async fn one(ctx: Arc<Ctx>, name: String, before: Profile) -> Checked {
    let org = ctx.org(&before);
    let _org_slot = org.acquire_owned().await;
    let _slot = ctx.at_once.clone().acquire_owned().await;
    let started = Instant::now();
    let mut profile = before.clone();
    let tried = tokio::time::timeout(ctx.limits.timeout, attempt(&ctx, &name, &mut profile))
        .await
        .unwrap_or_else(|_| Tried::Checked {
            outcome: Box::new(cut_off(ctx.limits.timeout, started.elapsed())),
            entry: profile.secrets.clone(),
            session: None,
        });
    let elapsed = started.elapsed();
    let last = |ok: bool, summary: String| LastTest {
        at: SystemTime::now(),
        ok,
        summary,
        api_requests_remaining: None,
        elapsed_ms: Some(elapsed.as_millis() as u64),
    };
    let (outcome, problem, record) = match tried {
        Tried::Checked {
            outcome,
            entry,
            session,
        } => {
            tracing::info!("tested '{name}': {}", outcome.summary());
            let record = Record {
                expected: Some(entry),
                last: last_test(&outcome),
                password_changed_at: outcome.session.as_ref().and_then(|s| s.password_changed_at),
                session,
            };
            (Some(*outcome), None, record)
        }
        Tried::Unusable { entry, why } => {
            tracing::info!("'{name}' cannot be tested: {why}");
            let record = Record {
                expected: Some(entry),
                last: last(false, why.to_string()),
                password_changed_at: None,
                session: None,
            };
            (None, Some(Problem::Unusable(why)), record)
        }
        Tried::Unopenable(why) => {
            let summary = format!(
                "the saved secrets cannot be opened: {}",
                why.lines().next().unwrap_or_default()
            );
            let record = Record {
                expected: None,
                last: last(false, summary),
                password_changed_at: None,
                session: None,
            };
            (None, Some(Problem::Secrets(why)), record)
        }
    };
    let mut after = profile;
    record.apply(&mut after);
    Checked {
        name,
        before,
        after,
        outcome,
        problem,
        elapsed,
        record: Some(record),
    }
}

/// Open connection `name`'s secrets (saving a rotated refresh token that waits first), log in
/// and run the checks.
async fn attempt(ctx: &Arc<Ctx>, name: &str, profile: &mut Profile) -> Tried {
    let (store, all) = match ctx.store(profile.store).await {
        Ok((store, all)) => (store.clone(), all.clone()),
        Err(why) => return Tried::Unopenable(why.clone()),
    };
    let mut preloaded = all.and_then(|all| all.get(&profile.secrets).cloned());
    if let Some(place) = rescue::pending(ctx.profiles.dir(), name) {
        let (p, s, n) = (ctx.profiles.clone(), store.clone(), name.to_string());
        let adopted = blocking(move || {
            adopt_rescue(&p, &n, s.as_ref(), &place)?;
            p.get(&n)
        })
        .await;
        match adopted {
            Ok(now) => *profile = now,
            Err(e) => return Tried::Unopenable(e.to_string()),
        }
        preloaded = None;
    }
    let secrets = match preloaded {
        Some(secrets) => secrets,
        None => match load(name, profile, &store).await {
            Ok(secrets) => secrets,
            Err(e) => return Tried::Unopenable(e.to_string()),
        },
    };
    let entry = profile.secrets.clone();
    let mut target = match target(name, profile, &secrets) {
        Ok(t) => t,
        Err(why) => return Tried::Unusable { entry, why },
    };
    target.jwt_refused_fix = super::app_keys::replaced_fix(&ctx.pending, profile);
    if !uses_refresh_token(profile.flow) {
        let login = authenticate(&ctx.http, &target.login_url, &target.credentials);
        let outcome = check::run_after(&ctx.http, &target, Strategy::Batched, None, login).await;
        let session = session_to_cache(&outcome);
        return Tried::Checked {
            outcome: Box::new(outcome),
            entry,
            session,
        };
    }
    let saved = Saved {
        profiles: ctx.profiles.clone(),
        name: name.to_string(),
        profile: profile.clone(),
        store,
        secrets,
    };
    // In a task of its own, so that the timeout cannot cut a refresh off between the org
    // rotating the token and the new one being saved.
    let kept = Arc::new(AtomicBool::new(false));
    let (tx, rx) = tokio::sync::oneshot::channel();
    let (c, k) = (ctx.clone(), kept.clone());
    let login = tokio::spawn(async move {
        let _ = tx.send(refresh(&c.http, saved, &k).await);
    });
    ctx.logins
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(login);
    let login = async {
        rx.await.unwrap_or_else(|_| {
            Err(SfError::new(Cause::Other).with_context("the login stopped before it answered"))
        })
    };
    let outcome = check::run_after(&ctx.http, &target, Strategy::Batched, None, login).await;
    let session = match kept.load(Ordering::SeqCst) {
        true => None,
        false => session_to_cache(&outcome),
    };
    Tried::Checked {
        outcome: Box::new(outcome),
        entry,
        session,
    }
}

/// A connection's secrets from its store.
async fn load(
    name: &str,
    profile: &Profile,
    store: &Arc<dyn SecretStore>,
) -> Result<SecretBundle, ProfileError> {
    let (s, entry, name, kind) = (
        store.clone(),
        profile.secrets.clone(),
        name.to_string(),
        profile.store,
    );
    blocking(move || {
        s.load(&entry)?.ok_or_else(|| ProfileError::SecretsMissing {
            name,
            store: kind.as_str(),
        })
    })
    .await
}

/// Log in with a refresh token under the connection's hold: the secrets are read again once
/// it is held; a session another task or process saved while this one waited is used as it
/// is; otherwise the token is spent, and a rotated one saved before the session is used
/// (`kept` then says the session is saved already).
pub async fn refresh(
    http: &Http,
    saved: Saved,
    kept: &AtomicBool,
) -> Result<Authenticated, SfError> {
    let local = |e: ProfileError| SfError::new(Cause::Other).with_context(e.to_string());
    let since = SystemTime::now();
    let _hold = hold_refresh(&saved.profiles, &saved.name)
        .await
        .map_err(local)?;
    let secrets = load(&saved.name, &saved.profile, &saved.store)
        .await
        .map_err(|e| match e {
            ProfileError::SecretsMissing { .. } => {
                SfError::new(Cause::Other).with_context(format!(
                    "'{}' was re-authenticated while this ran; run it again",
                    saved.name
                ))
            }
            e => local(e),
        })?;
    if let Some(auth) = session_saved_since(http, &saved.profile, &secrets, since) {
        tracing::info!(
            "'{}': using the session saved while this waited",
            saved.name
        );
        kept.store(true, Ordering::SeqCst);
        return Ok(auth);
    }
    let login_url = LoginUrl::parse(&saved.profile.login_url)?;
    let credentials = credentials_for(&saved.profile, &secrets)?;
    let auth = authenticate(http, &login_url, &credentials).await?;
    if auth.refresh_token.is_none() {
        return Ok(auth);
    }
    crate::profile::fsutil::failpoint("fleet-rotated");
    let saved = Saved { secrets, ..saved };
    saved.persist(&auth, |_| {}).await.map_err(local)?;
    kept.store(true, Ordering::SeqCst);
    Ok(auth)
}

/// The session a test opened, to cache for `token`, when the org accepts API calls with it.
fn session_to_cache(outcome: &Outcome) -> Option<SecretBundle> {
    let session = outcome.session.as_ref()?;
    let refused = outcome
        .checks
        .iter()
        .any(|c| c.id == "api_enabled" && c.status == Status::Fail);
    if session.auth.password_expired || refused {
        return None;
    }
    let mut bundle = SecretBundle::default();
    remember_session(&mut bundle, &session.auth);
    bundle.remove(key::REFRESH_TOKEN);
    Some(bundle)
}

/// The verdicts of a connection cut off by its timeout.
fn cut_off(timeout: Duration, elapsed: Duration) -> Outcome {
    let e = SfError::new(Cause::Timeout).with_context(format!(
        "the checks did not finish within {} s, the limit of one connection (--connection-timeout); the org or the network is slow, or it stalled",
        timeout.as_secs()
    ));
    let checks = check::CHECKS
        .iter()
        .map(|(id, _)| match *id {
            "login" => CheckResult::from_error("login", Status::Fail, &e),
            id => CheckResult::new(id, Status::Skip, "cut off by the timeout", ""),
        })
        .collect();
    Outcome {
        checks,
        elapsed,
        licenses: None,
        session: None,
    }
}

impl Run {
    /// How many connections failed (a check failed, or they could not be tried).
    pub fn failed(&self) -> usize {
        self.checked.iter().filter(|c| !c.ok()).count()
    }

    /// Record every result in one locked write of the config file (and one write of each
    /// secret store that keeps its entries together), with the run's own sample. A result
    /// whose connection was re-authenticated meanwhile is dropped. An error means none of the
    /// results was recorded.
    pub async fn record(&mut self, profiles: &Arc<Profiles>) -> Result<(), ProfileError> {
        // A run with nothing to check leaves the config dir as it found it.
        if self.checked.is_empty() {
            return Ok(());
        }
        crate::profile::fsutil::failpoint("before-record");
        let changes: Vec<Change> = self
            .checked
            .iter_mut()
            .filter_map(|c| {
                let record = c.record.take()?;
                let Record {
                    expected, session, ..
                } = &record;
                let (expected, session) = (expected.clone(), session.clone());
                Some(Change {
                    name: c.name.clone(),
                    expected,
                    profile: Box::new(move |p: &mut Profile| record.apply(p)),
                    secrets: session.map(|fresh| {
                        Box::new(move |bundle: &mut SecretBundle| newer_session(bundle, &fresh))
                            as crate::profile::SecretChange
                    }),
                })
            })
            .collect();
        let run = LastRun {
            at: self.started,
            checked: self.checked.len(),
            failed: self.failed(),
            duration_ms: self.duration.as_millis() as u64,
        };
        let (p, stores) = (profiles.clone(), self.stores.clone());
        let applied = blocking(move || {
            p.update_many(changes, &|kind| stores.get(&kind).cloned(), |config| {
                config.last_run = Some(run)
            })
        })
        .await?;
        for (name, applied) in applied {
            if applied == crate::profile::Applied::Stale {
                tracing::warn!(
                    "'{name}' was re-authenticated while this ran; the test result of its old credentials was dropped"
                );
            }
        }
        Ok(())
    }
}

/// Put the session `fresh` into `bundle` unless the bundle holds a newer one (saved by another
/// process meanwhile).
fn newer_session(bundle: &mut SecretBundle, fresh: &SecretBundle) -> bool {
    if obtained_at(bundle) >= obtained_at(fresh) {
        return false;
    }
    for name in [
        key::ACCESS_TOKEN,
        ACCESS_TOKEN_EXPIRES,
        ACCESS_TOKEN_OBTAINED,
    ] {
        if let Some(v) = fresh.get(name) {
            bundle.set(name, v.clone());
        }
    }
    true
}
