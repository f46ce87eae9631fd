//! The real binary in a tmux window: for what only a real terminal emulator shows — its window
//! closing under the program, and OSC 52 copies landing in its clipboard. Each session has its
//! own tmux server (a private socket), killed when the session is dropped.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    dead_code,
    reason = "shared by several test crates, each using part of it; a test stops at the first failure"
)]

use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const PATIENCE: Duration = Duration::from_secs(90);
static SESSIONS: AtomicUsize = AtomicUsize::new(0);

pub struct Tmux {
    socket: String,
}

/// Whether tmux can be used. Without it the test is skipped with a message, except in CI
/// (`CI=true`), where .ci/run installs tmux and the test must really run.
pub fn available() -> bool {
    let found = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("CI").ok().as_deref() != Some("true"),
            "tmux is missing in CI; .ci/run installs it"
        );
        eprintln!("SKIPPED: tmux is not installed");
    }
    found
}

impl Tmux {
    /// Start `sfconnect ARGS` in a detached window of `cols` × `rows`, with extra environment
    /// variables and tmux options (`set-option -g NAME VALUE`) set before it starts.
    pub fn start(args: &[&str], cols: u16, rows: u16, env: &[(&str, &str)]) -> Self {
        Self::start_with(args, cols, rows, env, &[])
    }

    pub fn start_with(
        args: &[&str],
        cols: u16,
        rows: u16,
        env: &[(&str, &str)],
        options: &[(&str, &str)],
    ) -> Self {
        let socket = format!(
            "sfconnect-test-{}-{}",
            std::process::id(),
            SESSIONS.fetch_add(1, Ordering::SeqCst)
        );
        let t = Self { socket };
        // A server first, so options are in place before the program draws.
        t.tmux(&[
            "-f",
            "/dev/null",
            "start-server",
            ";",
            "new-session",
            "-d",
            "-s",
            "keep",
        ]);
        for (name, value) in options {
            t.tmux(&["set-option", "-g", name, value]);
        }
        let mut command = vec![
            "env".to_string(),
            "-u".into(),
            "DISPLAY".into(),
            "-u".into(),
            "WAYLAND_DISPLAY".into(),
            "-u".into(),
            "BROWSER".into(),
            "TERM=xterm-256color".into(),
            "NO_COLOR=1".into(),
        ];
        command.extend(env.iter().map(|(k, v)| format!("{k}={v}")));
        command.push(env!("CARGO_BIN_EXE_sfconnect").into());
        command.extend(args.iter().map(|a| a.to_string()));
        let (cols, rows) = (cols.to_string(), rows.to_string());
        let mut new = vec!["new-session", "-d", "-s", "app", "-x", &cols, "-y", &rows];
        new.extend(command.iter().map(String::as_str));
        t.tmux(&new);
        t
    }

    fn tmux(&self, args: &[&str]) -> Output {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// The window's text as the terminal shows it.
    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p", "-t", "app"]).stdout).into()
    }

    /// Wait until the window shows `text` (read each time the screen is asked for).
    pub fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + PATIENCE;
        while !self.screen().contains(text) {
            assert!(
                Instant::now() < deadline,
                "'{text}' never appeared:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Press keys as tmux names them (`Enter`, `Escape`, `F2`) or type text (`-l`).
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "app"];
        args.extend(keys);
        self.tmux(&args);
    }

    pub fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "app", "-l", text]);
    }

    /// Close the window the program runs in, as closing a terminal emulator does: the
    /// program gets SIGHUP and its terminal is gone.
    pub fn close_window(&self) {
        self.tmux(&["kill-session", "-t", "app"]);
    }

    /// Resize the window, as dragging a terminal emulator's corner does.
    pub fn resize(&self, cols: u16, rows: u16) {
        let (cols, rows) = (cols.to_string(), rows.to_string());
        self.tmux(&["resize-window", "-t", "app", "-x", &cols, "-y", &rows]);
    }

    /// Whether the program in the window has ended (its pane kept by `remain-on-exit`).
    pub fn ended(&self) -> bool {
        let out = self.tmux(&["display-message", "-p", "-t", "app", "#{pane_dead}"]);
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }

    /// What tmux's clipboard holds (an OSC 52 copy lands here with `set-clipboard on`).
    pub fn buffer(&self) -> Option<String> {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "show-buffer"])
            .output()
            .unwrap();
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into())
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

/// Wait until `done` holds, checking as often as a person would notice; false after PATIENCE.
pub fn eventually(mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + PATIENCE;
    while !done() {
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    true
}
