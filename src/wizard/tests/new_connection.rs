//! A new connection from its name to its save: the form, the test, and back to a failing field.

use super::*;

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
    assert!(matches!(app.screen, Screen::Testing(_)), "{:?}", app.screen);
    update(
        &mut app,
        Msg::CheckProgressed {
            request,
            event: CheckEvent::Finished(CheckResult::new("login", Status::Pass, "ok", "")),
        },
    );
    assert_eq!(app.test_run().unwrap().checks.len(), 1);
    update(
        &mut app,
        Msg::CheckFinished {
            request,
            ok: true,
            verified: Some(passed.clone()),
        },
    );
    press(&mut app, &[Key::Enter]);
    assert!(matches!(app.screen, Screen::Save(_)), "{:?}", app.screen);
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
            report: report("prod", false),
            previous_token: false,
            settled: Default::default(),
            same_user: Vec::new(),
        },
    );
    assert!(matches!(app.screen, Screen::Done(_)), "{:?}", app.screen);
    assert!(matches!(
        press(&mut app, &[Key::Enter]).as_slice(),
        [Effect::ReloadConnections]
    ));
    assert!(matches!(app.screen, Screen::Home), "{:?}", app.screen);
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
    assert!(
        matches!(app.screen, Screen::Credentials { .. }),
        "{:?}",
        app.screen
    );
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
    assert!(
        matches!(app.screen, Screen::Credentials { .. }),
        "{:?}",
        app.screen
    );
    update(
        &mut app,
        Msg::CheckFinished {
            request: first,
            ok: true,
            verified: None,
        },
    );
    assert_eq!(
        app.test_run().and_then(|r| r.passed),
        None,
        "stale results are dropped"
    );
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
    assert!(
        matches!(app.screen, Screen::Testing(_)),
        "no save after a failure"
    );
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
    assert!(
        matches!(app.screen, Screen::Environment),
        "{:?}",
        app.screen
    );
    for _ in 0.."acme.lightning.force.com".len() {
        press(&mut app, &[Key::Backspace]);
    }
    typed(&mut app, "acme.my.salesforce.com");
    press(&mut app, &[Key::Enter]);
    assert!(matches!(app.screen, Screen::Method), "{:?}", app.screen);
    press(&mut app, &[Key::Down, Key::Down, Key::Enter]);
    assert_eq!(app.method().flow, Flow::Web);
    assert!(
        matches!(app.screen, Screen::Prerequisites),
        "{:?}",
        app.screen
    );
}

#[test]
fn guides_toggle_lightning_and_classic_and_help_overlays() {
    let mut app = demo_app();
    press(&mut app, &[Key::Enter, Key::Enter, Key::Enter, Key::Enter]);
    assert!(
        matches!(app.screen, Screen::Guide { .. }),
        "{:?}",
        app.screen
    );
    assert_eq!(app.ui, Ui::Lightning);
    press(&mut app, &[Key::Char('c')]);
    assert_eq!(app.ui, Ui::Classic);
    press(&mut app, &[Key::Tab]);
    assert!(
        matches!(app.screen, Screen::Guide { page: 1 }),
        "{:?}",
        app.screen
    );
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
fn values_survive_back_to_the_guide_and_forward() {
    let mut app = demo_app();
    to_credentials(&mut app);
    typed(&mut app, "u@x.example");
    press(&mut app, &[Key::Tab]);
    typed(&mut app, "pw");
    press(&mut app, &[Key::Esc, Key::Esc]);
    assert!(
        matches!(app.screen, Screen::Prerequisites),
        "{:?}",
        app.screen
    );
    press(&mut app, &[Key::Enter, Key::Enter]);
    assert!(
        matches!(app.screen, Screen::Credentials { .. }),
        "{:?}",
        app.screen
    );
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
    assert!(
        matches!(app.screen, Screen::Credentials { .. }),
        "{:?}",
        app.screen
    );
    typed(&mut app, "3MVGkey");
    press(&mut app, &[Key::Tab]);
    typed(&mut app, "s3cret");
    // Back to "where is the org?", change the URL, forward again.
    press(&mut app, &[Key::Esc, Key::Esc, Key::Esc, Key::Esc]);
    assert!(
        matches!(app.screen, Screen::Environment),
        "{:?}",
        app.screen
    );
    press(&mut app, &[Key::Ctrl('u')]);
    typed(&mut app, "acme2.my.salesforce.com");
    press(&mut app, &[Key::Enter, Key::Enter, Key::Enter, Key::Enter]);
    assert!(
        matches!(app.screen, Screen::Credentials { .. }),
        "{:?}",
        app.screen
    );
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
    assert!(matches!(app.screen, Screen::Method), "{:?}", app.screen);
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
    assert!(
        matches!(app.screen, Screen::Credentials { .. }),
        "{:?}",
        app.screen
    );
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
    assert!(
        matches!(app.screen, Screen::Environment),
        "{:?}",
        app.screen
    );
    assert!(app.my_domain.selected, "the URL is selected for replacing");
    typed(&mut app, "acme2.my.salesforce.com");
    assert_eq!(app.my_domain.text(), "acme2.my.salesforce.com");
    press(&mut app, &[Key::Enter, Key::Enter, Key::Enter, Key::Enter]);
    assert!(
        matches!(app.screen, Screen::Credentials { .. }),
        "{:?}",
        app.screen
    );
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
    assert!(
        matches!(app.screen, Screen::Credentials { .. }),
        "{:?}",
        app.screen
    );
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
    let fix = &app.test_run().unwrap().checks[0].fix;
    assert!(
        fix.contains("Either the new password is wrong, or changing it reset the security token"),
        "both causes are said: {fix}"
    );
    assert!(fix.contains("'Invalid Password'"), "{fix}");
    press(&mut app, &[Key::Esc]);
    assert_eq!(app.fields[app.focus].label, SECURITY_TOKEN);
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
    assert!(
        matches!(demo.screen, Screen::Name { .. }),
        "{:?}",
        demo.screen
    );
    assert!(
        press(&mut demo, &[Key::Esc]).is_empty(),
        "Esc does not quit"
    );
    assert!(matches!(demo.screen, Screen::Home), "{:?}", demo.screen);
    press(&mut demo, &[Key::Char('n')]);
    assert!(
        matches!(demo.screen, Screen::Name { .. }),
        "{:?}",
        demo.screen
    );
    app.screen = Screen::Guide { page: 0 };
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
fn a_refused_login_with_the_token_left_empty_says_to_type_it() {
    use crate::salesforce::error::Cause;
    let mut app = demo_app();
    to_method_form(&mut app, 0);
    typed(&mut app, "integration@acme.example");
    press(&mut app, &[Key::Tab]);
    typed(&mut app, "password");
    let effects = press(&mut app, &[Key::Enter]);
    let (request, _) = started(&effects);
    fail_login(&mut app, request, Cause::InvalidLogin);
    let fix = &app.test_run().unwrap().checks[0].fix;
    assert!(fix.contains("The security token was left empty"), "{fix}");
    assert!(fix.contains("type it in the form"), "{fix}");
    assert!(fix.contains("Login History tells them apart"), "{fix}");
    press(&mut app, &[Key::Esc]);
    assert_eq!(app.fields[app.focus].label, SECURITY_TOKEN);
    // Salesforce saying a token is needed leaves no doubt.
    let effects = press(&mut app, &[Key::Enter]);
    let (request, _) = started(&effects);
    fail_login(&mut app, request, Cause::SecurityTokenRequired);
    let fix = &app.test_run().unwrap().checks[0].fix;
    assert!(fix.contains("The security token was left empty"), "{fix}");
    assert!(!fix.contains("the password is wrong"), "{fix}");
    // With a token typed, the protocol's own diagnosis stands.
    let mut app = demo_app();
    to_method_form(&mut app, 0);
    typed(&mut app, "integration@acme.example");
    press(&mut app, &[Key::Tab]);
    typed(&mut app, "password");
    press(&mut app, &[Key::Tab]);
    typed(&mut app, "TOKEN");
    let effects = press(&mut app, &[Key::Enter]);
    let (request, _) = started(&effects);
    fail_login(&mut app, request, Cause::InvalidLogin);
    let fix = &app.test_run().unwrap().checks[0].fix;
    assert!(!fix.contains("left empty"), "{fix}");
}
