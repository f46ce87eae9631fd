//! How things look: colour only where allowed, and ASCII where the locale is not UTF-8.

use ratatui::style::{Color, Style};
use ratatui::text::Span;

use crate::check::Status;

/// Drawing options decided by the runtime.
#[derive(Debug, Clone, Copy)]
pub struct Look {
    pub colour: bool,
    /// Spinner frame while checks run.
    pub tick: usize,
    /// The terminal's locale is not UTF-8: draw with ASCII only.
    pub ascii: bool,
    /// The time the frame is drawn at: days left, validity and deadlines are counted from it,
    /// never from the clock (a test draws at a fixed time).
    pub now: std::time::SystemTime,
}

/// Whether the locale names a character set other than UTF-8 ("C", "POSIX", ISO-8859-1…).
/// With no locale set at all, UTF-8 is assumed, as most terminals use it.
pub fn ascii_locale(var: impl Fn(&str) -> Option<String>) -> bool {
    let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
        .into_iter()
        .find_map(|name| var(name).filter(|v| !v.is_empty()));
    locale.is_some_and(|l| {
        let l = l.to_ascii_lowercase();
        !(l.contains("utf-8") || l.contains("utf8"))
    })
}

/// Replace every cell's non-ASCII symbol with an ASCII one of the same width.
pub(crate) fn asciify(buffer: &mut ratatui::buffer::Buffer, tick: usize) {
    for cell in buffer.content.iter_mut() {
        let symbol = cell.symbol();
        if symbol.is_ascii() {
            continue;
        }
        let c = symbol.chars().next().unwrap_or(' ');
        let ascii = match c {
            '─' | '━' | '═' => "-",
            '│' | '┃' | '║' | '▏' => "|",
            '┌' | '┐' | '└' | '┘' | '├' | '┤' | '┬' | '┴' | '┼' => "+",
            '▶' | '›' => ">",
            '✓' => "+",
            '✗' => "x",
            '⚠' => "!",
            'ℹ' => "i",
            '☐' => "o",
            '•' => "*",
            '·' => "-",
            '…' => ".",
            '×' => "x",
            '↑' => "^",
            '↓' => "v",
            '←' => "<",
            '→' => ">",
            '█' => "#",
            '▀' | '▄' => ":",
            '\u{2800}'..='\u{28ff}' => ["|", "/", "-", "\\"][tick % 4],
            _ => "?",
        };
        cell.set_symbol(ascii);
    }
}

/// `colour` where colour is allowed (not under NO_COLOR, nor when output is not a colour
/// terminal); plain text otherwise, which every meaning below must still read as.
fn style(look: Look, colour: Color) -> Style {
    if look.colour {
        Style::new().fg(colour)
    } else {
        Style::new()
    }
}

/// Passed, valid, done.
pub(crate) fn ok(look: Look) -> Style {
    style(look, Color::Green)
}

/// Needs attention: a warning, a problem said, a scroll mark.
pub(crate) fn warn(look: Look) -> Style {
    style(look, Color::Yellow)
}

/// Failed.
pub(crate) fn fail(look: Look) -> Style {
    style(look, Color::Red)
}

/// What the keys act on: the chosen row, the focused field, the product's name.
pub(crate) fn focus(look: Look) -> Style {
    style(look, Color::Cyan)
}

/// A value to copy or type elsewhere: an address, a code, a command line.
pub(crate) fn value(look: Look) -> Style {
    style(look, Color::Cyan)
}

/// A secret value, masked unless revealed (the hand-off).
pub(crate) fn secret(look: Look) -> Style {
    style(look, Color::Cyan)
}

/// Background detail: hints, notes, the certificate text.
pub(crate) fn muted(look: Look) -> Style {
    style(look, Color::DarkGray)
}

pub(crate) fn mark(status: Status, look: Look) -> Span<'static> {
    let (text, colour) = match status {
        Status::Pass => ("✓", ok(look)),
        Status::Warn => ("⚠", warn(look)),
        Status::Fail => ("✗", fail(look)),
        Status::Skip => ("-", muted(look)),
    };
    Span::styled(text, colour)
}
