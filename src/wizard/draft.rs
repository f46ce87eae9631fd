//! The connection being built: where the org is, the form of the chosen method, and the draft
//! the test and the save are given; after a failed test, back to the field the failure names.

use std::path::PathBuf;

use super::field::Field;
use super::methods::{self, CONSUMER_KEY, KEY_FILE, PASSWORD, SECURITY_TOKEN, USERNAME};
use super::{App, Effect, Screen, TestRun};
use crate::check::Status;
use crate::profile::{Draft, key};
use crate::salesforce::LoginUrl;

impl App {
    pub(crate) fn login_url(&self) -> Result<(LoginUrl, bool), String> {
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
    pub(crate) fn on_login_host(&self) -> bool {
        use crate::salesforce::login_url::HostKind;
        let offset = usize::from(self.demo_url.is_some());
        match self.environment.checked_sub(offset) {
            Some(0 | 1) => true,
            None => self.demo_url.is_some(),
            Some(_) => LoginUrl::parse(self.my_domain.text())
                .is_ok_and(|u| matches!(u.kind(), HostKind::Production | HostKind::Sandbox)),
        }
    }

    pub(crate) fn uses_my_domain_field(&self) -> bool {
        self.environment == self.environments().len() - 1
    }

    /// A new field for `spec`; re-authentication prefills what the connection has saved.
    pub(crate) fn new_field(&self, spec: &methods::FieldSpec) -> Field {
        let f = match spec.secret {
            Some(_) => Field::secret(spec.label),
            None => Field::new(spec.label),
        };
        let saved = self.reauth.as_ref().and_then(|loaded| {
            let d = &loaded.draft;
            match spec.label {
                USERNAME => d.username.clone(),
                CONSUMER_KEY => d.client_id.clone(),
                KEY_FILE => match &self.pair {
                    super::screens::reauth::Pair::Keep => d.key_file.clone(),
                    super::screens::reauth::Pair::New => None,
                    super::screens::reauth::Pair::Pending(key) => Some(key.clone()),
                }
                .map(|p| p.display().to_string()),
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
    pub(crate) fn enter_credentials(&mut self) {
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
        self.screen = Screen::Credentials {
            warned_no_secret: false,
        };
    }

    pub(crate) fn field_text(&self, label: &str) -> Option<String> {
        self.fields
            .iter()
            .find(|f| f.label == label && !f.secret)
            .map(|f| f.text().to_string())
            .filter(|t| !t.is_empty())
    }

    /// Validate the form and turn it into a draft. The fields keep their values (for Back
    /// and a second try); an empty secret field falls back to the kept value.
    pub(crate) fn submit(&mut self) -> Result<Draft, String> {
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

    pub(crate) fn field(&self, label: &str) -> Option<&Field> {
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

    /// After a failed test, put the cursor in the field the failure names, its value
    /// selected so that typing or pasting replaces it; a login URL the method cannot use
    /// goes back to "where is the org?".
    pub(crate) fn back_to_failure(&mut self, run: &TestRun) {
        use crate::salesforce::error::Cause::*;
        let Some(cause) = run
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
            InvalidLogin | AuthenticationFailure if run.with_kept_token => SECURITY_TOKEN,
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

    pub(crate) fn start_check(&mut self) -> Vec<Effect> {
        match self.submit() {
            Ok(draft) => {
                let with_kept_token = self.token_kept_with_new_password();
                let without_token = self.field(SECURITY_TOKEN).is_some_and(Field::is_empty)
                    && self.kept.get(key::SECURITY_TOKEN).is_none();
                self.begin_test(None, with_kept_token);
                if let Screen::Testing(run) = &mut self.screen {
                    run.without_token = without_token;
                }
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
