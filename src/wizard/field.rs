//! Text fields of the wizard's forms; secret ones are masked, keep no history and are wiped.

use secrecy::SecretString;
use secrecy::zeroize::Zeroizing;

/// The mask shown for each character of a secret.
pub const MASK: char = '•';
/// The most a field takes: far beyond any real token, key path or URL.
pub const MAX_CHARS: usize = 4096;

#[derive(Debug, Default)]
pub struct Field {
    pub label: &'static str,
    value: Zeroizing<String>,
    pub secret: bool,
    pub revealed: bool,
    pub optional: bool,
    /// Shown while the field is empty: what leaving it empty does.
    pub placeholder: Option<&'static str>,
}

impl Field {
    pub fn new(label: &'static str) -> Self {
        Self {
            label,
            ..Self::default()
        }
    }

    pub fn secret(label: &'static str) -> Self {
        Self {
            label,
            secret: true,
            ..Self::default()
        }
    }

    pub fn optional(mut self) -> Self {
        self.optional = true;
        self
    }

    pub fn with_placeholder(mut self, placeholder: &'static str) -> Self {
        self.placeholder = Some(placeholder);
        self
    }

    pub fn with_value(mut self, value: &str) -> Self {
        self.value = Zeroizing::new(value.to_string());
        self
    }

    /// Typed or pasted text; control characters (escape sequences included) never enter a field.
    pub fn insert(&mut self, text: &str) {
        let room = MAX_CHARS.saturating_sub(self.value.chars().count());
        self.value
            .extend(text.chars().filter(|c| !c.is_control()).take(room));
    }

    /// Whether the field is full (what was typed or pasted beyond it was dropped).
    pub fn is_full(&self) -> bool {
        self.value.chars().count() >= MAX_CHARS
    }

    /// Apply an editing key (a character, Backspace, F2 to reveal); false for any other key.
    pub fn edit(&mut self, key: super::Key) -> bool {
        use super::Key;
        match key {
            Key::Char(c) => self.insert(c.encode_utf8(&mut [0; 4])),
            Key::Backspace => self.backspace(),
            Key::Reveal => self.revealed = !self.revealed,
            _ => return false,
        }
        true
    }

    pub fn backspace(&mut self) {
        self.value.pop();
    }

    pub fn is_empty(&self) -> bool {
        self.value.trim().is_empty()
    }

    /// What the screen may show: masked unless revealed.
    /// Long values are shortened so the form stays on screen: a secret shows at most
    /// `SHOWN_MASKS` marks and its length, other text its last `SHOWN_CHARS` characters.
    pub fn display(&self) -> String {
        const SHOWN_MASKS: usize = 40;
        const SHOWN_CHARS: usize = 160;
        let count = self.value.chars().count();
        if self.secret && !self.revealed {
            if count > SHOWN_MASKS {
                format!(
                    "{} ({count} characters)",
                    MASK.to_string().repeat(SHOWN_MASKS)
                )
            } else {
                MASK.to_string().repeat(count)
            }
        } else if count > SHOWN_CHARS {
            let tail: String = self.value.chars().skip(count - SHOWN_CHARS).collect();
            format!("…{tail}")
        } else {
            self.value.to_string()
        }
    }

    pub fn text(&self) -> &str {
        self.value.trim()
    }

    /// The value as a secret, leaving the field empty (wiped).
    pub fn take_secret(&mut self) -> Option<SecretString> {
        let value = std::mem::take(&mut self.value);
        (!value.is_empty()).then(|| SecretString::from(value.as_str()))
    }

    /// Typing help shown under the field, as the user types (warn, do not block).
    pub fn hint(&self) -> Option<String> {
        let v = self.text();
        if v.is_empty() {
            return None;
        }
        if self.is_full() {
            return Some(format!(
                "this is {MAX_CHARS} characters, the most a field takes; the rest was dropped: check what was pasted"
            ));
        }
        match self.label {
            "Security token" if v.len() != 24 || !v.chars().all(|c| c.is_ascii_alphanumeric()) => {
                Some(format!(
                    "security tokens are normally 24 letters and digits; this has {} characters",
                    v.chars().count()
                ))
            }
            "Consumer key" if !v.starts_with("3MVG") => {
                Some("consumer keys usually start with 3MVG".into())
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn secrets_are_masked_and_keep_every_character() {
        let mut f = Field::secret("Password");
        f.insert("p&<>\"'%+ /\\{}[]é");
        assert_eq!(f.display(), "•".repeat(16));
        let mut long = Field::secret("Refresh token");
        long.insert(&"t".repeat(90));
        assert_eq!(
            long.display(),
            format!("{} (90 characters)", "•".repeat(40))
        );
        f.revealed = true;
        assert_eq!(f.display(), "p&<>\"'%+ /\\{}[]é");
        let taken = f.take_secret().unwrap();
        assert_eq!(taken.expose_secret(), "p&<>\"'%+ /\\{}[]é");
        assert!(f.is_empty(), "wiped after submit");
    }

    #[test]
    fn pasted_escape_sequences_are_dropped_and_hints_warn() {
        let mut f = Field::new("Security token");
        f.insert("abc\x1b[31mdef\r\n");
        assert_eq!(f.text(), "abc[31mdef");
        assert!(f.hint().unwrap().contains("24 letters"));
        let mut key = Field::new("Consumer key");
        key.insert("XYZ");
        assert!(key.hint().is_some());
    }

    #[test]
    fn over_long_pastes_are_cut_and_said() {
        let mut f = Field::secret("Password");
        f.insert(&"x".repeat(1_000_000));
        assert_eq!(f.text().len(), MAX_CHARS);
        f.insert("more");
        assert_eq!(f.text().len(), MAX_CHARS);
        assert!(f.hint().unwrap().contains("the most a field takes"));
        f.backspace();
        assert!(f.hint().is_none());
    }
}
