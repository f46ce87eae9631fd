//! The encrypted secrets file's passphrase, asked when an action needs it, then that action again.

use super::super::field::Field;
use super::super::{App, Effect, Key, Retry, Screen};

impl App {
    /// Ask for the secrets file's passphrase, then do `retry` again.
    pub(crate) fn ask_passphrase(&mut self, retry: Retry, why: String) {
        self.passphrase = Field::secret("Passphrase");
        self.passphrase_return = self.screen;
        self.retry = Some(retry);
        self.message = Some(why);
        self.screen = Screen::Passphrase;
    }

    pub(crate) fn on_passphrase_key(&mut self, key: Key) -> Vec<Effect> {
        match key {
            Key::Enter if !self.passphrase.is_empty() => {
                let Some(passphrase) = self.passphrase.take_secret() else {
                    return Vec::new();
                };
                self.screen = self.passphrase_return;
                let mut effects = vec![Effect::UsePassphrase { passphrase }];
                if let Some(retry) = self.retry.take() {
                    effects.extend(self.redo(retry));
                }
                effects
            }
            Key::Esc => {
                self.retry = None;
                self.passphrase = Field::secret("Passphrase");
                self.screen = self.passphrase_return;
                Vec::new()
            }
            _ => {
                self.passphrase.edit(key);
                Vec::new()
            }
        }
    }
}
