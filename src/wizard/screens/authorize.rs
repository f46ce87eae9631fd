//! A browser login (callback, port forward or paste-back) or a device code under way, and what
//! the demo org can do in place of the person. State and keys only; the runtime does the I/O.

use secrecy::SecretString;

use super::super::field::Field;
use super::super::keys::Binding;
use super::super::methods::CALLBACK_PORT;
use super::super::{App, Effect, Key, Prompt, Screen};
use crate::check::CheckResult;
pub use crate::connect::assist::StandIn;
use crate::connect::web_login::DEFAULT_CALLBACK_PORT;
use crate::profile::{Flow, key};
use crate::salesforce::LoginUrl;

/// An interactive login under way.
#[derive(Debug, Default)]
pub struct Authorizing {
    /// None while the login is being set up.
    pub prompt: Option<Prompt>,
    /// The address the browser landed on (or the bare code), pasted back.
    pub paste: Field,
    /// Seconds left before the device code expires.
    pub left_secs: Option<u64>,
    pub failed: Option<CheckResult>,
}

impl App {
    /// Whether the chosen method logs in through a person (browser or device).
    pub fn interactive(&self) -> bool {
        matches!(self.method().flow, Flow::Web | Flow::Device)
    }

    /// Start a browser or device login with what the form holds.
    pub(crate) fn start_authorize(&mut self) -> Vec<Effect> {
        let port = match self.field_text(CALLBACK_PORT) {
            None => DEFAULT_CALLBACK_PORT,
            Some(text) => match text.parse::<u16>() {
                Ok(p) if p >= 1024 => p,
                _ => {
                    self.message = Some(format!(
                        "the callback port must be a number from 1024 to 65535 (empty: {DEFAULT_CALLBACK_PORT})"
                    ));
                    return Vec::new();
                }
            },
        };
        let draft = match self.submit() {
            Ok(d) => d,
            Err(e) => {
                self.message = Some(e);
                return Vec::new();
            }
        };
        self.request += 1;
        self.screen = Screen::Authorize(Authorizing {
            paste: Field::secret("Address the browser landed on (or the code)"),
            ..Authorizing::default()
        });
        vec![Effect::StartAuthorize {
            request: self.request,
            flow: draft.flow,
            login_url: draft.login_url,
            client_id: draft.client_id.unwrap_or_default(),
            client_secret: draft.secrets.get(key::CLIENT_SECRET).cloned(),
            port,
        }]
    }

    pub(crate) fn authorized(&mut self, result: Result<SecretString, CheckResult>) -> Vec<Effect> {
        match result {
            Ok(refresh) => {
                self.kept.set(key::REFRESH_TOKEN, refresh);
                self.start_check()
            }
            Err(mut failure) => {
                // Salesforce says "invalid client credentials" for a secret that was never
                // given as for a wrong one: say which it was.
                if failure.cause == Some(crate::salesforce::Cause::ClientSecretMissing) {
                    failure.detail = "The consumer secret was left empty, and the app requires it for this login (its 'Require Secret for Refresh Token Flow' is on, the default)".into();
                    failure.fix = "Esc back to the form, type the consumer secret (Manage Consumer Details shows it), then log in again".into();
                }
                if let Screen::Authorize(a) = &mut self.screen {
                    a.failed = Some(failure);
                }
                Vec::new()
            }
        }
    }

    pub(crate) fn stand_in(&self) -> Option<StandIn> {
        let org = self.demo_url.clone()?;
        match &self.screen {
            Screen::Authorize(a) => match a.prompt.as_ref()? {
                Prompt::Browser { url, .. } => Some(StandIn::Browser { url: url.clone() }),
                Prompt::Device { user_code, .. } => Some(StandIn::Device {
                    org,
                    user_code: user_code.clone(),
                }),
            },
            Screen::Certificate => Some(StandIn::Certificate {
                org,
                consumer_key: self.field_text(super::super::methods::CONSUMER_KEY)?,
                pem: self.generated.as_ref()?.certificate_pem.clone(),
            }),
            Screen::Credentials { .. } if self.method().flow == Flow::RefreshToken => {
                Some(StandIn::RefreshToken {
                    org,
                    consumer_key: self.field_text(super::super::methods::CONSUMER_KEY)?,
                    consumer_secret: self
                        .field(super::super::methods::CONSUMER_SECRET)
                        .and_then(Field::secret_value),
                })
            }
            _ => None,
        }
    }

    /// The login under way, while its screen shows.
    pub fn authorizing(&self) -> Option<&Authorizing> {
        match &self.screen {
            Screen::Authorize(a) => Some(a),
            _ => None,
        }
    }

    /// Keys on the login's screen. Its state stays in place: the demo's stand-in and the copy
    /// read it from there.
    pub(crate) fn on_authorize_key(&mut self, key: Key) -> Vec<Effect> {
        let failed = self.authorizing().is_some_and(|a| a.failed.is_some());
        match key {
            Key::Esc => {
                // Whatever the abandoned login still sends carries an old id and is dropped.
                self.request += 1;
                self.screen = Screen::Credentials {
                    warned_no_secret: false,
                };
                return vec![Effect::CancelCheck];
            }
            Key::Enter if failed => return self.start_authorize(),
            Key::Up | Key::Down => {
                self.scroll_by(key);
                return Vec::new();
            }
            // The login has ended: its address and code are spent, and nothing waits for a
            // paste. Enter starts a new one.
            _ if failed => return Vec::new(),
            Key::Copy | Key::Char('y') if key == Key::Copy || !self.typing() => {
                if let Some((what, value)) = self.copyable() {
                    self.message = Some(COPIED.replace("{what}", what));
                    return vec![Effect::Copy { value }];
                }
            }
            Key::ShowAlone => {
                if let Some(Prompt::Browser { url, .. }) =
                    self.authorizing().and_then(|a| a.prompt.as_ref())
                {
                    return vec![Effect::ShowAlone { text: url.clone() }];
                }
            }
            Key::Assist => {
                if let Some(what) = self.stand_in() {
                    return vec![Effect::StandIn {
                        request: self.request,
                        what,
                    }];
                }
            }
            _ => {}
        }
        let Screen::Authorize(a) = &mut self.screen else {
            return Vec::new();
        };
        if !matches!(a.prompt, Some(Prompt::Browser { .. })) {
            return Vec::new();
        }
        match key {
            Key::Enter if !a.paste.is_empty() => {
                let text = a.paste.take_secret();
                return text
                    .map(|text| vec![Effect::PasteRedirect { text }])
                    .unwrap_or_default();
            }
            _ => {
                a.paste.edit(key);
            }
        }
        Vec::new()
    }

    /// F3 on the demo's refresh-token form: the demo org issues one (the consumer key first).
    pub(crate) fn stand_in_for_token(&mut self) -> Vec<Effect> {
        // The demo org stands in for itself only: a token from it is no use elsewhere. A
        // re-authenticated connection's org is the one it was saved with.
        let demo = self
            .demo_url
            .as_deref()
            .and_then(|u| LoginUrl::parse(u).ok());
        let on_demo_org = match (&self.reauth, &demo) {
            (Some(loaded), Some(demo)) => loaded.draft.login_url.as_str() == demo.as_str(),
            (None, Some(_)) => self.environment == 0,
            _ => false,
        };
        if !on_demo_org {
            self.message = Some(match &self.reauth {
                Some(loaded) => format!(
                    "F3 gets a refresh token from the demo org only, and '{}' is on another org ({}): paste a refresh token from that org.",
                    loaded.name, loaded.draft.login_url
                ),
                None => "F3 gets a refresh token from the demo org only: go back to 'where is the org?' and choose the demo org.".into(),
            });
            return Vec::new();
        }
        match self.stand_in() {
            Some(what) => {
                self.message = Some("Demo: logging in to the demo org for a refresh token…".into());
                vec![Effect::StandIn {
                    request: self.request,
                    what,
                }]
            }
            None => {
                self.message = Some(
                    "Type the demo's consumer key (and secret) first: F3 then logs in for a refresh token."
                        .into(),
                );
                Vec::new()
            }
        }
    }

    /// What the Authorize screen offers to copy: the address to open, or the device link.
    pub(crate) fn copyable(&self) -> Option<(&'static str, String)> {
        match self.authorizing()?.prompt.as_ref()? {
            Prompt::Browser { url, .. } => Some(("the address", url.clone())),
            Prompt::Device { complete, .. } => Some(("the link", complete.clone())),
        }
    }
}

/// Said after a copy: the terminal may or may not pass OSC 52 on.
pub const COPIED: &str = "Sent {what} to the clipboard through the terminal (OSC 52). If nothing was copied, your terminal blocks it: select the lines above instead.";

pub(crate) fn bindings(app: &App, a: &Authorizing) -> Vec<Binding> {
    let demo = app.demo_url.is_some();
    let mut keys = Vec::new();
    if a.failed.is_some() {
        return vec![
            Binding::new(&[Key::Enter], "Enter", "try again: a new login")
                .footer("Enter try again"),
            Binding::scroll("scroll"),
            Binding::new(&[Key::Esc], "Esc", "back to the form").footer("Esc back to the form"),
        ];
    }
    match &a.prompt {
        Some(Prompt::Device { .. }) => {
            if demo && app.stand_in().is_some() {
                keys.push(
                    Binding::new(
                        &[Key::Assist],
                        "F3",
                        "demo: approve the code as the user would",
                    )
                    .footer("F3 demo: approve the code"),
                );
            }
            keys.push(
                Binding::new(
                    &[Key::Char('y'), Key::Copy],
                    "y / F5",
                    "copy the link (through the terminal, OSC 52)",
                )
                .footer("y copy the link"),
            );
        }
        Some(Prompt::Browser { .. }) => {
            keys.extend([
                Binding::paste("the address the browser ended on (or its code)")
                    .footer("paste the address"),
                Binding::typing("the address, or its code"),
            ]);
            if !a.paste.is_empty() {
                keys.push(
                    Binding::new(&[Key::Enter], "Enter", "use what was pasted")
                        .footer("Enter use it"),
                );
            }
            if !a.paste.is_empty() {
                keys.push(
                    Binding::new(&[Key::Reveal], "F2", "show or hide what was pasted")
                        .footer("F2 reveal"),
                );
            }
            keys.extend([
                Binding::new(
                    &[Key::Copy],
                    "F5",
                    "copy the address (through the terminal, OSC 52)",
                )
                .footer("F5 copy the address"),
                Binding::new(
                    &[Key::ShowAlone],
                    "F6",
                    "show the address alone on the terminal's normal screen, to select it whole",
                ),
            ]);
            if demo && app.stand_in().is_some() {
                keys.push(
                    Binding::new(&[Key::Assist], "F3", "demo: log in as the user would")
                        .footer("F3 demo: log in"),
                );
            }
        }
        None => {}
    }
    keys.extend([
        Binding::scroll("scroll"),
        Binding::new(&[Key::Esc], "Esc", "cancel and go back to the form").footer("Esc cancel"),
    ]);
    keys
}

/// The login is ready for the user: its address (copied at once) or its device code.
pub(crate) fn started(app: &mut App, prompt: Prompt) -> Vec<Effect> {
    let effects = match &prompt {
        Prompt::Browser { url, .. } => vec![Effect::Copy { value: url.clone() }],
        Prompt::Device { .. } => Vec::new(),
    };
    if let Screen::Authorize(a) = &mut app.screen {
        a.prompt = Some(prompt);
    }
    effects
}

/// The device code's remaining lifetime, for the countdown.
pub(crate) fn counted(app: &mut App, left_secs: u64) -> Vec<Effect> {
    if let Screen::Authorize(a) = &mut app.screen {
        a.left_secs = Some(left_secs);
    }
    Vec::new()
}
