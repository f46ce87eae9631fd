//! Re-authentication: what is wrong with a saved connection, what will be asked, or a move.

use super::super::field::Field;
use super::super::keys::Binding;
use super::super::methods::METHODS;
use super::super::{App, Effect, Key, Loaded, Screen};
use crate::connect::health::WARN_DAYS;

/// Which key a JWT re-authentication uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Pair {
    /// The key in use (after a user change, a pre-authorization fix, a reinstalled app).
    #[default]
    Keep,
    /// A new pair: certificate rotation.
    New,
    /// A pair made for the app earlier that has not passed a test yet (its certificate may be
    /// in the app already).
    Pending(std::path::PathBuf),
}

impl App {
    /// Start re-authenticating from a loaded connection: its method and login URL are fixed,
    /// its settings prefilled, and its secrets kept unless replaced.
    pub(crate) fn begin_reauth(&mut self, loaded: Loaded) {
        self.name = Field::new("Connection name").with_value(&loaded.name);
        self.method = METHODS
            .iter()
            .position(|m| m.flow == loaded.draft.flow)
            .unwrap_or(0);
        self.environment = self.environments().len() - 1;
        self.my_domain = Field::new("My Domain URL").with_value(loaded.draft.login_url.as_str());
        self.ui = loaded.draft.ui;
        self.store = loaded.store;
        self.fields.clear();
        self.spare.clear();
        self.kept = loaded.draft.secrets.clone();
        self.generated = None;
        self.scroll = 0;
        self.message = None;
        self.moving = false;
        self.key_confirmed = None;
        self.pair = default_pair(&loaded);
        self.screen = Screen::Reauth;
        self.reauth = Some(loaded);
    }
}

/// A pair made for this very connection and not tested yet is what the admin came back to
/// finish; a certificate that expires within the warning window (or has) is rotated; else the
/// key in use is kept.
fn default_pair(loaded: &Loaded) -> Pair {
    if loaded.draft.flow != crate::profile::Flow::Jwt {
        return Pair::Keep;
    }
    match loaded.pending.first() {
        Some(p) if p.made_for == loaded.name => Pair::Pending(p.key_file.clone()),
        _ if loaded.certificate_days_left.is_some_and(|d| d <= WARN_DAYS) => Pair::New,
        _ => Pair::Keep,
    }
}

impl App {
    /// Back to the re-authentication screen. A new pair made on the way is now a pair not
    /// tested yet (its certificate may be uploaded): shown there, and what Enter finishes with.
    pub(crate) fn back_to_reauth(&mut self) {
        self.screen = Screen::Reauth;
        let (Some(loaded), Some(g)) = (&mut self.reauth, &self.generated) else {
            return;
        };
        let (Some(made_at), false) = (g.uses.untested_since, g.reused) else {
            return;
        };
        if !loaded.pending.iter().any(|p| p.key_file == g.key_file) {
            loaded.pending.insert(
                0,
                crate::profile::PendingCertificate {
                    client_id: loaded.draft.client_id.clone().unwrap_or_default(),
                    login_url: loaded.draft.login_url.to_string(),
                    key_file: g.key_file.clone(),
                    made_for: loaded.name.clone(),
                    made_at,
                },
            );
        }
        self.pair = Pair::Pending(g.key_file.clone());
    }
}

pub(crate) fn on_key(app: &mut App, key: Key) -> Vec<Effect> {
    let jwt = app.method().flow == crate::profile::Flow::Jwt;
    let pending = app
        .reauth
        .as_ref()
        .and_then(|l| l.pending.first())
        .map(|p| p.key_file.clone());
    let chosen = match key {
        Key::Char('k') if jwt => Some(Pair::Keep),
        Key::Char('n') if jwt => Some(Pair::New),
        Key::Char('p') if jwt => pending.map(Pair::Pending),
        _ => None,
    };
    if let Some(pair) = chosen {
        app.pair = pair;
        app.fields.clear();
        app.screen = Screen::Guide { page: 0 };
        return Vec::new();
    }
    match key {
        Key::Enter => app.screen = Screen::Guide { page: 0 },
        Key::Char('m') => app.begin_move(),
        Key::Esc => {
            app.reauth = None;
            app.screen = Screen::Home;
        }
        _ => {
            app.scroll_by(key);
        }
    }
    Vec::new()
}

pub(crate) fn bindings(app: &App) -> Vec<Binding> {
    let mut keys = vec![
        Binding::new(
            &[Key::Enter],
            "Enter",
            "go on: the guides, then the form (JWT: with the key the screen says Enter uses)",
        )
        .footer("Enter continue"),
    ];
    if app.method().flow == crate::profile::Flow::Jwt {
        if app.reauth.as_ref().is_some_and(|l| !l.pending.is_empty()) {
            keys.push(
                Binding::new(
                    &[Key::Char('p')],
                    "p",
                    "finish with the new pair made for the app and not tested yet",
                )
                .footer("p finish new pair"),
            );
        }
        keys.extend([
            Binding::new(
                &[Key::Char('k')],
                "k",
                "keep the key in use (after a user change, a pre-authorization fix, a reinstalled app)",
            )
            .footer("k keep key"),
            Binding::new(
                &[Key::Char('n')],
                "n",
                "a new key pair: its certificate, once uploaded, ends the old key at once",
            )
            .footer("n new pair"),
        ]);
    }
    keys.extend([
        Binding::new(
            &[Key::Char('m')],
            "m",
            "move it to another login method (kept as it is until the new one passes)",
        )
        // Short where the key choices share the footer.
        .footer(match app.method().flow {
            crate::profile::Flow::Jwt => "m other method",
            _ => "m move to another method",
        }),
        Binding::scroll("scroll"),
        Binding::new(
            &[Key::Esc],
            "Esc",
            "back to the connections; nothing changes",
        )
        .footer("Esc back"),
    ]);
    keys
}
