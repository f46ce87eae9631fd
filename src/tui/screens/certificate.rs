//! The JWT bearer key pair and its certificate, with how to upload it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::super::chrome::{scrolled, unbordered};
use super::super::theme::{Look, muted, warn};
use super::Title;
use crate::wizard::screens::certificate::names;
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
    if !g.shared_with.is_empty() {
        lines.push(Line::from(format!(
            "It is the key of {} on this app: an app holds one certificate, and this key's is in it already, so there is nothing to upload. Enter tests with it.",
            names(&g.shared_with)
        )));
    } else if g.reused {
        lines.push(Line::from(
            "Enter tests with it; n makes a new pair instead (this one stays on disk).",
        ));
    }
    if !g.reused {
        let mut stopped = g.stops.clone();
        if let Some(loaded) = &app.reauth {
            stopped.insert(0, loaded.name.clone());
        }
        if !stopped.is_empty() {
            lines.push(Line::from(""));
            lines.push(Line::from(Span::styled(
                format!(
                    "Before you upload: an app holds one certificate. The moment this one replaces it, the key in use now stops working for {}, until {} this new key. Upload, then press Enter right away: once the test passes, the connection is saved with the new key{}.",
                    names(&stopped),
                    if stopped.len() == 1 { "it uses" } else { "they use" },
                    if g.stops.is_empty() {
                        String::new()
                    } else {
                        format!(
                            " and {} {} to it, {} its own test",
                            names(&g.stops),
                            if g.stops.len() == 1 { "moves" } else { "move" },
                            if g.stops.len() == 1 { "after" } else { "each after" }
                        )
                    }
                ),
                warn(look),
            )));
            if app.reauth.is_some() {
                lines.push(Line::from(
                    "Leave before the test and the saved connection keeps its old key; the connections list then says the app's certificate may have changed.",
                ));
            }
        }
    }
    lines.push(Line::from(""));
    if g.shared_with.is_empty() {
        lines.push(Line::from(format!(
            "Upload {} to the app, then press Enter to test:",
            g.certificate_file.display()
        )));
        if let Some(guide) = guides::by_id("upload-certificate") {
            for (i, step) in guide.steps.iter().skip(1).enumerate() {
                lines.push(Line::from(format!("{}. {}", i + 1, step.text(app.ui))));
            }
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
