//! Interruptions: SIGINT, SIGTERM and SIGHUP while an OAuth exchange is under way or while a
//! save is half done. Afterwards the config parses, points only at secrets that exist, and holds
//! either the old connection or the new one, whole.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use sfconnect::sim::scenario::{Fault, FaultKind};

use super::faults::two_connections;
use super::support::*;

const SIGNALS: [&str; 3] = ["INT", "TERM", "HUP"];

fn kill(child: &Child, signal: &str) {
    let status = std::process::Command::new("kill")
        .args(["-s", signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Wait for the child to end; it must, promptly.
fn ended(child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    panic!("the process did not end after the signal");
}

/// Read the child's stderr until a line contains `marker`.
fn wait_for_line(child: &mut Child, marker: &str) {
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let marker = marker.to_string();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains(&marker) {
                let _ = tx.send(());
            }
        }
    });
    rx.recv_timeout(Duration::from_secs(20))
        .expect("the marker line never came");
}

/// The connection is usable as saved: listed, and its secrets open.
fn whole(dir: &Path, name: &str) {
    let out = run(sfconnect_in(dir, &["export", name, "--format", "json"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = run(sfconnect_in(dir, &["list"]));
    assert!(String::from_utf8_lossy(&out.stdout).contains(name));
}

fn sfconnect_in(dir: &Path, args: &[&str]) -> std::process::Command {
    let mut cmd = sfconnect(dir);
    cmd.args(args);
    cmd
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signal_during_the_oauth_exchange_changes_nothing() {
    let sim = sim().await;
    let dir = two_connections(&sim).await;
    let dir = dir.path();
    sim.with_state(|live| {
        live.scenario.faults = vec![Fault {
            path: "/services/oauth2/token".into(),
            kind: FaultKind::Stall,
            latency_ms: 60_000,
            ..Fault::default()
        }];
    });
    for signal in SIGNALS {
        let before = snapshot(dir);
        let mut cmd = super::faults::password_login(dir, sim.login_url(), "app");
        cmd.stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        // The login check is under way once the checks have started.
        wait_for_line(&mut child, "Checking");
        std::thread::sleep(Duration::from_millis(500));
        kill(&child, signal);
        ended(&mut child);
        assert_eq!(
            snapshot(dir),
            before,
            "SIG{signal} mid-exchange changed nothing"
        );
        whole(dir, "app");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signal_mid_save_leaves_the_old_or_the_new_connection_whole() {
    let sim = sim().await;
    for failpoint in ["before-rename", "after-secrets-saved", "after-swap"] {
        for signal in SIGNALS {
            let tmp = tempfile::tempdir().unwrap();
            let dir = tmp.path();
            let out = run_async(demo_login(dir, sim.login_url(), "prod")).await;
            assert!(out.status.success(), "{}", text(&out));
            let before = snapshot(dir);
            // Re-authenticate (same credentials: only the save matters), paused mid-save.
            let mut cmd = demo_login(dir, sim.login_url(), "prod");
            cmd.env("SFCONNECT_FAILPOINT", format!("pause:{failpoint}"))
                .stderr(Stdio::piped());
            let mut child = cmd.spawn().unwrap();
            wait_for_line(&mut child, "paused at");
            kill(&child, signal);
            ended(&mut child);
            // Old or new, but whole: it opens, and no temp file is mistaken for the config.
            whole(dir, "prod");
            let after = snapshot(dir);
            assert!(
                after.contains_key("connections.toml"),
                "SIG{signal} at {failpoint}: the config is there"
            );
            // The next save sweeps away what the killed writer left behind.
            let out = run(sfconnect_in(dir, &["test", "prod"]));
            assert_eq!(out.status.code(), Some(0), "{}", text(&out));
            let leftovers: Vec<String> = snapshot(dir)
                .into_keys()
                .filter(|f| f.ends_with(".tmp"))
                .collect();
            assert!(leftovers.is_empty(), "{leftovers:?}");
            if failpoint == "before-rename" {
                assert_eq!(
                    after.get("connections.toml"),
                    before.get("connections.toml"),
                    "SIG{signal} before the commit point keeps the old config"
                );
            }
        }
    }
}

/// The wizard waiting on a device login, then the terminal hangs up or is told to stop: it
/// restores the terminal and saves nothing.
#[test]
fn the_wizard_restores_the_terminal_on_signals_during_a_login() {
    use super::wizard::new_connection;
    use sfconnect::sim::scenario::DEMO_CONSUMER_KEY;
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(sim());
    for signal in ["TERM", "HUP", "INT"] {
        let dir = tempfile::tempdir().unwrap();
        let mut s = new_connection(sim.login_url(), dir.path(), &[], &[]);
        s.wait_for("Device code");
        for _ in 0..3 {
            s.send("\x1b[B");
        }
        s.send("\r");
        s.send("\r");
        s.send("\r");
        s.wait_for("Consumer secret (needed by default)");
        s.paste(DEMO_CONSUMER_KEY);
        s.send("\r");
        s.wait_for("The consumer secret is empty");
        s.send("\r");
        s.wait_for("left (checked every");
        let pid = s.child.process_id().unwrap();
        let status = std::process::Command::new("kill")
            .args(["-s", signal, &pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let _ = s.exit_code();
        let raw = String::from_utf8_lossy(&s.raw()).to_string();
        assert!(
            raw.contains("\x1b[?1049l"),
            "SIG{signal}: the alternate screen was left"
        );
        assert!(
            !dir.path().join("secrets.age").exists(),
            "SIG{signal}: nothing saved"
        );
    }
    drop(sim);
}

/// Ctrl-C while a device login waits for the person (and while a browser login waits for its
/// redirect) ends it as the password prompt does: said, exit 130, nothing saved.
#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_during_an_interactive_wait_is_said_and_exits_130() {
    use sfconnect::sim::scenario::{DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET};
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let dir_text = dir.path().display().to_string();
    // A callback port of its own (registered with the app): another program holding the
    // default one (1717) must not turn the wait into paste-only.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    sim.with_state(|l| {
        l.scenario.apps[0]
            .callback_urls
            .push(format!("http://localhost:{port}/OauthRedirect"))
    });
    let port = port.to_string();
    for (flow, waiting) in [
        ("device", "enter the code"),
        ("web", "Waiting for the browser"),
    ] {
        let args = [
            "login",
            flow,
            "--flow",
            flow,
            "--login-url",
            sim.login_url(),
            "--client-id",
            DEMO_CONSUMER_KEY,
            "--no-browser",
            "--callback-port",
            &port,
        ];
        let args: Vec<&str> = args
            .into_iter()
            .enumerate()
            .filter(|(i, _)| flow == "web" || *i < 8)
            .map(|(_, a)| a)
            .collect();
        let mut s = super::session::Session::start_sized(
            &args,
            40,
            200,
            &[
                ("SFCONNECT_CONFIG_DIR", &dir_text),
                ("SFCONNECT_STORE", "file"),
                ("SFCONNECT_CLIENT_SECRET", DEMO_CONSUMER_SECRET),
            ],
        );
        s.wait_for(waiting);
        s.send("\u{3}");
        assert_eq!(s.exit_code(), 130, "{flow}: {}", s.contents());
        assert!(
            s.contents().contains("interrupted; nothing was changed"),
            "{flow}: {}",
            s.contents()
        );
    }
    assert!(
        !dir.path().join("connections.toml").exists(),
        "nothing saved"
    );
}
