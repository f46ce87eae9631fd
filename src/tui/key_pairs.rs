//! The wizard's JWT key pairs: found, made, or read beside a key file, each with what it is to
//! the app's saved connections (one certificate per app, see `connect::app_keys`).

use std::path::PathBuf;

use super::runtime::{Runtime, post};
use crate::connect::app_keys::{AppRef, KeyUse, key_use, note_pending, shared_key};
use crate::connect::health::days_until;
use crate::profile::{Config, Profiles, jwt_key};
use crate::wizard::{AppKey, GeneratedKey, Msg, Problem};

/// The app typed in the form, at the org of the saved connection `name` when there is one.
fn app_of(config: &Config, name: &str, app: Option<AppKey>) -> Option<AppRef> {
    app.map(|a| AppRef {
        client_id: a.client_id,
        login_url: a.login_url.unwrap_or_default(),
        org_id: config.connections.get(name).and_then(|p| p.org_id.clone()),
    })
}

fn uses(config: &Config, app: Option<&AppRef>, name: &str, key: &std::path::Path) -> KeyUse {
    app.map(|app| key_use(config, app, name, key))
        .unwrap_or_default()
}

impl Runtime {
    /// Off the UI thread: read the config and the app typed for `name`, and post what
    /// `answer` makes of them.
    fn on_app(
        &self,
        name: &str,
        app: Option<AppKey>,
        answer: impl FnOnce(&Profiles, &Config, Option<AppRef>) -> Msg + Send + 'static,
    ) {
        let (profiles, tx, name) = (self.profiles.clone(), self.tx.clone(), name.to_string());
        tokio::task::spawn_blocking(move || {
            let config = profiles.config().unwrap_or_default();
            let app = app_of(&config, &name, app);
            post(&tx, answer(&profiles, &config, app));
        });
    }

    /// The key pair the app's saved connections use, else the one made for `name` earlier
    /// (unless `fresh`), else a new one; with who else uses the app.
    pub(crate) fn generate_key(
        &self,
        request: u64,
        name: String,
        fresh: bool,
        app: Option<AppKey>,
    ) {
        self.on_app(&name.clone(), app, move |profiles, config, app| {
            let dir = profiles.dir().join("keys");
            let found = if fresh {
                None
            } else {
                app.as_ref()
                    .and_then(|a| shared_key(config, a, &name))
                    .and_then(|s| jwt_key::at(&s.key_file))
                    .or_else(|| jwt_key::existing(&dir, &name))
            };
            let reused = found.is_some();
            let made = match found
                .map(Ok)
                .unwrap_or_else(|| jwt_key::generate_new(&dir, &name))
            {
                Ok(g) => g,
                Err(e) => {
                    let problem = Problem::new(e.to_string());
                    return Msg::Failed { request, problem };
                }
            };
            if !reused
                && let Some(app) = &app
                && let Err(e) = note_pending(profiles, app, &made.key_file, &name)
            {
                tracing::warn!("could not note the new pair for the app: {e}");
            }
            // A pair just noted is one not tested yet: read again to say so.
            let noted = (!reused).then(|| profiles.config().ok()).flatten();
            let uses = uses(
                noted.as_ref().unwrap_or(config),
                app.as_ref(),
                &name,
                &made.key_file,
            );
            let key = generated_key(made, reused, uses);
            Msg::KeyGenerated { request, key }
        });
    }

    /// The certificate beside `key_file`, shown with what the key is to the app.
    pub(crate) fn show_certificate(
        &self,
        request: u64,
        name: String,
        key_file: PathBuf,
        app: Option<AppKey>,
    ) {
        self.on_app(&name.clone(), app, move |_, config, app| {
            match jwt_key::at(&key_file) {
                Some(g) => Msg::KeyGenerated {
                    request,
                    key: generated_key(g, true, uses(config, app.as_ref(), &name, &key_file)),
                },
                None => Msg::Failed {
                    request,
                    problem: Problem::new(format!(
                        "No certificate beside {}: keep it there as {} to see it here, or empty the key file field to use the app's key pair (or a new one).",
                        key_file.display(),
                        key_file.with_extension("crt").display()
                    )),
                },
            }
        });
    }

    /// What a key file typed in the form is to the app, before it is tested: who it would stop,
    /// and when its certificate (if one is kept beside it) ends.
    pub(crate) fn check_key(
        &self,
        request: u64,
        name: String,
        key_file: PathBuf,
        app: Option<AppKey>,
    ) {
        self.on_app(&name.clone(), app, move |_, config, app| {
            let uses = uses(config, app.as_ref(), &name, &key_file);
            let days_left = jwt_key::at(&key_file)
                .and_then(|g| g.valid)
                .map(|v| days_until(v.not_after, crate::clock::now()));
            Msg::KeyChecked {
                request,
                exists: key_file.is_file(),
                key_file,
                uses: Box::new(uses),
                days_left,
            }
        });
    }
}

/// Whether users other than the owner may read `key` (its mode grants group or others any
/// access).
fn readable_by_others(key: &std::path::Path) -> bool {
    crate::profile::fsutil::mode(key).is_some_and(|m| m & 0o077 != 0)
}

fn generated_key(g: jwt_key::Generated, reused: bool, uses: KeyUse) -> GeneratedKey {
    let key_file = g.key_file;
    GeneratedKey {
        readable_by_others: readable_by_others(&key_file),
        key_file,
        certificate_file: g.certificate_file,
        certificate_pem: g.certificate_pem,
        valid: g.valid,
        reused,
        uses: Box::new(uses),
        confirm_new: false,
    }
}
