//! Where the secrets go, the save, and what was saved with its next steps.

use std::sync::Arc;

use super::super::keys::Binding;
use super::super::methods;
use super::super::{App, Effect, Key, Screen};
use super::testing::TestRun;
use crate::connect::save::{Replace, SaveReport, Verified};
use crate::profile::{Flow, StoreKind};

/// The Save screen's state: the passing run (Esc shows it again), and a save under way.
#[derive(Debug)]
pub struct SaveStep {
    pub run: TestRun,
    /// A save under way (Enter waits for it).
    pub saving: bool,
}

/// The Saved screen's state: what the save reported, for the face to put in words.
#[derive(Debug)]
pub struct Saved {
    pub report: SaveReport,
    /// A re-authentication that moved the connection to this login method.
    pub moved_to: Option<Flow>,
    /// What was just saved, for its hand-off (`h`).
    pub verified: Option<Arc<Verified>>,
    /// The save replaced a refresh token that is still valid at Salesforce (`v` revokes it).
    pub previous_token: bool,
    /// What revoking that token came to: `Some(None)` revoked, `Some(Some(why))` not.
    pub revoked: Option<Option<String>>,
    /// JWT bearer: the other connections on the app moved to this key, and pairs deleted.
    pub settled: crate::connect::app_keys::Settled,
    /// A password login: the other saved connections that log in as the same user.
    pub same_user: Vec<String>,
    /// `u`: re-authenticating them with the same new secrets (None: not asked; empty while
    /// running).
    pub same_user_results: Option<Vec<crate::connect::same_user::Reauthed>>,
}

impl Saved {
    pub fn new(
        report: SaveReport,
        previous_token: bool,
        settled: crate::connect::app_keys::Settled,
        same_user: Vec<String>,
    ) -> Self {
        Self {
            report,
            moved_to: None,
            verified: None,
            previous_token,
            revoked: None,
            settled,
            same_user,
            same_user_results: None,
        }
    }

    /// Whether `u` is offered: a re-authentication whose user has other connections, not
    /// yet asked.
    pub fn offers_same_user(&self) -> bool {
        self.report.replaced
            && !self.same_user.is_empty()
            && self.same_user_results.is_none()
            && self.verified.is_some()
    }
}

impl App {
    /// Save what the passing test verified (on the Save screen, the only place a save starts).
    pub(crate) fn save(&mut self) -> Vec<Effect> {
        let verified = match &mut self.screen {
            Screen::Save(step) => {
                step.saving = step.run.verified.is_some();
                step.run.verified.clone()
            }
            _ => None,
        };
        let Some(verified) = verified else {
            self.message = Some("test the connection again before saving".into());
            return Vec::new();
        };
        self.request += 1;
        vec![Effect::Save {
            request: self.request,
            verified,
            store: self.store,
            old: self.reauth.as_ref().map(|r| r.draft.secrets.clone()),
            replace: match &self.reauth {
                Some(r) => Replace::Entry(r.entry.clone()),
                None => Replace::Nothing,
            },
        }]
    }

    /// What to do with the connection just saved: its own commands, ready to paste.
    pub fn next_steps(&self, saved: &Saved) -> Vec<String> {
        let (cmd, name) = (&self.command, self.name.text());
        let plan = methods::reauth_plan(self.method().flow);
        let mut steps = Vec::new();
        if saved.previous_token {
            steps.push(
                "The previous refresh token is still valid at Salesforce. Once the integration has the new one (h), press v to revoke the old one: anything still using it stops then.".to_string(),
            );
        }
        // A key that changed under integrations given the old path (this connection's, when a
        // re-authentication changed it, and the others' that moved): each needs the new one.
        let key = saved
            .verified
            .as_ref()
            .and_then(|v| v.draft.key_file.as_ref());
        let before = self.reauth.as_ref().and_then(|l| l.draft.key_file.as_ref());
        let changed = before.is_some_and(|b| Some(b) != key);
        let moved: Vec<String> = changed
            .then(|| name.to_string())
            .into_iter()
            .chain(
                saved
                    .settled
                    .moved
                    .iter()
                    .filter(|m| m.result.is_ok())
                    .map(|m| m.name.clone()),
            )
            .collect();
        if let Some(key) = key.filter(|_| !moved.is_empty()) {
            steps.push(format!(
                "The key file is now {}: an integration of {} given the old path needs this one (h shows the hand-off).",
                key.display(),
                super::certificate::names(&moved)
            ));
        }
        steps.extend([
            format!(
                "`{cmd} test {name}` runs the checks again; `{cmd} status` shows the health of every connection."
            ),
            format!(
                "`{cmd} token {name}` prints an access token for a script; `{cmd} export {name} --format env` hands the credentials to another tool."
            ),
            format!("Run `{cmd} reauth {name}` {}.", plan.when),
        ]);
        if self.demo_url.is_some() {
            steps.push("These work from another shell while the demo runs; the demo org and its scratch folder go when it quits.".into());
        }
        steps
    }
}

pub(crate) fn on_key(app: &mut App, step: SaveStep, key: Key) -> Vec<Effect> {
    match key {
        Key::Char('k') => app.store = StoreKind::Keyring,
        Key::Char('f') => app.store = StoreKind::File,
        Key::Up | Key::Down | Key::Tab => {
            app.store = if app.store == StoreKind::Keyring {
                StoreKind::File
            } else {
                StoreKind::Keyring
            }
        }
        Key::Enter if step.saving => {}
        Key::Enter => {
            app.screen = Screen::Save(step);
            return app.save();
        }
        Key::Esc => {
            app.screen = Screen::Testing(step.run);
            return Vec::new();
        }
        _ => {}
    }
    app.screen = Screen::Save(step);
    Vec::new()
}

pub(crate) fn on_done_key(app: &mut App, saved: Saved, key: Key) -> Vec<Effect> {
    match key {
        Key::Char('q') => {
            app.screen = Screen::Done(saved);
            return vec![Effect::Quit];
        }
        Key::Char('v') if saved.previous_token => {
            app.screen = Screen::Done(saved);
            return vec![Effect::RevokePrevious {
                request: app.request,
            }];
        }
        Key::Char('u') if saved.offers_same_user() => {
            let (names, verified) = (saved.same_user.clone(), saved.verified.clone());
            let mut saved = saved;
            saved.same_user_results = Some(Vec::new());
            app.screen = Screen::Done(saved);
            app.message = Some(format!(
                "Re-authenticating {} with the same new password and token…",
                super::certificate::names(&names)
            ));
            return verified
                .map(|verified| Effect::ReauthSameUser {
                    request: app.request,
                    names,
                    verified,
                })
                .into_iter()
                .collect();
        }
        Key::Char('h') if saved.verified.is_some() => {
            if let Some(v) = saved.verified.clone() {
                let instance = v.session.auth.session.instance_url.clone();
                app.open_handoff(&v.name, &v.draft, Some(&instance), Screen::Done(saved));
            }
            return Vec::new();
        }
        Key::Enter | Key::Esc => {
            app.reauth = None;
            app.moving = false;
            app.screen = Screen::Home;
            return vec![Effect::ReloadConnections];
        }
        _ => {
            app.scroll_by(key);
        }
    }
    app.screen = Screen::Done(saved);
    Vec::new()
}

pub(crate) fn bindings(step: &SaveStep) -> Vec<Binding> {
    let mut keys = vec![
        Binding::new(
            &[Key::Char('k'), Key::Char('f')],
            "k / f",
            "the OS keyring or the encrypted file",
        )
        .footer("k keyring · f encrypted file"),
        Binding::new(
            &[Key::Up, Key::Down, Key::Tab],
            "↑↓ / Tab",
            "switch between them",
        ),
    ];
    if !step.saving {
        keys.push(Binding::new(&[Key::Enter], "Enter", "save").footer("Enter save"));
    }
    keys.push(Binding::new(&[Key::Esc], "Esc", "back to the results").footer("Esc back"));
    keys
}

pub(crate) fn done_bindings(saved: &Saved) -> Vec<Binding> {
    let mut keys = Vec::new();
    if saved.verified.is_some() {
        keys.push(
            Binding::new(
                &[Key::Char('h')],
                "h",
                "the hand-off: copy each value into the integration's own form",
            )
            .footer("h hand-off"),
        );
    }
    if saved.offers_same_user() {
        keys.push(
            Binding::new(
                &[Key::Char('u')],
                "u",
                "re-authenticate the other connections of this user with the same new password and token",
            )
            .footer("u the user's other connections"),
        );
    }
    if saved.previous_token {
        keys.push(
            Binding::new(
                &[Key::Char('v')],
                "v",
                "revoke the refresh token this replaced, once the integration has the new one",
            )
            .footer("v revoke the old token"),
        );
    }
    keys.extend([
        Binding::scroll("scroll"),
        Binding::new(
            &[Key::Enter, Key::Esc],
            "Enter / Esc",
            "back to the connections",
        )
        .footer("Enter connections"),
        Binding::new(&[Key::Char('q')], "q", "quit").footer("q quit"),
    ]);
    keys
}

/// The save has landed: the Saved screen, with what it did (a re-authentication that moved the
/// connection says where to); `reauth --revoke-old` revokes a replaced token at once.
pub(crate) fn saved(app: &mut App, request: u64, mut saved: Saved) -> Vec<Effect> {
    // Kept while the Saved screen shows, for its hand-off (`h`).
    saved.verified = match &mut app.screen {
        Screen::Save(step) => step.run.verified.take(),
        _ => None,
    };
    saved.moved_to = app.moving.then(|| app.method().flow);
    let previous_token = saved.previous_token;
    app.message = None;
    app.screen = Screen::Done(saved);
    if previous_token && app.revoke_old {
        return vec![Effect::RevokePrevious { request }];
    }
    Vec::new()
}

/// The other connections of the user were re-authenticated (`u`), each with its result.
pub(crate) fn same_user_done(
    app: &mut App,
    results: Vec<crate::connect::same_user::Reauthed>,
) -> Vec<Effect> {
    if let Screen::Done(saved) = &mut app.screen {
        saved.same_user_results = Some(results);
    }
    app.message = None;
    Vec::new()
}

/// The replaced refresh token was revoked, or could not be (`failed` says why).
pub(crate) fn revoked(app: &mut App, failed: Option<String>) -> Vec<Effect> {
    if let Screen::Done(saved) = &mut app.screen {
        saved.previous_token = false;
        saved.revoked = Some(failed);
    }
    Vec::new()
}
