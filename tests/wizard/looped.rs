//! The wizard's real loop (`tui::run_loop`) into a test backend, driven by key events, with the
//! real runtime doing the work against the simulated org: a whole new connection and a save,
//! and re-authentications saved exactly as `sfconnect login` saves them.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use sfconnect::profile::config::Config;
use sfconnect::profile::{Profile, Profiles, StoreKind, key};
use sfconnect::sim::scenario::{
    DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET, DEMO_PASSWORD, DEMO_TOKEN, DEMO_USERNAME,
};
use sfconnect::sim::{self, RunningSim, Scenario, SimOptions};
use sfconnect::wizard::App;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::sync::watch;

/// A test backend that publishes the screen's text after every frame.
struct Published {
    inner: TestBackend,
    screen: watch::Sender<String>,
}

impl Backend for Published {
    type Error = core::convert::Infallible;
    fn draw<'a, I: Iterator<Item = (u16, u16, &'a Cell)>>(
        &mut self,
        c: I,
    ) -> Result<(), Self::Error> {
        self.inner.draw(c)
    }
    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.hide_cursor()
    }
    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.show_cursor()
    }
    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.inner.get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, p: P) -> Result<(), Self::Error> {
        self.inner.set_cursor_position(p)
    }
    fn clear(&mut self) -> Result<(), Self::Error> {
        self.inner.clear()
    }
    fn clear_region(&mut self, t: ClearType) -> Result<(), Self::Error> {
        self.inner.clear_region(t)
    }
    fn size(&self) -> Result<Size, Self::Error> {
        self.inner.size()
    }
    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.inner.window_size()
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        let buffer = self.inner.buffer();
        let text = (0..buffer.area.height)
            .map(|y| {
                (0..buffer.area.width)
                    .map(|x| buffer[(x, y)].symbol())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n");
        self.screen.send_replace(text);
        self.inner.flush()
    }
}

/// The wizard running in this process; keys in, screens out.
pub struct Looped {
    keys: UnboundedSender<std::io::Result<Event>>,
    screen: watch::Receiver<String>,
    done: tokio::task::JoinHandle<std::io::Result<App>>,
}

impl Looped {
    pub fn start(app: App, profiles: Arc<Profiles>) -> Self {
        let (keys, rx) = unbounded_channel();
        let (screen_tx, screen) = watch::channel(String::new());
        let events = tokio_stream(rx);
        let done = tokio::spawn(async move {
            let backend = Published {
                inner: TestBackend::new(100, 30),
                screen: screen_tx,
            };
            let mut terminal = Terminal::new(backend).unwrap();
            sfconnect::tui::run_loop(&mut terminal, app, profiles, events, false, Vec::new()).await
        });
        Self { keys, screen, done }
    }

    /// Wait for a frame showing `text` (woken by each frame, not by a timer).
    pub async fn wait_for(&mut self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let now = self.screen.borrow_and_update().clone();
            if now.contains(text) {
                return now;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if tokio::time::timeout(left, self.screen.changed())
                .await
                .is_err()
            {
                panic!("'{text}' never appeared; the screen:\n{now}");
            }
        }
    }

    pub fn key(&self, code: KeyCode) {
        let event = Event::Key(KeyEvent::new(code, KeyModifiers::NONE));
        self.keys.send(Ok(event)).unwrap();
    }

    pub fn typed(&self, text: &str) {
        self.keys.send(Ok(Event::Paste(text.to_string()))).unwrap();
    }

    pub async fn quit(self) {
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        self.keys.send(Ok(Event::Key(ctrl_c))).unwrap();
        self.done.await.unwrap().unwrap();
    }
}

fn tokio_stream(
    mut rx: tokio::sync::mpsc::UnboundedReceiver<std::io::Result<Event>>,
) -> impl futures_util::Stream<Item = std::io::Result<Event>> + Unpin {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

fn profiles(dir: &Path) -> Arc<Profiles> {
    Arc::new(Profiles::new(dir.to_path_buf()))
}

pub(crate) fn wizard(dir: &Path) -> Looped {
    let profiles = profiles(dir);
    let rows = sfconnect::tui::connection_rows(&profiles);
    Looped::start(App::new(rows, StoreKind::File, None), profiles)
}

pub(crate) async fn sim() -> RunningSim {
    sim::start(Scenario::demo(), SimOptions::default())
        .await
        .unwrap()
}

/// `sfconnect login c …` with the file store, its secrets from `env`.
fn cli_login(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    cli_login_as(dir, "c", args, env)
}

/// `sfconnect login NAME …` with the file store, its secrets from `env`.
pub(crate) fn cli_login_as(
    dir: &Path,
    name: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_sfconnect"));
    cmd.arg("login")
        .arg(name)
        .args(args)
        .env("SFCONNECT_CONFIG_DIR", dir)
        .env("SFCONNECT_STORE", "file")
        .env("SFCONNECT_LOG_DIR", dir.join("logs"))
        .env_remove("SFCONNECT_PASSWORD")
        .env_remove("SFCONNECT_SECURITY_TOKEN")
        .env_remove("SFCONNECT_CLIENT_SECRET")
        .env_remove("SFCONNECT_REFRESH_TOKEN")
        .env_remove("SFCONNECT_PASSPHRASE")
        .stdin(std::process::Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A saved connection as the table compares it: what a login must agree on, not the clock.
#[derive(Debug, PartialEq)]
struct Kept {
    flow: &'static str,
    login_url: String,
    instance_url: Option<String>,
    username: Option<String>,
    org_id: Option<String>,
    user_id: Option<String>,
    client_id: Option<String>,
    sandbox: bool,
    /// How long ago the password changed, in whole days.
    password_age_days: Option<u64>,
    tested_ok: Option<bool>,
    secrets: Vec<(&'static str, Option<String>)>,
}

fn kept(dir: &Path) -> Kept {
    use secrecy::ExposeSecret;
    let p: Profile = Config::load(dir).unwrap().connections["c"].clone();
    let store = Profiles::new(dir.to_path_buf())
        .open_store(p.store)
        .unwrap();
    let bundle = store.load(&p.secrets).unwrap().unwrap();
    let now = std::time::SystemTime::now();
    Kept {
        flow: p.flow.as_str(),
        login_url: p.login_url.clone(),
        instance_url: p.instance_url.clone(),
        username: p.username.clone(),
        org_id: p.org_id.clone(),
        user_id: p.user_id.clone(),
        client_id: p.client_id.clone(),
        sandbox: p.sandbox,
        password_age_days: p
            .password_changed_at
            .map(|t| now.duration_since(t).unwrap_or_default().as_secs() / 86_400),
        tested_ok: p.last_test.map(|t| t.ok),
        secrets: [
            key::PASSWORD,
            key::SECURITY_TOKEN,
            key::CLIENT_SECRET,
            key::REFRESH_TOKEN,
        ]
        .into_iter()
        .map(|k| (k, bundle.get(k).map(|v| v.expose_secret().to_string())))
        .collect(),
    }
}

/// `sfconnect login` arguments and secret variables.
type Login = (Vec<String>, Vec<(&'static str, String)>);

/// One re-authentication, typed into the form (field index → text) or given to `login`.
struct Case {
    name: &'static str,
    /// The connection as first saved (by `sfconnect login`).
    first: fn(&RunningSim) -> Login,
    /// What changed at the org before the re-authentication.
    change: fn(&RunningSim) -> Vec<(usize, String, &'static str)>,
}

fn soap_first(sim: &RunningSim) -> Login {
    (
        [
            "--flow",
            "soap",
            "--login-url",
            sim.login_url(),
            "--username",
            DEMO_USERNAME,
        ]
        .map(String::from)
        .to_vec(),
        vec![
            ("SFCONNECT_PASSWORD", DEMO_PASSWORD.to_string()),
            ("SFCONNECT_SECURITY_TOKEN", DEMO_TOKEN.to_string()),
        ],
    )
}

const CASES: &[Case] = &[
    Case {
        name: "a new password the org's date does not show yet",
        first: soap_first,
        change: |sim| {
            sim.with_state(|live| live.scenario.users[0].password = "Brand-new-pw1".into());
            vec![(1, "Brand-new-pw1".into(), "SFCONNECT_PASSWORD")]
        },
    },
    Case {
        name: "a reset security token, the password kept",
        first: soap_first,
        change: |sim| {
            let token = "RESETTOKEN0123456789ABCD";
            sim.with_state(|live| live.scenario.users[0].security_token = token.into());
            vec![(2, token.into(), "SFCONNECT_SECURITY_TOKEN")]
        },
    },
    Case {
        name: "an OAuth password flow with a new password",
        first: |sim| {
            (
                [
                    "--flow",
                    "password",
                    "--login-url",
                    sim.login_url(),
                    "--username",
                    DEMO_USERNAME,
                    "--client-id",
                    DEMO_CONSUMER_KEY,
                ]
                .map(String::from)
                .to_vec(),
                vec![
                    ("SFCONNECT_PASSWORD", DEMO_PASSWORD.to_string()),
                    ("SFCONNECT_SECURITY_TOKEN", DEMO_TOKEN.to_string()),
                    ("SFCONNECT_CLIENT_SECRET", DEMO_CONSUMER_SECRET.to_string()),
                ],
            )
        },
        change: |sim| {
            sim.with_state(|live| live.scenario.users[0].password = "Other-new-pw2".into());
            vec![(1, "Other-new-pw2".into(), "SFCONNECT_PASSWORD")]
        },
    },
];

/// Test what the form holds and save it to the file store.
async fn test_and_save(w: &mut Looped) {
    w.key(KeyCode::Enter);
    w.wait_for("All required checks passed").await;
    w.key(KeyCode::Enter);
    w.wait_for("where should the secrets live").await;
    w.key(KeyCode::Char('f'));
    w.key(KeyCode::Enter);
    // "Saved connection 'c'." or "Re-authenticated 'c'."
    w.wait_for("'c'. Secrets are in").await;
}

/// A wizard on `dir` at the re-authentication form of its first connection.
async fn reauth_form(dir: &Path) -> Looped {
    let mut w = wizard(dir);
    w.wait_for("Saved connections").await;
    w.key(KeyCode::Char('r'));
    w.wait_for("Re-authenticate").await;
    w.key(KeyCode::Enter);
    w.wait_for("Setup paths").await;
    w.key(KeyCode::Enter);
    w.wait_for("type to replace").await;
    w
}

/// Re-authenticate `c` in the wizard, typing `typed` into the form's fields.
async fn wizard_reauth(dir: &Path, typed: &[(usize, String, &'static str)]) {
    let mut w = reauth_form(dir).await;
    let mut focus = 0;
    for (field, text, _) in typed {
        while focus < *field {
            w.key(KeyCode::Tab);
            focus += 1;
        }
        w.typed(text);
    }
    test_and_save(&mut w).await;
    w.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_wizard_and_login_save_a_reauthentication_alike() {
    for case in CASES {
        let sim = sim().await;
        let (cli, wiz) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (args, env) = (case.first)(&sim);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        cli_login(cli.path(), &args, &env);
        cli_login(wiz.path(), &args, &env);
        // The org last saw a password change ten days ago.
        sim.with_state(|live| live.scenario.users[0].password_age_days = 10);
        let typed = (case.change)(&sim);
        let env: Vec<(&str, &str)> = typed.iter().map(|(_, v, k)| (*k, v.as_str())).collect();
        cli_login(cli.path(), &[], &env);
        wizard_reauth(wiz.path(), &typed).await;
        assert_eq!(
            kept(cli.path()),
            kept(wiz.path()),
            "{}: the two paths saved differently",
            case.name
        );
    }
}

/// A wizard on `dir` with a new SOAP connection 'c' to `sim` typed into its form.
async fn new_soap_connection(dir: &Path, sim: &RunningSim) -> Looped {
    let mut w = wizard(dir);
    w.wait_for("Name this connection").await;
    w.typed("c");
    w.key(KeyCode::Enter);
    w.wait_for("My Domain URL").await;
    w.key(KeyCode::Down);
    w.key(KeyCode::Down);
    w.typed(sim.login_url());
    w.key(KeyCode::Enter);
    w.wait_for("how to log in").await;
    w.key(KeyCode::Enter);
    w.wait_for("needs:").await;
    w.key(KeyCode::Enter);
    w.wait_for("Setup paths").await;
    w.key(KeyCode::Enter);
    w.wait_for("Security token").await;
    w.typed(DEMO_USERNAME);
    w.key(KeyCode::Tab);
    w.typed(DEMO_PASSWORD);
    w.key(KeyCode::Tab);
    w.typed(DEMO_TOKEN);
    w
}

#[tokio::test(flavor = "multi_thread")]
async fn a_whole_new_connection_through_the_loop() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let mut w = new_soap_connection(dir.path(), &sim).await;
    test_and_save(&mut w).await;
    w.key(KeyCode::Enter);
    w.wait_for("Saved connections").await;
    w.quit().await;
    let saved = kept(dir.path());
    assert_eq!(saved.username.as_deref(), Some(DEMO_USERNAME));
    assert_eq!(saved.tested_ok, Some(true));
    assert_eq!(saved.secrets[0].1.as_deref(), Some(DEMO_PASSWORD));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_name_saved_meanwhile_by_another_process_is_not_replaced() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let mut w = new_soap_connection(dir.path(), &sim).await;
    w.key(KeyCode::Enter);
    w.wait_for("All required checks passed").await;
    // Another process saves 'c' while the wizard's user reads the results.
    let (args, env) = soap_first(&sim);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    cli_login(dir.path(), &args, &env);
    let theirs = std::fs::read(dir.path().join("connections.toml")).unwrap();
    w.key(KeyCode::Enter);
    w.wait_for("where should the secrets live").await;
    w.key(KeyCode::Char('f'));
    w.key(KeyCode::Enter);
    w.wait_for("another sfconnect saved 'c' while this test ran")
        .await;
    w.quit().await;
    assert_eq!(
        std::fs::read(dir.path().join("connections.toml")).unwrap(),
        theirs,
        "the other process's connection is untouched"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_password_is_offered_to_the_users_other_connections_until_they_have_it() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (args, env) = soap_first(&sim);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    cli_login_as(d, "c", &args, &env);
    cli_login_as(d, "d", &args, &env);
    sim.with_state(|live| live.scenario.users[0].password = "Brand-new-pw3".into());
    // c is re-authenticated with the new password; d, the same user, is offered it.
    let mut w = reauth_form(d).await;
    w.key(KeyCode::Tab);
    w.typed("Brand-new-pw3");
    test_and_save(&mut w).await;
    w.wait_for("'d' also logs in as this user").await;
    w.key(KeyCode::Char('u'));
    w.wait_for("'d' re-authenticated with the new secrets")
        .await;
    w.quit().await;
    // Once d has the new password, re-authenticating c again offers nothing more.
    let mut w = reauth_form(d).await;
    test_and_save(&mut w).await;
    let screen = w.wait_for("Next:").await;
    assert!(!screen.contains("also logs in"), "{screen}");
    w.quit().await;
}
