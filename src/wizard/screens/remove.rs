//! Removing a saved connection: asked first, with what revoking its token ends.

use super::super::keys::Binding;
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

pub(crate) fn bindings() -> Vec<Binding> {
    vec![
        Binding::new(
            &[Key::Char('y')],
            "y",
            "remove the connection, revoke its token at Salesforce and delete its secrets",
        )
        .footer("y remove and revoke"),
        Binding::new(
            &[Key::Char('k')],
            "k",
            "remove it but keep its token valid (an integration that holds it keeps working)",
        )
        .footer("k remove, keep token"),
        Binding::others("keep the connection").footer("other keys cancel"),
    ]
}

/// The connection is gone: back to the connections, read again.
pub(crate) fn removed(app: &mut App, message: String) -> Vec<Effect> {
    app.message = Some(message);
    app.screen = Screen::Home;
    vec![Effect::ReloadConnections]
}
