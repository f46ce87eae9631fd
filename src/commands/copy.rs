//! `sfconnect copy NAME FIELD`: one value of a saved connection onto the clipboard, never on
//! the screen or in a pipe, so it can be pasted into the integration's own form (like
//! `pass -c`). Through the terminal (OSC 52, which also reaches a laptop over SSH), or the
//! desktop's clipboard tool on a local desktop session.

use std::io::Write;
use std::process::{ExitCode, Stdio};
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};

use super::complete::saved_names;
use super::global::Global;
use super::{EXIT_USAGE, fail, profiles};
use crate::connect::clipboard::{CLEAR_AFTER, CLEAR_SEQUENCE, Fingerprint, forget_in_tmux};
use crate::connect::place::Place;
use crate::connect::token::{Freshness, access_token};
use crate::profile::key;

/// Where the value went.
enum Clipboard {
    Terminal,
    Desktop(&'static str),
}

impl Clipboard {
    fn as_str(&self) -> &'static str {
        match self {
            Clipboard::Terminal => "terminal",
            Clipboard::Desktop(tool) => tool,
        }
    }
}

/// The file that names the latest copy: a clearing process clears only while it names its own.
const LATEST_COPY: &str = "clipboard.latest";

/// How long a copied value stays: `SFCONNECT_CLIPBOARD_CLEAR_SECS`, else 45 seconds.
fn clear_after() -> std::time::Duration {
    std::env::var("SFCONNECT_CLIPBOARD_CLEAR_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map_or(CLEAR_AFTER, std::time::Duration::from_secs)
}

impl CopyArgs {
    pub async fn run(self, global: &Global) -> ExitCode {
        let (name, field) = (self.name.as_str(), self.field);
        let value = match value_of(global, name, field).await {
            Ok(v) => v,
            Err(code) => return code,
        };
        let dir = match profiles(global) {
            Ok(p) => p.dir().to_path_buf(),
            Err(code) => return code,
        };
        let (via, said) = match put(&value) {
            Ok(c @ Clipboard::Terminal) => (
                c,
                "the clipboard through the terminal (OSC 52; tmux needs `set -g set-clipboard on`)"
                    .to_string(),
            ),
            Ok(c @ Clipboard::Desktop(tool)) => (c, format!("the desktop clipboard ({tool})")),
            Err(why) => return fail(EXIT_USAGE, why),
        };
        say!(
            "Copied the {} of '{name}' to {said}. Paste it into the integration's form.",
            field.label()
        );
        let secs = clear_after().as_secs();
        match clear_later(&dir, &via, &value) {
            Ok(()) => say!(
                "It is cleared in {secs} seconds unless something else is copied with sfconnect first ({}).",
                match via {
                    Clipboard::Terminal =>
                        "a terminal that ignores a clear request keeps it until something else is copied; inside tmux its paste buffer is deleted",
                    Clipboard::Desktop(_) => "a clipboard manager may keep its own copy",
                }
            ),
            Err(e) => say!(
                "sfconnect: it cannot be cleared later ({e}): copy something else over it when the form has it."
            ),
        }
        ExitCode::SUCCESS
    }
}

/// Leave a process that clears the clipboard after `clear_after()`, unless a newer copy was
/// made meanwhile. It gets no secret: the copy's id and a salted fingerprint of the value (for
/// finding it among tmux's buffers) go on its stdin.
fn clear_later(
    dir: &std::path::Path,
    via: &Clipboard,
    value: &SecretString,
) -> std::io::Result<()> {
    use aws_lc_rs::rand::SecureRandom;
    let mut id = [0u8; 12];
    let _ = aws_lc_rs::rand::SystemRandom::new().fill(&mut id);
    let id: String = id.iter().map(|b| format!("{b:02x}")).collect();
    crate::profile::fsutil::write_atomic(&dir.join(LATEST_COPY), id.as_bytes())?;
    let mut command = std::process::Command::new(std::env::current_exe()?);
    for secret in crate::connect::SECRET_ENV {
        command.env_remove(secret);
    }
    let mut child = command
        .args(["clipboard-clear", "--via", via.as_str(), "--after"])
        .arg(clear_after().as_secs().to_string())
        .env("SFCONNECT_CONFIG_DIR", dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let fingerprint = Fingerprint::of(value).to_line();
    match child.stdin.take() {
        Some(mut stdin) => writeln!(stdin, "{id}\n{fingerprint}")?,
        None => return Err(std::io::Error::other("no stdin")),
    }
    // Leave only once it is ready: until it has set itself to outlive a hang-up, this
    // process ending (the leader of its session, in a window of its own) would end it too.
    let mut ready = String::new();
    match child.stdout.take() {
        Some(out) => std::io::BufRead::read_line(&mut std::io::BufReader::new(out), &mut ready)?,
        None => 0,
    };
    if ready.trim() == "ready" {
        Ok(())
    } else {
        Err(std::io::Error::other("the clearing process did not start"))
    }
}

/// The clearing process: wait, then clear what the copy `id` (first line of stdin) put on the
/// clipboard `via`, unless a newer copy was made. A hang-up does not stop it (the terminal it
/// was started from may be closed meanwhile, or `copy` may have led its session): tmux keeps
/// its buffers after its window goes.
pub async fn clear(dir: &std::path::Path, via: &str, after: std::time::Duration) -> ExitCode {
    let hangups = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup());
    let mut lines = std::io::stdin().lines().map_while(Result::ok);
    let (Some(id), Some(fingerprint)) = (lines.next(), lines.next()) else {
        return ExitCode::from(EXIT_USAGE);
    };
    let fingerprint = Fingerprint::from_line(&fingerprint);
    // Opened now, while the terminal is surely there.
    let tty = std::fs::OpenOptions::new().write(true).open("/dev/tty");
    if hangups.is_err() {
        return ExitCode::from(EXIT_USAGE);
    }
    out!("ready");
    tokio::time::sleep(after).await;
    let latest = dir.join(LATEST_COPY);
    if std::fs::read_to_string(&latest).is_ok_and(|l| l.trim() != id) {
        return ExitCode::SUCCESS;
    }
    let _ = std::fs::remove_file(&latest);
    match via {
        "terminal" => {
            if let Ok(mut tty) = tty {
                let _ = tty.write_all(CLEAR_SEQUENCE.as_bytes());
            }
            if let Some(fingerprint) = &fingerprint {
                forget_in_tmux(fingerprint);
            }
        }
        "wl-copy" => {
            let _ = std::process::Command::new("wl-copy")
                .arg("--clear")
                .status();
        }
        "xsel" => {
            let _ = std::process::Command::new("xsel")
                .args(["--clipboard", "--delete"])
                .status();
        }
        "xclip" => {
            let _ = desktop_copy(
                "xclip",
                &["-selection", "clipboard"],
                &SecretString::from(""),
            );
        }
        _ => return ExitCode::from(EXIT_USAGE),
    }
    ExitCode::SUCCESS
}

/// The field's value; an access token is one the org accepts, as `token` gives it.
async fn value_of(global: &Global, name: &str, field: CopyField) -> Result<SecretString, ExitCode> {
    if field == CopyField::AccessToken {
        let profiles = Arc::new(profiles(global)?);
        let token = access_token(&profiles, name, Freshness::Confirm)
            .await
            .map_err(|e| super::saved::service_failed(&e, name))?;
        return Ok(token.token);
    }
    let saved = super::saved::open(global, name).await?;
    let p = &saved.profile;
    let secret = |k: &str| saved.secrets.get(k).cloned();
    let plain = |v: &Option<String>| v.clone().map(SecretString::from);
    let value = match field {
        CopyField::Username => plain(&p.username),
        CopyField::Password => secret(key::PASSWORD),
        CopyField::SecurityToken => secret(key::SECURITY_TOKEN),
        CopyField::ConsumerKey => plain(&p.client_id),
        CopyField::ConsumerSecret => secret(key::CLIENT_SECRET),
        CopyField::RefreshToken => secret(key::REFRESH_TOKEN),
        CopyField::LoginUrl => Some(SecretString::from(p.login_url.clone())),
        CopyField::InstanceUrl => plain(&p.instance_url),
        CopyField::AccessToken => None,
    };
    value
        .filter(|v| !v.expose_secret().is_empty())
        .ok_or_else(|| {
            fail(
                EXIT_USAGE,
                format!(
                    "'{name}' holds no {} (it logs in with {})",
                    field.label(),
                    p.flow.as_str()
                ),
            )
        })
}

/// Put `value` on a clipboard: the desktop's on a local desktop session (many desktop
/// terminals ignore OSC 52), else the terminal's. Never through argv or a child's environment.
fn put(value: &SecretString) -> Result<Clipboard, String> {
    let place = Place::here();
    if place.display && !place.ssh {
        for (tool, args, wayland) in [
            ("wl-copy", &[][..], true),
            ("xclip", &["-selection", "clipboard"][..], false),
            ("xsel", &["--clipboard", "--input"][..], false),
        ] {
            if wayland && std::env::var_os("WAYLAND_DISPLAY").is_none() {
                continue;
            }
            if desktop_copy(tool, args, value).is_ok() {
                return Ok(Clipboard::Desktop(tool));
            }
        }
    }
    let dumb = std::env::var("TERM").map_or(true, |t| t.is_empty() || t == "dumb");
    if !dumb && let Ok(mut tty) = std::fs::OpenOptions::new().write(true).open("/dev/tty") {
        let sequence = crate::connect::web_login::clipboard_sequence(value.expose_secret());
        let sequence = secrecy::zeroize::Zeroizing::new(sequence);
        if tty
            .write_all(sequence.as_bytes())
            .and_then(|()| tty.flush())
            .is_ok()
        {
            return Ok(Clipboard::Terminal);
        }
    }
    Err("there is no clipboard to copy to: no terminal to send OSC 52 to, and no desktop clipboard tool (wl-copy, xclip or xsel) on a local display. Run it in a terminal (over SSH too), or use `sfconnect token`/`export` in a script".into())
}

/// Hand `value` to a desktop clipboard tool on its stdin, without any secret variable.
fn desktop_copy(tool: &str, args: &[&str], value: &SecretString) -> std::io::Result<()> {
    let mut command = std::process::Command::new(tool);
    for secret in crate::connect::SECRET_ENV {
        command.env_remove(secret);
    }
    let mut child = command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(value.expose_secret().as_bytes())?;
    }
    // xclip and xsel stay to serve the selection; only a failure to start them matters.
    if tool == "wl-copy" {
        let status = child.wait()?;
        if !status.success() {
            return Err(std::io::Error::other(format!("{tool} failed")));
        }
    }
    Ok(())
}

/// Said under `copy --help`.
pub const COPY_HELP: &str = "Through the terminal (OSC 52: works over SSH, and in tmux with `set -g set-clipboard on`), or the desktop's clipboard tool (wl-copy, xclip, xsel) on a local desktop. An access token is one the org accepts, as `sfconnect token` gives it.\nExit codes: 0 copied; 1 no access token could be had, or the secrets cannot be opened; 2 usage, unknown name, a field the connection does not hold, or no clipboard.";

/// Put one value of a saved connection on the clipboard, without printing it, to paste
/// into the integration's own form.
#[derive(Debug, clap::Args)]
pub struct CopyArgs {
    /// The saved connection.
    #[arg(add = saved_names())]
    pub name: String,
    /// Which value.
    #[arg(value_enum)]
    pub field: CopyField,
}

/// Clear a copied value later (started by `copy`; not for people).
#[derive(Debug, clap::Args)]
pub struct ClearArgs {
    /// Where the value went: terminal, wl-copy, xclip or xsel.
    #[arg(long)]
    pub via: String,
    /// Seconds to wait first.
    #[arg(long)]
    pub after: u64,
}

/// A value `copy` can put on the clipboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CopyField {
    Username,
    Password,
    SecurityToken,
    ConsumerKey,
    ConsumerSecret,
    RefreshToken,
    AccessToken,
    LoginUrl,
    InstanceUrl,
}

impl CopyField {
    pub fn label(self) -> &'static str {
        match self {
            CopyField::Username => "username",
            CopyField::Password => "password",
            CopyField::SecurityToken => "security token",
            CopyField::ConsumerKey => "consumer key",
            CopyField::ConsumerSecret => "consumer secret",
            CopyField::RefreshToken => "refresh token",
            CopyField::AccessToken => "access token",
            CopyField::LoginUrl => "login URL",
            CopyField::InstanceUrl => "instance URL",
        }
    }
}

impl ClearArgs {
    pub async fn run(self, global: &Global) -> ExitCode {
        match crate::connect::config_dir(global.config_dir.clone()) {
            Some(dir) => clear(&dir, &self.via, std::time::Duration::from_secs(self.after)).await,
            None => ExitCode::from(super::EXIT_USAGE),
        }
    }
}
