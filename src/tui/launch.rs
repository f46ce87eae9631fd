//! Starting the wizard (`sfconnect`, `setup`, `reauth`, `demo`): only on a terminal, on the
//! saved connections of a config dir or on a simulated org in this process.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use crate::connect;
use crate::profile::{Profiles, StoreKind};
use crate::sim::scenario::{
    DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET, DEMO_PASSWORD, DEMO_TOKEN, DEMO_USERNAME,
};
use crate::sim::{self, Scenario, SimOptions};
use crate::tui;

/// Usage errors exit 2, as the scriptable commands' do (cli-contract.md).
const EXIT_USAGE: u8 = 2;

/// Say why and exit with `code`. A closed terminal (its window shut) is no reason to panic:
/// what is said is lost, and the way out still cleans up.
fn fail(code: u8, message: impl std::fmt::Display) -> ExitCode {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "sfconnect: {message}");
    ExitCode::from(code)
}
use crate::wizard::{App, Key, Msg};

fn need_terminal() -> Result<(), ExitCode> {
    if std::env::var("TERM").is_ok_and(|t| t == "dumb") {
        Err(fail(
            EXIT_USAGE,
            "this terminal (TERM=dumb) cannot show the full-screen wizard; use the scriptable commands instead: `sfconnect login NAME --flow …`, `test`, `status`, `token` or `export` (see `sfconnect help login`), or run the wizard from a full terminal",
        ))
    } else if tui::on_terminal() {
        Ok(())
    } else {
        Err(fail(
            EXIT_USAGE,
            "the wizard needs a terminal; for scripts use `sfconnect login`, `test`, `status`, `token` or `export` (see --help)",
        ))
    }
}

async fn run(app: App, profiles: Arc<Profiles>, initial: Vec<Msg>) -> ExitCode {
    match tui::run(app, profiles, initial).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(1, format!("the terminal failed: {e}")),
    }
}

/// What the wizard opens on.
pub enum Start {
    Home,
    /// A new connection, its name filled in when given.
    New(String),
    /// Re-authentication of a saved connection; `revoke_old`: revoke the refresh token it
    /// replaces once the new credentials are saved.
    Reauth {
        name: String,
        revoke_old: bool,
    },
}

/// The wizard on the saved connections in `config_dir` (the platform's default when None).
/// It never reads the terminal behind its own back: a passphrase comes from
/// SFCONNECT_PASSPHRASE or its own screen, and a wait for the lock is only logged.
pub async fn wizard(
    config_dir: Option<PathBuf>,
    store: Option<StoreKind>,
    start: Start,
) -> ExitCode {
    if let Err(code) = need_terminal() {
        return code;
    }
    let Some(dir) = connect::config_dir(config_dir.clone()) else {
        return fail(EXIT_USAGE, connect::NO_CONFIG_DIR);
    };
    let profiles = Arc::new(Profiles::new(dir).with_passphrase(connect::env_passphrase()));
    if let Err(e) = profiles.config() {
        return fail(EXIT_USAGE, e);
    }
    let rows = tui::connection_rows(&profiles);
    // Where no keyring can work (no session bus: SSH, cron), the file store is the default
    // and the save screen says why.
    let keyring_note = crate::profile::keyring_store::unavailable_reason();
    let default_store = if keyring_note.is_some() {
        StoreKind::File
    } else {
        StoreKind::Keyring
    };
    let mut app = App::new(rows, store.unwrap_or(default_store), None);
    app.keyring_note = keyring_note;
    app.place_advice = Some(connect::place::Place::here().advice());
    app.command = match &config_dir {
        Some(dir) => with_config_dir(dir),
        None => program(),
    };
    let mut initial = Vec::new();
    match start {
        Start::Home => {}
        Start::New(name) => app.start_new(&name),
        Start::Reauth { name, revoke_old } => {
            match app.connections.iter().position(|c| c.name == name) {
                Some(i) => {
                    app.cursor = i;
                    app.revoke_old = revoke_old;
                    initial.push(Msg::KeyPressed(Key::Char('r')));
                }
                None => {
                    return fail(
                        EXIT_USAGE,
                        format!("no saved connection named '{name}'; `sfconnect list` shows them"),
                    );
                }
            }
        }
    }
    run(app, profiles, initial).await
}

/// The wizard against a simulated org running in this process, saving to a throwaway dir.
pub async fn demo() -> ExitCode {
    if let Err(code) = need_terminal() {
        return code;
    }
    let org = match sim::start(Scenario::demo(), SimOptions::default()).await {
        Ok(o) => o,
        Err(e) => return fail(1, format!("cannot start the simulated org: {e}")),
    };
    // Removed when this returns, however it returns: a quit, a signal, a closed terminal, a
    // panic (which unwinds).
    let mut builder = tempfile::Builder::new();
    builder.prefix("sfconnect-demo-");
    // A random name, made new (never an existing dir reused), and the owner's alone.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
    let scratch = match builder.tempdir() {
        Ok(d) => d,
        Err(e) => return fail(1, format!("cannot create a scratch config dir: {e}")),
    };
    let profiles = Arc::new(Profiles::new(scratch.path().to_path_buf()));
    let mut app = App::new(
        Vec::new(),
        StoreKind::File,
        Some(org.login_url().to_string()),
    );
    app.place_advice = Some(connect::place::Place::here().advice());
    // Said on the save screen from the start, as `sfconnect` does, not only once chosen.
    app.keyring_note = crate::profile::keyring_store::unavailable_reason();
    app.command = with_config_dir(scratch.path());
    app.demo_hints = vec![
        ("username".into(), DEMO_USERNAME.into()),
        ("password".into(), DEMO_PASSWORD.into()),
        ("security token".into(), DEMO_TOKEN.into()),
        ("consumer key".into(), DEMO_CONSUMER_KEY.into()),
        ("consumer secret".into(), DEMO_CONSUMER_SECRET.into()),
        ("My Domain URL".into(), org.instance_url().into()),
    ];
    let code = run(app, profiles, Vec::new()).await;
    drop(scratch);
    code
}

/// `text` quoted for a POSIX shell when it needs it.
fn shell_word(text: &str) -> String {
    let plain = text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+:@%".contains(c));
    if plain {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// The program as the user typed it: a path when it was run by one (`./sfconnect`,
/// `/opt/sfconnect/sfconnect`), so that the commands shown work as printed.
fn program() -> String {
    match std::env::args().next() {
        Some(argv0) if argv0.contains('/') => shell_word(&argv0),
        _ => "sfconnect".into(),
    }
}

/// `sfconnect --config-dir DIR`, each quoted for a POSIX shell when it needs it.
fn with_config_dir(dir: &std::path::Path) -> String {
    format!(
        "{} --config-dir {}",
        program(),
        shell_word(&dir.display().to_string())
    )
}
