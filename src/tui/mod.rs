//! The terminal runtime: terminal lifecycle, one message loop, and the effects the wizard asks
//! for (checks in a background task, saving off the UI thread).

pub mod view;

use std::io::{IsTerminal, stdout};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crossterm::event::{
    DisableBracketedPaste, EnableBracketedPaste, Event, EventStream, KeyCode, KeyEvent,
    KeyEventKind, KeyModifiers,
};
use crossterm::execute;
use futures_util::StreamExt;
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;

use crate::check::{self, CheckResult, Outcome, Status, Strategy};
use crate::commands::saved::{blocking, finalize, open_in, open_store, target};
use crate::commands::status::{Health, health};
use crate::commands::web_login::{BrowserLogin, LOGIN_TIMEOUT, Pasted, ssh_forward_line};
use crate::commands::whereami::Place;
use crate::profile::{Draft, Flow, Profiles, StoreKind};
use crate::salesforce::device::{self, DEVICE_CODE_LIFETIME};
use crate::salesforce::http::request_timeout;
use crate::salesforce::oauth::{ClientApp, TokenResponse};
use crate::salesforce::{Http, LoginUrl, SfError};
use crate::wizard::{
    App, ConnectionRow, Effect, GeneratedKey, Key, Loaded, Msg, Prompt, StandIn, update,
};
use view::Look;

/// Map a terminal event to a wizard message (None: just redraw, e.g. on resize).
pub fn message(event: Event) -> Option<Msg> {
    match event {
        Event::Paste(text) => Some(Msg::Pasted(text)),
        Event::Key(KeyEvent {
            code,
            modifiers,
            kind: KeyEventKind::Press | KeyEventKind::Repeat,
            ..
        }) => {
            let key = match code {
                KeyCode::Char('c') if modifiers.contains(KeyModifiers::CONTROL) => Key::Interrupt,
                KeyCode::Char(c) => Key::Char(c),
                KeyCode::Enter => Key::Enter,
                KeyCode::Esc => Key::Esc,
                KeyCode::Tab => Key::Tab,
                KeyCode::BackTab => Key::BackTab,
                KeyCode::Up => Key::Up,
                KeyCode::Down => Key::Down,
                KeyCode::Backspace => Key::Backspace,
                KeyCode::F(2) => Key::Reveal,
                KeyCode::F(3) => Key::Assist,
                _ => return None,
            };
            Some(Msg::KeyPressed(key))
        }
        _ => None,
    }
}

/// The rows of the home screen, from what is saved.
pub fn connection_rows(profiles: &Profiles) -> Vec<ConnectionRow> {
    let Ok(config) = profiles.config() else {
        return Vec::new();
    };
    let now = SystemTime::now();
    config
        .connections
        .iter()
        .map(|(name, p)| {
            let (h, summary) = health(p, now);
            ConnectionRow {
                name: name.clone(),
                health: match h {
                    Health::Ok => Status::Pass,
                    Health::Expiring | Health::Untested => Status::Warn,
                    Health::Failing => Status::Fail,
                },
                summary,
                sandbox: p.sandbox,
                store: p.store,
            }
        })
        .collect()
}

/// The last check run: what was checked and what it found, kept for saving.
struct Checked {
    request: u64,
    name: String,
    draft: Draft,
    outcome: Outcome,
}

/// Record a saved connection's test like `sfconnect test` does (verdict, rotated refresh token).
async fn record_saved_test(profiles: &Arc<Profiles>, name: &str, outcome: &Outcome) {
    if let Ok(saved) = open_in(profiles.clone(), name).await {
        crate::commands::test::record(&saved, outcome).await;
    }
}

/// Carries out effects; owns everything that does I/O.
struct Runtime {
    profiles: Arc<Profiles>,
    http: Http,
    tx: UnboundedSender<Msg>,
    running: Option<JoinHandle<()>>,
    checked: Arc<std::sync::Mutex<Option<Checked>>>,
    /// Where a pasted redirect goes while a browser login waits for one.
    paste: Arc<std::sync::Mutex<Option<Pasted>>>,
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A browser login: show the URL (and open a local browser where one can show), then wait for
/// the callback listener or a paste.
async fn browser(
    http: &Http,
    login_url: &LoginUrl,
    app: &ClientApp,
    port: u16,
    request: u64,
    tx: &UnboundedSender<Msg>,
    paste: &std::sync::Mutex<Option<Pasted>>,
) -> Result<TokenResponse, SfError> {
    let login = BrowserLogin::start(login_url, &app.client_id, port, true).await?;
    let place = Place::here();
    let opened = if place.can_open_browser() {
        let url = login.url.clone();
        tokio::task::spawn_blocking(move || webbrowser::open(&url).is_ok())
            .await
            .unwrap_or(false)
    } else {
        false
    };
    *lock(paste) = Some(login.paste_sender());
    let _ = tx.send(Msg::AuthorizeStarted {
        request,
        prompt: Prompt::Browser {
            url: login.url.clone(),
            redirect: login.redirect.clone(),
            listening: login.listening,
            ssh_line: (place.ssh && login.listening).then(|| ssh_forward_line(port)),
            opened,
            advice: place.advice(),
        },
    });
    let result = login.finish(http, login_url, app, LOGIN_TIMEOUT).await;
    *lock(paste) = None;
    result
}

/// A device login: show the code, then poll, with a countdown every second.
async fn device_code(
    http: &Http,
    login_url: &LoginUrl,
    app: &ClientApp,
    request: u64,
    tx: &UnboundedSender<Msg>,
) -> Result<TokenResponse, SfError> {
    let code = device::start(http, login_url, &app.client_id, "api refresh_token").await?;
    let deadline = tokio::time::Instant::now() + DEVICE_CODE_LIFETIME;
    let _ = tx.send(Msg::AuthorizeStarted {
        request,
        prompt: Prompt::Device {
            user_code: code.user_code.clone(),
            verification_uri: code.verification_uri.clone(),
            complete: code.verification_uri_complete(),
            interval_secs: code.interval().as_secs(),
        },
    });
    let wait =
        device::wait_with_countdown(http, login_url, app, &code, DEVICE_CODE_LIFETIME, |_| {});
    tokio::pin!(wait);
    let mut second = tokio::time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            result = &mut wait => return result,
            _ = second.tick() => {
                let left = deadline.saturating_duration_since(tokio::time::Instant::now());
                let _ = tx.send(Msg::AuthorizeCountdown { request, left_secs: left.as_secs() });
            }
        }
    }
}

/// What the demo's simulated org does in place of a person.
async fn stand_in(
    http: &Http,
    what: StandIn,
    paste: &std::sync::Mutex<Option<Pasted>>,
) -> Result<String, String> {
    let failed = |e: &dyn std::fmt::Display| format!("the simulated org did not answer: {e}");
    match what {
        StandIn::Browser { url } => {
            let reply = http
                .client()
                .get(&url)
                .send()
                .await
                .map_err(|e| failed(&e))?;
            let location = reply
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .ok_or_else(|| {
                    "the simulated org showed an error page instead of redirecting".to_string()
                })?
                .to_string();
            match lock(paste).as_ref() {
                Some(tx) if tx.send(location).is_ok() => {
                    Ok("Demo: logged in as the demo user in place of a browser.".into())
                }
                _ => Err("the browser login is no longer waiting".into()),
            }
        }
        StandIn::Device { org, user_code } => {
            let reply = http
                .client()
                .post(format!("{org}/__sim/device/approve"))
                .form(&[("user_code", user_code.as_str())])
                .send()
                .await
                .map_err(|e| failed(&e))?;
            if reply.status().is_success() {
                Ok("Demo: approved the code as the demo user.".into())
            } else {
                Err("the simulated org refused the code".into())
            }
        }
        StandIn::Certificate {
            org,
            consumer_key,
            pem,
        } => {
            let reply = http
                .client()
                .post(format!("{org}/__sim/apps/certificate"))
                .form(&[
                    ("consumer_key", consumer_key.as_str()),
                    ("certificate", pem.as_str()),
                ])
                .send()
                .await
                .map_err(|e| failed(&e))?;
            if reply.status().is_success() {
                Ok(
                    "Demo: uploaded the certificate to the demo org's app. Press Enter to test."
                        .into(),
                )
            } else {
                Err("the demo org has no app with that consumer key".into())
            }
        }
    }
}

impl Runtime {
    fn start_authorize(
        &mut self,
        request: u64,
        flow: Flow,
        login_url: LoginUrl,
        app: ClientApp,
        port: u16,
    ) {
        if let Some(task) = self.running.take() {
            task.abort();
        }
        let (tx, http, paste) = (self.tx.clone(), self.http.clone(), self.paste.clone());
        self.running = Some(tokio::spawn(async move {
            let token = match flow {
                Flow::Device => device_code(&http, &login_url, &app, request, &tx).await,
                _ => browser(&http, &login_url, &app, port, request, &tx, &paste).await,
            };
            let result = match token {
                Ok(token) => token.refresh_token.ok_or_else(|| {
                    CheckResult::new(
                        "login",
                        Status::Fail,
                        "The login worked but Salesforce sent no refresh token",
                        "add the 'Perform requests at any time (refresh_token, offline_access)' scope to the app, then log in again",
                    )
                }),
                Err(e) => Err(CheckResult::from_error("login", Status::Fail, &e)),
            };
            let _ = tx.send(Msg::Authorized { request, result });
        }));
    }

    fn cancel(&mut self) {
        if let Some(task) = self.running.take() {
            task.abort();
        }
        *lock(&self.paste) = None;
    }

    fn generate_key(&self, name: String) {
        let (dir, tx) = (self.profiles.dir().join("keys"), self.tx.clone());
        tokio::task::spawn_blocking(move || {
            let made = crate::profile::jwt_key::generate(&dir, &name)
                .map(|g| GeneratedKey {
                    key_file: g.key_file,
                    certificate_file: g.certificate_file,
                    certificate_pem: g.certificate_pem,
                })
                .map_err(|e| e.to_string());
            let _ = tx.send(Msg::KeyGenerated(made));
        });
    }

    fn start_check(&mut self, request: u64, name: String, draft: Draft, record: bool) {
        if let Some(task) = self.running.take() {
            task.abort();
        }
        let (tx, http, checked) = (self.tx.clone(), self.http.clone(), self.checked.clone());
        let profiles = self.profiles.clone();
        let existing = self.profiles.get(&name).ok();
        self.running = Some(tokio::spawn(async move {
            let profile = draft.to_profile(existing.as_ref(), StoreKind::File);
            let target = match target(&profile, &draft.secrets) {
                Ok(t) => t,
                Err(e) => {
                    let result = check::CheckResult::from_error("login", Status::Fail, &e);
                    let _ = tx.send(Msg::CheckProgressed {
                        request,
                        event: check::CheckEvent::Finished(result),
                    });
                    let _ = tx.send(Msg::CheckFinished { request, ok: false });
                    return;
                }
            };
            let (events_tx, mut events) = unbounded_channel();
            let forward = {
                let tx = tx.clone();
                tokio::spawn(async move {
                    while let Some(event) = events.recv().await {
                        let _ = tx.send(Msg::CheckProgressed { request, event });
                    }
                })
            };
            let outcome = check::run(&http, target, Strategy::Batched, Some(&events_tx)).await;
            drop(events_tx);
            let _ = forward.await;
            let ok = outcome.ok();
            if record {
                record_saved_test(&profiles, &name, &outcome).await;
            }
            *checked.lock().unwrap_or_else(|p| p.into_inner()) = Some(Checked {
                request,
                name,
                draft,
                outcome,
            });
            let _ = tx.send(Msg::CheckFinished { request, ok });
        }));
    }

    /// Load a saved connection and its secrets for re-authentication.
    fn load(&self, name: String) {
        let (profiles, tx) = (self.profiles.clone(), self.tx.clone());
        tokio::spawn(async move {
            let loaded = async {
                let saved = open_in(profiles.clone(), &name)
                    .await
                    .map_err(|e| e.to_string())?;
                let (profile, secrets) = (saved.profile, saved.secrets);
                let login_url = crate::salesforce::LoginUrl::parse(&profile.login_url)
                    .map_err(|e| e.to_string())?;
                let now = SystemTime::now();
                let (_, problem) = health(&profile, now);
                let password_age_days = profile
                    .password_changed_at
                    .and_then(|t| now.duration_since(t).ok())
                    .map(|d| d.as_secs() / 86_400);
                Ok::<_, String>(Box::new(Loaded {
                    name,
                    draft: Draft {
                        flow: profile.flow,
                        login_url,
                        sandbox: profile.sandbox,
                        username: profile.username.clone(),
                        client_id: profile.client_id.clone(),
                        key_file: profile.key_file.clone(),
                        ui: profile.ui,
                        secrets,
                    },
                    store: profile.store,
                    problem: profile
                        .last_test
                        .as_ref()
                        .filter(|t| !t.ok)
                        .map(|t| t.summary.clone())
                        .unwrap_or(problem),
                    password_age_days,
                }))
            }
            .await;
            let _ = tx.send(Msg::ConnectionLoaded(loaded));
        });
    }

    /// Delete a saved connection and its secrets together.
    fn remove(&self, name: String) {
        let (profiles, tx) = (self.profiles.clone(), self.tx.clone());
        tokio::spawn(async move {
            let result = async {
                let profile = profiles.get(&name).map_err(|e| e.to_string())?;
                let store = open_store(&profiles, profile.store)
                    .await
                    .map_err(|e| e.to_string())?;
                let n = name.clone();
                blocking(move || profiles.remove(&n, store.as_ref()))
                    .await
                    .map_err(|e| e.to_string())?;
                Ok::<_, String>(format!("Removed '{name}' and its secrets."))
            }
            .await;
            let _ = tx.send(Msg::Removed(result));
        });
    }

    fn save(&self, request: u64, store: StoreKind) {
        let taken = self
            .checked
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        let (profiles, tx) = (self.profiles.clone(), self.tx.clone());
        tokio::spawn(async move {
            let Some(checked) = taken.filter(|c| c.request == request) else {
                let _ = tx.send(Msg::Saved(Err(
                    "test the connection again before saving".into()
                )));
                return;
            };
            let Some(session) = checked.outcome.session.as_ref() else {
                let _ = tx.send(Msg::Saved(Err("the last test did not log in".into())));
                return;
            };
            let result = match open_store(&profiles, store).await {
                Err(e) => Err(e.to_string()),
                Ok(store) => {
                    let existing = profiles.get(&checked.name).ok();
                    let mut profile = checked.draft.to_profile(existing.as_ref(), store.kind());
                    let mut secrets = checked.draft.secrets.clone();
                    finalize(
                        &mut profile,
                        &mut secrets,
                        None,
                        session,
                        checked.outcome.summary(),
                    );
                    let describe = store.describe();
                    let name = checked.name.clone();
                    blocking(move || profiles.commit(&name, profile, &secrets, store.as_ref()))
                        .await
                        .map(|()| {
                            format!(
                                "Saved connection '{}'. Secrets are in: {describe}.",
                                checked.name
                            )
                        })
                        .map_err(|e| e.to_string())
                }
            };
            let _ = tx.send(Msg::Saved(result));
        });
    }
}

/// Run the wizard on `terminal` until the user leaves. Generic over the backend so tests can
/// drive the real loop into a test backend.
pub async fn run_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    mut app: App,
    profiles: Arc<Profiles>,
    mut events: impl futures_util::Stream<Item = std::io::Result<Event>> + Unpin,
    look_colour: bool,
    initial: Vec<Msg>,
) -> std::io::Result<App> {
    let (tx, mut rx) = unbounded_channel();
    let mut runtime = Runtime {
        profiles,
        http: Http::new(request_timeout()).map_err(|e| std::io::Error::other(e.to_string()))?,
        tx,
        running: None,
        checked: Arc::new(std::sync::Mutex::new(None)),
        paste: Arc::new(std::sync::Mutex::new(None)),
    };
    let mut tick = 0usize;
    let stop = crate::commands::sim::wait_for_stop();
    tokio::pin!(stop);
    let mut ticker = tokio::time::interval(Duration::from_millis(120));
    for msg in initial {
        let _ = runtime.tx.send(msg);
    }
    loop {
        let look = Look {
            colour: look_colour,
            tick,
        };
        terminal
            .draw(|frame| view::draw(&app, frame, look))
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        let msg = tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => message(event),
                Some(Err(e)) => return Err(e),
                None => Some(Msg::KeyPressed(Key::Interrupt)),
            },
            Some(msg) = rx.recv() => Some(msg),
            _ = ticker.tick(), if app.running || app.authorizing.is_some() => {
                tick += 1;
                None
            }
            _ = &mut stop => Some(Msg::KeyPressed(Key::Interrupt)),
        };
        let Some(msg) = msg else { continue };
        for effect in update(&mut app, msg) {
            match effect {
                Effect::StartCheck {
                    request,
                    name,
                    draft,
                    record,
                } => runtime.start_check(request, name, *draft, record),
                Effect::CancelCheck => runtime.cancel(),
                Effect::StartAuthorize {
                    request,
                    flow,
                    login_url,
                    client_id,
                    client_secret,
                    port,
                } => runtime.start_authorize(
                    request,
                    flow,
                    login_url,
                    ClientApp {
                        client_id,
                        client_secret,
                    },
                    port,
                ),
                Effect::PasteRedirect { text } => {
                    use secrecy::ExposeSecret;
                    if let Some(tx) = lock(&runtime.paste).as_ref() {
                        let _ = tx.send(text.expose_secret().to_string());
                    }
                }
                Effect::OfferClipboard { url } => {
                    use std::io::Write;
                    if stdout().is_terminal() {
                        let sequence = crate::commands::web_login::clipboard_sequence(&url);
                        let _ = write!(stdout(), "{sequence}");
                        let _ = stdout().flush();
                    }
                }
                Effect::GenerateKey { name } => runtime.generate_key(name),
                Effect::StandIn(what) => {
                    let (http, paste, tx) = (
                        runtime.http.clone(),
                        runtime.paste.clone(),
                        runtime.tx.clone(),
                    );
                    tokio::spawn(async move {
                        let done = stand_in(&http, what, &paste).await;
                        let _ = tx.send(Msg::StoodIn(done));
                    });
                }
                Effect::Save { request, store } => runtime.save(request, store),
                Effect::LoadConnection { name } => runtime.load(name),
                Effect::RemoveConnection { name } => runtime.remove(name),
                Effect::ReloadConnections => {
                    let _ = runtime
                        .tx
                        .send(Msg::ConnectionsLoaded(connection_rows(&runtime.profiles)));
                }
                Effect::Quit => return Ok(app),
            }
        }
    }
}

/// The wizard on the real terminal: raw mode and the alternate screen for its lifetime, the
/// terminal restored on every way out (a panic included: ratatui's hook restores it first).
pub async fn run(app: App, profiles: Arc<Profiles>, initial: Vec<Msg>) -> std::io::Result<()> {
    let colour = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let mut terminal = ratatui::init();
    let _ = execute!(stdout(), EnableBracketedPaste);
    let result = run_loop(
        &mut terminal,
        app,
        profiles,
        EventStream::new(),
        colour,
        initial,
    )
    .await;
    let _ = execute!(stdout(), DisableBracketedPaste);
    ratatui::restore();
    result.map(|_| ())
}

/// Whether the wizard can run here: both ends must be a terminal.
pub fn on_terminal() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}
