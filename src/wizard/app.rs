//! The wizard's state: what every screen shares, and what the screen shown holds.

use super::field::Field;
use super::methods::{self, METHODS};
use super::screens::reauth::Pair;
use super::{ConnectionRow, ENVIRONMENTS, GeneratedKey, Key, Loaded, Screen, TestRun};
use crate::profile::{SecretBundle, StoreKind, Ui};

/// What the wizard holds: the screen shown (with what only it holds), the connection being
/// built or re-authenticated, and the session's settings.
pub struct App {
    pub screen: Screen,
    pub connections: Vec<ConnectionRow>,
    pub cursor: usize,
    pub name: Field,
    pub environment: usize,
    pub my_domain: Field,
    /// A simulated org's login URL offered first (`sfconnect demo`).
    pub demo_url: Option<String>,
    pub demo_hints: Vec<(String, String)>,
    pub method: usize,
    /// How far the text of the screen shown is scrolled, in lines (guides, results,
    /// certificate, plans); back to the top when the screen changes.
    pub scroll: usize,
    /// The furthest `scroll` can go on the screen as last drawn: the view sets it, so
    /// scrolling stops at the last line instead of running into an empty box.
    pub scroll_max: std::cell::Cell<usize>,
    pub ui: Ui,
    pub fields: Vec<Field>,
    /// Fields typed for another method: a switch back (or to a method sharing them) finds
    /// them again. Wiped when the wizard forgets this connection.
    pub spare: Vec<Field>,
    pub focus: usize,
    /// Secrets that need not be typed: a re-authenticated connection's saved ones, and the
    /// refresh token a browser or device login just brought.
    pub kept: SecretBundle,
    pub request: u64,
    pub store: StoreKind,
    pub message: Option<String>,
    pub help: bool,
    /// How far the help is scrolled, and how far it can go as last drawn.
    pub help_scroll: usize,
    pub help_scroll_max: std::cell::Cell<usize>,
    /// Set while re-authenticating a saved connection.
    pub reauth: Option<Loaded>,
    /// A re-authentication that moves the connection to another login method (`m` on the
    /// re-authentication screen): the method's own setup guides, nothing of the old secrets.
    pub moving: bool,
    /// Which key a JWT re-authentication uses: the one in use, a new pair (certificate
    /// rotation: the key file field starts empty), or a pair made for the app earlier.
    pub pair: Pair,
    /// A key file typed in the form whose effect on the app (or short-lived certificate) was
    /// said: the next Enter tests it.
    pub key_confirmed: Option<std::path::PathBuf>,
    /// Counts copies of secrets, so that only the latest is cleared.
    pub clipboard_generation: u64,
    /// Revoke a replaced refresh token as soon as the new credentials are saved
    /// (`reauth --revoke-old`).
    pub revoke_old: bool,
    /// The key pair made for JWT bearer in this session.
    pub generated: Option<GeneratedKey>,
    /// Where this runs (SSH, no display, container) and which logins suit it.
    pub place_advice: Option<&'static str>,
    /// How the commands on screen are typed to reach these connections: `sfconnect`, with
    /// `--config-dir` when they live elsewhere (the demo's scratch dir).
    pub command: String,
    /// Why the OS keyring cannot work here, when that is known before trying.
    pub keyring_note: Option<String>,
}

impl App {
    /// Up and Down on a screen of text: one line, never past its end.
    pub(crate) fn scroll_by(&mut self, key: Key) -> bool {
        match key {
            Key::Down => self.scroll = (self.scroll + 1).min(self.scroll_max.get()),
            Key::Up => self.scroll = self.scroll.saturating_sub(1),
            _ => return false,
        }
        true
    }

    pub fn new(
        connections: Vec<ConnectionRow>,
        store: StoreKind,
        demo_url: Option<String>,
    ) -> Self {
        let screen = if connections.is_empty() {
            Screen::Name { taken_said: false }
        } else {
            Screen::Home
        };
        Self {
            screen,
            connections,
            cursor: 0,
            name: Field::new("Connection name").with_value(if demo_url.is_some() {
                "demo"
            } else {
                ""
            }),
            environment: 0,
            my_domain: Field::new("My Domain URL"),
            demo_url,
            demo_hints: Vec::new(),
            method: 0,
            scroll: 0,
            scroll_max: std::cell::Cell::new(0),
            ui: Ui::Lightning,
            fields: Vec::new(),
            spare: Vec::new(),
            focus: 0,
            kept: SecretBundle::default(),
            request: 0,
            store,
            message: None,
            help: false,
            help_scroll: 0,
            help_scroll_max: std::cell::Cell::new(0),
            reauth: None,
            moving: false,
            pair: Pair::Keep,
            key_confirmed: None,
            clipboard_generation: 0,
            revoke_old: false,
            generated: None,
            place_advice: None,
            command: "sfconnect".into(),
            keyring_note: None,
        }
    }

    /// The test on screen, while the Testing screen shows.
    pub fn test_run(&self) -> Option<&TestRun> {
        match &self.screen {
            Screen::Testing(run) => Some(run),
            _ => None,
        }
    }

    /// Something on screen moves while it waits: a test, a login, a save.
    pub fn animating(&self) -> bool {
        match &self.screen {
            Screen::Testing(run) => run.running,
            Screen::Authorize(_) => true,
            Screen::Save(step) => step.saving,
            Screen::Audit(view) => view.running(),
            _ => false,
        }
    }

    /// The guides on the way to the form: the method's setup for a new connection, its
    /// re-authentication plan for a saved one.
    pub fn guides(&self) -> Vec<&'static str> {
        match &self.reauth {
            // Keeping the key in use uploads nothing: the certificate's guide is left out.
            Some(_) if !self.moving => methods::reauth_plan(self.method().flow)
                .guides
                .iter()
                .copied()
                .filter(|g| !(*g == "upload-certificate" && self.pair == Pair::Keep))
                .collect(),
            // Moving off the password flow: its connected app can become the External Client
            // App the new method needs.
            Some(loaded) if loaded.draft.flow == crate::profile::Flow::Password => {
                let mut guides = self.method().guides.to_vec();
                if let Some(at) = guides
                    .iter()
                    .position(|g| *g == "create-external-client-app")
                {
                    guides.insert(at + 1, "migrate-connected-app");
                }
                guides
            }
            _ => self.method().guides.to_vec(),
        }
    }

    pub fn method(&self) -> &'static methods::Method {
        &METHODS[self.method.min(METHODS.len() - 1)]
    }

    /// The environments offered: the demo org first when there is one.
    pub fn environments(&self) -> Vec<String> {
        let mut list: Vec<String> = ENVIRONMENTS.iter().map(|s| s.to_string()).collect();
        if let Some(url) = &self.demo_url {
            list.insert(0, format!("Demo org (simulated, {url})"));
        }
        list
    }
}
