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
