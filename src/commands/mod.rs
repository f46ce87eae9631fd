//! The scriptable commands: plain output, documented exit codes, never raw mode.

pub mod audit;
pub mod complete;
pub mod copy;
pub mod device_login;
pub mod fleet;
pub mod generate_key;
pub mod global;
pub mod list;
pub mod login;
mod login_input;
mod login_keys;
pub mod manpages;
pub mod prometheus;
pub mod reauth;
pub mod remove;
pub mod saved;
pub mod sim;
pub mod status;
pub mod test;
pub mod text;
pub mod token;
pub mod web_login;

use std::io::{IsTerminal, Write as _};
use std::process::ExitCode;

use secrecy::SecretString;

use crate::connect;
use crate::profile::{ProfileError, Profiles, StoreError};
use crate::salesforce::SfError;
use global::Global;

/// Exit codes shared by the commands (see cli-contract.md).
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

/// Said by `list` and `status` when nothing is saved.
pub const NOTHING_SAVED: &str = "No saved connections. Add one with `sfconnect setup` (the wizard) or `sfconnect login NAME --flow …` (see `sfconnect login --help`).";

/// Whether errors go out as JSON on stdout (a command run with `--json`).
static JSON_ERRORS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Errors as JSON on stdout from now on (`--json`): `{"error":{"cause","message","fix"}}`.
pub fn json_errors(on: bool) {
    JSON_ERRORS.store(on, std::sync::atomic::Ordering::Relaxed);
}

fn json_error(cause: &str, message: &str, fix: &str) -> bool {
    if !JSON_ERRORS.load(std::sync::atomic::Ordering::Relaxed) {
        return false;
    }
    // No fix is null, never an empty string.
    let fix = Some(fix).filter(|f| !f.trim().is_empty());
    out!(
        "{}",
        serde_json::json!({"error": {"cause": cause, "message": message, "fix": fix}})
    );
    true
}

/// `InvalidLogin` → `invalid_login`: a cause as scripts match it.
fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

pub fn fail(code: u8, message: impl std::fmt::Display) -> ExitCode {
    fail_with(code, None, &message.to_string(), "")
}

/// A failure with its Salesforce cause (its `Debug` name) and fix, when known: with `--json`
/// they fill the error object; as text, the fix was printed already with the checks.
pub fn fail_with(code: u8, cause: Option<&str>, message: &str, fix: &str) -> ExitCode {
    let cause = match cause {
        Some(c) => snake(c),
        None if code == EXIT_USAGE => "usage".into(),
        None => "failed".into(),
    };
    // A store's error says what happened, then on its next line what to do.
    let (what, advice) = match message.split_once('\n') {
        Some((what, advice)) if fix.is_empty() => (what, advice.trim()),
        _ => (message, fix),
    };
    if !json_error(&cause, what, advice) {
        say!("sfconnect: {message}");
    }
    ExitCode::from(code)
}

/// The saved connections a scriptable command works on: a passphrase from the environment or
/// a prompt, and a word on stderr while another process holds the lock.
pub fn profiles(global: &Global) -> Result<Profiles, ExitCode> {
    let dir = connect::config_dir(global.config_dir.clone())
        .ok_or_else(|| fail(EXIT_USAGE, connect::NO_CONFIG_DIR))?;
    Ok(Profiles::new(dir)
        .with_passphrase(connect::env_passphrase())
        .with_passphrase_prompt(|| prompt_secret("Passphrase for the sfconnect secrets file"))
        .with_waiting(say_waiting))
}

fn say_waiting(lock: &std::path::Path) {
    // A connection's refresh-token lock (`locks/NAME.lock`), or the config dir's.
    let refresh = lock.parent().and_then(|d| d.file_name()) == Some("locks".as_ref());
    match (refresh, lock.file_stem()) {
        (true, Some(name)) => say!(
            "sfconnect: waiting for another sfconnect to finish logging in with '{}' and save what it gets (lock {})…",
            name.to_string_lossy(),
            lock.display()
        ),
        _ => say!(
            "sfconnect: waiting for another sfconnect to finish saving connections (lock {})…",
            lock.display()
        ),
    }
}

/// Ask for a secret on the terminal: one mark per character shows that typing arrives, and
/// nothing typed is echoed. None when there is no terminal, or on Ctrl-D / Esc.
pub fn prompt_secret(label: &str) -> Option<SecretString> {
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return None;
    }
    read_unechoed_after(&format!("{label}: "))
}

/// Ask on the terminal for a value that is not secret (shown as typed). None without a
/// terminal, or when nothing was typed.
pub fn prompt_line(label: &str) -> Option<String> {
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return None;
    }
    let _ = write!(std::io::stderr(), "{label}: ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).ok()?;
    Some(line.trim().to_string()).filter(|l| !l.is_empty())
}

/// A line typed or pasted on the terminal, with a mark per character and never echoed; None
/// at Ctrl-C, Ctrl-D or Esc, or when the terminal cannot be put in raw mode.
pub fn read_unechoed() -> Option<SecretString> {
    read_unechoed_after("")
}

/// `read_unechoed`, with `question` shown once the terminal is in raw mode: what is typed as
/// soon as the question shows is then neither echoed by the terminal nor held as a line the
/// prompt would not see the end of.
fn read_unechoed_after(question: &str) -> Option<SecretString> {
    crossterm::terminal::enable_raw_mode().ok()?;
    let _ = write!(std::io::stderr(), "{question}");
    let _ = std::io::stderr().flush();
    let typed = read_masked();
    let _ = crossterm::terminal::disable_raw_mode();
    say!();
    typed
}

/// The keys of a masked prompt, in raw mode: a mark per character, Backspace and Ctrl-U edit.
fn read_masked() -> Option<SecretString> {
    use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers, read};
    let mut value = secrecy::zeroize::Zeroizing::new(String::new());
    let mut err = std::io::stderr();
    loop {
        let Ok(event) = read() else { return None };
        let Event::Key(key) = event else { continue };
        if key.kind == KeyEventKind::Release {
            continue;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            // A newline typed before raw mode began arrives as Ctrl-J.
            KeyCode::Enter => return Some(SecretString::from(value.as_str())),
            KeyCode::Char('j') if ctrl => return Some(SecretString::from(value.as_str())),
            KeyCode::Esc => return None,
            // Ctrl-C means stop, as it does everywhere else: nothing has been done yet.
            KeyCode::Char('c') if ctrl => {
                let _ = crossterm::terminal::disable_raw_mode();
                say!();
                say!("sfconnect: interrupted; nothing was changed.");
                std::process::exit(130);
            }
            KeyCode::Char('d') if ctrl => return None,
            KeyCode::Char('u') if ctrl => {
                let marks = value.chars().count();
                let _ = write!(err, "{}", "\u{8} \u{8}".repeat(marks));
                value.clear();
            }
            KeyCode::Backspace if value.pop().is_some() => {
                let _ = write!(err, "\u{8} \u{8}");
            }
            KeyCode::Char(c) if !ctrl => {
                value.push(c);
                let _ = write!(err, "*");
            }
            _ => {}
        }
        let _ = err.flush();
    }
}

/// Where a command's secrets come from, first to last: the line read from stdin for its
/// `--…-stdin` option, its variable, the file its `…_FILE` variable names, a masked prompt.
#[derive(Default)]
pub struct SecretSources {
    stdin: std::collections::HashMap<&'static str, SecretString>,
}

/// The secrets `--…-stdin` options read, in the order stdin gives them (one line each).
pub const STDIN_ORDER: [&str; 4] = [
    "SFCONNECT_PASSWORD",
    "SFCONNECT_SECURITY_TOKEN",
    "SFCONNECT_CLIENT_SECRET",
    "SFCONNECT_REFRESH_TOKEN",
];

impl SecretSources {
    /// Read one line from `input` for each secret in `wanted`, in `STDIN_ORDER`.
    pub fn from_lines(
        wanted: &[&'static str],
        input: &mut dyn std::io::BufRead,
    ) -> Result<Self, String> {
        let mut stdin = std::collections::HashMap::new();
        for env in STDIN_ORDER.iter().filter(|e| wanted.contains(e)) {
            let mut line = secrecy::zeroize::Zeroizing::new(String::new());
            match input.read_line(&mut line) {
                Ok(0) => {
                    return Err(format!(
                        "stdin ended before the line for {env}; give one line per --…-stdin option, in this order: {}",
                        STDIN_ORDER.join(", ")
                    ));
                }
                Ok(_) => {}
                Err(e) => return Err(format!("cannot read {env} from stdin: {e}")),
            }
            let value = line.trim_end_matches(['\r', '\n']);
            stdin.insert(*env, SecretString::from(value));
        }
        Ok(Self { stdin })
    }

    /// The secret `env` names, from the first source that has it.
    pub fn get(&self, env: &str, label: &str) -> Result<Option<SecretString>, String> {
        use secrecy::ExposeSecret;
        if let Some(v) = self.stdin.get(env) {
            return Ok(Some(v.clone()).filter(|v| !v.expose_secret().is_empty()));
        }
        match std::env::var(env) {
            Ok(v) if !v.is_empty() => return Ok(Some(SecretString::from(v))),
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(format!(
                    "{env} is not valid UTF-8 (check the file or shell that sets it)"
                ));
            }
            _ => {}
        }
        let file_var = format!("{env}_FILE");
        if let Some(path) = std::env::var_os(&file_var).filter(|p| !p.is_empty()) {
            let text =
                secrecy::zeroize::Zeroizing::new(std::fs::read_to_string(&path).map_err(|e| {
                    format!(
                        "{file_var} names {}, which cannot be read as text: {e}",
                        std::path::Path::new(&path).display()
                    )
                })?);
            // A file written by `echo` ends in a newline that is no part of the secret.
            let value = text.trim_end_matches(['\r', '\n']);
            return Ok(Some(SecretString::from(value)).filter(|v| !v.expose_secret().is_empty()));
        }
        Ok(prompt_secret(label).filter(|s| !s.expose_secret().is_empty()))
    }
}

/// Print what went wrong at Salesforce for connection `name`, why, and how to fix it
/// (Lightning and Classic paths).
pub fn report(e: &SfError, name: &str) {
    tracing::warn!("{:?}: {e}", e.cause);
    let d = e.diagnosis();
    let fixes = text::with_next(&d.fix.join("; "), d.next, name);
    if json_error(&snake(&format!("{:?}", e.cause)), &e.to_string(), &fixes) {
        return;
    }
    say!("sfconnect: {e}");
    if !d.likely.is_empty() {
        say!("  Most likely:");
        for l in d.likely {
            say!("    - {l}");
        }
    }
    if !d.fix.is_empty() {
        say!("  What to do:");
        for (i, f) in d.fix.iter().enumerate() {
            // The step after the fix follows its last item.
            match d.next.filter(|_| i + 1 == d.fix.len()) {
                Some(next) => say!("    - {}", text::with_next(f, Some(next), name)),
                None => say!("    - {f}"),
            }
        }
    }
    for s in d.setup {
        say!("  {}:", s.task);
        say!("    Lightning Experience: {}", s.lightning);
        say!("    Salesforce Classic:   {}", s.classic_route());
    }
}

/// Exit code for a failure in saved connections or secret stores.
pub fn profile_failure(e: &ProfileError) -> ExitCode {
    let code = match e {
        ProfileError::Store(StoreError::KeyringTimeout(_))
        | ProfileError::ChangedMeanwhile(_)
        | ProfileError::CannotKeepRotation { .. }
        | ProfileError::RotatedUnsaved { .. }
        | ProfileError::RescueWaiting { .. } => EXIT_FAILED,
        _ => EXIT_USAGE,
    };
    match e {
        ProfileError::SecretsMissing { name, .. } => {
            fail(code, format!("{e}: {}", text::reauthenticate(name)))
        }
        _ => fail(code, e),
    }
}
