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

use crate::check::{self, Outcome, Status, Strategy};
use crate::commands::saved::{blocking, finalize, open_in, open_store, target};
use crate::commands::status::{Health, health};
use crate::profile::{Draft, Profiles, StoreKind};
use crate::salesforce::Http;
use crate::salesforce::http::DEFAULT_TIMEOUT;
use crate::wizard::{App, ConnectionRow, Effect, Key, Loaded, Msg, update};
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
}

impl Runtime {
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
        http: Http::new(DEFAULT_TIMEOUT).map_err(|e| std::io::Error::other(e.to_string()))?,
        tx,
        running: None,
        checked: Arc::new(std::sync::Mutex::new(None)),
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
            _ = ticker.tick(), if app.running => {
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
                Effect::CancelCheck => {
                    if let Some(task) = runtime.running.take() {
                        task.abort();
                    }
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
