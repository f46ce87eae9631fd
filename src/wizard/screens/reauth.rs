//! Re-authentication: what is wrong with a saved connection, what will be asked, or a move.

use super::super::field::Field;
use super::super::keys::Binding;
use super::super::methods::METHODS;
use super::super::{App, Effect, Key, Loaded, Screen};
use crate::connect::health::WARN_DAYS;

impl App {
    /// Start re-authenticating from a loaded connection: its method and login URL are fixed,
    /// its settings prefilled, and its secrets kept unless replaced.
    pub(crate) fn begin_reauth(&mut self, loaded: Loaded) {
        self.name = Field::new("Connection name").with_value(&loaded.name);
        self.method = METHODS
            .iter()
            .position(|m| m.flow == loaded.draft.flow)
            .unwrap_or(0);
        self.environment = self.environments().len() - 1;
        self.my_domain = Field::new("My Domain URL").with_value(loaded.draft.login_url.as_str());
        self.ui = loaded.draft.ui;
        self.store = loaded.store;
        self.fields.clear();
        self.spare.clear();
        self.kept = loaded.draft.secrets.clone();
        self.generated = None;
        self.scroll = 0;
        self.message = None;
        self.moving = false;
        // A certificate that expires within the warning window (or has) is rotated by default.
        self.new_pair = loaded.draft.flow == crate::profile::Flow::Jwt
            && loaded.certificate_days_left.is_some_and(|d| d <= WARN_DAYS);
        self.screen = Screen::Reauth;
        self.reauth = Some(loaded);
    }
}

pub(crate) fn on_key(app: &mut App, key: Key) -> Vec<Effect> {
    let jwt = app.method().flow == crate::profile::Flow::Jwt;
    match key {
        Key::Enter => app.screen = Screen::Guide { page: 0 },
        Key::Char(c @ ('n' | 'k')) if jwt => {
            app.new_pair = c == 'n';
            app.fields.clear();
            app.screen = Screen::Guide { page: 0 };
        }
        Key::Char('m') => app.begin_move(),
        Key::Esc => {
            app.reauth = None;
            app.screen = Screen::Home;
        }
        _ => {
            app.scroll_by(key);
        }
    }
    Vec::new()
}

pub(crate) fn bindings(app: &App) -> Vec<Binding> {
    let mut keys = vec![
        Binding::new(&[Key::Enter], "Enter", "go on: the guides, then the form")
            .footer("Enter continue"),
    ];
    if app.method().flow == crate::profile::Flow::Jwt {
        keys.extend([
            Binding::new(
                &[Key::Char('k')],
                "k",
                "keep the key in use (after a user change, a pre-authorization fix, a reinstalled app)",
            )
            .footer("k keep the key"),
            Binding::new(
                &[Key::Char('n')],
                "n",
                "a new key pair: its certificate, once uploaded, ends the old key at once",
            )
            .footer("n new key pair"),
        ]);
    }
    keys.extend([
        Binding::new(
            &[Key::Char('m')],
            "m",
            "move it to another login method (kept as it is until the new one passes)",
        )
        .footer("m move to another method"),
        Binding::scroll("scroll"),
        Binding::new(
            &[Key::Esc],
            "Esc",
            "back to the connections; nothing changes",
        )
        .footer("Esc back"),
    ]);
    keys
}
