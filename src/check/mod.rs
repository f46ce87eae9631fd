//! The connection checks shared by `sfconnect test`, `login` and the wizard: run concurrently,
//! batched into about two round trips after login, reporting each check as it finishes.

pub mod objects;
/// Public for the fuzz targets, which feed the verdicts any answer an org could give.
pub mod verdicts;

use std::time::{Duration, Instant, SystemTime};

use futures_util::future::join;
use serde::Serialize;
use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;

use crate::profile::Flow;
pub use crate::salesforce::diagnosis::Next;
use crate::salesforce::rest::{Session, versions};
use crate::salesforce::{Authenticated, Credentials, Http, LoginUrl, SfError, authenticate};
pub use objects::ObjectNeed;

/// Stable check ids (cli-contract.md) and their titles, in display order.
pub const CHECKS: &[(&str, &str)] = &[
    ("reach", "Reach the login host"),
    ("login", "Log in"),
    ("identity", "Identify the user and org"),
    ("api_enabled", "Call the API"),
    ("objects", "Object access"),
    ("limits", "Daily API requests"),
    ("password_expiry", "Password expiry"),
    ("token", "Refresh token"),
];

pub fn title(id: &str) -> &'static str {
    CHECKS
        .iter()
        .find(|(i, _)| *i == id)
        .map(|(_, t)| *t)
        .unwrap_or("Check")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Warn,
    Fail,
    Skip,
}

/// One check's verdict: what was found and, when not passing, how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckResult {
    pub id: &'static str,
    pub title: &'static str,
    pub status: Status,
    pub detail: String,
    /// What to do, without Setup paths.
    pub fix: String,
    /// Where to click in Setup, in both interfaces: a display shows the chosen one; text and
    /// JSON carry both (`full_fix`).
    pub setup: &'static [crate::salesforce::diagnosis::SetupPath],
    /// The error behind a failure, when one was: lets a display send the user to the field
    /// it names.
    pub cause: Option<crate::salesforce::error::Cause>,
    /// A step after the fix that goes through sfconnect (each face names its own way to it).
    pub next: Option<Next>,
}

/// The JSON shape of a check (`test --json`): `fix` with the Setup paths of both interfaces.
impl Serialize for CheckResult {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut check = serializer.serialize_struct("CheckResult", 5)?;
        check.serialize_field("id", self.id)?;
        check.serialize_field("title", self.title)?;
        check.serialize_field("status", &self.status)?;
        check.serialize_field("detail", &self.detail)?;
        check.serialize_field("fix", &self.full_fix())?;
        check.end()
    }
}

impl CheckResult {
    pub fn new(
        id: &'static str,
        status: Status,
        detail: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self {
            id,
            title: title(id),
            status,
            detail: crate::salesforce::error::printable(&detail.into()),
            fix: fix.into(),
            setup: &[],
            cause: None,
            next: None,
        }
    }

    /// With `next` as the step after the fix.
    pub fn then(mut self, next: Next) -> Self {
        self.next = Some(next);
        self
    }

    /// A failure explained by the error taxonomy: the diagnosis becomes the fix.
    pub fn from_error(id: &'static str, status: Status, e: &SfError) -> Self {
        Self::from_error_likely(id, status, e, None)
    }

    /// As `from_error`, with what the caller knows to be the most likely cause (it replaces
    /// the diagnosis's first guess).
    pub fn from_error_likely(
        id: &'static str,
        status: Status,
        e: &SfError,
        likely: Option<&str>,
    ) -> Self {
        let d = e.diagnosis();
        let mut detail = e.to_string();
        if let Some(first) = likely.or(d.likely.first().copied()) {
            detail.push_str(&format!(". Most likely {first}"));
        }
        Self {
            setup: d.setup,
            cause: Some(e.cause),
            next: d.next,
            ..Self::new(id, status, detail, d.fix.join("; "))
        }
    }

    /// The fix with the Setup paths of both interfaces, for text output and JSON.
    pub fn full_fix(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if !self.fix.is_empty() {
            parts.push(self.fix.clone());
        }
        for s in self.setup {
            parts.push(format!(
                "{}: Lightning: {} | Classic: {}",
                s.task,
                s.lightning,
                s.classic_route()
            ));
        }
        parts.join("; ")
    }
}

/// Progress for a live display.
#[derive(Debug, Clone)]
pub enum CheckEvent {
    Started(&'static str),
    Finished(CheckResult),
}

/// What to check.
pub struct Target {
    /// The connection's name.
    pub name: String,
    /// For JWT bearer, the certificate kept beside the key: a fix that says to upload it names it.
    pub certificate: Option<std::path::PathBuf>,
    /// For JWT bearer, the fix for a refused assertion when the plain "upload its certificate"
    /// would do harm: the app's certificate was most likely replaced by a new pair not tested
    /// yet (finish with that pair), or uploading stops the app's other connections (say so).
    pub jwt_refused_fix: Option<String>,
    pub login_url: LoginUrl,
    pub credentials: Credentials,
    pub flow: Flow,
    pub sandbox: bool,
    pub objects: Vec<ObjectNeed>,
    pub password_changed_at: Option<SystemTime>,
    /// The org's password policy, in days (Salesforce's default is 90).
    pub password_policy_days: i64,
    /// Warn this many days before the password expires.
    pub warn_days: i64,
    /// Company email domains for the user summary; `*` (or empty) means everyone.
    pub company_domains: Vec<String>,
}

/// How to talk to the org: the batched strategy, or one call at a time (the benchmark's baseline).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    Batched,
    OneAtATime,
}

/// Licenses and active users, as a connector's user import would see them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Licenses {
    pub licenses: Vec<LicenseCount>,
    pub active_users: usize,
    /// Active users whose email is in the company domains (all of them for `*`).
    pub matching_users: usize,
    pub domains: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LicenseCount {
    pub name: String,
    pub total: i64,
    pub used: i64,
    /// Active users holding this license.
    pub active_users: usize,
}

/// What a successful login left behind, for saving and caching.
pub struct LoggedIn {
    pub auth: Authenticated,
    /// The username the org reported (SOAP logins say it; OAuth logins learn it from identity).
    pub username: Option<String>,
    pub password_changed_at: Option<SystemTime>,
    /// Daily API requests left, as the org reported them during the test.
    pub api_requests_remaining: Option<i64>,
}

/// All verdicts, in `CHECKS` order, plus what the run learned.
pub struct Outcome {
    pub checks: Vec<CheckResult>,
    pub elapsed: Duration,
    pub licenses: Option<Licenses>,
    pub session: Option<LoggedIn>,
}

impl Outcome {
    /// No check failed (warnings allowed).
    pub fn ok(&self) -> bool {
        !self.checks.iter().any(|c| c.status == Status::Fail)
    }

    /// The last line of a text report: how many checks passed, warned, failed and were
    /// skipped, and the time only when the org was really asked.
    pub fn tally(&self, name: &str) -> String {
        let count = |s: Status| self.checks.iter().filter(|c| c.status == s).count();
        let (pass, warn, fail, skip) = (
            count(Status::Pass),
            count(Status::Warn),
            count(Status::Fail),
            count(Status::Skip),
        );
        let mut parts = vec![format!("{pass} passed")];
        if warn > 0 {
            parts.push(format!("{warn} warned"));
        }
        if fail > 0 {
            parts.push(format!("{fail} failed"));
        }
        if skip > 0 {
            parts.push(format!("{skip} skipped"));
        }
        let verdict = if fail > 0 { "FAILED" } else { "OK" };
        let parts = parts.join(", ");
        if self.session.is_some() {
            format!("{verdict}: {parts} ({:.1} s).", self.elapsed.as_secs_f64())
        } else {
            format!(
                "{verdict}: {parts}. Fix the first failure above, then run `sfconnect test {name}` again."
            )
        }
    }

    /// One line for the saved connection: the first failure, else the first warning, else "all passed".
    pub fn summary(&self) -> String {
        let first = |s: Status| self.checks.iter().find(|c| c.status == s);
        match (first(Status::Fail), first(Status::Warn)) {
            (Some(f), _) => format!("{}: {}", f.title, f.detail),
            (None, Some(w)) => format!("passed with a warning: {}: {}", w.title, w.detail),
            _ => "all checks passed".into(),
        }
    }
}

/// A refused username-password login after the flow's retirement day.
fn retired_password_flow(e: &SfError) -> CheckResult {
    CheckResult::new(
        "login",
        Status::Fail,
        format!(
            "the OAuth username-password flow stopped for every connected app on 20 February 2027, so Salesforce no longer issues tokens for it [Salesforce said: {e}]"
        ),
        "move the connection to client credentials (no user context: a Run As user, on My Domain) or JWT bearer (user context, with a certificate), both on an External Client App",
    )
    .then(Next::Move)
}

struct Progress<'a> {
    events: Option<&'a UnboundedSender<CheckEvent>>,
}

impl Progress<'_> {
    fn started(&self, ids: &[&'static str]) {
        if let Some(tx) = self.events {
            for id in ids {
                let _ = tx.send(CheckEvent::Started(id));
            }
        }
    }

    fn finished(&self, results: &mut Vec<CheckResult>, result: CheckResult) {
        if let Some(tx) = self.events {
            let _ = tx.send(CheckEvent::Finished(result.clone()));
        }
        results.push(result);
    }
}

/// Paths fetched after login, in this order: limits, each object's describe, then the queries.
fn paths(target: &Target, user_id: &str) -> Vec<String> {
    let q = |soql: &str| {
        format!(
            "query?q={}",
            url::form_urlencoded::byte_serialize(soql.as_bytes()).collect::<String>()
        )
    };
    let mut paths = vec!["limits".to_string()];
    paths.extend(
        target
            .objects
            .iter()
            .map(|o| format!("sobjects/{}/describe", o.name)),
    );
    paths.push(q(&format!(
        "SELECT Id, Username, Name, LastPasswordChangeDate, Profile.Name, Profile.UserLicense.Name FROM User WHERE Id = '{}'",
        user_id.replace('\'', "")
    )));
    paths.push(q(
        "SELECT Name, LicenseDefinitionKey, Status, TotalLicenses, UsedLicenses FROM UserLicense",
    ));
    paths.push(q(
        "SELECT Id, Email, Profile.UserLicense.Name FROM User WHERE IsActive = true",
    ));
    paths
}

type Fetched = Result<Vec<Result<Value, SfError>>, SfError>;

async fn fetch(session: &Session, paths: &[String], strategy: Strategy) -> Fetched {
    match strategy {
        Strategy::Batched => Ok(session
            .batch_get(paths)
            .await?
            .into_iter()
            .map(|r| r.into_result::<Value>())
            .collect()),
        Strategy::OneAtATime => {
            let mut out = Vec::with_capacity(paths.len());
            for path in paths {
                out.push(session.get_value(path).await);
            }
            Ok(out)
        }
    }
}

const NO_TOKEN_GIVEN: &str = "the security token is missing: none was given, and one is needed unless this machine is in the org's trusted IP ranges (Reset My Security Token emails a new one)";

/// A password login without a security token that Salesforce refused: the missing token is
/// the first thing to suspect.
fn no_token_given(credentials: &Credentials, cause: crate::salesforce::error::Cause) -> bool {
    use crate::salesforce::error::Cause::{AuthenticationFailure, InvalidLogin};
    let token = match credentials {
        Credentials::Soap { security_token, .. } | Credentials::Password { security_token, .. } => {
            security_token
        }
        _ => return false,
    };
    token.is_none() && matches!(cause, AuthenticationFailure | InvalidLogin)
}

/// Run every check against `target`, logging in with its credentials.
pub async fn run(
    http: &Http,
    target: Target,
    strategy: Strategy,
    events: Option<&UnboundedSender<CheckEvent>>,
) -> Outcome {
    let login = authenticate(http, &target.login_url, &target.credentials);
    run_after(http, &target, strategy, events, login).await
}

/// As `run`, with the login done by `login` (a refresh-token connection's caller spends the
/// token under its hold and saves what it rotated before any check uses the session).
pub async fn run_after(
    http: &Http,
    target: &Target,
    strategy: Strategy,
    events: Option<&UnboundedSender<CheckEvent>>,
    login: impl std::future::Future<Output = Result<Authenticated, SfError>>,
) -> Outcome {
    let started = Instant::now();
    let progress = Progress { events };
    let mut results = Vec::new();
    progress.started(&["reach", "login"]);
    let reach = versions(http, target.login_url.as_str());
    let (reach, login) = match strategy {
        Strategy::Batched => join(reach, login).await,
        Strategy::OneAtATime => {
            let reach = reach.await;
            (reach, login.await)
        }
    };
    progress.finished(&mut results, verdicts::reach(target, &reach));
    let auth = match login {
        Ok(auth) => auth,
        Err(e) => {
            let likely = no_token_given(&target.credentials, e.cause).then_some(NO_TOKEN_GIVEN);
            let mut failed = CheckResult::from_error_likely("login", Status::Fail, &e, likely);
            // Once the username-password flow has stopped, any refusal of it is that, whatever
            // Salesforce's answer says (it is not documented).
            if target.flow == Flow::Password
                && crate::salesforce::retirements::password_flow_retired(crate::clock::now())
            {
                failed = retired_password_flow(&e);
            }
            if e.cause == crate::salesforce::error::Cause::JwtInvalidAssertion {
                if let Some(fix) = &target.jwt_refused_fix {
                    failed.fix = fix.clone();
                } else if let Some(crt) = &target.certificate {
                    failed.fix = format!(
                        "upload {} (the certificate that belongs to this key) to the app; check the consumer key and the username",
                        crt.display()
                    );
                }
            }
            progress.finished(&mut results, failed);
            for (id, _) in &CHECKS[2..] {
                progress.finished(
                    &mut results,
                    CheckResult::new(id, Status::Skip, "needs a working login", ""),
                );
            }
            return Outcome {
                checks: results,
                elapsed: started.elapsed(),
                licenses: None,
                session: None,
            };
        }
    };
    // A SOAP login that reports `passwordExpired` opened a session for changing the password
    // only: no API call works. The login is not shown as a success; the expired password
    // leads, with what to do.
    if auth.password_expired {
        let expired = SfError::new(crate::salesforce::error::Cause::PasswordExpired).with_context(
            "Salesforce accepted the login only so that the password can be changed; no API call works until it is",
        );
        progress.finished(
            &mut results,
            CheckResult::from_error("login", Status::Fail, &expired),
        );
        for (id, _) in &CHECKS[2..] {
            let result = if *id == "password_expiry" {
                verdicts::password_verdict(target, true, None)
            } else {
                CheckResult::new(
                    id,
                    Status::Skip,
                    "needs a password that has not expired",
                    "",
                )
            };
            progress.finished(&mut results, result);
        }
        return Outcome {
            checks: results,
            elapsed: started.elapsed(),
            licenses: None,
            session: None,
        };
    }
    progress.started(&[
        "identity",
        "api_enabled",
        "objects",
        "limits",
        "password_expiry",
        "token",
    ]);
    let paths = paths(target, &auth.user_id);
    // An OAuth token does not say whose it is: the login verdict waits for the identity
    // (fetched alongside the rest) so that it can name the user.
    let identity = async {
        let identity = verdicts::fetch_identity(&auth).await;
        let username = identity.as_ref().ok().map(|(u, _)| u.as_str());
        progress.finished(&mut results, verdicts::login(&auth, username));
        identity
    };
    let fetched = fetch(&auth.session, &paths, strategy);
    let (identity, fetched) = match strategy {
        Strategy::Batched => join(identity, fetched).await,
        Strategy::OneAtATime => {
            let identity = identity.await;
            (identity, fetched.await)
        }
    };
    let evaluated = verdicts::evaluate(target, &auth, identity, fetched);
    for result in evaluated.checks {
        progress.finished(&mut results, result);
    }
    Outcome {
        checks: results,
        elapsed: started.elapsed(),
        licenses: evaluated.licenses,
        session: Some(LoggedIn {
            username: auth.username.clone().or(evaluated.username),
            auth,
            password_changed_at: evaluated.password_changed_at,
            api_requests_remaining: evaluated.api_requests_remaining,
        }),
    }
}
