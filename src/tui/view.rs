//! Drawing: a pure function of the wizard's state. Works from 80×24 up; colour only when allowed.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

pub use super::chrome::MIN_SIZE;
use super::chrome::{cut, help, hints, too_small};
use super::screens;
use super::screens::title;
pub use super::theme::{Look, ascii_locale};
use super::theme::{asciify, focus, muted, warn};
use crate::profile::Ui;
use crate::wizard::{App, Screen};

pub fn draw(app: &App, frame: &mut Frame, look: Look) {
    let area = frame.area();
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        too_small(frame, look);
        return;
    }
    let hints =
        Paragraph::new(Span::styled(hints(app, area.width), muted(look))).wrap(Wrap { trim: true });
    let footer_height = u16::try_from(hints.line_count(area.width).clamp(1, 2)).unwrap_or(2);
    // A message gets the lines it needs (up to 5, or a third of a taller window): a cut-off
    // error is no help.
    let said = app
        .message
        .as_deref()
        .filter(|_| !matches!(app.screen, Screen::Done(_)))
        .map(|text| {
            Paragraph::new(Text::styled(text.to_string(), warn(look))).wrap(Wrap { trim: true })
        });
    let message_height = said.as_ref().map_or(2, |p| {
        let most = (area.height / 3).max(5);
        u16::try_from(p.line_count(area.width)).map_or(most, |n| n.clamp(2, most))
    });
    let [header, body, message, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(5),
        Constraint::Length(message_height),
        Constraint::Length(footer_height),
    ])
    .areas(area);
    let ui = match app.ui {
        Ui::Lightning => "Lightning",
        Ui::Classic => "Classic",
    };
    // The Setup paths choice stays in view: a narrow window shortens the title instead.
    let choice = format!(" · Setup paths: {ui}");
    let room = usize::from(header.width)
        .saturating_sub(" sfconnect · ".chars().count() + choice.chars().count());
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" sfconnect ", focus(look).add_modifier(Modifier::BOLD)),
            Span::raw(format!("· {}{choice}", cut(&title(app), room))),
        ])),
        header,
    );
    // Values to select with the mouse (addresses, links, certificates) get no side borders:
    // a selection must not pick up `│` from wrapped lines.
    let block = if matches!(
        app.screen,
        Screen::Authorize(_) | Screen::Certificate | Screen::Done(_)
    ) {
        Block::new().borders(Borders::TOP | Borders::BOTTOM)
    } else {
        Block::bordered()
    }
    .title(format!(" {} ", title(app)));
    let inner = block.inner(body);
    frame.render_widget(block, body);
    screens::draw(app, frame, inner, look);
    if let Some(said) = said {
        frame.render_widget(said, message);
    }
    frame.render_widget(hints, footer);
    if app.help {
        help(app, frame, look);
    }
    if look.ascii {
        asciify(frame.buffer_mut(), look.tick);
    }
}
