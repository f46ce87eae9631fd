//! Browser and device logins, and the JWT key pair: their screens and their requests.

use super::*;

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
    assert!(
        matches!(app.screen, Screen::Authorize(_)),
        "{:?}",
        app.screen
    );
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
    assert!(app.authorizing().unwrap().prompt.is_none());
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
        app.authorizing()
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
    assert!(matches!(app.screen, Screen::Testing(_)), "{:?}", app.screen);
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
    assert!(
        matches!(app.screen, Screen::Authorize(_)),
        "{:?}",
        app.screen
    );
    assert!(app.authorizing().unwrap().failed.is_some());
    let second = match press(&mut app, &[Key::Enter]).as_slice() {
        [Effect::StartAuthorize { request, .. }] => *request,
        other => panic!("{other:?}"),
    };
    assert!(second > first);
    assert!(app.authorizing().unwrap().failed.is_none());
    // Esc cancels; a late token for the cancelled login is dropped.
    assert!(matches!(
        press(&mut app, &[Key::Esc]).as_slice(),
        [Effect::CancelCheck]
    ));
    assert!(
        matches!(app.screen, Screen::Credentials { .. }),
        "{:?}",
        app.screen
    );
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
    assert_eq!(app.authorizing().unwrap().left_secs, Some(599));
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
                ..
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
    assert!(
        matches!(app.screen, Screen::Credentials { .. }),
        "{:?}",
        app.screen
    );
    assert!(app.message.as_deref().unwrap().contains("already exists"));
    let generated = GeneratedKey {
        key_file: "/cfg/keys/demo.key".into(),
        certificate_file: "/cfg/keys/demo.crt".into(),
        certificate_pem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".into(),
        valid: None,
        reused: false,
        uses: Default::default(),
        confirm_new: false,
        readable_by_others: false,
    };
    update(
        &mut app,
        Msg::KeyGenerated {
            request,
            key: generated,
        },
    );
    assert!(
        matches!(app.screen, Screen::Certificate),
        "{:?}",
        app.screen
    );
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
    assert!(
        matches!(app.screen, Screen::Guide { .. }),
        "{:?}",
        app.screen
    );
    let key = GeneratedKey {
        key_file: "/cfg/keys/demo.key".into(),
        certificate_file: "/cfg/keys/demo.crt".into(),
        certificate_pem: "PEM".into(),
        valid: None,
        reused: false,
        uses: Default::default(),
        confirm_new: false,
        readable_by_others: false,
    };
    update(&mut app, Msg::KeyGenerated { request, key });
    assert!(
        matches!(app.screen, Screen::Guide { .. }),
        "a late key pair moves no screen"
    );
    assert!(app.generated.is_none());
}
