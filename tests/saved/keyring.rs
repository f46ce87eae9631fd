//! The keyring store against a real Secret Service (gnome-keyring in a private D-Bus session),
//! and against a bus that never answers. Where the tools are missing these report themselves
//! skipped, by name; under CI=true a missing tool is a failure.

use std::io::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use secrecy::ExposeSecret;
use sfconnect::profile::{ProfileError, Profiles, StoreError, StoreKind, key};

use super::support::*;

const INNER: &str = "SFCONNECT_KEYRING_INNER";

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Skip (visibly, bypassing output capture) or, in CI, fail.
fn skip_or_fail(test: &str, why: &str) {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{test}: {why}; CI must run this test (.ci/run installs dbus and gnome-keyring)");
    }
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {why}");
}

/// Re-run one test of this binary with `INNER` set, inside `wrapper` (a shell snippet ending in
/// `exec "$@"`), with a throwaway HOME.
fn rerun(test: &str, home: &Path, wrapper: &str, envs: &[(&str, &str)]) -> std::process::Output {
    let exe = std::env::current_exe().unwrap();
    let mut cmd = Command::new("sh");
    cmd.args(["-c", wrapper, "sh"])
        .arg(exe)
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(INNER, "1")
        .env("HOME", home)
        .env("XDG_RUNTIME_DIR", home)
        .env("XDG_DATA_HOME", home.join("data"));
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn inner() -> bool {
    std::env::var_os(INNER).is_some()
}

const UNLOCKED_SESSION: &str = "exec dbus-run-session -- sh -c 'printf test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec \"$@\"' sh \"$@\"";
const LOCKED_SESSION: &str = "exec dbus-run-session -- sh -c 'exec \"$@\"' sh \"$@\"";

#[test]
fn keyring_store_against_a_real_secret_service() {
    const NAME: &str = "keyring::keyring_store_against_a_real_secret_service";
    if inner() {
        let tmp = tempfile::tempdir().unwrap();
        let profiles = Profiles::new(tmp.path().to_path_buf());
        let store = profiles.open_store(StoreKind::Keyring).unwrap();
        assert_eq!(
            store.place(),
            sfconnect::profile::StorePlace::Keyring {
                backend: "Secret Service"
            }
        );
        profiles
            .commit(
                "prod",
                profile(StoreKind::Keyring),
                &bundle(r#"p&<>"'%+ /\{}[]é"#),
                store.as_ref(),
            )
            .unwrap();
        let saved = profiles.get("prod").unwrap();
        let secrets = profiles.secrets("prod", &saved, store.as_ref()).unwrap();
        assert_eq!(
            secrets.get(key::PASSWORD).unwrap().expose_secret(),
            r#"p&<>"'%+ /\{}[]é"#
        );
        // An independent Secret Service client sees the item where we said it is.
        if have("secret-tool") {
            let out = Command::new("secret-tool")
                .args(["lookup", "service", "sfconnect", "username", &saved.secrets])
                .output()
                .unwrap();
            assert!(
                String::from_utf8_lossy(&out.stdout).contains("security_token"),
                "secret-tool sees the item"
            );
        }
        profiles
            .update_secret(
                "prod",
                key::REFRESH_TOKEN,
                secret("5Aep861rotated"),
                store.as_ref(),
            )
            .unwrap();
        let rotated = profiles.secrets("prod", &saved, store.as_ref()).unwrap();
        assert_eq!(
            rotated.get(key::REFRESH_TOKEN).unwrap().expose_secret(),
            "5Aep861rotated"
        );
        profiles
            .commit(
                "prod",
                profile(StoreKind::Keyring),
                &bundle("second"),
                store.as_ref(),
            )
            .unwrap();
        assert!(
            store.load(&saved.secrets).unwrap().is_none(),
            "the replaced item is deleted"
        );
        // Moving the connection to the file store deletes its item from the keyring too.
        let in_keyring = profiles.get("prod").unwrap().secrets;
        let file = profiles.open_store(StoreKind::File).unwrap();
        profiles
            .commit(
                "prod",
                profile(StoreKind::File),
                &bundle("moved"),
                file.as_ref(),
            )
            .unwrap();
        assert!(
            store.load(&in_keyring).unwrap().is_none(),
            "the keyring item of a connection moved to the file store is deleted"
        );
        assert!(profiles.config().unwrap().unreferenced.is_empty());
        let store = file;
        profiles.remove("prod", store.as_ref()).unwrap();
        assert!(profiles.config().unwrap().connections.is_empty());
        println!("inner keyring checks passed");
        return;
    }
    if !have("dbus-run-session") || !have("gnome-keyring-daemon") {
        return skip_or_fail(
            NAME,
            "dbus-run-session or gnome-keyring-daemon is not installed",
        );
    }
    let home = tempfile::tempdir().unwrap();
    let out = rerun(NAME, home.path(), UNLOCKED_SESSION, &[]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("inner keyring checks passed"),
        "{}",
        text(&out)
    );
}

/// The process that owns the Secret Service name on this session bus.
fn secret_service_pid() -> String {
    let out = Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.GetConnectionUnixProcessID",
            "string:org.freedesktop.secrets",
        ])
        .output()
        .unwrap();
    let reply = String::from_utf8_lossy(&out.stdout);
    reply
        .split_whitespace()
        .last()
        .filter(|pid| pid.chars().all(|c| c.is_ascii_digit()))
        .unwrap_or_else(|| panic!("no Secret Service pid in {reply}"))
        .to_string()
}

fn signal(pid: &str, which: &str) {
    let status = Command::new("kill").args([which, pid]).status().unwrap();
    assert!(status.success(), "kill {which} {pid}");
}

#[test]
fn a_keyring_write_that_timed_out_is_journalled_and_cleaned_up_later() {
    const NAME: &str = "keyring::a_keyring_write_that_timed_out_is_journalled_and_cleaned_up_later";
    if inner() {
        let tmp = tempfile::tempdir().unwrap();
        let profiles =
            Profiles::new(tmp.path().to_path_buf()).with_keyring_timeout(Duration::from_secs(2));
        let store = profiles.open_store(StoreKind::Keyring).unwrap();
        // The keyring stops answering in the middle of a save: the write may still land later.
        let daemon = secret_service_pid();
        signal(&daemon, "-STOP");
        let err = profiles
            .commit(
                "prod",
                profile(StoreKind::Keyring),
                &bundle("pw"),
                store.as_ref(),
            )
            .unwrap_err();
        signal(&daemon, "-CONT");
        assert!(
            matches!(err, ProfileError::Store(StoreError::KeyringTimeout(_))),
            "{err}"
        );
        let config = profiles.config().unwrap();
        assert!(config.connections.is_empty(), "nothing saved");
        assert_eq!(
            config.unreferenced.len(),
            1,
            "the unsure write is journalled"
        );
        let pending = config.unreferenced[0].entry.clone();
        // The next save deletes whatever that write left.
        profiles
            .commit(
                "prod",
                profile(StoreKind::Keyring),
                &bundle("pw2"),
                store.as_ref(),
            )
            .unwrap();
        assert!(profiles.config().unwrap().unreferenced.is_empty());
        assert!(store.load(&pending).unwrap().is_none(), "cleaned up");
        let saved = profiles.get("prod").unwrap();
        assert!(store.load(&saved.secrets).unwrap().is_some());
        println!("inner timed-out write checks passed");
        return;
    }
    if !have("dbus-run-session") || !have("gnome-keyring-daemon") || !have("dbus-send") {
        return skip_or_fail(
            NAME,
            "dbus-run-session, dbus-send or gnome-keyring-daemon is not installed",
        );
    }
    let home = tempfile::tempdir().unwrap();
    let out = rerun(NAME, home.path(), UNLOCKED_SESSION, &[]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("inner timed-out write checks passed"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_locked_keyring_fails_clearly_and_saves_nothing() {
    const NAME: &str = "keyring::a_locked_keyring_fails_clearly_and_saves_nothing";
    if inner() {
        let tmp = tempfile::tempdir().unwrap();
        let profiles =
            Profiles::new(tmp.path().to_path_buf()).with_keyring_timeout(Duration::from_secs(5));
        let result = profiles
            .open_store(StoreKind::Keyring)
            .map_err(ProfileError::from)
            .and_then(|store| {
                profiles.commit(
                    "prod",
                    profile(StoreKind::Keyring),
                    &bundle("pw"),
                    store.as_ref(),
                )
            });
        let err = result.unwrap_err();
        let text = err.to_string();
        assert!(text.contains("--store file"), "{text}");
        assert!(profiles.config().unwrap().connections.is_empty());
        println!("inner locked checks passed");
        return;
    }
    if !have("dbus-run-session") || !have("gnome-keyring-daemon") {
        return skip_or_fail(
            NAME,
            "dbus-run-session or gnome-keyring-daemon is not installed",
        );
    }
    let home = tempfile::tempdir().unwrap();
    let out = rerun(NAME, home.path(), LOCKED_SESSION, &[]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("inner locked checks passed"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_bus_that_never_answers_is_reported_not_waited_on() {
    const NAME: &str = "keyring::a_bus_that_never_answers_is_reported_not_waited_on";
    if inner() {
        let tmp = tempfile::tempdir().unwrap();
        let profiles = Profiles::new(tmp.path().to_path_buf())
            .with_keyring_timeout(Duration::from_millis(800));
        let started = Instant::now();
        let err = profiles.open_store(StoreKind::Keyring).err().unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        assert!(matches!(err, StoreError::KeyringTimeout(_)), "{err}");
        assert!(err.to_string().contains("--store file"));
        println!("inner silent-bus checks passed");
        return;
    }
    // A socket that accepts connections and never says a word.
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("bus");
    let listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let address = format!("unix:path={}", socket.display());
    let out = rerun(
        NAME,
        dir.path(),
        "exec \"$@\"",
        &[("DBUS_SESSION_BUS_ADDRESS", &address)],
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("inner silent-bus checks passed"),
        "{}",
        text(&out)
    );
}

/// `login NAME --store X` for a connection kept in the other store reads its saved secrets
/// from where they are (Enter-to-keep keeps them), saves them in X and deletes them there.
#[test]
fn login_with_the_other_store_moves_the_saved_secrets_there() {
    const NAME: &str = "keyring::login_with_the_other_store_moves_the_saved_secrets_there";
    if inner() {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let sim = runtime.block_on(sim());
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        let out = run(demo_login(d, sim.login_url(), "prod"));
        assert!(out.status.success(), "{}", text(&out));
        let in_file = sfconnect::profile::Config::load(d).unwrap().connections["prod"].clone();
        assert_eq!(in_file.store, StoreKind::File);
        // No secret is given: the saved ones are kept, from the file store.
        let mut to_keyring = sfconnect(d);
        to_keyring.args(["login", "prod", "--store", "keyring"]);
        let out = run(to_keyring);
        assert!(out.status.success(), "{}", text(&out));
        let moved = sfconnect::profile::Config::load(d).unwrap().connections["prod"].clone();
        assert_eq!(moved.store, StoreKind::Keyring);
        let profiles = Profiles::new(d.to_path_buf());
        let file = profiles.open_store(StoreKind::File).unwrap();
        assert!(
            file.load(&in_file.secrets).unwrap().is_none(),
            "gone from the file store"
        );
        let keyring = profiles.open_store(StoreKind::Keyring).unwrap();
        let held = keyring.load(&moved.secrets).unwrap().unwrap();
        assert_eq!(
            held.get(key::PASSWORD).unwrap().expose_secret(),
            sfconnect::sim::scenario::DEMO_PASSWORD
        );
        // And back.
        let mut to_file = sfconnect(d);
        to_file.args(["login", "prod", "--store", "file"]);
        let out = run(to_file);
        assert!(out.status.success(), "{}", text(&out));
        assert!(
            keyring.load(&moved.secrets).unwrap().is_none(),
            "gone from the keyring"
        );
        let out = run({
            let mut c = sfconnect(d);
            c.args(["test", "prod"]);
            c
        });
        assert!(out.status.success(), "{}", text(&out));
        println!("inner store move checks passed");
        return;
    }
    if !have("dbus-run-session") || !have("gnome-keyring-daemon") {
        return skip_or_fail(
            NAME,
            "dbus-run-session or gnome-keyring-daemon is not installed",
        );
    }
    let home = tempfile::tempdir().unwrap();
    let out = rerun(NAME, home.path(), UNLOCKED_SESSION, &[]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("inner store move checks passed"),
        "{}",
        text(&out)
    );
}
