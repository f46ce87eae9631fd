//! The keys each screen answers to, for its help (`?`, or F1 inside a text field).

use super::{App, Screen};
use crate::profile::Flow;

/// Keys that work on every screen.
pub const EVERYWHERE: &[(&str, &str)] = &[
    ("? / F1", "this help (F1 inside a text field)"),
    ("Ctrl-C", "quit at once: nothing is half-saved"),
];

/// Editing keys of a text field.
const TEXT: &[(&str, &str)] = &[
    ("Ctrl-A Ctrl-E", "start or end of the field (Home, End)"),
    ("Ctrl-U Ctrl-K", "delete to the start or the end"),
    ("Ctrl-W", "delete the word before the cursor"),
    ("← →", "move the cursor"),
];

impl App {
    /// The keys of the screen shown now, each with what it does there.
    pub fn screen_keys(&self) -> Vec<(&'static str, &'static str)> {
        let demo = self.demo_url.is_some();
        let mut keys: Vec<(&str, &str)> = match &self.screen {
            Screen::Home => vec![
                ("↑ ↓", "choose a connection"),
                ("Enter / r", "re-authenticate the chosen connection"),
                ("t", "test the chosen connection now"),
                (
                    "h",
                    "hand-off: copy its saved values into the integration's own form",
                ),
                (
                    "r then m",
                    "move it to another login method (a retiring one says so on its row)",
                ),
                ("x", "remove the chosen connection (asks first)"),
                ("n", "add a new connection"),
                ("q", "quit"),
            ],
            Screen::Name { .. } => vec![
                (
                    "Enter",
                    "use this name (a saved name offers its re-authentication)",
                ),
                ("Esc", "back"),
            ],
            Screen::Environment => vec![
                ("↑ ↓", "choose where the org is"),
                ("Enter", "next"),
                ("Esc", "back to the name"),
            ],
            Screen::Method if self.moving => vec![
                ("↑ ↓", "choose the method to move to"),
                ("Enter", "next: its setup guides, then the form"),
                ("Esc", "back: re-authenticate it as it is"),
            ],
            Screen::Method => vec![
                ("↑ ↓", "choose how to log in"),
                ("Enter", "next"),
                ("Esc", "back to where the org is"),
            ],
            Screen::Prerequisites => vec![
                ("Enter", "show how to prepare Salesforce"),
                ("Esc", "back to the methods"),
            ],
            Screen::Guide => vec![
                ("Tab / Shift-Tab", "next or previous guide"),
                ("↑ ↓", "scroll the guide"),
                (
                    "l / c",
                    "Setup paths for Lightning Experience or Salesforce Classic",
                ),
                ("Enter", "ready: go to the form"),
                ("Esc", "back"),
            ],
            Screen::Credentials if self.method().flow == Flow::Jwt => vec![
                ("Tab / ↑ ↓", "next or previous field"),
                ("F4", "the certificate of this key, and how to upload it"),
                (
                    "Enter",
                    "test (an empty key file: this connection's key pair, found or made)",
                ),
                ("Esc", "back to the guides (the values are kept)"),
            ],
            Screen::Credentials if demo && self.method().flow == Flow::RefreshToken => vec![
                ("Tab / ↑ ↓", "next or previous field"),
                (
                    "F3",
                    "demo: log in to the demo org and put its refresh token in the form",
                ),
                ("F2", "show or hide a secret field"),
                (
                    "Enter",
                    "test these values (nothing is saved before it passes)",
                ),
                ("Esc", "back to the guides (the values are kept)"),
            ],
            Screen::Credentials => vec![
                ("Tab / ↑ ↓", "next or previous field"),
                ("F2", "show or hide a secret field"),
                ("paste", "long tokens and keys: paste rather than type"),
                (
                    "Enter",
                    "test these values (nothing is saved before it passes)",
                ),
                ("Esc", "back to the guides (the values are kept)"),
            ],
            Screen::Testing(run) if run.running => vec![("Esc", "stop the test")],
            Screen::Testing(run) if run.saved.is_some() && run.passed == Some(false) => vec![
                ("r", "re-authenticate this connection"),
                ("Enter / Esc", "back to the connections"),
            ],
            Screen::Testing(run) if run.saved.is_some() => {
                vec![("Enter / Esc", "back to the connections")]
            }
            Screen::Testing(run) => {
                let mut k = vec![
                    ("↑ ↓", "scroll the results"),
                    ("r", "test again"),
                    ("Esc", "back to the form, at the field a failure names"),
                ];
                if run.passed == Some(true) {
                    k.insert(0, ("Enter", "go on to save"));
                } else if self.method().flow == Flow::Jwt {
                    k.push(("F4", "the certificate, to upload it again"));
                }
                k
            }
            Screen::Save(_) => vec![
                ("k / f", "the OS keyring or the encrypted file"),
                ("↑ ↓ / Tab", "switch between them"),
                ("Enter", "save"),
                ("Esc", "back to the results"),
            ],
            Screen::Done(_) => vec![
                (
                    "h",
                    "the hand-off: copy each value into the integration's own form",
                ),
                (
                    "v",
                    "after a re-authentication: revoke the refresh token it replaced, once the integration has the new one",
                ),
                ("Enter / Esc", "back to the connections"),
                ("q", "quit"),
            ],
            Screen::Handoff(_) => vec![
                ("↑↓", "choose a value"),
                ("F2", "show or hide the chosen value"),
                (
                    "Enter / y",
                    "copy it to the clipboard (through the terminal; cleared after 45 seconds where the terminal allows)",
                ),
                ("Esc", "back; the values are forgotten"),
            ],
            Screen::Authorize(_) if self.method().flow == Flow::Device => {
                let mut k = vec![
                    ("y / F5", "copy the link (through the terminal, OSC 52)"),
                    ("Enter", "after a failure: try again"),
                    ("Esc", "cancel and go back to the form"),
                ];
                if demo {
                    k.insert(0, ("F3", "demo: approve the code as the user would"));
                }
                k
            }
            Screen::Authorize(_) => {
                let mut k = vec![
                    ("paste", "the address the browser ended on (or its code)"),
                    ("Enter", "use what was pasted; after a failure: try again"),
                    ("F2", "show or hide what was pasted"),
                    ("F5", "copy the address (through the terminal, OSC 52)"),
                    ("↑ ↓", "scroll"),
                    ("Esc", "cancel and go back to the form"),
                ];
                if demo {
                    k.insert(0, ("F3", "demo: log in as the user would"));
                }
                k
            }
            Screen::Certificate => {
                let mut k = vec![
                    ("↑ ↓", "scroll"),
                    (
                        "y / F5",
                        "copy the certificate (through the terminal, OSC 52)",
                    ),
                    (
                        "n",
                        "make a new key pair instead (the one shown stays on disk)",
                    ),
                    ("Enter", "test with this key"),
                    ("Esc", "back to the form"),
                ];
                if demo {
                    k.insert(1, ("F3", "demo: upload the certificate to the app"));
                }
                k
            }
            Screen::Reauth => vec![
                ("Enter", "go on: the guides, then the form"),
                (
                    "m",
                    "move it to another login method (kept as it is until the new one passes)",
                ),
                ("Esc", "back to the connections; nothing changes"),
            ],
            Screen::ConfirmRemove => vec![
                (
                    "y",
                    "remove the connection, revoke its token at Salesforce and delete its secrets",
                ),
                (
                    "k",
                    "remove it but keep its token valid (an integration that holds it keeps working)",
                ),
                ("any other key", "keep the connection"),
            ],
            Screen::Passphrase(_) => vec![
                ("Enter", "open the secrets file"),
                ("F2", "show or hide the passphrase"),
                ("Esc", "cancel"),
            ],
        };
        if self.typing() {
            keys.extend_from_slice(TEXT);
        }
        keys.extend_from_slice(EVERYWHERE);
        keys
    }

    /// A text field has the keys: letters type, `?` is a character.
    pub fn typing(&self) -> bool {
        match self.screen {
            Screen::Name { .. } | Screen::Credentials | Screen::Passphrase(_) => true,
            Screen::Authorize(_) => self.method().flow != Flow::Device,
            Screen::Environment => self.uses_my_domain_field(),
            _ => false,
        }
    }
}
