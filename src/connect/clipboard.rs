//! Clearing a copied secret again: the empty OSC 52 that terminals like xterm take as "clear",
//! and, inside tmux (which ignores an empty OSC 52 and keeps every copy as a paste buffer), the
//! deletion of the buffers that hold it. A secret is recognised by a salted SHA-256
//! fingerprint, so whatever clears it later never holds the secret itself.

use aws_lc_rs::digest::{SHA256, digest};
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use secrecy::ExposeSecret;

/// How long a copied secret stays on the clipboard.
pub const CLEAR_AFTER: std::time::Duration = std::time::Duration::from_secs(45);

/// The OSC 52 sequence that asks the terminal to clear its clipboard.
pub const CLEAR_SEQUENCE: &str = "\x1b]52;c;\x07";

/// Recognises one copied value without holding it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    salt: [u8; 16],
    digest: Vec<u8>,
}

fn salted(salt: &[u8], value: &[u8]) -> Vec<u8> {
    let mut input = Vec::with_capacity(salt.len() + value.len());
    input.extend_from_slice(salt);
    input.extend_from_slice(value);
    let out = digest(&SHA256, &input).as_ref().to_vec();
    secrecy::zeroize::Zeroize::zeroize(&mut input);
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    text.len()
        .is_multiple_of(2)
        .then(|| {
            (0..text.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
                .collect()
        })
        .flatten()
}

impl Fingerprint {
    pub fn of(value: &secrecy::SecretString) -> Self {
        let mut salt = [0u8; 16];
        let _ = SystemRandom::new().fill(&mut salt);
        Self {
            digest: salted(&salt, value.expose_secret().as_bytes()),
            salt,
        }
    }

    pub fn matches(&self, text: &[u8]) -> bool {
        salted(&self.salt, text) == self.digest
    }

    /// One line, for handing to the process that clears later (on its stdin, never argv).
    pub fn to_line(&self) -> String {
        format!("{} {}", hex(&self.salt), hex(&self.digest))
    }

    pub fn from_line(line: &str) -> Option<Self> {
        let (salt, digest) = line.trim().split_once(' ')?;
        Some(Self {
            salt: unhex(salt)?.try_into().ok()?,
            digest: unhex(digest)?,
        })
    }
}

/// Inside tmux, delete the paste buffers that hold the value `fingerprint` recognises; how many.
/// Outside tmux, or when tmux cannot be asked, none.
pub fn forget_in_tmux(fingerprint: &Fingerprint) -> usize {
    if std::env::var_os("TMUX").is_none_or(|t| t.is_empty()) {
        return 0;
    }
    let tmux = |args: &[&str]| {
        let mut command = std::process::Command::new("tmux");
        for secret in super::SECRET_ENV {
            command.env_remove(secret);
        }
        command
            .args(args)
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
    };
    let Some(names) = tmux(&["list-buffers", "-F", "#{buffer_name}"]) else {
        return 0;
    };
    let names = String::from_utf8_lossy(&names.stdout).into_owned();
    let mut deleted = 0;
    for name in names.lines().filter(|n| !n.is_empty()) {
        let held =
            tmux(&["show-buffer", "-b", name]).map(|o| secrecy::zeroize::Zeroizing::new(o.stdout));
        if held.is_some_and(|content| fingerprint.matches(&content))
            && tmux(&["delete-buffer", "-b", name]).is_some()
        {
            deleted += 1;
        }
    }
    deleted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_recognises_its_value_only_and_survives_its_line() {
        let value = secrecy::SecretString::from("s3cret-Pass");
        let print = Fingerprint::of(&value);
        assert!(print.matches(b"s3cret-Pass"));
        assert!(!print.matches(b"s3cret-Pas"));
        let line = print.to_line();
        assert!(!line.contains("s3cret"));
        assert_eq!(Fingerprint::from_line(&line), Some(print));
        assert_eq!(Fingerprint::from_line("zz 00"), None);
    }
}
