//! Fleets through the binary: connections checked at once, each reported as it comes, a
//! stalled org cut off by its own timeout, one write per run, and a rotating refresh token
//! shared by many processes and tasks that is never spent twice nor lost.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;
use sfconnect::profile::Config;
use sfconnect::sim::scenario::{Fault, FaultKind};

use super::support::*;

fn cmd(dir: &Path, args: &[&str]) -> Command {
    let mut c = sfconnect(dir);
    c.args(args);
    c
}

/// SOAP connections of the demo user named `names`, saved in `dir`.
async fn saved(sim: &sfconnect::sim::RunningSim, dir: &Path, names: &[&str]) {
    for name in names {
        let out = run_async(demo_login(dir, sim.login_url(), name)).await;
        assert!(out.status.success(), "{}", text(&out));
    }
}

/// A saved connection `name` whose org takes connections and never answers, for as long as
/// the listener returned lives; dropping it resets them.
async fn stalled(dir: &Path, name: &str) -> TcpListener {
    let other = sim().await;
    saved(&other, dir, &[name]).await;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let config = dir.join("connections.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let moved = text.replace(
        other.login_url(),
        &format!("http://{}", listener.local_addr().unwrap()),
    );
    assert_ne!(moved, text);
    std::fs::write(&config, moved).unwrap();
    listener
}

/// Lines of a running command's stdout, one at a time.
struct Lines {
    child: std::process::Child,
    lines: std::io::Lines<BufReader<std::process::ChildStdout>>,
}

impl Lines {
    fn start(mut command: Command) -> Self {
        let mut child = command.stderr(Stdio::null()).spawn().unwrap();
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        Self { child, lines }
    }

    fn next_json(&mut self) -> Value {
        let line = self.lines.next().expect("a line").unwrap();
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"))
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn connections_are_checked_at_once_and_each_reported_as_it_comes() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();
    let listener = stalled(&d, "a-stalled").await;
    saved(&sim, &d, &["b", "c", "d"]).await;
    // The stalled connection comes first: checked one after another, nothing would come out.
    let mut run = Lines::start(cmd(&d, &["test", "--all", "--json"]));
    let reported = tokio::task::spawn_blocking(move || {
        let mut seen = Vec::new();
        for _ in 0..3 {
            let line = run.next_json();
            assert_eq!(line["ok"], true, "{line}");
            seen.push(line["name"].as_str().unwrap().to_string());
        }
        seen.sort();
        (run, seen)
    });
    let (mut run, seen) = reported.await.unwrap();
    assert_eq!(
        seen,
        ["b", "c", "d"],
        "the three came while one still waited"
    );
    // The stalled org goes away; its connection fails with why, and the run ends failed.
    drop(listener);
    let last = tokio::task::spawn_blocking(move || {
        let line = run.next_json();
        (run.child.wait().unwrap(), line)
    });
    let (status, line) = last.await.unwrap();
    assert_eq!(line["name"], "a-stalled", "{line}");
    assert_eq!(line["ok"], false, "{line}");
    assert_eq!(status.code(), Some(1));
    let config = Config::load(&d).unwrap();
    let run = config.last_run.expect("the run is recorded");
    assert_eq!((run.checked, run.failed), (4, 1));
    for name in ["b", "c", "d"] {
        let last = config.connections[name].last_test.clone().unwrap();
        assert!(last.ok && last.elapsed_ms.is_some(), "{name}: {last:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn watch_cuts_a_stalled_org_off_at_its_connection_timeout_and_goes_on() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();
    let _listener = stalled(&d, "stalled").await;
    saved(&sim, &d, &["fine"]).await;
    let mut watch = Lines::start(cmd(
        &d,
        &[
            "watch",
            "--json",
            "--interval",
            "3600",
            "--connection-timeout",
            "2",
        ],
    ));
    let line = tokio::task::spawn_blocking(move || (watch.next_json(), watch))
        .await
        .unwrap();
    let (change, mut watch) = line;
    watch.child.kill().unwrap();
    let _ = watch.child.wait();
    assert_eq!(change["name"], "stalled", "{change}");
    assert_eq!(change["health"], "failing", "{change}");
    let message = change["message"].as_str().unwrap();
    assert!(
        message.contains("did not finish within 2 s") && message.contains("--connection-timeout"),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_writes_once_at_its_end_and_drops_what_a_reauthentication_replaced() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    saved(&sim, d, &["a", "b", "c"]).await;
    let before = Config::load(d).unwrap();
    let files = snapshot(d);
    let scratch = tempfile::tempdir().unwrap();
    let run = Paused::start(
        cmd(d, &["status", "--notify"]),
        "before-record",
        scratch.path(),
    );
    // Every connection is checked by now, and nothing of it is written yet: not the config
    // file, not the secrets file (no write, no re-encryption per connection).
    let now = snapshot(d);
    for file in ["connections.toml", "secrets.age"] {
        assert_eq!(
            now.get(file),
            files.get(file),
            "{file} is unchanged mid-run"
        );
    }
    // Meanwhile c is re-authenticated: the run's result for c belongs to what it replaced.
    let out = run_async(demo_login(d, sim.login_url(), "c")).await;
    assert!(out.status.success(), "{}", text(&out));
    let relogged = Config::load(d).unwrap().connections["c"].clone();
    let out = run.finish().await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let after = Config::load(d).unwrap();
    for name in ["a", "b"] {
        let (was, is) = (
            before.connections[name].last_test.as_ref().unwrap(),
            after.connections[name].last_test.as_ref().unwrap(),
        );
        assert!(is.at >= was.at && is.elapsed_ms.is_some(), "{name}: {is:?}");
    }
    assert_eq!(
        after.connections["c"], relogged,
        "c's stale result was dropped"
    );
    let run = after.last_run.expect("the run's own sample");
    assert_eq!((run.checked, run.failed), (3, 0));
}

#[tokio::test(flavor = "multi_thread")]
async fn eight_processes_of_32_tasks_share_one_rotating_refresh_token_safely() {
    let sim = sim().await;
    sim.with_state(|live| live.scenario.apps[0].refresh_token_rotation = true);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    import_refresh_token(&sim, d, "r").await;
    let issued = || sim.with_state(|live| live.refresh_tokens.len());
    let before = issued();
    // A slow token endpoint: every task of a process is waiting for the hold well before the
    // first refresh of the run is saved.
    sim.with_state(|live| {
        live.scenario.faults.push(Fault {
            path: "/services/oauth2/token".into(),
            kind: FaultKind::Latency,
            latency_ms: 1000,
            times: 0,
        })
    });
    let names = vec!["r"; 32];
    let processes: Vec<_> = (0..8)
        .map(|_| {
            let mut args = vec!["test", "--json"];
            args.extend(&names);
            cmd(d, &args).spawn().unwrap()
        })
        .collect();
    let outputs = tokio::task::spawn_blocking(move || {
        processes
            .into_iter()
            .map(|p| p.wait_with_output().unwrap())
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    for out in &outputs {
        assert_eq!(out.status.code(), Some(0), "{}", text(out));
        let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 32);
        assert!(lines.iter().all(|l| l["ok"] == true), "{}", text(out));
    }
    // Each process spent the token at most once (the others used what it saved), and no token
    // was spent twice: a rotated-out token used again revokes its successor, and the test
    // after would fail.
    let refreshed = issued() - before;
    assert!((1..=8).contains(&refreshed), "{refreshed} refreshes");
    sim.with_state(|live| live.scenario.faults.clear());
    let out = run_async(cmd(d, &["test", "r"])).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "the saved token is the live one: {}",
        text(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn prometheus_gives_each_checks_duration_and_the_runs_own_sample() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    saved(&sim, d, &["a", "b"]).await;
    sim.with_state(|live| live.scenario.users[0].password = "Changed-1".into());
    let out = run_async(cmd(d, &["status", "--notify", "--format", "prometheus"])).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let metrics = String::from_utf8(out.stdout).unwrap();
    for name in ["a", "b"] {
        let sample = metrics
            .lines()
            .find(|l| {
                l.starts_with(&format!(
                    "sfconnect_check_duration_seconds{{name=\"{name}\""
                ))
            })
            .unwrap_or_else(|| panic!("no duration of {name}: {metrics}"));
        let seconds: f64 = sample.rsplit(' ').next().unwrap().parse().unwrap();
        assert!(seconds > 0.0, "{sample}");
    }
    for (family, value) in [
        ("sfconnect_run_connections_checked", "2"),
        ("sfconnect_run_failures", "2"),
    ] {
        assert!(
            metrics.lines().any(|l| l == format!("{family} {value}")),
            "{family}: {metrics}"
        );
    }
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("sfconnect_run_duration_seconds ")),
        "{metrics}"
    );
    let Some(promtool) = super::scripting::promtool() else {
        return;
    };
    let checked = super::scripting::promtool_check_metrics(promtool, &metrics);
    assert!(checked.status.success(), "{}{metrics}", text(&checked));
}

#[tokio::test(flavor = "multi_thread")]
async fn on_a_terminal_a_run_shows_how_many_are_checked_and_never_in_a_pipe() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    saved(&sim, d, &["a", "b", "c"]).await;
    let config = d.to_str().unwrap().to_string();
    let env = [
        ("SFCONNECT_CONFIG_DIR", config.as_str()),
        ("SFCONNECT_STORE", "file"),
    ];
    let mut s = super::session::Session::start_sized(&["test", "--all"], 24, 200, &env);
    s.wait_for("3 of 3 connections passed.");
    assert_eq!(s.exit_code(), 0, "{}", s.contents());
    let raw = String::from_utf8_lossy(&s.raw()).to_string();
    assert!(raw.contains("checked 3 of 3"), "{raw}");
    // Scripts get the verdicts only.
    let out = run_async(cmd(d, &["test", "--all"])).await;
    assert!(!text(&out).contains("checked "), "{}", text(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_fleet_options_of_status_go_with_notify() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_async(cmd(dir.path(), &["status", "--per-org", "4"])).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("go with --notify"), "{}", text(&out));
    let out = run_async(cmd(dir.path(), &["test", "--all", "--concurrency", "0"])).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}
