//! Key bindings. Each screen lists its own (`bindings()` in its module); that one list makes its
//! footer and its help, and a test holds the key handling to it: every key a screen acts on is
//! named there, and every key named there does something.

use super::{App, Key, Screen, screens};

/// The keys a binding is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keys {
    These(&'static [Key]),
    /// Up and Down scrolling text longer than the window (nothing to do when it fits).
    Scroll,
    /// Printable characters, typed into the focused text field.
    Typing,
    /// A paste: a terminal event rather than a key.
    Paste,
    /// Any key no other binding of the screen names.
    Others,
}

/// One thing a screen does on a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    pub keys: Keys,
    /// How the help and the footer name the keys.
    pub key: &'static str,
    /// What they do, in the help.
    pub does: &'static str,
    /// The footer's words for it, keys included; `None`: in the help only.
    pub footer: Option<&'static str>,
}

impl Binding {
    pub const fn new(keys: &'static [Key], key: &'static str, does: &'static str) -> Self {
        Self {
            keys: Keys::These(keys),
            key,
            does,
            footer: None,
        }
    }

    /// Up and Down scrolling the screen's text.
    pub const fn scroll(does: &'static str) -> Self {
        Self {
            keys: Keys::Scroll,
            key: "↑↓",
            does,
            footer: None,
        }
    }

    /// What typing does on a screen with a text field.
    pub const fn typing(does: &'static str) -> Self {
        Self {
            keys: Keys::Typing,
            key: "type",
            does,
            footer: None,
        }
    }

    pub const fn paste(does: &'static str) -> Self {
        Self {
            keys: Keys::Paste,
            key: "paste",
            does,
            footer: None,
        }
    }

    pub const fn others(does: &'static str) -> Self {
        Self {
            keys: Keys::Others,
            key: "any other key",
            does,
            footer: None,
        }
    }

    /// Shown in the footer too, as `short` (keys included).
    pub const fn footer(mut self, short: &'static str) -> Self {
        self.footer = Some(short);
        self
    }

    /// Whether `key` is one of this binding's (`Others` is decided by the whole list).
    pub fn names(&self, key: Key) -> bool {
        match self.keys {
            Keys::These(keys) => keys.contains(&key),
            Keys::Scroll => matches!(key, Key::Up | Key::Down),
            Keys::Typing => matches!(key, Key::Char(_)),
            Keys::Paste | Keys::Others => false,
        }
    }
}

/// The keys that move a text field's cursor (where the cursor is drawn).
const MOVE: &[Binding] = &[
    Binding::new(
        &[Key::Ctrl('a'), Key::Ctrl('e'), Key::Home, Key::End],
        "Ctrl-A Ctrl-E",
        "start or end of the field (Home, End)",
    ),
    Binding::new(&[Key::Left, Key::Right], "← →", "move the cursor"),
];

/// The keys that delete in a text field.
const TEXT: &[Binding] = &[
    Binding::new(
        &[Key::Ctrl('u'), Key::Ctrl('k')],
        "Ctrl-U Ctrl-K",
        "delete to the start or the end",
    ),
    Binding::new(
        &[Key::Ctrl('w')],
        "Ctrl-W",
        "delete the word before the cursor",
    ),
    Binding::new(
        &[Key::Backspace, Key::Delete],
        "Backspace Delete",
        "delete a character",
    ),
];

/// The help where letters are commands, and where they type (F1 only).
pub const HELP: Binding = Binding::new(
    &[Key::Help, Key::Char('?')],
    "? / F1",
    "this help (F1 inside a text field)",
)
.footer("? help");
pub const HELP_TYPING: Binding =
    Binding::new(&[Key::Help], "F1", "this help (? types itself here)").footer("F1 help");
const QUIT_NOW: Binding = Binding::new(
    &[Key::Interrupt],
    "Ctrl-C",
    "quit at once: nothing is half-saved",
);

impl App {
    /// The keys of the screen shown now, each with what it does there: the screen's own, the
    /// text field's while one has the keys, then those that work everywhere.
    pub fn bindings(&self) -> Vec<Binding> {
        let mut keys = match &self.screen {
            Screen::Home => screens::home::bindings(self),
            Screen::Name { .. } => screens::name::bindings(),
            Screen::Environment => screens::environment::bindings(self),
            Screen::Method => screens::method::bindings(self),
            Screen::Prerequisites => screens::guide::prerequisites_bindings(),
            Screen::Guide { .. } => screens::guide::bindings(self),
            Screen::Credentials { .. } => screens::credentials::bindings(self),
            Screen::Testing(run) => screens::testing::bindings(self, run),
            Screen::Save(step) => screens::save::bindings(step),
            Screen::Done(saved) => screens::save::done_bindings(saved),
            Screen::Authorize(a) => screens::authorize::bindings(self, a),
            Screen::Certificate => screens::certificate::bindings(self),
            Screen::Reauth => screens::reauth::bindings(self),
            Screen::ConfirmRemove => screens::remove::bindings(),
            Screen::Passphrase(asking) => screens::passphrase::bindings(asking),
            Screen::Handoff(h) => screens::handoff::bindings(h),
            Screen::Audit(view) => screens::audit::bindings(view),
        };
        if self.typing() {
            // Editing keys only once there is something to edit.
            if let Some(field) = self.focused_field().filter(|f| !f.is_empty()) {
                if field.cursor_shown() {
                    keys.extend_from_slice(MOVE);
                }
                keys.extend_from_slice(TEXT);
            }
            keys.push(HELP_TYPING);
        } else {
            keys.push(HELP);
        }
        keys.push(QUIT_NOW);
        keys
    }

    /// The text field that has the keys, if one has.
    pub fn focused_field(&self) -> Option<&super::field::Field> {
        match &self.screen {
            Screen::Name { .. } => Some(&self.name),
            Screen::Environment if self.uses_my_domain_field() => Some(&self.my_domain),
            Screen::Credentials { .. } => self.fields.get(self.focus),
            Screen::Passphrase(asking) => Some(&asking.field),
            Screen::Authorize(a) if self.typing() => Some(&a.paste),
            _ => None,
        }
    }

    /// A text field has the keys: letters type, `?` is a character.
    pub fn typing(&self) -> bool {
        match &self.screen {
            Screen::Name { .. } | Screen::Credentials { .. } | Screen::Passphrase(_) => true,
            // A browser login takes the address pasted back, until it has ended.
            Screen::Authorize(a) => {
                a.failed.is_none() && self.method().flow != crate::profile::Flow::Device
            }
            Screen::Environment => self.uses_my_domain_field(),
            _ => false,
        }
    }
}
