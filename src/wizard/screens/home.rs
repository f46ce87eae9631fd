//! The saved connections: choose one to re-authenticate, test, hand off or remove, or start a new one.

use super::super::field::Field;
use super::super::keys::Binding;
use super::super::{App, Effect, Key, Purpose, Retry, Screen, step};
use std::time::SystemTime;

use crate::check::Status;
use crate::connect::health::Health;
use crate::profile::Config;
use crate::profile::{Flow, SecretBundle, StoreKind};

/// A saved connection on the home screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionRow {
    pub name: String,
    pub health: Status,
    pub summary: String,
    pub sandbox: bool,
    pub store: StoreKind,
    /// How it logs in (whether removing it revokes a refresh token an integration may hold).
    pub flow: Flow,
    /// Who it logs in as, where known.
    pub username: Option<String>,
}

impl App {
    /// Forget everything typed for a connection and start a new one.
    pub fn start_new(&mut self, name: &str) {
        self.name = Field::new("Connection name").with_value(name);
        self.environment = 0;
        self.my_domain = Field::new("My Domain URL");
        self.method = 0;
        self.fields.clear();
        self.spare.clear();
        self.kept = SecretBundle::default();
        self.generated = None;
        self.key_confirmed = None;
        self.reauth = None;
        self.moving = false;
        self.screen = Screen::Name { taken_said: false };
    }

    pub fn selected_connection(&self) -> Option<String> {
        self.connections.get(self.cursor).map(|c| c.name.clone())
    }
}

pub(crate) fn on_key(app: &mut App, key: Key) -> Vec<Effect> {
    match key {
        Key::Char('q') => return vec![Effect::Quit],
        // One Esc too many must not end the session (in the demo, with its connections).
        Key::Esc => {
            app.message = Some(if app.demo_url.is_some() {
                "q quits the demo; its org and connections go with it.".into()
            } else {
                "q quits.".into()
            })
        }
        Key::Char('n') => app.start_new(""),
        Key::Char('r') | Key::Enter => {
            if let Some(name) = app.selected_connection() {
                return app.redo(Retry::Load {
                    name,
                    purpose: Purpose::Reauthenticate,
                });
            }
        }
        Key::Char('h') => {
            if let Some(name) = app.selected_connection() {
                return app.redo(Retry::Load {
                    name,
                    purpose: Purpose::HandOff,
                });
            }
        }
        Key::Char('t') => {
            if let Some(name) = app.selected_connection() {
                return app.redo(Retry::Test { name });
            }
        }
        Key::Char('x') if app.selected_connection().is_some() => app.screen = Screen::ConfirmRemove,
        Key::Char('a') => {
            if let Some(name) = app.selected_connection() {
                return app.start_audit(name);
            }
        }
        _ => step(&mut app.cursor, app.connections.len(), key),
    }
    Vec::new()
}

/// The rows of the home screen, from what is saved, as of `now`.
pub fn rows(config: &Config, now: SystemTime) -> Vec<ConnectionRow> {
    config
        .connections
        .iter()
        .map(|(name, p)| {
            let (h, mut summary) =
                crate::connect::health::health_on_app(&config.pending_certificates, p, now);
            // A row is one line: what to do comes first (`status` says it all).
            if h == Health::Expiring
                && let Some(app) = crate::connect::app_keys::AppRef::of(p)
                && let Some(new) = crate::connect::app_keys::pending_on_app(
                    &config.pending_certificates,
                    &app,
                    p.key_file.as_deref(),
                )
                .first()
                && summary.starts_with("the app's certificate may have changed")
            {
                let made_for = &new.made_for;
                let next = match config.connections.contains_key(made_for) {
                    true => format!("r on '{made_for}'"),
                    false => format!("n: set up '{made_for}' again"),
                };
                summary = format!(
                    "new pair for '{made_for}' untested ({next}): the app's certificate may have changed"
                );
            }
            // A retiring login method is said first on every row that uses one, in a few words
            // (a narrow window cuts the end of the line, not the warning).
            if let Some(a) = crate::connect::advisories::advisories(p.flow, now).first() {
                summary = if summary == a.message {
                    a.short.clone()
                } else {
                    format!("{} · {summary}", a.short)
                };
            }
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
                flow: p.flow,
                username: p.username.clone(),
            }
        })
        .collect()
}

/// The connections' keys; those for a chosen connection only when there is one.
pub(crate) fn bindings(app: &App) -> Vec<Binding> {
    let mut keys = Vec::new();
    if !app.connections.is_empty() {
        keys.extend([
            // Help only: the arrows are plain, and the footer keeps room for the keys that act.
            Binding::new(
                &[Key::Up, Key::Down, Key::Tab, Key::BackTab],
                "↑↓",
                "choose a connection",
            ),
            Binding::new(&[Key::Char('t')], "t", "test the chosen connection now").footer("t test"),
            Binding::new(
                &[Key::Char('r'), Key::Enter],
                "r / Enter",
                "re-authenticate the chosen connection; m there moves it to another login method (a retiring one says so on its row)",
            )
            .footer("r re-auth"),
            Binding::new(
                &[Key::Char('h')],
                "h",
                "hand-off: copy its saved values into the integration's own form",
            )
            .footer("h hand-off"),
            Binding::new(
                &[Key::Char('a')],
                "a",
                "audit: who in its org still logs in with a retiring method (its Login History)",
            )
            .footer("a audit"),
            Binding::new(&[Key::Char('x')], "x", "remove the chosen connection (asks first)")
                .footer("x remove"),
        ]);
    }
    keys.extend([
        Binding::new(&[Key::Char('n')], "n", "add a new connection").footer("n new"),
        Binding::new(&[Key::Char('q')], "q", "quit").footer("q quit"),
        Binding::new(
            &[Key::Esc],
            "Esc",
            "says how to quit (one Esc too many never ends the session)",
        ),
    ]);
    keys
}

/// The saved connections, read again; the chosen row stays chosen where it can.
pub(crate) fn listed(app: &mut App, rows: Vec<ConnectionRow>) -> Vec<Effect> {
    app.connections = rows;
    app.cursor = app.cursor.min(app.connections.len().saturating_sub(1));
    Vec::new()
}
