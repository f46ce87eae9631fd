//! The connection test: each check as it finishes, then on to save, or back to the failing field.

use super::super::{App, Effect, Key, Retry, Screen};
use crate::check::CheckResult;
use crate::profile::Flow;

impl App {
    /// A fresh test screen for a new request.
    pub(crate) fn begin_test(&mut self) {
        self.request += 1;
        self.checks.clear();
        self.running = true;
        self.passed = None;
        self.verified = None;
        self.message = None;
        self.screen = Screen::Testing;
    }
}

/// A refused login after a password change that kept the saved security token: the change
/// reset that token, which is the first thing to fix.
pub(crate) fn say_the_token_was_reset(result: &mut CheckResult) {
    use crate::salesforce::error::Cause::{AuthenticationFailure, InvalidLogin};
    if result.id == "login" && matches!(result.cause, Some(InvalidLogin | AuthenticationFailure)) {
        // Either cause fits, and Salesforce's answer is the same for both: say both, and how
        // to tell them apart.
        result.fix = "The saved security token was kept with a new password, and the login failed. Either the new password is wrong, or changing it reset the security token (Salesforce emails the new one). Login History tells them apart: 'Invalid Password' there means the password is wrong; otherwise type the new token from the email (or reset it again: the user's settings > Reset My Security Token).".into();
    }
}

/// Keys while testing: a saved connection (from the connections) or the one being built.
pub(crate) fn on_key(app: &mut App, key: Key) -> Vec<Effect> {
    if app.testing_saved {
        on_saved_key(app, key)
    } else {
        on_new_key(app, key)
    }
}

fn on_saved_key(app: &mut App, key: Key) -> Vec<Effect> {
    match key {
        // A saved connection that failed its test: straight on to re-authenticating it.
        Key::Char('r') if !app.running && app.passed == Some(false) => {
            if let Some(name) = app.selected_connection() {
                app.testing_saved = false;
                app.handoff_after_load = false;
                return app.redo(Retry::Load { name });
            }
        }
        Key::Esc | Key::Enter if !app.running => {
            app.testing_saved = false;
            app.screen = Screen::Home;
            return vec![Effect::ReloadConnections];
        }
        Key::Esc => {
            app.request += 1;
            app.running = false;
            app.testing_saved = false;
            app.screen = Screen::Home;
            return vec![Effect::CancelCheck];
        }
        _ => {
            app.scroll_by(key);
        }
    }
    Vec::new()
}

fn on_new_key(app: &mut App, key: Key) -> Vec<Effect> {
    match key {
        Key::Esc => {
            let running = app.running;
            // A result for the abandoned request will be dropped: the id moves on.
            app.request += 1;
            app.running = false;
            app.screen = Screen::Credentials;
            if !running {
                app.back_to_failure();
            }
            return if running {
                vec![Effect::CancelCheck]
            } else {
                Vec::new()
            };
        }
        Key::Enter if app.passed == Some(true) => app.screen = Screen::Save,
        Key::Char('r') if !app.running => return app.start_check(),
        Key::Certificate if !app.running && app.method().flow == Flow::Jwt => {
            app.screen = Screen::Credentials;
            return app.show_certificate();
        }
        _ => {
            app.scroll_by(key);
        }
    }
    Vec::new()
}
