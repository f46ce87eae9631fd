//! The wizard for a new connection in a pseudo terminal, with its own config dir.

use std::path::Path;

use super::session::Session;

/// `sfconnect setup w [args]` (file store, `config_dir`), walked to the list of methods with
/// `org_url` as the My Domain URL.
pub fn new_connection(
    org_url: &str,
    config_dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> Session {
    let dir = config_dir.display().to_string();
    let mut all_env = vec![
        ("SFCONNECT_CONFIG_DIR", dir.as_str()),
        ("SFCONNECT_STORE", "file"),
    ];
    all_env.extend_from_slice(env);
    let mut argv = vec!["setup", "w"];
    argv.extend_from_slice(args);
    let mut s = Session::start_sized(&argv, 24, 80, &all_env);
    s.wait_for("Name this connection");
    s.send("\r");
    s.wait_for("My Domain URL");
    s.send("\x1b[B");
    s.send("\x1b[B");
    s.paste(org_url);
    s.send("\r");
    s.wait_for("Username, password and security token");
    s
}

/// From the list of methods, the first (username, password and token) up to its form.
pub fn soap_form(s: &mut Session) {
    s.send("\r");
    s.send("\r");
    s.send("\r");
    s.wait_for("Security token");
}

/// Over SSH with no session bus, a save to the keyring the user insisted on fails in words that
/// fit the screen and name the wizard's own key for the other store; nothing is lost.
#[test]
fn a_keyring_save_without_a_session_bus_says_press_f_and_the_file_store_saves() {
    use sfconnect::sim::scenario::{DEMO_PASSWORD, DEMO_TOKEN, DEMO_USERNAME};
    use sfconnect::sim::{self, Scenario, SimOptions};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime
        .block_on(sim::start(Scenario::demo(), SimOptions::default()))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut s = new_connection(
        sim.login_url(),
        dir.path(),
        &[],
        &[
            ("SFCONNECT_STORE", "keyring"),
            ("DBUS_SESSION_BUS_ADDRESS", ""),
            ("SSH_CONNECTION", "10.0.0.2 50000 10.0.0.1 22"),
        ],
    );
    soap_form(&mut s);
    s.send(DEMO_USERNAME);
    s.send("\t");
    s.paste(DEMO_PASSWORD);
    s.send("\t");
    s.paste(DEMO_TOKEN);
    s.send("\r");
    s.wait_for("All required checks passed");
    s.send("\r");
    s.wait_for("where should the secrets live");
    // Said before trying: the keyring cannot work here.
    s.wait_for("press f for the encrypted file");
    s.send("\r");
    s.wait_for("Not saved: the OS keyring is not available here");
    // The whole message is on screen, its advice last.
    s.wait_for("then Enter.");
    let screen = s.contents();
    assert!(
        screen.contains("Press f to save to the encrypted file"),
        "{screen}"
    );
    assert!(
        !screen.contains("--store"),
        "no command-line flag inside the wizard: {screen}"
    );
    assert!(
        !dir.path().join("connections.toml").exists(),
        "nothing saved"
    );
    s.send("f");
    s.send("\r");
    s.wait_for("Saved connection 'w'");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
    assert!(dir.path().join("secrets.age").exists());
}
