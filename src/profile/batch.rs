//! Many connections' results written at once: one locked write of the config file and one
//! of each secret store, for a fleet's checks.

use super::{
    Applied, Config, Profile, ProfileError, Profiles, SecretBundle, SecretStore, StoreError,
    StoreKind,
};

/// A change to one connection's secrets in a batch: returns whether it changed them.
pub type SecretChange = Box<dyn FnOnce(&mut SecretBundle) -> bool + Send>;

/// One connection's part of a batched write (`Profiles::update_many`).
pub struct Change {
    pub name: String,
    /// The secrets entry the connection pointed at when its work began.
    pub expected: Option<String>,
    pub profile: Box<dyn FnOnce(&mut Profile) + Send>,
    pub secrets: Option<SecretChange>,
}

/// Apply `changes` to their entries in `store`, written together.
fn save_changed(
    store: Option<std::sync::Arc<dyn SecretStore>>,
    changes: Vec<&mut (StoreKind, String, SecretChange)>,
) -> Result<(), StoreError> {
    let Some(store) = store else { return Ok(()) };
    let mut all = match store.load_all() {
        Some(all) => Some(all?),
        None => None,
    };
    let mut changed = Vec::new();
    for (_, entry, change) in changes {
        let bundle = match &mut all {
            Some(all) => all.remove(entry.as_str()),
            None => store.load(entry)?,
        };
        let Some(mut bundle) = bundle else { continue };
        let change = std::mem::replace(change, Box::new(|_| false));
        if change(&mut bundle) {
            changed.push((entry.clone(), bundle));
        }
    }
    if changed.is_empty() {
        return Ok(());
    }
    store.save_many(&changed)
}

impl Profiles {
    /// Many connections' results in one locked write of the config file, and one write of
    /// each secret store that keeps its entries together (a fleet's checks). Each change is
    /// applied only while its connection still points at the secrets entry it was read with:
    /// one re-authenticated meanwhile is `Stale` (a removed one too), and left alone. `also`
    /// changes the rest of the config in the same write.
    pub fn update_many(
        &self,
        changes: Vec<Change>,
        stores: &dyn Fn(StoreKind) -> Option<std::sync::Arc<dyn SecretStore>>,
        also: impl FnOnce(&mut Config),
    ) -> Result<Vec<(String, Applied)>, ProfileError> {
        let waiting = self.waiting;
        super::config::update(
            &self.dir,
            self.lock_timeout,
            &mut |p| waiting(p),
            |config| {
                let mut applied = Vec::with_capacity(changes.len());
                let mut secrets: Vec<(StoreKind, String, SecretChange)> = Vec::new();
                for change in changes {
                    let Some(profile) = config.connections.get_mut(&change.name) else {
                        applied.push((change.name, Applied::Stale));
                        continue;
                    };
                    if change
                        .expected
                        .as_ref()
                        .is_some_and(|e| *e != profile.secrets)
                    {
                        applied.push((change.name, Applied::Stale));
                        continue;
                    }
                    (change.profile)(profile);
                    if let Some(s) = change.secrets {
                        secrets.push((profile.store, profile.secrets.clone(), s));
                    }
                    applied.push((change.name, Applied::Written));
                }
                also(config);
                // Secrets that could not be written (a session cache) cost a login later;
                // the verdicts are still recorded.
                for kind in [StoreKind::File, StoreKind::Keyring] {
                    let mine: Vec<_> = secrets.iter_mut().filter(|(k, ..)| *k == kind).collect();
                    if mine.is_empty() {
                        continue;
                    }
                    if let Err(e) = save_changed(stores(kind), mine) {
                        tracing::warn!("sessions not cached in the {} store: {e}", kind.as_str());
                    }
                }
                Ok::<_, ProfileError>(applied)
            },
        )
    }
}
