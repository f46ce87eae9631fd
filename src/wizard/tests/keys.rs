//! One certificate per app in the wizard: a shared key needs no upload and a new pair for a
//! shared app is confirmed first; JWT re-authentication keeps the key or rotates it; and a
//! password re-authentication offers the user's other connections.

use super::*;
use crate::wizard::screens::certificate::GeneratedKey;

fn key(shared_with: &[&str], stops: &[&str]) -> GeneratedKey {
    GeneratedKey {
        key_file: "/cfg/keys/jwt1.key".into(),
        certificate_file: "/cfg/keys/jwt1.crt".into(),
        certificate_pem: "PEM".into(),
        valid: None,
        reused: !shared_with.is_empty(),
        shared_with: shared_with.iter().map(|s| s.to_string()).collect(),
        stops: stops.iter().map(|s| s.to_string()).collect(),
        confirm_new: false,
    }
}

/// The JWT form filled in, and the key pair `generated` delivered.
fn on_certificate(generated: GeneratedKey) -> App {
    let mut app = demo_app();
    to_method_form(&mut app, 4);
    typed(&mut app, "3MVGdemo");
    press(&mut app, &[Key::Tab]);
    typed(&mut app, "integration@acme.example");
    let request = match press(&mut app, &[Key::Enter]).as_slice() {
        [
            Effect::GenerateKey {
                request,
                client_id,
                fresh: false,
                ..
            },
        ] => {
            assert_eq!(client_id.as_deref(), Some("3MVGdemo"), "the app is named");
            *request
        }
        other => panic!("{other:?}"),
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
    app
}

#[test]
fn a_new_pair_for_an_app_others_use_is_confirmed_naming_them() {
    let mut app = on_certificate(key(&["jwt1", "jwt2"], &[]));
    // Their key is in the app: the demo offers no upload; a new pair is one key away.
    let footer: Vec<_> = app.bindings().iter().filter_map(|b| b.footer).collect();
    assert!(!footer.iter().any(|f| f.starts_with("F3")), "{footer:?}");
    assert!(footer.contains(&"n new pair"), "{footer:?}");
    assert!(press(&mut app, &[Key::Char('n')]).is_empty(), "asked first");
    let said = app.message.clone().unwrap();
    assert!(said.contains("'jwt1' and 'jwt2' stop working"), "{said}");
    match press(&mut app, &[Key::Char('n')]).as_slice() {
        [Effect::GenerateKey { fresh: true, .. }] => {}
        other => panic!("the second n makes it: {other:?}"),
    }
    // An app nobody else uses: no question.
    let mut app = on_certificate(key(&[], &[]));
    assert!(matches!(
        press(&mut app, &[Key::Char('n')]).as_slice(),
        [Effect::GenerateKey { fresh: true, .. }]
    ));
}

fn jwt_loaded(days_left: Option<i64>) -> Loaded {
    let mut loaded = loaded();
    loaded.draft.flow = Flow::Jwt;
    loaded.draft.key_file = Some("/cfg/keys/prod.key".into());
    loaded.draft.secrets = SecretBundle::default();
    loaded.problem = None;
    loaded.password_age_days = None;
    loaded.certificate_days_left = days_left;
    loaded
}

/// From the re-authentication screen, `keys`, then through the guides to the form.
fn jwt_form(days_left: Option<i64>, keys: &[Key]) -> App {
    let mut app = App::new(vec![saved_row()], StoreKind::File, None);
    reauth_loaded(&mut app, jwt_loaded(days_left));
    assert!(matches!(app.screen, Screen::Reauth), "{:?}", app.screen);
    press(&mut app, keys);
    while matches!(app.screen, Screen::Guide { .. }) {
        press(&mut app, &[Key::Enter]);
    }
    assert!(
        matches!(app.screen, Screen::Credentials { .. }),
        "{:?}",
        app.screen
    );
    app
}

#[test]
fn jwt_reauthentication_keeps_the_key_or_rotates_it_and_rotates_by_default_when_it_expires() {
    let kept = jwt_form(Some(200), &[Key::Enter]);
    assert_eq!(
        kept.field_text(methods::KEY_FILE).as_deref(),
        Some("/cfg/keys/prod.key")
    );
    let mut rotated = jwt_form(Some(200), &[Key::Char('n')]);
    assert_eq!(rotated.field_text(methods::KEY_FILE), None);
    match press(&mut rotated, &[Key::Enter]).as_slice() {
        [Effect::GenerateKey { fresh: true, .. }] => {}
        other => panic!("a new pair: {other:?}"),
    }
    let expiring = jwt_form(Some(10), &[Key::Enter]);
    assert_eq!(expiring.field_text(methods::KEY_FILE), None, "rotation");
    let kept = jwt_form(Some(10), &[Key::Char('k')]);
    assert!(kept.field_text(methods::KEY_FILE).is_some());
}

#[test]
fn a_password_reauthentication_offers_the_users_other_connections() {
    let mut app = App::new(vec![saved_row()], StoreKind::File, None);
    let draft = loaded().draft;
    let saved = screens::save::Saved {
        verified: Some(verified("prod", &draft)),
        ..screens::save::Saved::new(
            report("prod", true),
            false,
            Default::default(),
            vec!["staging".into(), "etl".into()],
        )
    };
    assert!(saved.offers_same_user());
    app.screen = Screen::Done(saved);
    let request = match press(&mut app, &[Key::Char('u')]).as_slice() {
        [Effect::ReauthSameUser { request, names, .. }] => {
            assert_eq!(names, &["staging", "etl"]);
            *request
        }
        other => panic!("{other:?}"),
    };
    assert!(press(&mut app, &[Key::Char('u')]).is_empty(), "asked once");
    update(
        &mut app,
        Msg::SameUserReauthed {
            request,
            results: vec![
                crate::connect::same_user::Reauthed {
                    name: "staging".into(),
                    result: Ok(()),
                },
                crate::connect::same_user::Reauthed {
                    name: "etl".into(),
                    result: Err("Log in: wrong password".into()),
                },
            ],
        },
    );
    let results = saved_screen(&app).same_user_results.clone().unwrap();
    assert_eq!(results.len(), 2);
    assert!(results[1].result.is_err());
    // A new connection (not a re-authentication) is not offered it.
    let new = screens::save::Saved::new(
        report("prod", false),
        false,
        Default::default(),
        vec!["staging".into()],
    );
    assert!(!new.offers_same_user());
}
