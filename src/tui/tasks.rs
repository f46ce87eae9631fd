//! The one cancellable piece of background work: a connection test or an interactive login,
//! its progress posted as it happens; a new one replaces it, and a panic in it is reported on
//! its screen rather than leaving a spinner.

use std::sync::Arc;

use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use super::runtime::{Inbound, Runtime, post};
use super::text::problem;
use crate::check::{self, CheckEvent, CheckResult, Status, Strategy};
use crate::connect::interactive::{self, Progress};
use crate::connect::save::Verified;
use crate::connect::{open_in, target};
use crate::profile::{Draft, Flow};
use crate::salesforce::oauth::ClientApp;
use crate::salesforce::{Http, LoginUrl};
use crate::wizard::{Msg, Retry};

/// Run the checks, forwarding each event as it happens; the outcome comes back whole.
async fn run_checks(
    http: &Http,
    target: check::Target,
    request: u64,
    tx: &UnboundedSender<Inbound>,
) -> check::Outcome {
    let login = crate::salesforce::authenticate(http, &target.login_url, &target.credentials);
    run_checks_after(http, &target, request, tx, login).await
}

/// As `run_checks`, for a saved connection: one whose flow spends a refresh token logs in
/// under its hold and saves what the org rotated before any check uses the session.
async fn run_checks_of(
    http: &Http,
    saved: &crate::connect::Saved,
    target: check::Target,
    request: u64,
    tx: &UnboundedSender<Inbound>,
) -> check::Outcome {
    if !crate::profile::credentials::uses_refresh_token(saved.profile.flow) {
        return run_checks(http, target, request, tx).await;
    }
    let kept = std::sync::atomic::AtomicBool::new(false);
    let login = crate::connect::fleet::refresh(http, saved.clone(), &kept);
    run_checks_after(http, &target, request, tx, login).await
}

/// The checks after `login`, each event forwarded as it happens.
async fn run_checks_after(
    http: &Http,
    target: &check::Target,
    request: u64,
    tx: &UnboundedSender<Inbound>,
    login: impl std::future::Future<
        Output = Result<crate::salesforce::Authenticated, crate::salesforce::SfError>,
    >,
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
    let outcome = check::run_after(http, target, Strategy::Batched, Some(&events_tx), login).await;
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
    /// Read the Login History of `name`'s org, as the one cancellable task; progress is
    /// posted a page at a time.
    pub(crate) fn audit(&mut self, request: u64, name: String) {
        let (tx, profiles) = (self.tx.clone(), self.profiles.clone());
        self.replace_running(request, async move {
            let progress = |rows| post(&tx, Msg::AuditProgressed { request, rows });
            let result = crate::connect::audit::audit_connection(
                &profiles,
                &name,
                180,
                crate::clock::now(),
                progress,
            )
            .await
            .map(|(audit, org)| (org, audit))
            .map_err(|e| e.to_string().lines().next().unwrap_or_default().to_string());
            post(&tx, Msg::Audited { request, result });
        });
    }

    /// Start `task` as the one piece of cancellable work under way (a check or a login).
    /// Run `task` for `request` in place of the one running. Should it panic (a bug), the test
    /// or login ends with that said, never a spinner that turns forever.
    pub(crate) fn replace_running(
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
                post(
                    &tx,
                    Msg::Audited {
                        request,
                        result: Err(
                            "an internal error in sfconnect (a bug; the log says where)".into()
                        ),
                    },
                );
            }
        }));
    }

    pub(crate) fn start_authorize(
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

    pub(crate) fn cancel(&mut self) {
        if let Some(task) = self.running.take() {
            task.abort();
        }
        self.paste = None;
    }

    /// Test a new connection's draft; a passing run comes back with what saving needs.
    pub(crate) fn start_check(&mut self, request: u64, name: String, draft: Draft) {
        let (tx, http, profiles) = (self.tx.clone(), self.http.clone(), self.profiles.clone());
        let existing = self.profiles.get(&name).ok();
        self.replace_running(request, async move {
            let profile = draft.to_profile(existing.as_ref(), crate::profile::StoreKind::File);
            let mut target = match target(&name, &profile, &draft.secrets) {
                Ok(t) => t,
                Err(e) => {
                    let result = CheckResult::from_error("login", Status::Fail, &e);
                    return could_not_check(&tx, request, result);
                }
            };
            if let (Some(app), Some(key), Ok(config)) = (
                crate::connect::app_keys::AppRef::of(&profile),
                profile.key_file.as_deref(),
                profiles.config(),
            ) {
                target.jwt_refused_fix =
                    crate::connect::app_keys::upload_stops_fix(&config, &app, &name, key);
            }
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
    pub(crate) fn test_saved(&mut self, request: u64, name: String) {
        let (tx, http, profiles) = (self.tx.clone(), self.http.clone(), self.profiles.clone());
        self.replace_running(request, async move {
            let saved = match open_in(profiles.clone(), &name).await {
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
            let mut target = match target(&name, &saved.profile, &saved.secrets) {
                Ok(t) => t,
                Err(e) => {
                    let result = CheckResult::from_error("login", Status::Fail, &e);
                    return could_not_check(&tx, request, result);
                }
            };
            let pending = profiles.config().map(|c| c.pending_certificates);
            target.jwt_refused_fix = crate::connect::app_keys::replaced_fix(
                &pending.unwrap_or_default(),
                &saved.profile,
            );
            let outcome = run_checks_of(&http, &saved, target, request, &tx).await;
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
}
