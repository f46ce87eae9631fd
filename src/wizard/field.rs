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
    /// Where typing goes, in characters from the start.
    cursor: usize,
    /// The whole value is selected: the next character, paste or Backspace replaces it (set
    /// when a failed test sends the user back to this field).
    pub selected: bool,
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
        self.cursor = self.len();
        self
    }

    fn len(&self) -> usize {
        self.value.chars().count()
    }

    /// The byte offset of character `index`.
    fn offset(&self, index: usize) -> usize {
        self.value
            .char_indices()
            .nth(index)
            .map_or(self.value.len(), |(i, _)| i)
    }

    /// Make room for `extra` more bytes without letting the allocator move a secret: a bigger
    /// buffer is made here and the old one wiped as it is dropped.
    fn reserve(&mut self, extra: usize) {
        if self.value.capacity() - self.value.len() < extra {
            let wanted = (self.value.len() + extra).max(64).next_power_of_two();
            let mut bigger = Zeroizing::new(String::with_capacity(wanted));
            bigger.push_str(&self.value);
            self.value = bigger;
        }
    }

    /// Remove the characters `from..to` (character indices); the cursor goes to `from`.
    fn remove(&mut self, from: usize, to: usize) {
        let (a, b) = (self.offset(from), self.offset(to));
        self.value.replace_range(a..b, "");
        self.cursor = from;
    }

    /// Empty the field, wiping what it held.
    pub fn clear(&mut self) {
        self.value = Zeroizing::new(String::new());
        self.cursor = 0;
        self.selected = false;
    }

    /// Select the whole value, so that typing replaces it.
    pub fn select_all(&mut self) {
        self.selected = !self.is_empty();
        self.cursor = self.len();
    }

    /// Typed or pasted text at the cursor; control characters (escape sequences included)
    /// never enter a field.
    pub fn insert(&mut self, text: &str) {
        if std::mem::take(&mut self.selected) {
            self.clear();
        }
        let room = MAX_CHARS.saturating_sub(self.len());
        let clean: Zeroizing<String> = Zeroizing::new(
            text.chars()
                .filter(|c| !c.is_control())
                .take(room)
                .collect(),
        );
        self.reserve(clean.len());
        let at = self.offset(self.cursor);
        self.value.insert_str(at, &clean);
        self.cursor += clean.chars().count();
    }

    /// Whether the field is full (what was typed or pasted beyond it was dropped).
    pub fn is_full(&self) -> bool {
        self.value.chars().count() >= MAX_CHARS
    }

    /// Apply an editing key: a character, Backspace, Delete, the arrows, Home and End, the
    /// readline keys (Ctrl-A start, Ctrl-E end, Ctrl-U delete to the start, Ctrl-K to the end,
    /// Ctrl-W the word before the cursor) and F2 to reveal. False for any other key.
    pub fn edit(&mut self, key: super::Key) -> bool {
        use super::Key;
        let len = self.len();
        if key != Key::Reveal && !matches!(key, Key::Char(_)) {
            // Anything but typing keeps the value and ends the selection.
            if std::mem::take(&mut self.selected) && key == Key::Backspace {
                self.clear();
                return true;
            }
        }
        match key {
            Key::Char(c) => self.insert(c.encode_utf8(&mut [0; 4])),
            Key::Backspace => self.backspace(),
            Key::Delete if self.cursor < len => self.remove(self.cursor, self.cursor + 1),
            Key::Delete => {}
            Key::Left => self.cursor = self.cursor.saturating_sub(1),
            Key::Right => self.cursor = (self.cursor + 1).min(len),
            Key::Home | Key::Ctrl('a') => self.cursor = 0,
            Key::End | Key::Ctrl('e') => self.cursor = len,
            Key::Ctrl('u') => self.remove(0, self.cursor),
            Key::Ctrl('k') => self.remove(self.cursor, len),
            Key::Ctrl('w') => {
                let before: Vec<char> = self.value.chars().take(self.cursor).collect();
                let mut start = before.len();
                while start > 0 && before[start - 1].is_whitespace() {
                    start -= 1;
                }
                while start > 0 && !before[start - 1].is_whitespace() {
                    start -= 1;
                }
                self.remove(start, self.cursor);
            }
            Key::Reveal => self.revealed = !self.revealed,
            _ => return false,
        }
        true
    }

    pub fn backspace(&mut self) {
        if self.cursor > 0 {
            self.remove(self.cursor - 1, self.cursor);
        }
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

    /// Whether the cursor is drawn where it is (a value shortened for display has it last).
    pub fn cursor_shown(&self) -> bool {
        self.display().chars().count() == self.len()
    }

    /// What the screen shows for a focused field: the value with a bar at the cursor.
    pub fn display_at_cursor(&self) -> String {
        let shown = self.display();
        if self.cursor >= self.len() || !self.cursor_shown() {
            // At the end, or shortened for display: the bar goes last.
            return format!("{shown}▏");
        }
        let mut out: String = shown.chars().take(self.cursor).collect();
        out.push('▏');
        out.extend(shown.chars().skip(self.cursor));
        out
    }

    pub fn text(&self) -> &str {
        self.value.trim()
    }

    /// The value as a secret, leaving the field empty (wiped).
    pub fn take_secret(&mut self) -> Option<SecretString> {
        let value = std::mem::take(&mut self.value);
        self.cursor = 0;
        self.selected = false;
        (!value.is_empty()).then(|| SecretString::from(value.as_str()))
    }

    /// A copy of the value as a secret; the field keeps it (for Back and a second try).
    pub fn secret_value(&self) -> Option<SecretString> {
        (!self.value.is_empty()).then(|| SecretString::from(self.value.as_str()))
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

    #[test]
    fn readline_keys_edit_at_the_cursor() {
        use crate::wizard::Key;
        let mut f = Field::new("Username").with_value("integration user@acme.example");
        f.edit(Key::Ctrl('w'));
        assert_eq!(f.text(), "integration");
        f.edit(Key::Ctrl('a'));
        f.edit(Key::Char('x'));
        assert_eq!(f.text(), "xintegration");
        assert_eq!(
            f.display_at_cursor(),
            "x▏integration ",
            "Ctrl-W keeps the space, as readline does"
        );
        f.edit(Key::Ctrl('k'));
        assert_eq!(f.text(), "x");
        f.edit(Key::Ctrl('e'));
        f.insert("yz");
        f.edit(Key::Left);
        f.edit(Key::Backspace);
        assert_eq!(f.text(), "xz");
        f.edit(Key::Home);
        f.edit(Key::Delete);
        assert_eq!(f.text(), "z");
        f.edit(Key::End);
        f.edit(Key::Ctrl('u'));
        assert!(f.is_empty());
        let mut s = Field::secret("Password").with_value("héllo");
        s.edit(Key::Left);
        s.edit(Key::Left);
        assert_eq!(
            s.display_at_cursor(),
            "•••▏••",
            "the bar moves among the masks"
        );
    }

    #[test]
    fn a_selected_value_is_replaced_by_typing_and_kept_by_moving() {
        use crate::wizard::Key;
        let mut f = Field::secret("Security token").with_value("WrongToken");
        f.select_all();
        f.insert("RightToken");
        assert_eq!(f.text(), "RightToken");
        f.select_all();
        f.edit(Key::Left);
        assert!(!f.selected);
        f.edit(Key::Char('!'));
        assert_eq!(f.text(), "RightToke!n");
        f.select_all();
        f.edit(Key::Backspace);
        assert!(f.is_empty(), "Backspace on a selection empties the field");
    }
}
