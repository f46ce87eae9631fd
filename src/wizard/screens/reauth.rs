//! Re-authentication: what is wrong with a saved connection, what will be asked, or a move.

use super::super::field::Field;
use super::super::keys::Binding;
use super::super::methods::METHODS;
use super::super::{App, Effect, Key, Loaded, Screen};

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
        self.screen = Screen::Reauth;
        self.reauth = Some(loaded);
    }
}

pub(crate) fn on_key(app: &mut App, key: Key) -> Vec<Effect> {
    match key {
        Key::Enter => app.screen = Screen::Guide { page: 0 },
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

pub(crate) fn bindings() -> Vec<Binding> {
    vec![
        Binding::new(&[Key::Enter], "Enter", "go on: the guides, then the form")
            .footer("Enter continue"),
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
    ]
}
