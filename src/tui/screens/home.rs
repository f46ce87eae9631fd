//! The saved connections, two lines each, the chosen one kept in view.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::super::chrome::cut;
use super::super::theme::{Look, mark};
use super::Title;
use crate::profile::StoreKind;
use crate::wizard::App;

pub(crate) fn draw(app: &App, frame: &mut Frame, area: Rect, look: Look) {
    let mut lines = Vec::new();
    if app.connections.is_empty() {
        lines.push(Line::from(
            "No saved connections yet. Press n to add one; q quits.",
        ));
    }
    // Two lines a connection; keep the selected one in view.
    let visible = usize::from(area.height / 2).max(1);
    let first = app.cursor.saturating_sub(visible - 1);
    for (i, c) in app.connections.iter().enumerate().skip(first).take(visible) {
        let env = if c.sandbox { "SANDBOX" } else { "PRODUCTION" };
        let store = match c.store {
            StoreKind::Keyring => "keyring",
            StoreKind::File => "encrypted file",
        };
        let pointer = if i == app.cursor { "▶ " } else { "  " };
        // Who and how first (the name, the method, the user), then where: each line is cut to
        // the width, so a narrow window keeps the most telling part.
        let method = crate::wizard::methods::short_label(c.flow);
        let who = c
            .username
            .as_deref()
            .map(|u| format!(" · {u}"))
            .unwrap_or_default();
        let room = usize::from(area.width).saturating_sub(4);
        lines.push(Line::from(vec![
            Span::raw(pointer),
            mark(c.health, look),
            Span::raw(cut(
                &format!(" {} · {method}{who}  [{env}]  secrets: {store}", c.name),
                room,
            )),
        ]));
        // One line, cut to the width: two lines a connection keep the chosen one in view.
        let room = usize::from(area.width).saturating_sub(6);
        lines.push(Line::from(format!("     {}", cut(&c.summary, room))));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

pub(crate) fn title() -> Title {
    Title::Whole("Saved connections".into())
}
