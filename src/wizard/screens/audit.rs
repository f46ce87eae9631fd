//! Who in the org still logs in how (`a` on a connection): its Login History read in the
//! background, then the groups, retiring ones first; `m` moves a group that is a saved
//! connection.

use super::super::keys::Binding;
use super::super::{App, Effect, Key, Purpose, Retry, Screen, step};
use crate::connect::audit::Audit;

/// The Audit screen's state.
#[derive(Debug)]
pub struct AuditView {
    /// The connection whose user reads the history.
    pub name: String,
    /// Rows read so far.
    pub rows_read: u64,
    /// The org's id and what was found, once the reading is done.
    pub report: Option<(String, Audit)>,
    /// Why the history could not be read.
    pub failed: Option<String>,
    /// The chosen group.
    pub cursor: usize,
}

impl AuditView {
    pub fn running(&self) -> bool {
        self.report.is_none() && self.failed.is_none()
    }

    /// The saved connection the chosen group logs in as, when it is one on a retiring method.
    pub fn movable(&self) -> Option<&str> {
        let (_, audit) = self.report.as_ref()?;
        let group = audit.groups.get(self.cursor)?;
        group.method().retires()?;
        group.saved_as.first().map(String::as_str)
    }
}

impl App {
    /// Start reading the Login History of `name`'s org.
    pub(crate) fn start_audit(&mut self, name: String) -> Vec<Effect> {
        self.request += 1;
        self.screen = Screen::Audit(AuditView {
            name: name.clone(),
            rows_read: 0,
            report: None,
            failed: None,
            cursor: 0,
        });
        vec![Effect::Audit {
            request: self.request,
            name,
        }]
    }
}

pub(crate) fn on_key(app: &mut App, mut view: AuditView, key: Key) -> Vec<Effect> {
    match key {
        Key::Esc => {
            app.request += 1;
            app.screen = Screen::Home;
            return if view.running() {
                vec![Effect::CancelCheck]
            } else {
                Vec::new()
            };
        }
        Key::Char('m') => {
            if let Some(name) = view.movable().map(str::to_string) {
                app.screen = Screen::Audit(view);
                return app.redo(Retry::Load {
                    name,
                    purpose: Purpose::Move,
                });
            }
        }
        Key::Up | Key::Down => {
            let len = view.report.as_ref().map_or(0, |(_, a)| a.groups.len());
            step(&mut view.cursor, len, key);
        }
        _ => {}
    }
    app.screen = Screen::Audit(view);
    Vec::new()
}

/// Rows read so far.
pub(crate) fn progressed(app: &mut App, rows: u64) -> Vec<Effect> {
    if let Screen::Audit(view) = &mut app.screen {
        view.rows_read = rows;
    }
    Vec::new()
}

/// The reading ended.
pub(crate) fn finished(app: &mut App, result: Result<(String, Audit), String>) -> Vec<Effect> {
    if let Screen::Audit(view) = &mut app.screen {
        match result {
            Ok((org, audit)) => {
                view.rows_read = audit.rows_read;
                view.report = Some((org, audit));
            }
            Err(why) => view.failed = Some(why),
        }
    }
    Vec::new()
}

pub(crate) fn bindings(view: &AuditView) -> Vec<Binding> {
    if view.running() {
        return vec![
            Binding::new(&[Key::Esc], "Esc", "stop reading and go back").footer("Esc cancel"),
        ];
    }
    let mut keys = Vec::new();
    if view
        .report
        .as_ref()
        .is_some_and(|(_, a)| a.groups.len() > 1)
    {
        keys.push(Binding::new(&[Key::Up, Key::Down], "↑↓", "choose a group").footer("↑↓ choose"));
    }
    if view.movable().is_some() {
        keys.push(
            Binding::new(
                &[Key::Char('m')],
                "m",
                "move this saved connection to another login method (it keeps working until the new one passes)",
            )
            .footer("m move it"),
        );
    }
    keys.push(Binding::new(&[Key::Esc], "Esc", "back to the connections").footer("Esc back"));
    keys
}
