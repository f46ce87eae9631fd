//! The encrypted file store: every connection's secrets in one age-encrypted file in the config
//! dir, opened by a separate 0600 key file (works for cron and systemd) or by a passphrase.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Mutex;

use age::x25519;
use secrecy::zeroize::Zeroizing;
use secrecy::{ExposeSecret, SecretString};

use super::fsutil;
use super::store::{SecretBundle, SecretStore, StoreError, StoreKind, StorePlace};

pub const SECRETS_FILE: &str = "secrets.age";
pub const KEY_FILE: &str = "secrets.key";

/// How the secrets file is opened.
#[derive(Clone)]
pub enum Unlock {
    /// A separate key file beside it (created on first save).
    KeyFile,
    Passphrase(SecretString),
}

pub struct FileStore {
    dir: PathBuf,
    unlock: Unlock,
    /// The last file read or written and what it holds: decrypting (scrypt, for a passphrase)
    /// is slow, and one save reads the file more than once.
    cache: Mutex<Option<Cached>>,
}

/// Decrypted contents, valid while the secrets file and the key file are byte-for-byte the same.
struct Cached {
    ciphertext: Vec<u8>,
    key_file: Vec<u8>,
    entries: BTreeMap<String, SecretBundle>,
}

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> StoreError {
    let path = path.to_path_buf();
    move |source| StoreError::Io {
        action,
        path,
        source,
    }
}

/// What stops the secrets file in `dir` from opening, found without decrypting anything (so
/// `status` can tell without a passphrase): the file itself, or the key file it was made for.
pub fn missing_part(dir: &Path) -> Option<StoreError> {
    let secrets = dir.join(SECRETS_FILE);
    if let Err(e) = fs::metadata(&secrets) {
        return Some(io("read", &secrets)(e));
    }
    let key = dir.join(KEY_FILE);
    (!uses_passphrase(dir) && fs::metadata(&key).is_err())
        .then_some(StoreError::KeyFileMissing { key, secrets })
}

/// Whether an existing secrets file was encrypted to a passphrase (scrypt stanza) or a key.
pub fn uses_passphrase(dir: &Path) -> bool {
    let mut head = [0u8; 128];
    let n = fs::File::open(dir.join(SECRETS_FILE))
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    String::from_utf8_lossy(&head[..n]).contains("\n-> scrypt ")
}

impl FileStore {
    pub fn new(dir: &Path, unlock: Unlock) -> Self {
        Self {
            dir: dir.to_path_buf(),
            unlock,
            cache: Mutex::new(None),
        }
    }

    pub fn secrets_path(&self) -> PathBuf {
        self.dir.join(SECRETS_FILE)
    }

    pub fn key_path(&self) -> PathBuf {
        self.dir.join(KEY_FILE)
    }

    fn read_identity(&self) -> Result<Option<x25519::Identity>, StoreError> {
        let path = self.key_path();
        let text = match fs::read_to_string(&path) {
            Ok(t) => Zeroizing::new(t),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io("read", &path)(e)),
        };
        let line = text
            .lines()
            .find(|l| l.starts_with("AGE-SECRET-KEY-"))
            .ok_or_else(|| StoreError::KeyFileInvalid(path.clone()))?;
        x25519::Identity::from_str(line.trim())
            .map(Some)
            .map_err(|_| StoreError::KeyFileInvalid(path))
    }

    fn create_identity(&self) -> Result<x25519::Identity, StoreError> {
        fsutil::private_dir(&self.dir).map_err(io("create", &self.dir))?;
        let identity = x25519::Identity::generate();
        let path = self.key_path();
        let text = Zeroizing::new(format!(
            "# sfconnect key file: opens {SECRETS_FILE}. Keep it private and back it up with that file.\n{}\n",
            identity.to_string().expose_secret()
        ));
        fsutil::write_atomic(&path, text.as_bytes()).map_err(io("write", &path))?;
        Ok(identity)
    }

    /// Every entry in the file (empty when there is no file yet).
    fn read_all(&self) -> Result<BTreeMap<String, SecretBundle>, StoreError> {
        let path = self.secrets_path();
        let ciphertext = match fs::read(&path) {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
            Err(e) => return Err(io("read", &path)(e)),
        };
        let key_file = self.key_file_bytes();
        if let Some(cached) = self
            .cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            && cached.ciphertext == ciphertext
            && *cached.key_file == **key_file
        {
            return Ok(cached.entries.clone());
        }
        let plaintext = match &self.unlock {
            Unlock::KeyFile => {
                if uses_passphrase(&self.dir) {
                    return Err(StoreError::PassphraseNeeded { path });
                }
                let identity = self
                    .read_identity()?
                    .ok_or_else(|| StoreError::KeyFileMissing {
                        key: self.key_path(),
                        secrets: path.clone(),
                    })?;
                age::decrypt(&identity, &ciphertext).map_err(|e| match e {
                    age::DecryptError::NoMatchingKeys => {
                        StoreError::KeyFileMismatch(self.key_path())
                    }
                    _ => StoreError::SecretsFileCorrupt(path.clone()),
                })?
            }
            Unlock::Passphrase(passphrase) => {
                let identity = age::scrypt::Identity::new(passphrase.clone());
                age::decrypt(&identity, &ciphertext).map_err(|e| match e {
                    age::DecryptError::DecryptionFailed | age::DecryptError::NoMatchingKeys => {
                        StoreError::WrongPassphrase { path: path.clone() }
                    }
                    _ => StoreError::SecretsFileCorrupt(path.clone()),
                })?
            }
        };
        let plaintext = Zeroizing::new(plaintext);
        let text = std::str::from_utf8(&plaintext)
            .map_err(|_| StoreError::SecretsFileCorrupt(path.clone()))?;
        let raw: BTreeMap<String, serde_json::Value> =
            serde_json::from_str(text).map_err(|_| StoreError::SecretsFileCorrupt(path.clone()))?;
        let all: BTreeMap<String, SecretBundle> = raw
            .into_iter()
            .map(|(entry, value)| {
                let json = Zeroizing::new(value.to_string());
                SecretBundle::from_json(&json)
                    .map(|b| (entry, b))
                    .ok_or_else(|| StoreError::SecretsFileCorrupt(path.clone()))
            })
            .collect::<Result<_, _>>()?;
        self.remember(ciphertext, all.clone());
        Ok(all)
    }

    fn key_file_bytes(&self) -> Zeroizing<Vec<u8>> {
        match self.unlock {
            Unlock::KeyFile => Zeroizing::new(fs::read(self.key_path()).unwrap_or_default()),
            Unlock::Passphrase(_) => Zeroizing::new(Vec::new()),
        }
    }

    fn remember(&self, ciphertext: Vec<u8>, entries: BTreeMap<String, SecretBundle>) {
        let key_file = self.key_file_bytes().to_vec();
        *self.cache.lock().unwrap_or_else(|p| p.into_inner()) = Some(Cached {
            ciphertext,
            key_file,
            entries,
        });
    }

    fn write_all(&self, all: &BTreeMap<String, SecretBundle>) -> Result<(), StoreError> {
        let path = self.secrets_path();
        let mut text = Zeroizing::new(String::from("{"));
        for (i, (entry, bundle)) in all.iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            text.push_str(&serde_json::to_string(entry).unwrap_or_default());
            text.push(':');
            text.push_str(&bundle.to_json());
        }
        text.push('}');
        let encrypt_error = |_| StoreError::Io {
            action: "encrypt",
            path: path.clone(),
            source: std::io::Error::other("encryption failed"),
        };
        let ciphertext = match &self.unlock {
            Unlock::KeyFile => {
                let identity = match self.read_identity()? {
                    Some(identity) => identity,
                    None if path.exists() => {
                        return Err(StoreError::KeyFileMissing {
                            key: self.key_path(),
                            secrets: path,
                        });
                    }
                    None => self.create_identity()?,
                };
                age::encrypt(&identity.to_public(), text.as_bytes()).map_err(encrypt_error)?
            }
            Unlock::Passphrase(passphrase) => {
                let recipient = age::scrypt::Recipient::new(passphrase.clone());
                age::encrypt(&recipient, text.as_bytes()).map_err(encrypt_error)?
            }
        };
        fsutil::private_dir(&self.dir).map_err(io("create", &self.dir))?;
        fsutil::write_atomic(&path, &ciphertext).map_err(io("write", &path))?;
        self.remember(ciphertext, all.clone());
        Ok(())
    }
}

impl SecretStore for FileStore {
    fn kind(&self) -> StoreKind {
        StoreKind::File
    }

    fn place(&self) -> StorePlace {
        StorePlace::File {
            path: self.secrets_path(),
            key_file: match self.unlock {
                Unlock::KeyFile => Some(self.key_path()),
                Unlock::Passphrase(_) => None,
            },
        }
    }

    fn load(&self, entry: &str) -> Result<Option<SecretBundle>, StoreError> {
        Ok(self.read_all()?.remove(entry))
    }

    fn save(&self, entry: &str, bundle: &SecretBundle) -> Result<(), StoreError> {
        let mut all = self.read_all()?;
        all.insert(entry.to_string(), bundle.clone());
        self.write_all(&all)
    }

    fn load_all(&self) -> Option<Result<BTreeMap<String, SecretBundle>, StoreError>> {
        Some(self.read_all())
    }

    fn save_many(&self, entries: &[(String, SecretBundle)]) -> Result<(), StoreError> {
        let mut all = self.read_all()?;
        for (entry, bundle) in entries {
            all.insert(entry.clone(), bundle.clone());
        }
        self.write_all(&all)
    }

    fn delete(&self, entry: &str) -> Result<(), StoreError> {
        let mut all = self.read_all()?;
        if all.remove(entry).is_some() {
            self.write_all(&all)?;
        }
        Ok(())
    }
}
