//! The tested values, masked, to copy one at a time into the integration's form.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::super::chrome::help;
use super::super::theme::{Look, asciify, secret, warn};
use super::Title;
use crate::wizard::{App, Handoff};

/// The tested values, one per line, masked unless revealed; the selected one marked.
pub(crate) fn draw(app: &App, h: &Handoff, frame: &mut Frame, area: Rect, look: Look) {
    use secrecy::ExposeSecret;
    let mut lines = vec![
        Line::from(
            "The integration's own form asks for these (its Re-Authenticate or Settings screen). Copy one at a time and paste it there:",
        ),
        Line::from(""),
    ];
    for (i, item) in h.items.iter().enumerate() {
        let shown = if item.secret && !(h.revealed && i == h.cursor) {
            format!(
                "{} ({} characters)",
                "•".repeat(8),
                item.value.expose_secret().chars().count()
            )
        } else {
            item.value.expose_secret().to_string()
        };
        let pointer = if i == h.cursor { "▶ " } else { "  " };
        lines.push(Line::from(vec![
            Span::raw(format!("{pointer}{}: ", item.label)),
            Span::styled(shown, secret(look)),
        ]));
    }
    if h.items.is_empty() {
        lines.push(Line::from("Nothing is saved that a form would ask for."));
    }
    // Handing over values of a retiring login method: said, with the way to move first.
    for advisory in crate::connect::advisories::advisories(h.flow, look.now) {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            format!(
                "⚠ {}: move the connection first (r, then m, on the connections), then hand over its new values.",
                advisory.short
            ),
            warn(look),
        )));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
    if app.help {
        help(app, frame, look);
    }
    if look.ascii {
        asciify(frame.buffer_mut(), look.tick);
    }
}

pub(crate) fn title(h: &Handoff) -> Title {
    Title::Whole(format!(
        "Hand-off: '{}' into the integration's form",
        h.name
    ))
}
