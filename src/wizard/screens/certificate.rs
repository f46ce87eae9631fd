//! The key pair and certificate for JWT bearer: made now, found again, or read beside a key
//! file, with how to upload the certificate.

use std::path::PathBuf;

use super::super::keys::Binding;
use super::super::methods::{CONSUMER_KEY, KEY_FILE};
use super::super::{App, AppKey, Effect, Key, Screen};
use super::authorize::COPIED;
use crate::connect::app_keys::KeyUse;
use crate::connect::health::SHORT_DAYS;
use crate::profile::Flow;

/// A key pair and certificate for JWT bearer: made now, made earlier for this connection, or
/// the certificate beside a key file the user gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedKey {
    pub key_file: PathBuf,
    pub certificate_file: PathBuf,
    pub certificate_pem: String,
    pub valid: Option<crate::profile::jwt_key::Validity>,
    /// Found rather than made now.
    pub reused: bool,
    /// What this key is to the app's saved connections: who shares it (its certificate is in
    /// the app), who it would stop, and the new pairs made for the app not tested yet.
    pub uses: Box<KeyUse>,
    /// `n` was pressed once while other connections use the app: the next `n` makes a new pair.
    pub confirm_new: bool,
    /// The private key file can be read by other users of this machine.
    pub readable_by_others: bool,
}

/// Connection names in a sentence (one place says it for every face).
pub(crate) use crate::connect::app_keys::names;

impl App {
    /// JWT with no key file given: the pair the app's saved connections use, else the one made
    /// for this connection earlier, else a new one. Re-authentication makes a new pair (a
    /// rotation: the saved connection keeps its key until the new one passes and is saved).
    pub(crate) fn find_or_make_key(&mut self) -> Vec<Effect> {
        // The app and user first: the pair is the app's, and none is made for an empty form.
        if let Err(e) = self.submit() {
            self.message = Some(e);
            return Vec::new();
        }
        self.request += 1;
        let fresh = self.reauth.is_some();
        self.message = Some(if fresh {
            "Making a new key pair and certificate…".into()
        } else {
            "Looking for this connection's key pair, or making one…".into()
        });
        vec![self.generate_key(fresh)]
    }

    fn generate_key(&self, fresh: bool) -> Effect {
        Effect::GenerateKey {
            request: self.request,
            name: self.name.text().to_string(),
            fresh,
            app: self.app_key(),
        }
    }

    /// The app as typed in the form.
    fn app_key(&self) -> Option<AppKey> {
        Some(AppKey {
            client_id: self.field_text(CONSUMER_KEY)?,
            login_url: self.login_url().ok().map(|(url, _)| url.to_string()),
        })
    }

    fn look_at_key(&mut self, key_file: PathBuf) -> Vec<Effect> {
        self.request += 1;
        vec![Effect::ShowCertificate {
            request: self.request,
            name: self.name.text().to_string(),
            key_file,
            app: self.app_key(),
        }]
    }

    /// Enter on a JWT form with a key file typed. The key in use (kept by a re-authentication),
    /// the pair whose certificate was just shown, or a key already said of, is tested; another
    /// is looked at first: who it stops on the app, and whether its certificate ends soon.
    pub(crate) fn test_typed_key(&mut self) -> Vec<Effect> {
        let Some(key_file) = self.field_text(KEY_FILE).map(PathBuf::from) else {
            return self.start_check();
        };
        let in_use = self
            .reauth
            .as_ref()
            .is_some_and(|l| l.draft.key_file.as_ref() == Some(&key_file));
        let shown = self
            .generated
            .as_ref()
            .is_some_and(|g| g.key_file == key_file);
        if in_use || shown || self.key_confirmed.as_ref() == Some(&key_file) {
            return self.start_check();
        }
        self.request += 1;
        vec![Effect::CheckKey {
            request: self.request,
            name: self.name.text().to_string(),
            key_file,
            app: self.app_key(),
        }]
    }

    /// What the typed key is to the app: nothing to say, and the test starts; else it is said,
    /// and the next Enter tests.
    pub(crate) fn key_checked(
        &mut self,
        key_file: PathBuf,
        uses: &KeyUse,
        days_left: Option<i64>,
        exists: bool,
    ) -> Vec<Effect> {
        let still = self.field_text(KEY_FILE).map(PathBuf::from).as_ref() == Some(&key_file);
        if !still || !matches!(self.screen, Screen::Credentials { .. }) {
            return Vec::new();
        }
        if !exists {
            self.message = Some(format!(
                "There is no file at {}: type the private key's path, or empty the field for the app's key pair (or a new one).",
                key_file.display()
            ));
            return Vec::new();
        }
        // Short: it must read whole in the message lines of a 60x20 window.
        let mut said = Vec::new();
        let one = uses.stops.len() == 1;
        // A pair made earlier and not tested: the upload may be done, and the others stopped.
        if !uses.stops.is_empty() && uses.untested_since.is_some() {
            said.push(format!(
                "This pair has not passed a test yet. If its certificate is in the app, {} {} already and {} to it after this test passes; if not, upload it first (F4 shows it).",
                names(&uses.stops),
                if one { "has stopped" } else { "have stopped" },
                if one { "moves" } else { "move" },
            ));
        } else if !uses.stops.is_empty() {
            said.push(format!(
                "{} {} another key on this app. Once this key's certificate is uploaded there, {} until {} to this key, after this test passes.",
                names(&uses.stops),
                if one { "uses" } else { "use" },
                if one { "it stops" } else { "they stop" },
                if one { "it moves" } else { "they move" },
            ));
        }
        match days_left {
            Some(d) if d < 0 => {
                said.push("Its certificate has expired: Salesforce refuses it.".into())
            }
            Some(d) if d <= SHORT_DAYS => said.push(format!(
                "Its certificate ends in {d} days: the connection stops then."
            )),
            _ => {}
        }
        if said.is_empty() {
            return self.start_check();
        }
        said.push(match self.reauth.as_ref().and_then(|l| l.draft.key_file.as_ref()) {
            _ if uses.untested_since.is_some() => "Enter again tests it.".into(),
            Some(in_use) => format!(
                "Enter again tests this key; or type back the key in use, {}.",
                in_use.display()
            ),
            None => "Enter again tests this key; or empty the field for the app's key pair (or a new one, valid two years).".into(),
        });
        self.key_confirmed = Some(key_file);
        self.message = Some(said.join(" "));
        Vec::new()
    }

    /// The certificate screen again: for the pair made in this session, the certificate
    /// beside the key file typed, or (key file empty) the pair found or made for it.
    pub(crate) fn show_certificate(&mut self) -> Vec<Effect> {
        let typed = self.field_text(KEY_FILE).map(PathBuf::from);
        match (&self.generated, typed) {
            (Some(g), Some(path)) if g.key_file == path => {
                self.screen = Screen::Certificate;
                Vec::new()
            }
            (Some(_), None) => {
                self.use_generated_key();
                self.screen = Screen::Certificate;
                Vec::new()
            }
            (_, Some(key_file)) => self.look_at_key(key_file),
            (None, None) => self.find_or_make_key(),
        }
    }

    /// A re-authentication whose new pair was made in this session.
    pub(crate) fn made_for_reauth(&self) -> bool {
        self.reauth.is_some() && self.generated.as_ref().is_some_and(|g| !g.reused)
    }

    /// JWT with no key file given: make one (once per connection name).
    pub(crate) fn needs_key(&self) -> bool {
        self.method().flow == Flow::Jwt && self.field_text(KEY_FILE).is_none()
    }

    pub(crate) fn use_generated_key(&mut self) {
        if let Some(g) = &self.generated {
            let path = g.key_file.display().to_string();
            if let Some(f) = self.fields.iter_mut().find(|f| f.label == KEY_FILE) {
                *f = std::mem::take(f).with_value(&path);
            }
        }
    }

    pub(crate) fn on_certificate_key(&mut self, key: Key) -> Vec<Effect> {
        match key {
            Key::Enter => {
                self.use_generated_key();
                return self.start_check();
            }
            Key::Esc => {
                self.use_generated_key();
                self.screen = Screen::Credentials {
                    warned_no_secret: false,
                };
            }
            Key::Down | Key::Up => {
                self.scroll_by(key);
            }
            Key::Char('n') => return self.new_key_asked(),
            Key::Char('p') => {
                if let Some(pending) = self.generated.as_ref().and_then(|g| g.uses.pending.first())
                {
                    let key_file = pending.key_file.clone();
                    return self.look_at_key(key_file);
                }
            }
            Key::Copy | Key::Char('y') => {
                if let Some(g) = &self.generated {
                    self.message = Some(COPIED.replace("{what}", "the certificate"));
                    return vec![Effect::Copy {
                        value: g.certificate_pem.clone(),
                    }];
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
        Vec::new()
    }

    /// `n`: a new pair, confirmed first when other saved connections use the app (its
    /// certificate, once uploaded, stops them until they move to the new key).
    fn new_key_asked(&mut self) -> Vec<Effect> {
        if let Some(g) = &mut self.generated {
            let others: Vec<String> = g
                .uses
                .shared_with
                .iter()
                .chain(&g.uses.stops)
                .cloned()
                .collect();
            if !others.is_empty() && !g.confirm_new {
                g.confirm_new = true;
                let (stop, they) = match others.len() {
                    1 => ("stops", "it moves"),
                    _ => ("stop", "they move"),
                };
                self.message = Some(format!(
                    "A new pair is not needed to add a connection on this app. Its certificate, once uploaded, replaces the one in the app: {} {stop} working until {they} to the new key (after this connection's test passes). Press n again to make it; Enter keeps this one.",
                    names(&others)
                ));
                return Vec::new();
            }
        }
        self.make_new_key()
    }

    /// A new pair in place of the one shown (kept on disk: a saved connection may use it).
    pub(crate) fn make_new_key(&mut self) -> Vec<Effect> {
        self.request += 1;
        self.message = Some("Making a new key pair and certificate…".into());
        vec![self.generate_key(true)]
    }
}

pub(crate) fn bindings(app: &App) -> Vec<Binding> {
    let mut keys = vec![Binding::scroll("scroll").footer("↑↓ scroll")];
    if app.generated.is_some() {
        keys.push(
            Binding::new(
                &[Key::Char('y'), Key::Copy],
                "y / F5",
                "copy the certificate (through the terminal, OSC 52)",
            )
            .footer("y copy"),
        );
    }
    // A key the app's other connections use is in the app already: nothing to upload.
    let in_the_app = app
        .generated
        .as_ref()
        .is_some_and(|g| g.reused && !g.uses.shared_with.is_empty());
    if app.stand_in().is_some() && !in_the_app {
        keys.push(
            Binding::new(
                &[Key::Assist],
                "F3",
                "demo: upload the certificate to the app",
            )
            .footer("F3 demo: upload it"),
        );
    }
    if app
        .generated
        .as_ref()
        .is_some_and(|g| !g.uses.pending.is_empty())
    {
        keys.push(
            Binding::new(
                &[Key::Char('p')],
                "p",
                "use the new pair made for the app and not tested yet instead",
            )
            .footer("p use the new pair"),
        );
    }
    keys.extend([
        Binding::new(
            &[Key::Char('n')],
            "n",
            "make a new key pair instead (the one shown stays on disk)",
        )
        .footer("n new pair"),
        Binding::new(&[Key::Enter], "Enter", "test with this key").footer("Enter test"),
        Binding::new(&[Key::Esc], "Esc", "back to the form").footer("Esc back"),
    ]);
    keys
}

/// The key pair is made (or found): its certificate, with how to upload it.
pub(crate) fn generated(app: &mut App, key: GeneratedKey) -> Vec<Effect> {
    // A new pair for an app others use is recorded as pending: the connections list says so
    // on their rows from now on, should the admin leave before the test.
    let pending = !key.reused;
    app.key_confirmed = None;
    app.generated = Some(key);
    app.message = None;
    app.scroll = 0;
    app.screen = Screen::Certificate;
    match pending {
        true => vec![Effect::ReloadConnections],
        false => Vec::new(),
    }
}
