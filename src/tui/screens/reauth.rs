//! What is wrong with a saved connection, and what re-authenticating it asks.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::super::chrome::{outset, scrolled};
use super::super::theme::{Look, warn};
use super::Title;
use crate::profile::Flow;
use crate::wizard::screens::reauth::Pair;
use crate::wizard::{App, Loaded};

/// The password's age, in words that agree with what is known to be wrong.
pub(crate) fn password_age(days: u64, problem: Option<&str>) -> String {
    let expired = problem.is_some_and(|p| p.contains("expired"));
    match days {
        0 => "The password was changed today (passwords expire after 90 days by default).".into(),
        _ if expired && days < 90 => format!(
            "The password was last changed {days} days ago: sooner than the default 90 days, so the org's password policy is shorter, or an admin expired it."
        ),
        _ => format!(
            "The password was last changed {days} days ago (passwords expire after 90 days by default)."
        ),
    }
}

pub(crate) fn draw(app: &App, frame: &mut Frame, area: Rect, look: Look) {
    let Some(loaded) = &app.reauth else {
        return;
    };
    let asked: Vec<&str> = crate::wizard::methods::fields(loaded.draft.flow)
        .iter()
        .map(|f| f.label)
        .collect();
    let plan = crate::wizard::methods::reauth_plan(loaded.draft.flow);
    let mut lines = vec![
        Line::from(format!(
            "'{}' · {} · {}",
            loaded.name,
            app.method().label,
            loaded.draft.login_url
        )),
        Line::from(""),
    ];
    if let Some(problem) = &loaded.problem {
        lines.push(Line::from(vec![
            Span::raw("What is known to be wrong: "),
            Span::styled(problem.clone(), warn(look)),
        ]));
    }
    if let Some(days) = loaded.password_age_days {
        lines.push(Line::from(password_age(days, loaded.problem.as_deref())));
    }
    if loaded.draft.flow == Flow::Jwt {
        let key = loaded
            .draft
            .key_file
            .as_ref()
            .map(|k| k.display().to_string())
            .unwrap_or_default();
        lines.push(Line::from(match &loaded.certificate {
            Some((crt, Some(valid))) => format!(
                "Certificate in use: {} (for the key {key}), {}.",
                crt.display(),
                valid.describe(look.now)
            ),
            Some((crt, None)) => format!(
                "Certificate in use: {} (for the key {key}); its dates cannot be read.",
                crt.display()
            ),
            None => format!(
                "Key in use: {key}. No certificate is kept beside it, so its expiry is not known here: the app's page shows it."
            ),
        }));
    }
    if loaded.draft.flow == Flow::Jwt {
        lines.extend(key_choice(app, loaded, look));
    }
    if lines.len() > 2 {
        lines.push(Line::from(""));
    }
    lines.extend([
        Line::from(plan.why),
        Line::from(""),
        Line::from(plan.next),
        Line::from(format!("The form asks for: {}.", asked.join(", "))),
        match &loaded.secrets_problem {
            Some(why) => Line::from(Span::styled(
                format!("The saved secrets cannot be opened ({why}), so none are kept: type every value."),
                warn(look),
            )),
            None if crate::wizard::methods::fields(loaded.draft.flow)
                .iter()
                .any(|f| f.secret.is_some()) =>
            {
                Line::from("Leave a secret empty to keep its saved value; type only what changed.")
            }
            None => Line::from("Fields you leave as they are keep their saved values."),
        },
        Line::from(""),
    ]);
    if app.interactive() {
        lines.push(Line::from(
            "Log out of Salesforce in your browser first, so you log in as the integration user.",
        ));
    }
    lines.extend([Line::from(
        "The saved connection stays exactly as it is until the new credentials pass.",
    )]);
    // A login method Salesforce is retiring is said, and the move offered, for every method.
    lines.push(Line::from(""));
    for advisory in crate::connect::advisories::advisories(loaded.draft.flow, look.now) {
        lines.push(Line::from(Span::styled(
            format!("⚠ {}.", advisory.short),
            warn(look),
        )));
    }
    // JWT bearer is the move to suggest, except to a connection that already uses it.
    lines.push(Line::from(if loaded.draft.flow == crate::profile::Flow::Jwt {
        "Press m to move it to another login method instead (client credentials, where no user context is needed); it keeps its name and settings."
    } else {
        "Press m to move it to another login method instead (JWT bearer suits an unattended integration); it keeps its name and settings."
    }));
    scrolled(
        app,
        frame,
        area,
        Paragraph::new(lines).wrap(Wrap { trim: true }),
        outset(area),
        look,
    );
}

/// The new pairs not tested yet, and which key Enter goes on with.
fn key_choice(app: &App, loaded: &Loaded, look: Look) -> Vec<Line<'static>> {
    let day = crate::clock::day;
    let mut lines = Vec::new();
    if let Some(new) = loaded.pending.first() {
        let whose = match new.made_for == loaded.name {
            true => "for it".to_string(),
            false => format!("for '{}' on this app", new.made_for),
        };
        lines.push(Line::from(Span::styled(
            format!(
                "A new key pair was made {whose} on {} and has not passed a test: {}. If its certificate was uploaded, the app no longer accepts the key in use.",
                day(new.made_at),
                new.key_file.display()
            ),
            warn(look),
        )));
        for more in &loaded.pending[1..] {
            lines.push(Line::from(format!(
                "Another, made for '{}' on {}: {}.",
                more.made_for,
                day(more.made_at),
                more.key_file.display()
            )));
        }
    }
    let pending = !loaded.pending.is_empty();
    let (said, style) = match &app.pair {
        Pair::Pending(key) => (
            format!(
                "Enter finishes with the new pair ({}); k keeps the key in use; n makes another pair.",
                key.display()
            ),
            warn(look),
        ),
        Pair::New => (
            format!(
                "Enter makes a new key pair{}; k keeps the key in use{}.",
                match loaded.certificate_days_left {
                    Some(d) if d <= crate::connect::health::WARN_DAYS => {
                        " (the certificate expires soon or has)"
                    }
                    _ => "",
                },
                if pending {
                    "; p finishes with the new pair"
                } else {
                    ""
                }
            ),
            warn(look),
        ),
        Pair::Keep => (
            format!(
                "Enter keeps the key in use; n makes a new key pair instead (certificate rotation){}.",
                if pending {
                    "; p finishes with the new pair"
                } else {
                    ""
                }
            ),
            ratatui::style::Style::default(),
        ),
    };
    lines.push(Line::from(Span::styled(said, style)));
    lines
}

pub(crate) fn title() -> Title {
    Title::Step("what happened")
}
