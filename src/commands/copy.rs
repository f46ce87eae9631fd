//! `sfconnect copy NAME FIELD`: one value of a saved connection onto the clipboard, never on
//! the screen or in a pipe, so it can be pasted into the integration's own form (like
//! `pass -c`). Through the terminal (OSC 52, which also reaches a laptop over SSH), or the
//! desktop's clipboard tool on a local desktop session.

use std::io::Write;
use std::process::{ExitCode, Stdio};
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};

use super::{EXIT_USAGE, fail, profiles};
use crate::cli::{CopyField, Global};
use crate::connect::place::Place;
use crate::connect::token::{Freshness, access_token};
use crate::profile::key;

/// Where the value went.
enum Clipboard {
    Terminal,
    Desktop(&'static str),
}

pub async fn run(global: &Global, name: &str, field: CopyField) -> ExitCode {
    let value = match value_of(global, name, field).await {
        Ok(v) => v,
        Err(code) => return code,
    };
    match put(&value) {
        Ok(Clipboard::Terminal) => {
            say!(
                "Copied the {} of '{name}' to the clipboard through the terminal (OSC 52; tmux needs `set -g set-clipboard on`). Paste it into the integration's form.",
                field.label()
            );
            ExitCode::SUCCESS
        }
        Ok(Clipboard::Desktop(tool)) => {
            say!(
                "Copied the {} of '{name}' to the desktop clipboard ({tool}). Paste it into the integration's form.",
                field.label()
            );
            ExitCode::SUCCESS
        }
        Err(why) => fail(EXIT_USAGE, why),
    }
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
