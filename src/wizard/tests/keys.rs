//! One certificate per app in the wizard: a shared key needs no upload and a new pair for a
//! shared app is confirmed first, and a key typed for it is said of before its test; JWT
//! re-authentication keeps the key, rotates it, or finishes with a pair made earlier; and a
//! password re-authentication offers the user's other connections.

use super::*;
use crate::connect::app_keys::KeyUse;
use crate::wizard::screens::certificate::GeneratedKey;

fn key(shared_with: &[&str], stops: &[&str]) -> GeneratedKey {
    GeneratedKey {
        key_file: "/cfg/keys/jwt1.key".into(),
        certificate_file: "/cfg/keys/jwt1.crt".into(),
        certificate_pem: "PEM".into(),
        valid: None,
        reused: !shared_with.is_empty(),
        uses: Box::new(crate::connect::app_keys::KeyUse {
            shared_with: shared_with.iter().map(|s| s.to_string()).collect(),
            stops: stops.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }),
        confirm_new: false,
        readable_by_others: false,
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
                app: Some(app),
                fresh: false,
                ..
            },
        ] => {
            assert_eq!(app.client_id, "3MVGdemo", "the app is named");
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

/// The JWT form of a new connection with `key_file` typed; Enter asks what it is to the app.
fn typed_key_checked(key_file: &str, uses: KeyUse, days_left: Option<i64>) -> App {
    let mut app = demo_app();
    to_method_form(&mut app, 4);
    typed(&mut app, "3MVGdemo");
    press(&mut app, &[Key::Tab]);
    typed(&mut app, "integration@acme.example");
    press(&mut app, &[Key::Tab]);
    typed(&mut app, key_file);
    let request = match press(&mut app, &[Key::Enter]).as_slice() {
        [
            Effect::CheckKey {
                request,
                key_file: k,
                app: Some(a),
                ..
            },
        ] => {
            assert_eq!(k, std::path::Path::new(key_file));
            assert_eq!(a.client_id, "3MVGdemo");
            *request
        }
        other => panic!("the key is looked at before the test: {other:?}"),
    };
    update(
        &mut app,
        Msg::KeyChecked {
            request,
            key_file: key_file.into(),
            uses: Box::new(uses),
            days_left,
            exists: true,
        },
    );
    app
}

#[test]
fn a_key_typed_for_an_app_others_use_with_another_key_is_said_of_before_its_test() {
    let stops = KeyUse {
        stops: vec!["jwt1".into()],
        ..Default::default()
    };
    let mut app = typed_key_checked("/home/me/own.key", stops, Some(700));
    let said = app.message.clone().unwrap();
    assert!(
        said.contains("'jwt1' uses another key on this app")
            && said.contains("uploaded there, it stops until it moves")
            && said.contains("empty the field for the app's key pair"),
        "{said}"
    );
    assert!(matches!(app.screen, Screen::Credentials { .. }));
    assert!(matches!(
        press(&mut app, &[Key::Enter]).as_slice(),
        [Effect::StartCheck { .. }]
    ));
    // Nothing to say: the test starts at once.
    let app = typed_key_checked("/home/me/own.key", KeyUse::default(), Some(700));
    assert!(matches!(app.screen, Screen::Testing(_)), "{:?}", app.screen);
}

#[test]
fn a_certificate_that_ends_soon_is_said_of_before_its_key_is_tested() {
    let mut app = typed_key_checked("/home/me/own.key", KeyUse::default(), Some(29));
    let said = app.message.clone().unwrap();
    assert!(said.contains("ends in 29 days"), "{said}");
    assert!(said.contains("Enter again tests this key"), "{said}");
    assert!(matches!(
        press(&mut app, &[Key::Enter]).as_slice(),
        [Effect::StartCheck { .. }]
    ));
    let app = typed_key_checked("/home/me/own.key", KeyUse::default(), Some(-1));
    assert!(app.message.unwrap().contains("has expired"));
    let app = typed_key_checked("/home/me/own.key", KeyUse::default(), Some(31));
    assert!(matches!(app.screen, Screen::Testing(_)), "{:?}", app.screen);
}

fn pending(made_for: &str, key_file: &str) -> crate::profile::PendingCertificate {
    crate::profile::PendingCertificate {
        client_id: "3MVGkey".into(),
        login_url: "https://acme.my.salesforce.com".into(),
        key_file: key_file.into(),
        made_for: made_for.into(),
        made_at: std::time::SystemTime::UNIX_EPOCH,
    }
}

#[test]
fn a_pair_made_for_the_connection_and_not_tested_is_what_its_reauthentication_finishes_with() {
    let form = |pending_list: Vec<_>, keys: &[Key]| {
        let mut app = App::new(vec![saved_row()], StoreKind::File, None);
        let mut loaded = jwt_loaded(Some(200));
        loaded.pending = pending_list;
        reauth_loaded(&mut app, loaded);
        press(&mut app, keys);
        while matches!(app.screen, Screen::Guide { .. }) {
            press(&mut app, &[Key::Enter]);
        }
        app
    };
    let mine = || vec![pending("prod", "/cfg/keys/prod-2.key")];
    let app = form(mine(), &[Key::Enter]);
    assert_eq!(
        app.field_text(methods::KEY_FILE).as_deref(),
        Some("/cfg/keys/prod-2.key"),
        "Enter finishes with it"
    );
    let app = form(mine(), &[Key::Char('k')]);
    assert_eq!(
        app.field_text(methods::KEY_FILE).as_deref(),
        Some("/cfg/keys/prod.key")
    );
    // A pair made for another connection on the app is offered (p), not chosen.
    let theirs = || vec![pending("etl", "/cfg/keys/etl.key")];
    let app = form(theirs(), &[Key::Enter]);
    assert_eq!(
        app.field_text(methods::KEY_FILE).as_deref(),
        Some("/cfg/keys/prod.key")
    );
    let mut app = form(theirs(), &[Key::Char('p')]);
    assert_eq!(
        app.field_text(methods::KEY_FILE).as_deref(),
        Some("/cfg/keys/etl.key")
    );
    assert!(matches!(
        press(&mut app, &[Key::Enter]).as_slice(),
        [Effect::CheckKey { .. }]
    ));
    // No pair pending: p is neither offered nor taken.
    let mut app = App::new(vec![saved_row()], StoreKind::File, None);
    reauth_loaded(&mut app, jwt_loaded(Some(200)));
    assert!(!app.bindings().iter().any(|b| b.key == "p"));
    assert!(press(&mut app, &[Key::Char('p')]).is_empty());
    assert!(matches!(app.screen, Screen::Reauth));
}

#[test]
fn the_certificate_screen_offers_a_pair_not_tested_yet_in_place_of_the_shared_one() {
    let mut shared = key(&["jwt1"], &[]);
    shared.uses.pending = vec![pending("a3", "/cfg/keys/a3.key")];
    let mut app = on_certificate(shared);
    assert!(
        app.bindings()
            .iter()
            .any(|b| b.footer == Some("p use the new pair")),
        "offered"
    );
    match press(&mut app, &[Key::Char('p')]).as_slice() {
        [Effect::ShowCertificate { key_file, .. }] => {
            assert_eq!(key_file, std::path::Path::new("/cfg/keys/a3.key"))
        }
        other => panic!("{other:?}"),
    }
    let mut app = on_certificate(key(&["jwt1"], &[]));
    assert!(press(&mut app, &[Key::Char('p')]).is_empty());
}

#[test]
fn after_a_move_to_a_new_key_the_saved_screen_says_integrations_need_its_path() {
    use crate::connect::app_keys::{Moved, Settled};
    let app = App::new(vec![saved_row()], StoreKind::File, None);
    let mut draft = jwt_loaded(None).draft;
    draft.key_file = Some("/cfg/keys/prod-2.key".into());
    let saved = |settled: Settled| screens::save::Saved {
        verified: Some(verified("prod", &draft)),
        ..screens::save::Saved::new(report("prod", true), false, settled, Vec::new())
    };
    let moved = Settled {
        moved: vec![Moved {
            name: "etl".into(),
            result: Ok(()),
        }],
        deleted: vec!["/cfg/keys/prod.key".into()],
        dropped: Vec::new(),
    };
    let steps = app.next_steps(&saved(moved)).join("\n");
    assert!(
        steps.contains("The key file is now /cfg/keys/prod-2.key") && steps.contains("'etl'"),
        "{steps}"
    );
    // A new connection, nothing moved (a pair deleted is no path an integration was given).
    let deleted = Settled {
        deleted: vec!["/cfg/keys/a3.key".into()],
        ..Settled::default()
    };
    let steps = app.next_steps(&saved(deleted)).join("\n");
    assert!(!steps.contains("The key file is now"), "{steps}");
    // A re-authentication that changed this connection's key names it.
    let mut app = App::new(vec![saved_row()], StoreKind::File, None);
    reauth_loaded(&mut app, jwt_loaded(None));
    let steps = app.next_steps(&saved(Settled::default())).join("\n");
    assert!(
        steps.contains("an integration of 'prod' given the old path"),
        "{steps}"
    );
}

#[test]
fn an_emptied_key_file_is_the_apps_pair_again_not_the_key_shown_before() {
    // Nothing is made for a form without its app and user.
    let mut app = demo_app();
    to_method_form(&mut app, 4);
    assert!(press(&mut app, &[Key::Enter]).is_empty());
    assert_eq!(app.message.as_deref(), Some("Consumer key is needed"));
    assert!(press(&mut app, &[Key::Certificate]).is_empty(), "nor on F4");
    // A key typed, its certificate shown (F4), then the field emptied: Enter looks the app's
    // pair up again instead of testing the key shown.
    let mut app = typed_key_checked("/home/me/own.key", KeyUse::default(), Some(700));
    app.screen = Screen::Credentials {
        warned_no_secret: false,
    };
    let request = match press(&mut app, &[Key::Certificate]).as_slice() {
        [Effect::ShowCertificate { request, .. }] => *request,
        other => panic!("{other:?}"),
    };
    let mut own = key(&[], &["jwt1"]);
    own.key_file = "/home/me/own.key".into();
    own.reused = true;
    update(&mut app, Msg::KeyGenerated { request, key: own });
    press(&mut app, &[Key::Esc]);
    assert_eq!(
        app.field_text(methods::KEY_FILE).as_deref(),
        Some("/home/me/own.key")
    );
    let at = app
        .fields
        .iter()
        .position(|f| f.label == methods::KEY_FILE)
        .unwrap();
    app.fields[at] = std::mem::take(&mut app.fields[at]).with_value("");
    assert!(matches!(
        press(&mut app, &[Key::Enter]).as_slice(),
        [Effect::GenerateKey { fresh: false, .. }]
    ));
}

#[test]
fn a_missing_key_file_is_said_and_a_pair_not_tested_says_the_others_may_have_stopped() {
    let mut app = demo_app();
    to_method_form(&mut app, 4);
    typed(&mut app, "3MVGdemo");
    press(&mut app, &[Key::Tab]);
    typed(&mut app, "integration@acme.example");
    press(&mut app, &[Key::Tab]);
    typed(&mut app, "/nowhere/own.key");
    let request = match press(&mut app, &[Key::Enter]).as_slice() {
        [Effect::CheckKey { request, .. }] => *request,
        other => panic!("{other:?}"),
    };
    let checked = |request, uses: KeyUse, exists| Msg::KeyChecked {
        request,
        key_file: "/nowhere/own.key".into(),
        uses: Box::new(uses),
        days_left: None,
        exists,
    };
    update(&mut app, checked(request, KeyUse::default(), false));
    let said = app.message.clone().unwrap();
    assert!(
        said.contains("There is no file at /nowhere/own.key"),
        "{said}"
    );
    assert!(app.key_confirmed.is_none(), "nothing to confirm");
    let request = match press(&mut app, &[Key::Enter]).as_slice() {
        [Effect::CheckKey { request, .. }] => *request,
        other => panic!("asked again: {other:?}"),
    };
    let untested = KeyUse {
        stops: vec!["jwt1".into()],
        untested_since: Some(std::time::SystemTime::UNIX_EPOCH),
        ..Default::default()
    };
    update(&mut app, checked(request, untested, true));
    let said = app.message.clone().unwrap();
    assert!(
        said.contains("If its certificate is in the app, 'jwt1' has stopped already")
            && said.ends_with("Enter again tests it."),
        "{said}"
    );
}

#[test]
fn back_on_the_reauthentication_screen_a_pair_made_on_the_way_is_what_enter_finishes() {
    let mut app = App::new(vec![saved_row()], StoreKind::File, None);
    reauth_loaded(&mut app, jwt_loaded(Some(200)));
    press(&mut app, &[Key::Char('n')]);
    assert_eq!(app.pair, screens::reauth::Pair::New);
    let mut made = key(&[], &[]);
    made.key_file = "/cfg/keys/prod-2.key".into();
    made.reused = false;
    made.uses.untested_since = Some(std::time::SystemTime::UNIX_EPOCH);
    app.generated = Some(made);
    app.screen = Screen::Guide { page: 0 };
    press(&mut app, &[Key::Esc]);
    assert!(matches!(app.screen, Screen::Reauth), "{:?}", app.screen);
    assert_eq!(
        app.pair,
        screens::reauth::Pair::Pending("/cfg/keys/prod-2.key".into())
    );
    let pending = &app.reauth.as_ref().unwrap().pending;
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].made_for, "prod");
}
