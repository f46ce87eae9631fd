//! The method's prerequisites and its guides, in Lightning Experience or Classic.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::super::chrome::{outset, scrolled};
use super::super::theme::{Look, muted, warn};
use super::Title;
use crate::profile::Ui;
use crate::wizard::{App, guides};

pub(crate) fn draw(app: &App, page: usize, frame: &mut Frame, area: Rect, look: Look) {
    let ids = app.guides();
    let Some(g) = ids.get(page).and_then(|id| guides::by_id(id)) else {
        return;
    };
    let mut lines = vec![
        Line::from(Span::styled(
            format!("{} ({} of {})", g.title, page + 1, ids.len()),
            Style::new().add_modifier(Modifier::BOLD),
        )),
        Line::from(g.intro(app.method().flow).to_string()),
        Line::from(""),
    ];
    if g.lightning_only && app.ui == Ui::Classic {
        lines.push(Line::from(Span::styled(guides::LIGHTNING_ONLY, warn(look))));
    }
    for (i, step) in g.steps.iter().enumerate() {
        lines.push(Line::from(format!("{}. {}", i + 1, step.text(app.ui))));
        if let Some(note) = &step.note {
            lines.push(Line::from(Span::styled(
                format!("   ℹ {note}"),
                muted(look),
            )));
        }
        if let Some(sandbox) = &step.sandbox {
            lines.push(Line::from(Span::styled(
                format!("   Sandbox: {sandbox}"),
                muted(look),
            )));
        }
    }
    let text = Paragraph::new(lines).wrap(Wrap { trim: true });
    scrolled(app, frame, area, text, outset(area), look);
}

pub(crate) fn draw_prerequisites(app: &App, frame: &mut Frame, area: Rect, look: Look) {
    let mut lines = vec![
        Line::from(format!("{} needs:", app.method().label)),
        Line::from(""),
    ];
    for item in crate::wizard::methods::prerequisites(app.method().flow) {
        lines.push(Line::from(format!("• {item}")));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(
        "Next: the steps in Salesforce, for Lightning Experience or Salesforce Classic.",
    ));
    scrolled(
        app,
        frame,
        area,
        Paragraph::new(lines).wrap(Wrap { trim: true }),
        outset(area),
        look,
    );
}

pub(crate) fn prerequisites_title() -> Title {
    Title::Step("before you start")
}

pub(crate) fn title() -> Title {
    Title::Step("prepare Salesforce")
}
