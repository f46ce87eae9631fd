//! What frames every screen: the header, the footer, the help, the scroll marks and the
//! too-small guard.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::theme::{Look, asciify, focus, muted, warn};
use crate::wizard::App;

/// A window too small for any screen: say so rather than cut the content.
pub(crate) fn too_small(frame: &mut Frame, look: Look) {
    let area = frame.area();
    let text = format!(
        "terminal too small: needs {}×{} (this one is {}×{}). Make the window larger; Ctrl-C quits.",
        MIN_SIZE.0, MIN_SIZE.1, area.width, area.height
    );
    frame.render_widget(
        Paragraph::new(Span::styled(text, warn(look))).wrap(Wrap { trim: true }),
        area,
    );
    if look.ascii {
        asciify(frame.buffer_mut(), look.tick);
    }
}

/// The bordered box around `inner`.
pub(crate) fn outset(inner: Rect) -> Rect {
    Rect::new(
        inner.x.saturating_sub(1),
        inner.y.saturating_sub(1),
        inner.width + 2,
        inner.height + 2,
    )
}

/// Text that may not fit `area`: wrapped, scrolled to the screen's offset but never past its
/// last line, and marked on the border of `frame_box` when more is above or below.
pub(crate) fn scrolled(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    text: Paragraph<'_>,
    frame_box: Rect,
    look: Look,
) {
    scroll_within(
        frame,
        area,
        text,
        (app.scroll, &app.scroll_max),
        frame_box,
        look,
    );
}

/// `text` in `area` scrolled to `offset` but never past its last line; the furthest offset is
/// kept in `max` for the keys to stop at.
pub(crate) fn scroll_within(
    frame: &mut Frame,
    area: Rect,
    text: Paragraph<'_>,
    (offset, max): (usize, &std::cell::Cell<usize>),
    frame_box: Rect,
    look: Look,
) {
    let furthest = text
        .line_count(area.width)
        .saturating_sub(usize::from(area.height));
    max.set(furthest);
    at_offset(
        frame,
        area,
        text,
        (offset.min(furthest), furthest, SCROLL),
        frame_box,
        look,
    );
}

/// The mark for more below when Up and Down scroll.
pub(crate) const SCROLL: &str = " ↓ more below: ↑↓ scroll ";

/// `text` scrolled `offset` lines of `max`, with the "more" marks on `frame_box`; `below`
/// says how to see what is below.
pub(crate) fn at_offset(
    frame: &mut Frame,
    area: Rect,
    text: Paragraph<'_>,
    (offset, max, below): (usize, usize, &str),
    frame_box: Rect,
    look: Look,
) {
    frame.render_widget(
        text.scroll((u16::try_from(offset).unwrap_or(u16::MAX), 0)),
        area,
    );
    let mark = |frame: &mut Frame, y: u16, text: &str| {
        let width = u16::try_from(text.chars().count())
            .unwrap_or(0)
            .min(frame_box.width.saturating_sub(2));
        let at = Rect::new(frame_box.right().saturating_sub(width + 1), y, width, 1);
        frame.render_widget(
            Paragraph::new(Span::styled(text.to_string(), warn(look))),
            at,
        );
    };
    if offset > 0 {
        mark(frame, frame_box.y, " ↑ more above ");
    }
    if offset < max {
        mark(frame, frame_box.bottom().saturating_sub(1), below);
    }
}

pub(crate) fn list<'a>(items: &[String], selected: usize, look: Look) -> Vec<Line<'a>> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            if i == selected {
                Line::from(Span::styled(
                    format!("▶ {item}"),
                    focus(look).add_modifier(Modifier::BOLD),
                ))
            } else {
                Line::from(format!("  {item}"))
            }
        })
        .collect()
}

/// The footer: the screen's bindings that have a short form, in their order. The help's own
/// (the same on every screen) goes when it would take the footer past one line of `width`.
pub(crate) fn hints(app: &App, width: u16) -> String {
    use crate::wizard::keys::{HELP, HELP_TYPING};
    let bindings = app.bindings();
    let all = |with_help: bool| {
        bindings
            .iter()
            .filter(|b| with_help || (**b != HELP && **b != HELP_TYPING))
            .filter_map(|b| b.footer)
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let footer = all(true);
    if footer.chars().count() <= usize::from(width) {
        footer
    } else {
        all(false)
    }
}

/// The smallest window every screen fits in (its text scrolls when longer).
pub const MIN_SIZE: (u16, u16) = (50, 14);

/// The keys of the screen it was opened on, then what holds everywhere.
pub(crate) fn help(app: &App, frame: &mut Frame, look: Look) {
    let keys: Vec<(&str, &str)> = app.bindings().iter().map(|b| (b.key, b.does)).collect();
    let width_of = |k: &str| k.chars().count();
    let key_width = keys.iter().map(|(k, _)| width_of(k)).max().unwrap_or(0);
    let mut lines: Vec<Line> = keys
        .iter()
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(
                    format!("{k:<key_width$}  "),
                    focus(look).add_modifier(Modifier::BOLD),
                ),
                Span::raw(*what),
            ])
        })
        .collect();
    lines.push(Line::from(""));
    lines.push(Line::from(
        "Secrets are saved only after a test passes, in the keyring or an encrypted file; never in the config file.",
    ));
    lines.push(Line::from(Span::styled(
        "↑↓ scroll this help; any other key closes it.",
        muted(look),
    )));
    let area = frame.area();
    let width = area.width.min(76);
    let text = Paragraph::new(lines).wrap(Wrap { trim: false });
    let needed = u16::try_from(text.line_count(width.saturating_sub(2)))
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let height = area.height.min(needed);
    let popup = Rect::new(
        (area.width - width) / 2,
        (area.height - height) / 2,
        width,
        height,
    );
    frame.render_widget(Clear, popup);
    let block = Block::bordered().title(format!(" Keys: {} ", super::screens::title(app)));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    scroll_within(
        frame,
        inner,
        text,
        (app.help_scroll, &app.help_scroll_max),
        popup,
        look,
    );
}

/// A focused field: its value with a bar at the cursor, and a word when it is all selected.
pub(crate) fn editing(field: &crate::wizard::field::Field) -> String {
    if field.selected {
        format!(
            "{}  (selected: typing replaces it)",
            field.display_at_cursor()
        )
    } else {
        field.display_at_cursor()
    }
}

pub(crate) fn form_line(frame: &mut Frame, area: Rect, prompt: &str, value: &str) {
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(prompt.to_string()),
            Line::from(format!("> {value}")),
        ])
        .wrap(Wrap { trim: true }),
        area,
    );
}

/// The box of a body drawn with top and bottom borders only.
pub(crate) fn unbordered(inner: Rect) -> Rect {
    Rect::new(
        inner.x,
        inner.y.saturating_sub(1),
        inner.width,
        inner.height + 2,
    )
}

/// `text` cut to `room` characters, an ellipsis marking the cut.
pub(crate) fn cut(text: &str, room: usize) -> String {
    if text.chars().count() <= room {
        return text.to_string();
    }
    text.chars()
        .take(room.saturating_sub(1))
        .chain(['…'])
        .collect()
}
