//! The method's form, the focused field kept in view.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::super::chrome::{at_offset, editing, outset};
use super::super::theme::{Look, focus, warn};
use super::Title;
use crate::wizard::App;

pub(crate) fn draw(app: &App, frame: &mut Frame, area: Rect, look: Look) {
    let mut lines = Vec::new();
    let mut focus_line = None;
    let specs = crate::wizard::methods::fields(app.method().flow);
    for (i, (f, spec)) in app.fields.iter().zip(&specs).enumerate() {
        let focused = i == app.focus;
        let kept = f.is_empty() && spec.secret.is_some_and(|s| app.kept.get(s).is_some());
        let value = match f.placeholder {
            _ if kept => "(the saved one is kept; type to replace it)".to_string(),
            // The cursor shows where typing goes, ahead of what empty means.
            Some(p) if f.is_empty() && focused => format!("{} ({p})", editing(f)),
            Some(p) if f.is_empty() => format!("({p})"),
            _ if focused => editing(f),
            _ => f.display(),
        };
        // A secret the app requires by default is not called optional, though it may be empty.
        let optional = match (f.optional, spec.secret) {
            (true, Some(crate::profile::key::CLIENT_SECRET)) => " (needed by default)",
            // Optional only from the org's trusted IP ranges.
            (true, Some(crate::profile::key::SECURITY_TOKEN)) => " (needed outside trusted IPs)",
            (true, _) => " (optional)",
            (false, _) => "",
        };
        let text = format!(
            "{}{}{optional}: {value}",
            if focused { "▶ " } else { "  " },
            f.label,
        );
        if focused {
            focus_line = Some(lines.len());
        }
        lines.push(Line::from(if focused {
            Span::styled(text, focus(look))
        } else {
            Span::raw(text)
        }));
        if let Some(hint) = f.hint() {
            lines.push(Line::from(Span::styled(
                format!("    ⚠ {hint}"),
                warn(look),
            )));
        }
    }
    if app.token_kept_with_new_password() {
        lines.push(Line::from(Span::styled(
            "⚠ Changing the password resets the security token: Salesforce emails a new one to the user. Type the new token too, or the saved one will be rejected.",
            warn(look),
        )));
    }
    if !app.demo_hints.is_empty() {
        lines.push(Line::from(""));
        lines.push(Line::from(
            "Demo org credentials (simulated, safe to show):",
        ));
        for (k, v) in &app.demo_hints {
            lines.push(Line::from(format!("  {k}: {v}")));
        }
    }
    // The focused field stays in view when the form is taller than the window.
    let wrapped = |lines: &[Line<'static>]| {
        Paragraph::new(lines.to_vec())
            .wrap(Wrap { trim: false })
            .line_count(area.width)
    };
    let focus_end = wrapped(&lines[..focus_line.map_or(0, |l| l + 1).min(lines.len())]);
    let text = Paragraph::new(lines).wrap(Wrap { trim: false });
    let max = text
        .line_count(area.width)
        .saturating_sub(usize::from(area.height));
    // On the last field, the rest (the demo's credentials, warnings) comes into view too.
    let last = app.focus + 1 >= app.fields.len();
    let offset = if last {
        max
    } else {
        focus_end.saturating_sub(usize::from(area.height)).min(max)
    };
    let below = " ↓ more below: Tab to the last field ";
    at_offset(frame, area, text, (offset, max, below), outset(area), look);
}

pub(crate) fn title() -> Title {
    Title::Step("credentials")
}
