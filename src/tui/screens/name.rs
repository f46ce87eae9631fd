//! The connection's name, typed.

use ratatui::Frame;
use ratatui::layout::Rect;

use super::super::chrome::{editing, form_line};
use super::Title;
use crate::wizard::App;

pub(crate) fn draw(app: &App, frame: &mut Frame, area: Rect) {
    form_line(
        frame,
        area,
        "Name this connection (e.g. prod, uat-sandbox):",
        &editing(&app.name),
    );
}

pub(crate) fn title() -> Title {
    Title::Step("name")
}
