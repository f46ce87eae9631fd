//! Where the secrets go.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::super::chrome::{list, scrolled, unbordered};
use super::super::theme::{Look, warn};
use super::Title;
use crate::profile::StoreKind;
use crate::wizard::{App, SaveStep, Saved};

pub(crate) fn draw(app: &App, step: &SaveStep, frame: &mut Frame, area: Rect, look: Look) {
    let options = vec![
        "OS keyring (Keychain, Credential Manager, Secret Service): best on a desktop".to_string(),
        "Encrypted file in the config dir: works over SSH, in cron and for services".to_string(),
    ];
    let selected = usize::from(app.store == StoreKind::File);
    let mut lines = list(&options, selected, look);
    if let Some(why) = &app.keyring_note {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            match app.store {
                StoreKind::File => format!(
                    "The OS keyring cannot work here ({why}), so the encrypted file is chosen."
                ),
                StoreKind::Keyring => format!(
                    "The OS keyring cannot work here ({why}): press f for the encrypted file."
                ),
            },
            warn(look),
        )));
    }
    // JWT bearer has no password: say what the store holds, and where the key is.
    if app.method().flow == crate::profile::Flow::Jwt
        && let Some(key) = app.field_text(crate::wizard::methods::KEY_FILE)
    {
        lines.push(Line::from(""));
        lines.push(Line::from(format!(
            "JWT bearer keeps no password: its secret is the private key, which stays in {key}. The store keeps the session sfconnect reuses between logins."
        )));
    }
    if step.saving {
        lines.push(Line::from(""));
        lines.push(Line::from("Saving…"));
    }
    // Not trimmed: the row not chosen keeps its indent.
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

/// What was saved, and this connection's own commands for what comes next.
pub(crate) fn draw_done(app: &App, saved: &Saved, frame: &mut Frame, area: Rect, look: Look) {
    scrolled(
        app,
        frame,
        area,
        Paragraph::new(
            std::iter::once(super::super::text::saved(saved))
                .chain(super::super::text::after_save(saved))
                .chain([String::new(), "Next:".into()])
                .chain(app.next_steps(saved).into_iter().map(|s| format!("- {s}")))
                .map(Line::from)
                .collect::<Vec<_>>(),
        )
        .wrap(Wrap { trim: true }),
        unbordered(area),
        look,
    );
}

pub(crate) fn title() -> Title {
    Title::Whole("Save: where should the secrets live?".into())
}

pub(crate) fn done_title() -> Title {
    Title::Whole("Saved".into())
}
