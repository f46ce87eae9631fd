//! Terminal events, as the wizard's messages.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::wizard::{Key, Msg};

/// Map a terminal event to a wizard message (None: just redraw, e.g. on resize).
pub fn message(event: Event) -> Option<Msg> {
    match event {
        Event::Paste(text) => Some(Msg::Pasted(text)),
        Event::Key(KeyEvent {
            code,
            modifiers,
            kind: KeyEventKind::Press | KeyEventKind::Repeat,
            ..
        }) => {
            let key = match code {
                KeyCode::Char('c') if modifiers.contains(KeyModifiers::CONTROL) => Key::Interrupt,
                KeyCode::Char(c) if modifiers.contains(KeyModifiers::CONTROL) => {
                    Key::Ctrl(c.to_ascii_lowercase())
                }
                KeyCode::Char(c) => Key::Char(c),
                KeyCode::Delete => Key::Delete,
                KeyCode::Left => Key::Left,
                KeyCode::Right => Key::Right,
                KeyCode::Home => Key::Home,
                KeyCode::End => Key::End,
                KeyCode::F(1) => Key::Help,
                KeyCode::Enter => Key::Enter,
                KeyCode::Esc => Key::Esc,
                KeyCode::Tab => Key::Tab,
                KeyCode::BackTab => Key::BackTab,
                KeyCode::Up => Key::Up,
                KeyCode::Down => Key::Down,
                KeyCode::Backspace => Key::Backspace,
                KeyCode::F(2) => Key::Reveal,
                KeyCode::F(3) => Key::Assist,
                KeyCode::F(4) => Key::Certificate,
                KeyCode::F(5) => Key::Copy,
                KeyCode::F(6) => Key::ShowAlone,
                _ => return None,
            };
            Some(Msg::KeyPressed(key))
        }
        _ => None,
    }
}
