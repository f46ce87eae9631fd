//! Carries out the wizard's effects, one function each: checks and logins in a background task,
//! saving and loading off the UI thread; results come back as messages on one channel.

use std::io::{IsTerminal, stdout};
use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

use super::text::{assist_failed, assisted, needs_passphrase, problem, removed_message};
use crate::connect::assist::Assisted;
use crate::connect::open_store;
use crate::connect::reauth::LoadError;
use crate::connect::save::{Previous, Replace, Verified, save};
use crate::connect::web_login::{Pasted, Received, clipboard_sequence};
use crate::profile::Profiles;
use crate::salesforce::Http;
use crate::salesforce::oauth::ClientApp;
use crate::wizard::{Effect, Msg, Problem, Purpose, Retry, StandIn};

/// What background tasks send the runtime: a message for the wizard, or (a browser login
/// being ready) where pasted addresses go, which the runtime keeps for itself.
pub(crate) enum Inbound {
    Msg(Msg),
    PasteReady {
        request: u64,
        paste: Pasted,
    },
    /// The refresh token the save of `request` replaced, kept here (never in the wizard's
    /// state) until it is revoked or another save happens.
    PreviousKept {
        request: u64,
        previous: Previous,
    },
}

/// Carries out effects; owns everything that does I/O.
pub(crate) struct Runtime {
    pub(super) profiles: Arc<Profiles>,
    pub(super) http: Http,
    pub(super) tx: UnboundedSender<Inbound>,
    pub(super) running: Option<JoinHandle<()>>,
    /// Where a pasted redirect goes while the browser login `.0` waits for one.
    pub(super) paste: Option<(u64, Pasted)>,
    /// The refresh token the save `.0` replaced, while the Saved screen can revoke it.
    pub(super) previous: Option<(u64, Previous)>,
    /// The latest secret copied, recognised without being held: tmux keeps copies in its
    /// paste buffers, which clearing deletes.
    pub(super) copied: Option<crate::connect::clipboard::Fingerprint>,
    /// The wizard's screen is left for the normal one (`Effect::ShowAlone`) until a key.
    pub(super) alone: bool,
}

/// Send a message for the wizard from a background task.
pub(crate) fn post(tx: &UnboundedSender<Inbound>, msg: Msg) {
    let _ = tx.send(Inbound::Msg(msg));
}

impl Runtime {
    /// Load a saved connection for re-authentication. Secrets that cannot be opened are no
    /// reason to refuse: the wizard says why and asks for every value.
    pub(crate) fn load(&self, request: u64, name: String, purpose: Purpose) {
        let (profiles, tx) = (self.profiles.clone(), self.tx.clone());
        tokio::spawn(async move {
            let retry = || Retry::Load {
                name: name.clone(),
                purpose,
            };
            let msg = match crate::connect::reauth::load(&profiles, &name).await {
                Ok((mut loaded, secrets_error)) => {
                    match secrets_error.map(|e| problem(&e, retry())) {
                        Some(p) if p.retry.is_some() => Msg::Failed {
                            request,
                            problem: p,
                        },
                        said => {
                            loaded.secrets_problem = said
                                .map(|p| p.message.lines().next().unwrap_or_default().to_string());
                            Msg::ConnectionLoaded {
                                request,
                                loaded: Box::new(loaded),
                                purpose,
                            }
                        }
                    }
                }
                Err(LoadError::Profile(e)) => Msg::Failed {
                    request,
                    problem: problem(&e, retry()),
                },
                Err(e @ LoadError::LoginUrl(_)) => Msg::Failed {
                    request,
                    problem: Problem::new(e.to_string()),
                },
            };
            post(&tx, msg);
        });
    }

    /// Delete a saved connection and its secrets together.
    pub(crate) fn remove(&self, request: u64, name: String, revoke: bool) {
        use crate::connect::remove::RemoveError;
        let (profiles, tx) = (self.profiles.clone(), self.tx.clone());
        tokio::spawn(async move {
            // As `sfconnect remove` does: the token revoked, the key pair made for it deleted.
            let removed = crate::connect::remove::remove(&profiles, &name, revoke).await;
            let retry = Retry::Remove {
                name: name.clone(),
                revoke,
            };
            let msg = match removed {
                Ok(removal) => Msg::Removed {
                    request,
                    message: removed_message(&name, &removal),
                },
                Err(RemoveError::Profile(e)) => Msg::Failed {
                    request,
                    problem: problem(&e, retry),
                },
                // A passphrase the store needs is asked for, then the removal tried again.
                Err(RemoveError::CannotRevoke { source, .. }) if needs_passphrase(&source) => {
                    Msg::Failed {
                        request,
                        problem: problem(&source, retry),
                    }
                }
                Err(RemoveError::CannotRevoke { source, .. }) => Msg::Failed {
                    request,
                    problem: Problem::new(format!(
                        "'{name}' was not removed: its secrets cannot be opened to revoke its token ({}). Restore what they need (the key file, the passphrase, the keyring), or remove it with x then k, which keeps the token valid.",
                        source.to_string().lines().next().unwrap_or_default()
                    )),
                },
            };
            post(&tx, msg);
        });
    }

    /// Revoke the refresh token the save `request` replaced, as `login --revoke-old` does.
    pub(crate) fn revoke_previous(&mut self, request: u64) {
        use crate::connect::remove::Revocation;
        let Some((_, previous)) = self.previous.take_if(|(r, _)| *r == request) else {
            return;
        };
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let failed = match crate::connect::save::revoke_previous(&previous).await {
                Revocation::Failed(e) => Some(e.to_string()),
                _ => None,
            };
            post(&tx, Msg::PreviousRevoked { request, failed });
        });
    }

    /// Save what a passing test verified, the same way `sfconnect login` does.
    pub(crate) fn save(
        &self,
        request: u64,
        verified: Arc<Verified>,
        store: crate::profile::StoreKind,
        old: Option<crate::profile::SecretBundle>,
        replace: Replace,
    ) {
        let (profiles, tx, http) = (self.profiles.clone(), self.tx.clone(), self.http.clone());
        tokio::spawn(async move {
            let name = verified.name.clone();
            let previous_key = profiles
                .get(&name)
                .ok()
                .and_then(|p| p.key_file)
                .filter(|k| Some(k) != verified.draft.key_file.as_ref());
            let saved = async {
                let store = open_store(&profiles, store).await?;
                save(&profiles, store, &verified, old.as_ref(), replace).await
            }
            .await;
            let msg = match saved {
                Ok(mut report) => Msg::Saved {
                    request,
                    settled: Box::new(settle(&profiles, &http, &name, previous_key).await),
                    same_user: same_user(&profiles, &name, &verified.draft).await,
                    // The replaced token stays here in the runtime, never in the wizard's state.
                    previous_token: report.previous.take().is_some_and(|previous| {
                        tx.send(Inbound::PreviousKept { request, previous }).is_ok()
                    }),
                    report,
                },
                Err(e) => Msg::Failed {
                    request,
                    problem: problem(&e, Retry::Save),
                },
            };
            post(&tx, msg);
        });
    }

    pub(crate) fn stand_in(&self, request: u64, what: StandIn) {
        let (http, tx) = (self.http.clone(), self.tx.clone());
        let paste = self
            .paste
            .as_ref()
            .filter(|(r, _)| *r == request)
            .map(|(_, p)| p.clone());
        tokio::spawn(async move {
            let result = match crate::connect::assist::stand_in(&http, what, paste).await {
                Ok(done) => {
                    let said = assisted(&done);
                    if let Assisted::TokenIssued(refresh_token) = done {
                        post(
                            &tx,
                            Msg::TokenIssued {
                                request,
                                refresh_token,
                            },
                        );
                    }
                    Ok(said)
                }
                Err(e) => Err(assist_failed(&e)),
            };
            post(&tx, Msg::StoodIn { request, result });
        });
    }

    pub(crate) fn carry_out(&mut self, effect: Effect) -> Option<()> {
        match effect {
            Effect::StartCheck {
                request,
                name,
                draft,
            } => self.start_check(request, name, *draft),
            Effect::TestSaved { request, name } => self.test_saved(request, name),
            Effect::CancelCheck => self.cancel(),
            Effect::StartAuthorize {
                request,
                flow,
                login_url,
                client_id,
                client_secret,
                port,
            } => self.start_authorize(
                request,
                flow,
                login_url,
                ClientApp {
                    client_id,
                    client_secret,
                },
                port,
            ),
            Effect::PasteRedirect { text } => {
                use secrecy::ExposeSecret;
                if let Some((_, tx)) = &self.paste {
                    let _ = tx.send(Received::Pasted(text.expose_secret().to_string()));
                }
            }
            Effect::GenerateKey {
                request,
                name,
                fresh,
                app,
            } => self.generate_key(request, name, fresh, app),
            Effect::ShowCertificate {
                request,
                name,
                key_file,
                app,
            } => self.show_certificate(request, name, key_file, app),
            Effect::CheckKey {
                request,
                name,
                key_file,
                app,
            } => self.check_key(request, name, key_file, app),
            Effect::CopySecret { value, generation } => {
                use secrecy::ExposeSecret;
                use std::io::Write;
                if stdout().is_terminal() {
                    let sequence =
                        secrecy::zeroize::Zeroizing::new(clipboard_sequence(value.expose_secret()));
                    let _ = write!(stdout(), "{}", sequence.as_str());
                    let _ = stdout().flush();
                }
                self.copied = Some(crate::connect::clipboard::Fingerprint::of(&value));
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(crate::wizard::handoff::CLEAR_AFTER).await;
                    post(&tx, Msg::ClipboardExpired { generation });
                });
            }
            Effect::ShowAlone { text } => {
                use std::io::Write;
                if stdout().is_terminal() {
                    let mut out = stdout();
                    let _ = crossterm::execute!(out, crossterm::terminal::LeaveAlternateScreen);
                    let _ = write!(
                        out,
                        "\r\n{text}\r\n\r\nThat is one line, however the terminal wraps it: select it with the mouse. Press any key to go back to sfconnect.\r\n"
                    );
                    let _ = out.flush();
                    self.alone = true;
                }
            }
            Effect::ClearClipboard => {
                use std::io::Write;
                if stdout().is_terminal() {
                    let _ = write!(stdout(), "{}", crate::connect::clipboard::CLEAR_SEQUENCE);
                    let _ = stdout().flush();
                }
                if let Some(copied) = self.copied.take() {
                    tokio::task::spawn_blocking(move || {
                        crate::connect::clipboard::forget_in_tmux(&copied)
                    });
                }
            }
            Effect::Copy { value } => {
                use std::io::Write;
                if stdout().is_terminal() {
                    let _ = write!(stdout(), "{}", clipboard_sequence(&value));
                    let _ = stdout().flush();
                }
            }
            Effect::StandIn { request, what } => self.stand_in(request, what),
            Effect::Save {
                request,
                verified,
                store,
                old,
                replace,
            } => self.save(request, verified, store, old, replace),
            Effect::LoadConnection {
                request,
                name,
                purpose,
            } => self.load(request, name, purpose),
            Effect::RemoveConnection {
                request,
                name,
                revoke,
            } => self.remove(request, name, revoke),
            Effect::RevokePrevious { request } => self.revoke_previous(request),
            Effect::ReauthSameUser {
                request,
                names,
                verified,
            } => {
                let (profiles, tx, http) =
                    (self.profiles.clone(), self.tx.clone(), self.http.clone());
                tokio::spawn(async move {
                    let secrets = &verified.draft.secrets;
                    let new = crate::connect::same_user::NewSecrets {
                        password: secrets.get(crate::profile::key::PASSWORD).cloned(),
                        // No token (a trusted network) keeps each connection's own.
                        security_token: secrets
                            .get(crate::profile::key::SECURITY_TOKEN)
                            .cloned()
                            .map(Some),
                    };
                    let results = crate::connect::same_user::reauthenticate_all(
                        &profiles, &http, &names, &new,
                    )
                    .await;
                    post(&tx, Msg::SameUserReauthed { request, results });
                });
            }
            Effect::UsePassphrase { passphrase } => self.profiles.set_passphrase(Some(passphrase)),
            Effect::ReloadConnections => post(
                &self.tx,
                Msg::ConnectionsLoaded(connection_rows(&self.profiles)),
            ),
            Effect::Audit { request, name } => self.audit(request, name),
            Effect::Quit => return None,
        }
        Some(())
    }
}

/// The rows of the home screen, from what is saved now.
pub fn connection_rows(profiles: &Profiles) -> Vec<crate::wizard::ConnectionRow> {
    match profiles.config() {
        Ok(config) => crate::wizard::screens::home::rows(&config, crate::clock::now()),
        Err(_) => Vec::new(),
    }
}

/// After a JWT save: the app's other connections move to the key that passed (see
/// `connect::app_keys::settle`); a failure to read them is logged, not a failed save.
async fn settle(
    profiles: &std::sync::Arc<crate::profile::Profiles>,
    http: &crate::salesforce::Http,
    name: &str,
    previous_key: Option<std::path::PathBuf>,
) -> crate::connect::app_keys::Settled {
    crate::connect::app_keys::settle(profiles, http, name, previous_key)
        .await
        .unwrap_or_else(|e| {
            tracing::warn!("could not settle the app's other connections: {e}");
            Default::default()
        })
}

/// The other saved password connections that log in as the user just saved.
async fn same_user(
    profiles: &Arc<crate::profile::Profiles>,
    name: &str,
    draft: &crate::profile::Draft,
) -> Vec<String> {
    let (true, Some(username), Ok(config)) = (
        draft.flow.uses_password(),
        draft.username.as_deref(),
        profiles.config(),
    ) else {
        return Vec::new();
    };
    let mut others = Vec::new();
    for other in crate::connect::same_user::logging_in_as(&config, username) {
        if other == name {
            continue;
        }
        // One that holds these secrets already (re-authenticated a moment ago) is not offered;
        // one whose secrets cannot be opened is, and says why when tried.
        let holds_them = crate::connect::open_in(profiles.clone(), &other)
            .await
            .is_ok_and(|saved| {
                [
                    crate::profile::key::PASSWORD,
                    crate::profile::key::SECURITY_TOKEN,
                ]
                .iter()
                .all(|k| {
                    use secrecy::ExposeSecret as _;
                    let value = |b: &crate::profile::SecretBundle| {
                        b.get(k).map(|v| v.expose_secret().to_string())
                    };
                    value(&saved.secrets) == value(&draft.secrets)
                })
            });
        if !holds_them {
            others.push(other);
        }
    }
    others
}
