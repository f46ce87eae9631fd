//! `update()` without a terminal: every step, back, cancel and retry, stale results dropped.

use secrecy::{ExposeSecret, SecretString};

use std::sync::Arc;

use super::field::Field;
use super::methods::{self, CONSUMER_KEY, PASSWORD, SECURITY_TOKEN, USERNAME};
use super::*;
use crate::check::{CheckResult, Status};
use crate::connect::save::Verified;
use crate::profile::{Draft, SecretBundle, StoreKind, Ui};
use crate::profile::{Flow, key};
use crate::salesforce::LoginUrl;

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
    assert_eq!(
        app.screen,
        Screen::Name,
        "no connections: straight to a new one"
    );
    press(app, &[Key::Enter, Key::Enter]);
    assert_eq!(app.screen, Screen::Method);
    press(app, &[Key::Enter]);
    assert_eq!(app.screen, Screen::Prerequisites);
    press(app, &[Key::Enter]);
    assert_eq!(app.screen, Screen::Guide);
    press(app, &[Key::Enter]);
    assert_eq!(app.screen, Screen::Credentials);
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

#[test]
fn a_soap_connection_from_name_to_save() {
    let mut app = demo_app();
    to_credentials(&mut app);
    typed(&mut app, "integration@acme.example");
    press(&mut app, &[Key::Tab]);
    update(&mut app, Msg::Pasted(" p&<>\"'%+ /\\{}[]é ".into()));
    press(&mut app, &[Key::Tab]);
    update(&mut app, Msg::Pasted("TOKEN0123456789ABCDEFGHI".into()));
    let effects = press(&mut app, &[Key::Enter]);
    let (request, draft) = started(&effects);
    let passed = verified("demo", draft);
    assert!(matches!(&effects[0], Effect::StartCheck { name, .. } if name == "demo"));
    assert_eq!(draft.flow, Flow::Soap);
    assert_eq!(draft.login_url.as_str(), "http://127.0.0.1:4000");
    assert_eq!(draft.username.as_deref(), Some("integration@acme.example"));
    assert_eq!(
        draft.secrets.get(key::PASSWORD).unwrap().expose_secret(),
        "p&<>\"'%+ /\\{}[]é",
        "pastes are trimmed, never mangled"
    );
    assert_eq!(
        app.fields[1].secret_value().unwrap().expose_secret(),
        "p&<>\"'%+ /\\{}[]é",
        "the form keeps its values for Back and retry"
    );
    assert_eq!(app.screen, Screen::Testing);
    update(
        &mut app,
        Msg::CheckProgressed {
            request,
            event: CheckEvent::Finished(CheckResult::new("login", Status::Pass, "ok", "")),
        },
    );
    assert_eq!(app.checks.len(), 1);
    update(
        &mut app,
        Msg::CheckFinished {
            request,
            ok: true,
            verified: Some(passed.clone()),
        },
    );
    press(&mut app, &[Key::Enter]);
    assert_eq!(app.screen, Screen::Save);
    let effects = press(&mut app, &[Key::Char('k'), Key::Enter]);
    let request = match effects.as_slice() {
        [
            Effect::Save {
                request,
                store: StoreKind::Keyring,
                verified,
                old: None,
                replace: crate::connect::save::Replace::Nothing,
            },
        ] if Arc::ptr_eq(verified, &passed) => *request,
        other => panic!("expected the save of what was tested, got {other:?}"),
    };
    assert!(
        press(&mut app, &[Key::Enter]).is_empty(),
        "Enter again while the save runs starts no second save"
    );
    update(
        &mut app,
        Msg::Saved {
            request,
            message: "saved".into(),
            previous_token: false,
        },
    );
    assert_eq!(app.screen, Screen::Done);
    assert!(matches!(
        press(&mut app, &[Key::Enter]).as_slice(),
        [Effect::ReloadConnections]
    ));
    assert_eq!(app.screen, Screen::Home);
    assert!(matches!(
        press(&mut app, &[Key::Char('q')]).as_slice(),
        [Effect::Quit]
    ));
}

#[test]
fn missing_fields_are_named_and_nothing_starts() {
    let mut app = demo_app();
    to_credentials(&mut app);
    let effects = press(&mut app, &[Key::Enter]);
    assert!(effects.is_empty());
    assert_eq!(app.message.as_deref(), Some("Username is needed"));
    assert_eq!(app.screen, Screen::Credentials);
}

#[test]
fn cancel_and_retry_fixing_one_field_keeps_the_others() {
    let mut app = demo_app();
    to_credentials(&mut app);
    typed(&mut app, "user@acme.example");
    press(&mut app, &[Key::Tab]);
    typed(&mut app, "pw");
    press(&mut app, &[Key::Tab]);
    typed(&mut app, "WRONGTOKEN");
    let (first, _) = started(&press(&mut app, &[Key::Enter])).to_owned();
    // Esc while running cancels; a late result of that run is dropped.
    let effects = press(&mut app, &[Key::Esc]);
    assert!(matches!(effects.as_slice(), [Effect::CancelCheck]));
    assert_eq!(app.screen, Screen::Credentials);
    update(
        &mut app,
        Msg::CheckFinished {
            request: first,
            ok: true,
            verified: None,
        },
    );
    assert_eq!(app.passed, None, "stale results are dropped");
    // Fix only the token; the password was kept.
    app.focus = 2;
    press(&mut app, &[Key::Ctrl('u')]);
    typed(&mut app, "RIGHTTOKEN");
    let effects = press(&mut app, &[Key::Enter]);
    let (second, draft) = started(&effects);
    assert!(second > first);
    assert_eq!(
        draft.secrets.get(key::PASSWORD).unwrap().expose_secret(),
        "pw"
    );
    assert_eq!(
        draft
            .secrets
            .get(key::SECURITY_TOKEN)
            .unwrap()
            .expose_secret(),
        "RIGHTTOKEN"
    );
}

#[test]
fn a_failed_test_offers_retry_not_save() {
    let mut app = demo_app();
    to_credentials(&mut app);
    typed(&mut app, "u@x.example");
    press(&mut app, &[Key::Tab]);
    typed(&mut app, "pw");
    let (request, _) = started(&press(&mut app, &[Key::Enter])).to_owned();
    update(
        &mut app,
        Msg::CheckFinished {
            request,
            ok: false,
            verified: None,
        },
    );
    press(&mut app, &[Key::Enter]);
    assert_eq!(app.screen, Screen::Testing, "no save after a failure");
    let effects = press(&mut app, &[Key::Char('r')]);
    assert_eq!(started(&effects).0, request + 1);
}

#[test]
fn environment_and_methods_validate_and_explain() {
    let mut app = App::new(Vec::new(), StoreKind::Keyring, None);
    typed(&mut app, "prod");
    press(&mut app, &[Key::Enter, Key::Down, Key::Down]);
    assert_eq!(app.environment, 2, "My Domain URL");
    typed(&mut app, "acme.lightning.force.com");
    press(&mut app, &[Key::Enter]);
    assert!(
        app.message
            .as_deref()
            .unwrap()
            .contains("https://acme.my.salesforce.com")
    );
    assert_eq!(app.screen, Screen::Environment);
    for _ in 0.."acme.lightning.force.com".len() {
        press(&mut app, &[Key::Backspace]);
    }
    typed(&mut app, "acme.my.salesforce.com");
    press(&mut app, &[Key::Enter]);
    assert_eq!(app.screen, Screen::Method);
    press(&mut app, &[Key::Down, Key::Down, Key::Enter]);
    assert_eq!(app.method().flow, Flow::Web);
    assert_eq!(app.screen, Screen::Prerequisites);
}

/// Walk to the credentials form of the method at `index` in the list.
fn to_method_form(app: &mut App, index: usize) {
    press(app, &[Key::Enter, Key::Enter]);
    for _ in 0..index {
        press(app, &[Key::Down]);
    }
    press(app, &[Key::Enter, Key::Enter, Key::Enter]);
    assert_eq!(app.screen, Screen::Credentials);
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

#[test]
fn browser_login_pastes_back_then_tests_with_the_new_refresh_token() {
    let mut app = demo_app();
    to_method_form(&mut app, 2);
    typed(&mut app, "3MVGdemo");
    press(&mut app, &[Key::Tab]);
    update(&mut app, Msg::Pasted("client-secret".into()));
    press(&mut app, &[Key::Tab]);
    typed(&mut app, "80");
    let effects = press(&mut app, &[Key::Enter]);
    assert!(effects.is_empty(), "a privileged port is refused");
    assert!(app.message.as_deref().unwrap().contains("1024"));
    press(&mut app, &[Key::Backspace, Key::Backspace]);
    typed(&mut app, "8717");
    let effects = press(&mut app, &[Key::Enter]);
    let request = match effects.as_slice() {
        [
            Effect::StartAuthorize {
                request,
                flow: Flow::Web,
                client_id,
                client_secret: Some(secret),
                port: 8717,
                ..
            },
        ] => {
            assert_eq!(client_id, "3MVGdemo");
            assert_eq!(secret.expose_secret(), "client-secret");
            *request
        }
        other => panic!("expected StartAuthorize, got {other:?}"),
    };
    assert_eq!(app.screen, Screen::Authorize);
    // A stale start (an older request) is ignored; the current one offers the URL to copy.
    assert!(
        update(
            &mut app,
            Msg::AuthorizeStarted {
                request: request - 1,
                prompt: browser_prompt()
            }
        )
        .is_empty()
    );
    assert!(app.authorizing.as_ref().unwrap().prompt.is_none());
    let effects = update(
        &mut app,
        Msg::AuthorizeStarted {
            request,
            prompt: browser_prompt(),
        },
    );
    assert!(
        matches!(effects.as_slice(), [Effect::Copy { value: url }] if url.contains("authorize"))
    );
    update(
        &mut app,
        Msg::Pasted("http://localhost:1717/OauthRedirect?code=aPrx%3D%3D&state=s".into()),
    );
    assert!(
        app.authorizing
            .as_ref()
            .unwrap()
            .paste
            .display()
            .starts_with('•'),
        "the paste is masked"
    );
    match press(&mut app, &[Key::Enter]).as_slice() {
        [Effect::PasteRedirect { text }] => assert!(text.expose_secret().contains("aPrx%3D%3D")),
        other => panic!("expected PasteRedirect, got {other:?}"),
    }
    let effects = update(
        &mut app,
        Msg::Authorized {
            request,
            result: Ok(SecretString::from("5Aep-refresh")),
        },
    );
    let (_, draft) = started(&effects);
    assert_eq!(draft.flow, Flow::Web);
    assert_eq!(
        draft
            .secrets
            .get(key::REFRESH_TOKEN)
            .unwrap()
            .expose_secret(),
        "5Aep-refresh"
    );
    assert_eq!(
        draft
            .secrets
            .get(key::CLIENT_SECRET)
            .unwrap()
            .expose_secret(),
        "client-secret"
    );
    assert_eq!(app.screen, Screen::Testing);
}

#[test]
fn a_failed_or_cancelled_browser_login_can_be_retried() {
    let mut app = demo_app();
    to_method_form(&mut app, 2);
    typed(&mut app, "3MVGdemo");
    press(&mut app, &[Key::Tab]);
    typed(&mut app, "demo-secret");
    let first = match press(&mut app, &[Key::Enter]).as_slice() {
        [
            Effect::StartAuthorize {
                request,
                port: 1717,
                ..
            },
        ] => *request,
        other => panic!("{other:?}"),
    };
    let failure = CheckResult::new(
        "login",
        Status::Fail,
        "The state did not match",
        "log in again",
    );
    update(
        &mut app,
        Msg::Authorized {
            request: first,
            result: Err(failure),
        },
    );
    assert_eq!(app.screen, Screen::Authorize);
    assert!(app.authorizing.as_ref().unwrap().failed.is_some());
    let second = match press(&mut app, &[Key::Enter]).as_slice() {
        [Effect::StartAuthorize { request, .. }] => *request,
        other => panic!("{other:?}"),
    };
    assert!(second > first);
    assert!(app.authorizing.as_ref().unwrap().failed.is_none());
    // Esc cancels; a late token for the cancelled login is dropped.
    assert!(matches!(
        press(&mut app, &[Key::Esc]).as_slice(),
        [Effect::CancelCheck]
    ));
    assert_eq!(app.screen, Screen::Credentials);
    let late = update(
        &mut app,
        Msg::Authorized {
            request: second,
            result: Ok(SecretString::from("late")),
        },
    );
    assert!(late.is_empty());
    assert!(app.kept.get(key::REFRESH_TOKEN).is_none());
}

#[test]
fn device_login_counts_down_and_the_demo_can_approve() {
    let mut app = demo_app();
    to_method_form(&mut app, 3);
    typed(&mut app, "3MVGdemo");
    press(&mut app, &[Key::Tab]);
    typed(&mut app, "demo-secret");
    let request = match press(&mut app, &[Key::Enter]).as_slice() {
        [
            Effect::StartAuthorize {
                request,
                flow: Flow::Device,
                ..
            },
        ] => *request,
        other => panic!("{other:?}"),
    };
    let prompt = Prompt::Device {
        user_code: "ABCD1234".into(),
        verification_uri: "http://127.0.0.1:4000/setup/connect".into(),
        complete: "http://127.0.0.1:4000/setup/connect?user_code=ABCD1234".into(),
        interval_secs: 5,
    };
    assert!(update(&mut app, Msg::AuthorizeStarted { request, prompt }).is_empty());
    update(
        &mut app,
        Msg::AuthorizeCountdown {
            request,
            left_secs: 599,
        },
    );
    assert_eq!(app.authorizing.as_ref().unwrap().left_secs, Some(599));
    // Typing does nothing here; F3 in the demo approves the code.
    assert!(press(&mut app, &[Key::Char('x')]).is_empty());
    match press(&mut app, &[Key::Assist]).as_slice() {
        [
            Effect::StandIn {
                request: acting_for,
                what: StandIn::Device { org, user_code },
            },
        ] => {
            assert_eq!(
                *acting_for, request,
                "the stand-in acts for the login under way"
            );
            assert_eq!(org, "http://127.0.0.1:4000");
            assert_eq!(user_code, "ABCD1234");
        }
        other => panic!("{other:?}"),
    }
    let effects = update(
        &mut app,
        Msg::Authorized {
            request,
            result: Ok(SecretString::from("5Aep-device")),
        },
    );
    let (_, draft) = started(&effects);
    assert_eq!(draft.flow, Flow::Device);
}

#[test]
fn jwt_without_a_key_file_makes_one_and_shows_the_certificate() {
    let mut app = demo_app();
    to_method_form(&mut app, 4);
    typed(&mut app, "3MVGdemo");
    press(&mut app, &[Key::Tab]);
    typed(&mut app, "integration@acme.example");
    let request = match press(&mut app, &[Key::Enter]).as_slice() {
        [
            Effect::GenerateKey {
                request,
                name,
                fresh: false,
            },
        ] if name == "demo" => *request,
        other => panic!("expected GenerateKey, got {other:?}"),
    };
    update(
        &mut app,
        Msg::Failed {
            request,
            problem: Problem::new("keys/demo.key already exists; move it aside"),
        },
    );
    assert_eq!(app.screen, Screen::Credentials);
    assert!(app.message.as_deref().unwrap().contains("already exists"));
    let generated = GeneratedKey {
        key_file: "/cfg/keys/demo.key".into(),
        certificate_file: "/cfg/keys/demo.crt".into(),
        certificate_pem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".into(),
        valid: None,
        reused: false,
    };
    update(
        &mut app,
        Msg::KeyGenerated {
            request,
            key: generated,
        },
    );
    assert_eq!(app.screen, Screen::Certificate);
    match press(&mut app, &[Key::Assist]).as_slice() {
        [
            Effect::StandIn {
                what:
                    StandIn::Certificate {
                        consumer_key, pem, ..
                    },
                ..
            },
        ] => {
            assert_eq!(consumer_key, "3MVGdemo");
            assert!(pem.contains("BEGIN CERTIFICATE"));
        }
        other => panic!("{other:?}"),
    }
    let effects = press(&mut app, &[Key::Enter]);
    let (_, draft) = started(&effects);
    assert_eq!(
        draft.key_file.as_deref(),
        Some(std::path::Path::new("/cfg/keys/demo.key"))
    );
    // Back at the form, the key file is filled in: Enter tests again without another key.
    press(&mut app, &[Key::Esc]);
    let effects = press(&mut app, &[Key::Enter]);
    started(&effects);
    // The key belongs to this connection: a new one starts without it.
    app.screen = Screen::Home;
    press(&mut app, &[Key::Char('n')]);
    assert!(app.generated.is_none());
}

#[test]
fn guides_toggle_lightning_and_classic_and_help_overlays() {
    let mut app = demo_app();
    press(&mut app, &[Key::Enter, Key::Enter, Key::Enter, Key::Enter]);
    assert_eq!(app.screen, Screen::Guide);
    assert_eq!(app.ui, Ui::Lightning);
    press(&mut app, &[Key::Char('c')]);
    assert_eq!(app.ui, Ui::Classic);
    press(&mut app, &[Key::Tab]);
    assert_eq!(app.guide, 1);
    press(&mut app, &[Key::Char('?')]);
    assert!(app.help);
    press(&mut app, &[Key::Char('x')]);
    assert!(!app.help);
    assert!(matches!(
        press(&mut app, &[Key::Interrupt]).as_slice(),
        [Effect::Quit]
    ));
}

#[test]
fn home_lists_connections_and_starts_a_new_one() {
    let rows = vec![ConnectionRow {
        name: "prod".into(),
        health: Status::Pass,
        summary: "all checks passed".into(),
        sandbox: false,
        store: StoreKind::File,
        flow: crate::profile::Flow::Soap,
        username: None,
    }];
    let mut app = App::new(rows, StoreKind::File, None);
    assert_eq!(app.screen, Screen::Home);
    press(&mut app, &[Key::Char('n')]);
    assert_eq!(app.screen, Screen::Name);
    press(&mut app, &[Key::Esc]);
    assert_eq!(app.screen, Screen::Home);
    assert!(matches!(
        press(&mut app, &[Key::Char('q')]).as_slice(),
        [Effect::Quit]
    ));
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
    }
}

/// Press `r` on the home screen and deliver the loaded connection.
fn reauth_loaded(app: &mut App, loaded: Loaded) {
    let request = match press(app, &[Key::Char('r')]).as_slice() {
        [Effect::LoadConnection { request, name }] if name == "prod" => *request,
        other => panic!("expected LoadConnection, got {other:?}"),
    };
    update(
        app,
        Msg::ConnectionLoaded {
            request,
            loaded: Box::new(loaded),
        },
    );
}

#[test]
fn reauthentication_asks_only_for_what_changed() {
    let mut app = App::new(vec![saved_row()], StoreKind::Keyring, None);
    reauth_loaded(&mut app, loaded());
    assert_eq!(app.screen, Screen::Reauth);
    assert_eq!(
        app.method().flow,
        Flow::Password,
        "the saved method is kept"
    );
    assert_eq!(
        app.ui,
        Ui::Classic,
        "the saved Lightning/Classic choice is kept"
    );
    assert_eq!(app.store, StoreKind::File, "the saved store is preselected");
    press(&mut app, &[Key::Enter, Key::Enter]);
    assert_eq!(app.screen, Screen::Credentials);
    assert_eq!(
        app.fields[0].text(),
        "integration@acme.example",
        "settings are prefilled"
    );
    assert_eq!(app.fields[3].text(), "3MVGkey");
    // Type only the new password and token; the consumer secret is kept.
    app.focus = 1;
    typed(&mut app, "new-password");
    app.focus = 2;
    typed(&mut app, "NEWTOKEN");
    let effects = press(&mut app, &[Key::Enter]);
    let (_, draft) = started(&effects);
    assert!(matches!(&effects[0], Effect::StartCheck { name, .. } if name == "prod"));
    assert_eq!(draft.login_url.as_str(), "https://acme.my.salesforce.com");
    assert_eq!(
        draft.secrets.get(key::PASSWORD).unwrap().expose_secret(),
        "new-password"
    );
    assert_eq!(
        draft
            .secrets
            .get(key::SECURITY_TOKEN)
            .unwrap()
            .expose_secret(),
        "NEWTOKEN"
    );
    assert_eq!(
        draft
            .secrets
            .get(key::CLIENT_SECRET)
            .unwrap()
            .expose_secret(),
        "consumer-secret"
    );
}

#[test]
fn removing_asks_for_confirmation() {
    let mut app = App::new(vec![saved_row()], StoreKind::Keyring, None);
    press(&mut app, &[Key::Char('x')]);
    assert_eq!(app.screen, Screen::ConfirmRemove);
    assert!(press(&mut app, &[Key::Char('n')]).is_empty());
    assert_eq!(app.screen, Screen::Home);
    // k removes but keeps the token valid; y removes and revokes.
    let mut keeping = App::new(vec![saved_row()], StoreKind::Keyring, None);
    assert!(matches!(
        press(&mut keeping, &[Key::Char('x'), Key::Char('k')]).as_slice(),
        [Effect::RemoveConnection { name, revoke: false, .. }] if name == "prod"
    ));
    press(&mut app, &[Key::Char('x')]);
    let request = match press(&mut app, &[Key::Char('y')]).as_slice() {
        [
            Effect::RemoveConnection {
                request,
                name,
                revoke: true,
            },
        ] if name == "prod" => *request,
        other => panic!("{other:?}"),
    };
    let effects = update(
        &mut app,
        Msg::Removed {
            request,
            message: "Removed 'prod'".into(),
        },
    );
    assert!(matches!(effects.as_slice(), [Effect::ReloadConnections]));
}

#[test]
fn testing_a_saved_connection_records_and_returns_home() {
    let mut app = App::new(vec![saved_row()], StoreKind::Keyring, None);
    let effects = press(&mut app, &[Key::Char('t')]);
    let request = match effects.as_slice() {
        [Effect::TestSaved { request, name }] if name == "prod" => *request,
        other => panic!("expected TestSaved, got {other:?}"),
    };
    assert_eq!(app.screen, Screen::Testing);
    update(
        &mut app,
        Msg::CheckFinished {
            request,
            ok: false,
            verified: None,
        },
    );
    // After a failure, r goes straight on to re-authenticating it.
    let mut failed = App::new(vec![saved_row()], StoreKind::Keyring, None);
    let retest = match press(&mut failed, &[Key::Char('t')]).as_slice() {
        [Effect::TestSaved { request, .. }] => *request,
        other => panic!("{other:?}"),
    };
    update(
        &mut failed,
        Msg::CheckFinished {
            request: retest,
            ok: false,
            verified: None,
        },
    );
    assert!(matches!(
        press(&mut failed, &[Key::Char('r')]).as_slice(),
        [Effect::LoadConnection { name, .. }] if name == "prod"
    ));
    let effects = press(&mut app, &[Key::Enter]);
    assert!(matches!(effects.as_slice(), [Effect::ReloadConnections]));
    assert_eq!(
        app.screen,
        Screen::Home,
        "no save screen for a saved connection's test"
    );
}

/// Submit the form and let its test pass.
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

#[test]
fn a_reauthentication_saves_with_the_old_secrets_beside_the_new() {
    let mut app = App::new(vec![saved_row()], StoreKind::Keyring, None);
    reauth_loaded(&mut app, loaded());
    press(&mut app, &[Key::Enter, Key::Enter]);
    app.focus = 1;
    typed(&mut app, "new-password");
    pass_the_test(&mut app);
    let effects = press(&mut app, &[Key::Enter, Key::Enter]);
    match effects.as_slice() {
        [Effect::Save { old: Some(old), .. }] => assert_eq!(
            old.get(key::PASSWORD).unwrap().expose_secret(),
            "old-password",
            "the save can tell a new password from a kept one"
        ),
        other => panic!("expected a save with the old secrets, got {other:?}"),
    }
}

#[test]
fn esc_while_a_key_pair_is_made_drops_it() {
    let mut app = demo_app();
    to_method_form(&mut app, 4);
    typed(&mut app, "3MVGdemo");
    press(&mut app, &[Key::Tab]);
    typed(&mut app, "integration@acme.example");
    let request = match press(&mut app, &[Key::Enter]).as_slice() {
        [Effect::GenerateKey { request, .. }] => *request,
        other => panic!("{other:?}"),
    };
    press(&mut app, &[Key::Esc]);
    assert_eq!(app.screen, Screen::Guide);
    let key = GeneratedKey {
        key_file: "/cfg/keys/demo.key".into(),
        certificate_file: "/cfg/keys/demo.crt".into(),
        certificate_pem: "PEM".into(),
        valid: None,
        reused: false,
    };
    update(&mut app, Msg::KeyGenerated { request, key });
    assert_eq!(app.screen, Screen::Guide, "a late key pair moves no screen");
    assert!(app.generated.is_none());
}

#[test]
fn leaving_home_while_a_connection_loads_drops_it() {
    let mut app = App::new(vec![saved_row()], StoreKind::Keyring, None);
    let request = match press(&mut app, &[Key::Char('r')]).as_slice() {
        [Effect::LoadConnection { request, .. }] => *request,
        other => panic!("{other:?}"),
    };
    press(&mut app, &[Key::Char('n')]);
    assert_eq!(app.screen, Screen::Name);
    update(
        &mut app,
        Msg::ConnectionLoaded {
            request,
            loaded: Box::new(loaded()),
        },
    );
    assert_eq!(app.screen, Screen::Name, "a late load moves no screen");
    assert!(app.reauth.is_none());
    update(
        &mut app,
        Msg::Failed {
            request,
            problem: Problem::new("late"),
        },
    );
    assert_eq!(app.message, None, "nor does a late failure");
}

#[test]
fn esc_while_a_save_runs_drops_its_result_and_refreshes_home() {
    let mut app = demo_app();
    to_credentials(&mut app);
    typed(&mut app, "u@x.example");
    press(&mut app, &[Key::Tab]);
    typed(&mut app, "pw");
    pass_the_test(&mut app);
    let save = match press(&mut app, &[Key::Enter, Key::Enter]).as_slice() {
        [Effect::Save { request, .. }] => *request,
        other => panic!("{other:?}"),
    };
    press(&mut app, &[Key::Esc]);
    assert_eq!(app.screen, Screen::Testing);
    let effects = update(
        &mut app,
        Msg::Saved {
            request: save,
            message: "Saved".into(),
            previous_token: false,
        },
    );
    assert_eq!(app.screen, Screen::Testing, "a late save moves no screen");
    assert!(matches!(effects.as_slice(), [Effect::ReloadConnections]));
}

#[test]
fn a_passphrase_protected_store_is_asked_for_and_the_action_retried() {
    let mut app = App::new(vec![saved_row()], StoreKind::File, None);
    let request = match press(&mut app, &[Key::Char('r')]).as_slice() {
        [Effect::LoadConnection { request, .. }] => *request,
        other => panic!("{other:?}"),
    };
    update(
        &mut app,
        Msg::Failed {
            request,
            problem: Problem {
                message: "secrets.age is protected by a passphrase.".into(),
                retry: Some(Retry::Load {
                    name: "prod".into(),
                }),
            },
        },
    );
    assert_eq!(app.screen, Screen::Passphrase);
    typed(&mut app, "q?x");
    assert!(!app.passphrase.display().contains("q?x"), "masked");
    let effects = press(&mut app, &[Key::Enter]);
    match effects.as_slice() {
        [
            Effect::UsePassphrase { passphrase },
            Effect::LoadConnection { name, .. },
        ] => {
            assert_eq!(passphrase.expose_secret(), "q?x");
            assert_eq!(name, "prod");
        }
        other => panic!("expected the passphrase, then the load again: {other:?}"),
    }
    assert_eq!(app.screen, Screen::Home);
}

#[test]
fn unopenable_secrets_ask_for_everything() {
    let mut app = App::new(vec![saved_row()], StoreKind::Keyring, None);
    let mut broken = loaded();
    broken.draft.secrets = SecretBundle::default();
    broken.secrets_problem = Some("the key file is missing".into());
    reauth_loaded(&mut app, broken);
    assert_eq!(app.screen, Screen::Reauth);
    press(&mut app, &[Key::Enter, Key::Enter]);
    assert_eq!(app.screen, Screen::Credentials);
    assert!(press(&mut app, &[Key::Enter]).is_empty());
    assert_eq!(
        app.message.as_deref(),
        Some("Password is needed"),
        "nothing saved is kept, so the form asks for every secret"
    );
}

#[test]
fn a_saved_name_is_never_replaced_by_a_new_connection() {
    let mut app = App::new(vec![saved_row()], StoreKind::Keyring, None);
    press(&mut app, &[Key::Char('n')]);
    typed(&mut app, "prod");
    assert!(press(&mut app, &[Key::Enter]).is_empty());
    assert_eq!(app.screen, Screen::Name, "a taken name goes no further");
    assert!(app.message.as_deref().unwrap().contains("already saved"));
    // Editing the name is choosing another one.
    press(&mut app, &[Key::Char('2')]);
    press(&mut app, &[Key::Enter]);
    assert_eq!(app.screen, Screen::Environment, "'prod2' is free");
    press(&mut app, &[Key::Esc, Key::Backspace, Key::Enter]);
    // Enter again on the taken name re-authenticates the saved connection.
    match press(&mut app, &[Key::Enter]).as_slice() {
        [Effect::LoadConnection { name, .. }] => assert_eq!(name, "prod"),
        other => panic!("expected the saved connection to load, got {other:?}"),
    }
}

/// A failed login check with `cause`, delivered to the running test, then the test's end.
fn fail_login(app: &mut App, request: u64, cause: crate::salesforce::error::Cause) {
    use crate::check::CheckEvent;
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

#[test]
fn values_survive_back_to_the_guide_and_forward() {
    let mut app = demo_app();
    to_credentials(&mut app);
    typed(&mut app, "u@x.example");
    press(&mut app, &[Key::Tab]);
    typed(&mut app, "pw");
    press(&mut app, &[Key::Esc, Key::Esc]);
    assert_eq!(app.screen, Screen::Prerequisites);
    press(&mut app, &[Key::Enter, Key::Enter]);
    assert_eq!(app.screen, Screen::Credentials);
    assert_eq!(app.fields[0].text(), "u@x.example");
    assert_eq!(
        app.fields[1].secret_value().unwrap().expose_secret(),
        "pw",
        "the password is still there, in its zeroized field"
    );
}

#[test]
fn fixing_the_url_keeps_the_consumer_key_and_secret() {
    let mut app = App::new(Vec::new(), StoreKind::Keyring, None);
    typed(&mut app, "prod");
    press(&mut app, &[Key::Enter, Key::Down, Key::Down]);
    typed(&mut app, "acme.my.salesforce.com");
    press(&mut app, &[Key::Enter]);
    // Client credentials: consumer key and secret.
    let index = methods::METHODS
        .iter()
        .position(|m| m.flow == Flow::ClientCredentials)
        .unwrap();
    for _ in 0..index {
        press(&mut app, &[Key::Down]);
    }
    press(&mut app, &[Key::Enter, Key::Enter, Key::Enter]);
    assert_eq!(app.screen, Screen::Credentials);
    typed(&mut app, "3MVGkey");
    press(&mut app, &[Key::Tab]);
    typed(&mut app, "s3cret");
    // Back to "where is the org?", change the URL, forward again.
    press(&mut app, &[Key::Esc, Key::Esc, Key::Esc, Key::Esc]);
    assert_eq!(app.screen, Screen::Environment);
    press(&mut app, &[Key::Ctrl('u')]);
    typed(&mut app, "acme2.my.salesforce.com");
    press(&mut app, &[Key::Enter, Key::Enter, Key::Enter, Key::Enter]);
    assert_eq!(app.screen, Screen::Credentials);
    assert_eq!(app.fields[0].text(), "3MVGkey");
    assert_eq!(
        app.fields[1].secret_value().unwrap().expose_secret(),
        "s3cret"
    );
}

#[test]
fn switching_methods_keeps_the_shared_fields() {
    let mut app = demo_app();
    to_credentials(&mut app);
    typed(&mut app, "u@x.example");
    // Back to the method list; pick password with an app (username + consumer key).
    press(&mut app, &[Key::Esc, Key::Esc, Key::Esc]);
    assert_eq!(app.screen, Screen::Method);
    press(&mut app, &[Key::Down, Key::Enter, Key::Enter, Key::Enter]);
    assert_eq!(app.method().flow, Flow::Password);
    assert_eq!(app.field(USERNAME).unwrap().text(), "u@x.example");
    app.focus = app
        .fields
        .iter()
        .position(|f| f.label == CONSUMER_KEY)
        .unwrap();
    typed(&mut app, "3MVGkey");
    // On to browser login, which shares the consumer key; then back to password.
    press(&mut app, &[Key::Esc, Key::Esc, Key::Esc]);
    press(&mut app, &[Key::Down, Key::Enter, Key::Enter, Key::Enter]);
    assert_eq!(app.method().flow, Flow::Web);
    assert_eq!(app.field(CONSUMER_KEY).unwrap().text(), "3MVGkey");
    press(
        &mut app,
        &[
            Key::Esc,
            Key::Esc,
            Key::Esc,
            Key::Up,
            Key::Enter,
            Key::Enter,
            Key::Enter,
        ],
    );
    assert_eq!(app.method().flow, Flow::Password);
    assert_eq!(
        app.field(USERNAME).unwrap().text(),
        "u@x.example",
        "a field the other method lacked waits for the way back"
    );
}

#[test]
fn esc_after_a_failed_test_goes_to_the_field_it_names() {
    use crate::salesforce::error::Cause;
    let mut app = demo_app();
    to_credentials(&mut app);
    typed(&mut app, "u@x.example");
    press(&mut app, &[Key::Tab]);
    typed(&mut app, "pw");
    // No token typed: a refused login points at the token first.
    let (request, _) = started(&press(&mut app, &[Key::Enter])).to_owned();
    fail_login(&mut app, request, Cause::InvalidLogin);
    press(&mut app, &[Key::Esc]);
    assert_eq!(app.screen, Screen::Credentials);
    assert_eq!(app.fields[app.focus].label, SECURITY_TOKEN);
    typed(&mut app, "TOKEN");
    // With a token, a refused login points at the password, selected for replacing.
    let (request, _) = started(&press(&mut app, &[Key::Enter])).to_owned();
    fail_login(&mut app, request, Cause::InvalidLogin);
    press(&mut app, &[Key::Esc]);
    assert_eq!(app.fields[app.focus].label, PASSWORD);
    typed(&mut app, "new");
    assert_eq!(
        app.fields[app.focus]
            .secret_value()
            .unwrap()
            .expose_secret(),
        "new",
        "typing replaced the selected password"
    );
}

#[test]
fn a_login_url_failure_goes_back_to_where_the_org_is() {
    use crate::salesforce::error::Cause;
    let mut app = App::new(Vec::new(), StoreKind::Keyring, None);
    typed(&mut app, "prod");
    press(&mut app, &[Key::Enter, Key::Down, Key::Down]);
    typed(&mut app, "acme.my.salesforce.com");
    press(&mut app, &[Key::Enter, Key::Enter, Key::Enter, Key::Enter]);
    typed(&mut app, "u@x.example");
    press(&mut app, &[Key::Tab]);
    typed(&mut app, "pw");
    press(&mut app, &[Key::Tab]);
    typed(&mut app, "TOKEN");
    let (request, _) = started(&press(&mut app, &[Key::Enter])).to_owned();
    fail_login(&mut app, request, Cause::Dns);
    press(&mut app, &[Key::Esc]);
    assert_eq!(app.screen, Screen::Environment);
    assert!(app.my_domain.selected, "the URL is selected for replacing");
    typed(&mut app, "acme2.my.salesforce.com");
    assert_eq!(app.my_domain.text(), "acme2.my.salesforce.com");
    press(&mut app, &[Key::Enter, Key::Enter, Key::Enter, Key::Enter]);
    assert_eq!(app.screen, Screen::Credentials);
    assert_eq!(
        app.fields[2].secret_value().unwrap().expose_secret(),
        "TOKEN"
    );
}

#[test]
fn a_new_password_with_the_saved_token_is_warned_and_diagnosed() {
    use crate::salesforce::error::Cause;
    let mut app = App::new(vec![saved_row()], StoreKind::Keyring, None);
    reauth_loaded(&mut app, loaded());
    press(&mut app, &[Key::Enter, Key::Enter]);
    assert_eq!(app.screen, Screen::Credentials);
    assert!(!app.token_kept_with_new_password(), "nothing typed yet");
    app.focus = 1;
    typed(&mut app, "new-password");
    assert!(app.token_kept_with_new_password(), "warned before testing");
    let effects = press(&mut app, &[Key::Enter]);
    let (request, draft) = started(&effects);
    assert_eq!(
        draft
            .secrets
            .get(key::SECURITY_TOKEN)
            .unwrap()
            .expose_secret(),
        "OLDTOKEN"
    );
    fail_login(&mut app, request, Cause::AuthenticationFailure);
    let fix = &app.checks[0].fix;
    assert!(
        fix.contains("Either the new password is wrong, or changing it reset the security token"),
        "both causes are said: {fix}"
    );
    assert!(fix.contains("'Invalid Password'"), "{fix}");
    press(&mut app, &[Key::Esc]);
    assert_eq!(app.fields[app.focus].label, SECURITY_TOKEN);
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
    app.authorizing.as_ref().unwrap().failed.clone().unwrap()
}

#[test]
fn a_secret_left_empty_is_named_missing_not_wrong() {
    let mut app = demo_app();
    to_method_form(&mut app, 3);
    // With the consumer key empty too, the key is what is said first.
    assert!(press(&mut app, &[Key::Enter]).is_empty());
    assert_eq!(app.message.as_deref(), Some("Consumer key is needed"));
    typed(&mut app, "3MVGdemo");
    press(&mut app, &[Key::Enter]);
    let failed = secret_refused(&mut app);
    assert!(failed.detail.contains("left empty"), "{}", failed.detail);
    assert!(!failed.detail.contains("wrong"), "{}", failed.detail);
    // With a secret typed (the warning left the cursor in its field), a refusal still says
    // it is wrong.
    press(&mut app, &[Key::Esc]);
    assert_eq!(app.fields[app.focus].label, methods::CONSUMER_SECRET);
    typed(&mut app, "typo");
    let failed = secret_refused(&mut app);
    assert!(failed.detail.contains("wrong"), "{}", failed.detail);
}

#[test]
fn l_and_c_choose_rather_than_toggle_and_esc_on_home_does_not_quit() {
    let mut app = App::new(
        vec![ConnectionRow {
            name: "prod".into(),
            health: Status::Pass,
            summary: String::new(),
            sandbox: false,
            store: StoreKind::File,
            flow: crate::profile::Flow::Soap,
            username: None,
        }],
        StoreKind::File,
        None,
    );
    assert!(
        press(&mut app, &[Key::Esc]).is_empty(),
        "Esc on home does not quit"
    );
    assert!(
        app.message
            .as_deref()
            .unwrap_or_default()
            .contains("q quits")
    );
    assert!(matches!(
        press(&mut app, &[Key::Char('q')]).as_slice(),
        [Effect::Quit]
    ));
    // The demo (nothing saved, the name screen first): Esc goes back to the empty list too,
    // as in `setup`; it never quits.
    let mut demo = App::new(
        Vec::new(),
        StoreKind::File,
        Some("http://127.0.0.1:1".into()),
    );
    assert_eq!(demo.screen, Screen::Name);
    assert!(
        press(&mut demo, &[Key::Esc]).is_empty(),
        "Esc does not quit"
    );
    assert_eq!(demo.screen, Screen::Home);
    press(&mut demo, &[Key::Char('n')]);
    assert_eq!(demo.screen, Screen::Name);
    app.screen = Screen::Guide;
    for (key, ui) in [
        ('l', Ui::Lightning),
        ('l', Ui::Lightning),
        ('c', Ui::Classic),
        ('c', Ui::Classic),
        ('l', Ui::Lightning),
    ] {
        press(&mut app, &[Key::Char(key)]);
        assert_eq!(app.ui, ui, "after {key}");
    }
}

#[test]
fn the_hand_off_lists_the_forms_values_in_order_and_clears_only_the_latest_copy() {
    use secrecy::ExposeSecret;
    let mut app = App::new(vec![saved_row()], StoreKind::File, None);
    let request = match press(&mut app, &[Key::Char('h')]).as_slice() {
        [Effect::LoadConnection { request, name }] if name == "prod" => *request,
        other => panic!("expected LoadConnection, got {other:?}"),
    };
    update(
        &mut app,
        Msg::ConnectionLoaded {
            request,
            loaded: Box::new(loaded()),
        },
    );
    assert_eq!(
        app.screen,
        Screen::Handoff,
        "the hand-off, not a re-authentication"
    );
    assert!(app.reauth.is_none());
    let labels: Vec<&str> = app
        .handoff
        .as_ref()
        .unwrap()
        .items
        .iter()
        .map(|i| i.label)
        .collect();
    assert_eq!(
        labels,
        [
            "Consumer key",
            "Consumer secret",
            "Username",
            "Password",
            "Security token",
            "Login URL"
        ]
    );
    // The consumer secret: copied as it is, to be cleared later.
    let copied = press(&mut app, &[Key::Down, Key::Enter]);
    let generation = match copied.as_slice() {
        [Effect::CopySecret { value, generation }] => {
            assert_eq!(value.expose_secret(), "consumer-secret");
            *generation
        }
        other => panic!("expected CopySecret, got {other:?}"),
    };
    // A second copy: only its expiry clears the clipboard.
    let second = press(&mut app, &[Key::Char('y')]);
    assert!(
        matches!(second.as_slice(), [Effect::CopySecret { generation: g, .. }] if *g == generation + 1)
    );
    assert!(update(&mut app, Msg::ClipboardExpired { generation }).is_empty());
    assert!(matches!(
        update(
            &mut app,
            Msg::ClipboardExpired {
                generation: generation + 1
            }
        )
        .as_slice(),
        [Effect::ClearClipboard]
    ));
    press(&mut app, &[Key::Esc]);
    assert_eq!(app.screen, Screen::Home);
    assert!(app.handoff.is_none(), "the values are forgotten");
}

#[test]
fn h_on_the_saved_screen_opens_the_hand_off_of_what_was_just_saved() {
    let mut app = App::new(vec![saved_row()], StoreKind::Keyring, None);
    reauth_loaded(&mut app, loaded());
    press(&mut app, &[Key::Enter, Key::Enter]);
    app.focus = 1;
    typed(&mut app, "new-password");
    pass_the_test(&mut app);
    let request = match press(&mut app, &[Key::Enter, Key::Enter]).as_slice() {
        [Effect::Save { request, .. }] => *request,
        other => panic!("expected a save, got {other:?}"),
    };
    update(
        &mut app,
        Msg::Saved {
            request,
            message: "Re-authenticated 'prod'.".into(),
            previous_token: false,
        },
    );
    assert_eq!(app.screen, Screen::Done);
    press(&mut app, &[Key::Char('h')]);
    assert_eq!(app.screen, Screen::Handoff);
    let handoff = app.handoff.as_ref().unwrap();
    assert_eq!(handoff.items[0].label, "Consumer key");
    // Esc comes back to the Saved screen; leaving it forgets what was saved.
    press(&mut app, &[Key::Esc]);
    assert_eq!(app.screen, Screen::Done);
    press(&mut app, &[Key::Enter]);
    assert!(app.last_saved.is_none());
}

#[test]
fn moving_to_the_method_in_use_is_refused_in_words() {
    let mut app = App::new(vec![saved_row()], StoreKind::Keyring, None);
    reauth_loaded(&mut app, loaded());
    press(&mut app, &[Key::Char('m')]);
    assert_eq!(app.screen, Screen::Method);
    assert_eq!(app.method().flow, Flow::Jwt, "JWT bearer is offered first");
    // The loaded connection uses the OAuth password flow: choosing it again is no move.
    app.method = crate::wizard::methods::METHODS
        .iter()
        .position(|m| m.flow == Flow::Password)
        .unwrap();
    press(&mut app, &[Key::Enter]);
    assert_eq!(app.screen, Screen::Method);
    assert!(
        app.message
            .as_deref()
            .unwrap()
            .contains("method it uses now")
    );
    press(&mut app, &[Key::Esc]);
    assert_eq!(app.screen, Screen::Reauth);
    assert!(!app.moving);
    assert!(
        app.kept.get(key::PASSWORD).is_some(),
        "its secrets are back for a plain re-authentication"
    );
}

/// A save that replaced a refresh token: the Saved screen says the old one is still valid and
/// offers v to revoke it; `reauth --revoke-old` revokes it at once.
#[test]
fn a_replaced_refresh_token_is_offered_for_revocation_on_the_saved_screen() {
    let saved = |app: &mut App| {
        app.request = 7;
        update(
            app,
            Msg::Saved {
                request: 7,
                message: "Re-authenticated 'prod'.".into(),
                previous_token: true,
            },
        )
    };
    let mut app = App::new(vec![saved_row()], StoreKind::File, None);
    assert!(saved(&mut app).is_empty(), "not revoked unless asked");
    assert_eq!(app.screen, Screen::Done);
    assert!(app.next_steps()[0].contains("press v to revoke the old one"));
    assert!(matches!(
        press(&mut app, &[Key::Char('v')]).as_slice(),
        [Effect::RevokePrevious { request: 7 }]
    ));
    update(
        &mut app,
        Msg::PreviousRevoked {
            request: 7,
            message: "The previous refresh token was revoked at Salesforce.".into(),
        },
    );
    assert!(!app.previous_token);
    let said = app.message.clone().unwrap_or_default();
    assert!(said.ends_with("revoked at Salesforce."), "{said}");
    assert!(
        press(&mut app, &[Key::Char('v')]).is_empty(),
        "nothing left to revoke"
    );

    let mut asked = App::new(vec![saved_row()], StoreKind::File, None);
    asked.revoke_old = true;
    assert!(matches!(
        saved(&mut asked).as_slice(),
        [Effect::RevokePrevious { request: 7 }]
    ));
}

/// Client credentials chosen for the demo org's login host (which plays login.salesforce.com)
/// or a login host typed as the My Domain URL: refused where the org is chosen, before
/// anything is sent; the demo org's own host is filled in.
#[test]
fn client_credentials_on_a_login_host_is_refused_where_the_org_is_chosen() {
    let index = crate::wizard::methods::METHODS
        .iter()
        .position(|m| m.flow == crate::profile::Flow::ClientCredentials)
        .unwrap();
    let mut app = demo_app();
    app.demo_hints = vec![("My Domain URL".into(), "http://127.0.0.1:4001".into())];
    press(&mut app, &[Key::Enter, Key::Enter]);
    assert_eq!(app.screen, Screen::Method);
    for _ in 0..index {
        press(&mut app, &[Key::Down]);
    }
    assert!(press(&mut app, &[Key::Enter]).is_empty(), "nothing sent");
    assert_eq!(app.screen, Screen::Environment);
    assert_eq!(app.my_domain.text(), "http://127.0.0.1:4001");
    assert!(app.message.as_deref().unwrap().contains("My Domain URL"));
    // A login host typed as the My Domain URL is refused the same way.
    app.my_domain = Field::new("My Domain URL").with_value("https://login.salesforce.com");
    press(&mut app, &[Key::Enter]);
    assert_eq!(app.screen, Screen::Method);
    press(&mut app, &[Key::Enter]);
    assert_eq!(
        app.screen,
        Screen::Environment,
        "refused: {:?}",
        app.message
    );
}

/// F3 while re-authenticating a refresh-token connection of the demo org gets a token from it;
/// for a connection on another org it says so, naming that org (there is no "where is the
/// org?" screen in a re-authentication to go back to).
#[test]
fn f3_in_a_demo_reauthentication_knows_the_connections_org() {
    let demo = "http://127.0.0.1:4000";
    for (url, works) in [(demo, true), ("https://acme.my.salesforce.com", false)] {
        let mut app = App::new(vec![saved_row()], StoreKind::File, Some(demo.into()));
        let mut refresh = loaded();
        refresh.draft.flow = Flow::RefreshToken;
        refresh.draft.login_url = LoginUrl::parse(url).unwrap();
        refresh.draft.secrets = SecretBundle::default();
        refresh.problem = None;
        reauth_loaded(&mut app, refresh);
        press(&mut app, &[Key::Enter, Key::Enter]);
        assert_eq!(app.screen, Screen::Credentials, "{url}");
        let effects = press(&mut app, &[Key::Assist]);
        if works {
            assert!(
                matches!(effects.as_slice(), [Effect::StandIn { .. }]),
                "{effects:?} {:?}",
                app.message
            );
        } else {
            assert!(effects.is_empty());
            let said = app.message.clone().unwrap_or_default();
            assert!(said.contains("is on another org"), "{said}");
            assert!(!said.contains("where is the org"), "{said}");
        }
    }
}
