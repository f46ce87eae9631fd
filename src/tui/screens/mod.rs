//! The drawing of each screen, under the same names as `wizard/screens`.

pub mod audit;
pub mod authorize;
pub mod certificate;
pub mod credentials;
pub mod environment;
pub mod guide;
pub mod handoff;
pub mod home;
pub mod method;
pub mod name;
pub mod passphrase;
pub mod reauth;
pub mod remove;
pub mod save;
pub mod testing;

use ratatui::Frame;
use ratatui::layout::Rect;

use super::theme::Look;
use crate::wizard::{App, Screen};

/// A screen's title: its own words, or a step of the connection being made (which the header
/// puts after "New connection:", "Re-authenticate 'NAME':" or "Move 'NAME' …:").
pub(crate) enum Title {
    Whole(String),
    Step(&'static str),
}

/// The title of the screen shown.
pub(crate) fn title(app: &App) -> String {
    let title = match &app.screen {
        Screen::Home => home::title(),
        Screen::Name { .. } => name::title(),
        Screen::Environment => environment::title(),
        Screen::Method => method::title(),
        Screen::Prerequisites => guide::prerequisites_title(),
        Screen::Guide { .. } => guide::title(),
        Screen::Credentials { .. } => credentials::title(),
        Screen::Testing(run) => testing::title(app, run),
        Screen::Save(_) => save::title(),
        Screen::Done(_) => save::done_title(),
        Screen::Authorize(_) => authorize::title(app),
        Screen::Certificate => certificate::title(),
        Screen::Reauth => reauth::title(),
        Screen::ConfirmRemove => remove::title(),
        Screen::Passphrase(_) => passphrase::title(),
        Screen::Handoff(h) => handoff::title(h),
        Screen::Audit(view) => audit::title(view),
    };
    let step = match title {
        Title::Whole(text) => return text,
        Title::Step(step) => step,
    };
    match &app.reauth {
        Some(loaded) if app.moving => {
            format!("Move '{}' to another login method: {step}", loaded.name)
        }
        Some(loaded) => format!("Re-authenticate '{}': {step}", loaded.name),
        None => format!("New connection: {step}"),
    }
}

/// Draw the screen shown in `area`, the inside of its box.
pub(crate) fn draw(app: &App, frame: &mut Frame, area: Rect, look: Look) {
    match &app.screen {
        Screen::Home => home::draw(app, frame, area, look),
        Screen::Name { .. } => name::draw(app, frame, area),
        Screen::Environment => environment::draw(app, frame, area, look),
        Screen::Method => method::draw(app, frame, area, look),
        Screen::Prerequisites => guide::draw_prerequisites(app, frame, area, look),
        Screen::Guide { page } => guide::draw(app, *page, frame, area, look),
        Screen::Credentials { .. } => credentials::draw(app, frame, area, look),
        Screen::Testing(run) => testing::draw(app, run, frame, area, look),
        Screen::Authorize(a) => authorize::draw(app, a, frame, area, look),
        Screen::Certificate => certificate::draw(app, frame, area, look),
        Screen::Save(step) => save::draw(app, step, frame, area, look),
        Screen::Reauth => reauth::draw(app, frame, area, look),
        Screen::Handoff(h) => handoff::draw(app, h, frame, area, look),
        Screen::Passphrase(asking) => passphrase::draw(asking, frame, area),
        Screen::ConfirmRemove => remove::draw(app, frame, area),
        Screen::Done(saved) => save::draw_done(app, saved, frame, area, look),
        Screen::Audit(view) => audit::draw(view, frame, area, look),
    }
}
