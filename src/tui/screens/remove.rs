//! The removal question: what revoking ends at Salesforce, said before it is done.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Paragraph, Wrap};

use super::Title;
use crate::wizard::App;

/// The removal question: what revoking ends at Salesforce, said before it is done.
pub(crate) fn remove_question(row: Option<&crate::wizard::ConnectionRow>) -> String {
    let Some(row) = row else {
        return String::new();
    };
    let name = &row.name;
    let revokes = if crate::profile::credentials::uses_refresh_token(row.flow) {
        "Its refresh token will be revoked at Salesforce: any integration given that token (through the hand-off, say) stops working."
    } else {
        "Its sfconnect session at Salesforce is ended too (the integration's own logins are not affected)."
    };
    format!(
        "Remove '{name}' and delete its secrets? {revokes}\n\nPress y to remove and revoke, k to remove but keep the token valid, any other key to keep '{name}'."
    )
}

pub(crate) fn draw(app: &App, frame: &mut Frame, area: Rect) {
    frame.render_widget(
        Paragraph::new(remove_question(app.connections.get(app.cursor))).wrap(Wrap { trim: true }),
        area,
    );
}

pub(crate) fn title() -> Title {
    Title::Whole("Remove a connection".into())
}
