//! The method's form: its fields, masked secrets, and Enter to test (or to log in first).

use super::super::field::Field;
use super::super::keys::Binding;
use super::super::methods::{self, CONSUMER_KEY};
use super::super::{App, Effect, Key, Screen, editing, step};
use secrecy::SecretString;

use crate::profile::{Flow, key};

/// Said on Enter when a browser or device login's consumer secret is empty.
const NO_SECRET: &str = "The consumer secret is empty. Apps require it for this login by default ('Require Secret for Refresh Token Flow'), and without it the login fails after you approve. Type it, or press Enter again if the app does not require it.";

impl App {
    /// A browser or device login about to start with no consumer secret, typed or kept.
    pub(crate) fn secret_missing(&self) -> bool {
        self.field(methods::CONSUMER_SECRET)
            .is_some_and(Field::is_empty)
            && self.kept.get(key::CLIENT_SECRET).is_none()
    }

    /// Warn of a missing consumer secret only once the form is otherwise complete: an empty
    /// consumer key is said first, by the form's own check.
    pub(crate) fn warn_of_missing_secret(&self, warned: bool) -> bool {
        self.interactive()
            && !warned
            && self.secret_missing()
            && self.field_text(CONSUMER_KEY).is_some()
    }
}

/// Keys on the form; `warned`: it has said the consumer secret is empty.
pub(crate) fn on_key(app: &mut App, warned: bool, key: Key) -> Vec<Effect> {
    match key {
        // Said before the code is shown or the browser opens: finding out after the user
        // approved wastes their login.
        Key::Enter if app.warn_of_missing_secret(warned) => {
            app.screen = Screen::Credentials {
                warned_no_secret: true,
            };
            app.message = Some(NO_SECRET.into());
            if let Some(i) = app
                .fields
                .iter()
                .position(|f| f.label == methods::CONSUMER_SECRET)
            {
                app.focus = i;
            }
        }
        Key::Enter if app.interactive() => return app.start_authorize(),
        // An empty key file is the app's key pair, looked up again (a key typed or shown
        // before is not it); only a re-authentication's new pair, made already, is reused
        // rather than made again.
        Key::Enter if app.needs_key() && app.made_for_reauth() => {
            app.use_generated_key();
            return app.start_check();
        }
        Key::Enter if app.needs_key() => return app.find_or_make_key(),
        Key::Enter if app.method().flow == Flow::Jwt => return app.test_typed_key(),
        Key::Certificate if app.method().flow == Flow::Jwt => return app.show_certificate(),
        Key::Assist if app.demo_url.is_some() && app.method().flow == Flow::RefreshToken => {
            return app.stand_in_for_token();
        }
        Key::Enter => return app.start_check(),
        // Back to the guides, from the first.
        Key::Esc => app.screen = Screen::Guide { page: 0 },
        _ if editing(key) => {
            app.screen = Screen::Credentials {
                warned_no_secret: false,
            };
            if let Some(f) = app.fields.get_mut(app.focus) {
                f.edit(key);
            }
        }
        _ => step(&mut app.focus, app.fields.len(), key),
    }
    Vec::new()
}

pub(crate) fn bindings(app: &App) -> Vec<Binding> {
    let flow = app.method().flow;
    let mut keys = vec![
        Binding::new(
            &[Key::Tab, Key::BackTab, Key::Up, Key::Down],
            "Tab / ↑↓",
            "next or previous field",
        )
        .footer("Tab next field"),
        Binding::typing("into the chosen field"),
    ];
    if app
        .fields
        .get(app.focus)
        .is_some_and(|f| f.secret && !f.is_empty())
    {
        keys.push(
            Binding::new(&[Key::Reveal], "F2", "show or hide this secret field")
                .footer("F2 reveal"),
        );
    }
    keys.push(Binding::paste("long tokens and keys: paste rather than type").footer("paste works"));
    if flow == Flow::Jwt {
        keys.push(
            Binding::new(
                &[Key::Certificate],
                "F4",
                "the certificate of this key, and how to upload it",
            )
            .footer("F4 certificate"),
        );
    }
    if app.demo_url.is_some() && flow == Flow::RefreshToken {
        keys.push(
            Binding::new(
                &[Key::Assist],
                "F3",
                "demo: log in to the demo org and put its refresh token in the form",
            )
            .footer("F3 demo: get a refresh token"),
        );
    }
    keys.extend([
        Binding::new(
            &[Key::Enter],
            "Enter",
            if flow == Flow::Jwt {
                "test (an empty key file: the app's key pair, or a new one)"
            } else {
                "test these values (nothing is saved before it passes)"
            },
        )
        .footer("Enter test"),
        Binding::new(
            &[Key::Esc],
            "Esc",
            "back to the guides (the values are kept)",
        )
        .footer("Esc back"),
    ]);
    keys
}

/// The demo org issued a refresh token: it goes into the form's field for it.
pub(crate) fn token_issued(app: &mut App, refresh_token: &SecretString) -> Vec<Effect> {
    use secrecy::ExposeSecret;
    if let Some(f) = app
        .fields
        .iter_mut()
        .find(|f| f.label == methods::REFRESH_TOKEN)
    {
        *f = Field::secret(methods::REFRESH_TOKEN).with_value(refresh_token.expose_secret());
    }
    Vec::new()
}
