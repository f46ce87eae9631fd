//! Profiles: commits replace a connection only when everything new is written; failures and
//! crashes leave the old one exactly as it was; removal takes secrets along.

use secrecy::ExposeSecret;
use sfconnect::profile::config::CONFIG_FILE;
use sfconnect::profile::file_store::{FileStore, Unlock};
use sfconnect::profile::{
    Config, ProfileError, Profiles, SecretBundle, SecretStore, StoreError, StoreKind, Unreferenced,
    key,
};

use super::support::*;

/// A file store that refuses to write: a full disk, a revoked keyring permission.
struct Refusing(FileStore);

impl SecretStore for Refusing {
    fn kind(&self) -> StoreKind {
        StoreKind::File
    }
    fn place(&self) -> sfconnect::profile::StorePlace {
        sfconnect::profile::StorePlace::Keyring {
            backend: "refusing",
        }
    }
    fn load(&self, entry: &str) -> Result<Option<SecretBundle>, StoreError> {
        self.0.load(entry)
    }
    fn save(&self, _: &str, _: &SecretBundle) -> Result<(), StoreError> {
        Err(StoreError::Io {
            action: "write",
            path: "secrets.age".into(),
            source: std::io::Error::other("No space left on device"),
        })
    }
    fn delete(&self, entry: &str) -> Result<(), StoreError> {
        self.0.delete(entry)
    }
}

#[test]
fn commit_replaces_and_cleans_up_the_old_secrets() {
    let tmp = tempfile::tempdir().unwrap();
    let profiles = Profiles::new(tmp.path().to_path_buf());
    let store = FileStore::new(tmp.path(), Unlock::KeyFile);
    profiles
        .commit("prod", profile(StoreKind::File), &bundle("first"), &store)
        .unwrap();
    let first = profiles.get("prod").unwrap();
    profiles
        .commit("prod", profile(StoreKind::File), &bundle("second"), &store)
        .unwrap();
    let second = profiles.get("prod").unwrap();
    assert_ne!(
        first.secrets, second.secrets,
        "new secrets go under a new entry"
    );
    assert!(
        store.load(&first.secrets).unwrap().is_none(),
        "the old entry is deleted"
    );
    let now = profiles.secrets("prod", &second, &store).unwrap();
    assert_eq!(now.get(key::PASSWORD).unwrap().expose_secret(), "second");
    assert!(profiles.config().unwrap().unreferenced.is_empty());
    let text = std::fs::read_to_string(tmp.path().join(CONFIG_FILE)).unwrap();
    assert!(
        !text.contains("second") && !text.contains("TOKEN0123"),
        "no secret in the config:\n{text}"
    );
}

#[test]
fn a_failing_store_leaves_the_old_connection_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let profiles = Profiles::new(tmp.path().to_path_buf());
    let store = FileStore::new(tmp.path(), Unlock::KeyFile);
    profiles
        .commit("prod", profile(StoreKind::File), &bundle("working"), &store)
        .unwrap();
    let before = snapshot(tmp.path());
    let refusing = Refusing(FileStore::new(tmp.path(), Unlock::KeyFile));
    let err = profiles
        .commit("prod", profile(StoreKind::File), &bundle("new"), &refusing)
        .unwrap_err();
    assert!(err.to_string().contains("No space left"), "{err}");
    assert_eq!(
        snapshot(tmp.path()),
        before,
        "config and secrets are byte-for-byte unchanged"
    );
    let saved = profiles.get("prod").unwrap();
    let secrets = profiles.secrets("prod", &saved, &store).unwrap();
    assert_eq!(
        secrets.get(key::PASSWORD).unwrap().expose_secret(),
        "working"
    );
}

#[test]
fn journalled_entries_from_a_crash_are_cleaned_up_later() {
    let tmp = tempfile::tempdir().unwrap();
    let profiles = Profiles::new(tmp.path().to_path_buf());
    let store = FileStore::new(tmp.path(), Unlock::KeyFile);
    profiles
        .commit("prod", profile(StoreKind::File), &bundle("working"), &store)
        .unwrap();
    // What a crash between writing new secrets and swapping the config leaves behind.
    store.save("prod@deadbeef", &bundle("half-done")).unwrap();
    let mut config = Config::load(tmp.path()).unwrap();
    config.unreferenced.push(Unreferenced {
        store: StoreKind::File,
        entry: "prod@deadbeef".into(),
    });
    std::fs::write(
        tmp.path().join(CONFIG_FILE),
        toml::to_string(&config).unwrap(),
    )
    .unwrap();
    profiles
        .commit("uat", profile(StoreKind::File), &bundle("uat"), &store)
        .unwrap();
    assert!(
        store.load("prod@deadbeef").unwrap().is_none(),
        "the orphan is gone"
    );
    assert!(profiles.config().unwrap().unreferenced.is_empty());
    let prod = profiles.get("prod").unwrap();
    assert_eq!(
        profiles
            .secrets("prod", &prod, &store)
            .unwrap()
            .get(key::PASSWORD)
            .unwrap()
            .expose_secret(),
        "working"
    );
}

#[test]
fn rotation_updates_in_place_and_remove_takes_everything() {
    let tmp = tempfile::tempdir().unwrap();
    let profiles = Profiles::new(tmp.path().to_path_buf());
    let store = FileStore::new(tmp.path(), Unlock::KeyFile);
    profiles
        .commit("prod", profile(StoreKind::File), &bundle("pw"), &store)
        .unwrap();
    profiles
        .update_secret("prod", key::REFRESH_TOKEN, secret("5Aep861rotated"), &store)
        .unwrap();
    let saved = profiles.get("prod").unwrap();
    assert!(saved.refresh_token_obtained_at.is_some());
    let secrets = profiles.secrets("prod", &saved, &store).unwrap();
    assert_eq!(
        secrets.get(key::REFRESH_TOKEN).unwrap().expose_secret(),
        "5Aep861rotated"
    );
    assert_eq!(
        secrets.get(key::PASSWORD).unwrap().expose_secret(),
        "pw",
        "other secrets kept"
    );
    profiles.remove("prod", &store).unwrap();
    assert!(matches!(
        profiles.get("prod"),
        Err(ProfileError::NotFound(_))
    ));
    assert!(store.load(&saved.secrets).unwrap().is_none());
    assert!(profiles.config().unwrap().unreferenced.is_empty());
}

#[test]
fn names_are_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let profiles = Profiles::new(tmp.path().to_path_buf());
    let store = FileStore::new(tmp.path(), Unlock::KeyFile);
    // Each refusal names the rule the name breaks.
    for (bad, says) in [
        ("", "type a name"),
        ("a b", "' ' is not allowed"),
        ("x/y", "'/' is not allowed"),
        ("../etc", "must start with a letter or digit"),
        (
            ".x",
            "it starts with '.'; a name must start with a letter or digit",
        ),
        (&"n".repeat(65), "it has 65 characters; at most 64"),
    ] {
        let err = profiles
            .commit(bad, profile(StoreKind::File), &bundle("pw"), &store)
            .unwrap_err();
        assert!(matches!(err, ProfileError::BadName { .. }), "{bad}");
        assert!(err.to_string().contains(says), "{bad}: {err}");
    }
    assert!(snapshot(tmp.path()).is_empty());
}
