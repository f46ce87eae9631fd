//! Removing a saved connection: asked first, with what revoking its token ends.

use super::super::{App, Effect, Key, Retry, Screen};

// y removes and revokes (the screen says what that ends first), k removes but keeps
// the token valid for an integration that holds it.
pub(crate) fn on_key(app: &mut App, key: Key) -> Vec<Effect> {
    match key {
        Key::Char(c @ ('y' | 'k')) => {
            if let Some(name) = app.selected_connection() {
                return app.redo(Retry::Remove {
                    name,
                    revoke: c == 'y',
                });
            }
        }
        _ => app.screen = Screen::Home,
    }
    Vec::new()
}
