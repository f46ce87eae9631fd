//! The login methods, with what suits which integration.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::super::chrome::{at_offset, list, outset};
use super::super::theme::{Look, focus, muted, warn};
use super::Title;
use crate::wizard::App;
use crate::wizard::methods::METHODS;

pub(crate) fn draw(app: &App, frame: &mut Frame, area: Rect, look: Look) {
    let labels: Vec<String> = METHODS.iter().map(|m| m.label.to_string()).collect();
    let [choices, about] = Layout::vertical([
        Constraint::Length(METHODS.len() as u16 + 1),
        Constraint::Min(2),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(list(&labels, app.method, look)), choices);
    let m = app.method();
    let mut about_lines = Vec::new();
    if let (true, Some(loaded)) = (app.moving, &app.reauth) {
        about_lines.push(Line::from(Span::styled(
            format!(
                "Moving '{}' off {}. For an unattended integration: JWT bearer (an External Client App, a certificate made here, the user pre-authorized), or client credentials (a Run As user, on My Domain); browser login when a person can log in once. The old method keeps working until the new one passes.",
                loaded.name,
                METHODS
                    .iter()
                    .find(|x| x.flow == loaded.draft.flow)
                    .map_or("its method", |x| x.label),
            ),
            focus(look),
        )));
    }
    about_lines.extend([
        Line::from(m.recommendation),
        Line::from(Span::styled(format!("Note: {}", m.caveat), warn(look))),
    ]);
    if let Some(advice) = app.place_advice {
        about_lines.push(Line::from(Span::styled(advice.to_string(), muted(look))));
    }
    // On a small window the description scrolls (↑↓ choose the method, so it is marked).
    let text = Paragraph::new(about_lines).wrap(Wrap { trim: true });
    let max = text
        .line_count(about.width)
        .saturating_sub(usize::from(about.height));
    let below = " ↓ more: a taller window shows it ";
    at_offset(frame, about, text, (0, max, below), outset(area), look);
}

pub(crate) fn title() -> Title {
    Title::Step("how to log in")
}
