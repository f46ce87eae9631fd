//! Where the org is, with the My Domain URL checked as it is typed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::super::chrome::{editing, list};
use super::super::theme::{Look, ok, warn};
use super::Title;
use crate::wizard::App;

pub(crate) fn draw(app: &App, frame: &mut Frame, area: Rect, look: Look) {
    let mut lines = list(&app.environments(), app.environment, look);
    if app.environment == app.environments().len() - 1 {
        lines.push(Line::from(""));
        lines.push(Line::from(format!(
            "My Domain URL: {}",
            editing(&app.my_domain)
        )));
        let typed = app.my_domain.text();
        lines.push(match crate::salesforce::LoginUrl::parse(typed) {
            _ if typed.is_empty() => Line::from("  e.g. https://acme.my.salesforce.com or https://acme--uat.sandbox.my.salesforce.com"),
            Ok(url) => Line::from(Span::styled(format!("  ✓ {url}"), ok(look))),
            Err(e) => Line::from(Span::styled(format!("  ⚠ {e}"), warn(look))),
        });
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

pub(crate) fn title() -> Title {
    Title::Step("where is the org?")
}
