//! The encrypted secrets file's passphrase, typed (masked).

use ratatui::Frame;
use ratatui::layout::Rect;

use super::super::chrome::{editing, form_line};
use super::Title;
use crate::wizard::Asking;

pub(crate) fn draw(asking: &Asking, frame: &mut Frame, area: Rect) {
    form_line(
        frame,
        area,
        "The encrypted secrets file is protected by a passphrase. Type it to open the file (it is kept only while sfconnect runs):",
        &editing(&asking.field),
    );
}

pub(crate) fn title() -> Title {
    Title::Whole("Passphrase for the secrets file".into())
}
