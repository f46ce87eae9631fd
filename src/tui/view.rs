//! Drawing: a pure function of the wizard's state. Works from 80×24 up; colour only when allowed.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::check::Status;
use crate::profile::Flow;
use crate::profile::{StoreKind, Ui};
use crate::wizard::methods::METHODS;
use crate::wizard::{App, Prompt, Screen, guides};

/// Drawing options decided by the runtime.
#[derive(Debug, Clone, Copy)]
pub struct Look {
    pub colour: bool,
    /// Spinner frame while checks run.
    pub tick: usize,
    /// The terminal's locale is not UTF-8: draw with ASCII only.
    pub ascii: bool,
}

/// Whether the locale names a character set other than UTF-8 ("C", "POSIX", ISO-8859-1…).
/// With no locale set at all, UTF-8 is assumed, as most terminals use it.
pub fn ascii_locale(var: impl Fn(&str) -> Option<String>) -> bool {
    let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
        .into_iter()
        .find_map(|name| var(name).filter(|v| !v.is_empty()));
    locale.is_some_and(|l| {
        let l = l.to_ascii_lowercase();
        !(l.contains("utf-8") || l.contains("utf8"))
    })
}

/// Replace every cell's non-ASCII symbol with an ASCII one of the same width.
fn asciify(buffer: &mut ratatui::buffer::Buffer, tick: usize) {
    for cell in buffer.content.iter_mut() {
        let symbol = cell.symbol();
        if symbol.is_ascii() {
            continue;
        }
        let c = symbol.chars().next().unwrap_or(' ');
        let ascii = match c {
            '─' | '━' | '═' => "-",
            '│' | '┃' | '║' | '▏' => "|",
            '┌' | '┐' | '└' | '┘' | '├' | '┤' | '┬' | '┴' | '┼' => "+",
            '▶' | '›' => ">",
            '✓' => "+",
            '✗' => "x",
            '⚠' => "!",
            'ℹ' => "i",
            '☐' => "o",
            '•' => "*",
            '·' => "-",
            '…' => ".",
            '×' => "x",
            '↑' => "^",
            '↓' => "v",
            '←' => "<",
            '→' => ">",
            '█' => "#",
            '▀' | '▄' => ":",
            '\u{2800}'..='\u{28ff}' => ["|", "/", "-", "\\"][tick % 4],
            _ => "?",
        };
        cell.set_symbol(ascii);
    }
}

/// A window too small for any screen: say so rather than cut the content.
fn too_small(frame: &mut Frame, look: Look) {
    let area = frame.area();
    let text = format!(
        "terminal too small: needs {}×{} (this one is {}×{}). Make the window larger; Ctrl-C quits.",
        MIN_SIZE.0, MIN_SIZE.1, area.width, area.height
    );
    frame.render_widget(
        Paragraph::new(Span::styled(text, style(look, Color::Yellow))).wrap(Wrap { trim: true }),
        area,
    );
    if look.ascii {
        asciify(frame.buffer_mut(), look.tick);
    }
}

/// The bordered box around `inner`.
fn outset(inner: Rect) -> Rect {
    Rect::new(
        inner.x.saturating_sub(1),
        inner.y.saturating_sub(1),
        inner.width + 2,
        inner.height + 2,
    )
}

/// Text that may not fit `area`: wrapped, scrolled to the screen's offset but never past its
/// last line, and marked on the border of `frame_box` when more is above or below.
fn scrolled(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    text: Paragraph<'_>,
    frame_box: Rect,
    look: Look,
) {
    scroll_within(
        frame,
        area,
        text,
        (app.scroll, &app.scroll_max),
        frame_box,
        look,
    );
}

/// `text` in `area` scrolled to `offset` but never past its last line; the furthest offset is
/// kept in `max` for the keys to stop at.
fn scroll_within(
    frame: &mut Frame,
    area: Rect,
    text: Paragraph<'_>,
    (offset, max): (usize, &std::cell::Cell<usize>),
    frame_box: Rect,
    look: Look,
) {
    let furthest = text
        .line_count(area.width)
        .saturating_sub(usize::from(area.height));
    max.set(furthest);
    at_offset(
        frame,
        area,
        text,
        (offset.min(furthest), furthest, SCROLL),
        frame_box,
        look,
    );
}

/// The mark for more below when Up and Down scroll.
const SCROLL: &str = " ↓ more below: ↑↓ scroll ";

/// `text` scrolled `offset` lines of `max`, with the "more" marks on `frame_box`; `below`
/// says how to see what is below.
fn at_offset(
    frame: &mut Frame,
    area: Rect,
    text: Paragraph<'_>,
    (offset, max, below): (usize, usize, &str),
    frame_box: Rect,
    look: Look,
) {
    frame.render_widget(
        text.scroll((u16::try_from(offset).unwrap_or(u16::MAX), 0)),
        area,
    );
    let mark = |frame: &mut Frame, y: u16, text: &str| {
        let width = u16::try_from(text.chars().count())
            .unwrap_or(0)
            .min(frame_box.width.saturating_sub(2));
        let at = Rect::new(frame_box.right().saturating_sub(width + 1), y, width, 1);
        frame.render_widget(
            Paragraph::new(Span::styled(text.to_string(), style(look, Color::Yellow))),
            at,
        );
    };
    if offset > 0 {
        mark(frame, frame_box.y, " ↑ more above ");
    }
    if offset < max {
        mark(frame, frame_box.bottom().saturating_sub(1), below);
    }
}

fn style(look: Look, colour: Color) -> Style {
    if look.colour {
        Style::new().fg(colour)
    } else {
        Style::new()
    }
}

fn mark(status: Status, look: Look) -> Span<'static> {
    let (text, colour) = match status {
        Status::Pass => ("✓", Color::Green),
        Status::Warn => ("⚠", Color::Yellow),
        Status::Fail => ("✗", Color::Red),
        Status::Skip => ("-", Color::DarkGray),
    };
    Span::styled(text, style(look, colour))
}

fn list<'a>(items: &[String], selected: usize, look: Look) -> Vec<Line<'a>> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            if i == selected {
                Line::from(Span::styled(
                    format!("▶ {item}"),
                    style(look, Color::Cyan).add_modifier(Modifier::BOLD),
                ))
            } else {
                Line::from(format!("  {item}"))
            }
        })
        .collect()
}

fn hints(app: &App) -> String {
    let demo = app.demo_url.is_some();
    let failed = app.authorizing.as_ref().is_some_and(|a| a.failed.is_some());
    let jwt = app.method().flow == Flow::Jwt;
    let hint = match app.screen {
        Screen::Authorize if failed => "Enter try again · Esc back to the form",
        Screen::Authorize if app.method().flow == Flow::Device && demo => {
            "F3 demo: approve the code · y copy the link · Esc cancel"
        }
        Screen::Authorize if app.method().flow == Flow::Device => "y copy the link · Esc cancel",
        Screen::Authorize if demo => {
            "paste the address · Enter use it · F5 copy the address · F3 demo: log in · Esc cancel"
        }
        Screen::Authorize => {
            "paste the address · Enter use it · F5 copy the address · F2 reveal · Esc cancel"
        }
        Screen::Certificate if demo => {
            "↑↓ scroll · y copy · F3 demo: upload it · Enter test · Esc back"
        }
        Screen::Certificate => "↑↓ scroll · y copy · Enter test · Esc back to the form",
        Screen::Home if app.connections.is_empty() => "n new · ? help · q quit",
        Screen::Home => {
            "↑↓ choose · t test · r re-auth · h hand-off · x remove · n new · ? help · q quit"
        }
        Screen::Name => "type a name · Enter next · Esc back · Ctrl-C quit",
        Screen::Environment if app.environment == app.environments().len() - 1 => {
            "type the My Domain URL · ↑↓ choose · Enter next · Esc back · F1 help"
        }
        Screen::Environment | Screen::Method => "↑↓ choose · Enter next · Esc back · ? help",
        Screen::Prerequisites => "Enter show me how · Esc back · ? help",
        Screen::Guide => {
            "Tab next guide · ↑↓ scroll · l/c Lightning/Classic · Enter I'm ready · Esc back"
        }
        Screen::Credentials if demo && app.method().flow == Flow::RefreshToken => {
            "Tab next field · F3 demo: get a refresh token · Enter test · Esc back"
        }
        Screen::Credentials if jwt => {
            "Tab next field · F4 certificate · Enter test · Esc back · F1 help"
        }
        Screen::Credentials => "Tab next field · F2 reveal · paste works · Enter test · Esc back",
        Screen::Testing if app.running => "Esc cancel",
        Screen::Testing if app.testing_saved && app.passed == Some(false) => {
            "r re-authenticate · Enter back to connections"
        }
        Screen::Testing if app.testing_saved => "Enter back to connections",
        Screen::Testing if app.passed == Some(true) => {
            "Enter save · r test again · Esc fix a field"
        }
        Screen::Testing if jwt => "r test again · F4 certificate · Esc fix a field",
        Screen::Testing => "r test again · Esc fix a field",
        Screen::Save if app.saving => "Saving… · Esc back",
        Screen::Save => "k keyring · f encrypted file · Enter save · Esc back",
        Screen::Done if app.previous_token => {
            "h hand-off · v revoke the old token · Enter connections · q quit"
        }
        Screen::Done => "h hand-off: copy values into the integration · Enter connections · q quit",
        Screen::Reauth => "Enter continue · m move to another method · Esc back",
        Screen::Handoff => "↑↓ choose · F2 reveal · Enter/y copy · Esc back",
        Screen::ConfirmRemove => "y remove and revoke · k remove, keep token · other keys cancel",
        Screen::Passphrase => "type the passphrase · F2 reveal · Enter use it · Esc cancel",
    };
    hint.to_string()
}

/// The smallest window every screen fits in (its text scrolls when longer).
pub const MIN_SIZE: (u16, u16) = (50, 14);

pub fn draw(app: &App, frame: &mut Frame, look: Look) {
    let area = frame.area();
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        too_small(frame, look);
        return;
    }
    let hints = Paragraph::new(Span::styled(hints(app), style(look, Color::DarkGray)))
        .wrap(Wrap { trim: true });
    let footer_height = u16::try_from(hints.line_count(area.width).clamp(1, 2)).unwrap_or(2);
    // A message gets the lines it needs (up to 5): a cut-off error is no help.
    let said = app
        .message
        .as_deref()
        .filter(|_| app.screen != Screen::Done)
        .map(|text| {
            Paragraph::new(Text::styled(text.to_string(), style(look, Color::Yellow)))
                .wrap(Wrap { trim: true })
        });
    let message_height = said.as_ref().map_or(2, |p| {
        u16::try_from(p.line_count(area.width).clamp(2, 5)).unwrap_or(5)
    });
    let [header, body, message, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(5),
        Constraint::Length(message_height),
        Constraint::Length(footer_height),
    ])
    .areas(area);
    let ui = match app.ui {
        Ui::Lightning => "Lightning",
        Ui::Classic => "Classic",
    };
    // The Setup paths choice stays in view: a narrow window shortens the title instead.
    let choice = format!(" · Setup paths: {ui}");
    let room = usize::from(header.width)
        .saturating_sub(" sfconnect · ".chars().count() + choice.chars().count());
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(
                " sfconnect ",
                style(look, Color::Cyan).add_modifier(Modifier::BOLD),
            ),
            Span::raw(format!("· {}{choice}", cut(&title(app), room))),
        ])),
        header,
    );
    // Values to select with the mouse (addresses, links, certificates) get no side borders:
    // a selection must not pick up `│` from wrapped lines.
    let block = if matches!(
        app.screen,
        Screen::Authorize | Screen::Certificate | Screen::Done
    ) {
        Block::new().borders(Borders::TOP | Borders::BOTTOM)
    } else {
        Block::bordered()
    }
    .title(format!(" {} ", title(app)));
    let inner = block.inner(body);
    frame.render_widget(block, body);
    match app.screen {
        Screen::Home => home(app, frame, inner, look),
        Screen::Name => form_line(
            frame,
            inner,
            "Name this connection (e.g. prod, uat-sandbox):",
            &editing(&app.name),
        ),
        Screen::Environment => environment(app, frame, inner, look),
        Screen::Method => method(app, frame, inner, look),
        Screen::Prerequisites => {
            let mut lines = vec![
                Line::from(format!("{} needs:", app.method().label)),
                Line::from(""),
            ];
            for item in crate::wizard::methods::prerequisites(app.method().flow) {
                lines.push(Line::from(format!("• {item}")));
            }
            lines.push(Line::from(""));
            lines.push(Line::from(
                "Next: the steps in Salesforce, for Lightning Experience or Salesforce Classic.",
            ));
            scrolled(
                app,
                frame,
                inner,
                Paragraph::new(lines).wrap(Wrap { trim: true }),
                body,
                look,
            );
        }
        Screen::Guide => guide(app, frame, inner, look),
        Screen::Credentials => credentials(app, frame, inner, look),
        Screen::Testing => testing(app, frame, inner, look),
        Screen::Authorize => authorize(app, frame, inner, look),
        Screen::Certificate => certificate(app, frame, inner, look),
        Screen::Save => save(app, frame, inner, look),
        Screen::Reauth => reauth(app, frame, inner, look),
        Screen::Handoff => handoff(app, frame, inner, look),
        Screen::Passphrase => form_line(
            frame,
            inner,
            "The encrypted secrets file is protected by a passphrase. Type it to open the file (it is kept only while sfconnect runs):",
            &editing(&app.passphrase),
        ),
        Screen::ConfirmRemove => frame.render_widget(
            Paragraph::new(remove_question(app.connections.get(app.cursor)))
                .wrap(Wrap { trim: true }),
            inner,
        ),
        Screen::Done => scrolled(
            app,
            frame,
            inner,
            Paragraph::new(
                [
                    app.message.clone().unwrap_or_default(),
                    String::new(),
                    "Next:".into(),
                ]
                .into_iter()
                .chain(app.next_steps().into_iter().map(|s| format!("- {s}")))
                .map(Line::from)
                .collect::<Vec<_>>(),
            )
            .wrap(Wrap { trim: true }),
            unbordered(inner),
            look,
        ),
    }
    if let Some(said) = said {
        frame.render_widget(said, message);
    }
    frame.render_widget(hints, footer);
    if app.help {
        help(app, frame, look);
    }
    if look.ascii {
        asciify(frame.buffer_mut(), look.tick);
    }
}

/// The tested values, one per line, masked unless revealed; the selected one marked.
fn handoff(app: &App, frame: &mut Frame, area: Rect, look: Look) {
    use secrecy::ExposeSecret;
    let Some(h) = &app.handoff else {
        return;
    };
    let mut lines = vec![
        Line::from(
            "The integration's own form asks for these (its Re-Authenticate or Settings screen). Copy one at a time and paste it there:",
        ),
        Line::from(""),
    ];
    for (i, item) in h.items.iter().enumerate() {
        let shown = if item.secret && !(h.revealed && i == h.cursor) {
            format!(
                "{} ({} characters)",
                "•".repeat(8),
                item.value.expose_secret().chars().count()
            )
        } else {
            item.value.expose_secret().to_string()
        };
        let pointer = if i == h.cursor { "▶ " } else { "  " };
        lines.push(Line::from(vec![
            Span::raw(format!("{pointer}{}: ", item.label)),
            Span::styled(shown, style(look, Color::Cyan)),
        ]));
    }
    if h.items.is_empty() {
        lines.push(Line::from("Nothing is saved that a form would ask for."));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
    if app.help {
        help(app, frame, look);
    }
    if look.ascii {
        asciify(frame.buffer_mut(), look.tick);
    }
}

fn title(app: &App) -> String {
    let step = match app.screen {
        Screen::Home => return "Saved connections".into(),
        Screen::Testing => {
            let name = if app.testing_saved {
                app.selected_connection().unwrap_or_default()
            } else {
                app.name.text().to_string()
            };
            return format!("Testing '{name}'");
        }
        Screen::Save => return "Save: where should the secrets live?".into(),
        Screen::Done => return "Saved".into(),
        Screen::ConfirmRemove => return "Remove a connection".into(),
        Screen::Passphrase => return "Passphrase for the secrets file".into(),
        Screen::Handoff => {
            let name = app.handoff.as_ref().map(|h| h.name.as_str()).unwrap_or("");
            return format!("Hand-off: '{name}' into the integration's form");
        }
        Screen::Authorize if app.method().flow == Flow::Device => "log in with a device code",
        Screen::Authorize => "log in with a browser",
        Screen::Certificate => "JWT bearer certificate",
        Screen::Name => "name",
        Screen::Environment => "where is the org?",
        Screen::Method => "how to log in",
        Screen::Prerequisites => "before you start",
        Screen::Guide => "prepare Salesforce",
        Screen::Credentials => "credentials",
        Screen::Reauth => "what happened",
    };
    match &app.reauth {
        Some(loaded) if app.moving => {
            format!("Move '{}' to another login method: {step}", loaded.name)
        }
        Some(loaded) => format!("Re-authenticate '{}': {step}", loaded.name),
        None => format!("New connection: {step}"),
    }
}

/// A focused field: its value with a bar at the cursor, and a word when it is all selected.
fn editing(field: &crate::wizard::field::Field) -> String {
    if field.selected {
        format!(
            "{}  (selected: typing replaces it)",
            field.display_at_cursor()
        )
    } else {
        field.display_at_cursor()
    }
}

fn form_line(frame: &mut Frame, area: Rect, prompt: &str, value: &str) {
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(prompt.to_string()),
            Line::from(format!("> {value}")),
        ])
        .wrap(Wrap { trim: true }),
        area,
    );
}

fn home(app: &App, frame: &mut Frame, area: Rect, look: Look) {
    let mut lines = Vec::new();
    if app.connections.is_empty() {
        lines.push(Line::from(
            "No saved connections yet. Press n to add one; q quits.",
        ));
    }
    // Two lines a connection; keep the selected one in view.
    let visible = usize::from(area.height / 2).max(1);
    let first = app.cursor.saturating_sub(visible - 1);
    for (i, c) in app.connections.iter().enumerate().skip(first).take(visible) {
        let env = if c.sandbox { "SANDBOX" } else { "PRODUCTION" };
        let store = match c.store {
            StoreKind::Keyring => "keyring",
            StoreKind::File => "encrypted file",
        };
        let pointer = if i == app.cursor { "▶ " } else { "  " };
        // Who and how first (the name, the method, the user), then where: each line is cut to
        // the width, so a narrow window keeps the most telling part.
        let method = crate::wizard::methods::short_label(c.flow);
        let who = c
            .username
            .as_deref()
            .map(|u| format!(" · {u}"))
            .unwrap_or_default();
        let room = usize::from(area.width).saturating_sub(4);
        lines.push(Line::from(vec![
            Span::raw(pointer),
            mark(c.health, look),
            Span::raw(cut(
                &format!(" {} · {method}{who}  [{env}]  secrets: {store}", c.name),
                room,
            )),
        ]));
        // One line, cut to the width: two lines a connection keep the chosen one in view.
        let room = usize::from(area.width).saturating_sub(6);
        lines.push(Line::from(format!("     {}", cut(&c.summary, room))));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

/// The password's age, in words that agree with what is known to be wrong.
fn password_age(days: u64, problem: Option<&str>) -> String {
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

fn reauth(app: &App, frame: &mut Frame, area: Rect, look: Look) {
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
            Span::styled(problem.clone(), style(look, Color::Yellow)),
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
                valid.describe(std::time::SystemTime::now())
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
                style(look, Color::Yellow),
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
    let now = std::time::SystemTime::now();
    for advisory in crate::connect::advisories::advisories(loaded.draft.flow, now) {
        lines.push(Line::from(Span::styled(
            format!("⚠ {}.", advisory.short),
            style(look, Color::Yellow),
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

fn environment(app: &App, frame: &mut Frame, area: Rect, look: Look) {
    let mut lines = list(&app.environments(), app.environment, look);
    if app.environment == app.environments().len() - 1 {
        lines.push(Line::from(""));
        lines.push(Line::from(format!(
            "My Domain URL: {}",
            editing(&app.my_domain)
        )));
        let typed = app.my_domain.text();
        lines.push(match crate::salesforce::LoginUrl::parse(typed) {
            _ if typed.is_empty() => Line::from("  e.g. https://acme.my.salesforce.com or https://acme--uat.sandbox.my.salesforce.com"),
            Ok(url) => Line::from(Span::styled(format!("  ✓ {url}"), style(look, Color::Green))),
            Err(e) => Line::from(Span::styled(format!("  ⚠ {e}"), style(look, Color::Yellow))),
        });
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

fn method(app: &App, frame: &mut Frame, area: Rect, look: Look) {
    let labels: Vec<String> = METHODS.iter().map(|m| m.label.to_string()).collect();
    let [choices, about] = Layout::vertical([
        Constraint::Length(METHODS.len() as u16 + 1),
        Constraint::Min(2),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(list(&labels, app.method, look)), choices);
    let m = app.method();
    let mut about_lines = Vec::new();
    if let (true, Some(loaded)) = (app.moving, &app.reauth) {
        about_lines.push(Line::from(Span::styled(
            format!(
                "Moving '{}' off {}. For an unattended integration: JWT bearer (an External Client App, a certificate made here, the user pre-authorized), or client credentials (a Run As user, on My Domain); browser login when a person can log in once. The old method keeps working until the new one passes.",
                loaded.name,
                METHODS
                    .iter()
                    .find(|x| x.flow == loaded.draft.flow)
                    .map_or("its method", |x| x.label),
            ),
            style(look, Color::Cyan),
        )));
    }
    about_lines.extend([
        Line::from(m.recommendation),
        Line::from(Span::styled(
            format!("Note: {}", m.caveat),
            style(look, Color::Yellow),
        )),
    ]);
    if let Some(advice) = app.place_advice {
        about_lines.push(Line::from(Span::styled(
            advice.to_string(),
            style(look, Color::DarkGray),
        )));
    }
    // On a small window the description scrolls (↑↓ choose the method, so it is marked).
    let text = Paragraph::new(about_lines).wrap(Wrap { trim: true });
    let max = text
        .line_count(about.width)
        .saturating_sub(usize::from(about.height));
    let below = " ↓ more: a taller window shows it ";
    at_offset(frame, about, text, (0, max, below), outset(area), look);
}

fn guide(app: &App, frame: &mut Frame, area: Rect, look: Look) {
    let ids = app.guides();
    let Some(g) = ids.get(app.guide).and_then(|id| guides::by_id(id)) else {
        return;
    };
    let mut lines = vec![
        Line::from(Span::styled(
            format!("{} ({} of {})", g.title, app.guide + 1, ids.len()),
            Style::new().add_modifier(Modifier::BOLD),
        )),
        Line::from(g.intro(app.method().flow).to_string()),
        Line::from(""),
    ];
    if g.lightning_only && app.ui == Ui::Classic {
        lines.push(Line::from(Span::styled(
            guides::LIGHTNING_ONLY,
            style(look, Color::Yellow),
        )));
    }
    for (i, step) in g.steps.iter().enumerate() {
        lines.push(Line::from(format!("{}. {}", i + 1, step.text(app.ui))));
        if let Some(note) = &step.note {
            lines.push(Line::from(Span::styled(
                format!("   ℹ {note}"),
                style(look, Color::DarkGray),
            )));
        }
        if let Some(sandbox) = &step.sandbox {
            lines.push(Line::from(Span::styled(
                format!("   Sandbox: {sandbox}"),
                style(look, Color::DarkGray),
            )));
        }
    }
    let text = Paragraph::new(lines).wrap(Wrap { trim: true });
    scrolled(app, frame, area, text, outset(area), look);
}

fn credentials(app: &App, frame: &mut Frame, area: Rect, look: Look) {
    let mut lines = Vec::new();
    let mut focus_line = None;
    let specs = crate::wizard::methods::fields(app.method().flow);
    for (i, (f, spec)) in app.fields.iter().zip(&specs).enumerate() {
        let focused = i == app.focus;
        let kept = f.is_empty() && spec.secret.is_some_and(|s| app.kept.get(s).is_some());
        let value = match f.placeholder {
            _ if kept => "(the saved one is kept; type to replace it)".to_string(),
            Some(p) if f.is_empty() => format!("({p})"),
            _ if focused => editing(f),
            _ => f.display(),
        };
        // A secret the app requires by default is not called optional, though it may be empty.
        let optional = match (f.optional, spec.secret) {
            (true, Some(crate::profile::key::CLIENT_SECRET)) => " (needed by default)",
            (true, _) => " (optional)",
            (false, _) => "",
        };
        let text = format!(
            "{}{}{optional}: {value}",
            if focused { "▶ " } else { "  " },
            f.label,
        );
        if focused {
            focus_line = Some(lines.len());
        }
        lines.push(Line::from(if focused {
            Span::styled(text, style(look, Color::Cyan))
        } else {
            Span::raw(text)
        }));
        if let Some(hint) = f.hint() {
            lines.push(Line::from(Span::styled(
                format!("    ⚠ {hint}"),
                style(look, Color::Yellow),
            )));
        }
    }
    if app.token_kept_with_new_password() {
        lines.push(Line::from(Span::styled(
            "⚠ Changing the password resets the security token: Salesforce emails a new one to the user. Type the new token too, or the saved one will be rejected.",
            style(look, Color::Yellow),
        )));
    }
    if !app.demo_hints.is_empty() {
        lines.push(Line::from(""));
        lines.push(Line::from(
            "Demo org credentials (simulated, safe to show):",
        ));
        for (k, v) in &app.demo_hints {
            lines.push(Line::from(format!("  {k}: {v}")));
        }
    }
    // The focused field stays in view when the form is taller than the window.
    let wrapped = |lines: &[Line<'static>]| {
        Paragraph::new(lines.to_vec())
            .wrap(Wrap { trim: false })
            .line_count(area.width)
    };
    let focus_end = wrapped(&lines[..focus_line.map_or(0, |l| l + 1).min(lines.len())]);
    let text = Paragraph::new(lines).wrap(Wrap { trim: false });
    let max = text
        .line_count(area.width)
        .saturating_sub(usize::from(area.height));
    // On the last field, the rest (the demo's credentials, warnings) comes into view too.
    let last = app.focus + 1 >= app.fields.len();
    let offset = if last {
        max
    } else {
        focus_end.saturating_sub(usize::from(area.height)).min(max)
    };
    let below = " ↓ more below: Tab to the last field ";
    at_offset(frame, area, text, (offset, max, below), outset(area), look);
}

const SPINNER: &[&str] = &["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

fn testing(app: &App, frame: &mut Frame, area: Rect, look: Look) {
    let mut lines = Vec::new();
    for c in &app.checks {
        lines.push(Line::from(vec![
            mark(c.status, look),
            Span::raw(format!(" {}: {}", c.title, c.detail)),
        ]));
        if matches!(c.status, Status::Fail | Status::Warn) {
            fix_lines(c, app.ui, look, &mut lines);
        }
    }
    // The verdict keeps its place at the bottom, however many lines the checks take.
    let verdict = if app.running {
        Line::from(format!("{} checking…", SPINNER[look.tick % SPINNER.len()]))
    } else {
        match app.passed {
            Some(true) => Line::from(Span::styled(
                "All required checks passed.",
                style(look, Color::Green),
            )),
            Some(false) => Line::from(Span::styled(
                "A check failed: fix what it says, then test again. Nothing was saved.",
                style(look, Color::Red),
            )),
            None => Line::from(""),
        }
    };
    let verdict = Paragraph::new(verdict).wrap(Wrap { trim: true });
    let verdict_height = u16::try_from(verdict.line_count(area.width).clamp(1, 3)).unwrap_or(3);
    let [checks, bottom] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(verdict_height)]).areas(area);
    let text = Paragraph::new(lines).wrap(Wrap { trim: false });
    scrolled(app, frame, checks, text, outset(area), look);
    frame.render_widget(verdict, bottom);
}

fn save(app: &App, frame: &mut Frame, area: Rect, look: Look) {
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
            style(look, Color::Yellow),
        )));
    }
    // Not trimmed: the row not chosen keeps its indent.
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

/// The keys of the screen it was opened on, then what holds everywhere.
fn help(app: &App, frame: &mut Frame, look: Look) {
    let keys = app.screen_keys();
    let width_of = |k: &str| k.chars().count();
    let key_width = keys.iter().map(|(k, _)| width_of(k)).max().unwrap_or(0);
    let mut lines: Vec<Line> = keys
        .iter()
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(
                    format!("{k:<key_width$}  "),
                    style(look, Color::Cyan).add_modifier(Modifier::BOLD),
                ),
                Span::raw(*what),
            ])
        })
        .collect();
    lines.push(Line::from(""));
    lines.push(Line::from(
        "Secrets are saved only after a test passes, in the keyring or an encrypted file; never in the config file.",
    ));
    lines.push(Line::from(Span::styled(
        "↑↓ scroll this help; any other key closes it.",
        style(look, Color::DarkGray),
    )));
    let area = frame.area();
    let width = area.width.min(76);
    let text = Paragraph::new(lines).wrap(Wrap { trim: false });
    let needed = u16::try_from(text.line_count(width.saturating_sub(2)))
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let height = area.height.min(needed);
    let popup = Rect::new(
        (area.width - width) / 2,
        (area.height - height) / 2,
        width,
        height,
    );
    frame.render_widget(Clear, popup);
    let block = Block::bordered().title(format!(" Keys: {} ", title(app)));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    scroll_within(
        frame,
        inner,
        text,
        (app.help_scroll, &app.help_scroll_max),
        popup,
        look,
    );
}

/// A failed check's fix, with the Setup paths of the user interface chosen.
fn fix_lines(c: &crate::check::CheckResult, ui: Ui, look: Look, lines: &mut Vec<Line<'static>>) {
    let fix = &c.fix;
    if !fix.is_empty() {
        lines.push(Line::from(Span::styled(
            format!("   fix: {fix}"),
            style(look, Color::Yellow),
        )));
    }
    for path in c.setup {
        let (name, route) = match ui {
            Ui::Lightning => ("Lightning", path.lightning.to_string()),
            Ui::Classic => ("Classic", path.classic_route()),
        };
        lines.push(Line::from(Span::styled(
            format!("   {} ({name}): {route}", path.task),
            style(look, Color::Yellow),
        )));
    }
}

fn authorize(app: &App, frame: &mut Frame, area: Rect, look: Look) {
    let Some(a) = &app.authorizing else {
        return;
    };
    let mut lines: Vec<Line<'static>> = Vec::new();
    let waiting = |what: &str| Line::from(format!("{} {what}", SPINNER[look.tick % SPINNER.len()]));
    match &a.prompt {
        None if a.failed.is_none() => lines.push(waiting("starting the login…")),
        None => {}
        Some(Prompt::Browser {
            url,
            redirect,
            listening,
            taken,
            ssh_line,
            opened,
            advice,
        }) => {
            lines.push(Line::from(Span::styled(
                advice.to_string(),
                style(look, Color::DarkGray),
            )));
            lines.push(Line::from(
                "Open this address in a browser on any machine, log in as the integration user and Allow:",
            ));
            lines.push(Line::from(Span::styled(
                url.clone(),
                style(look, Color::Cyan),
            )));
            // A long address is drawn as several rows, which a mouse selection does not join.
            lines.push(Line::from(Span::styled(
                "(F5 copies it whole; F6 shows it alone on the terminal's normal screen, where selecting it with the mouse takes all of it.)",
                style(look, Color::DarkGray),
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
                    style(look, Color::Yellow),
                ))),
                None if !*listening => lines.push(Line::from(Span::styled(
                    format!("⚠ Nothing listens for the redirect: paste the address back. The app's callback URL must be {redirect}"),
                    style(look, Color::Yellow),
                ))),
                None => {}
            }
            if let Some(line) = ssh_line {
                // On a line of its own, so that it is selected whole.
                lines.push(Line::from("Over SSH, first run this on your laptop:"));
                lines.push(Line::from(Span::styled(
                    line.clone(),
                    style(look, Color::Cyan),
                )));
            }
            lines.push(Line::from(
                "Or paste the address the browser lands on (or the code, or the error its page shows), then Enter:",
            ));
            lines.push(Line::from(format!("> {}", editing(&a.paste))));
            let said = crate::salesforce::web::describe_paste(a.paste.text());
            if !said.is_empty() {
                lines.push(Line::from(Span::styled(
                    format!("  pasted: {said}"),
                    style(look, Color::DarkGray),
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
                style(look, Color::Cyan).add_modifier(Modifier::BOLD),
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
        fix_lines(failed, app.ui, look, &mut lines);
    }
    let text = Paragraph::new(lines).wrap(Wrap { trim: false });
    scrolled(app, frame, area, text, unbordered(area), look);
}

fn certificate(app: &App, frame: &mut Frame, area: Rect, look: Look) {
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
            valid.describe(std::time::SystemTime::now())
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
            .map(|l| Line::from(Span::styled(l.to_string(), style(look, Color::DarkGray)))),
    );
    let text = Paragraph::new(lines).wrap(Wrap { trim: false });
    scrolled(app, frame, area, text, unbordered(area), look);
}

/// The box of a body drawn with top and bottom borders only.
fn unbordered(inner: Rect) -> Rect {
    Rect::new(
        inner.x,
        inner.y.saturating_sub(1),
        inner.width,
        inner.height + 2,
    )
}

/// The removal question: what revoking ends at Salesforce, said before it is done.
fn remove_question(row: Option<&crate::wizard::ConnectionRow>) -> String {
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

/// `text` cut to `room` characters, an ellipsis marking the cut.
fn cut(text: &str, room: usize) -> String {
    if text.chars().count() <= room {
        return text.to_string();
    }
    text.chars()
        .take(room.saturating_sub(1))
        .chain(['…'])
        .collect()
}
