//! The checks as they finish, each failure with its fix and Setup path.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::super::chrome::{outset, scrolled};
use super::super::theme::{Look, fail, mark, ok, warn};
use super::Title;
use crate::check::Status;
use crate::profile::Ui;
use crate::wizard::{App, TestRun};

pub(crate) const SPINNER: &[&str] = &["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub(crate) fn draw(app: &App, run: &TestRun, frame: &mut Frame, area: Rect, look: Look) {
    let mut lines = Vec::new();
    for c in &run.checks {
        lines.push(Line::from(vec![
            mark(c.status, look),
            Span::raw(format!(" {}: {}", c.title, c.detail)),
        ]));
        if matches!(c.status, Status::Fail | Status::Warn) {
            fix_lines(
                c,
                (run.saved.as_deref().unwrap_or(app.name.text()), app.ui),
                look,
                &mut lines,
            );
        }
    }
    // The verdict keeps its place at the bottom, however many lines the checks take.
    let verdict = if run.running {
        Line::from(format!("{} checking…", SPINNER[look.tick % SPINNER.len()]))
    } else {
        match run.passed {
            Some(true) => Line::from(Span::styled("All required checks passed.", ok(look))),
            Some(false) => Line::from(Span::styled(
                "A check failed: fix what it says, then test again. Nothing was saved.",
                fail(look),
            )),
            None => Line::from(""),
        }
    };
    let verdict = Paragraph::new(verdict).wrap(Wrap { trim: true });
    let verdict_height = u16::try_from(verdict.line_count(area.width).clamp(1, 3)).unwrap_or(3);
    let [checks, bottom] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(verdict_height)]).areas(area);
    let text = Paragraph::new(lines).wrap(Wrap { trim: false });
    scrolled(app, frame, checks, text, outset(area), look);
    frame.render_widget(verdict, bottom);
}

/// A failed check's fix, with the Setup paths of the user interface chosen.
pub(crate) fn fix_lines(
    c: &crate::check::CheckResult,
    (name, ui): (&str, Ui),
    look: Look,
    lines: &mut Vec<Line<'static>>,
) {
    if !c.fix.is_empty() {
        let fix = super::super::text::with_next(&c.fix, c.next, name);
        lines.push(Line::from(Span::styled(
            format!("   fix: {fix}"),
            warn(look),
        )));
    }
    for path in c.setup {
        let (name, route) = match ui {
            Ui::Lightning => ("Lightning", path.lightning.to_string()),
            Ui::Classic => ("Classic", path.classic_route()),
        };
        lines.push(Line::from(Span::styled(
            format!("   {} ({name}): {route}", path.task),
            warn(look),
        )));
    }
}

pub(crate) fn title(app: &App, run: &TestRun) -> Title {
    let name = run.saved.as_deref().unwrap_or(app.name.text());
    Title::Whole(format!("Testing '{name}'"))
}
