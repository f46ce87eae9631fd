//! A browser login (address, callback, SSH line, paste-back) or a device code.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::super::chrome::{editing, scrolled, unbordered};
use super::super::theme::{Look, mark, muted, value, warn};
use super::Title;
use super::testing::{SPINNER, fix_lines};
use crate::wizard::{App, Authorizing, Prompt};

pub(crate) fn draw(app: &App, a: &Authorizing, frame: &mut Frame, area: Rect, look: Look) {
    let mut lines: Vec<Line<'static>> = Vec::new();
    let waiting = |what: &str| Line::from(format!("{} {what}", SPINNER[look.tick % SPINNER.len()]));
    match &a.prompt {
        // An ended login's address and code are spent: only what went wrong is shown, and
        // Enter starts a new one.
        _ if a.failed.is_some() => {}
        None => lines.push(waiting("starting the login…")),
        Some(Prompt::Browser {
            url,
            redirect,
            listening,
            taken,
            ssh_line,
            opened,
            advice,
        }) => {
            lines.push(Line::from(Span::styled(advice.to_string(), muted(look))));
            lines.push(Line::from(
                "Open this address in a browser on any machine, log in as the integration user and Allow:",
            ));
            lines.push(Line::from(Span::styled(url.clone(), value(look))));
            // A long address is drawn as several rows, which a mouse selection does not join.
            lines.push(Line::from(Span::styled(
                "(F5 copies it whole; F6 shows it alone on the terminal's normal screen, where selecting it with the mouse takes all of it.)",
                muted(look),
            )));
            if *opened {
                lines.push(Line::from("✓ Opened it in your browser here."));
            }
            if *listening {
                lines.push(Line::from(format!(
                    "Listening for the browser's redirect to {redirect}"
                )));
            }
            match taken {
                Some(warning) => lines.push(Line::from(Span::styled(
                    format!("⚠ The callback {warning}."),
                    warn(look),
                ))),
                None if !*listening => lines.push(Line::from(Span::styled(
                    format!("⚠ Nothing listens for the redirect: paste the address back. The app's callback URL must be {redirect}"),
                    warn(look),
                ))),
                None => {}
            }
            if let Some(line) = ssh_line {
                // On a line of its own, so that it is selected whole.
                lines.push(Line::from("Over SSH, first run this on your laptop:"));
                lines.push(Line::from(Span::styled(line.clone(), value(look))));
            }
            lines.push(Line::from(
                "Or paste the address the browser lands on (or the code, or the error its page shows), then Enter:",
            ));
            lines.push(Line::from(format!("> {}", editing(&a.paste))));
            let said = crate::salesforce::web::describe_paste(a.paste.text());
            if !said.is_empty() {
                lines.push(Line::from(Span::styled(
                    format!("  pasted: {said}"),
                    muted(look),
                )));
            }
            if a.failed.is_none() {
                lines.push(waiting("waiting for the browser…"));
            }
        }
        Some(Prompt::Device {
            user_code,
            verification_uri,
            complete,
            interval_secs,
        }) => {
            lines.push(Line::from(format!(
                "On any device, open {verification_uri} and enter the code:"
            )));
            lines.push(Line::from(Span::styled(
                format!("    {user_code}"),
                value(look).add_modifier(Modifier::BOLD),
            )));
            // The QR code only where it fits beside the rest; else the direct link as text.
            let room = usize::from(area.height).saturating_sub(6);
            let qr = crate::connect::interactive::qr_text(complete, usize::from(area.width))
                .filter(|q| q.lines().count() <= room);
            match qr {
                Some(qr) => {
                    lines.push(Line::from(format!("Or scan this (it opens {complete}):")));
                    lines.extend(qr.lines().map(|l| Line::from(l.to_string())));
                }
                None => lines.push(Line::from(format!("Direct link: {complete}"))),
            }
            if a.failed.is_none() {
                let left = a
                    .left_secs
                    .map(|s| format!("{}:{:02} left", s / 60, s % 60))
                    .unwrap_or_default();
                lines.push(waiting(&format!(
                    "waiting for approval… {left} (checked every {interval_secs} s)"
                )));
            }
        }
    }
    if let Some(failed) = &a.failed {
        lines.push(Line::from(vec![
            mark(failed.status, look),
            Span::raw(format!(" {}: {}", failed.title, failed.detail)),
        ]));
        fix_lines(failed, (app.name.text(), app.ui), look, &mut lines);
    }
    let text = Paragraph::new(lines).wrap(Wrap { trim: false });
    scrolled(app, frame, area, text, unbordered(area), look);
}

pub(crate) fn title(app: &App) -> Title {
    Title::Step(if app.method().flow == crate::profile::Flow::Device {
        "log in with a device code"
    } else {
        "log in with a browser"
    })
}
