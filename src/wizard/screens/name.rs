//! The connection's name: a saved name is never silently replaced.

use super::super::keys::Binding;
use super::super::{App, Effect, Key, Purpose, Retry, Screen, editing};

impl App {
    /// The name typed for a new connection belongs to a saved one.
    pub(crate) fn name_taken(&self) -> bool {
        self.reauth.is_none() && self.connections.iter().any(|c| c.name == self.name.text())
    }
}

/// Keys on the name; `taken_said`: the screen has said the typed name is saved already (Enter
/// now re-authenticates it).
pub(crate) fn on_key(app: &mut App, taken_said: bool, key: Key) -> Vec<Effect> {
    let mut said = false;
    match key {
        // A saved name is never silently replaced: Enter again re-authenticates it.
        Key::Enter if app.name_taken() && taken_said => {
            let name = app.name.text().to_string();
            app.screen = Screen::Name { taken_said: false };
            return app.redo(Retry::Load {
                name,
                purpose: Purpose::Reauthenticate,
            });
        }
        Key::Enter if app.name_taken() => {
            said = true;
            app.message = Some(format!(
                "'{}' is already saved: Enter re-authenticates it, or edit the name.",
                app.name.text()
            ));
        }
        Key::Enter => match crate::profile::name_problem(app.name.text()) {
            None => app.screen = Screen::Environment,
            Some(problem) => app.message = Some(format!("{problem}.")),
        },
        // Esc goes back, never out: with nothing saved yet, back is the empty list.
        Key::Esc => app.screen = Screen::Home,
        _ if editing(key) => {
            app.name.edit(key);
        }
        _ => said = taken_said,
    }
    if matches!(app.screen, Screen::Name { .. }) {
        app.screen = Screen::Name { taken_said: said };
    }
    Vec::new()
}

pub(crate) fn bindings() -> Vec<Binding> {
    vec![
        Binding::typing("the connection's name").footer("type a name"),
        Binding::new(
            &[Key::Enter],
            "Enter",
            "use this name (a saved name offers its re-authentication)",
        )
        .footer("Enter next"),
        Binding::new(&[Key::Esc], "Esc", "back to the connections").footer("Esc back"),
    ]
}
