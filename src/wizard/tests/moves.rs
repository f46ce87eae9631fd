//! Moving a saved connection to another login method: from its re-authentication, and from
//! the audit of its org.

use super::*;

#[test]
fn moving_to_the_method_in_use_is_refused_in_words() {
    let mut app = App::new(vec![saved_row()], StoreKind::Keyring, None);
    reauth_loaded(&mut app, loaded());
    press(&mut app, &[Key::Char('m')]);
    assert!(matches!(app.screen, Screen::Method), "{:?}", app.screen);
    assert_eq!(app.method().flow, Flow::Jwt, "JWT bearer is offered first");
    // The loaded connection uses the OAuth password flow: choosing it again is no move.
    app.method = crate::wizard::methods::METHODS
        .iter()
        .position(|m| m.flow == Flow::Password)
        .unwrap();
    press(&mut app, &[Key::Enter]);
    assert!(matches!(app.screen, Screen::Method), "{:?}", app.screen);
    assert!(
        app.message
            .as_deref()
            .unwrap()
            .contains("method it uses now")
    );
    press(&mut app, &[Key::Esc]);
    assert!(matches!(app.screen, Screen::Reauth), "{:?}", app.screen);
    assert!(!app.moving);
    assert!(
        app.kept.get(key::PASSWORD).is_some(),
        "its secrets are back for a plain re-authentication"
    );
}

/// Moving a password-flow connection: its connected app can become the External Client App the
/// new method needs, so that guide comes right after the one that creates an ECA.
#[test]
fn moving_off_the_password_flow_offers_to_migrate_its_connected_app() {
    let mut app = App::new(vec![saved_row()], StoreKind::Keyring, None);
    reauth_loaded(&mut app, loaded());
    press(&mut app, &[Key::Char('m')]);
    assert_eq!(app.method().flow, Flow::Jwt);
    press(&mut app, &[Key::Enter, Key::Enter]);
    assert!(
        matches!(app.screen, Screen::Guide { page: 0 }),
        "{:?}",
        app.screen
    );
    let guides = app.guides();
    assert_eq!(
        guides[..2],
        ["create-external-client-app", "migrate-connected-app"]
    );
    // A new connection is not offered a migration.
    let mut fresh = App::new(Vec::new(), StoreKind::Keyring, None);
    fresh.method = methods::METHODS
        .iter()
        .position(|m| m.flow == Flow::Jwt)
        .unwrap();
    assert!(!fresh.guides().contains(&"migrate-connected-app"));
}

/// `a` reads the org's Login History in the background; `m` on a retiring group that is a
/// saved connection loads it and goes straight to moving it; Esc while reading cancels.
#[test]
fn the_audit_lists_groups_and_moves_a_saved_one() {
    use crate::connect::audit::{Audit, Group, Method};
    let mut app = App::new(vec![saved_row()], StoreKind::Keyring, None);
    let request = match press(&mut app, &[Key::Char('a')]).as_slice() {
        [Effect::Audit { request, name }] if name == "prod" => *request,
        other => panic!("expected an audit, got {other:?}"),
    };
    assert!(app.animating(), "a spinner while it reads");
    update(
        &mut app,
        Msg::AuditProgressed {
            request,
            rows: 2000,
        },
    );
    let group = Group {
        user_id: "005000000000001AAA".into(),
        username: Some("integration@acme.example".into()),
        method: Some(Method::Password),
        saved_as: vec!["prod".into()],
        ..Group::default()
    };
    update(
        &mut app,
        Msg::Audited {
            request,
            result: Ok((
                "00D".into(),
                Audit {
                    since: std::time::UNIX_EPOCH,
                    rows_read: 2001,
                    groups: vec![group],
                    partial: false,
                },
            )),
        },
    );
    assert!(!app.animating());
    let load = match press(&mut app, &[Key::Char('m')]).as_slice() {
        [
            Effect::LoadConnection {
                request,
                name,
                purpose: Purpose::Move,
            },
        ] if name == "prod" => *request,
        other => panic!("expected the connection loaded to move it, got {other:?}"),
    };
    update(
        &mut app,
        Msg::ConnectionLoaded {
            request: load,
            loaded: Box::new(loaded()),
            purpose: Purpose::Move,
        },
    );
    assert!(matches!(app.screen, Screen::Method), "{:?}", app.screen);
    assert!(app.moving);
    // Esc while reading stops the reading and goes back.
    let mut app = App::new(vec![saved_row()], StoreKind::Keyring, None);
    press(&mut app, &[Key::Char('a')]);
    assert!(matches!(
        press(&mut app, &[Key::Esc]).as_slice(),
        [Effect::CancelCheck]
    ));
    assert!(matches!(app.screen, Screen::Home), "{:?}", app.screen);
}
