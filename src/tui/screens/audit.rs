//! The audit: reading the org's Login History, then its groups, retiring ones first.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::super::chrome::{at_offset, outset};
use super::super::theme::{Look, fail, focus, muted, warn};
use super::Title;
use super::testing::SPINNER;
use crate::connect::audit::{Group, Method};
use crate::wizard::screens::audit::AuditView;

pub(crate) fn title(view: &AuditView) -> Title {
    Title::Whole(format!("Audit: who logs in how (through '{}')", view.name))
}

fn method_words(g: &Group) -> String {
    let versions = g
        .api_versions
        .iter()
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    match g.method() {
        Method::Soap => format!("SOAP login() (API {versions})"),
        Method::Password => "OAuth username-password".into(),
        Method::Jwt => "JWT bearer".into(),
        Method::ClientCredentials => "client credentials".into(),
        Method::RefreshToken => "refresh token".into(),
        Method::Web => format!("browser or device login ({})", g.login_subtype),
        Method::Ui => "the Salesforce UI".into(),
        Method::Other => format!("other ({})", g.login_type),
    }
}

pub(crate) fn draw(view: &AuditView, frame: &mut Frame, area: Rect, look: Look) {
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut chosen_end = 0;
    match (&view.report, &view.failed) {
        (_, Some(why)) => lines.push(Line::from(Span::styled(
            format!("The Login History could not be read: {why}"),
            fail(look),
        ))),
        (None, None) => lines.push(Line::from(format!(
            "{} reading the org's Login History… {} rows",
            SPINNER[look.tick % SPINNER.len()],
            view.rows_read
        ))),
        (Some((org, audit)), None) => {
            lines.push(Line::from(format!(
                "Org {org}: {} logins in the last {} days, in {} groups.",
                audit.rows_read,
                look.now
                    .duration_since(audit.since)
                    .map_or(0, |d| d.as_secs() / 86_400),
                audit.groups.len()
            )));
            if audit.partial {
                lines.push(Line::from(Span::styled(
                    "Partial: this user lacks Manage Users, so only its own logins are shown (grant it on a permission set: System Permissions > Manage Users).",
                    warn(look),
                )));
            }
            for (i, g) in audit.groups.iter().enumerate() {
                let who = match (&g.username, g.active) {
                    (Some(u), Some(false)) => format!("{u} (inactive)"),
                    (Some(u), _) => u.clone(),
                    (None, _) => format!("user {}", g.user_id),
                };
                let pointer = if i == view.cursor { "▶ " } else { "  " };
                let text = format!(
                    "{pointer}{who} · {} · {} ok, {} failed · last {}",
                    method_words(g),
                    g.successes,
                    g.failures,
                    g.last_seen.get(..10).unwrap_or(&g.last_seen)
                );
                lines.push(Line::from(Span::styled(
                    text,
                    if i == view.cursor {
                        focus(look)
                    } else {
                        muted(look)
                    },
                )));
                let mut end = lines.len();
                if let Some(days) = g.days_left(look.now) {
                    let when = if days > 0 {
                        format!("retires in {days} days")
                    } else {
                        "has retired".to_string()
                    };
                    let how = match g.saved_as.first() {
                        Some(saved) => format!("saved as '{saved}': m moves it"),
                        None => "not in sfconnect: give the integration an External Client App with client credentials or JWT bearer".into(),
                    };
                    lines.push(Line::from(Span::styled(
                        format!("    ⚠ {when}; {how}"),
                        warn(look),
                    )));
                    end = lines.len();
                }
                if i == view.cursor {
                    chosen_end = end;
                }
            }
        }
    }
    // The chosen group stays in view (↑↓ choose rather than scroll here).
    let wrapped = |lines: &[Line<'static>]| {
        Paragraph::new(lines.to_vec())
            .wrap(Wrap { trim: false })
            .line_count(area.width)
    };
    let chosen_bottom = wrapped(&lines[..chosen_end.min(lines.len())]);
    let text = Paragraph::new(lines).wrap(Wrap { trim: false });
    let max = text
        .line_count(area.width)
        .saturating_sub(usize::from(area.height));
    let offset = chosen_bottom
        .saturating_sub(usize::from(area.height))
        .min(max);
    at_offset(
        frame,
        area,
        text,
        (offset, max, " ↓ more below: ↑↓ choose "),
        outset(area),
        look,
    );
}
