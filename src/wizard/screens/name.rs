//! The connection's name: a saved name is never silently replaced.

use super::super::{App, Effect, Key, Retry, Screen, editing};

impl App {
    /// The name typed for a new connection belongs to a saved one.
    pub(crate) fn name_taken(&self) -> bool {
        self.reauth.is_none() && self.connections.iter().any(|c| c.name == self.name.text())
    }
}

pub(crate) fn on_key(app: &mut App, key: Key) -> Vec<Effect> {
    match key {
        // A saved name is never silently replaced: Enter again re-authenticates it.
        Key::Enter if app.name_taken() && app.message_was_taken => {
            app.message_was_taken = false;
            let name = app.name.text().to_string();
            app.testing_saved = false;
            return app.redo(Retry::Load { name });
        }
        Key::Enter if app.name_taken() => {
            app.message_was_taken = true;
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
            app.message_was_taken = false;
            app.name.edit(key);
        }
        _ => {}
    }
    Vec::new()
}
