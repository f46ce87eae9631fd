//! Snapshots of each screen at 80x24, drawn from states reached through `update`.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sfconnect::check::{CheckEvent, CheckResult, Status};
use sfconnect::profile::{StoreKind, Ui};
use sfconnect::tui::view::{Look, draw};
use sfconnect::wizard::{App, ConnectionRow, Key, Msg, update};

fn render(app: &App) -> String {
    render_sized(app, 80, 24)
}

pub(crate) fn render_sized(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|f| {
            draw(
                app,
                f,
                Look {
                    now: drawn_at(),
                    colour: false,
                    tick: 0,
                    ascii: false,
                },
            )
        })
        .unwrap();
    format!("{}", terminal.backend())
}

/// The time every screen here is drawn at (5 December 2026, 00:00 UTC): days left and
/// deadlines are counted from it, so snapshots do not change with the calendar.
fn drawn_at() -> std::time::SystemTime {
    std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_796_428_800)
}

/// Snapshot a screen as it looks with Lightning and with Classic Setup paths.
fn snap_both(app: &mut App, name: &str) -> String {
    let original = app.ui;
    let mut last = String::new();
    for (ui, variant) in [(Ui::Lightning, "lightning"), (Ui::Classic, "classic")] {
        app.ui = ui;
        last = render(app);
        insta::assert_snapshot!(format!("{name}_{variant}"), last);
    }
    app.ui = original;
    last
}

pub(crate) fn keys(app: &mut App, keys: &[Key]) {
    for k in keys {
        update(app, Msg::KeyPressed(*k));
    }
}

/// What one key asks the runtime to do.
fn effects_of(app: &mut App, key: Key) -> Vec<sfconnect::wizard::Effect> {
    update(app, Msg::KeyPressed(key))
}

/// A rendered screen as one line of words: borders, quotes and wrapping gone.
fn flat(screen: &str) -> String {
    let text = screen.replace(['│', '\n', '"'], " ");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub(crate) fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        update(app, Msg::KeyPressed(Key::Char(c)));
    }
}

/// What the save of a new connection `name` into the encrypted file at `store` reports.
fn report(name: &str, store: &str) -> sfconnect::connect::save::SaveReport {
    let path = std::path::PathBuf::from(store);
    sfconnect::connect::save::SaveReport {
        name: name.into(),
        instance_url: "https://acme.my.salesforce.com".into(),
        store: sfconnect::profile::StorePlace::File {
            key_file: Some(path.with_file_name("secrets.key")),
            path,
        },
        replaced: false,
        previous: None,
    }
}

pub(crate) fn new_app() -> App {
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
            flow: sfconnect::profile::Flow::Soap,
            username: Some("integration@acme.com".into()),
        },
        ConnectionRow {
            name: "uat".into(),
            health: Status::Warn,
            summary: "password expires in 9 days".into(),
            sandbox: true,
            store: StoreKind::File,
            flow: sfconnect::profile::Flow::Web,
            username: Some("integration@acme.com.uat".into()),
        },
        ConnectionRow {
            name: "old".into(),
            health: Status::Fail,
            summary: "Log in: Invalid username, password, security token; or user locked out"
                .into(),
            sandbox: false,
            store: StoreKind::File,
            flow: sfconnect::profile::Flow::Soap,
            username: None,
        },
    ];
    let mut app = App::new(rows, StoreKind::Keyring, None);
    let wide = snap_both(&mut app, "home_with_connections");
    // Who and how are on each row.
    assert!(
        wide.contains("prod · SOAP login · integration@acme.com"),
        "{wide}"
    );
    assert!(wide.contains("uat · browser login"), "{wide}");
    // At 60 columns the header keeps the Setup paths choice, and each row stays one line.
    let narrow = render_sized(&app, 60, 20);
    assert!(narrow.contains("Setup paths: Lightning"), "{narrow}");
    assert!(narrow.contains("prod · SOAP login"), "{narrow}");
}

#[test]
fn name_environment_and_method() {
    let mut app = new_app();
    typed(&mut app, "prod");
    snap_both(&mut app, "name");
    keys(&mut app, &[Key::Enter, Key::Down, Key::Down]);
    typed(&mut app, "acme.my.salesforce.com");
    snap_both(&mut app, "environment_my_domain");
    keys(&mut app, &[Key::Enter, Key::Down]);
    snap_both(&mut app, "method_password");
    let ssh = sfconnect::connect::place::Place::detect(
        |n| (n == "SSH_CONNECTION").then(|| "10.0.0.2 50000 10.0.0.1 22".to_string()),
        |_| false,
    );
    app.place_advice = Some(ssh.advice());
    let screen = snap_both(&mut app, "method_over_ssh");
    assert!(screen.contains("This is an SSH session"), "{screen}");
}

#[test]
fn guides_in_lightning_and_classic() {
    let mut app = new_app();
    typed(&mut app, "prod");
    keys(&mut app, &[Key::Enter, Key::Enter, Key::Enter]);
    snap_both(&mut app, "prerequisites");
    keys(&mut app, &[Key::Enter, Key::Tab]);
    assert_eq!(app.ui, Ui::Lightning);
    let lightning = render(&app);
    snap_both(&mut app, "guide_token");
    keys(&mut app, &[Key::Char('c')]);
    assert_eq!(app.ui, Ui::Classic);
    assert_ne!(render(&app), lightning, "the toggle changes the steps");
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
    insta::assert_snapshot!("guide_token_classic_scrolled", end.clone());
    // Scrolling on past the end keeps the last line at the bottom: never an empty box,
    // and one Up moves at once.
    keys(&mut app, &[Key::Down; 40]);
    assert_eq!(render(&app), end);
    keys(&mut app, &[Key::Up]);
    assert_ne!(render(&app), end);
    // A footer longer than the window wraps onto a second line: its last keys stay.
    let narrow = render_sized(&app, 60, 20);
    assert!(narrow.contains("Esc back"), "{narrow}");
}

/// The body rows of a rendered screen, without the frame.
fn rows(screen: &str) -> Vec<String> {
    screen
        .lines()
        .map(|l| l.trim_matches('"').to_string())
        .collect()
}

#[test]
fn a_small_window_scrolls_the_results_and_keeps_the_keys_in_view() {
    let mut app = new_app();
    typed(&mut app, "prod");
    keys(
        &mut app,
        &[Key::Enter, Key::Enter, Key::Enter, Key::Enter, Key::Enter],
    );
    typed(&mut app, "integration@acme.example");
    keys(&mut app, &[Key::Tab]);
    typed(&mut app, "pw");
    keys(&mut app, &[Key::Enter]);
    let request = app.request;
    let fix = "log in to Salesforce in a browser with the same username and password, then reset the security token and type the new one";
    for (id, status) in [
        ("reach", Status::Pass),
        ("login", Status::Pass),
        ("identity", Status::Pass),
        ("api_enabled", Status::Warn),
        ("objects", Status::Fail),
        ("limits", Status::Warn),
        ("password_expiry", Status::Warn),
        ("token", Status::Skip),
    ] {
        let result = CheckResult::new(
            id,
            status,
            format!("{id} found something worth a long line of text"),
            fix,
        );
        update(
            &mut app,
            Msg::CheckProgressed {
                request,
                event: CheckEvent::Finished(result),
            },
        );
    }
    update(
        &mut app,
        Msg::CheckFinished {
            request,
            ok: false,
            verified: None,
        },
    );
    let first = render_sized(&app, 60, 20);
    assert!(first.contains("↓ more below"), "{first}");
    assert!(
        !first.contains("Refresh token:"),
        "the last check is below: {first}"
    );
    // The footer wraps rather than losing its last keys.
    assert!(first.contains("Esc fix a field"), "{first}");
    // Down until the end: the last check shows, and "more above" says what is hidden.
    for _ in 0..30 {
        keys(&mut app, &[Key::Down]);
        render_sized(&app, 60, 20);
    }
    let end = render_sized(&app, 60, 20);
    assert!(end.contains("Refresh token:"), "{end}");
    assert!(end.contains("↑ more above"), "{end}");
    assert!(!end.contains("↓ more below"), "{end}");
    // The verdict keeps its line at the bottom.
    assert!(end.contains("A check failed"), "{end}");
    // At 100x30 all of it fits: no marks.
    let wide = render_sized(&app, 100, 30);
    assert!(
        !wide.contains("more below") && !wide.contains("more above"),
        "{wide}"
    );
    assert_eq!(rows(&wide).len(), 30);
}

#[test]
fn a_window_below_the_smallest_size_says_so() {
    let mut app = new_app();
    typed(&mut app, "prod");
    let tiny = render_sized(&app, 40, 12);
    let flat = rows(&tiny).join(" ");
    let flat = flat.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("terminal too small: needs 50×14"), "{tiny}");
    assert!(flat.contains("this one is 40×12"), "{tiny}");
    assert!(
        !tiny.contains("Name this connection"),
        "no half-drawn screen: {tiny}"
    );
    // At the smallest size the screen itself is drawn.
    let smallest = render_sized(&app, 50, 14);
    assert!(smallest.contains("Name this connection"), "{smallest}");
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
    let screen = snap_both(&mut app, "credentials");
    assert!(!screen.contains("secret-password"), "secrets are masked");
    keys(&mut app, &[Key::Enter]);
    let request = app.request;
    for result in [
        CheckResult::new("reach", Status::Pass, "login.salesforce.com answers", ""),
        CheckResult::from_error(
            "login",
            Status::Fail,
            &sfconnect::salesforce::SfError::new(sfconnect::salesforce::Cause::InvalidLogin),
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
    update(
        &mut app,
        Msg::CheckFinished {
            request,
            ok: false,
            verified: None,
        },
    );
    snap_both(&mut app, "testing_failed");
    keys(&mut app, &[Key::Char('?')]);
    snap_both(&mut app, "help");
    keys(&mut app, &[Key::Esc]);
    // The same results, as if they had passed: the Save screen follows.
    if let sfconnect::wizard::Screen::Testing(run) = &mut app.screen {
        run.passed = Some(true);
    }
    keys(&mut app, &[Key::Enter]);
    snap_both(&mut app, "save");
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
        flow: sfconnect::profile::Flow::Soap,
        username: None,
    };
    let mut app = App::new(vec![row], StoreKind::Keyring, None);
    let loaded = Loaded {
        name: "prod".into(),
        entry: "prod-entry".into(),
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
        problem: Some("Call the API: The password has expired".into()),
        password_age_days: Some(91),
        secrets_problem: None,
        certificate: None,
        certificate_days_left: None,
        pending: Vec::new(),
    };
    let request = app.request;
    update(
        &mut app,
        Msg::ConnectionLoaded {
            request,
            loaded: Box::new(loaded),
            purpose: sfconnect::wizard::Purpose::Reauthenticate,
        },
    );
    let screen = snap_both(&mut app, "reauth");
    assert!(!screen.contains("old"), "no secret on screen");
}

/// Press `r` on a saved connection of `flow` and deliver it as loaded.
pub(crate) fn reauth_of(flow: sfconnect::profile::Flow, problem: Option<&str>) -> App {
    reauth_of_with(flow, problem, |_| {})
}

/// As `reauth_of`, with the loaded connection changed by `change` first.
fn reauth_of_with(
    flow: sfconnect::profile::Flow,
    problem: Option<&str>,
    change: impl FnOnce(&mut sfconnect::wizard::Loaded),
) -> App {
    use sfconnect::profile::{Draft, SecretBundle};
    use sfconnect::salesforce::LoginUrl;
    use sfconnect::wizard::Loaded;
    let row = ConnectionRow {
        name: "crm".into(),
        health: Status::Fail,
        summary: problem.unwrap_or("tested today").into(),
        sandbox: false,
        store: StoreKind::File,
        flow: sfconnect::profile::Flow::Soap,
        username: None,
    };
    let mut app = App::new(vec![row], StoreKind::Keyring, None);
    keys(&mut app, &[Key::Char('r')]);
    let loaded = Loaded {
        name: "crm".into(),
        entry: "crm-entry".into(),
        draft: Draft {
            flow,
            login_url: LoginUrl::parse("https://acme.my.salesforce.com").unwrap(),
            sandbox: false,
            username: Some("integration@acme.example".into()),
            client_id: Some("3MVGkey".into()),
            key_file: None,
            ui: Ui::Lightning,
            secrets: SecretBundle::default(),
        },
        store: StoreKind::File,
        problem: problem.map(Into::into),
        password_age_days: None,
        secrets_problem: None,
        certificate: None,
        certificate_days_left: None,
        pending: Vec::new(),
    };
    let mut loaded = loaded;
    change(&mut loaded);
    let request = app.request;
    update(
        &mut app,
        Msg::ConnectionLoaded {
            request,
            loaded: Box::new(loaded),
            purpose: sfconnect::wizard::Purpose::Reauthenticate,
        },
    );
    app
}

#[test]
fn each_method_reauthenticates_with_its_own_plan() {
    use sfconnect::profile::Flow;
    let cases = [
        (Flow::Web, "revoked", "Find out why the saved login stopped"),
        (
            Flow::Device,
            "new code",
            "Find out why the saved login stopped",
        ),
        // Enter keeps the key in use: nothing to upload, so the app's policies come first.
        (
            Flow::Jwt,
            "certificate",
            "Pre-authorize the integration user",
        ),
        (
            Flow::ClientCredentials,
            "Generate, then Apply",
            "Rotate the app's consumer secret",
        ),
        (
            Flow::RefreshToken,
            "new refresh token",
            "Get a refresh token",
        ),
        (
            Flow::Soap,
            "security token",
            "Give the integration user a new password",
        ),
    ];
    for (flow, says, first_guide) in cases {
        let mut app = reauth_of(flow, None);
        let screen = render_sized(&app, 100, 30);
        assert!(
            screen.contains("Re-authenticate 'crm': what happened"),
            "{screen}"
        );
        assert!(screen.contains(says), "{flow:?}: {screen}");
        assert!(
            !screen.contains("What is known to be wrong"),
            "{flow:?}: nothing is known to be wrong: {screen}"
        );
        if flow != Flow::Soap {
            assert!(
                !screen.to_lowercase().contains("password"),
                "{flow:?}: {screen}"
            );
        }
        keys(&mut app, &[Key::Enter]);
        let guide = render_sized(&app, 100, 30);
        assert!(guide.contains(first_guide), "{flow:?}: {guide}");
        assert!(
            guide.contains("Re-authenticate 'crm': prepare Salesforce"),
            "{guide}"
        );
        for other in 0..3 {
            let shown = render_sized(&app, 100, 30);
            assert!(
                !shown.contains("Create an External Client App")
                    && !shown.contains("Create a connected app"),
                "{flow:?}: no app-creation page when re-authenticating (page {other}): {shown}"
            );
            keys(&mut app, &[Key::Tab]);
        }
    }
    let app = reauth_of(Flow::Web, Some("Log in: the refresh token was revoked"));
    let screen = render_sized(&app, 100, 30);
    assert!(
        screen.contains("What is known to be wrong: Log in: the refresh token was revoked"),
        "{screen}"
    );
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
            flow: sfconnect::profile::Flow::Soap,
            username: None,
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
    // Password with a connected app: its third guide allows the flow (a Lightning-only
    // page), its fourth is the consumer details.
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
    let classic = snap_both(&mut app, "guide_allow_password_flow");
    let once = flat(&classic);
    assert!(
        once.contains("This task exists only in Lightning Experience"),
        "{classic}"
    );
    assert_eq!(
        once.matches("only in Lightning").count(),
        1,
        "said once: {classic}"
    );
    assert!(
        once.contains("1. Setup > Identity > OAuth and OpenID Connect Settings"),
        "{classic}"
    );
    keys(&mut app, &[Key::Tab]);
    let classic = snap_both(&mut app, "guide_consumer_details");
    assert!(
        flat(&classic).contains(
            "This method needs the consumer key and the consumer secret of the connected app"
        ),
        "{classic}"
    );
    keys(&mut app, &[Key::Char('c')]);
    let classic = render(&app);
    assert!(
        classic.contains("Setup > Build > Create > Apps"),
        "{classic}"
    );

    let row = ConnectionRow {
        name: "prod".into(),
        health: Status::Pass,
        summary: "tested today".into(),
        sandbox: false,
        store: StoreKind::File,
        flow: sfconnect::profile::Flow::Web,
        username: None,
    };
    let mut home = App::new(vec![row], StoreKind::File, None);
    keys(&mut home, &[Key::Char('x')]);
    // Said before it is done: what revoking ends, and how to keep the token.
    let asked = flat(&snap_both(&mut home, "confirm_remove"));
    assert!(
        asked.contains("any integration given that token"),
        "{asked}"
    );
    assert!(
        asked.contains("k to remove but keep the token valid"),
        "{asked}"
    );
    let request = home.request;
    home.name = sfconnect::wizard::field::Field::new("Connection name").with_value("prod");
    update(
        &mut home,
        Msg::Saved {
            request,
            report: report("prod", "/home/u/.config/sfconnect/secrets.age"),
            previous_token: false,
            settled: Default::default(),
            same_user: Vec::new(),
        },
    );
    let done = snap_both(&mut home, "done");
    assert!(done.contains("`sfconnect token prod`"), "{done}");
    assert!(
        done.contains("`sfconnect reauth prod` when the password"),
        "{done}"
    );
    assert!(!done.contains("NAME"), "{done}");
}

#[test]
fn the_saved_screen_gives_this_connections_commands() {
    // The demo's connections live in its scratch dir: the commands say so.
    let mut app = App::new(
        Vec::new(),
        StoreKind::File,
        Some("http://127.0.0.1:4000".into()),
    );
    app.command = "sfconnect --config-dir /tmp/sfconnect-demo-x1".into();
    typed(&mut app, "-jwt");
    // The JWT method: no password advice.
    keys(&mut app, &[Key::Enter, Key::Enter]);
    let jwt = sfconnect::wizard::methods::METHODS
        .iter()
        .position(|m| m.flow == sfconnect::profile::Flow::Jwt)
        .unwrap();
    for _ in 0..jwt {
        keys(&mut app, &[Key::Down]);
    }
    let request = app.request;
    update(
        &mut app,
        Msg::Saved {
            request,
            report: report("demo-jwt", "/tmp/sfconnect-demo-x1/secrets.age"),
            previous_token: false,
            settled: Default::default(),
            same_user: Vec::new(),
        },
    );
    let done = render_sized(&app, 100, 30);
    let flat = done.replace(['│', '\n', '"'], " ");
    let flat = flat.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("`sfconnect --config-dir /tmp/sfconnect-demo-x1 test demo-jwt`"),
        "{done}"
    );
    assert!(
        flat.contains("`sfconnect --config-dir /tmp/sfconnect-demo-x1 reauth demo-jwt` before the certificate expires"),
        "{done}"
    );
    assert!(!flat.contains("password"), "{done}");
    assert!(flat.contains("while the demo runs"), "{done}");
}

#[test]
fn help_lists_the_keys_of_its_screen() {
    let rows = vec![ConnectionRow {
        name: "prod".into(),
        health: Status::Pass,
        summary: "tested today".into(),
        sandbox: false,
        store: StoreKind::File,
        flow: sfconnect::profile::Flow::Soap,
        username: None,
    }];
    let mut home = App::new(rows, StoreKind::File, None);
    keys(&mut home, &[Key::Char('?')]);
    let help = render_sized(&home, 100, 30);
    for (key, what) in [
        ("t ", "test the chosen connection"),
        ("r ", "re-authenticate"),
        ("x ", "remove the chosen connection"),
        ("n ", "add a new connection"),
        ("Enter", "re-authenticate"),
    ] {
        let line = help
            .lines()
            .find(|l| l.contains(what) && l.contains(key))
            .unwrap_or_else(|| panic!("no help line for {key}: {help}"));
        assert!(line.contains(key), "{line}");
    }
    assert!(
        !help.contains("Ctrl-U"),
        "no text field on the home screen: {help}"
    );
    // Inside a text field `?` is typed; F1 opens the field's help, editing keys included.
    let mut app = new_app();
    keys(&mut app, &[Key::Char('?')]);
    assert_eq!(app.name.text(), "?");
    keys(&mut app, &[Key::Help]);
    let help = render_sized(&app, 100, 30);
    assert!(help.contains("Ctrl-U Ctrl-K"), "{help}");
    assert!(help.contains("Keys: New connection: name"), "{help}");
    // At 60x20 the whole help still fits.
    let small = render_sized(&app, 60, 20);
    assert!(small.contains("any other key closes it"), "{small}");
    assert!(!small.contains("more below"), "{small}");
    // At the smallest size it scrolls, says so, and stops at its last line.
    let tiny = render_sized(&app, 50, 14);
    assert!(tiny.contains("more below"), "{tiny}");
    assert!(!tiny.contains("any other key closes it"), "{tiny}");
    for _ in 0..40 {
        keys(&mut app, &[Key::Down]);
        render_sized(&app, 50, 14);
    }
    assert!(app.help, "Down scrolls, it does not close the help");
    let end = render_sized(&app, 50, 14);
    assert!(end.contains("any other key closes it"), "{end}");
    assert!(
        end.contains("more above") && !end.contains("more below"),
        "{end}"
    );
    keys(&mut app, &[Key::Char('x')]);
    assert!(!app.help);
    assert_eq!(app.name.text(), "?", "the closing key is not typed");
}

/// The form of the method at `index`, for a new connection named prod.
pub(crate) fn method_form(index: usize) -> App {
    let mut app = new_app();
    typed(&mut app, "prod");
    keys(&mut app, &[Key::Enter, Key::Enter]);
    for _ in 0..index {
        keys(&mut app, &[Key::Down]);
    }
    keys(&mut app, &[Key::Enter, Key::Enter, Key::Enter]);
    typed(&mut app, "3MVG9exampleConsumerKey");
    app
}

/// Enter on a browser or device form without a consumer secret: first the warning that the
/// app needs it by default, then (Enter again) the login starts without it.
fn start_without_secret(app: &mut App) -> u64 {
    let effects = update(app, Msg::KeyPressed(Key::Enter));
    assert!(effects.is_empty(), "{effects:?}");
    let said = app.message.clone().unwrap_or_default();
    assert!(said.contains("The consumer secret is empty"), "{said}");
    started(&update(app, Msg::KeyPressed(Key::Enter)))
}

fn started(effects: &[sfconnect::wizard::Effect]) -> u64 {
    match effects {
        [sfconnect::wizard::Effect::StartAuthorize { request, .. }] => *request,
        other => panic!("expected StartAuthorize, got {other:?}"),
    }
}

#[test]
fn browser_login_over_ssh_and_its_failure() {
    use sfconnect::wizard::Prompt;
    let mut app = method_form(2);
    snap_both(&mut app, "credentials_browser");
    let request = start_without_secret(&mut app);
    snap_both(&mut app, "browser_starting");
    let prompt = Prompt::Browser {
        url: "https://login.salesforce.com/services/oauth2/authorize?response_type=code&client_id=3MVG9exampleConsumerKey&redirect_uri=http%3A%2F%2Flocalhost%3A1717%2FOauthRedirect&scope=api+refresh_token+offline_access&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&state=af0ifjsldkj&prompt=login".into(),
        redirect: "http://localhost:1717/OauthRedirect".into(),
        listening: true,
        taken: None,
        ssh_line: Some("ssh -L 1717:127.0.0.1:1717 admin@10.0.0.2".into()),
        opened: false,
        advice: "This is an SSH session: browser login works by pasting the address back (or through an ssh -L port forward).",
    };
    update(&mut app, Msg::AuthorizeStarted { request, prompt });
    update(
        &mut app,
        Msg::Pasted("http://localhost:1717/OauthRedirect?code=aPrx".into()),
    );
    let screen = snap_both(&mut app, "browser_waiting");
    assert!(screen.contains("ssh -L 1717:127.0.0.1:1717"), "{screen}");
    assert!(!screen.contains("taken"), "{screen}");
    assert!(!screen.contains("aPrx"), "the pasted address is masked");
    let failure = CheckResult::from_error(
        "login",
        Status::Fail,
        &sfconnect::salesforce::SfError::new(sfconnect::salesforce::Cause::AccessDenied),
    );
    update(
        &mut app,
        Msg::Authorized {
            request,
            result: Err(failure),
        },
    );
    snap_both(&mut app, "browser_denied");
}

#[test]
fn device_code_as_text_at_80x24_and_with_a_qr_code_when_larger() {
    use sfconnect::wizard::Prompt;
    let mut app = method_form(3);
    let request = start_without_secret(&mut app);
    let prompt = Prompt::Device {
        user_code: "QX7R2M4K".into(),
        verification_uri: "https://acme.my.salesforce.com/setup/connect".into(),
        complete: "https://acme.my.salesforce.com/setup/connect?user_code=QX7R2M4K".into(),
        interval_secs: 5,
    };
    update(&mut app, Msg::AuthorizeStarted { request, prompt });
    update(
        &mut app,
        Msg::AuthorizeCountdown {
            request,
            left_secs: 542,
        },
    );
    let small = snap_both(&mut app, "device_waiting");
    assert!(small.contains("9:02 left"), "{small}");
    assert!(small.contains("Direct link:"), "{small}");
    let large = render_sized(&app, 100, 44);
    assert!(large.contains("Or scan this"), "{large}");
    insta::assert_snapshot!("device_waiting_with_qr", large);
}

#[test]
fn jwt_certificate_made_in_the_wizard() {
    use sfconnect::wizard::GeneratedKey;
    let mut app = method_form(4);
    keys(&mut app, &[Key::Tab]);
    typed(&mut app, "integration@acme.example");
    snap_both(&mut app, "credentials_jwt");
    let request = app.request;
    update(
        &mut app,
        Msg::KeyGenerated { request, key: GeneratedKey {
            key_file: "/home/admin/.config/sfconnect/keys/prod.key".into(),
            certificate_file: "/home/admin/.config/sfconnect/keys/prod.crt".into(),
            certificate_pem: "-----BEGIN CERTIFICATE-----\nMIIC+zCCAeOgAwIBAgIUJ0sfconnectExampleCertificateBody0123456789\n-----END CERTIFICATE-----\n".into(),
            // The days left change daily: the dates are checked below, not in the snapshot.
            valid: None,
            reused: false,
            uses: Default::default(),
            confirm_new: false,
            readable_by_others: false,
        }},
    );
    let screen = snap_both(&mut app, "certificate");
    assert!(screen.contains("BEGIN CERTIFICATE"), "{screen}");
    // The PEM is drawn without side borders, so a mouse selection copies it clean.
    let pem_line = screen
        .lines()
        .find(|l| l.contains("BEGIN CERTIFICATE"))
        .unwrap();
    assert!(!pem_line.contains('│'), "{pem_line}");
    assert!(flat(&screen).contains("(only you can read it)"), "{screen}");
    // A key file others can read is never called private: it is said, with the fix.
    if let Some(g) = &mut app.generated {
        g.readable_by_others = true;
    }
    let screen = flat(&render_sized(&app, 100, 30));
    assert!(!screen.contains("only you can read it"), "{screen}");
    assert!(
        screen.contains("Other users of this machine can read this private key")
            && screen.contains("chmod 600 /home/admin/.config/sfconnect/keys/prod.key"),
        "{screen}"
    );
}

#[test]
fn a_real_certificate_shows_its_dates_and_a_reused_pair_offers_a_new_one() {
    use sfconnect::wizard::GeneratedKey;
    let dir = tempfile::tempdir().unwrap();
    let made = sfconnect::profile::jwt_key::generate_new(dir.path(), "prod").unwrap();
    let mut app = method_form(4);
    keys(&mut app, &[Key::Tab]);
    typed(&mut app, "integration@acme.example");
    let request = app.request;
    update(
        &mut app,
        Msg::KeyGenerated {
            request,
            key: GeneratedKey {
                key_file: made.key_file.clone(),
                certificate_file: made.certificate_file.clone(),
                certificate_pem: made.certificate_pem.clone(),
                valid: made.valid,
                reused: true,
                uses: Default::default(),
                confirm_new: false,
                readable_by_others: false,
            },
        },
    );
    let flat = flat(&render_sized(&app, 100, 30));
    assert!(flat.contains("The key pair for 'prod'"), "{flat}");
    assert!(flat.contains(" days left)"), "{flat}");
    assert!(flat.contains("n makes a new pair instead"), "{flat}");
    assert!(
        flat.contains(&format!(
            "Upload {} to the app",
            made.certificate_file.display()
        )),
        "{flat}"
    );
    use sfconnect::wizard::Effect;
    let effects = effects_of(&mut app, Key::Char('n'));
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::GenerateKey { fresh: true, .. }]
        ),
        "{effects:?}"
    );
    let request = app.request;
    update(
        &mut app,
        Msg::KeyGenerated {
            request,
            key: GeneratedKey {
                key_file: made.key_file.clone(),
                certificate_file: made.certificate_file.clone(),
                certificate_pem: made.certificate_pem.clone(),
                valid: made.valid,
                reused: false,
                uses: Default::default(),
                confirm_new: false,
                readable_by_others: false,
            },
        },
    );
    let effects = effects_of(&mut app, Key::Char('y'));
    assert!(
        matches!(effects.as_slice(), [Effect::Copy { value }] if value == &made.certificate_pem),
        "{effects:?}"
    );
}

#[test]
fn a_callback_address_another_program_holds_is_named_on_the_browser_screen() {
    use sfconnect::connect::web_login::taken_warning;
    use sfconnect::wizard::Prompt;
    for (listening, taken, said) in [
        (
            true,
            vec!["[::1]:1717".to_string()],
            "[::1]:1717 is taken by another program",
        ),
        (
            false,
            vec!["127.0.0.1:1717".to_string(), "[::1]:1717".to_string()],
            "port 1717 is taken by another program (127.0.0.1:1717 and [::1]:1717)",
        ),
    ] {
        let mut app = method_form(2);
        let request = start_without_secret(&mut app);
        let prompt = Prompt::Browser {
            url: "https://login.salesforce.com/services/oauth2/authorize?client_id=3MVG9x".into(),
            redirect: "http://localhost:1717/OauthRedirect".into(),
            listening,
            taken: taken_warning(1717, &taken, listening),
            ssh_line: None,
            opened: false,
            advice: "",
        };
        update(&mut app, Msg::AuthorizeStarted { request, prompt });
        let screen = render_sized(&app, 100, 30)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(screen.contains(said), "{screen}");
        assert_eq!(
            screen.contains("Listening for the browser's redirect"),
            listening,
            "{screen}"
        );
    }
}

/// Words that were wrong for the case: a JWT connection is not told that JWT bearer suits it;
/// the refresh-token guide points to browser login, which does the exchange; the device
/// method's guide says the app must be installed; a JWT connection's consumer-details guide
/// does not ask for a secret the form does not take.
#[test]
fn guides_and_plans_say_what_fits_the_method() {
    use sfconnect::profile::Flow;
    let jwt = flat(&render_sized(&reauth_of(Flow::Jwt, None), 100, 30));
    assert!(!jwt.contains("JWT bearer suits"), "{jwt}");
    assert!(jwt.contains("Press m to move it"), "{jwt}");
    let soap = flat(&render_sized(&reauth_of(Flow::Soap, None), 100, 30));
    assert!(soap.contains("JWT bearer suits"), "{soap}");
    let guides = sfconnect::wizard::guides::all();
    let refresh = guides
        .iter()
        .find(|g| g.id == "request-refresh-token")
        .unwrap();
    let said: String = refresh
        .steps
        .iter()
        .map(|s| s.text(Ui::Lightning).to_string())
        .collect();
    assert!(said.contains("choose Browser login"), "{said}");
    let details = guides.iter().find(|g| g.id == "consumer-details").unwrap();
    assert!(
        details
            .intro(Flow::Device)
            .contains("Connected Apps OAuth Usage")
    );
    assert!(details.intro(Flow::Jwt).contains("only the consumer key"));
    assert!(
        details
            .steps
            .iter()
            .all(|s| !s.text(Ui::Lightning).ends_with("and the Consumer Secret.")),
        "no step asks every method for the secret"
    );
}

#[test]
fn a_new_key_pair_not_yet_tested_is_said_on_every_row_of_its_app() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("j2.key");
    std::fs::write(&key, "key").unwrap();
    let connection = |name: &str| {
        format!(
            "[connections.{name}]\nflow = \"jwt\"\nlogin_url = \"https://acme.my.salesforce.com\"\nusername = \"integration@acme.com\"\nclient_id = \"3MVGapp\"\nkey_file = \"/cfg/keys/j1.key\"\nstore = \"file\"\nsecrets = \"{name}-1\"\ncreated_at = \"2026-11-01T00:00:00Z\"\n\n[connections.{name}.last_test]\nat = \"2026-12-05T08:00:00Z\"\nok = true\nsummary = \"all checks passed\"\n\n"
        )
    };
    let text = format!(
        "version = 1\n\n{}{}[[pending_certificates]]\nclient_id = \"3MVGapp\"\nlogin_url = \"https://acme.my.salesforce.com\"\nkey_file = {:?}\nmade_for = \"j2\"\nmade_at = \"2026-12-05T09:00:00Z\"\n",
        connection("j1"),
        connection("j2"),
        key.display().to_string()
    );
    let config =
        sfconnect::profile::Config::parse(&text, std::path::Path::new("connections.toml")).unwrap();
    let now = humantime::parse_rfc3339("2026-12-05T10:00:00Z").unwrap();
    let rows = sfconnect::wizard::screens::home::rows(&config, now);
    let app = App::new(rows, StoreKind::File, None);
    let wide = render_sized(&app, 100, 30);
    insta::assert_snapshot!("home_with_a_new_key_pair_not_yet_tested", wide);
    for name in ["j1", "j2"] {
        assert!(wide.contains(&format!("⚠ {name} · JWT bearer")), "{wide}");
    }
    // The whole hint fits a row at 100 columns: what happened and where to finish it.
    assert_eq!(
        wide.matches(
            "new pair for 'j2' untested (r on 'j2'): the app's certificate may have changed"
        )
        .count(),
        2,
        "{wide}"
    );
}

#[test]
fn the_saved_screen_says_which_connections_of_the_app_moved_to_the_new_key() {
    use sfconnect::connect::app_keys::{Moved, Settled};
    let mut app = App::new(Vec::new(), StoreKind::File, None);
    typed(&mut app, "j2");
    let request = app.request;
    update(
        &mut app,
        Msg::Saved {
            request,
            report: report("j2", "/home/u/.config/sfconnect/secrets.age"),
            previous_token: false,
            settled: Box::new(Settled {
                moved: vec![
                    Moved {
                        name: "j1".into(),
                        result: Ok(()),
                    },
                    Moved {
                        name: "j3".into(),
                        result: Err("Log in: user hasn't approved this consumer".into()),
                    },
                ],
                deleted: vec!["/home/u/.config/sfconnect/keys/j2-2025.key".into()],
                dropped: Vec::new(),
            }),
            same_user: Vec::new(),
        },
    );
    let wide = render_sized(&app, 100, 30);
    insta::assert_snapshot!("saved_with_the_apps_connections_moved", wide);
    let narrow = render_sized(&app, 60, 20);
    insta::assert_snapshot!("saved_with_the_apps_connections_moved_60x20", narrow);
    let flat = flat(&wide);
    assert!(flat.contains("'j1' moved to this key"), "{flat}");
    assert!(flat.contains("j3"), "{flat}");
    assert!(flat.contains("hasn't approved this consumer"), "{flat}");
}

#[test]
fn a_jwt_reauthentication_shows_the_pair_made_for_it_and_not_tested_yet() {
    use sfconnect::profile::{Flow, PendingCertificate};
    let made_at = drawn_at() - std::time::Duration::from_secs(3 * 86_400);
    let app = reauth_of_with(Flow::Jwt, None, |loaded| {
        loaded.draft.key_file = Some("/home/admin/.config/sfconnect/keys/crm.key".into());
        loaded.pending = vec![
            PendingCertificate {
                client_id: "3MVGkey".into(),
                login_url: "https://acme.my.salesforce.com".into(),
                key_file: "/home/admin/.config/sfconnect/keys/crm-2.key".into(),
                made_for: "crm".into(),
                made_at,
            },
            PendingCertificate {
                client_id: "3MVGkey".into(),
                login_url: "https://acme.my.salesforce.com".into(),
                key_file: "/home/admin/.config/sfconnect/keys/etl.key".into(),
                made_for: "etl".into(),
                made_at: made_at - std::time::Duration::from_secs(86_400),
            },
        ];
    });
    let wide = render_sized(&app, 100, 30);
    insta::assert_snapshot!("reauth_jwt_with_a_pair_not_tested_yet", wide);
    let narrow = render_sized(&app, 60, 20);
    insta::assert_snapshot!("reauth_jwt_with_a_pair_not_tested_yet_60x20", narrow);
    let flat = flat(&wide);
    assert!(flat.contains("A new key pair was made for it on"), "{flat}");
    assert!(flat.contains("Enter finishes with the new pair"), "{flat}");
    assert!(flat.contains("Another, made for 'etl'"), "{flat}");
    assert!(
        flat.contains("p finish new pair"),
        "the footer offers it: {flat}"
    );
}

#[test]
fn an_empty_key_file_field_shows_its_cursor_and_a_jwt_save_says_where_the_key_stays() {
    use sfconnect::wizard::{SaveStep, Screen, TestRun};
    let mut app = method_form(4);
    keys(&mut app, &[Key::Tab]);
    typed(&mut app, "integration@acme.example");
    keys(&mut app, &[Key::Tab]);
    let form = flat(&render_sized(&app, 100, 30));
    assert!(
        form.contains("▶ Private key file (optional): ▏ (empty: the key pair"),
        "{form}"
    );
    typed(&mut app, "/srv/keys/prod.key");
    app.screen = Screen::Save(SaveStep {
        run: TestRun::default(),
        saving: false,
    });
    let save = flat(&render_sized(&app, 100, 30));
    assert!(
        save.contains("JWT bearer keeps no password: its secret is the private key, which stays in /srv/keys/prod.key"),
        "{save}"
    );
}
