//! Saved connections: non-secret settings in the config file, secrets in a secret store, and
//! swaps of both that a crash at any moment cannot half-apply.

mod batch;
pub mod config;
pub mod credentials;
mod draft;
pub mod file_store;
pub mod fsutil;
pub mod jwt_key;
pub mod keyring_store;
mod lock;
mod name;
pub mod rescue;
pub mod store;

use name::new_entry_id;
pub use name::{NameProblem, check_name, name_problem, valid_name};

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use secrecy::SecretString;

pub use batch::{Change, SecretChange};
use config::LOCK_TIMEOUT;
pub use config::{
    Broken, BrokenAt, Config, ConfigError, Flow, LastRun, LastTest, PendingCertificate, Profile,
    Ui, Unreferenced,
};
pub use draft::Draft;
use file_store::{FileStore, Unlock};
use keyring_store::KeyringStore;
pub use lock::ConfigLock;
pub use store::{SecretBundle, SecretStore, StoreError, StoreKind, StorePlace, key};

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("no saved connection named '{0}'; `sfconnect list` shows the saved ones")]
    NotFound(String),
    #[error("the secrets of '{name}' are missing from the {store} store; re-authenticate it")]
    SecretsMissing { name: String, store: &'static str },
    #[error("'{}' cannot be a connection name: {problem}", .name.escape_debug())]
    BadName { name: String, problem: NameProblem },
    #[error(
        "a connection named '{0}' is already saved; re-authenticate it, or choose another name"
    )]
    Exists(String),
    #[error(
        "'{0}' was saved by another sfconnect while this ran; nothing was changed. Run it again to replace what is saved now"
    )]
    ChangedMeanwhile(String),
    /// Checked before a refresh token is spent: the org replaces it at each use (rotation), and
    /// a new one that cannot be kept is a lost connection.
    #[error(
        "'{name}' was not logged in: its refresh token may be replaced at this login, and the new one could not be kept ({reason}). Nothing was spent.\nMake the config dir writable (or free space), then run the command again"
    )]
    CannotKeepRotation { name: String, reason: String },
    /// The org rotated the refresh token and the store could not take the new one.
    #[error(
        "Salesforce replaced the refresh token of '{name}' at this login, and the new one could not be saved: {source}. {kept}\nMake the config dir writable (or free space), then run `sfconnect token {name}`: it saves the waiting token and deletes the copy; until then '{name}' counts as failing"
    )]
    RotatedUnsaved {
        name: String,
        source: Box<ProfileError>,
        /// Where the new token waits, in words.
        kept: String,
    },
    /// A rescued refresh token waits and still cannot be saved.
    #[error(
        "a new refresh token of '{name}' waits in {} (it could not be saved when Salesforce issued it), and it still cannot be saved: {source}\nMake the config dir writable (or free space), then run `sfconnect token {name}`; do not delete that folder: the token saved before it is spent",
        .place.display()
    )]
    RescueWaiting {
        name: String,
        place: PathBuf,
        source: Box<ProfileError>,
    },
}

/// Whether a conditional write happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    Written,
    /// The connection was re-authenticated (it points at other secrets) since it was read:
    /// what was about to be written belongs to the old credentials and was dropped.
    Stale,
}

/// The platform's default config dir for sfconnect.
pub fn default_config_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "sfconnect").map(|d| d.config_dir().to_path_buf())
}

/// Saved connections in one config dir.
pub struct Profiles {
    dir: PathBuf,
    lock_timeout: Duration,
    keyring_timeout: Duration,
    /// Settable after start: the wizard asks for it on its own screen when a store needs it.
    passphrase: std::sync::RwLock<Option<SecretString>>,
    /// Asks for the passphrase of an existing protected secrets file when none was given.
    passphrase_prompt: Option<fn() -> Option<SecretString>>,
    waiting: fn(&Path),
}

/// By default a wait for the lock is only logged; the command line says it on stderr.
fn log_waiting(lock: &Path) {
    tracing::info!(
        "waiting for another sfconnect to release {}",
        lock.display()
    );
}

impl Profiles {
    pub fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            lock_timeout: LOCK_TIMEOUT,
            keyring_timeout: keyring_store::DEFAULT_TIMEOUT,
            passphrase: std::sync::RwLock::new(None),
            passphrase_prompt: None,
            waiting: log_waiting,
        }
    }

    /// The passphrase for a passphrase-protected file store (from SFCONNECT_PASSPHRASE or a prompt).
    pub fn with_passphrase(self, passphrase: Option<SecretString>) -> Self {
        self.set_passphrase(passphrase);
        self
    }

    /// Use `passphrase` for the file store from now on (the wizard's passphrase screen).
    pub fn set_passphrase(&self, passphrase: Option<SecretString>) {
        *self.passphrase.write().unwrap_or_else(|p| p.into_inner()) = passphrase;
    }

    fn passphrase(&self) -> Option<SecretString> {
        self.passphrase
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Called when a save has to wait for another process's lock.
    pub fn with_waiting(mut self, waiting: fn(&Path)) -> Self {
        self.waiting = waiting;
        self
    }

    pub fn with_passphrase_prompt(mut self, prompt: fn() -> Option<SecretString>) -> Self {
        self.passphrase_prompt = Some(prompt);
        self
    }

    pub fn with_lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    pub fn with_keyring_timeout(mut self, timeout: Duration) -> Self {
        self.keyring_timeout = timeout;
        self
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The config as it is on disk (no lock needed: writes replace the file atomically).
    pub fn config(&self) -> Result<Config, ConfigError> {
        Config::load(&self.dir)
    }

    pub fn get(&self, name: &str) -> Result<Profile, ProfileError> {
        let mut config = self.config()?;
        if let Some(broken) = config.broken(name) {
            return Err(broken.into());
        }
        config
            .connections
            .remove(name)
            .ok_or_else(|| ProfileError::NotFound(name.to_string()))
    }

    /// Open a store of `kind`. The file store uses the key file unless its file is (or, when new,
    /// a passphrase was given so it will be) passphrase-protected.
    pub fn open_store(&self, kind: StoreKind) -> Result<Box<dyn SecretStore>, StoreError> {
        match kind {
            StoreKind::Keyring => Ok(Box::new(KeyringStore::connect(self.keyring_timeout)?)),
            StoreKind::File => {
                let exists = self.dir.join(file_store::SECRETS_FILE).exists();
                let protected = file_store::uses_passphrase(&self.dir);
                let asked = || self.passphrase_prompt.and_then(|ask| ask());
                let unlock = match (&self.passphrase(), exists, protected) {
                    (Some(p), false, _) | (Some(p), true, true) => Unlock::Passphrase(p.clone()),
                    (None, true, true) => match asked() {
                        // Asked once a process: the next store opened uses the same answer.
                        Some(p) => {
                            self.set_passphrase(Some(p.clone()));
                            Unlock::Passphrase(p)
                        }
                        None => {
                            return Err(StoreError::PassphraseNeeded {
                                path: self.dir.join(file_store::SECRETS_FILE),
                            });
                        }
                    },
                    _ => Unlock::KeyFile,
                };
                Ok(Box::new(FileStore::new(&self.dir, unlock)))
            }
        }
    }

    /// The store for new secrets: the one asked for, else the keyring where it works. Where it
    /// does not, the error says so and offers the file store; nothing falls back silently.
    pub fn store_for_new(
        &self,
        explicit: Option<StoreKind>,
    ) -> Result<Box<dyn SecretStore>, StoreError> {
        self.open_store(explicit.unwrap_or(StoreKind::Keyring))
    }

    /// The passphrase a rescued refresh token is encrypted with (none: a key file beside it).
    pub fn rescue_passphrase(&self) -> Option<SecretString> {
        self.passphrase()
    }

    /// Held while connection `name` may spend a refresh token: one process at a time does
    /// (the others then use what it saved), and only once it is sure the new token can be
    /// written. The lock file lives in the config dir, so holding it proves that dir is not
    /// read-only; a probe as large as the files a save rewrites proves there is room.
    pub fn hold_refresh(&self, name: &str) -> Result<ConfigLock, ProfileError> {
        let cannot = |reason: String| ProfileError::CannotKeepRotation {
            name: name.to_string(),
            reason,
        };
        let locks = self.dir.join("locks");
        fsutil::private_dir(&locks).map_err(|e| cannot(format!("{}: {e}", locks.display())))?;
        let waiting = self.waiting;
        let lock = ConfigLock::acquire_file(
            &locks.join(format!("{name}.lock")),
            self.lock_timeout,
            &mut |p| waiting(p),
        )
        .map_err(|e| match e {
            e @ ConfigError::LockTimeout { .. } => ProfileError::Config(e),
            e => cannot(e.to_string()),
        })?;
        let size = |f: &str| std::fs::metadata(self.dir.join(f)).map_or(0, |m| m.len());
        let needed = size(file_store::SECRETS_FILE) + size(config::CONFIG_FILE) + 4096;
        fsutil::probe_room(&self.dir, needed)
            .map_err(|e| cannot(format!("{}: {e}", self.dir.display())))?;
        Ok(lock)
    }

    fn lock(&self) -> Result<ConfigLock, ConfigError> {
        let waiting = self.waiting;
        ConfigLock::acquire(&self.dir, self.lock_timeout, &mut |p| waiting(p))
    }

    /// Delete journalled entries of `store`'s kind that no connection references.
    fn clean_unreferenced(
        &self,
        config: &mut Config,
        store: &dyn SecretStore,
    ) -> Result<(), ConfigError> {
        let before = config.unreferenced.len();
        let referenced: Vec<String> = config
            .connections
            .values()
            .map(|p| p.secrets.clone())
            .collect();
        // Entries left in the other store (a connection moved between stores) are deleted there
        // too; when that store cannot be opened now, they stay journalled for a later try.
        let mut other: Option<Option<Box<dyn SecretStore>>> = None;
        config.unreferenced.retain(|u| {
            if referenced.contains(&u.entry) {
                return false;
            }
            if u.store == store.kind() {
                return store.delete(&u.entry).is_err();
            }
            let other = other.get_or_insert_with(|| self.open_store(u.store).ok());
            match other {
                Some(other) => other.delete(&u.entry).is_err(),
                None => true,
            }
        });
        if config.unreferenced.len() != before {
            config.save(&self.dir)?;
        }
        Ok(())
    }

    /// Save `profile` under `name` with `secrets`, replacing any connection of that name only
    /// once everything new is durably written. A failure or crash at any step leaves the old
    /// connection (config and secrets) exactly as it was.
    pub fn commit(
        &self,
        name: &str,
        profile: Profile,
        secrets: &SecretBundle,
        store: &dyn SecretStore,
    ) -> Result<(), ProfileError> {
        self.commit_inner(name, None, profile, secrets, store)
    }

    /// As `commit`, but only while `name` is as it was when the work that led here began:
    /// free (`expected` None), or holding the secrets entry `expected`. Otherwise another
    /// process saved it meanwhile, and nothing is written.
    pub fn commit_if(
        &self,
        name: &str,
        expected: Option<&str>,
        profile: Profile,
        secrets: &SecretBundle,
        store: &dyn SecretStore,
    ) -> Result<(), ProfileError> {
        self.commit_inner(name, Some(expected), profile, secrets, store)
    }

    fn commit_inner(
        &self,
        name: &str,
        expected: Option<Option<&str>>,
        mut profile: Profile,
        secrets: &SecretBundle,
        store: &dyn SecretStore,
    ) -> Result<(), ProfileError> {
        check_name(name)?;
        let _lock = self.lock()?;
        let mut config = Config::load(&self.dir)?;
        if let Some(expected) = expected {
            let now = config.connections.get(name).map(|p| p.secrets.as_str());
            match (expected, now) {
                _ if now != expected => {
                    tracing::info!("not saving '{name}': saved by another process meanwhile");
                    return Err(ProfileError::ChangedMeanwhile(name.to_string()));
                }
                _ => {}
            }
        }
        self.clean_unreferenced(&mut config, store)?;
        // A new login under a broken entry's name replaces it: that is one way to fix it. Its
        // secrets are journalled, and deleted with the other leftovers.
        config.drop_broken(name);

        let entry = new_entry_id(name);
        let staged = Unreferenced {
            store: store.kind(),
            entry: entry.clone(),
        };
        config.unreferenced.push(staged.clone());
        config.save(&self.dir)?;

        if let Err(e) = store.save(&entry, secrets) {
            // A write that timed out may still land once the keyring answers: its entry stays
            // journalled, and a later save deletes it. Otherwise nothing can be left behind.
            let unsure = matches!(e, StoreError::KeyringTimeout(_));
            // An unsure write is not chased now (the keyring is not answering); the next save
            // deletes it, after waiting for it to finish (see `KeyringStore::delete`).
            if !unsure && store.delete(&entry).is_ok() {
                config.unreferenced.retain(|u| *u != staged);
                let _ = config.save(&self.dir);
            }
            return Err(e.into());
        }
        fsutil::failpoint("after-secrets-saved");

        profile.store = store.kind();
        profile.secrets = entry;
        config.unreferenced.retain(|u| *u != staged);
        if let Some(old) = config.connections.insert(name.to_string(), profile) {
            config.unreferenced.push(Unreferenced {
                store: old.store,
                entry: old.secrets,
            });
        }
        config.save(&self.dir)?;
        fsutil::failpoint("after-swap");
        tracing::info!(
            "saved connection '{name}' (secrets: {})",
            store.kind().as_str()
        );
        self.clean_unreferenced(&mut config, store)?;
        Ok(())
    }

    /// The secrets of a saved connection.
    pub fn secrets(
        &self,
        name: &str,
        profile: &Profile,
        store: &dyn SecretStore,
    ) -> Result<SecretBundle, ProfileError> {
        store
            .load(&profile.secrets)?
            .ok_or_else(|| ProfileError::SecretsMissing {
                name: name.to_string(),
                store: profile.store.as_str(),
            })
    }

    /// Replace one secret in place (a rotated refresh token, a cached access token).
    pub fn update_secret(
        &self,
        name: &str,
        secret_name: &str,
        value: SecretString,
        store: &dyn SecretStore,
    ) -> Result<(), ProfileError> {
        self.update_with_secrets(name, store, |profile, bundle| {
            if secret_name == key::REFRESH_TOKEN {
                profile.refresh_token_obtained_at = Some(SystemTime::now());
            }
            bundle.set(secret_name, value);
            true
        })
    }

    /// Change a saved connection and its secrets together under the lock. `change` returns
    /// whether it changed the secrets; the store writes the whole bundle atomically in place, so
    /// the old values are never lost halfway (a rotated refresh token must never be lost).
    pub fn update_with_secrets(
        &self,
        name: &str,
        store: &dyn SecretStore,
        change: impl FnOnce(&mut Profile, &mut SecretBundle) -> bool,
    ) -> Result<(), ProfileError> {
        self.update_with_secrets_if(name, None, store, change)
            .map(|_| ())
    }

    /// As `update_with_secrets`, but only while the connection still points at the secrets
    /// entry `expected` (what was read before some network work). When another process has
    /// re-authenticated it since, nothing is written and `Ok(Applied::Stale)` says so.
    pub fn update_with_secrets_if(
        &self,
        name: &str,
        expected: Option<&str>,
        store: &dyn SecretStore,
        change: impl FnOnce(&mut Profile, &mut SecretBundle) -> bool,
    ) -> Result<Applied, ProfileError> {
        let _lock = self.lock()?;
        let mut config = Config::load(&self.dir)?;
        let before = config.clone();
        let profile = config
            .connections
            .get_mut(name)
            .ok_or_else(|| ProfileError::NotFound(name.to_string()))?;
        if expected.is_some_and(|e| e != profile.secrets) {
            return Ok(Applied::Stale);
        }
        let mut bundle =
            store
                .load(&profile.secrets)?
                .ok_or_else(|| ProfileError::SecretsMissing {
                    name: name.to_string(),
                    store: profile.store.as_str(),
                })?;
        if change(profile, &mut bundle) {
            store.save(&profile.secrets, &bundle)?;
        }
        if config != before {
            config.save(&self.dir)?;
        }
        Ok(Applied::Written)
    }

    /// Read-modify-write of the config file under its lock (written only when changed).
    pub fn change_config<T>(
        &self,
        change: impl FnOnce(&mut Config) -> T,
    ) -> Result<T, ProfileError> {
        let waiting = self.waiting;
        config::update(
            &self.dir,
            self.lock_timeout,
            &mut |p| waiting(p),
            |config| Ok::<_, ProfileError>(change(config)),
        )
    }

    /// Change non-secret fields of a saved connection (the last test result, say), only while
    /// it still points at the secrets entry `expected` when one is given.
    pub fn update_profile_if(
        &self,
        name: &str,
        expected: Option<&str>,
        change: impl FnOnce(&mut Profile),
    ) -> Result<Applied, ProfileError> {
        let waiting = self.waiting;
        config::update(
            &self.dir,
            self.lock_timeout,
            &mut |p| waiting(p),
            |config| {
                let profile = config
                    .connections
                    .get_mut(name)
                    .ok_or_else(|| ProfileError::NotFound(name.to_string()))?;
                if expected.is_some_and(|e| e != profile.secrets) {
                    return Ok::<_, ProfileError>(Applied::Stale);
                }
                change(profile);
                Ok(Applied::Written)
            },
        )
    }

    /// Delete a connection's profile and secrets together. The profile goes first (the commit
    /// point); its secrets entry is journalled so a crash cannot orphan it for good.
    pub fn remove(&self, name: &str, store: &dyn SecretStore) -> Result<Profile, ProfileError> {
        match self.remove_entry(name, Some(store))? {
            (Some(profile), _) => Ok(profile),
            (None, _) => Err(ProfileError::NotFound(name.to_string())),
        }
    }

    /// Delete connection `name`, an entry the config cannot read included. Its secrets entry
    /// is journalled, then deleted from `store` when one is given and can delete it; else it
    /// stays journalled for a later run (`sweep`). The profile (None for a broken entry), and
    /// the secrets entry still waiting to be deleted, if any.
    pub fn remove_entry(
        &self,
        name: &str,
        store: Option<&dyn SecretStore>,
    ) -> Result<(Option<Profile>, Option<Unreferenced>), ProfileError> {
        let _lock = self.lock()?;
        let mut config = Config::load(&self.dir)?;
        let (profile, secrets) = match config.connections.remove(name) {
            Some(profile) => {
                let secrets = Unreferenced {
                    store: profile.store,
                    entry: profile.secrets.clone(),
                };
                config.unreferenced.push(secrets.clone());
                (Some(profile), Some(secrets))
            }
            None => match config.drop_broken(name) {
                Some(secrets) => (None, secrets),
                None => return Err(ProfileError::NotFound(name.to_string())),
            },
        };
        config.save(&self.dir)?;
        if let Some(store) = store {
            self.clean_unreferenced(&mut config, store)?;
        }
        let left = secrets.filter(|s| config.unreferenced.contains(s));
        Ok((profile, left))
    }

    /// Delete the journalled secrets entries of `store`'s kind that no connection references
    /// (left by a removal that could not open the store then). Quietly does nothing when the
    /// config dir cannot be locked now (a read-only dir): they wait for a later run.
    pub fn sweep(&self, store: &dyn SecretStore) {
        let pending = Config::load(&self.dir)
            .is_ok_and(|c| c.unreferenced.iter().any(|u| u.store == store.kind()));
        if !pending {
            return;
        }
        let Ok(_lock) = self.lock() else { return };
        if let Ok(mut config) = Config::load(&self.dir)
            && let Err(e) = self.clean_unreferenced(&mut config, store)
        {
            tracing::info!("leftover secrets not deleted yet: {e}");
        }
    }
}
