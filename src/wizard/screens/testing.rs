//! The connection test: each check as it finishes, then on to save, or back to the failing field.

use std::sync::Arc;

use super::super::keys::Binding;
use super::super::{App, Effect, Key, Purpose, Retry, Screen};
use super::save::SaveStep;
use crate::check::{CheckEvent, CheckResult};
use crate::connect::save::Verified;
use crate::profile::Flow;

/// A test under way or ended: the Testing screen's state.
#[derive(Debug, Default)]
pub struct TestRun {
    pub checks: Vec<CheckResult>,
    pub running: bool,
    /// Whether every required check passed, once the run has ended.
    pub passed: Option<bool>,
    /// What a passing test verified: what the save stores.
    pub verified: Option<Arc<Verified>>,
    /// The saved connection tested as it is, from the connections (its verdict is recorded;
    /// nothing is saved); `None` for the connection being built.
    pub saved: Option<String>,
    /// Started with a new password and the saved security token: the password change has
    /// reset that token, which a refused login says first.
    pub with_kept_token: bool,
    /// Started with the security token field empty and none saved: a refused login says to
    /// type it first.
    pub without_token: bool,
}

impl TestRun {
    /// A run just started.
    pub fn started(saved: Option<String>, with_kept_token: bool) -> Self {
        Self {
            running: true,
            saved,
            with_kept_token,
            ..Self::default()
        }
    }

    /// Whether the run ended with a failed check.
    pub fn failed(&self) -> bool {
        !self.running && self.passed == Some(false)
    }
}

impl App {
    /// A fresh test screen for a new request.
    pub(crate) fn begin_test(&mut self, saved: Option<String>, with_kept_token: bool) {
        self.request += 1;
        self.message = None;
        self.screen = Screen::Testing(TestRun::started(saved, with_kept_token));
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

/// A refused password login with the security token left empty: typing it comes first (not a
/// reset, which would stop every other integration of the user).
pub(crate) fn say_the_token_is_missing(result: &mut CheckResult) {
    use crate::salesforce::error::Cause::{
        AuthenticationFailure, InvalidLogin, SecurityTokenRequired,
    };
    const TYPE_IT: &str = "The security token was left empty, and this network needs it: type it in the form. It is in the email Salesforce sent when the token was last reset (a password change resets it too). Only without that email, reset it, logged in as the integration user (their settings > Reset My Security Token): every other integration of that user then needs the new one too.";
    result.fix = match (result.id, result.cause) {
        ("login", Some(SecurityTokenRequired)) => format!(
            "{TYPE_IT} Or add this network to the org's trusted IP ranges (Setup > Network Access), where no token is needed."
        ),
        ("login", Some(InvalidLogin | AuthenticationFailure)) => format!(
            "{TYPE_IT} From the org's trusted IP ranges no token is needed, and the password is wrong instead: Login History tells them apart."
        ),
        _ => return,
    };
}

/// Keys while testing: a saved connection (from the connections) or the one being built.
/// The run is handed over by value: a key that stays on this screen puts it back.
pub(crate) fn on_key(app: &mut App, run: TestRun, key: Key) -> Vec<Effect> {
    match run.saved.clone() {
        Some(name) => on_saved_key(app, run, name, key),
        None => on_new_key(app, run, key),
    }
}

fn on_saved_key(app: &mut App, run: TestRun, name: String, key: Key) -> Vec<Effect> {
    match key {
        // A saved connection that failed its test: straight on to re-authenticating it.
        Key::Char('r') if run.failed() => {
            app.screen = Screen::Testing(run);
            return app.redo(Retry::Load {
                name,
                purpose: Purpose::Reauthenticate,
            });
        }
        Key::Esc | Key::Enter if !run.running => {
            app.screen = Screen::Home;
            return vec![Effect::ReloadConnections];
        }
        Key::Esc => {
            app.request += 1;
            app.screen = Screen::Home;
            return vec![Effect::CancelCheck];
        }
        _ => {
            app.scroll_by(key);
        }
    }
    app.screen = Screen::Testing(run);
    Vec::new()
}

fn on_new_key(app: &mut App, run: TestRun, key: Key) -> Vec<Effect> {
    match key {
        Key::Esc => {
            // A result for the abandoned request will be dropped: the id moves on.
            app.request += 1;
            app.screen = Screen::Credentials {
                warned_no_secret: false,
            };
            if run.running {
                return vec![Effect::CancelCheck];
            }
            app.back_to_failure(&run);
            return Vec::new();
        }
        Key::Enter if run.passed == Some(true) => {
            app.screen = Screen::Save(SaveStep { run, saving: false });
            return Vec::new();
        }
        Key::Char('r') if !run.running => {
            app.screen = Screen::Testing(run);
            return app.start_check();
        }
        Key::Certificate if !run.running && app.method().flow == Flow::Jwt => {
            app.screen = Screen::Credentials {
                warned_no_secret: false,
            };
            return app.show_certificate();
        }
        _ => {
            app.scroll_by(key);
        }
    }
    app.screen = Screen::Testing(run);
    Vec::new()
}

pub(crate) fn bindings(app: &App, run: &TestRun) -> Vec<Binding> {
    if run.running {
        return vec![Binding::new(&[Key::Esc], "Esc", "stop the test").footer("Esc cancel")];
    }
    if run.saved.is_some() {
        let mut keys = Vec::new();
        if run.failed() {
            keys.push(
                Binding::new(&[Key::Char('r')], "r", "re-authenticate this connection")
                    .footer("r re-authenticate"),
            );
        }
        keys.extend([
            Binding::scroll("scroll the results"),
            Binding::new(
                &[Key::Enter, Key::Esc],
                "Enter / Esc",
                "back to the connections",
            )
            .footer("Enter back to connections"),
        ]);
        return keys;
    }
    let mut keys = Vec::new();
    if run.passed == Some(true) {
        keys.push(Binding::new(&[Key::Enter], "Enter", "go on to save").footer("Enter save"));
    }
    keys.extend([
        Binding::new(&[Key::Char('r')], "r", "test again").footer("r test again"),
        Binding::scroll("scroll the results"),
    ]);
    if app.method().flow == Flow::Jwt {
        keys.push(
            Binding::new(
                &[Key::Certificate],
                "F4",
                "the certificate, to upload it again",
            )
            .footer("F4 certificate"),
        );
    }
    keys.push(
        Binding::new(
            &[Key::Esc],
            "Esc",
            "back to the form, at the field a failure names",
        )
        .footer("Esc fix a field"),
    );
    keys
}

/// A check has finished: shown as it comes (a refused login after a password change that kept
/// the saved security token says so first).
pub(crate) fn progressed(app: &mut App, event: CheckEvent) -> Vec<Effect> {
    if let (CheckEvent::Finished(mut result), Screen::Testing(run)) = (event, &mut app.screen) {
        if run.with_kept_token {
            say_the_token_was_reset(&mut result);
        } else if run.without_token {
            say_the_token_is_missing(&mut result);
        }
        run.checks.push(result);
    }
    Vec::new()
}

/// The run has ended; a passing one carries what saving it needs.
pub(crate) fn finished(app: &mut App, ok: bool, verified: Option<Arc<Verified>>) -> Vec<Effect> {
    if let Screen::Testing(run) = &mut app.screen {
        run.running = false;
        run.passed = Some(ok);
        run.verified = verified;
    }
    Vec::new()
}
