//! Saved connections: home, re-authentication, removal, passphrases, the hand-off and results that arrive late.

use super::*;

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
    assert!(matches!(app.screen, Screen::Home), "{:?}", app.screen);
    press(&mut app, &[Key::Char('n')]);
    assert!(
        matches!(app.screen, Screen::Name { .. }),
        "{:?}",
        app.screen
    );
    press(&mut app, &[Key::Esc]);
    assert!(matches!(app.screen, Screen::Home), "{:?}", app.screen);
    assert!(matches!(
        press(&mut app, &[Key::Char('q')]).as_slice(),
        [Effect::Quit]
    ));
}

#[test]
fn reauthentication_asks_only_for_what_changed() {
    let mut app = App::new(vec![saved_row()], StoreKind::Keyring, None);
    reauth_loaded(&mut app, loaded());
    assert!(matches!(app.screen, Screen::Reauth), "{:?}", app.screen);
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
    assert!(
        matches!(app.screen, Screen::Credentials { .. }),
        "{:?}",
        app.screen
    );
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
    assert!(
        matches!(app.screen, Screen::ConfirmRemove),
        "{:?}",
        app.screen
    );
    assert!(press(&mut app, &[Key::Char('n')]).is_empty());
    assert!(matches!(app.screen, Screen::Home), "{:?}", app.screen);
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
    assert!(matches!(app.screen, Screen::Testing(_)), "{:?}", app.screen);
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
    assert!(
        matches!(app.screen, Screen::Home),
        "no save screen for a saved connection's test"
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
fn leaving_home_while_a_connection_loads_drops_it() {
    let mut app = App::new(vec![saved_row()], StoreKind::Keyring, None);
    let request = match press(&mut app, &[Key::Char('r')]).as_slice() {
        [Effect::LoadConnection { request, .. }] => *request,
        other => panic!("{other:?}"),
    };
    press(&mut app, &[Key::Char('n')]);
    assert!(
        matches!(app.screen, Screen::Name { .. }),
        "{:?}",
        app.screen
    );
    update(
        &mut app,
        Msg::ConnectionLoaded {
            request,
            loaded: Box::new(loaded()),
            purpose: Purpose::Reauthenticate,
        },
    );
    assert!(
        matches!(app.screen, Screen::Name { .. }),
        "a late load moves no screen"
    );
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
    assert!(matches!(app.screen, Screen::Testing(_)), "{:?}", app.screen);
    let effects = update(
        &mut app,
        Msg::Saved {
            request: save,
            report: report("prod", false),
            previous_token: false,
            settled: Default::default(),
            same_user: Vec::new(),
        },
    );
    assert!(
        matches!(app.screen, Screen::Testing(_)),
        "a late save moves no screen"
    );
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
                    purpose: Purpose::Reauthenticate,
                }),
            },
        },
    );
    assert!(
        matches!(app.screen, Screen::Passphrase(_)),
        "{:?}",
        app.screen
    );
    typed(&mut app, "q?x");
    let Screen::Passphrase(asking) = &app.screen else {
        panic!("{:?}", app.screen)
    };
    assert!(!asking.field.display().contains("q?x"), "masked");
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
    assert!(matches!(app.screen, Screen::Home), "{:?}", app.screen);
}

#[test]
fn unopenable_secrets_ask_for_everything() {
    let mut app = App::new(vec![saved_row()], StoreKind::Keyring, None);
    let mut broken = loaded();
    broken.draft.secrets = SecretBundle::default();
    broken.secrets_problem = Some("the key file is missing".into());
    reauth_loaded(&mut app, broken);
    assert!(matches!(app.screen, Screen::Reauth), "{:?}", app.screen);
    press(&mut app, &[Key::Enter, Key::Enter]);
    assert!(
        matches!(app.screen, Screen::Credentials { .. }),
        "{:?}",
        app.screen
    );
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
    assert!(
        matches!(app.screen, Screen::Name { .. }),
        "a taken name goes no further"
    );
    assert!(app.message.as_deref().unwrap().contains("already saved"));
    // Editing the name is choosing another one.
    press(&mut app, &[Key::Char('2')]);
    press(&mut app, &[Key::Enter]);
    assert!(matches!(app.screen, Screen::Environment), "'prod2' is free");
    press(&mut app, &[Key::Esc, Key::Backspace, Key::Enter]);
    // Enter again on the taken name re-authenticates the saved connection.
    match press(&mut app, &[Key::Enter]).as_slice() {
        [Effect::LoadConnection { name, .. }] => assert_eq!(name, "prod"),
        other => panic!("expected the saved connection to load, got {other:?}"),
    }
}

#[test]
fn the_hand_off_lists_the_forms_values_in_order_and_clears_only_the_latest_copy() {
    use secrecy::ExposeSecret;
    let mut app = App::new(vec![saved_row()], StoreKind::File, None);
    let request = match press(&mut app, &[Key::Char('h')]).as_slice() {
        [
            Effect::LoadConnection {
                request,
                name,
                purpose: Purpose::HandOff,
            },
        ] if name == "prod" => *request,
        other => panic!("expected LoadConnection, got {other:?}"),
    };
    update(
        &mut app,
        Msg::ConnectionLoaded {
            request,
            loaded: Box::new(loaded()),
            purpose: Purpose::HandOff,
        },
    );
    assert!(
        matches!(app.screen, Screen::Handoff(_)),
        "the hand-off, not a re-authentication"
    );
    assert!(app.reauth.is_none());
    let Screen::Handoff(handoff) = &app.screen else {
        panic!("{:?}", app.screen)
    };
    let labels: Vec<&str> = handoff.items.iter().map(|i| i.label).collect();
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
    assert!(
        matches!(app.screen, Screen::Home),
        "the values are forgotten with their screen"
    );
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
            report: report("prod", true),
            previous_token: false,
            settled: Default::default(),
            same_user: Vec::new(),
        },
    );
    // Scrolling keeps what the save said (it is the screen's, not a passing message).
    press(&mut app, &[Key::Down]);
    assert!(saved_screen(&app).report.replaced);
    press(&mut app, &[Key::Char('h')]);
    let Screen::Handoff(handoff) = &app.screen else {
        panic!("{:?}", app.screen)
    };
    assert_eq!(handoff.items[0].label, "Consumer key");
    // Esc comes back to the Saved screen as it was: what was saved, its hand-off again.
    press(&mut app, &[Key::Esc]);
    assert_eq!(saved_screen(&app).report.name, "prod");
    assert!(saved_screen(&app).verified.is_some());
    press(&mut app, &[Key::Char('h')]);
    assert!(matches!(app.screen, Screen::Handoff(_)), "{:?}", app.screen);
    press(&mut app, &[Key::Esc, Key::Enter]);
    assert!(matches!(app.screen, Screen::Home), "{:?}", app.screen);
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
                report: report("prod", true),
                previous_token: true,
                settled: Default::default(),
                same_user: Vec::new(),
            },
        )
    };
    let mut app = App::new(vec![saved_row()], StoreKind::File, None);
    assert!(saved(&mut app).is_empty(), "not revoked unless asked");
    assert!(matches!(app.screen, Screen::Done(_)), "{:?}", app.screen);
    assert!(app.next_steps(saved_screen(&app))[0].contains("press v to revoke the old one"));
    assert!(matches!(
        press(&mut app, &[Key::Char('v')]).as_slice(),
        [Effect::RevokePrevious { request: 7 }]
    ));
    update(
        &mut app,
        Msg::PreviousRevoked {
            request: 7,
            failed: None,
        },
    );
    assert!(!saved_screen(&app).previous_token);
    assert_eq!(saved_screen(&app).revoked, Some(None));
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
    assert!(matches!(app.screen, Screen::Method), "{:?}", app.screen);
    for _ in 0..index {
        press(&mut app, &[Key::Down]);
    }
    assert!(press(&mut app, &[Key::Enter]).is_empty(), "nothing sent");
    assert!(
        matches!(app.screen, Screen::Environment),
        "{:?}",
        app.screen
    );
    assert_eq!(app.my_domain.text(), "http://127.0.0.1:4001");
    assert!(app.message.as_deref().unwrap().contains("My Domain URL"));
    // A login host typed as the My Domain URL is refused the same way.
    app.my_domain = Field::new("My Domain URL").with_value("https://login.salesforce.com");
    press(&mut app, &[Key::Enter]);
    assert!(matches!(app.screen, Screen::Method), "{:?}", app.screen);
    press(&mut app, &[Key::Enter]);
    assert!(
        matches!(app.screen, Screen::Environment),
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
        assert!(matches!(app.screen, Screen::Credentials { .. }), "{url}");
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
