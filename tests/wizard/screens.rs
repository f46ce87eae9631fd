//! Snapshots of each screen at 80x24, drawn from states reached through `update`.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sfconnect::check::{CheckEvent, CheckResult, Status};
use sfconnect::profile::{StoreKind, Ui};
use sfconnect::tui::view::{Look, draw};
use sfconnect::wizard::{App, ConnectionRow, Key, Msg, update};

fn render(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal
        .draw(|f| {
            draw(
                app,
                f,
                Look {
                    colour: false,
                    tick: 0,
                },
            )
        })
        .unwrap();
    format!("{}", terminal.backend())
}

fn keys(app: &mut App, keys: &[Key]) {
    for k in keys {
        update(app, Msg::KeyPressed(*k));
    }
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        update(app, Msg::KeyPressed(Key::Char(c)));
    }
}

fn new_app() -> App {
    App::new(Vec::new(), StoreKind::Keyring, None)
}

#[test]
fn home_with_connections() {
    let rows = vec![
        ConnectionRow {
            name: "prod".into(),
            health: Status::Pass,
            summary: "tested today; password expires in 80 days".into(),
            sandbox: false,
            store: StoreKind::Keyring,
        },
        ConnectionRow {
            name: "uat".into(),
            health: Status::Warn,
            summary: "password expires in 9 days".into(),
            sandbox: true,
            store: StoreKind::File,
        },
        ConnectionRow {
            name: "old".into(),
            health: Status::Fail,
            summary: "Log in: Invalid username, password, security token; or user locked out"
                .into(),
            sandbox: false,
            store: StoreKind::File,
        },
    ];
    insta::assert_snapshot!(render(&App::new(rows, StoreKind::Keyring, None)));
}

#[test]
fn name_environment_and_method() {
    let mut app = new_app();
    typed(&mut app, "prod");
    insta::assert_snapshot!("name", render(&app));
    keys(&mut app, &[Key::Enter, Key::Down, Key::Down]);
    typed(&mut app, "acme.my.salesforce.com");
    insta::assert_snapshot!("environment_my_domain", render(&app));
    keys(&mut app, &[Key::Enter, Key::Down]);
    insta::assert_snapshot!("method_password", render(&app));
}

#[test]
fn guides_in_lightning_and_classic() {
    let mut app = new_app();
    typed(&mut app, "prod");
    keys(&mut app, &[Key::Enter, Key::Enter, Key::Enter]);
    insta::assert_snapshot!("prerequisites", render(&app));
    keys(&mut app, &[Key::Enter, Key::Tab]);
    assert_eq!(app.ui, Ui::Lightning);
    insta::assert_snapshot!("guide_token_lightning", render(&app));
    keys(&mut app, &[Key::Char('c')]);
    insta::assert_snapshot!("guide_token_classic", render(&app));
    // The guide is longer than 24 lines: scrolling shows its end.
    keys(
        &mut app,
        &[
            Key::Down,
            Key::Down,
            Key::Down,
            Key::Down,
            Key::Down,
            Key::Down,
        ],
    );
    let end = render(&app);
    assert!(end.contains("unattended integration"), "{end}");
    insta::assert_snapshot!("guide_token_classic_scrolled", end);
}

#[test]
fn credentials_testing_save_and_help() {
    let mut app = new_app();
    typed(&mut app, "prod");
    keys(
        &mut app,
        &[Key::Enter, Key::Enter, Key::Enter, Key::Enter, Key::Enter],
    );
    typed(&mut app, "integration@acme.example");
    keys(&mut app, &[Key::Tab]);
    typed(&mut app, "secret-password");
    keys(&mut app, &[Key::Tab]);
    typed(&mut app, "SHORT");
    let screen = render(&app);
    assert!(!screen.contains("secret-password"), "secrets are masked");
    insta::assert_snapshot!("credentials", screen);
    keys(&mut app, &[Key::Enter]);
    let request = app.request;
    for result in [
        CheckResult::new("reach", Status::Pass, "login.salesforce.com answers", ""),
        CheckResult::new(
            "login",
            Status::Fail,
            "Invalid username, password or security token, or the user is locked out",
            "reset the security token and use the new one from the email",
        ),
    ] {
        update(
            &mut app,
            Msg::CheckProgressed {
                request,
                event: CheckEvent::Finished(result),
            },
        );
    }
    update(&mut app, Msg::CheckFinished { request, ok: false });
    insta::assert_snapshot!("testing_failed", render(&app));
    keys(&mut app, &[Key::Char('?')]);
    insta::assert_snapshot!("help", render(&app));
    keys(&mut app, &[Key::Esc]);
    app.passed = Some(true);
    keys(&mut app, &[Key::Enter]);
    insta::assert_snapshot!("save", render(&app));
}

#[test]
fn reauthentication_overview() {
    use secrecy::SecretString;
    use sfconnect::profile::{Draft, Flow, SecretBundle, key};
    use sfconnect::salesforce::LoginUrl;
    use sfconnect::wizard::Loaded;
    let row = ConnectionRow {
        name: "prod".into(),
        health: Status::Fail,
        summary: "Call the API: The password has expired".into(),
        sandbox: false,
        store: StoreKind::File,
    };
    let mut app = App::new(vec![row], StoreKind::Keyring, None);
    let loaded = Loaded {
        name: "prod".into(),
        draft: Draft {
            flow: Flow::Soap,
            login_url: LoginUrl::parse("https://acme.my.salesforce.com").unwrap(),
            sandbox: false,
            username: Some("integration@acme.example".into()),
            client_id: None,
            key_file: None,
            ui: Ui::Lightning,
            secrets: SecretBundle::default().with(key::PASSWORD, Some(SecretString::from("old"))),
        },
        store: StoreKind::File,
        problem: "Call the API: The password has expired".into(),
        password_age_days: Some(91),
    };
    update(&mut app, Msg::ConnectionLoaded(Ok(Box::new(loaded))));
    let screen = render(&app);
    assert!(!screen.contains("old"), "no secret on screen");
    insta::assert_snapshot!("reauth", screen);
}

#[test]
fn home_keeps_the_selected_connection_in_view() {
    let rows: Vec<ConnectionRow> = (0..20)
        .map(|i| ConnectionRow {
            name: format!("conn{i:02}"),
            health: Status::Pass,
            summary: "tested today".into(),
            sandbox: false,
            store: StoreKind::File,
        })
        .collect();
    let mut app = App::new(rows, StoreKind::File, None);
    assert!(render(&app).contains("conn00"));
    for _ in 0..19 {
        keys(&mut app, &[Key::Down]);
    }
    let screen = render(&app);
    assert!(screen.contains("▶ ✓ conn19"), "{screen}");
    assert!(!screen.contains("conn00"));
}

#[test]
fn consumer_details_guide_in_both_interfaces_and_remove_confirmation() {
    let mut app = new_app();
    typed(&mut app, "prod");
    // Password with a connected app: its third guide is the consumer details.
    keys(
        &mut app,
        &[
            Key::Enter,
            Key::Enter,
            Key::Down,
            Key::Enter,
            Key::Enter,
            Key::Tab,
            Key::Tab,
        ],
    );
    insta::assert_snapshot!("guide_consumer_details_lightning", render(&app));
    keys(&mut app, &[Key::Char('c')]);
    let classic = render(&app);
    assert!(
        classic.contains("Setup > Build > Create > Apps"),
        "{classic}"
    );
    insta::assert_snapshot!("guide_consumer_details_classic", classic);

    let row = ConnectionRow {
        name: "prod".into(),
        health: Status::Pass,
        summary: "tested today".into(),
        sandbox: false,
        store: StoreKind::File,
    };
    let mut home = App::new(vec![row], StoreKind::File, None);
    keys(&mut home, &[Key::Char('x')]);
    insta::assert_snapshot!("confirm_remove", render(&home));
    update(&mut home, Msg::Saved(Ok("Saved connection 'prod'. Secrets are in: encrypted file /home/u/.config/sfconnect/secrets.age.".into())));
    insta::assert_snapshot!("done", render(&home));
}
