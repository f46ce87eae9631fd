//! The OS keyring store (keyring-core with the platform's own store). Every call runs on its own
//! thread with a time limit, so a locked keyring that never answers is reported, not waited on.

use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use keyring_core::api::CredentialStore;
use secrecy::zeroize::Zeroizing;

use super::store::{SecretBundle, SecretStore, StoreError, StoreKind, StorePlace};

/// Service name under which every sfconnect item is kept.
pub const SERVICE: &str = "sfconnect";
/// How long one keyring call may take before the keyring is reported as not answering.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

pub struct KeyringStore {
    store: Arc<CredentialStore>,
    timeout: Duration,
    /// Writes that timed out but may still land, by entry: each says on its channel when its
    /// thread is done. A delete of that entry waits for it first, or the late write would land
    /// after the delete and leave the item behind.
    unsure: std::sync::Mutex<std::collections::HashMap<String, mpsc::Receiver<()>>>,
}

/// Run `f` on its own thread; give up after `timeout` (the thread is left to finish or hang).
fn bounded<T: Send + 'static>(
    timeout: Duration,
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("sfconnect-keyring".into())
        .spawn(move || {
            let _ = tx.send(f());
        })
        .map_err(|e| StoreError::KeyringFailed(e.to_string()))?;
    rx.recv_timeout(timeout)
        .map_err(|_| StoreError::KeyringTimeout(timeout))?
}

/// Why no keyring can work here, found without touching it (None: worth trying).
pub fn unavailable_reason() -> Option<String> {
    #[cfg(all(
        unix,
        not(any(target_os = "macos", target_os = "ios", target_os = "android"))
    ))]
    {
        let address = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").filter(|a| !a.is_empty());
        if address.is_none() {
            return Some(
                "there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set), which is usual in an SSH session or under cron"
                    .into(),
            );
        }
    }
    None
}

/// Map a keyring error to ours, never carrying the raw bytes some variants hold.
fn keyring_error(entry: &str, e: keyring_core::Error) -> StoreError {
    use keyring_core::Error as K;
    match e {
        K::BadEncoding(_) | K::BadDataFormat(..) => {
            StoreError::KeyringItemCorrupt(entry.to_string())
        }
        K::NoStorageAccess(p) => {
            StoreError::KeyringFailed(format!("the keyring is locked or access was denied ({p})"))
        }
        K::PlatformFailure(p) => StoreError::KeyringFailed(p.to_string()),
        K::NoDefaultStore => StoreError::KeyringUnavailable {
            reason: "no keyring store could be created".into(),
        },
        other => StoreError::KeyringFailed(other.to_string()),
    }
}

#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(zbus_secret_service_keyring_store::Store::new()?)
}

#[cfg(target_os = "macos")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(apple_native_keyring_store::keychain::Store::new()?)
}

#[cfg(target_os = "windows")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(windows_native_keyring_store::Store::new()?)
}

#[cfg(not(any(
    target_os = "macos",
    target_os = "windows",
    all(unix, not(any(target_os = "ios", target_os = "android")))
)))]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Err(keyring_core::Error::NoDefaultStore)
}

impl KeyringStore {
    /// Connect to the platform keyring, quickly refusing where none can exist.
    pub fn connect(timeout: Duration) -> Result<Self, StoreError> {
        if let Some(reason) = unavailable_reason() {
            return Err(StoreError::KeyringUnavailable { reason });
        }
        let store = bounded(timeout, || {
            platform_store().map_err(|e| match e {
                keyring_core::Error::PlatformFailure(p)
                | keyring_core::Error::NoStorageAccess(p) => StoreError::KeyringUnavailable {
                    reason: format!("no Secret Service answers on the session bus ({p})"),
                },
                other => keyring_error("", other),
            })
        })?;
        Ok(Self {
            store,
            timeout,
            unsure: std::sync::Mutex::default(),
        })
    }

    fn call<T: Send + 'static>(
        &self,
        entry: &str,
        f: impl FnOnce(keyring_core::Entry) -> keyring_core::Result<T> + Send + 'static,
    ) -> Result<T, StoreError> {
        let store = self.store.clone();
        let name = entry.to_string();
        bounded(self.timeout, move || {
            let item = store
                .build(SERVICE, &name, None)
                .map_err(|e| keyring_error(&name, e))?;
            f(item).map_err(|e| keyring_error(&name, e))
        })
    }
}

impl SecretStore for KeyringStore {
    fn kind(&self) -> StoreKind {
        StoreKind::Keyring
    }

    fn place(&self) -> StorePlace {
        let backend = if cfg!(target_os = "macos") {
            "macOS Keychain"
        } else if cfg!(target_os = "windows") {
            "Windows Credential Manager"
        } else {
            "Secret Service"
        };
        StorePlace::Keyring { backend }
    }

    fn load(&self, entry: &str) -> Result<Option<SecretBundle>, StoreError> {
        let name = entry.to_string();
        let text = self.call(entry, |item| match item.get_password() {
            Ok(p) => Ok(Some(Zeroizing::new(p))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(e),
        })?;
        match text {
            None => Ok(None),
            Some(text) => SecretBundle::from_json(&text)
                .map(Some)
                .ok_or(StoreError::KeyringItemCorrupt(name)),
        }
    }

    fn save(&self, entry: &str, bundle: &SecretBundle) -> Result<(), StoreError> {
        let json = bundle.to_json();
        let (done, finished) = mpsc::channel();
        let saved = self.call(entry, move |item| {
            let result = item.set_password(&json);
            let _ = done.send(());
            result
        });
        if matches!(saved, Err(StoreError::KeyringTimeout(_))) {
            self.unsure
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(entry.to_string(), finished);
        }
        saved
    }

    fn delete(&self, entry: &str) -> Result<(), StoreError> {
        let unsure = self
            .unsure
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(entry);
        if let Some(finished) = unsure {
            let _ = finished.recv_timeout(self.timeout);
        }
        self.call(entry, |item| match item.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(e),
        })
    }
}
