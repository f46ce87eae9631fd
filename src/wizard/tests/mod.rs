//! `update()` without a terminal: every step, back, cancel and retry, stale results dropped.

use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};

use super::field::Field;
use super::methods::{self, CONSUMER_KEY, PASSWORD, SECURITY_TOKEN, USERNAME};
use super::*;
use crate::check::{CheckEvent, CheckResult, Status};
use crate::connect::save::Verified;
use crate::profile::{Draft, SecretBundle, StoreKind, Ui};
use crate::profile::{Flow, key};
use crate::salesforce::LoginUrl;

mod interactive;
mod keys;
mod moves;
mod new_connection;
mod saved;

fn press(app: &mut App, keys: &[Key]) -> Vec<Effect> {
    keys.iter()
        .flat_map(|k| update(app, Msg::KeyPressed(*k)))
        .collect()
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        update(app, Msg::KeyPressed(Key::Char(c)));
    }
}

fn demo_app() -> App {
    App::new(
        Vec::new(),
        StoreKind::File,
        Some("http://127.0.0.1:4000".into()),
    )
}

/// Walk a new SOAP connection up to the credentials form.
fn to_credentials(app: &mut App) {
    assert!(
        matches!(app.screen, Screen::Name { .. }),
        "no connections: straight to a new one"
    );
    press(app, &[Key::Enter, Key::Enter]);
    assert!(matches!(app.screen, Screen::Method), "{:?}", app.screen);
    press(app, &[Key::Enter]);
    assert!(
        matches!(app.screen, Screen::Prerequisites),
        "{:?}",
        app.screen
    );
    press(app, &[Key::Enter]);
    assert!(
        matches!(app.screen, Screen::Guide { .. }),
        "{:?}",
        app.screen
    );
    press(app, &[Key::Enter]);
    assert!(
        matches!(app.screen, Screen::Credentials { .. }),
        "{:?}",
        app.screen
    );
}

/// What a passing test of `draft` hands the wizard (a session that was never on the wire).
pub(super) fn verified(name: &str, draft: &Draft) -> Arc<Verified> {
    use crate::check::LoggedIn;
    use crate::salesforce::rest::Session;
    use crate::salesforce::{Authenticated, Http};
    let http = Http::new(std::time::Duration::from_secs(1)).unwrap();
    Arc::new(Verified {
        name: name.into(),
        draft: draft.clone(),
        session: LoggedIn {
            auth: Authenticated {
                session: Session::new(http, "https://acme.my.salesforce.com", "00Dx!tok".into()),
                identity_url: None,
                org_id: "00Dx".into(),
                user_id: "005x".into(),
                username: draft.username.clone(),
                refresh_token: None,
                password_expired: false,
                sandbox: Some(false),
                issued_at_ms: None,
                session_seconds: Some(7200),
            },
            username: draft.username.clone(),
            password_changed_at: None,
            api_requests_remaining: None,
        },
        summary: "all checks passed".into(),
    })
}

fn started(effects: &[Effect]) -> (u64, &Draft) {
    match effects {
        [Effect::StartCheck { request, draft, .. }] => (*request, draft.as_ref()),
        other => panic!("expected one StartCheck, got {other:?}"),
    }
}

/// Walk to the credentials form of the method at `index` in the list.
fn to_method_form(app: &mut App, index: usize) {
    press(app, &[Key::Enter, Key::Enter]);
    for _ in 0..index {
        press(app, &[Key::Down]);
    }
    press(app, &[Key::Enter, Key::Enter, Key::Enter]);
    assert!(
        matches!(app.screen, Screen::Credentials { .. }),
        "{:?}",
        app.screen
    );
}

fn browser_prompt() -> Prompt {
    Prompt::Browser {
        url: "http://127.0.0.1:4000/services/oauth2/authorize?client_id=3MVGx".into(),
        redirect: "http://localhost:1717/OauthRedirect".into(),
        listening: true,
        taken: None,
        ssh_line: None,
        opened: false,
        advice: "",
    }
}

fn saved_row() -> ConnectionRow {
    ConnectionRow {
        name: "prod".into(),
        health: Status::Fail,
        summary: "the password has expired".into(),
        sandbox: false,
        store: StoreKind::File,
        flow: crate::profile::Flow::Soap,
        username: None,
    }
}

fn loaded() -> Loaded {
    use secrecy::SecretString;
    Loaded {
        name: "prod".into(),
        entry: "prod-entry".into(),
        draft: Draft {
            flow: Flow::Password,
            login_url: LoginUrl::parse("https://acme.my.salesforce.com").unwrap(),
            sandbox: false,
            username: Some("integration@acme.example".into()),
            client_id: Some("3MVGkey".into()),
            key_file: None,
            ui: Ui::Classic,
            secrets: SecretBundle::default()
                .with(key::PASSWORD, Some(SecretString::from("old-password")))
                .with(key::SECURITY_TOKEN, Some(SecretString::from("OLDTOKEN")))
                .with(
                    key::CLIENT_SECRET,
                    Some(SecretString::from("consumer-secret")),
                ),
        },
        store: StoreKind::File,
        problem: Some("the password has expired".into()),
        password_age_days: Some(91),
        secrets_problem: None,
        certificate: None,
        certificate_days_left: None,
        pending: Vec::new(),
    }
}

/// Press `r` on the home screen and deliver the loaded connection.
fn reauth_loaded(app: &mut App, loaded: Loaded) {
    let request = match press(app, &[Key::Char('r')]).as_slice() {
        [Effect::LoadConnection { request, name, .. }] if name == "prod" => *request,
        other => panic!("expected LoadConnection, got {other:?}"),
    };
    update(
        app,
        Msg::ConnectionLoaded {
            request,
            loaded: Box::new(loaded),
            purpose: Purpose::Reauthenticate,
        },
    );
}

/// Submit the form and let its test pass.
/// What a save of `name` reports (`replaced`: a re-authentication).
fn report(name: &str, replaced: bool) -> crate::connect::save::SaveReport {
    crate::connect::save::SaveReport {
        name: name.into(),
        instance_url: "https://acme.my.salesforce.com".into(),
        store: crate::profile::StorePlace::File {
            path: "/tmp/secrets.age".into(),
            key_file: Some("/tmp/secrets.key".into()),
        },
        replaced,
        previous: None,
    }
}

/// The Saved screen's state, while it shows.
fn saved_screen(app: &App) -> &Saved {
    match &app.screen {
        Screen::Done(saved) => saved,
        other => panic!("not on the Saved screen: {other:?}"),
    }
}

fn pass_the_test(app: &mut App) {
    let effects = press(app, &[Key::Enter]);
    let (request, draft) = started(&effects);
    let passed = verified(app.name.text(), draft);
    update(
        app,
        Msg::CheckFinished {
            request,
            ok: true,
            verified: Some(passed),
        },
    );
}

/// A failed login check with `cause`, delivered to the running test, then the test's end.
fn fail_login(app: &mut App, request: u64, cause: crate::salesforce::error::Cause) {
    use crate::salesforce::error::SfError;
    let result = CheckResult::from_error("login", Status::Fail, &SfError::new(cause));
    update(
        app,
        Msg::CheckProgressed {
            request,
            event: CheckEvent::Finished(result),
        },
    );
    update(
        app,
        Msg::CheckFinished {
            request,
            ok: false,
            verified: None,
        },
    );
}

/// Start the login the form holds, have the app refuse the consumer secret, and return
/// what the wizard says of it.
fn secret_refused(app: &mut App) -> CheckResult {
    let request = match press(app, &[Key::Enter]).as_slice() {
        [Effect::StartAuthorize { request, .. }] => *request,
        other => panic!("{other:?}"),
    };
    // The protocol client names a refusal of a request that carried no secret "missing".
    let cause = if app.secret_missing() {
        crate::salesforce::Cause::ClientSecretMissing
    } else {
        crate::salesforce::Cause::ClientSecretInvalid
    };
    let refused = crate::salesforce::SfError::new(cause);
    update(
        app,
        Msg::Authorized {
            request,
            result: Err(CheckResult::from_error("login", Status::Fail, &refused)),
        },
    );
    app.authorizing().unwrap().failed.clone().unwrap()
}
