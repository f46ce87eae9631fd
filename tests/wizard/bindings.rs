//! One list of key bindings per screen: on every screen (in each of its states), every key the
//! footer or the help names does something, and every key the screen acts on is named there.
//! "Does something" is what a user can see or what the runtime is asked to do: the screen as
//! drawn changes, or an effect comes out.

use sfconnect::check::{CheckEvent, CheckResult, Status};
use sfconnect::profile::{Flow, StoreKind};
use sfconnect::wizard::keys::{Binding, Keys};
use sfconnect::wizard::{
    App, ConnectionRow, Effect, GeneratedKey, Key, Msg, Problem, Prompt, Purpose, Retry, update,
};

use super::screens::{keys, method_form, new_app, reauth_of, render_sized, typed};

/// Every key the wizard knows but Ctrl-C (which quits from anywhere, and is named everywhere).
fn every_key() -> Vec<Key> {
    let mut all: Vec<Key> = "abcdefghijklmnopqrstuvwxyzA1?/ "
        .chars()
        .map(Key::Char)
        .collect();
    all.extend([
        Key::Enter,
        Key::Esc,
        Key::Tab,
        Key::BackTab,
        Key::Up,
        Key::Down,
        Key::Backspace,
        Key::Delete,
        Key::Left,
        Key::Right,
        Key::Home,
        Key::End,
        Key::Ctrl('a'),
        Key::Ctrl('e'),
        Key::Ctrl('u'),
        Key::Ctrl('k'),
        Key::Ctrl('w'),
        Key::Ctrl('b'),
        Key::Help,
        Key::Reveal,
        Key::Assist,
        Key::Certificate,
        Key::Copy,
        Key::ShowAlone,
    ]);
    all
}

/// Draw the screen at the smallest size, where text scrolls soonest: whether Up and Down have
/// anything to scroll.
fn scrolls(app: &App) -> bool {
    render_sized(app, 50, 14);
    app.scroll_max.get() > 0
}

/// Whether Down scrolls the screen's text at the smallest size.
fn down_scrolls(make: &dyn Fn() -> App) -> bool {
    let mut app = make();
    app.message = None;
    let before = render_sized(&app, 50, 14);
    update(&mut app, Msg::KeyPressed(Key::Down));
    render_sized(&app, 50, 14) != before
}

/// What pressing `key` visibly did: effects, or a different screen (drawn large, so that
/// nothing changes out of sight).
fn does_something(make: &dyn Fn() -> App, key: Key) -> bool {
    let mut app = make();
    app.message = None;
    let before = render_sized(&app, 120, 60);
    let effects = update(&mut app, Msg::KeyPressed(key));
    !effects.is_empty() || render_sized(&app, 120, 60) != before
}

fn named(bindings: &[Binding], key: Key) -> bool {
    bindings
        .iter()
        .any(|b| b.names(key) || b.keys == Keys::Others)
}

fn saved_row(flow: Flow) -> ConnectionRow {
    ConnectionRow {
        name: "prod".into(),
        health: Status::Fail,
        summary: "Log in: the password expired".into(),
        sandbox: false,
        store: StoreKind::File,
        flow,
        username: Some("integration@acme.com".into()),
    }
}

fn home() -> App {
    App::new(
        vec![saved_row(Flow::Soap), saved_row(Flow::Jwt)],
        StoreKind::Keyring,
        None,
    )
}

fn demo() -> App {
    App::new(
        Vec::new(),
        StoreKind::File,
        Some("http://127.0.0.1:4000".into()),
    )
}

/// The form of the method at `index` with the cursor on its second field.
fn form(index: usize) -> App {
    let mut app = method_form(index);
    keys(&mut app, &[Key::Tab]);
    app
}

fn failed_check() -> CheckResult {
    CheckResult::from_error(
        "login",
        Status::Fail,
        &sfconnect::salesforce::SfError::new(sfconnect::salesforce::Cause::InvalidLogin),
    )
}

/// A test of the form at `index` that has ended (`ok`), or is still running (`None`).
fn tested(index: usize, ok: Option<bool>) -> App {
    let mut app = method_form(index);
    typed(&mut app, "x");
    keys(&mut app, &[Key::Tab]);
    typed(&mut app, "secret");
    for _ in 0..3 {
        keys(&mut app, &[Key::Tab]);
        typed(&mut app, "x");
    }
    keys(&mut app, &[Key::Enter]);
    let request = app.request;
    let Some(ok) = ok else { return app };
    if !ok {
        let event = CheckEvent::Finished(failed_check());
        update(&mut app, Msg::CheckProgressed { request, event });
    }
    update(
        &mut app,
        Msg::CheckFinished {
            request,
            ok,
            verified: None,
        },
    );
    app
}

/// The test under way ends with a failed login.
fn fail_the_run(app: &mut App) {
    let request = app.request;
    let event = CheckEvent::Finished(failed_check());
    update(app, Msg::CheckProgressed { request, event });
    update(
        app,
        Msg::CheckFinished {
            request,
            ok: false,
            verified: None,
        },
    );
}

/// A saved connection tested from the connections, ended with a failure.
fn saved_test() -> App {
    let mut app = home();
    keys(&mut app, &[Key::Char('t')]);
    fail_the_run(&mut app);
    app
}

fn saving() -> App {
    let mut app = tested(0, Some(true));
    keys(&mut app, &[Key::Enter]);
    app
}

fn done(previous_token: bool) -> App {
    let mut app = home();
    let request = app.request;
    let report = sfconnect::connect::save::SaveReport {
        name: "prod".into(),
        instance_url: "https://acme.my.salesforce.com".into(),
        store: sfconnect::profile::StorePlace::File {
            path: "/tmp/secrets.age".into(),
            key_file: Some("/tmp/secrets.key".into()),
        },
        replaced: true,
        previous: None,
    };
    update(
        &mut app,
        Msg::Saved {
            request,
            report,
            previous_token,
            settled: Default::default(),
            same_user: Vec::new(),
        },
    );
    app
}

/// The demo's form of the method at `index`, on the demo org, its consumer key typed.
fn demo_form(index: usize) -> App {
    let mut app = demo();
    keys(&mut app, &[Key::Enter, Key::Enter]);
    for _ in 0..index {
        keys(&mut app, &[Key::Down]);
    }
    keys(&mut app, &[Key::Enter, Key::Enter, Key::Enter]);
    typed(&mut app, "3MVG9demo");
    app
}

fn authorizing(index: usize, with_demo: bool, prompt: Option<Prompt>, failed: bool) -> App {
    let mut app = if with_demo {
        demo_form(index)
    } else {
        method_form(index)
    };
    keys(&mut app, &[Key::Enter, Key::Enter]);
    let request = app.request;
    if let Some(prompt) = prompt {
        update(&mut app, Msg::AuthorizeStarted { request, prompt });
    }
    if failed {
        update(
            &mut app,
            Msg::Authorized {
                request,
                result: Err(failed_check()),
            },
        );
    }
    app
}

fn browser() -> Prompt {
    Prompt::Browser {
        url: "https://login.salesforce.com/services/oauth2/authorize?client_id=3MVG9".into(),
        redirect: "http://localhost:1717/OauthRedirect".into(),
        listening: true,
        taken: None,
        ssh_line: None,
        opened: false,
        advice: "",
    }
}

fn device() -> Prompt {
    Prompt::Device {
        user_code: "QX7R2M4K".into(),
        verification_uri: "https://acme.my.salesforce.com/setup/connect".into(),
        complete: "https://acme.my.salesforce.com/setup/connect?user_code=QX7R2M4K".into(),
        interval_secs: 5,
    }
}

fn certificate(with_demo: bool) -> App {
    let mut app = if with_demo {
        demo_form(4)
    } else {
        method_form(4)
    };
    keys(&mut app, &[Key::Enter]);
    let request = app.request;
    update(
        &mut app,
        Msg::KeyGenerated {
            request,
            key: GeneratedKey {
                key_file: "/tmp/prod.key".into(),
                certificate_file: "/tmp/prod.crt".into(),
                certificate_pem: "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n"
                    .into(),
                valid: None,
                reused: false,
                uses: Default::default(),
                confirm_new: false,
                readable_by_others: false,
            },
        },
    );
    app
}

fn passphrase(typed_one: bool) -> App {
    let mut app = home();
    keys(&mut app, &[Key::Char('r')]);
    let request = app.request;
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
    if typed_one {
        typed(&mut app, "pass phrase");
    }
    app
}

fn handoff() -> App {
    let mut app = home();
    keys(&mut app, &[Key::Char('h')]);
    let request = app.request;
    let mut loaded = reauth_of(Flow::Password, None)
        .reauth
        .expect("a connection loaded");
    loaded.draft.secrets.set(
        sfconnect::profile::key::PASSWORD,
        secrecy::SecretString::from("pw-value"),
    );
    update(
        &mut app,
        Msg::ConnectionLoaded {
            request,
            loaded: Box::new(loaded),
            purpose: Purpose::HandOff,
        },
    );
    app
}

/// An audit that has read its history: a retiring group that is the saved connection `prod`,
/// and one that is not; `saved_first` chooses which comes first.
fn audited(saved_first: bool) -> App {
    use sfconnect::connect::audit::{Audit, Group, Method};
    let mut app = home();
    keys(&mut app, &[Key::Char('a')]);
    let request = app.request;
    let group = |username: &str, method: Method, saved: &[&str]| Group {
        user_id: "005000000000001AAA".into(),
        username: Some(username.into()),
        active: Some(true),
        method: Some(method),
        successes: 3,
        last_seen: "2026-12-01T00:00:00.000+0000".into(),
        saved_as: saved.iter().map(|s| s.to_string()).collect(),
        ..Group::default()
    };
    let mut groups = vec![
        group("legacy@acme.example", Method::Soap, &[]),
        group("integration@acme.example", Method::Password, &["prod"]),
        group("integration@acme.example", Method::Jwt, &[]),
    ];
    if saved_first {
        groups.swap(0, 1);
    }
    let audit = Audit {
        since: std::time::UNIX_EPOCH,
        rows_read: 9,
        groups,
        partial: false,
    };
    update(
        &mut app,
        Msg::Audited {
            request,
            result: Ok(("00D000000000001AAA".into(), audit)),
        },
    );
    app
}

/// A way to reach one state of a screen, afresh for each key pressed there.
type Make = Box<dyn Fn() -> App>;

/// Every screen, in the states that change its keys.
fn states() -> Vec<(&'static str, Make)> {
    let with = |keys_first: &'static [Key], make: fn() -> App| -> Make {
        Box::new(move || {
            let mut app = make();
            keys(&mut app, keys_first);
            app
        })
    };
    vec![
        ("home", Box::new(home)),
        (
            "home, nothing saved",
            Box::new(|| {
                let mut app = new_app();
                keys(&mut app, &[Key::Esc]);
                app
            }),
        ),
        ("name", Box::new(demo)),
        ("environment", with(&[Key::Enter], demo)),
        (
            "environment, My Domain",
            Box::new(|| {
                let mut app = new_app();
                typed(&mut app, "prod");
                keys(&mut app, &[Key::Enter, Key::Up]);
                typed(&mut app, "https://acme.my.salesforce.com");
                app
            }),
        ),
        ("method", with(&[Key::Enter, Key::Enter], demo)),
        (
            "method, moving",
            Box::new(|| {
                let mut app = reauth_of(Flow::Password, None);
                keys(&mut app, &[Key::Char('m')]);
                app
            }),
        ),
        (
            "prerequisites",
            with(&[Key::Enter, Key::Enter, Key::Enter], demo),
        ),
        (
            "guide",
            with(
                &[Key::Enter, Key::Enter, Key::Down, Key::Enter, Key::Enter],
                demo,
            ),
        ),
        (
            "guide, re-authentication",
            with(&[Key::Enter], || reauth_of(Flow::Soap, None)),
        ),
        ("credentials, SOAP", Box::new(|| form(0))),
        (
            "credentials, on a secret",
            Box::new(|| {
                let mut app = form(0);
                typed(&mut app, "secret");
                app
            }),
        ),
        ("credentials, JWT", Box::new(|| form(4))),
        ("credentials, demo refresh token", Box::new(|| demo_form(6))),
        ("testing, running", Box::new(|| tested(1, None))),
        ("testing, failed", Box::new(|| tested(1, Some(false)))),
        ("testing, passed", Box::new(|| tested(1, Some(true)))),
        (
            "testing, JWT failed",
            Box::new(|| {
                let mut app = method_form(4);
                typed(&mut app, "x");
                keys(&mut app, &[Key::Tab]);
                typed(&mut app, "/tmp/none.key");
                keys(&mut app, &[Key::Enter]);
                fail_the_run(&mut app);
                app
            }),
        ),
        ("testing a saved connection, failed", Box::new(saved_test)),
        ("save", Box::new(saving)),
        (
            "save, saving",
            Box::new(|| {
                let mut app = saving();
                keys(&mut app, &[Key::Enter]);
                app
            }),
        ),
        ("saved", Box::new(|| done(false))),
        ("saved, a token replaced", Box::new(|| done(true))),
        (
            "browser, starting",
            Box::new(|| authorizing(2, false, None, false)),
        ),
        (
            "browser, waiting",
            Box::new(|| authorizing(2, false, Some(browser()), false)),
        ),
        (
            "browser, pasted",
            Box::new(|| {
                let mut app = authorizing(2, false, Some(browser()), false);
                update(
                    &mut app,
                    Msg::Pasted("http://localhost:1717/OauthRedirect?code=aPrx".into()),
                );
                app
            }),
        ),
        (
            "browser, failed",
            Box::new(|| authorizing(2, false, Some(browser()), true)),
        ),
        (
            "browser, demo",
            Box::new(|| authorizing(2, true, Some(browser()), false)),
        ),
        (
            "device, waiting",
            Box::new(|| authorizing(3, false, Some(device()), false)),
        ),
        (
            "device, demo",
            Box::new(|| authorizing(3, true, Some(device()), false)),
        ),
        (
            "device, failed",
            Box::new(|| authorizing(3, false, Some(device()), true)),
        ),
        ("certificate", Box::new(|| certificate(false))),
        ("certificate, demo", Box::new(|| certificate(true))),
        (
            "re-authentication",
            Box::new(|| reauth_of(Flow::Soap, Some("the password expired"))),
        ),
        ("remove", with(&[Key::Char('x')], home)),
        ("passphrase", Box::new(|| passphrase(false))),
        ("passphrase, typed", Box::new(|| passphrase(true))),
        ("hand-off", Box::new(handoff)),
        ("audit, reading", with(&[Key::Char('a')], home)),
        ("audit, read", Box::new(|| audited(false))),
        (
            "audit, a saved connection chosen",
            Box::new(|| audited(true)),
        ),
    ]
}

#[test]
fn every_key_a_screen_acts_on_is_named_and_every_named_key_acts() {
    let mut problems = Vec::new();
    for (state, make) in states() {
        let app = make();
        let scrolls = scrolls(&app);
        let bindings = app.bindings();
        for key in every_key() {
            if !named(&bindings, key) && does_something(&*make, key) {
                problems.push(format!(
                    "{state}: {key:?} acts but the help does not name it"
                ));
            }
        }
        for b in &bindings {
            let tried: Vec<Key> = match b.keys {
                Keys::These(keys) => keys.to_vec(),
                Keys::Scroll if scrolls => {
                    if !down_scrolls(&*make) {
                        problems.push(format!("{state}: '↑↓' ({}) does not scroll", b.does));
                    }
                    continue;
                }
                Keys::Typing => vec![Key::Char('z')],
                Keys::Others => vec![Key::Char('z'), Key::Enter],
                Keys::Scroll | Keys::Paste => continue,
            };
            if !tried.iter().any(|k| does_something(&*make, *k)) {
                problems.push(format!("{state}: '{}' ({}) does nothing", b.key, b.does));
            }
        }
        // The footer names only what the help does, in a word or two.
        let footer: Vec<&Binding> = bindings.iter().filter(|b| b.footer.is_some()).collect();
        if footer.is_empty() {
            problems.push(format!("{state}: no key in the footer"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The test above can fail: a key handled but left out of the help is found.
#[test]
fn a_key_missing_from_the_help_is_found() {
    let make = || home();
    let app = make();
    let without_t: Vec<Binding> = app
        .bindings()
        .into_iter()
        .filter(|b| b.key != "t")
        .collect();
    assert!(!named(&without_t, Key::Char('t')));
    assert!(does_something(&make, Key::Char('t')));
    assert!(
        matches!(
            update(&mut make(), Msg::KeyPressed(Key::Char('t'))).as_slice(),
            [Effect::TestSaved { .. }]
        ),
        "t tests the chosen connection"
    );
}
