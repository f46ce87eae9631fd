//! The JWT bearer key pair and its certificate, with how to upload it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::super::chrome::{scrolled, unbordered};
use super::super::theme::{Look, muted};
use super::Title;
use crate::wizard::{App, guides};

pub(crate) fn draw(app: &App, frame: &mut Frame, area: Rect, look: Look) {
    let Some(g) = &app.generated else {
        return;
    };
    let made = if g.reused {
        format!(
            "The key pair for '{}': private key {} (only you can read it), certificate {}.",
            app.name.text(),
            g.key_file.display(),
            g.certificate_file.display()
        )
    } else {
        format!(
            "Made a private key {} (only you can read it) and its certificate {}.",
            g.key_file.display(),
            g.certificate_file.display()
        )
    };
    let mut lines = vec![Line::from(made)];
    if let Some(valid) = &g.valid {
        lines.push(Line::from(format!(
            "The certificate is {}.",
            valid.describe(look.now)
        )));
    }
    if g.reused {
        lines.push(Line::from(
            "Enter tests with it; n makes a new pair instead (this one stays on disk).",
        ));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(format!(
        "Upload {} to the app, then press Enter to test:",
        g.certificate_file.display()
    )));
    if let Some(guide) = guides::by_id("upload-certificate") {
        for (i, step) in guide.steps.iter().skip(1).enumerate() {
            lines.push(Line::from(format!("{}. {}", i + 1, step.text(app.ui))));
        }
    }
    lines.push(Line::from("The certificate (safe to share; y copies it):"));
    lines.extend(
        g.certificate_pem
            .lines()
            .map(|l| Line::from(Span::styled(l.to_string(), muted(look)))),
    );
    let text = Paragraph::new(lines).wrap(Wrap { trim: false });
    scrolled(app, frame, area, text, unbordered(area), look);
}

pub(crate) fn title() -> Title {
    Title::Step("JWT bearer certificate")
}
