//! Where the secrets go, the save, and what was saved with its next steps.

use super::super::methods;
use super::super::{App, Effect, Key, Screen};
use crate::connect::save::Replace;
use crate::profile::StoreKind;

impl App {
    /// Save what the last passing test verified.
    pub(crate) fn save(&mut self) -> Vec<Effect> {
        let Some(verified) = self.verified.clone() else {
            self.message = Some("test the connection again before saving".into());
            return Vec::new();
        };
        self.request += 1;
        self.saving = true;
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
    pub fn next_steps(&self) -> Vec<String> {
        let (cmd, name) = (&self.command, self.name.text());
        let plan = methods::reauth_plan(self.method().flow);
        let mut steps = Vec::new();
        if self.previous_token {
            steps.push(
                "The previous refresh token is still valid at Salesforce. Once the integration has the new one (h), press v to revoke the old one: anything still using it stops then.".to_string(),
            );
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

pub(crate) fn on_key(app: &mut App, key: Key) -> Vec<Effect> {
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
        Key::Enter if app.saving => {}
        Key::Enter => return app.save(),
        Key::Esc => app.screen = Screen::Testing,
        _ => {}
    }
    Vec::new()
}

pub(crate) fn on_done_key(app: &mut App, key: Key) -> Vec<Effect> {
    match key {
        Key::Char('q') => return vec![Effect::Quit],
        Key::Char('v') if app.previous_token => {
            return vec![Effect::RevokePrevious {
                request: app.request,
            }];
        }
        Key::Char('h') => {
            if let Some(v) = app.last_saved.clone() {
                let instance = v.session.auth.session.instance_url.clone();
                app.open_handoff(&v.name, &v.draft, Some(&instance), Screen::Done);
            }
        }
        Key::Enter | Key::Esc => {
            app.reauth = None;
            app.moving = false;
            app.last_saved = None;
            app.previous_token = false;
            app.screen = Screen::Home;
            return vec![Effect::ReloadConnections];
        }
        _ => {
            app.scroll_by(key);
        }
    }
    Vec::new()
}
