//! The hand-off: the tested values an integration's own form asks for (its Re-Authenticate or
//! Settings screen), in the order the admin guides list them for the method, each masked until
//! revealed and copied one at a time, so long tokens are never mangled by a mouse selection.

use secrecy::{ExposeSecret, SecretString};

use super::super::keys::Binding;
use super::super::{App, Effect, Key, Screen, step};
use crate::profile::{Draft, Flow, key};

/// One value the integration's form asks for.
#[derive(Debug)]
pub struct Item {
    pub label: &'static str,
    pub value: SecretString,
    /// Masked until revealed (passwords, tokens, secrets).
    pub secret: bool,
}

/// The hand-off screen's state.
#[derive(Debug)]
pub struct Handoff {
    pub name: String,
    pub items: Vec<Item>,
    pub cursor: usize,
    /// The selected value is shown (F2).
    pub revealed: bool,
    /// Where Esc returns: the Saved screen or the connections.
    pub back: Box<Screen>,
    /// How the connection logs in (a retiring method is said here too).
    pub flow: Flow,
}

/// How long a copied value stays on the clipboard before it is cleared (where the terminal
/// lets a program clear it).
pub const CLEAR_AFTER: std::time::Duration = crate::connect::clipboard::CLEAR_AFTER;

/// The values for `draft`'s method, in the order integrations' forms ask for them.
pub fn items(draft: &Draft, instance_url: Option<&str>) -> Vec<Item> {
    let secret = |k: &str| draft.secrets.get(k).cloned();
    let plain = |v: Option<String>| v.map(SecretString::from);
    let login = Some(SecretString::from(draft.login_url.as_str().to_string()));
    let instance = plain(instance_url.map(str::to_string));
    let key_file = plain(draft.key_file.as_ref().map(|p| p.display().to_string()));
    let (u, ck) = (
        plain(draft.username.clone()),
        plain(draft.client_id.clone()),
    );
    let order: Vec<(&'static str, Option<SecretString>, bool)> = match draft.flow {
        Flow::Soap => vec![
            ("Username", u, false),
            ("Password", secret(key::PASSWORD), true),
            ("Security token", secret(key::SECURITY_TOKEN), true),
            ("Login URL", login, false),
        ],
        Flow::Password => vec![
            ("Consumer key", ck, false),
            ("Consumer secret", secret(key::CLIENT_SECRET), true),
            ("Username", u, false),
            ("Password", secret(key::PASSWORD), true),
            ("Security token", secret(key::SECURITY_TOKEN), true),
            ("Login URL", login, false),
        ],
        Flow::Jwt => vec![
            ("Consumer key", ck, false),
            ("Username", u, false),
            ("Private key file", key_file, false),
            ("Login URL", login, false),
        ],
        Flow::ClientCredentials => vec![
            ("Consumer key", ck, false),
            ("Consumer secret", secret(key::CLIENT_SECRET), true),
            ("My Domain URL", login, false),
        ],
        Flow::Web | Flow::Device | Flow::RefreshToken => vec![
            ("Consumer key", ck, false),
            ("Consumer secret", secret(key::CLIENT_SECRET), true),
            ("Refresh token", secret(key::REFRESH_TOKEN), true),
            ("Login URL", login, false),
            ("Instance URL", instance, false),
        ],
    };
    order
        .into_iter()
        .filter_map(|(label, value, secret)| {
            value
                .filter(|v| !v.expose_secret().is_empty())
                .map(|value| Item {
                    label,
                    value,
                    secret,
                })
        })
        .collect()
}

impl App {
    /// The hand-off screen for `draft` (just tested, or loaded from what is saved); Esc shows
    /// `back` again.
    pub(crate) fn open_handoff(
        &mut self,
        name: &str,
        draft: &Draft,
        instance: Option<&str>,
        back: Screen,
    ) {
        self.message = None;
        self.screen = Screen::Handoff(Handoff {
            name: name.to_string(),
            items: items(draft, instance),
            cursor: 0,
            revealed: false,
            back: Box::new(back),
            flow: draft.flow,
        });
    }
}

pub(crate) fn on_key(app: &mut App, mut h: Handoff, key: Key) -> Vec<Effect> {
    let mut effects = Vec::new();
    match key {
        Key::Up | Key::Down => {
            step(&mut h.cursor, h.items.len(), key);
            h.revealed = false;
        }
        Key::Reveal => h.revealed = !h.revealed,
        Key::Enter | Key::Char('y') => {
            if let Some(item) = h.items.get(h.cursor) {
                app.clipboard_generation += 1;
                app.message = Some(format!(
                    "Copied the {} to the clipboard (through the terminal: over SSH too). Paste it into the integration's form; sfconnect asks the terminal to clear it in {} seconds (tmux keeps its own copy).",
                    item.label.to_lowercase(),
                    CLEAR_AFTER.as_secs()
                ));
                effects.push(Effect::CopySecret {
                    value: item.value.clone(),
                    generation: app.clipboard_generation,
                });
            }
        }
        Key::Esc => {
            // The values go (zeroized as they drop); the screen it came from comes back.
            app.screen = *h.back;
            return Vec::new();
        }
        _ => {}
    }
    app.screen = Screen::Handoff(h);
    effects
}

pub(crate) fn bindings(h: &Handoff) -> Vec<Binding> {
    let mut keys = Vec::new();
    if h.items.len() > 1 {
        keys.push(Binding::new(&[Key::Up, Key::Down], "↑↓", "choose a value").footer("↑↓ choose"));
    }
    if h.items.get(h.cursor).is_some_and(|i| i.secret) {
        keys.push(
            Binding::new(&[Key::Reveal], "F2", "show or hide the chosen value").footer("F2 reveal"),
        );
    }
    if !h.items.is_empty() {
        keys.push(
            Binding::new(
                &[Key::Enter, Key::Char('y')],
                "Enter / y",
                "copy it to the clipboard (through the terminal; cleared after 45 seconds where the terminal allows)",
            )
            .footer("Enter/y copy"),
        );
    }
    keys.push(
        Binding::new(&[Key::Esc], "Esc", "back; the values are forgotten").footer("Esc back"),
    );
    keys
}

/// The copy `generation` has been on the clipboard long enough: cleared, unless something was
/// copied since.
pub(crate) fn expired(app: &mut App, generation: u64) -> Vec<Effect> {
    if generation == app.clipboard_generation {
        vec![Effect::ClearClipboard]
    } else {
        Vec::new()
    }
}
