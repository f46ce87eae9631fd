//! One certificate per app. A connected app or External Client App holds a single certificate
//! for JWT bearer, and uploading another replaces it: every JWT connection on one app must use
//! the same key pair. This module finds the pair an app's saved connections use, names the
//! connections a new pair would stop, remembers a new pair that has not passed yet, moves the
//! others to a pair once it has passed, and deletes pairs nothing uses any more.
//!
//! "One app" is one consumer key, unless both connections know their org and the orgs differ:
//! the same app reached through login.salesforce.com and through its My Domain is still one
//! app with one certificate.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use crate::check::Strategy;
use crate::profile::{
    Config, Flow, PendingCertificate, Profile, ProfileError, Profiles, SecretBundle,
};
use crate::salesforce::Http;

/// The app a JWT connection logs in through: its consumer key, at its org.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppRef {
    pub client_id: String,
    pub login_url: String,
    pub org_id: Option<String>,
}

impl AppRef {
    /// The app of a saved JWT connection.
    pub fn of(p: &Profile) -> Option<Self> {
        (p.flow == Flow::Jwt).then_some(())?;
        Some(Self {
            client_id: p.client_id.clone()?,
            login_url: p.login_url.clone(),
            org_id: p.org_id.clone(),
        })
    }

    /// Whether `p` is a JWT connection on this app.
    pub fn holds(&self, p: &Profile) -> bool {
        let other_org = matches!((&self.org_id, &p.org_id), (Some(a), Some(b)) if a != b);
        p.flow == Flow::Jwt && p.client_id.as_deref() == Some(&self.client_id) && !other_org
    }

    fn pending_here(&self, pending: &PendingCertificate) -> bool {
        pending.client_id == self.client_id
    }
}

/// Connection names in a sentence: 'a', 'a' and 'b', 'a', 'b' and 'c'.
pub fn names(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// Whether two key files hold the same key: the same file, or the same bytes.
pub fn same_key(a: &Path, b: &Path) -> bool {
    if a == b {
        return true;
    }
    let read = |p: &Path| std::fs::read(p).map(secrecy::zeroize::Zeroizing::new);
    match (read(a), read(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// The saved JWT connections on `app`, other than `except`, by name.
pub fn on_app<'c>(config: &'c Config, app: &AppRef, except: &str) -> Vec<(&'c str, &'c Profile)> {
    config
        .connections
        .iter()
        .filter(|(name, p)| name.as_str() != except && app.holds(p))
        .map(|(name, p)| (name.as_str(), p))
        .collect()
}

/// The key pair an app's saved connections use, and who uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shared {
    pub key_file: PathBuf,
    pub users: Vec<String>,
}

/// The key pair whose certificate the app holds, going by its saved connections other than
/// `except`: the key most of them use; on a tie, the one whose test passed last.
pub fn shared_key(config: &Config, app: &AppRef, except: &str) -> Option<Shared> {
    let mut pairs: Vec<(Shared, Option<SystemTime>)> = Vec::new();
    for (name, p) in on_app(config, app, except) {
        let Some(key) = &p.key_file else { continue };
        let passed = p.last_test.as_ref().filter(|t| t.ok).map(|t| t.at);
        match pairs.iter_mut().find(|(s, _)| same_key(&s.key_file, key)) {
            Some((shared, last)) => {
                shared.users.push(name.to_string());
                *last = (*last).max(passed);
            }
            None => pairs.push((
                Shared {
                    key_file: key.clone(),
                    users: vec![name.to_string()],
                },
                passed,
            )),
        }
    }
    pairs
        .into_iter()
        .max_by_key(|(s, passed)| (s.users.len(), *passed))
        .map(|(s, _)| s)
}

/// The connections on `app` (other than `except`) whose key is not `key_file`: once its
/// certificate replaces the one in the app, they stop working until they move to it.
pub fn displaced(config: &Config, app: &AppRef, except: &str, key_file: &Path) -> Vec<String> {
    on_app(config, app, except)
        .into_iter()
        .filter(|(_, p)| !p.key_file.as_deref().is_some_and(|k| same_key(k, key_file)))
        .map(|(name, _)| name.to_string())
        .collect()
}

/// Remember that a new pair was made for `app`, when saved connections use that app: until it
/// passes, their certificate may have been replaced.
pub fn note_pending(
    profiles: &Profiles,
    app: &AppRef,
    key_file: &Path,
    made_for: &str,
) -> Result<(), ProfileError> {
    profiles.change_config(|config| {
        if on_app(config, app, "").is_empty() {
            return;
        }
        config
            .pending_certificates
            .retain(|p| p.key_file != key_file);
        config.pending_certificates.push(PendingCertificate {
            client_id: app.client_id.clone(),
            login_url: app.login_url.clone(),
            key_file: key_file.to_path_buf(),
            made_for: made_for.to_string(),
            made_at: crate::clock::now(),
        });
    })
}

/// The new pairs made for `app` that have not passed a test and are still on disk, other than
/// `key` (when given), newest first: while one is pending, the app may hold its certificate.
pub fn pending_on_app(
    pending: &[PendingCertificate],
    app: &AppRef,
    key: Option<&Path>,
) -> Vec<PendingCertificate> {
    let mut found: Vec<PendingCertificate> = pending
        .iter()
        .filter(|p| {
            app.pending_here(p)
                && p.key_file.is_file()
                && !key.is_some_and(|k| same_key(k, &p.key_file))
        })
        .cloned()
        .collect();
    found.sort_by_key(|p| std::cmp::Reverse(p.made_at));
    found
}

/// For saved JWT connection `p`, refused by its app: when a new pair made for the app has not
/// passed a test, the app most likely holds that pair's certificate now, and the fix is to finish
/// with it (uploading this key's certificate again would stop that pair instead).
pub fn replaced_fix(pending: &[PendingCertificate], p: &Profile) -> Option<String> {
    let app = AppRef::of(p)?;
    let new = pending_on_app(pending, &app, p.key_file.as_deref())
        .into_iter()
        .next()?;
    Some(format!(
        "the app most likely holds the certificate of the new key pair made for '{}' on {} ({}), which has not passed a test: finish setting up or re-authenticating '{}' with that key, and this connection moves to it after its own test. Upload this key's certificate again only to give up that pair",
        new.made_for,
        crate::clock::day(new.made_at),
        new.key_file.display(),
        new.made_for,
    ))
}

/// For connection `name` being tested with `key`, refused by its app: uploading the key's
/// certificate is the fix, but it stops the app's connections that use another key; said with
/// the way that stops nobody.
pub fn upload_stops_fix(config: &Config, app: &AppRef, name: &str, key: &Path) -> Option<String> {
    let stops = displaced(config, app, name, key);
    let crt = crate::profile::jwt_key::certificate_for(key)?;
    let one = stops.len() == 1;
    (!stops.is_empty()).then(|| format!(
        "upload {} to the app, but know that {} {} another key there and {} the moment it replaces {}, until {} to this key after this test passes; to stop nobody, empty the key file field and use {} key",
        crt.display(),
        names(&stops),
        if one { "uses" } else { "use" },
        if one { "stops" } else { "stop" },
        if one { "its certificate" } else { "theirs" },
        if one { "it moves" } else { "they move" },
        if one { "its" } else { "their" },
    ))
}

/// Who a key is to an app's saved connections, for the connection `name`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyUse {
    /// Connections on the app that use this very key.
    pub shared_with: Vec<String>,
    /// Connections on the app with another key: once this key's certificate is uploaded, they
    /// stop until they move to it.
    pub stops: Vec<String>,
    /// When this key is a new pair made for the app that has not passed a test yet.
    pub untested_since: Option<SystemTime>,
    /// Other new pairs made for the app that have not passed a test, newest first.
    pub pending: Vec<PendingCertificate>,
}

/// What `key` is to `app`'s saved connections other than `name`.
pub fn key_use(config: &Config, app: &AppRef, name: &str, key: &Path) -> KeyUse {
    let shared_with = on_app(config, app, name)
        .into_iter()
        .filter(|(_, p)| p.key_file.as_deref().is_some_and(|k| same_key(k, key)))
        .map(|(n, _)| n.to_string())
        .collect();
    let untested_since = config
        .pending_certificates
        .iter()
        .find(|p| app.pending_here(p) && same_key(&p.key_file, key))
        .map(|p| p.made_at);
    KeyUse {
        shared_with,
        stops: displaced(config, app, name, key),
        untested_since,
        pending: pending_on_app(&config.pending_certificates, app, Some(key)),
    }
}

/// A connection of the app moved (or not) to the key that passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    pub name: String,
    /// What its test with the new key said: passed, or why not (then it keeps its old key).
    pub result: Result<(), String>,
}

/// What settling an app after a save did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settled {
    pub moved: Vec<Moved>,
    /// Key pairs (key, certificate) deleted because no connection uses them any more.
    pub deleted: Vec<PathBuf>,
    /// New pairs made for the app and not tested, whose notes went because another key passed:
    /// their certificates were never the app's (or were replaced since).
    pub dropped: Vec<PendingCertificate>,
}

/// After `name` was saved with a key that passed: the app holds that key's certificate now, so
/// every other connection on the app with another key is tested with this one and moved to it
/// when its test passes; pairs that nothing uses any more (among `name`'s previous key and
/// theirs) are deleted, and a pending note for this key is settled.
pub async fn settle(
    profiles: &Arc<Profiles>,
    http: &Http,
    name: &str,
    previous_key: Option<PathBuf>,
) -> Result<Settled, ProfileError> {
    let config = profiles.config()?;
    let Some(saved) = config.connections.get(name) else {
        return Ok(Settled::default());
    };
    let (Some(app), Some(key_file)) = (AppRef::of(saved), saved.key_file.clone()) else {
        return Ok(Settled::default());
    };
    let mut settled = Settled::default();
    let mut old_keys: Vec<PathBuf> = previous_key.into_iter().collect();
    for other in displaced(&config, &app, name, &key_file) {
        let Some(profile) = config.connections.get(&other) else {
            continue;
        };
        old_keys.extend(profile.key_file.clone());
        let result = move_one(profiles, http, &other, profile, &key_file).await;
        settled.moved.push(Moved {
            name: other,
            result,
        });
    }
    // A pass with this key proves the app holds its certificate: a pair made for the app and
    // not uploaded (or replaced since) is pending no more, and goes unless something uses it.
    let settled_key = key_file.clone();
    let dropped = profiles.change_config(|config| {
        let (here, elsewhere) = std::mem::take(&mut config.pending_certificates)
            .into_iter()
            .partition::<Vec<_>, _>(|p| same_key(&p.key_file, &settled_key) || app.pending_here(p));
        config.pending_certificates = elsewhere;
        here
    })?;
    settled.dropped = dropped
        .into_iter()
        .filter(|p| !same_key(&p.key_file, &key_file))
        .collect();
    old_keys.extend(settled.dropped.iter().map(|p| p.key_file.clone()));
    settled.deleted = delete_unused(profiles, &old_keys);
    Ok(settled)
}

/// What became of a pair not tested yet when another key of its app passed, in a sentence.
pub fn dropped_text(p: &PendingCertificate, deleted: bool) -> String {
    format!(
        "The new pair made for '{}' on {} ({}) was not the app's certificate, since this key passed: it is no longer pending{}.",
        p.made_for,
        crate::clock::day(p.made_at),
        p.key_file.display(),
        if deleted { ", and was deleted" } else { "" },
    )
}

/// Test `name` with `key_file` and, when it passes, point it there (only while it still
/// uses the key and secrets it had when read).
async fn move_one(
    profiles: &Arc<Profiles>,
    http: &Http,
    name: &str,
    profile: &Profile,
    key_file: &Path,
) -> Result<(), String> {
    let mut trial = profile.clone();
    trial.key_file = Some(key_file.to_path_buf());
    // No cached session: the test must log in with the new key.
    let target =
        super::target(name, &trial, &SecretBundle::default()).map_err(|e| e.to_string())?;
    let outcome = crate::check::run(http, target, Strategy::Batched, None).await;
    if !outcome.ok() {
        return Err(outcome.summary());
    }
    let last = super::saved::last_test(&outcome);
    let (before, new_key) = (profile.key_file.clone(), key_file.to_path_buf());
    let expires = trial_expiry(&new_key);
    let (profiles, name, entry) = (profiles.clone(), name.to_string(), profile.secrets.clone());
    let applied = super::blocking(move || {
        let mut moved = false;
        let applied = profiles.update_profile_if(&name, Some(&entry), |p| {
            if p.key_file == before {
                p.key_file = Some(new_key);
                p.certificate_expires_at = expires;
                p.last_test = Some(last);
                moved = true;
            }
        })?;
        Ok((applied, moved))
    })
    .await
    .map_err(|e| e.to_string())?;
    match applied {
        (crate::profile::Applied::Written, true) => Ok(()),
        _ => Err("it was changed by another sfconnect meanwhile and was left as it is".into()),
    }
}

/// When the certificate beside `key_file` expires, if one is kept there.
pub fn trial_expiry(key_file: &Path) -> Option<SystemTime> {
    let crt = crate::profile::jwt_key::certificate_for(key_file)?;
    let pem = std::fs::read_to_string(crt).ok()?;
    crate::profile::jwt_key::validity(&pem).map(|v| v.not_after)
}

/// Delete the pairs among `keys` that sfconnect made (in the config dir's `keys/`) and that no
/// connection, and no pending note, uses any more. A key file the user brought is never
/// touched. Returns the key files deleted.
pub fn delete_unused(profiles: &Profiles, keys: &[PathBuf]) -> Vec<PathBuf> {
    let dir = profiles.dir().join("keys");
    let Ok(config) = profiles.config() else {
        return Vec::new();
    };
    let mut deleted = Vec::new();
    for key in keys {
        let in_use = config
            .connections
            .values()
            .filter_map(|p| p.key_file.as_deref())
            .chain(
                config
                    .pending_certificates
                    .iter()
                    .map(|p| p.key_file.as_path()),
            )
            .any(|k| k == key);
        if key.parent() != Some(dir.as_path()) || in_use || deleted.contains(key) {
            continue;
        }
        if std::fs::remove_file(key).is_ok() {
            let _ = std::fs::remove_file(key.with_extension("crt"));
            deleted.push(key.clone());
        }
    }
    deleted
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{LastTest, StoreKind};

    fn jwt(client_id: &str, org: Option<&str>, key: &str) -> Profile {
        Profile {
            flow: Flow::Jwt,
            login_url: "https://login.salesforce.com".into(),
            instance_url: None,
            sandbox: false,
            username: Some("api@acme.com".into()),
            org_id: org.map(str::to_string),
            user_id: None,
            client_id: Some(client_id.into()),
            key_file: Some(key.into()),
            store: StoreKind::File,
            secrets: String::new(),
            ui: Default::default(),
            objects: Default::default(),
            company_domains: Vec::new(),
            password_policy_days: None,
            created_at: SystemTime::UNIX_EPOCH,
            password_changed_at: None,
            refresh_token_obtained_at: None,
            certificate_expires_at: None,
            last_test: None,
        }
    }

    #[test]
    fn one_consumer_key_is_one_app_unless_the_orgs_are_known_to_differ() {
        let mut config = Config::default();
        config
            .connections
            .insert("a".into(), jwt("KEY", Some("00D1"), "/k/a.key"));
        config
            .connections
            .insert("b".into(), jwt("KEY", None, "/k/a.key"));
        config
            .connections
            .insert("c".into(), jwt("KEY", Some("00D2"), "/k/c.key"));
        config
            .connections
            .insert("d".into(), jwt("OTHER", Some("00D1"), "/k/d.key"));
        let mut soap = jwt("KEY", Some("00D1"), "/k/a.key");
        soap.flow = Flow::Soap;
        config.connections.insert("e".into(), soap);
        let app = AppRef::of(&config.connections["a"]).unwrap();
        let names: Vec<_> = on_app(&config, &app, "").iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["a", "b"]);
        let shared = shared_key(&config, &app, "x").unwrap();
        assert_eq!(shared.key_file, PathBuf::from("/k/a.key"));
        assert_eq!(shared.users, ["a", "b"]);
        assert_eq!(
            displaced(&config, &app, "a", Path::new("/k/new.key")),
            ["b"]
        );
        assert!(displaced(&config, &app, "", Path::new("/k/a.key")).is_empty());
        // A new connection whose org is not known yet shares with every org's.
        let new = AppRef {
            client_id: "KEY".into(),
            login_url: "https://acme.my.salesforce.com".into(),
            org_id: None,
        };
        assert_eq!(on_app(&config, &new, "").len(), 3);
    }

    #[test]
    fn the_key_most_use_wins_and_a_tie_goes_to_the_latest_pass() {
        let mut config = Config::default();
        let mut old = jwt("KEY", None, "/k/old.key");
        old.last_test = Some(LastTest {
            at: SystemTime::UNIX_EPOCH,
            ok: true,
            summary: String::new(),
            api_requests_remaining: None,
            elapsed_ms: None,
        });
        let mut new = jwt("KEY", None, "/k/new.key");
        new.last_test = Some(LastTest {
            at: SystemTime::now(),
            ok: true,
            summary: String::new(),
            api_requests_remaining: None,
            elapsed_ms: None,
        });
        config.connections.insert("old".into(), old);
        config.connections.insert("new".into(), new.clone());
        let app = AppRef::of(&new).unwrap();
        assert_eq!(
            shared_key(&config, &app, "").unwrap().key_file,
            PathBuf::from("/k/new.key")
        );
        config
            .connections
            .insert("old2".into(), jwt("KEY", None, "/k/old.key"));
        assert_eq!(
            shared_key(&config, &app, "").unwrap().users,
            ["old", "old2"]
        );
    }

    #[test]
    fn two_files_with_the_same_key_are_one_key() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b, c) = (
            dir.path().join("a.key"),
            dir.path().join("b.key"),
            dir.path().join("c.key"),
        );
        std::fs::write(&a, "same").unwrap();
        std::fs::write(&b, "same").unwrap();
        std::fs::write(&c, "other").unwrap();
        assert!(same_key(&a, &b));
        assert!(!same_key(&a, &c));
        assert!(!same_key(&a, &dir.path().join("missing.key")));
    }

    #[test]
    fn pairs_not_tested_yet_are_listed_newest_first_and_each_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let file = |n: &str| {
            let k = dir.path().join(n);
            std::fs::write(&k, n).unwrap();
            k
        };
        let (mine, a3, j2) = (file("mine.key"), file("a3.key"), file("j2.key"));
        let noted = |key: &Path, made_for: &str, secs: u64| PendingCertificate {
            client_id: "KEY".into(),
            login_url: "https://login.salesforce.com".into(),
            key_file: key.to_path_buf(),
            made_for: made_for.into(),
            made_at: SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(secs),
        };
        let pending = [
            noted(&a3, "a3", 100),
            noted(&j2, "j2", 200),
            noted(&mine, "j1", 300),
            noted(&dir.path().join("gone.key"), "old", 400),
        ];
        let j1 = jwt("KEY", None, mine.to_str().unwrap());
        let app = AppRef::of(&j1).unwrap();
        let found: Vec<_> = pending_on_app(&pending, &app, Some(&mine))
            .into_iter()
            .map(|p| p.made_for)
            .collect();
        assert_eq!(
            found,
            ["j2", "a3"],
            "its own key and a deleted pair are not pending"
        );
        let (h, said) = crate::connect::health::health_on_app(&pending, &j1, SystemTime::now());
        assert_eq!(h, crate::connect::health::Health::Expiring);
        assert!(said.contains("made for 'j2'"), "{said}");
        assert!(
            said.contains("one more not tested either") && said.contains("(for 'a3',"),
            "{said}"
        );
    }

    #[test]
    fn a_refused_key_that_others_on_the_app_do_not_use_says_whom_an_upload_stops() {
        let dir = tempfile::tempdir().unwrap();
        let own = crate::profile::jwt_key::generate_new(dir.path(), "own").unwrap();
        let mut config = Config::default();
        config
            .connections
            .insert("j1".into(), jwt("KEY", None, "/k/j1.key"));
        let app = AppRef::of(&config.connections["j1"]).unwrap();
        let fix = upload_stops_fix(&config, &app, "own", &own.key_file).unwrap();
        assert!(
            fix.contains("'j1' uses another key there and stops the moment it replaces")
                && fix.contains("empty the key file field and use its key"),
            "{fix}"
        );
        assert!(upload_stops_fix(&config, &app, "own", Path::new("/k/j1.key")).is_none());
    }
}
