//! The encrypted secrets file's passphrase, asked when an action needs it, then that action again.

use super::super::field::Field;
use super::super::keys::Binding;
use super::super::{App, Effect, Key, Retry, Screen};

/// The Passphrase screen's state.
#[derive(Debug)]
pub struct Asking {
    /// The passphrase being typed (masked).
    pub field: Field,
    /// The screen it was asked from, shown again after Enter or Esc.
    pub back: Box<Screen>,
    /// What to do again once the file opens.
    pub retry: Option<Retry>,
}

impl App {
    /// Ask for the secrets file's passphrase, then do `retry` again.
    pub(crate) fn ask_passphrase(&mut self, retry: Retry, why: String) {
        let back = std::mem::replace(&mut self.screen, Screen::Home);
        self.message = Some(why);
        self.screen = Screen::Passphrase(Asking {
            field: Field::secret("Passphrase"),
            back: Box::new(back),
            retry: Some(retry),
        });
    }
}

pub(crate) fn on_key(app: &mut App, mut asking: Asking, key: Key) -> Vec<Effect> {
    match key {
        Key::Enter if !asking.field.is_empty() => {
            let Some(passphrase) = asking.field.take_secret() else {
                app.screen = Screen::Passphrase(asking);
                return Vec::new();
            };
            app.screen = *asking.back;
            let mut effects = vec![Effect::UsePassphrase { passphrase }];
            if let Some(retry) = asking.retry {
                effects.extend(app.redo(retry));
            }
            effects
        }
        // The typed passphrase goes with the screen (zeroized as it drops).
        Key::Esc => {
            app.screen = *asking.back;
            Vec::new()
        }
        _ => {
            asking.field.edit(key);
            app.screen = Screen::Passphrase(asking);
            Vec::new()
        }
    }
}

pub(crate) fn bindings(asking: &Asking) -> Vec<Binding> {
    let mut keys = vec![Binding::typing("the passphrase (masked)").footer("type the passphrase")];
    if !asking.field.is_empty() {
        keys.extend([
            Binding::new(&[Key::Reveal], "F2", "show or hide the passphrase").footer("F2 reveal"),
            Binding::new(&[Key::Enter], "Enter", "open the secrets file").footer("Enter use it"),
        ]);
    }
    keys.push(Binding::new(&[Key::Esc], "Esc", "cancel").footer("Esc cancel"));
    keys
}
