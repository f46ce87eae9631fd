//! The config file: saved connections' non-secret settings, versioned, written atomically under a
//! lock, and never overwritten when it cannot be parsed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use super::fsutil;
use super::store::StoreKind;

pub const CONFIG_FILE: &str = "connections.toml";
pub(super) const LOCK_FILE: &str = "connections.lock";
/// The schema this build writes.
pub const SCHEMA_VERSION: u32 = 1;
/// How long a second instance waits for the lock before giving up.
pub const LOCK_TIMEOUT: Duration = Duration::from_secs(30);

/// How a connection authenticates (the `--flow` values of the command line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Flow {
    /// Username + password + security token through SOAP login().
    Soap,
    /// OAuth username-password flow with a connected app's consumer key and secret.
    Password,
    /// Browser login: authorization code + PKCE.
    Web,
    /// Device login: a code entered on another device.
    Device,
    /// JWT bearer with a private key whose certificate is uploaded to the app.
    Jwt,
    /// Client credentials with the app's Run As user.
    ClientCredentials,
    /// An existing refresh token, imported.
    RefreshToken,
}

impl Flow {
    pub fn as_str(self) -> &'static str {
        match self {
            Flow::Soap => "soap",
            Flow::Password => "password",
            Flow::Web => "web",
            Flow::Device => "device",
            Flow::Jwt => "jwt",
            Flow::ClientCredentials => "client-credentials",
            Flow::RefreshToken => "refresh-token",
        }
    }

    /// Whether the connection's password ages out (the flows that log in with one).
    pub fn uses_password(self) -> bool {
        matches!(self, Flow::Soap | Flow::Password)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Ui {
    #[default]
    Lightning,
    Classic,
}

/// When a connection was last tested and how it went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastTest {
    #[serde(with = "timestamp")]
    pub at: SystemTime,
    pub ok: bool,
    /// One line: the failing check's diagnosis, or what passed.
    #[serde(default)]
    pub summary: String,
    /// Daily API requests the org had left at the test.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_requests_remaining: Option<i64>,
    /// How long the checks took, in milliseconds (`sfconnect_check_duration_seconds`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elapsed_ms: Option<u64>,
}

/// The last run that checked saved connections (`status --notify`, `watch`, `test`): what a
/// fleet's monitoring reads as one sample.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastRun {
    #[serde(with = "timestamp")]
    pub at: SystemTime,
    pub checked: usize,
    pub failed: usize,
    pub duration_ms: u64,
}

/// Objects whose access the connection checks (empty: the defaults).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Objects {
    pub required: Vec<String>,
    pub optional: Vec<String>,
}

/// A saved connection. Holds no secrets: those live in the secret store under `secrets`. A key
/// it does not know (a misspelt `usrname`) is an error that names its line, never ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub flow: Flow,
    pub login_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_url: Option<String>,
    #[serde(default)]
    pub sandbox: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The consumer key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_file: Option<PathBuf>,
    pub store: StoreKind,
    /// The secret-store entry holding this connection's secrets.
    pub secrets: String,
    #[serde(default)]
    pub ui: Ui,
    #[serde(default, skip_serializing_if = "objects_empty")]
    pub objects: Objects,
    /// Company email domains for the users-and-licenses summary; empty or `*` means everyone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub company_domains: Vec<String>,
    /// The org's password policy in days, when it is not Salesforce's default of 90.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_policy_days: Option<u32>,
    #[serde(with = "timestamp")]
    pub created_at: SystemTime,
    #[serde(
        default,
        with = "opt_timestamp",
        skip_serializing_if = "Option::is_none"
    )]
    pub password_changed_at: Option<SystemTime>,
    #[serde(
        default,
        with = "opt_timestamp",
        skip_serializing_if = "Option::is_none"
    )]
    pub refresh_token_obtained_at: Option<SystemTime>,
    /// JWT bearer: when the certificate of its key stops being valid, read from the
    /// certificate kept beside the key when the connection was saved (None: not known).
    #[serde(
        default,
        with = "opt_timestamp",
        skip_serializing_if = "Option::is_none"
    )]
    pub certificate_expires_at: Option<SystemTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_test: Option<LastTest>,
}

fn objects_empty(o: &Objects) -> bool {
    o.required.is_empty() && o.optional.is_empty()
}

/// A secret-store entry that no connection may reference: written for a swap that has not
/// landed yet, or replaced by one. Deleted from its store, then from this list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unreferenced {
    pub store: StoreKind,
    pub entry: String,
}

/// The whole config file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    pub version: u32,
    #[serde(default)]
    pub connections: BTreeMap<String, Profile>,
    /// A command run when a connection's health changes (`status --notify`, `watch`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_command: Option<String>,
    /// Journal of secret entries to clean up (see `Unreferenced`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unreferenced: Vec<Unreferenced>,
    /// JWT key pairs made for an app that saved connections use, whose certificate may have
    /// been uploaded (replacing theirs) but has not passed a test yet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending_certificates: Vec<PendingCertificate>,
    /// The last run that checked connections.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_run: Option<LastRun>,
    /// Connections whose entry does not parse: named with their line, left out of
    /// `connections` so the others keep working, and written back as they were.
    #[serde(skip)]
    pub broken: Vec<Broken>,
}

/// A JWT key pair made for an app (consumer key at a login URL) that saved connections use.
/// An app holds one certificate, so once this pair's certificate is uploaded, every
/// connection on the app with another key stops working until it moves to this one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingCertificate {
    pub client_id: String,
    pub login_url: String,
    pub key_file: PathBuf,
    /// The connection it was made for.
    pub made_for: String,
    #[serde(with = "timestamp")]
    pub made_at: SystemTime,
}

/// A connection entry that does not parse.
#[derive(Debug, Clone, PartialEq)]
pub struct Broken {
    pub name: String,
    /// Where to fix it: the file, its line and the key on it.
    pub error: BrokenAt,
    /// The entry as the file has it, written back unchanged.
    raw: toml::Value,
}

impl Eq for Broken {}

impl Broken {
    /// A string setting of the entry, where it can still be read (`login_url`, `secrets`).
    pub fn field(&self, key: &str) -> Option<&str> {
        self.raw.get(key)?.as_str()
    }

    /// The secrets entry the broken connection points at, where its `store` and `secrets`
    /// can still be read: replacing or removing the entry must not orphan them.
    pub fn secrets(&self) -> Option<Unreferenced> {
        let store = self
            .raw
            .get("store")?
            .clone()
            .try_into::<StoreKind>()
            .ok()?;
        let entry = self.field("secrets")?.to_string();
        Some(Unreferenced { store, entry })
    }
}

/// Where a connection entry fails to parse, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenAt {
    pub path: PathBuf,
    pub line: usize,
    pub key: Option<String>,
    pub message: String,
}

impl std::fmt::Display for BrokenAt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: ", self.path.display(), self.line)?;
        if let Some(key) = &self.key {
            write!(f, "key '{key}': ")?;
        }
        write!(
            f,
            "{}. Edit line {} of {}; the other connections keep working meanwhile.",
            self.message.trim_end_matches('.'),
            self.line,
            self.path.display()
        )
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            version: SCHEMA_VERSION,
            connections: BTreeMap::new(),
            notify_command: None,
            unreferenced: Vec::new(),
            pending_certificates: Vec::new(),
            last_run: None,
            broken: Vec::new(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "{path}:{line}: {message}\nEdit line {line} of {path}: sfconnect will not change this file until it parses (moving it aside would drop every saved connection)."
    )]
    Invalid {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("connection '{name}' cannot be used: {at}")]
    Broken { name: String, at: BrokenAt },
    #[error(
        "{path} was written by a newer sfconnect (schema version {found}, this one knows {SCHEMA_VERSION}); update sfconnect to use it"
    )]
    TooNew { path: PathBuf, found: u32 },
    #[error(
        "another sfconnect is saving connections (lock {path}); gave up after {} seconds. If none is running, try again.",
        .waited.as_secs()
    )]
    LockTimeout { path: PathBuf, waited: Duration },
    #[error("cannot {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
}

pub(super) fn io_error(
    action: &'static str,
    path: &Path,
) -> impl FnOnce(std::io::Error) -> ConfigError {
    let path = path.to_path_buf();
    move |source| ConfigError::Io {
        action,
        path,
        source,
    }
}

/// Bring an older schema up to date. Version 1 is the first; later versions add steps here.
fn migrate(mut raw: toml::Table, path: &Path) -> Result<toml::Table, ConfigError> {
    let version = raw
        .get("version")
        .and_then(toml::Value::as_integer)
        .unwrap_or(1);
    let version = u32::try_from(version).unwrap_or(u32::MAX);
    if version > SCHEMA_VERSION {
        return Err(ConfigError::TooNew {
            path: path.to_path_buf(),
            found: version,
        });
    }
    raw.insert(
        "version".into(),
        toml::Value::Integer(SCHEMA_VERSION.into()),
    );
    Ok(raw)
}

/// The line of a table header `[NAME]` (or `[connections.NAME]` forms), if the text has one.
fn header_line(text: &str, dotted: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let l = l.trim();
            l == format!("[{dotted}]")
        })
        .map(|i| i + 1)
}

/// The first line that sets `key` at the start of a line.
fn key_line(text: &str, key: &str) -> Option<usize> {
    if key.is_empty() {
        return None;
    }
    text.lines()
        .position(|l| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
}

/// Where connection `name`'s entry fails: its own lines parsed alone give the line and the key.
fn locate(text: &str, path: &Path, name: &str, e: &toml::de::Error) -> BrokenAt {
    let headers = [
        format!("[connections.{name}]"),
        format!("[connections.\"{name}\"]"),
    ];
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines
        .iter()
        .position(|l| headers.iter().any(|h| l.trim() == h))
    else {
        return BrokenAt {
            path: path.to_path_buf(),
            line: 1,
            key: None,
            message: e.message().to_string(),
        };
    };
    // The entry's lines, its sub-tables (`[connections.NAME.objects]`) re-rooted.
    let sub = [
        format!("[connections.{name}."),
        format!("[connections.\"{name}\"."),
    ];
    let mut segment = String::new();
    for line in &lines[start + 1..] {
        let t = line.trim_start();
        if t.starts_with('[') {
            match sub.iter().find_map(|p| t.strip_prefix(p.as_str())) {
                Some(rest) => {
                    segment.push('[');
                    segment.push_str(rest);
                    segment.push('\n');
                    continue;
                }
                None => break,
            }
        }
        segment.push_str(line);
        segment.push('\n');
    }
    // A bad value points at its line; a missing key at the entry's header.
    let (line, message) = match toml::from_str::<Profile>(&segment) {
        Err(inner) => match inner.span().filter(|s| s.start > 0 || s.end > 0) {
            Some(span) if !inner.message().starts_with("missing field") => (
                start + line_of(&segment, span.start) + 1,
                inner.message().to_string(),
            ),
            _ => (start + 1, inner.message().to_string()),
        },
        Ok(_) => (start + 1, e.message().to_string()),
    };
    let key = lines
        .get(line - 1)
        .filter(|_| line != start + 1)
        .and_then(|l| l.split_once('='))
        .map(|(k, _)| k.trim().to_string())
        .filter(|k| !k.is_empty() && !k.starts_with('['));
    BrokenAt {
        path: path.to_path_buf(),
        line,
        key,
        message,
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    // Bytes, not a str slice: an offset inside a character must not panic.
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

impl Config {
    /// Read the config; a missing file is an empty config.
    pub fn load(dir: &Path) -> Result<Self, ConfigError> {
        let path = dir.join(CONFIG_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => return Err(io_error("read", &path)(e)),
        };
        Self::parse(&text, &path)
    }

    /// Parse a config file's text (`path` names it in errors): any text gives a config or an
    /// error with its line, never a panic.
    pub fn parse(text: &str, path: &Path) -> Result<Self, ConfigError> {
        let path = path.to_path_buf();
        let invalid = |e: toml::de::Error| ConfigError::Invalid {
            path: path.clone(),
            line: e.span().map(|s| line_of(text, s.start)).unwrap_or(1),
            message: e.message().to_string(),
        };
        let raw: toml::Table = toml::from_str(text).map_err(invalid)?;
        let mut raw = migrate(raw, &path)?;
        // Each connection on its own: one bad entry must not stop the others.
        let entries = match raw.remove("connections") {
            None => toml::Table::new(),
            Some(toml::Value::Table(t)) => t,
            Some(_) => {
                return Err(ConfigError::Invalid {
                    line: header_line(text, "connections").unwrap_or(1),
                    path,
                    message: "`connections` must be a table of connections".into(),
                });
            }
        };
        let mut config: Config = raw.try_into().map_err(|e: toml::de::Error| {
            let key = e
                .message()
                .split('`')
                .nth(1)
                .unwrap_or_default()
                .to_string();
            ConfigError::Invalid {
                line: key_line(text, &key).unwrap_or(1),
                path: path.clone(),
                message: e.message().to_string(),
            }
        })?;
        for (name, value) in entries {
            match value.clone().try_into::<Profile>() {
                Ok(profile) => {
                    config.connections.insert(name, profile);
                }
                Err(e) => config.broken.push(Broken {
                    error: locate(text, &path, &name, &e),
                    name,
                    raw: value,
                }),
            }
        }
        Ok(config)
    }

    /// Take the broken entry `name` out, journalling its secrets (when they can be read) for
    /// deletion. None when there is no such entry; else its secrets entry, if it could be read.
    pub fn drop_broken(&mut self, name: &str) -> Option<Option<Unreferenced>> {
        let at = self.broken.iter().position(|b| b.name == name)?;
        let secrets = self.broken.remove(at).secrets();
        if let Some(secrets) = &secrets {
            self.unreferenced.push(secrets.clone());
        }
        Some(secrets)
    }

    /// The error for a broken connection `name`, if it is one.
    pub fn broken(&self, name: &str) -> Option<ConfigError> {
        self.broken
            .iter()
            .find(|b| b.name == name)
            .map(|b| ConfigError::Broken {
                name: b.name.clone(),
                at: b.error.clone(),
            })
    }

    pub(crate) fn save(&self, dir: &Path) -> Result<(), ConfigError> {
        let path = dir.join(CONFIG_FILE);
        let serialise = |e: &dyn std::fmt::Display| ConfigError::Io {
            action: "serialise",
            path: path.clone(),
            source: std::io::Error::other(e.to_string()),
        };
        let mut table = toml::Table::try_from(self).map_err(|e| serialise(&e))?;
        // Broken entries go back as they were, for the user to fix.
        if !self.broken.is_empty() {
            let connections = table
                .entry("connections")
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            if let toml::Value::Table(connections) = connections {
                for b in &self.broken {
                    connections.insert(b.name.clone(), b.raw.clone());
                }
            }
        }
        let text = toml::to_string_pretty(&table).map_err(|e| serialise(&e))?;
        let text = format!(
            "# sfconnect saved connections. Secrets are not here: each connection's `store` says where they are.\n{text}"
        );
        fsutil::write_atomic(&path, text.as_bytes()).map_err(io_error("write", &path))
    }
}

/// Read-modify-write under the lock. A config that does not parse is refused before `change`
/// runs, so it is never overwritten. `change` returning an error writes nothing.
pub fn update<T, E: From<ConfigError>>(
    dir: &Path,
    timeout: Duration,
    waiting: &mut dyn FnMut(&Path),
    change: impl FnOnce(&mut Config) -> Result<T, E>,
) -> Result<T, E> {
    let _lock = super::ConfigLock::acquire(dir, timeout, waiting)?;
    let mut config = Config::load(dir)?;
    let before = config.clone();
    let result = change(&mut config)?;
    if config != before {
        config.save(dir)?;
    }
    Ok(result)
}

mod timestamps;
use timestamps::{opt_timestamp, timestamp};

#[cfg(test)]
mod tests;
