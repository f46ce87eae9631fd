//! The real binary in a real terminal emulator (tmux): what a pseudo terminal alone cannot show.

use super::tmux::{Tmux, available, eventually};
use sfconnect::sim::scenario::{DEMO_PASSWORD, DEMO_TOKEN, DEMO_USERNAME};

/// The scratch dirs the demo made under `tmp`.
fn scratch_dirs(tmp: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(tmp)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("sfconnect-demo-"))
        .collect()
}

/// Walk the demo to a saved username + password + token connection.
pub fn save_demo_connection(t: &Tmux) {
    t.wait_for("Name this connection");
    for shows in [
        "Demo org (simulated",
        "Username, password and security token",
        "needs:",
        "Give the integration user API access",
    ] {
        t.keys(&["Enter"]);
        t.wait_for(shows);
    }
    t.keys(&["Enter"]);
    t.wait_for("Demo org credentials");
    for value in [DEMO_USERNAME, DEMO_PASSWORD] {
        t.type_text(value);
        t.keys(&["Tab"]);
    }
    t.type_text(DEMO_TOKEN);
    t.keys(&["Enter"]);
    t.wait_for("All required checks passed");
    t.keys(&["Enter"]);
    t.wait_for("where should the secrets live");
    t.keys(&["Enter"]);
    t.wait_for("Saved connection 'demo'");
}

#[test]
fn closing_the_demos_window_removes_its_scratch_dir() {
    if !available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let tmpdir = tmp.path().to_str().unwrap();
    let t = Tmux::start(&["demo"], 100, 30, &[("TMPDIR", tmpdir)]);
    save_demo_connection(&t);
    let dirs = scratch_dirs(tmp.path());
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    assert!(dirs[0].join("secrets.age").exists() && dirs[0].join("secrets.key").exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&dirs[0]).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700, "the scratch dir is private");
    }
    t.close_window();
    assert!(
        eventually(|| scratch_dirs(tmp.path()).is_empty()),
        "the scratch dir outlived the demo's window: {:?}",
        scratch_dirs(tmp.path())
    );
}

#[test]
fn y_copies_the_certificate_to_tmuxs_clipboard_through_osc_52() {
    use sfconnect::sim::scenario::DEMO_CONSUMER_KEY;
    if !available() {
        return;
    }
    let t = Tmux::start_with(&["demo"], 100, 30, &[], &[("set-clipboard", "on")]);
    t.wait_for("Name this connection");
    t.keys(&["Enter"]);
    t.wait_for("Demo org (simulated");
    t.keys(&["Enter"]);
    t.wait_for("I already have a refresh token");
    for _ in 0..4 {
        t.keys(&["Down"]);
    }
    for shows in [
        "needs:",
        "Create an External Client App",
        "Private key file",
    ] {
        t.keys(&["Enter"]);
        t.wait_for(shows);
    }
    t.type_text(DEMO_CONSUMER_KEY);
    t.keys(&["Tab"]);
    t.type_text(DEMO_USERNAME);
    t.keys(&["Enter"]);
    t.wait_for("Made a private key");
    assert_eq!(t.buffer(), None, "nothing copied before the key");
    t.keys(&["y"]);
    t.wait_for("Sent the certificate to the clipboard");
    assert!(
        eventually(|| t.buffer().is_some()),
        "no OSC 52 copy arrived"
    );
    let copied = t.buffer().unwrap();
    assert!(
        copied.starts_with("-----BEGIN CERTIFICATE-----\n"),
        "{copied}"
    );
    assert!(
        copied.trim_end().ends_with("-----END CERTIFICATE-----"),
        "{copied}"
    );
    // It is the certificate on disk, whole.
    let screen = t.screen().replace('\n', " ");
    let crt = screen
        .split_whitespace()
        .find(|w| w.ends_with("demo.crt."))
        .map(|w| w.trim_end_matches('.').to_string())
        .unwrap_or_else(|| panic!("no certificate path on screen:\n{}", t.screen()));
    assert_eq!(copied, std::fs::read_to_string(&crt).unwrap());
}

#[test]
fn a_window_grown_from_60x20_leaves_a_clean_shell_screen_on_quit() {
    if !available() {
        return;
    }
    // The pane stays after the program ends, showing the shell's screen as it was left.
    let t = Tmux::start_with(&["demo"], 60, 20, &[], &[("remain-on-exit", "on")]);
    t.wait_for("Name this connection");
    t.keys(&["Enter"]);
    t.wait_for("Demo org (simulated");
    t.resize(100, 30);
    t.wait_for("Production (login.salesforce.com)");
    assert!(eventually(|| t.screen().lines().count() >= 30));
    t.keys(&["C-c"]);
    assert!(eventually(|| t.ended()), "still running:\n{}", t.screen());
    let left = t.screen();
    for glyph in ['│', '┌', '└', '─', '┐'] {
        assert!(!left.contains(glyph), "box lines left behind:\n{left}");
    }
}

#[test]
fn keys_pressed_while_the_window_is_too_small_do_nothing_unseen() {
    if !available() {
        return;
    }
    let t = Tmux::start(&["demo"], 30, 8, &[]);
    t.wait_for("terminal too small");
    t.keys(&["Enter"]);
    t.keys(&["Enter"]);
    t.keys(&["x"]);
    // Events are read in order: once a resize sent after the keys has been drawn (still too
    // small), the keys were taken while the window was too small.
    t.resize(31, 8);
    t.wait_for("this one is 31×8");
    t.resize(100, 30);
    t.wait_for("Name this connection");
    let screen = t.screen();
    assert!(
        screen.contains("> demo▏"),
        "nothing was typed or chosen unseen:\n{screen}"
    );
}

#[test]
fn copy_puts_exactly_the_value_on_tmuxs_clipboard_and_nowhere_else() {
    if !available() {
        return;
    }
    let org = super::saved::SavedOrg::soap("prod");
    let (dir, logs) = (&org.dir, org.logs());
    let dir_text = dir.path().display().to_string();
    let logs_text = logs.display().to_string();
    for (field, value) in [("password", DEMO_PASSWORD), ("security-token", DEMO_TOKEN)] {
        let t = Tmux::start_with(
            &["copy", "prod", field],
            100,
            30,
            &[
                ("SFCONNECT_CONFIG_DIR", &dir_text),
                ("SFCONNECT_STORE", "file"),
                ("SFCONNECT_LOG_DIR", &logs_text),
            ],
            &[("set-clipboard", "on"), ("remain-on-exit", "on")],
        );
        t.wait_for("integration's form");
        assert!(
            eventually(|| t.buffer().is_some()),
            "no OSC 52 copy arrived"
        );
        assert_eq!(t.buffer().unwrap(), value, "{field}");
        assert!(!t.screen().contains(value), "{field} shown: {}", t.screen());
    }
    for log in std::fs::read_dir(&logs).unwrap().flatten() {
        let text = std::fs::read_to_string(log.path()).unwrap();
        assert!(
            !text.contains(DEMO_PASSWORD) && !text.contains(DEMO_TOKEN),
            "{text}"
        );
    }
}

/// `copy` clears what it copied: inside tmux, which ignores an empty OSC 52, the paste buffer
/// holding the value is deleted once the time is up (1 second here), and nothing else is.
#[test]
fn copy_clears_its_copy_from_tmuxs_buffers_when_the_time_is_up() {
    if !available() {
        return;
    }
    let org = super::saved::SavedOrg::soap("prod");
    let dir_text = org.dir.path().display().to_string();
    let t = Tmux::start_with(
        &["copy", "prod", "password"],
        100,
        30,
        &[
            ("SFCONNECT_CONFIG_DIR", &dir_text),
            ("SFCONNECT_STORE", "file"),
            ("SFCONNECT_CLIPBOARD_CLEAR_SECS", "1"),
        ],
        &[("set-clipboard", "on"), ("remain-on-exit", "on")],
    );
    t.wait_for("It is cleared in 1 seconds");
    assert!(
        eventually(|| t.buffer().as_deref() == Some(DEMO_PASSWORD)),
        "no OSC 52 copy arrived"
    );
    assert!(
        eventually(|| t.buffer().is_none()),
        "the copy was not deleted from tmux's buffers: {:?}",
        t.buffer()
    );
}

#[test]
fn the_hand_off_copies_each_saved_value_masked_and_only_that_value() {
    if !available() {
        return;
    }
    let org = super::saved::SavedOrg::soap("prod");
    let dir = &org.dir;
    let dir_text = dir.path().display().to_string();
    let t = Tmux::start_with(
        &[],
        100,
        30,
        &[
            ("SFCONNECT_CONFIG_DIR", &dir_text),
            ("SFCONNECT_STORE", "file"),
        ],
        &[("set-clipboard", "on")],
    );
    t.wait_for("prod");
    t.keys(&["h"]);
    t.wait_for("Security token:");
    let screen = t.screen();
    assert!(
        screen.contains(&format!("Username: {DEMO_USERNAME}")),
        "{screen}"
    );
    assert!(
        !screen.contains(DEMO_PASSWORD) && !screen.contains(DEMO_TOKEN),
        "masked: {screen}"
    );
    // The password, second in the list: copied exactly, still masked on screen.
    t.keys(&["Down", "Enter"]);
    t.wait_for("Copied the password");
    assert!(
        eventually(|| t.buffer().is_some()),
        "no OSC 52 copy arrived"
    );
    assert_eq!(t.buffer().unwrap(), DEMO_PASSWORD);
    assert!(!t.screen().contains(DEMO_PASSWORD), "{}", t.screen());
    // F2 shows the chosen value; Esc leaves and forgets them.
    t.keys(&["Down", "F2"]);
    t.wait_for(DEMO_TOKEN);
    t.keys(&["Escape"]);
    t.wait_for("Saved connections");
    t.keys(&["q"]);
}
