//! The JWT bearer key pair and its certificate, with how to upload it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::super::chrome::{scrolled, unbordered};
use super::super::theme::{Look, muted, warn};
use super::Title;
use crate::clock::day;
use crate::connect::health::SHORT_DAYS;
use crate::wizard::GeneratedKey;
use crate::wizard::screens::certificate::names;
use crate::wizard::{App, guides};

pub(crate) fn draw(app: &App, frame: &mut Frame, area: Rect, look: Look) {
    let Some(g) = &app.generated else {
        return;
    };
    let private = match g.readable_by_others {
        true => "",
        false => " (only you can read it)",
    };
    let made = if g.reused {
        format!(
            "The key pair for '{}': private key {}{private}, certificate {}.",
            app.name.text(),
            g.key_file.display(),
            g.certificate_file.display()
        )
    } else {
        format!(
            "Made a private key {}{private} and its certificate {}.",
            g.key_file.display(),
            g.certificate_file.display()
        )
    };
    let mut lines = vec![Line::from(made)];
    if g.readable_by_others {
        lines.push(Line::from(Span::styled(
            format!(
                "Other users of this machine can read this private key, and anyone with it can log in as the integration user: chmod 600 {}",
                g.key_file.display()
            ),
            warn(look),
        )));
    }
    if let Some(valid) = &g.valid {
        let left = crate::connect::health::days_until(valid.not_after, look.now);
        let said = format!("The certificate is {}.", valid.describe(look.now));
        lines.push(match left <= SHORT_DAYS {
            true => Line::from(Span::styled(
                format!(
                    "{said} That is soon: the connection stops when it ends{}; n makes a pair valid for two years.",
                    match g.uses.stops.as_slice() {
                        [] => String::new(),
                        stops => format!(", and so do {} once they move to it", names(stops)),
                    }
                ),
                warn(look),
            )),
            false => Line::from(said),
        });
    }
    let uses = &g.uses;
    if let Some(made_at) = uses.untested_since.filter(|_| g.reused) {
        lines.push(Line::from(Span::styled(
            format!(
                "This pair was made on {} and has not passed a test yet. If its certificate is in the app already, Enter tests with it; if not, upload it first (below).",
                day(made_at)
            ),
            warn(look),
        )));
    } else if !uses.shared_with.is_empty() {
        lines.push(Line::from(format!(
            "It is the key of {} on this app: an app holds one certificate, and this key's should be in it, so there is nothing to upload. Enter tests with it.",
            names(&uses.shared_with)
        )));
    } else if g.reused {
        lines.push(Line::from(
            "Enter tests with it; n makes a new pair instead (this one stays on disk).",
        ));
    }
    if let Some(new) = uses.pending.first() {
        lines.push(Line::from(Span::styled(
            format!(
                "A new pair made for '{}' on {} has not passed a test ({}): if its certificate was uploaded since, the app holds that one instead, and p uses that pair.",
                new.made_for,
                day(new.made_at),
                new.key_file.display()
            ),
            warn(look),
        )));
    }
    // Before an upload that changes the app's certificate: a new pair, one not tested yet, or
    // any key the app's other connections do not use.
    if !g.reused || uses.untested_since.is_some() || !uses.stops.is_empty() {
        lines.extend(before_upload(app, g, look));
    }
    lines.push(Line::from(""));
    if uses.shared_with.is_empty() || uses.untested_since.is_some() {
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

/// Who the new certificate stops once uploaded (this connection too, when re-authenticating),
/// until they use the new key.
fn before_upload(app: &App, g: &GeneratedKey, look: Look) -> Vec<Line<'static>> {
    let stops = &g.uses.stops;
    let mut stopped = stops.clone();
    if let Some(loaded) = &app.reauth
        && loaded.draft.key_file.as_ref() != Some(&g.key_file)
    {
        stopped.insert(0, loaded.name.clone());
    }
    if stopped.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![
        Line::from(""),
        Line::from(Span::styled(
            format!(
                "Before you upload: an app holds one certificate. The moment this one replaces it, the key in use now stops working for {}, until {} this new key. Upload, then press Enter right away, and save the connection once its test passes{}.",
                names(&stopped),
                if stopped.len() == 1 {
                    "it uses"
                } else {
                    "they use"
                },
                match stops.len() {
                    0 => String::new(),
                    1 => format!(
                        ": {} then moves to the new key after its own test",
                        names(stops)
                    ),
                    _ => format!(
                        ": {} then move to the new key, each after its own test",
                        names(stops)
                    ),
                }
            ),
            warn(look),
        )),
    ];
    if app.reauth.is_some() {
        lines.push(Line::from(
            "Leave before the test and the saved connection keeps its old key; the connections list then says the app's certificate may have changed.",
        ));
    }
    lines
}

pub(crate) fn title() -> Title {
    Title::Step("JWT bearer certificate")
}
