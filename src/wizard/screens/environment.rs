//! Where the org is: production, sandbox, its My Domain URL (or the demo org).

use super::super::keys::Binding;
use super::super::{App, Effect, Key, Screen, editing, step};

/// Where the org is.
pub const ENVIRONMENTS: &[&str] = &[
    "Production (login.salesforce.com)",
    "Sandbox (test.salesforce.com)",
    "My Domain URL",
];

pub(crate) fn on_key(app: &mut App, key: Key) -> Vec<Effect> {
    match key {
        Key::Enter => match app.login_url() {
            Ok(_) => app.screen = Screen::Method,
            Err(e) => app.message = Some(e),
        },
        Key::Esc => app.screen = Screen::Name { taken_said: false },
        _ if editing(key) && app.uses_my_domain_field() => {
            app.my_domain.edit(key);
        }
        _ => {
            let len = app.environments().len();
            step(&mut app.environment, len, key)
        }
    }
    Vec::new()
}

pub(crate) fn bindings(app: &App) -> Vec<Binding> {
    let mut keys = vec![
        Binding::new(
            &[Key::Up, Key::Down, Key::Tab, Key::BackTab],
            "↑↓",
            "choose where the org is",
        )
        .footer("↑↓ choose"),
    ];
    if app.uses_my_domain_field() {
        keys.push(Binding::typing("the org's My Domain URL").footer("type the My Domain URL"));
    }
    keys.extend([
        Binding::new(&[Key::Enter], "Enter", "next: how to log in").footer("Enter next"),
        Binding::new(&[Key::Esc], "Esc", "back to the name").footer("Esc back"),
    ]);
    keys
}
