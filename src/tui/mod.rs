//! The terminal runtime: terminal lifecycle, one message loop, and the effects the wizard asks
//! for (checks in a background task, saving off the UI thread).

pub mod launch;
pub mod view;

use std::io::{IsTerminal, stdout};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crossterm::event::{
    DisableBracketedPaste, EnableBracketedPaste, Event, EventStream, KeyCode, KeyEvent,
    KeyEventKind, KeyModifiers,
};
use crossterm::execute;
use futures_util::StreamExt;
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;

use crate::check::{self, CheckEvent, CheckResult, Status, Strategy};
use secrecy::SecretString;

use crate::connect::health::{Health, health};
use crate::connect::interactive::{self, Progress};
use crate::connect::save::{Previous, Replace, Verified, save};
use crate::connect::web_login::{Pasted, Received, clipboard_sequence};
use crate::connect::{open_in, open_store, target};
use crate::profile::{Draft, Flow, ProfileError, Profiles, StoreError};
use crate::salesforce::http::request_timeout;
use crate::salesforce::oauth::ClientApp;
use crate::salesforce::{Http, LoginUrl};
use crate::wizard::{
    App, ConnectionRow, Effect, GeneratedKey, Key, Loaded, Msg, Problem, Retry, StandIn, update,
};
use view::Look;

/// Map a terminal event to a wizard message (None: just redraw, e.g. on resize).
pub fn message(event: Event) -> Option<Msg> {
    match event {
        Event::Paste(text) => Some(Msg::Pasted(text)),
        Event::Key(KeyEvent {
            code,
            modifiers,
            kind: KeyEventKind::Press | KeyEventKind::Repeat,
            ..
        }) => {
            let key = match code {
                KeyCode::Char('c') if modifiers.contains(KeyModifiers::CONTROL) => Key::Interrupt,
                KeyCode::Char(c) if modifiers.contains(KeyModifiers::CONTROL) => {
                    Key::Ctrl(c.to_ascii_lowercase())
                }
                KeyCode::Char(c) => Key::Char(c),
                KeyCode::Delete => Key::Delete,
                KeyCode::Left => Key::Left,
                KeyCode::Right => Key::Right,
                KeyCode::Home => Key::Home,
                KeyCode::End => Key::End,
                KeyCode::F(1) => Key::Help,
                KeyCode::Enter => Key::Enter,
                KeyCode::Esc => Key::Esc,
                KeyCode::Tab => Key::Tab,
                KeyCode::BackTab => Key::BackTab,
                KeyCode::Up => Key::Up,
                KeyCode::Down => Key::Down,
                KeyCode::Backspace => Key::Backspace,
                KeyCode::F(2) => Key::Reveal,
                KeyCode::F(3) => Key::Assist,
                KeyCode::F(4) => Key::Certificate,
                KeyCode::F(5) => Key::Copy,
                KeyCode::F(6) => Key::ShowAlone,
                _ => return None,
            };
            Some(Msg::KeyPressed(key))
        }
        _ => None,
    }
}

/// The rows of the home screen, from what is saved.
pub fn connection_rows(profiles: &Profiles) -> Vec<ConnectionRow> {
    let Ok(config) = profiles.config() else {
        return Vec::new();
    };
    let now = SystemTime::now();
    config
        .connections
        .iter()
        .map(|(name, p)| {
            let (h, mut summary) = health(p, now);
            // A retiring login method is said first on every row that uses one, in a few words
            // (a narrow window cuts the end of the line, not the warning).
            if let Some(a) = crate::connect::advisories::advisories(p.flow, now).first() {
                summary = if summary == a.message {
                    a.short.clone()
                } else {
                    format!("{} · {summary}", a.short)
                };
            }
            ConnectionRow {
                name: name.clone(),
                health: match h {
                    Health::Ok => Status::Pass,
                    Health::Expiring | Health::Untested => Status::Warn,
                    Health::Failing => Status::Fail,
                },
                summary,
                sandbox: p.sandbox,
                store: p.store,
                flow: p.flow,
                username: p.username.clone(),
            }
        })
        .collect()
}

/// What background tasks send the runtime: a message for the wizard, or (a browser login
/// being ready) where pasted addresses go, which the runtime keeps for itself.
enum Inbound {
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

/// Whether the file store needs its passphrase (missing or mistyped).
fn needs_passphrase(e: &ProfileError) -> bool {
    matches!(
        e,
        ProfileError::Store(
            StoreError::PassphraseNeeded { .. } | StoreError::WrongPassphrase { .. }
        )
    )
}

/// A problem in words for the wizard; a passphrase the file store needs makes it retryable.
fn problem(e: &ProfileError, retry: Retry) -> Problem {
    let needs_passphrase = needs_passphrase(e);
    Problem {
        message: match e {
            ProfileError::Store(StoreError::PassphraseNeeded { path }) => {
                format!("{} is protected by a passphrase.", path.display())
            }
            ProfileError::Store(StoreError::WrongPassphrase { path }) => format!(
                "That passphrase does not open {}; nothing was changed. Type it again.",
                path.display()
            ),
            // The command line's advice names flags; the wizard names its own keys.
            ProfileError::Store(StoreError::KeyringUnavailable { reason }) => keyring_advice(
                &retry,
                &format!("the OS keyring is not available here: {reason}"),
            ),
            ProfileError::Store(StoreError::KeyringTimeout(after)) => keyring_advice(
                &retry,
                &format!(
                    "the OS keyring did not answer within {} seconds; it may be locked behind a prompt nobody can see",
                    after.as_secs()
                ),
            ),
            ProfileError::Store(StoreError::KeyringFailed(why)) => {
                keyring_advice(&retry, &format!("the OS keyring refused: {why}"))
            }
            ProfileError::ChangedMeanwhile(name) => format!(
                "Not saved: another sfconnect saved '{name}' while this test ran, and what it saved is kept. To save this one as well, go back (Esc) to the name and choose another; everything typed is kept."
            ),
            _ => e.to_string(),
        },
        retry: needs_passphrase.then_some(retry),
    }
}

/// What to do when the keyring fails: on the save screen, the encrypted file is one key away.
fn keyring_advice(retry: &Retry, what: &str) -> String {
    match retry {
        Retry::Save => format!(
            "Not saved: {what}. Press f to save to the encrypted file instead (it works over SSH and for unattended jobs), then Enter."
        ),
        _ => format!("{what}. Unlock the keyring, then try again."),
    }
}

/// Carries out effects; owns everything that does I/O.
struct Runtime {
    profiles: Arc<Profiles>,
    http: Http,
    tx: UnboundedSender<Inbound>,
    running: Option<JoinHandle<()>>,
    /// Where a pasted redirect goes while the browser login `.0` waits for one.
    paste: Option<(u64, Pasted)>,
    /// The refresh token the save `.0` replaced, while the Saved screen can revoke it.
    previous: Option<(u64, Previous)>,
    /// The latest secret copied, recognised without being held: tmux keeps copies in its
    /// paste buffers, which clearing deletes.
    copied: Option<crate::connect::clipboard::Fingerprint>,
    /// The wizard's screen is left for the normal one (`Effect::ShowAlone`) until a key.
    alone: bool,
}

/// Send a message for the wizard from a background task.
fn post(tx: &UnboundedSender<Inbound>, msg: Msg) {
    let _ = tx.send(Inbound::Msg(msg));
}

/// What the demo's simulated org does in place of a person.
/// What the demo org did for the user; a refresh token when it issued one for the form.
async fn stand_in(
    http: &Http,
    what: StandIn,
    paste: Option<Pasted>,
) -> Result<(String, Option<SecretString>), String> {
    let done = |text: &str| (text.to_string(), None);
    let failed = |e: &dyn std::fmt::Display| format!("the simulated org did not answer: {e}");
    match what {
        StandIn::RefreshToken {
            org,
            consumer_key,
            consumer_secret,
        } => match demo_refresh_token(http, &org, consumer_key, consumer_secret).await {
            Ok(token) => Ok((
                "Demo: logged in as the demo user; the refresh token the demo org issued is in the form. Press Enter to test.".into(),
                Some(token),
            )),
            Err(e) => Err(format!("Demo: no refresh token: {e}")),
        },
        StandIn::Browser { url } => {
            let reply = http
                .client()
                .get(&url)
                .send()
                .await
                .map_err(|e| failed(&e))?;
            let location = reply
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .ok_or_else(|| {
                    "the simulated org showed an error page instead of redirecting".to_string()
                })?
                .to_string();
            match paste {
                Some(tx) if tx.send(Received::Redirected(location)).is_ok() => Ok(done(
                    "Demo: logged in as the demo user in place of a browser.",
                )),
                _ => Err("the browser login is no longer waiting".into()),
            }
        }
        StandIn::Device { org, user_code } => {
            let reply = http
                .client()
                .post(format!("{org}/__sim/device/approve"))
                .form(&[("user_code", user_code.as_str())])
                .send()
                .await
                .map_err(|e| failed(&e))?;
            if reply.status().is_success() {
                Ok(done("Demo: approved the code as the demo user."))
            } else {
                Err("the simulated org refused the code".into())
            }
        }
        StandIn::Certificate {
            org,
            consumer_key,
            pem,
        } => {
            let reply = http
                .client()
                .post(format!("{org}/__sim/apps/certificate"))
                .form(&[
                    ("consumer_key", consumer_key.as_str()),
                    ("certificate", pem.as_str()),
                ])
                .send()
                .await
                .map_err(|e| failed(&e))?;
            if reply.status().is_success() {
                Ok(done(
                    "Demo: uploaded the certificate to the demo org's app. Press Enter to test.",
                ))
            } else {
                Err("the demo org has no app with that consumer key".into())
            }
        }
    }
}

/// A browser login to the demo org, the browser played by an HTTP request: the refresh
/// token an integration would have been handed elsewhere.
async fn demo_refresh_token(
    http: &Http,
    org: &str,
    client_id: String,
    client_secret: Option<SecretString>,
) -> Result<SecretString, String> {
    use crate::connect::web_login::{BrowserLogin, DEFAULT_CALLBACK_PORT};
    let login_url = LoginUrl::parse(org).map_err(|e| e.to_string())?;
    let login = BrowserLogin::start(&login_url, &client_id, DEFAULT_CALLBACK_PORT, false)
        .await
        .map_err(|e| e.to_string())?;
    let reply = http
        .client()
        .get(&login.url)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let location = reply
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .ok_or("the demo org showed an error page: check the consumer key")?
        .to_string();
    let _ = login.paste_sender().send(Received::Redirected(location));
    let app = ClientApp {
        client_id,
        client_secret,
    };
    let token = login
        .finish(http, &login_url, &app, Duration::from_secs(30), |_| {})
        .await
        .map_err(|e| e.to_string())?;
    token
        .refresh_token
        .ok_or_else(|| "the demo org issued no refresh token".to_string())
}

/// Run the checks, forwarding each event as it happens; the outcome comes back whole.
async fn run_checks(
    http: &Http,
    target: check::Target,
    request: u64,
    tx: &UnboundedSender<Inbound>,
) -> check::Outcome {
    let (events_tx, mut events) = unbounded_channel();
    let forward = {
        let tx = tx.clone();
        tokio::spawn(async move {
            while let Some(event) = events.recv().await {
                post(&tx, Msg::CheckProgressed { request, event });
            }
        })
    };
    let outcome = check::run(http, target, Strategy::Batched, Some(&events_tx)).await;
    drop(events_tx);
    let _ = forward.await;
    outcome
}

/// A check that could not start: one failed line and the end of the run.
fn could_not_check(tx: &UnboundedSender<Inbound>, request: u64, result: CheckResult) {
    post(
        tx,
        Msg::CheckProgressed {
            request,
            event: CheckEvent::Finished(result),
        },
    );
    post(
        tx,
        Msg::CheckFinished {
            request,
            ok: false,
            verified: None,
        },
    );
}

impl Runtime {
    /// Start `task` as the one piece of cancellable work under way (a check or a login).
    /// Run `task` for `request` in place of the one running. Should it panic (a bug), the test
    /// or login ends with that said, never a spinner that turns forever.
    fn replace_running(
        &mut self,
        request: u64,
        task: impl std::future::Future<Output = ()> + Send + 'static,
    ) {
        use futures_util::FutureExt;
        if let Some(task) = self.running.take() {
            task.abort();
        }
        self.paste = None;
        let tx = self.tx.clone();
        let task = async move {
            crate::profile::fsutil::failpoint("task-started");
            task.await
        };
        self.running = Some(tokio::spawn(async move {
            if std::panic::AssertUnwindSafe(task)
                .catch_unwind()
                .await
                .is_err()
            {
                let broken = CheckResult::new(
                    "login",
                    Status::Fail,
                    "the test stopped on an internal error in sfconnect (a bug; the log says where)",
                    "try again; if it happens again, report it with the log file",
                );
                post(
                    &tx,
                    Msg::Authorized {
                        request,
                        result: Err(broken.clone()),
                    },
                );
                could_not_check(&tx, request, broken);
            }
        }));
    }

    fn start_authorize(
        &mut self,
        request: u64,
        flow: Flow,
        login_url: LoginUrl,
        app: ClientApp,
        port: u16,
    ) {
        let (tx, http) = (self.tx.clone(), self.http.clone());
        self.replace_running(request, async move {
            let progress = |p: Progress| match p {
                Progress::Ready { prompt, paste } => {
                    if let Some(paste) = paste {
                        let _ = tx.send(Inbound::PasteReady { request, paste });
                    }
                    post(&tx, Msg::AuthorizeStarted { request, prompt });
                }
                Progress::Countdown(left_secs) => {
                    post(&tx, Msg::AuthorizeCountdown { request, left_secs })
                }
                Progress::Refused(why) => post(&tx, Msg::PasteRefused { request, why }),
            };
            let token = match flow {
                Flow::Device => interactive::device_login(&http, &login_url, &app, progress).await,
                _ => interactive::browser_login(&http, &login_url, &app, port, true, progress).await,
            };
            let result = match token {
                Ok(token) => token.refresh_token.ok_or_else(|| {
                    CheckResult::new(
                        "login",
                        Status::Fail,
                        "The login worked but Salesforce sent no refresh token",
                        "add the 'Perform requests at any time (refresh_token, offline_access)' scope to the app, then log in again",
                    )
                }),
                Err(e) => Err(CheckResult::from_error("login", Status::Fail, &e)),
            };
            post(&tx, Msg::Authorized { request, result });
        });
    }

    fn cancel(&mut self) {
        if let Some(task) = self.running.take() {
            task.abort();
        }
        self.paste = None;
    }

    /// The key pair made for `name` earlier when there is one (unless `fresh`), else a new one.
    fn generate_key(&self, request: u64, name: String, fresh: bool) {
        use crate::profile::jwt_key;
        let (dir, tx) = (self.profiles.dir().join("keys"), self.tx.clone());
        tokio::task::spawn_blocking(move || {
            let found = if fresh {
                None
            } else {
                jwt_key::existing(&dir, &name)
            };
            let reused = found.is_some();
            let msg = match found
                .map(Ok)
                .unwrap_or_else(|| jwt_key::generate_new(&dir, &name))
            {
                Ok(g) => Msg::KeyGenerated {
                    request,
                    key: generated_key(g, reused),
                },
                Err(e) => Msg::Failed {
                    request,
                    problem: Problem::new(e.to_string()),
                },
            };
            post(&tx, msg);
        });
    }

    /// The certificate beside `key_file`, shown again.
    fn show_certificate(&self, request: u64, key_file: std::path::PathBuf) {
        use crate::profile::jwt_key;
        let tx = self.tx.clone();
        tokio::task::spawn_blocking(move || {
            let found = jwt_key::certificate_for(&key_file).and_then(|crt| {
                let pem = std::fs::read_to_string(&crt).ok()?;
                Some(jwt_key::Generated {
                    valid: jwt_key::validity(&pem),
                    key_file: key_file.clone(),
                    certificate_file: crt,
                    certificate_pem: pem,
                })
            });
            let msg = match found {
                Some(g) => Msg::KeyGenerated {
                    request,
                    key: generated_key(g, true),
                },
                None => Msg::Failed {
                    request,
                    problem: Problem::new(format!(
                        "No certificate beside {}: keep it there as {} to see it here, or empty the key file field to make a new pair.",
                        key_file.display(),
                        key_file.with_extension("crt").display()
                    )),
                },
            };
            post(&tx, msg);
        });
    }

    /// Test a new connection's draft; a passing run comes back with what saving needs.
    fn start_check(&mut self, request: u64, name: String, draft: Draft) {
        let (tx, http) = (self.tx.clone(), self.http.clone());
        let existing = self.profiles.get(&name).ok();
        self.replace_running(request, async move {
            let profile = draft.to_profile(existing.as_ref(), crate::profile::StoreKind::File);
            let target = match target(&name, &profile, &draft.secrets) {
                Ok(t) => t,
                Err(e) => {
                    let result = CheckResult::from_error("login", Status::Fail, &e);
                    return could_not_check(&tx, request, result);
                }
            };
            let outcome = run_checks(&http, target, request, &tx).await;
            let ok = outcome.ok();
            let verified = Verified::from_outcome(&name, draft, outcome).map(Arc::new);
            post(
                &tx,
                Msg::CheckFinished {
                    request,
                    ok,
                    verified,
                },
            );
        });
    }

    /// Test a saved connection as it is and record the verdict on the credentials tested.
    fn test_saved(&mut self, request: u64, name: String) {
        let (tx, http, profiles) = (self.tx.clone(), self.http.clone(), self.profiles.clone());
        self.replace_running(request, async move {
            let saved = match open_in(profiles, &name).await {
                Ok(s) => s,
                Err(e) => {
                    let p = problem(&e, Retry::Test { name });
                    if p.retry.is_some() {
                        return post(
                            &tx,
                            Msg::Failed {
                                request,
                                problem: p,
                            },
                        );
                    }
                    let result = CheckResult::new("login", Status::Fail, p.message, "");
                    return could_not_check(&tx, request, result);
                }
            };
            let target = match target(&name, &saved.profile, &saved.secrets) {
                Ok(t) => t,
                Err(e) => {
                    let result = CheckResult::from_error("login", Status::Fail, &e);
                    return could_not_check(&tx, request, result);
                }
            };
            let outcome = run_checks(&http, target, request, &tx).await;
            let ok = outcome.ok();
            if let Err(e) = saved.record(&outcome).await {
                tracing::warn!("could not record the test of '{name}': {e}");
            }
            post(
                &tx,
                Msg::CheckFinished {
                    request,
                    ok,
                    verified: None,
                },
            );
        });
    }

    /// Load a saved connection for re-authentication. Secrets that cannot be opened are no
    /// reason to refuse: the wizard says why and asks for every value.
    fn load(&self, request: u64, name: String) {
        let (profiles, tx) = (self.profiles.clone(), self.tx.clone());
        tokio::spawn(async move {
            let msg = match load(&profiles, &name).await {
                Ok(loaded) => Msg::ConnectionLoaded {
                    request,
                    loaded: Box::new(loaded),
                },
                Err(problem) => Msg::Failed { request, problem },
            };
            post(&tx, msg);
        });
    }

    /// Delete a saved connection and its secrets together.
    fn remove(&self, request: u64, name: String, revoke: bool) {
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
    fn revoke_previous(&mut self, request: u64) {
        use crate::connect::remove::Revocation;
        let Some((_, previous)) = self.previous.take_if(|(r, _)| *r == request) else {
            return;
        };
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let message = match crate::connect::save::revoke_previous(&previous).await {
                Revocation::Failed(e) => format!(
                    "The previous refresh token could not be revoked ({e}): it stays valid until it expires; revoke it in Setup > Connected Apps OAuth Usage."
                ),
                _ => "The previous refresh token was revoked at Salesforce.".to_string(),
            };
            post(&tx, Msg::PreviousRevoked { request, message });
        });
    }

    /// Save what a passing test verified, the same way `sfconnect login` does.
    fn save(
        &self,
        request: u64,
        verified: Arc<Verified>,
        store: crate::profile::StoreKind,
        old: Option<crate::profile::SecretBundle>,
        replace: Replace,
    ) {
        let (profiles, tx) = (self.profiles.clone(), self.tx.clone());
        tokio::spawn(async move {
            let saved = async {
                let store = open_store(&profiles, store).await?;
                save(&profiles, store, &verified, old.as_ref(), replace).await
            }
            .await;
            let msg = match saved {
                Ok(report) => Msg::Saved {
                    request,
                    previous_token: report.previous.is_some_and(|previous| {
                        tx.send(Inbound::PreviousKept { request, previous }).is_ok()
                    }),
                    message: format!(
                        "{} '{}'. Secrets are in: {}.",
                        if report.replaced {
                            "Re-authenticated"
                        } else {
                            "Saved connection"
                        },
                        report.name,
                        report.store
                    ),
                },
                Err(e) => Msg::Failed {
                    request,
                    problem: problem(&e, Retry::Save),
                },
            };
            post(&tx, msg);
        });
    }

    fn stand_in(&self, request: u64, what: StandIn) {
        let (http, tx) = (self.http.clone(), self.tx.clone());
        let paste = self
            .paste
            .as_ref()
            .filter(|(r, _)| *r == request)
            .map(|(_, p)| p.clone());
        tokio::spawn(async move {
            let result = match stand_in(&http, what, paste).await {
                Ok((done, Some(refresh_token))) => {
                    post(
                        &tx,
                        Msg::TokenIssued {
                            request,
                            refresh_token,
                        },
                    );
                    Ok(done)
                }
                Ok((done, None)) => Ok(done),
                Err(e) => Err(e),
            };
            post(&tx, Msg::StoodIn { request, result });
        });
    }

    fn carry_out(&mut self, effect: Effect) -> Option<()> {
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
            } => self.generate_key(request, name, fresh),
            Effect::ShowCertificate { request, key_file } => {
                self.show_certificate(request, key_file)
            }
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
            Effect::LoadConnection { request, name } => self.load(request, name),
            Effect::RemoveConnection {
                request,
                name,
                revoke,
            } => self.remove(request, name, revoke),
            Effect::RevokePrevious { request } => self.revoke_previous(request),
            Effect::UsePassphrase { passphrase } => self.profiles.set_passphrase(Some(passphrase)),
            Effect::ReloadConnections => post(
                &self.tx,
                Msg::ConnectionsLoaded(connection_rows(&self.profiles)),
            ),
            Effect::Quit => return None,
        }
        Some(())
    }
}

/// What the home screen says after a removal.
fn removed_message(name: &str, removal: &crate::connect::remove::Removal) -> String {
    use crate::connect::remove::Revocation;
    let mut said = match &removal.secrets_left {
        None => format!("Removed '{name}' and its secrets."),
        Some((store, why)) => format!(
            "Removed '{name}', but not its secrets in the {} store ({why}): they are deleted the next time sfconnect opens that store.",
            store.as_str()
        ),
    };
    match &removal.revocation {
        Revocation::Revoked => said.push_str(" Its token was revoked at Salesforce."),
        Revocation::Failed(e) => said.push_str(&format!(
            " Its token could not be revoked ({e}): it stays valid until it expires or an admin revokes it."
        )),
        Revocation::Skipped | Revocation::NoToken | Revocation::AlreadyInvalid => {}
    }
    if let Some((key, _)) = &removal.key_pair {
        said.push_str(&format!(
            " Its key pair ({}) was deleted: remove the certificate from the app too.",
            key.display()
        ));
    }
    said
}

fn generated_key(g: crate::profile::jwt_key::Generated, reused: bool) -> GeneratedKey {
    GeneratedKey {
        key_file: g.key_file,
        certificate_file: g.certificate_file,
        certificate_pem: g.certificate_pem,
        valid: g.valid,
        reused,
    }
}

/// A saved connection as re-authentication starts from it.
async fn load(profiles: &Arc<Profiles>, name: &str) -> Result<Loaded, Problem> {
    let retry = || Retry::Load {
        name: name.to_string(),
    };
    let profile = profiles.get(name).map_err(|e| problem(&e, retry()))?;
    let login_url = LoginUrl::parse(&profile.login_url).map_err(|e| Problem::new(e.to_string()))?;
    let secrets = match open_in(profiles.clone(), name).await {
        Ok(saved) => Ok(saved.secrets),
        Err(e) => match problem(&e, retry()) {
            p if p.retry.is_some() => return Err(p),
            p => Err(p.message.lines().next().unwrap_or_default().to_string()),
        },
    };
    let now = SystemTime::now();
    let (health, summary) = health(&profile, now);
    let password_age_days = profile
        .password_changed_at
        .filter(|_| matches!(profile.flow, Flow::Soap | Flow::Password))
        .and_then(|t| now.duration_since(t).ok())
        .map(|d| d.as_secs() / 86_400);
    let secrets_problem = secrets.as_ref().err().cloned();
    let certificate = profile
        .key_file
        .as_deref()
        .filter(|_| profile.flow == Flow::Jwt)
        .and_then(crate::profile::jwt_key::certificate_for)
        .map(|crt| {
            let valid = std::fs::read_to_string(&crt)
                .ok()
                .and_then(|pem| crate::profile::jwt_key::validity(&pem));
            (crt, valid)
        });
    Ok(Loaded {
        name: name.to_string(),
        entry: profile.secrets.clone(),
        draft: Draft {
            flow: profile.flow,
            login_url,
            sandbox: profile.sandbox,
            username: profile.username.clone(),
            client_id: profile.client_id.clone(),
            key_file: profile.key_file.clone(),
            ui: profile.ui,
            secrets: secrets.unwrap_or_default(),
        },
        store: profile.store,
        problem: health.alarming().then_some(summary),
        password_age_days,
        secrets_problem,
        certificate,
    })
}

/// Run the wizard on `terminal` until the user leaves. Generic over the backend so tests can
/// drive the real loop into a test backend.
pub async fn run_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    mut app: App,
    profiles: Arc<Profiles>,
    mut events: impl futures_util::Stream<Item = std::io::Result<Event>> + Unpin,
    look_colour: bool,
    initial: Vec<Msg>,
) -> std::io::Result<App> {
    let (tx, mut rx) = unbounded_channel();
    let mut runtime = Runtime {
        profiles,
        http: Http::new(request_timeout()).map_err(|e| std::io::Error::other(e.to_string()))?,
        tx,
        running: None,
        paste: None,
        previous: None,
        copied: None,
        alone: false,
    };
    let mut tick = 0usize;
    let ascii = view::ascii_locale(|name| std::env::var(name).ok());
    let stop = crate::connect::signals::wait_for_stop();
    tokio::pin!(stop);
    let mut ticker = tokio::time::interval(Duration::from_millis(120));
    for msg in initial {
        post(&runtime.tx, msg);
    }
    loop {
        let look = Look {
            colour: look_colour,
            tick,
            ascii,
        };
        // Nothing is drawn over the normal screen while the address is shown alone there.
        if !runtime.alone {
            terminal
                .draw(|frame| view::draw(&app, frame, look))
                .map_err(|e| std::io::Error::other(e.to_string()))?;
        }
        let msg = tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => message(event),
                Some(Err(e)) => return Err(e),
                None => Some(Msg::KeyPressed(Key::Interrupt)),
            },
            Some(inbound) = rx.recv() => match inbound {
                Inbound::Msg(msg) => Some(msg),
                Inbound::PasteReady { request, paste } => {
                    runtime.paste = Some((request, paste));
                    None
                }
                Inbound::PreviousKept { request, previous } => {
                    runtime.previous = Some((request, previous));
                    None
                }
            },
            _ = ticker.tick(), if app.running || app.authorizing.is_some() || app.saving => {
                tick += 1;
                None
            }
            _ = &mut stop => Some(Msg::KeyPressed(Key::Interrupt)),
        };
        let Some(msg) = msg else { continue };
        // The address shown alone: any key comes back to the wizard's screen (Ctrl-C still
        // quits).
        if runtime.alone && matches!(&msg, Msg::KeyPressed(_)) {
            runtime.alone = false;
            let _ = crossterm::execute!(
                stdout(),
                crossterm::terminal::EnterAlternateScreen,
                crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
            );
            // Both buffers emptied: the next frame is drawn whole (without asking the
            // terminal where its cursor is, which `clear` would).
            terminal.swap_buffers();
            terminal.swap_buffers();
            if !matches!(msg, Msg::KeyPressed(Key::Interrupt)) {
                continue;
            }
        }
        // While the window is too small to show the screen, keys the user cannot see the
        // effect of are ignored; Ctrl-C still quits.
        let hidden = terminal
            .size()
            .is_ok_and(|s| s.width < view::MIN_SIZE.0 || s.height < view::MIN_SIZE.1);
        if hidden && matches!(&msg, Msg::Pasted(_)) {
            continue;
        }
        if hidden && matches!(&msg, Msg::KeyPressed(k) if *k != Key::Interrupt) {
            continue;
        }
        for effect in update(&mut app, msg) {
            if runtime.carry_out(effect).is_none() {
                return Ok(app);
            }
        }
    }
}

/// The wizard on the real terminal: raw mode and the alternate screen for its lifetime, the
/// terminal restored on every way out, a panic included. Nothing here may print with
/// `eprintln!`: once the terminal's window is closed that panics, and a panic in the panic hook
/// aborts, skipping the cleanup (the demo's scratch dir) that a normal exit does.
pub async fn run(app: App, profiles: Arc<Profiles>, initial: Vec<Msg>) -> std::io::Result<()> {
    let colour = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // A background task's panic is caught and shown on its screen; printing it here would
        // scribble over the wizard. Only the main loop's panic ends the wizard.
        if std::thread::current().name() != Some("main") {
            tracing::error!("a background task panicked: {info}");
            return;
        }
        restore();
        hook(info);
    }));
    let mut terminal = enter()?;
    let result = run_loop(
        &mut terminal,
        app,
        profiles,
        EventStream::new(),
        colour,
        initial,
    )
    .await;
    // A closed terminal cannot show the cursor again; ratatui's drop would then print (and
    // panic), so the terminal is dropped only when it can be.
    if terminal.show_cursor().is_err() {
        std::mem::forget(terminal);
    }
    restore();
    result.map(|_| ())
}

fn enter() -> std::io::Result<ratatui::DefaultTerminal> {
    crossterm::terminal::enable_raw_mode()?;
    execute!(
        stdout(),
        crossterm::terminal::EnterAlternateScreen,
        EnableBracketedPaste
    )?;
    Terminal::new(ratatui::backend::CrosstermBackend::new(stdout()))
}

/// Put the terminal back as it was; errors (a closed terminal) are ignored.
fn restore() {
    let _ = execute!(stdout(), DisableBracketedPaste);
    let _ = crossterm::terminal::disable_raw_mode();
    // Blank the alternate screen before leaving it: a terminal resized meanwhile (tmux) may
    // carry its lines over into the shell's screen.
    let _ = execute!(
        stdout(),
        crossterm::terminal::Clear(crossterm::terminal::ClearType::All),
        crossterm::terminal::LeaveAlternateScreen
    );
}

/// Whether the wizard can run here: both ends must be a terminal.
pub fn on_terminal() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}
