//! The encrypted file store: round trips, wrong passphrases, lost or damaged key files, modes.

use secrecy::{ExposeSecret, SecretString};
use sfconnect::profile::file_store::{FileStore, KEY_FILE, SECRETS_FILE, Unlock};
use sfconnect::profile::fsutil::mode;
use sfconnect::profile::{SecretStore, StoreError, key};

use super::support::*;

const NASTY: &str = r#"p&<>"'%+ /\{}[]é"#;

#[test]
fn key_file_round_trip_with_private_modes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("cfg");
    let store = FileStore::new(&dir, Unlock::KeyFile);
    assert!(store.load("prod@1").unwrap().is_none());
    store.save("prod@1", &bundle(NASTY)).unwrap();
    store.save("uat@1", &bundle("other")).unwrap();
    let back = store.load("prod@1").unwrap().unwrap();
    assert_eq!(back.get(key::PASSWORD).unwrap().expose_secret(), NASTY);
    assert_eq!(mode(&dir), Some(0o700));
    assert_eq!(mode(&dir.join(SECRETS_FILE)), Some(0o600));
    assert_eq!(mode(&dir.join(KEY_FILE)), Some(0o600));
    let raw = std::fs::read(dir.join(SECRETS_FILE)).unwrap();
    assert!(raw.starts_with(b"age-encryption.org/v1"));
    assert!(
        !String::from_utf8_lossy(&raw).contains("other"),
        "the file is encrypted"
    );
    store.delete("prod@1").unwrap();
    assert!(store.load("prod@1").unwrap().is_none());
    assert!(
        store.load("uat@1").unwrap().is_some(),
        "other entries survive"
    );
    store.delete("never-existed").unwrap();
}

#[test]
fn passphrase_round_trip_and_wrong_passphrase_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let right = FileStore::new(dir, Unlock::Passphrase(SecretString::from("correct horse")));
    right.save("prod@1", &bundle(NASTY)).unwrap();
    assert!(
        !dir.join(KEY_FILE).exists(),
        "a passphrase store needs no key file"
    );
    let before = snapshot(dir);
    let wrong = FileStore::new(dir, Unlock::Passphrase(SecretString::from("wrong")));
    let err = wrong.load("prod@1").unwrap_err();
    assert!(matches!(err, StoreError::WrongPassphrase { .. }), "{err}");
    assert!(err.to_string().contains("nothing was changed"));
    assert!(wrong.save("prod@2", &bundle("x")).is_err());
    assert_eq!(snapshot(dir), before, "a wrong passphrase writes nothing");
    // The key-file store refuses a passphrase file with a clear message, not a decryption error.
    let err = FileStore::new(dir, Unlock::KeyFile)
        .load("prod@1")
        .unwrap_err();
    assert!(err.to_string().contains("SFCONNECT_PASSPHRASE"), "{err}");
    assert_eq!(
        right
            .load("prod@1")
            .unwrap()
            .unwrap()
            .get(key::PASSWORD)
            .unwrap()
            .expose_secret(),
        NASTY
    );
}

#[test]
fn missing_corrupt_or_foreign_key_file_is_explained_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let store = FileStore::new(dir, Unlock::KeyFile);
    store.save("prod@1", &bundle("pw")).unwrap();
    let key = std::fs::read(dir.join(KEY_FILE)).unwrap();

    std::fs::remove_file(dir.join(KEY_FILE)).unwrap();
    let before = snapshot(dir);
    let err = store.load("prod@1").unwrap_err();
    assert!(matches!(err, StoreError::KeyFileMissing { .. }), "{err}");
    assert!(err.to_string().contains("Restore the key file"));
    let err = store.save("prod@2", &bundle("pw")).unwrap_err();
    assert!(matches!(err, StoreError::KeyFileMissing { .. }), "{err}");
    assert_eq!(
        snapshot(dir),
        before,
        "no new key is made while secrets exist"
    );

    std::fs::write(dir.join(KEY_FILE), "garbage\n").unwrap();
    assert!(matches!(
        store.load("prod@1").unwrap_err(),
        StoreError::KeyFileInvalid(_)
    ));

    let other = tempfile::tempdir().unwrap();
    FileStore::new(other.path(), Unlock::KeyFile)
        .save("x@1", &bundle("pw"))
        .unwrap();
    std::fs::copy(other.path().join(KEY_FILE), dir.join(KEY_FILE)).unwrap();
    assert!(matches!(
        store.load("prod@1").unwrap_err(),
        StoreError::KeyFileMismatch(_)
    ));

    std::fs::write(dir.join(KEY_FILE), &key).unwrap();
    assert!(
        store.load("prod@1").unwrap().is_some(),
        "the right key opens it again"
    );

    std::fs::write(
        dir.join(SECRETS_FILE),
        b"age-encryption.org/v1\n-> X25519 garbage\n",
    )
    .unwrap();
    assert!(matches!(
        store.load("prod@1").unwrap_err(),
        StoreError::SecretsFileCorrupt(_)
    ));
}
