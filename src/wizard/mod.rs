//! The wizard's state machine: one `App`, `update(&mut App, Msg) -> Vec<Effect>` with no I/O.
//! The terminal runtime (src/tui) draws it and carries out the effects.

pub mod field;
pub mod guides;
pub mod handoff;
pub mod interactive;
mod keys;
pub mod methods;

use std::path::PathBuf;
use std::sync::Arc;

use field::Field;
pub use interactive::{Authorizing, GeneratedKey, StandIn};
use methods::{CONSUMER_KEY, KEY_FILE, METHODS, PASSWORD, SECURITY_TOKEN, USERNAME};
use secrecy::SecretString;

use crate::check::{self, CheckEvent, CheckResult, Status};
pub use crate::connect::interactive::Prompt;
use crate::connect::save::{Replace, Verified};
use crate::profile::{Draft, Flow, SecretBundle, StoreKind, Ui, key};
use crate::salesforce::LoginUrl;

/// Keys the wizard understands, independent of the terminal library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Up,
    Down,
    Backspace,
    Delete,
    Left,
    Right,
    Home,
    End,
    /// A control key other than Ctrl-C: the readline editing keys in text fields.
    Ctrl(char),
    /// F1 (or `?` outside text fields): the keys of this screen.
    Help,
    /// Ctrl-C: leave at once, saving nothing half-done.
    Interrupt,
    /// F2: reveal or hide a secret field.
    Reveal,
    /// F3 in the demo: the simulated org does what a person would in a browser or in Setup.
    Assist,
    /// F4 for JWT bearer: the certificate of the key in use, and how to upload it.
    Certificate,
    /// F5 (or `y` where nothing is typed): copy the value on screen through the terminal.
    Copy,
    /// F6: show the address alone on the terminal's normal screen, where the terminal's own
    /// selection joins a line it wrapped.
    ShowAlone,
}

/// Facts that happened: keys, pastes, background results. Past tense.
#[derive(Debug, Clone)]
pub enum Msg {
    KeyPressed(Key),
    Pasted(String),
    CheckProgressed {
        request: u64,
        event: CheckEvent,
    },
    /// The checks ended; a passing run carries what saving it needs.
    CheckFinished {
        request: u64,
        ok: bool,
        verified: Option<Arc<Verified>>,
    },
    Saved {
        request: u64,
        message: String,
        /// The connection held a refresh token the new credentials do not use: it stays valid
        /// at Salesforce until revoked (`v` on the Saved screen).
        previous_token: bool,
    },
    /// The previous refresh token was revoked, or could not be (said in `message`).
    PreviousRevoked {
        request: u64,
        message: String,
    },
    ConnectionsLoaded(Vec<ConnectionRow>),
    /// The clipboard copy `generation` has been there long enough: clear it, unless
    /// something was copied since.
    ClipboardExpired {
        generation: u64,
    },
    /// A saved connection, loaded for re-authentication (or the hand-off).
    ConnectionLoaded {
        request: u64,
        loaded: Box<Loaded>,
    },
    Removed {
        request: u64,
        message: String,
    },
    /// A save, load, removal or key generation went wrong.
    Failed {
        request: u64,
        problem: Problem,
    },
    /// An interactive login is ready for the user: the URL or the device code to show.
    AuthorizeStarted {
        request: u64,
        prompt: Prompt,
    },
    /// What was pasted is not this login's redirect; the login still waits.
    PasteRefused {
        request: u64,
        why: String,
    },
    /// The device code's remaining lifetime, for the countdown.
    AuthorizeCountdown {
        request: u64,
        left_secs: u64,
    },
    /// The interactive login ended: a refresh token, or what went wrong.
    Authorized {
        request: u64,
        result: Result<SecretString, check::CheckResult>,
    },
    KeyGenerated {
        request: u64,
        key: GeneratedKey,
    },
    /// What a demo stand-in did.
    StoodIn {
        request: u64,
        result: Result<String, String>,
    },
    /// The demo org issued a refresh token for the form.
    TokenIssued {
        request: u64,
        refresh_token: SecretString,
    },
}

/// What went wrong in the runtime, in words; `retry` is set when the encrypted secrets file
/// needs its passphrase, to do again once the user has typed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    pub retry: Option<Retry>,
}

impl Problem {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            retry: None,
        }
    }
}

/// What to do again after the passphrase is given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Retry {
    Load {
        name: String,
    },
    Test {
        name: String,
    },
    /// Remove a connection, revoking its token at Salesforce or not.
    Remove {
        name: String,
        revoke: bool,
    },
    Save,
}

/// A saved connection as re-authentication starts from it: its settings and current secrets
/// (kept unless the user types a replacement), and what is known to be wrong.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub name: String,
    /// The secrets entry it held when loaded: the save replaces only that.
    pub entry: String,
    pub draft: Draft,
    pub store: StoreKind,
    /// What is known to be wrong (a failed test, an expired or expiring password), if anything.
    pub problem: Option<String>,
    /// For methods with a password, when it was last changed.
    pub password_age_days: Option<u64>,
    /// Why the saved secrets could not be opened (then none are kept: the form asks for all).
    pub secrets_problem: Option<String>,
    /// For JWT bearer, the certificate beside the key in use (`None`: none kept beside it).
    pub certificate: Option<(PathBuf, Option<crate::profile::jwt_key::Validity>)>,
}

/// What the runtime must do. Imperative.
#[derive(Debug)]
pub enum Effect {
    StartCheck {
        request: u64,
        name: String,
        draft: Box<Draft>,
    },
    /// Test a saved connection as it is, and record the verdict on it.
    TestSaved {
        request: u64,
        name: String,
    },
    CancelCheck,
    /// Save what the test verified; `old` is what the connection held before (re-authentication),
    /// `replace` what the save may replace.
    Save {
        request: u64,
        verified: Arc<Verified>,
        store: StoreKind,
        old: Option<SecretBundle>,
        replace: Replace,
    },
    LoadConnection {
        request: u64,
        name: String,
    },
    RemoveConnection {
        request: u64,
        name: String,
        /// Revoke its token at Salesforce first.
        revoke: bool,
    },
    /// Revoke the refresh token the save of `request` replaced.
    RevokePrevious {
        request: u64,
    },
    /// Open the encrypted secrets file with this passphrase from now on.
    UsePassphrase {
        passphrase: SecretString,
    },
    ReloadConnections,
    /// Start a browser or device login; its result comes back as `Authorized`.
    StartAuthorize {
        request: u64,
        flow: Flow,
        login_url: LoginUrl,
        client_id: String,
        client_secret: Option<SecretString>,
        port: u16,
    },
    /// Hand a pasted redirect address (or code) to the browser login under way.
    PasteRedirect {
        text: SecretString,
    },
    /// Find the key pair made for this connection earlier, or make one (`fresh`: always a
    /// new pair, beside any the connection uses now).
    GenerateKey {
        request: u64,
        name: String,
        fresh: bool,
    },
    /// Read the certificate kept beside a key file, to show it again.
    ShowCertificate {
        request: u64,
        key_file: PathBuf,
    },
    /// Put a value on the clipboard through the terminal (OSC 52): an address, a link, a
    /// certificate, a command line. Never a secret.
    Copy {
        value: String,
    },
    /// Put a secret on the clipboard through the terminal (the hand-off, at the user's
    /// request), and clear it after `handoff::CLEAR_AFTER` (`Msg::ClipboardExpired`).
    CopySecret {
        value: SecretString,
        generation: u64,
    },
    /// Clear the clipboard (an empty OSC 52), where the terminal allows it.
    ClearClipboard,
    /// Leave the wizard's screen for the terminal's normal one and print `text` there alone
    /// (a long address, one line however the terminal wraps it); any key comes back.
    ShowAlone {
        text: String,
    },
    /// The demo org acts for the user in the login (or test) `request` is waiting on.
    StandIn {
        request: u64,
        what: StandIn,
    },
    Quit,
}

impl Effect {
    /// Whether this starts background work whose result the screen waits for.
    fn starts_request(&self) -> bool {
        matches!(
            self,
            Effect::StartCheck { .. }
                | Effect::TestSaved { .. }
                | Effect::Save { .. }
                | Effect::LoadConnection { .. }
                | Effect::RemoveConnection { .. }
                | Effect::StartAuthorize { .. }
                | Effect::GenerateKey { .. }
                | Effect::ShowCertificate { .. }
        )
    }
}

/// A saved connection on the home screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionRow {
    pub name: String,
    pub health: Status,
    pub summary: String,
    pub sandbox: bool,
    pub store: StoreKind,
    /// How it logs in (whether removing it revokes a refresh token an integration may hold).
    pub flow: Flow,
    /// Who it logs in as, where known.
    pub username: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Home,
    Name,
    Environment,
    Method,
    /// What must be true in Salesforce before this method can work.
    Prerequisites,
    Guide,
    Credentials,
    Testing,
    Save,
    Done,
    /// A browser login or device code under way.
    Authorize,
    /// The certificate made for JWT bearer, with what to do with it.
    Certificate,
    /// Re-authentication: what is wrong with a saved connection and what will be asked.
    Reauth,
    ConfirmRemove,
    /// The encrypted secrets file needs its passphrase.
    Passphrase,
    /// The tested values, to copy one by one into the integration's own form.
    Handoff,
}

/// Where the org is.
pub const ENVIRONMENTS: &[&str] = &[
    "Production (login.salesforce.com)",
    "Sandbox (test.salesforce.com)",
    "My Domain URL",
];

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
    pub guide: usize,
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
    /// The test under way was started with a new password and the saved security token.
    pub tested_with_kept_token: bool,
    pub request: u64,
    pub checks: Vec<CheckResult>,
    pub running: bool,
    pub passed: Option<bool>,
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
    /// The hand-off screen's values, while it is open.
    pub handoff: Option<handoff::Handoff>,
    /// The connection being loaded is for the hand-off, not a re-authentication.
    pub handoff_after_load: bool,
    /// Counts copies of secrets, so that only the latest is cleared.
    pub clipboard_generation: u64,
    /// What was just saved, while the Saved screen shows (its hand-off).
    pub last_saved: Option<Arc<Verified>>,
    /// The save replaced a refresh token that is still valid at Salesforce (the Saved screen
    /// offers to revoke it).
    pub previous_token: bool,
    /// Revoke a replaced refresh token as soon as the new credentials are saved
    /// (`reauth --revoke-old`).
    pub revoke_old: bool,
    /// Set while testing a saved connection from the home screen.
    pub testing_saved: bool,
    /// A browser or device login under way.
    pub authorizing: Option<Authorizing>,
    /// The key pair made for JWT bearer in this session.
    pub generated: Option<GeneratedKey>,
    /// Where this runs (SSH, no display, container) and which logins suit it.
    pub place_advice: Option<&'static str>,
    /// How the commands on screen are typed to reach these connections: `sfconnect`, with
    /// `--config-dir` when they live elsewhere (the demo's scratch dir).
    pub command: String,
    /// Why the OS keyring cannot work here, when that is known before trying.
    pub keyring_note: Option<String>,
    /// What the last passing test verified, until it is saved or tested again.
    pub verified: Option<Arc<Verified>>,
    /// The name screen has said the typed name is taken (Enter now re-authenticates it).
    pub message_was_taken: bool,
    /// The form has said that a browser or device login without the consumer secret fails
    /// where the app requires it (Enter now goes on without it).
    pub warned_no_secret: bool,
    /// A save under way (Enter on the save screen waits for it).
    pub saving: bool,
    /// The passphrase being typed, the screen to return to, and what to do then.
    pub passphrase: Field,
    pub passphrase_return: Screen,
    pub retry: Option<Retry>,
}

impl App {
    /// Up and Down on a screen of text: one line, never past its end.
    fn scroll_by(&mut self, key: Key) -> bool {
        match key {
            Key::Down => self.scroll = (self.scroll + 1).min(self.scroll_max.get()),
            Key::Up => self.scroll = self.scroll.saturating_sub(1),
            _ => return false,
        }
        true
    }

    /// What to do with the connection just saved: its own commands, ready to paste.
    pub fn next_steps(&self) -> Vec<String> {
        let (cmd, name) = (&self.command, self.name.text());
        let plan = methods::reauth_plan(self.method().flow);
        let mut steps = Vec::new();
        if self.previous_token {
            steps.push(
                "The previous refresh token is still valid at Salesforce. Once the integration has the new one (h), press v to revoke the old one: anything still using it stops then.".to_string(),
            );
        }
        steps.extend([
            format!(
                "`{cmd} test {name}` runs the checks again; `{cmd} status` shows the health of every connection."
            ),
            format!(
                "`{cmd} token {name}` prints an access token for a script; `{cmd} export {name} --format env` hands the credentials to another tool."
            ),
            format!("Run `{cmd} reauth {name}` {}.", plan.when),
        ]);
        if self.demo_url.is_some() {
            steps.push("These work from another shell while the demo runs; the demo org and its scratch folder go when it quits.".into());
        }
        steps
    }

    pub fn new(
        connections: Vec<ConnectionRow>,
        store: StoreKind,
        demo_url: Option<String>,
    ) -> Self {
        let screen = if connections.is_empty() {
            Screen::Name
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
            guide: 0,
            scroll: 0,
            scroll_max: std::cell::Cell::new(0),
            ui: Ui::Lightning,
            fields: Vec::new(),
            spare: Vec::new(),
            focus: 0,
            kept: SecretBundle::default(),
            tested_with_kept_token: false,
            request: 0,
            checks: Vec::new(),
            running: false,
            passed: None,
            store,
            message: None,
            help: false,
            help_scroll: 0,
            help_scroll_max: std::cell::Cell::new(0),
            reauth: None,
            moving: false,
            handoff: None,
            handoff_after_load: false,
            clipboard_generation: 0,
            last_saved: None,
            previous_token: false,
            revoke_old: false,
            testing_saved: false,
            authorizing: None,
            generated: None,
            place_advice: None,
            command: "sfconnect".into(),
            keyring_note: None,
            verified: None,
            message_was_taken: false,
            warned_no_secret: false,
            saving: false,
            passphrase: Field::secret("Passphrase"),
            passphrase_return: Screen::Home,
            retry: None,
        }
    }

    /// The name typed for a new connection belongs to a saved one.
    fn name_taken(&self) -> bool {
        self.reauth.is_none() && self.connections.iter().any(|c| c.name == self.name.text())
    }

    /// Forget everything typed for a connection and start a new one.
    pub fn start_new(&mut self, name: &str) {
        self.name = Field::new("Connection name").with_value(name);
        self.environment = 0;
        self.my_domain = Field::new("My Domain URL");
        self.method = 0;
        self.fields.clear();
        self.spare.clear();
        self.kept = SecretBundle::default();
        self.generated = None;
        self.reauth = None;
        self.moving = false;
        self.verified = None;
        self.screen = Screen::Name;
    }

    pub fn selected_connection(&self) -> Option<String> {
        self.connections.get(self.cursor).map(|c| c.name.clone())
    }

    /// Start re-authenticating from a loaded connection: its method and login URL are fixed,
    /// its settings prefilled, and its secrets kept unless replaced.
    fn begin_reauth(&mut self, loaded: Loaded) {
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
        self.guide = 0;
        self.scroll = 0;
        self.message = None;
        self.moving = false;
        self.screen = Screen::Reauth;
        self.reauth = Some(loaded);
    }

    /// Move the connection being re-authenticated to another login method: choose it (the
    /// recommended one for an unattended integration first), set it up, test it; the saved
    /// connection keeps its old method until the new one passes.
    fn begin_move(&mut self) {
        self.moving = true;
        self.kept = SecretBundle::default();
        self.fields.clear();
        self.spare.clear();
        self.generated = None;
        self.method = METHODS
            .iter()
            .position(|m| m.flow == Flow::Jwt)
            .unwrap_or(0);
        self.message = None;
        self.screen = Screen::Method;
    }

    /// The hand-off screen for `draft` (just tested, or loaded from what is saved).
    fn open_handoff(&mut self, name: &str, draft: &Draft, instance: Option<&str>, back: Screen) {
        self.handoff = Some(handoff::Handoff {
            name: name.to_string(),
            items: handoff::items(draft, instance),
            cursor: 0,
            revealed: false,
            back,
        });
        self.message = None;
        self.screen = Screen::Handoff;
    }

    fn on_handoff_key(&mut self, key: Key) -> Vec<Effect> {
        let Some(h) = &mut self.handoff else {
            self.screen = Screen::Home;
            return Vec::new();
        };
        match key {
            Key::Up | Key::Down => {
                step(&mut h.cursor, h.items.len(), key);
                h.revealed = false;
            }
            Key::Reveal => h.revealed = !h.revealed,
            Key::Enter | Key::Char('y') => {
                if let Some(item) = h.items.get(h.cursor) {
                    self.clipboard_generation += 1;
                    self.message = Some(format!(
                        "Copied the {} to the clipboard (through the terminal: over SSH too). Paste it into the integration's form; sfconnect asks the terminal to clear it in {} seconds (tmux keeps its own copy).",
                        item.label.to_lowercase(),
                        handoff::CLEAR_AFTER.as_secs()
                    ));
                    return vec![Effect::CopySecret {
                        value: item.value.clone(),
                        generation: self.clipboard_generation,
                    }];
                }
            }
            Key::Esc => {
                // The values go (zeroized as they drop); the screen it came from comes back.
                self.screen = h.back;
                self.handoff = None;
                self.message = None;
            }
            _ => {}
        }
        Vec::new()
    }

    /// Back from a move to the plain re-authentication of the method in use.
    fn cancel_move(&mut self) {
        self.moving = false;
        if let Some(loaded) = &self.reauth {
            self.kept = loaded.draft.secrets.clone();
            self.method = METHODS
                .iter()
                .position(|m| m.flow == loaded.draft.flow)
                .unwrap_or(0);
        }
        self.fields.clear();
        self.spare.clear();
        self.screen = Screen::Reauth;
    }

    /// The guides on the way to the form: the method's setup for a new connection, its
    /// re-authentication plan for a saved one.
    pub fn guides(&self) -> &'static [&'static str] {
        match &self.reauth {
            Some(_) if !self.moving => methods::reauth_plan(self.method().flow).guides,
            _ => self.method().guides,
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

    fn login_url(&self) -> Result<(LoginUrl, bool), String> {
        let offset = usize::from(self.demo_url.is_some());
        match (self.environment.checked_sub(offset), &self.demo_url) {
            (None, Some(url)) => LoginUrl::parse(url)
                .map(|u| (u, false))
                .map_err(|e| e.to_string()),
            (Some(0), _) => Ok((LoginUrl::production(), false)),
            (Some(1), _) => Ok((LoginUrl::sandbox(), true)),
            _ => LoginUrl::parse(self.my_domain.text())
                .map(|u| {
                    let sandbox = u.is_sandbox();
                    (u, sandbox)
                })
                .map_err(|e| e.to_string()),
        }
    }

    /// The org was chosen as production or sandbox (or the demo org's login host, which plays
    /// login.salesforce.com), or the URL typed is one of those: the shared login hosts, not
    /// the org's own.
    fn on_login_host(&self) -> bool {
        use crate::salesforce::login_url::HostKind;
        let offset = usize::from(self.demo_url.is_some());
        match self.environment.checked_sub(offset) {
            Some(0 | 1) => true,
            None => self.demo_url.is_some(),
            Some(_) => LoginUrl::parse(self.my_domain.text())
                .is_ok_and(|u| matches!(u.kind(), HostKind::Production | HostKind::Sandbox)),
        }
    }

    fn uses_my_domain_field(&self) -> bool {
        self.environment == self.environments().len() - 1
    }

    /// A new field for `spec`; re-authentication prefills what the connection has saved.
    fn new_field(&self, spec: &methods::FieldSpec) -> Field {
        let f = match spec.secret {
            Some(_) => Field::secret(spec.label),
            None => Field::new(spec.label),
        };
        let saved = self.reauth.as_ref().and_then(|loaded| {
            let d = &loaded.draft;
            match spec.label {
                USERNAME => d.username.clone(),
                CONSUMER_KEY => d.client_id.clone(),
                KEY_FILE => d.key_file.as_ref().map(|p| p.display().to_string()),
                _ => None,
            }
        });
        match saved {
            Some(v) => f.with_value(&v),
            None => f,
        }
    }

    /// Show the method's form. What was typed survives Back and forward, and fields that
    /// another method shares (username, consumer key, …) keep their values across a switch.
    fn enter_credentials(&mut self) {
        let specs = methods::fields(self.method().flow);
        let same = self.fields.len() == specs.len()
            && self
                .fields
                .iter()
                .zip(&specs)
                .all(|(f, s)| f.label == s.label);
        if !same {
            let mut pool = std::mem::take(&mut self.fields);
            pool.append(&mut self.spare);
            let mut fields = Vec::with_capacity(specs.len());
            for spec in &specs {
                let found = pool
                    .iter()
                    .position(|f| f.label == spec.label && f.secret == spec.secret.is_some());
                fields.push(match found {
                    Some(i) => pool.swap_remove(i),
                    None => self.new_field(spec),
                });
            }
            self.spare = pool;
            self.fields = fields;
            self.focus = 0;
        }
        for (f, spec) in self.fields.iter_mut().zip(&specs) {
            f.optional = spec.optional;
            f.placeholder = spec.placeholder;
        }
        self.focus = self.focus.min(self.fields.len().saturating_sub(1));
        self.screen = Screen::Credentials;
    }

    fn field_text(&self, label: &str) -> Option<String> {
        self.fields
            .iter()
            .find(|f| f.label == label && !f.secret)
            .map(|f| f.text().to_string())
            .filter(|t| !t.is_empty())
    }

    /// Validate the form and turn it into a draft. The fields keep their values (for Back
    /// and a second try); an empty secret field falls back to the kept value.
    fn submit(&mut self) -> Result<Draft, String> {
        let (login_url, sandbox) = self.login_url()?;
        let specs = methods::fields(self.method().flow);
        let mut secrets = self.kept.clone();
        for (i, (spec, field)) in specs.iter().zip(&self.fields).enumerate() {
            let kept = spec.secret.is_some_and(|s| self.kept.get(s).is_some());
            if !spec.optional && field.is_empty() && !kept {
                self.focus = i;
                return Err(format!("{} is needed", spec.label));
            }
            if let Some(name) = spec.secret
                && let Some(value) = field.secret_value()
            {
                secrets.set(name, value);
            }
        }
        self.tested_with_kept_token = self.token_kept_with_new_password();
        Ok(Draft {
            flow: self.method().flow,
            login_url,
            sandbox,
            username: self.field_text(USERNAME),
            client_id: self.field_text(CONSUMER_KEY),
            key_file: self.field_text(KEY_FILE).map(PathBuf::from),
            ui: self.ui,
            secrets,
        })
    }

    fn field(&self, label: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.label == label)
    }

    /// Re-authentication with a new password typed and the saved security token left in place:
    /// the password change has reset that token.
    pub fn token_kept_with_new_password(&self) -> bool {
        self.reauth.is_some()
            && self.field(PASSWORD).is_some_and(|f| !f.is_empty())
            && self.field(SECURITY_TOKEN).is_some_and(Field::is_empty)
            && self.kept.get(key::SECURITY_TOKEN).is_some()
    }

    /// A fresh test screen for a new request.
    fn begin_test(&mut self) {
        self.request += 1;
        self.checks.clear();
        self.running = true;
        self.passed = None;
        self.verified = None;
        self.message = None;
        self.screen = Screen::Testing;
    }

    /// After a failed test, put the cursor in the field the failure names, its value
    /// selected so that typing or pasting replaces it; a login URL the method cannot use
    /// goes back to "where is the org?".
    fn back_to_failure(&mut self) {
        use crate::salesforce::error::Cause::*;
        let Some(cause) = self
            .checks
            .iter()
            .find(|c| c.status == Status::Fail)
            .and_then(|c| c.cause)
        else {
            return;
        };
        let token_empty = self.field(SECURITY_TOKEN).is_some_and(Field::is_empty)
            && self.kept.get(key::SECURITY_TOKEN).is_none();
        let label = match cause {
            SecurityTokenRequired => SECURITY_TOKEN,
            InvalidLogin | AuthenticationFailure if token_empty => SECURITY_TOKEN,
            InvalidLogin | AuthenticationFailure if self.tested_with_kept_token => SECURITY_TOKEN,
            InvalidLogin | AuthenticationFailure | PasswordExpired | PasswordLockout => PASSWORD,
            ClientIdInvalid | AppNotInstalled | ExternalClientAppNotInstalled => CONSUMER_KEY,
            ClientSecretInvalid | ClientSecretMissing => methods::CONSUMER_SECRET,
            RefreshTokenExpired => methods::REFRESH_TOKEN,
            InvalidKey | KeyFileUnreadable => KEY_FILE,
            WrongDomainForFlow | LoginUrlRejected | Dns | ConnectionRefused | Tls => {
                if cause == WrongDomainForFlow || self.uses_my_domain_field() {
                    self.environment = self.environments().len() - 1;
                    self.my_domain.select_all();
                    self.message = Some(match cause {
                        WrongDomainForFlow => {
                            "This method needs the org's My Domain URL (Setup > My Domain shows it).".into()
                        }
                        _ => "Check the login URL: the failure was reaching it.".into(),
                    });
                    self.screen = Screen::Environment;
                }
                return;
            }
            _ => return,
        };
        if let Some(i) = self.fields.iter().position(|f| f.label == label) {
            self.focus = i;
            self.fields[i].select_all();
        }
    }

    fn start_check(&mut self) -> Vec<Effect> {
        match self.submit() {
            Ok(draft) => {
                self.begin_test();
                vec![Effect::StartCheck {
                    request: self.request,
                    name: self.name.text().to_string(),
                    draft: Box::new(draft),
                }]
            }
            Err(e) => {
                self.message = Some(e);
                Vec::new()
            }
        }
    }
}

/// Said on Enter when a browser or device login's consumer secret is empty.
const NO_SECRET: &str = "The consumer secret is empty. Apps require it for this login by default ('Require Secret for Refresh Token Flow'), and without it the login fails after you approve. Type it, or press Enter again if the app does not require it.";

impl App {
    /// A browser or device login about to start with no consumer secret, typed or kept.
    pub(crate) fn secret_missing(&self) -> bool {
        self.field(methods::CONSUMER_SECRET)
            .is_some_and(Field::is_empty)
            && self.kept.get(key::CLIENT_SECRET).is_none()
    }

    /// Warn of a missing consumer secret only once the form is otherwise complete: an empty
    /// consumer key is said first, by the form's own check.
    fn warn_of_missing_secret(&self) -> bool {
        self.interactive()
            && !self.warned_no_secret
            && self.secret_missing()
            && self.field_text(CONSUMER_KEY).is_some()
    }
}

/// A refused login after a password change that kept the saved security token: the change
/// reset that token, which is the first thing to fix.
fn say_the_token_was_reset(result: &mut CheckResult) {
    use crate::salesforce::error::Cause::{AuthenticationFailure, InvalidLogin};
    if result.id == "login" && matches!(result.cause, Some(InvalidLogin | AuthenticationFailure)) {
        // Either cause fits, and Salesforce's answer is the same for both: say both, and how
        // to tell them apart.
        result.fix = "The saved security token was kept with a new password, and the login failed. Either the new password is wrong, or changing it reset the security token (Salesforce emails the new one). Login History tells them apart: 'Invalid Password' there means the password is wrong; otherwise type the new token from the email (or reset it again: the user's settings > Reset My Security Token).".into();
    }
}

/// Keys that edit the focused text field.
fn editing(key: Key) -> bool {
    matches!(
        key,
        Key::Char(_)
            | Key::Backspace
            | Key::Delete
            | Key::Left
            | Key::Right
            | Key::Home
            | Key::End
            | Key::Ctrl(_)
            | Key::Reveal
    )
}

fn step(cursor: &mut usize, len: usize, key: Key) {
    match key {
        Key::Up | Key::BackTab => *cursor = cursor.checked_sub(1).unwrap_or(len.saturating_sub(1)),
        Key::Down | Key::Tab => *cursor = if *cursor + 1 >= len { 0 } else { *cursor + 1 },
        _ => {}
    }
}

/// Apply one message; return what the runtime must do.
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::KeyPressed(key) => on_key(app, key),
        Msg::Pasted(text) => {
            match app.screen {
                Screen::Name => app.name.insert(&text),
                Screen::Environment if app.uses_my_domain_field() => app.my_domain.insert(&text),
                Screen::Credentials => {
                    if let Some(f) = app.fields.get_mut(app.focus) {
                        f.insert(text.trim());
                    }
                }
                Screen::Authorize => {
                    if let Some(a) = &mut app.authorizing {
                        a.paste.insert(text.trim());
                    }
                }
                _ => {}
            }
            Vec::new()
        }
        Msg::CheckProgressed { request, event } if request == app.request => {
            if let CheckEvent::Finished(mut result) = event {
                if app.tested_with_kept_token {
                    say_the_token_was_reset(&mut result);
                }
                app.checks.push(result);
            }
            Vec::new()
        }
        Msg::CheckFinished {
            request,
            ok,
            verified,
        } if request == app.request => {
            app.running = false;
            app.passed = Some(ok);
            app.verified = verified;
            Vec::new()
        }
        Msg::CheckProgressed { .. } | Msg::CheckFinished { .. } => Vec::new(),
        Msg::Saved {
            request,
            message,
            previous_token,
        } if request == app.request => {
            app.saving = false;
            app.previous_token = previous_token;
            // Kept while the Saved screen shows, for its hand-off (`h`).
            app.last_saved = app.verified.take();
            // A move says where the connection went.
            let message = match (&app.reauth, app.moving) {
                (Some(loaded), true) => message.replacen(
                    &format!("Re-authenticated '{}'", loaded.name),
                    &format!("Moved '{}' to {}", loaded.name, app.method().label),
                    1,
                ),
                _ => message,
            };
            app.message = Some(message);
            app.screen = Screen::Done;
            if previous_token && app.revoke_old {
                return vec![Effect::RevokePrevious { request }];
            }
            Vec::new()
        }
        Msg::PreviousRevoked { request, message } if request == app.request => {
            app.previous_token = false;
            app.message = Some(match app.message.take() {
                Some(saved) => format!("{saved} {message}"),
                None => message,
            });
            Vec::new()
        }
        Msg::PreviousRevoked { .. } => Vec::new(),
        Msg::ConnectionsLoaded(rows) => {
            app.connections = rows;
            app.cursor = app.cursor.min(app.connections.len().saturating_sub(1));
            Vec::new()
        }
        Msg::ConnectionLoaded { request, loaded } if request == app.request => {
            if std::mem::take(&mut app.handoff_after_load) {
                app.open_handoff(&loaded.name, &loaded.draft, None, Screen::Home);
            } else {
                app.begin_reauth(*loaded);
            }
            Vec::new()
        }
        Msg::ClipboardExpired { generation } if generation == app.clipboard_generation => {
            vec![Effect::ClearClipboard]
        }
        Msg::ClipboardExpired { .. } => Vec::new(),
        Msg::Removed { request, message } if request == app.request => {
            app.message = Some(message);
            app.screen = Screen::Home;
            vec![Effect::ReloadConnections]
        }
        // A save the user walked away from may still have landed: show what is saved now.
        Msg::Saved { .. } | Msg::Removed { .. } => vec![Effect::ReloadConnections],
        Msg::Failed { request, problem } if request == app.request => {
            app.saving = false;
            match problem.retry {
                Some(retry) => app.ask_passphrase(retry, problem.message),
                None => app.message = Some(problem.message),
            }
            Vec::new()
        }
        Msg::ConnectionLoaded { .. } | Msg::Failed { .. } => Vec::new(),
        Msg::AuthorizeStarted { request, prompt } if request == app.request => {
            let effects = match &prompt {
                Prompt::Browser { url, .. } => vec![Effect::Copy { value: url.clone() }],
                Prompt::Device { .. } => Vec::new(),
            };
            if let Some(a) = &mut app.authorizing {
                a.prompt = Some(prompt);
            }
            effects
        }
        Msg::AuthorizeCountdown { request, left_secs } if request == app.request => {
            if let Some(a) = &mut app.authorizing {
                a.left_secs = Some(left_secs);
            }
            Vec::new()
        }
        Msg::Authorized { request, result } if request == app.request => app.authorized(result),
        Msg::PasteRefused { request, why } if request == app.request => {
            app.message = Some(format!(
                "Not this login's redirect: {why}. Paste the whole address the browser shows after Allow."
            ));
            Vec::new()
        }
        Msg::AuthorizeStarted { .. }
        | Msg::AuthorizeCountdown { .. }
        | Msg::Authorized { .. }
        | Msg::PasteRefused { .. } => Vec::new(),
        Msg::KeyGenerated { request, key } if request == app.request => {
            app.generated = Some(key);
            app.message = None;
            app.scroll = 0;
            app.screen = Screen::Certificate;
            Vec::new()
        }
        Msg::StoodIn { request, result } if request == app.request => {
            app.message = Some(match result {
                Ok(done) | Err(done) => done,
            });
            Vec::new()
        }
        Msg::TokenIssued {
            request,
            refresh_token,
        } if request == app.request => {
            use secrecy::ExposeSecret;
            if let Some(f) = app
                .fields
                .iter_mut()
                .find(|f| f.label == methods::REFRESH_TOKEN)
            {
                *f =
                    Field::secret(methods::REFRESH_TOKEN).with_value(refresh_token.expose_secret());
            }
            Vec::new()
        }
        Msg::KeyGenerated { .. } | Msg::StoodIn { .. } | Msg::TokenIssued { .. } => Vec::new(),
    }
}

impl App {
    /// Ask for the secrets file's passphrase, then do `retry` again.
    fn ask_passphrase(&mut self, retry: Retry, why: String) {
        self.passphrase = Field::secret("Passphrase");
        self.passphrase_return = self.screen;
        self.retry = Some(retry);
        self.message = Some(why);
        self.screen = Screen::Passphrase;
    }

    /// The effect that does `retry` again, with a new request id.
    fn redo(&mut self, retry: Retry) -> Vec<Effect> {
        self.request += 1;
        let request = self.request;
        match retry {
            Retry::Load { name } => {
                // Opening the secrets can take a moment (a passphrase is slow to check).
                self.message = Some(format!("Opening '{name}'…"));
                vec![Effect::LoadConnection { request, name }]
            }
            Retry::Test { name } => {
                self.begin_test();
                vec![Effect::TestSaved {
                    request: self.request,
                    name,
                }]
            }
            Retry::Remove { name, revoke } => {
                self.message = Some(format!("Removing '{name}'…"));
                vec![Effect::RemoveConnection {
                    request,
                    name,
                    revoke,
                }]
            }
            Retry::Save => self.save(),
        }
    }

    /// Save what the last passing test verified.
    fn save(&mut self) -> Vec<Effect> {
        let Some(verified) = self.verified.clone() else {
            self.message = Some("test the connection again before saving".into());
            return Vec::new();
        };
        self.request += 1;
        self.saving = true;
        vec![Effect::Save {
            request: self.request,
            verified,
            store: self.store,
            old: self.reauth.as_ref().map(|r| r.draft.secrets.clone()),
            replace: match &self.reauth {
                Some(r) => Replace::Entry(r.entry.clone()),
                None => Replace::Nothing,
            },
        }]
    }

    fn on_passphrase_key(&mut self, key: Key) -> Vec<Effect> {
        match key {
            Key::Enter if !self.passphrase.is_empty() => {
                let Some(passphrase) = self.passphrase.take_secret() else {
                    return Vec::new();
                };
                self.screen = self.passphrase_return;
                let mut effects = vec![Effect::UsePassphrase { passphrase }];
                if let Some(retry) = self.retry.take() {
                    effects.extend(self.redo(retry));
                }
                effects
            }
            Key::Esc => {
                self.retry = None;
                self.passphrase = Field::secret("Passphrase");
                self.screen = self.passphrase_return;
                Vec::new()
            }
            _ => {
                self.passphrase.edit(key);
                Vec::new()
            }
        }
    }
}

fn on_key(app: &mut App, key: Key) -> Vec<Effect> {
    let before = app.screen;
    let effects = on_screen_key(app, key);
    if app.screen != before {
        app.scroll = 0;
        app.scroll_max.set(0);
    }
    // Leaving a screen abandons whatever it was waiting for: a late result carries the old
    // id and is dropped, unless the key itself started the next request.
    if app.screen != before && !effects.iter().any(Effect::starts_request) {
        app.request += 1;
        app.saving = false;
    }
    effects
}

fn on_screen_key(app: &mut App, key: Key) -> Vec<Effect> {
    if key == Key::Interrupt {
        return vec![Effect::Quit];
    }
    if app.help {
        match key {
            Key::Down => app.help_scroll = (app.help_scroll + 1).min(app.help_scroll_max.get()),
            Key::Up => app.help_scroll = app.help_scroll.saturating_sub(1),
            _ => app.help = false,
        }
        return Vec::new();
    }
    if key == Key::Help || (key == Key::Char('?') && !app.typing()) {
        app.help = true;
        app.help_scroll = 0;
        return Vec::new();
    }
    app.message = None;
    match app.screen {
        Screen::Home => match key {
            Key::Char('q') => return vec![Effect::Quit],
            // One Esc too many must not end the session (in the demo, with its connections).
            Key::Esc => {
                app.message = Some(if app.demo_url.is_some() {
                    "q quits the demo; its org and connections go with it.".into()
                } else {
                    "q quits.".into()
                })
            }
            Key::Char('n') => app.start_new(""),
            Key::Char('r') | Key::Enter => {
                if let Some(name) = app.selected_connection() {
                    app.testing_saved = false;
                    app.handoff_after_load = false;
                    return app.redo(Retry::Load { name });
                }
            }
            Key::Char('h') => {
                if let Some(name) = app.selected_connection() {
                    app.testing_saved = false;
                    app.handoff_after_load = true;
                    return app.redo(Retry::Load { name });
                }
            }
            Key::Char('t') => {
                if let Some(name) = app.selected_connection() {
                    app.testing_saved = true;
                    return app.redo(Retry::Test { name });
                }
            }
            Key::Char('x') if app.selected_connection().is_some() => {
                app.screen = Screen::ConfirmRemove
            }
            _ => step(&mut app.cursor, app.connections.len(), key),
        },
        Screen::Name => match key {
            // A saved name is never silently replaced: Enter again re-authenticates it.
            Key::Enter if app.name_taken() && app.message_was_taken => {
                app.message_was_taken = false;
                let name = app.name.text().to_string();
                app.testing_saved = false;
                return app.redo(Retry::Load { name });
            }
            Key::Enter if app.name_taken() => {
                app.message_was_taken = true;
                app.message = Some(format!(
                    "'{}' is already saved: Enter re-authenticates it, or edit the name.",
                    app.name.text()
                ));
            }
            Key::Enter => match crate::profile::name_problem(app.name.text()) {
                None => app.screen = Screen::Environment,
                Some(problem) => app.message = Some(format!("{problem}.")),
            },
            // Esc goes back, never out: with nothing saved yet, back is the empty list.
            Key::Esc => app.screen = Screen::Home,
            _ if editing(key) => {
                app.message_was_taken = false;
                app.name.edit(key);
            }
            _ => {}
        },
        Screen::Environment => match key {
            Key::Enter => match app.login_url() {
                Ok(_) => app.screen = Screen::Method,
                Err(e) => app.message = Some(e),
            },
            Key::Esc => app.screen = Screen::Name,
            _ if editing(key) && app.uses_my_domain_field() => {
                app.my_domain.edit(key);
            }
            _ => {
                let len = app.environments().len();
                step(&mut app.environment, len, key)
            }
        },
        Screen::Method => match key {
            // Client credentials works only on the org's own host: ask for it now rather
            // than fail the test later.
            Key::Enter if app.method().flow == Flow::ClientCredentials && app.on_login_host() => {
                app.environment = app.environments().len() - 1;
                // The demo org's own host is known: filled in, to be seen and confirmed.
                let demo_domain = app
                    .demo_hints
                    .iter()
                    .find(|(label, _)| label == "My Domain URL")
                    .map(|(_, url)| url.clone());
                match demo_domain {
                    Some(url) => {
                        app.my_domain = Field::new("My Domain URL").with_value(&url);
                        app.message = Some(
                            "Client credentials works only on the org's My Domain URL, not on the login host: the demo org's is filled in; Enter goes on.".into(),
                        );
                    }
                    None => {
                        app.my_domain.select_all();
                        app.message = Some(
                            "Client credentials works only on the org's My Domain URL (login.salesforce.com and test.salesforce.com refuse it). Type it here, e.g. https://acme.my.salesforce.com; Setup > My Domain shows it.".into(),
                        );
                    }
                }
                app.screen = Screen::Environment;
            }
            Key::Enter
                if app.moving
                    && app
                        .reauth
                        .as_ref()
                        .is_some_and(|l| l.draft.flow == app.method().flow) =>
            {
                app.message = Some(
                    "That is the method it uses now: choose another to move to (Esc goes back to re-authenticating it as it is).".into(),
                );
            }
            Key::Enter => app.screen = Screen::Prerequisites,
            Key::Esc if app.moving => app.cancel_move(),
            Key::Esc => app.screen = Screen::Environment,
            _ => step(&mut app.method, METHODS.len(), key),
        },
        Screen::Prerequisites => match key {
            Key::Enter => {
                app.guide = 0;
                app.scroll = 0;
                app.screen = Screen::Guide;
            }
            Key::Esc => app.screen = Screen::Method,
            _ => {
                app.scroll_by(key);
            }
        },
        Screen::Guide => match key {
            Key::Char('l') => app.ui = Ui::Lightning,
            Key::Char('c') => app.ui = Ui::Classic,
            Key::Tab | Key::BackTab => {
                let guides = app.guides().len();
                step(&mut app.guide, guides, key);
                app.scroll = 0;
            }
            // Up and Down scroll a guide longer than the screen.
            Key::Down | Key::Up => {
                app.scroll_by(key);
            }
            Key::Enter => app.enter_credentials(),
            Key::Esc if app.reauth.is_some() && !app.moving => app.screen = Screen::Reauth,
            Key::Esc => app.screen = Screen::Prerequisites,
            _ => {}
        },
        Screen::Credentials => match key {
            // Said before the code is shown or the browser opens: finding out after the user
            // approved wastes their login.
            Key::Enter if app.warn_of_missing_secret() => {
                app.warned_no_secret = true;
                app.message = Some(NO_SECRET.into());
                if let Some(i) = app
                    .fields
                    .iter()
                    .position(|f| f.label == methods::CONSUMER_SECRET)
                {
                    app.focus = i;
                }
            }
            Key::Enter if app.interactive() => return app.start_authorize(),
            Key::Enter if app.needs_key() && app.generated.is_some() => {
                app.use_generated_key();
                return app.start_check();
            }
            Key::Enter if app.needs_key() => return app.find_or_make_key(),
            Key::Certificate if app.method().flow == Flow::Jwt => return app.show_certificate(),
            Key::Assist if app.demo_url.is_some() && app.method().flow == Flow::RefreshToken => {
                return app.stand_in_for_token();
            }
            Key::Enter => return app.start_check(),
            Key::Esc => app.screen = Screen::Guide,
            _ if editing(key) => {
                app.warned_no_secret = false;
                if let Some(f) = app.fields.get_mut(app.focus) {
                    f.edit(key);
                }
            }
            _ => step(&mut app.focus, app.fields.len(), key),
        },
        Screen::Testing if app.testing_saved => match key {
            // A saved connection that failed its test: straight on to re-authenticating it.
            Key::Char('r') if !app.running && app.passed == Some(false) => {
                if let Some(name) = app.selected_connection() {
                    app.testing_saved = false;
                    app.handoff_after_load = false;
                    return app.redo(Retry::Load { name });
                }
            }
            Key::Esc | Key::Enter if !app.running => {
                app.testing_saved = false;
                app.screen = Screen::Home;
                return vec![Effect::ReloadConnections];
            }
            Key::Esc => {
                app.request += 1;
                app.running = false;
                app.testing_saved = false;
                app.screen = Screen::Home;
                return vec![Effect::CancelCheck];
            }
            _ => {
                app.scroll_by(key);
            }
        },
        Screen::Testing => match key {
            Key::Esc => {
                let running = app.running;
                // A result for the abandoned request will be dropped: the id moves on.
                app.request += 1;
                app.running = false;
                app.screen = Screen::Credentials;
                if !running {
                    app.back_to_failure();
                }
                return if running {
                    vec![Effect::CancelCheck]
                } else {
                    Vec::new()
                };
            }
            Key::Enter if app.passed == Some(true) => app.screen = Screen::Save,
            Key::Char('r') if !app.running => return app.start_check(),
            Key::Certificate if !app.running && app.method().flow == Flow::Jwt => {
                app.screen = Screen::Credentials;
                return app.show_certificate();
            }
            _ => {
                app.scroll_by(key);
            }
        },
        Screen::Save => match key {
            Key::Char('k') => app.store = StoreKind::Keyring,
            Key::Char('f') => app.store = StoreKind::File,
            Key::Up | Key::Down | Key::Tab => {
                app.store = if app.store == StoreKind::Keyring {
                    StoreKind::File
                } else {
                    StoreKind::Keyring
                }
            }
            Key::Enter if app.saving => {}
            Key::Enter => return app.save(),
            Key::Esc => app.screen = Screen::Testing,
            _ => {}
        },
        Screen::Done => match key {
            Key::Char('q') => return vec![Effect::Quit],
            Key::Char('v') if app.previous_token => {
                return vec![Effect::RevokePrevious {
                    request: app.request,
                }];
            }
            Key::Char('h') => {
                if let Some(v) = app.last_saved.clone() {
                    let instance = v.session.auth.session.instance_url.clone();
                    app.open_handoff(&v.name, &v.draft, Some(&instance), Screen::Done);
                }
            }
            Key::Enter | Key::Esc => {
                app.reauth = None;
                app.moving = false;
                app.last_saved = None;
                app.previous_token = false;
                app.screen = Screen::Home;
                return vec![Effect::ReloadConnections];
            }
            _ => {
                app.scroll_by(key);
            }
        },
        Screen::Authorize => return app.on_authorize_key(key),
        Screen::Certificate => return app.on_certificate_key(key),
        Screen::Reauth => match key {
            Key::Enter => app.screen = Screen::Guide,
            Key::Char('m') => app.begin_move(),
            Key::Esc => {
                app.reauth = None;
                app.screen = Screen::Home;
            }
            _ => {
                app.scroll_by(key);
            }
        },
        // y removes and revokes (the screen says what that ends first), k removes but keeps
        // the token valid for an integration that holds it.
        Screen::ConfirmRemove => match key {
            Key::Char(c @ ('y' | 'k')) => {
                if let Some(name) = app.selected_connection() {
                    return app.redo(Retry::Remove {
                        name,
                        revoke: c == 'y',
                    });
                }
            }
            _ => app.screen = Screen::Home,
        },
        Screen::Passphrase => return app.on_passphrase_key(key),
        Screen::Handoff => return app.on_handoff_key(key),
    }
    Vec::new()
}

#[cfg(test)]
mod tests;
