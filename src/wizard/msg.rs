//! What passes between the wizard and its runtime: keys, messages (facts that happened, past
//! tense) and effects (what the runtime must do, imperative).

use std::path::PathBuf;
use std::sync::Arc;

use secrecy::SecretString;

use super::{ConnectionRow, GeneratedKey, Prompt, StandIn};
use crate::check::{self, CheckEvent};
pub use crate::connect::reauth::Loaded;
use crate::connect::save::{Replace, Verified};
use crate::profile::{Draft, Flow, SecretBundle, StoreKind};
use crate::salesforce::LoginUrl;

/// The app a JWT connection logs in through, as typed in the form: its consumer key, and the
/// login URL when it parses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppKey {
    pub client_id: String,
    pub login_url: Option<String>,
}

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
        /// What the save did (its words are the face's to choose).
        report: crate::connect::save::SaveReport,
        /// The connection held a refresh token the new credentials do not use: it stays valid
        /// at Salesforce until revoked (`v` on the Saved screen).
        previous_token: bool,
        /// JWT bearer: the other connections on the app moved to the key that passed, and
        /// the pairs deleted because nothing uses them any more.
        settled: Box<crate::connect::app_keys::Settled>,
        /// A password login: the other saved connections that log in as the same user.
        same_user: Vec<String>,
    },
    /// The other connections of the user, re-authenticated with the new secrets (`u`).
    SameUserReauthed {
        request: u64,
        results: Vec<crate::connect::same_user::Reauthed>,
    },
    /// The previous refresh token was revoked (`failed`: why it could not be).
    PreviousRevoked {
        request: u64,
        failed: Option<String>,
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
        purpose: Purpose,
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
    /// What the key file typed is to the app (`Effect::CheckKey`).
    KeyChecked {
        request: u64,
        key_file: PathBuf,
        uses: Box<crate::connect::app_keys::KeyUse>,
        /// Days until the certificate kept beside it ends (negative: it has), when one is.
        days_left: Option<i64>,
        /// Whether the key file is there at all.
        exists: bool,
    },
    /// Rows of Login History read so far by the audit `request`.
    AuditProgressed {
        request: u64,
        rows: u64,
    },
    /// The audit ended: the org's id and what was found, or why it could not read.
    Audited {
        request: u64,
        result: Result<(String, crate::connect::audit::Audit), String>,
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

impl Msg {
    /// The request a background result answers; `None` for what the user did and for results
    /// that are not answers to a request.
    pub fn request(&self) -> Option<u64> {
        match self {
            Msg::KeyPressed(_)
            | Msg::Pasted(_)
            | Msg::ConnectionsLoaded(_)
            | Msg::ClipboardExpired { .. } => None,
            Msg::CheckProgressed { request, .. }
            | Msg::CheckFinished { request, .. }
            | Msg::Saved { request, .. }
            | Msg::PreviousRevoked { request, .. }
            | Msg::SameUserReauthed { request, .. }
            | Msg::ConnectionLoaded { request, .. }
            | Msg::Removed { request, .. }
            | Msg::Failed { request, .. }
            | Msg::AuthorizeStarted { request, .. }
            | Msg::PasteRefused { request, .. }
            | Msg::AuthorizeCountdown { request, .. }
            | Msg::Authorized { request, .. }
            | Msg::KeyGenerated { request, .. }
            | Msg::KeyChecked { request, .. }
            | Msg::StoodIn { request, .. }
            | Msg::TokenIssued { request, .. }
            | Msg::AuditProgressed { request, .. }
            | Msg::Audited { request, .. } => Some(*request),
        }
    }
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

/// What a saved connection is loaded for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Re-authenticate it (or move it to another login method).
    Reauthenticate,
    /// Copy its saved values into an integration's own form.
    HandOff,
    /// Move it to another login method (from the audit).
    Move,
}

/// What to do again after the passphrase is given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Retry {
    Load {
        name: String,
        purpose: Purpose,
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
        purpose: Purpose,
    },
    RemoveConnection {
        request: u64,
        name: String,
        /// Revoke its token at Salesforce first.
        revoke: bool,
    },
    /// Revoke the refresh token the save of `request` replaced.
    /// Re-authenticate `names` (connections of the same user) with the password and token of
    /// the connection just saved, each tested on its own.
    ReauthSameUser {
        request: u64,
        names: Vec<String>,
        verified: Arc<Verified>,
    },
    RevokePrevious {
        request: u64,
    },
    /// Read the Login History of `name`'s org (the audit); progress and the end come back as
    /// messages.
    Audit {
        request: u64,
        name: String,
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
        /// The app, as typed: a pair its saved connections use is found first (the app holds
        /// one certificate).
        app: Option<AppKey>,
    },
    /// Read the certificate kept beside a key file, to show it again, with what the key is to
    /// the app's saved connections.
    ShowCertificate {
        request: u64,
        name: String,
        key_file: PathBuf,
        app: Option<AppKey>,
    },
    /// What a key file typed in the form is to the app's saved connections, and when its
    /// certificate ends: said before a test that could replace the app's certificate.
    CheckKey {
        request: u64,
        name: String,
        key_file: PathBuf,
        app: Option<AppKey>,
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
    pub(crate) fn starts_request(&self) -> bool {
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
                | Effect::CheckKey { .. }
                | Effect::Audit { .. }
        )
    }
}
