//! The wizard's state machine: one `App`, `update(&mut App, Msg) -> Vec<Effect>` with no I/O.
//! The terminal runtime (src/tui) draws it and carries out the effects.

mod app;
mod draft;
pub mod field;
pub mod guides;
pub mod keys;
pub mod methods;
mod msg;
pub mod screens;

pub use app::App;
pub use msg::{AppKey, Effect, Key, Loaded, Msg, Problem, Purpose, Retry};
pub use screens::authorize::{Authorizing, StandIn};
pub use screens::certificate::GeneratedKey;
pub use screens::environment::ENVIRONMENTS;
pub use screens::handoff::{self, Handoff};
pub use screens::home::ConnectionRow;
pub use screens::passphrase::Asking;
pub use screens::save::{SaveStep, Saved};
pub use screens::testing::TestRun;

pub use crate::connect::interactive::Prompt;

/// The screen shown, with the state that only it has.
#[derive(Debug)]
pub enum Screen {
    Home,
    /// `taken_said`: the screen has said the typed name is saved already (Enter now
    /// re-authenticates it).
    Name {
        taken_said: bool,
    },
    Environment,
    Method,
    /// What must be true in Salesforce before this method can work.
    Prerequisites,
    /// `page`: which of the method's guides shows.
    Guide {
        page: usize,
    },
    /// `warned_no_secret`: the form has said that a browser or device login without the
    /// consumer secret fails where the app requires it (Enter now goes on without it).
    Credentials {
        warned_no_secret: bool,
    },
    Testing(TestRun),
    Save(SaveStep),
    Done(Saved),
    /// A browser login or device code under way.
    Authorize(Authorizing),
    /// The certificate made for JWT bearer, with what to do with it.
    Certificate,
    /// Re-authentication: what is wrong with a saved connection and what will be asked.
    Reauth,
    ConfirmRemove,
    /// The encrypted secrets file needs its passphrase.
    Passphrase(Asking),
    /// The tested values, to copy one by one into the integration's own form.
    Handoff(Handoff),
    /// Who in the org still logs in how.
    Audit(screens::audit::AuditView),
}

/// Keys that edit the focused text field.
pub(crate) fn editing(key: Key) -> bool {
    matches!(
        key,
        Key::Char(_)
            | Key::Backspace
            | Key::Delete
            | Key::Left
            | Key::Right
            | Key::Home
            | Key::End
            | Key::Ctrl(_)
            | Key::Reveal
    )
}

pub(crate) fn step(cursor: &mut usize, len: usize, key: Key) {
    match key {
        Key::Up | Key::BackTab => *cursor = cursor.checked_sub(1).unwrap_or(len.saturating_sub(1)),
        Key::Down | Key::Tab => *cursor = if *cursor + 1 >= len { 0 } else { *cursor + 1 },
        _ => {}
    }
}

/// Apply one message; return what the runtime must do.
///
/// The request-id rule: a background result carries the id of the request that asked for it,
/// and one for a request the user has left (`App::request` moved on) is dropped. A save or a
/// removal the user walked away from may still have landed: the connections are read again.
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    if msg.request().is_some_and(|request| request != app.request) {
        return match msg {
            Msg::Saved { .. } | Msg::Removed { .. } => vec![Effect::ReloadConnections],
            _ => Vec::new(),
        };
    }
    match msg {
        Msg::KeyPressed(key) => on_key(app, key),
        Msg::Pasted(text) => on_paste(app, &text),
        Msg::CheckProgressed { event, .. } => screens::testing::progressed(app, event),
        Msg::CheckFinished { ok, verified, .. } => screens::testing::finished(app, ok, verified),
        Msg::Saved {
            request,
            report,
            previous_token,
            settled,
            same_user,
        } => screens::save::saved(
            app,
            request,
            screens::save::Saved::new(report, previous_token, *settled, same_user),
        ),
        Msg::SameUserReauthed { results, .. } => screens::save::same_user_done(app, results),
        Msg::PreviousRevoked { failed, .. } => screens::save::revoked(app, failed),
        Msg::ConnectionsLoaded(rows) => screens::home::listed(app, rows),
        Msg::ConnectionLoaded {
            loaded, purpose, ..
        } => match purpose {
            Purpose::HandOff => {
                app.open_handoff(&loaded.name, &loaded.draft, None, Screen::Home);
                Vec::new()
            }
            Purpose::Reauthenticate => {
                app.begin_reauth(*loaded);
                Vec::new()
            }
            Purpose::Move => {
                app.begin_reauth(*loaded);
                app.begin_move();
                Vec::new()
            }
        },
        Msg::ClipboardExpired { generation } => screens::handoff::expired(app, generation),
        Msg::Removed { message, .. } => screens::remove::removed(app, message),
        Msg::Failed { problem, .. } => failed(app, problem),
        Msg::AuthorizeStarted { prompt, .. } => screens::authorize::started(app, prompt),
        Msg::AuthorizeCountdown { left_secs, .. } => screens::authorize::counted(app, left_secs),
        Msg::Authorized { result, .. } => app.authorized(result),
        Msg::PasteRefused { why, .. } => {
            app.message = Some(format!(
                "Not this login's redirect: {why}. Paste the whole address the browser shows after Allow."
            ));
            Vec::new()
        }
        Msg::KeyGenerated { key, .. } => screens::certificate::generated(app, key),
        Msg::KeyChecked {
            key_file,
            uses,
            days_left,
            exists,
            ..
        } => app.key_checked(key_file, &uses, days_left, exists),
        Msg::StoodIn { result, .. } => {
            app.message = Some(match result {
                Ok(done) | Err(done) => done,
            });
            Vec::new()
        }
        Msg::AuditProgressed { rows, .. } => screens::audit::progressed(app, rows),
        Msg::Audited { result, .. } => screens::audit::finished(app, result),
        Msg::TokenIssued { refresh_token, .. } => {
            screens::credentials::token_issued(app, &refresh_token)
        }
    }
}

/// A paste goes to the text field that has the keys, trimmed where a value cannot end in
/// spaces.
fn on_paste(app: &mut App, text: &str) -> Vec<Effect> {
    let my_domain = app.uses_my_domain_field();
    match &mut app.screen {
        Screen::Name { .. } => app.name.insert(text),
        Screen::Environment if my_domain => app.my_domain.insert(text),
        Screen::Credentials { .. } => {
            if let Some(f) = app.fields.get_mut(app.focus) {
                f.insert(text.trim());
            }
        }
        Screen::Authorize(a) if a.failed.is_none() => a.paste.insert(text.trim()),
        _ => {}
    }
    Vec::new()
}

/// A save, load, removal or key generation went wrong: said, or the passphrase asked for and
/// the action done again.
fn failed(app: &mut App, problem: Problem) -> Vec<Effect> {
    if let Screen::Save(step) = &mut app.screen {
        step.saving = false;
    }
    match problem.retry {
        Some(retry) => app.ask_passphrase(retry, problem.message),
        None => app.message = Some(problem.message),
    }
    Vec::new()
}

impl App {
    /// The effect that does `retry` again, with a new request id.
    pub(crate) fn redo(&mut self, retry: Retry) -> Vec<Effect> {
        self.request += 1;
        let request = self.request;
        match retry {
            Retry::Load { name, purpose } => {
                // Opening the secrets can take a moment (a passphrase is slow to check).
                self.message = Some(format!("Opening '{name}'…"));
                vec![Effect::LoadConnection {
                    request,
                    name,
                    purpose,
                }]
            }
            Retry::Test { name } => {
                self.begin_test(Some(name.clone()), false);
                vec![Effect::TestSaved {
                    request: self.request,
                    name,
                }]
            }
            Retry::Remove { name, revoke } => {
                self.message = Some(format!("Removing '{name}'…"));
                vec![Effect::RemoveConnection {
                    request,
                    name,
                    revoke,
                }]
            }
            Retry::Save => self.save(),
        }
    }
}

fn on_key(app: &mut App, key: Key) -> Vec<Effect> {
    let before = std::mem::discriminant(&app.screen);
    let effects = on_screen_key(app, key);
    let moved = std::mem::discriminant(&app.screen) != before;
    if moved {
        app.scroll = 0;
        app.scroll_max.set(0);
    }
    // Leaving a screen abandons whatever it was waiting for: a late result carries the old
    // id and is dropped, unless the key itself started the next request.
    if moved && !effects.iter().any(Effect::starts_request) {
        app.request += 1;
    }
    effects
}

fn on_screen_key(app: &mut App, key: Key) -> Vec<Effect> {
    if key == Key::Interrupt {
        return vec![Effect::Quit];
    }
    if app.help {
        match key {
            Key::Down => app.help_scroll = (app.help_scroll + 1).min(app.help_scroll_max.get()),
            Key::Up => app.help_scroll = app.help_scroll.saturating_sub(1),
            _ => app.help = false,
        }
        return Vec::new();
    }
    if key == Key::Help || (key == Key::Char('?') && !app.typing()) {
        app.help = true;
        app.help_scroll = 0;
        return Vec::new();
    }
    app.message = None;
    // A screen with state of its own gets it by value and puts it back when it stays; the
    // login screen keeps its state in place (the copy and the demo's stand-in read it there).
    match std::mem::replace(&mut app.screen, Screen::Home) {
        Screen::Testing(run) => screens::testing::on_key(app, run, key),
        Screen::Save(step) => screens::save::on_key(app, step, key),
        Screen::Done(saved) => screens::save::on_done_key(app, saved, key),
        Screen::Passphrase(asking) => screens::passphrase::on_key(app, asking, key),
        Screen::Handoff(h) => screens::handoff::on_key(app, h, key),
        Screen::Audit(view) => screens::audit::on_key(app, view, key),
        shown => {
            app.screen = shown;
            match app.screen {
                Screen::Home => screens::home::on_key(app, key),
                Screen::Name { taken_said } => screens::name::on_key(app, taken_said, key),
                Screen::Environment => screens::environment::on_key(app, key),
                Screen::Method => screens::method::on_key(app, key),
                Screen::Prerequisites => screens::guide::on_prerequisites_key(app, key),
                Screen::Guide { page } => screens::guide::on_key(app, page, key),
                Screen::Credentials { warned_no_secret } => {
                    screens::credentials::on_key(app, warned_no_secret, key)
                }
                Screen::Authorize(_) => app.on_authorize_key(key),
                Screen::Certificate => app.on_certificate_key(key),
                Screen::Reauth => screens::reauth::on_key(app, key),
                Screen::ConfirmRemove => screens::remove::on_key(app, key),
                Screen::Testing(_)
                | Screen::Save(_)
                | Screen::Done(_)
                | Screen::Passphrase(_)
                | Screen::Handoff(_)
                | Screen::Audit(_) => Vec::new(),
            }
        }
    }
}

#[cfg(test)]
mod tests;
