//! How to log in: the method, and moving a saved connection to another one.

use super::super::field::Field;
use super::super::keys::Binding;
use super::super::methods::METHODS;
use super::super::{App, Effect, Key, Screen, step};
use crate::profile::{Flow, SecretBundle};

impl App {
    /// Move the connection being re-authenticated to another login method: choose it (the
    /// recommended one for an unattended integration first), set it up, test it; the saved
    /// connection keeps its old method until the new one passes.
    pub(crate) fn begin_move(&mut self) {
        self.moving = true;
        self.kept = SecretBundle::default();
        self.fields.clear();
        self.spare.clear();
        self.generated = None;
        self.key_confirmed = None;
        self.method = METHODS
            .iter()
            .position(|m| m.flow == Flow::Jwt)
            .unwrap_or(0);
        self.message = None;
        self.screen = Screen::Method;
    }

    /// Back from a move to the plain re-authentication of the method in use.
    pub(crate) fn cancel_move(&mut self) {
        self.moving = false;
        if let Some(loaded) = &self.reauth {
            self.kept = loaded.draft.secrets.clone();
            self.method = METHODS
                .iter()
                .position(|m| m.flow == loaded.draft.flow)
                .unwrap_or(0);
        }
        self.fields.clear();
        self.spare.clear();
        self.screen = Screen::Reauth;
    }
}

pub(crate) fn on_key(app: &mut App, key: Key) -> Vec<Effect> {
    match key {
        // Client credentials works only on the org's own host: ask for it now rather
        // than fail the test later.
        Key::Enter if app.method().flow == Flow::ClientCredentials && app.on_login_host() => {
            app.environment = app.environments().len() - 1;
            // The demo org's own host is known: filled in, to be seen and confirmed.
            let demo_domain = app
                .demo_hints
                .iter()
                .find(|(label, _)| label == "My Domain URL")
                .map(|(_, url)| url.clone());
            match demo_domain {
                Some(url) => {
                    app.my_domain = Field::new("My Domain URL").with_value(&url);
                    app.message = Some(
                        "Client credentials works only on the org's My Domain URL, not on the login host: the demo org's is filled in; Enter goes on.".into(),
                    );
                }
                None => {
                    app.my_domain.select_all();
                    app.message = Some(
                        "Client credentials works only on the org's My Domain URL (login.salesforce.com and test.salesforce.com refuse it). Type it here, e.g. https://acme.my.salesforce.com; Setup > My Domain shows it.".into(),
                    );
                }
            }
            app.screen = Screen::Environment;
        }
        Key::Enter
            if app.moving
                && app
                    .reauth
                    .as_ref()
                    .is_some_and(|l| l.draft.flow == app.method().flow) =>
        {
            app.message = Some(
                "That is the method it uses now: choose another to move to (Esc goes back to re-authenticating it as it is).".into(),
            );
        }
        Key::Enter => app.screen = Screen::Prerequisites,
        Key::Esc if app.moving => app.cancel_move(),
        Key::Esc => app.screen = Screen::Environment,
        _ => step(&mut app.method, METHODS.len(), key),
    }
    Vec::new()
}

pub(crate) fn bindings(app: &App) -> Vec<Binding> {
    let choose = Binding::new(&[Key::Up, Key::Down, Key::Tab, Key::BackTab], "↑↓", "");
    if app.moving {
        return vec![
            Binding {
                does: "choose the method to move to",
                ..choose
            }
            .footer("↑↓ choose"),
            Binding::new(
                &[Key::Enter],
                "Enter",
                "next: its setup guides, then the form",
            )
            .footer("Enter next"),
            Binding::new(&[Key::Esc], "Esc", "back: re-authenticate it as it is")
                .footer("Esc back"),
        ];
    }
    vec![
        Binding {
            does: "choose how to log in",
            ..choose
        }
        .footer("↑↓ choose"),
        Binding::new(&[Key::Enter], "Enter", "next: what it needs in Salesforce")
            .footer("Enter next"),
        Binding::new(&[Key::Esc], "Esc", "back to where the org is").footer("Esc back"),
    ]
}
