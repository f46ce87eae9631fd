//! The fault matrix: each fault the simulated org can inject, against `login` (re-authenticating
//! a saved connection), `test` and `token`, for a SOAP connection (XML answers) and an OAuth one
//! (JSON answers). Each command ends within its timeout with a clear message and the contract's
//! exit code, and the saved credentials stay byte for byte as they were.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;

use sfconnect::sim::RunningSim;
use sfconnect::sim::scenario::{
    DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET, DEMO_PASSWORD, DEMO_TOKEN, DEMO_USERNAME, Fault,
    FaultKind,
};

use super::support::*;

/// Seconds one request may take in these tests (`--timeout`), so stalls end quickly.
const TIMEOUT: &str = "2";

/// The two saved connections: `prod` (SOAP login) and `app` (OAuth username-password flow).
pub async fn two_connections(sim: &RunningSim) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = run_async(demo_login(dir.path(), sim.login_url(), "prod")).await;
    assert!(out.status.success(), "{}", text(&out));
    let out = run_async(password_login(dir.path(), sim.login_url(), "app")).await;
    assert!(out.status.success(), "{}", text(&out));
    dir
}

pub fn password_login(dir: &Path, url: &str, name: &str) -> std::process::Command {
    let mut cmd = sfconnect(dir);
    cmd.args([
        "login",
        name,
        "--flow",
        "password",
        "--login-url",
        url,
        "--username",
        DEMO_USERNAME,
        "--client-id",
        DEMO_CONSUMER_KEY,
    ])
    .env("SFCONNECT_PASSWORD", DEMO_PASSWORD)
    .env("SFCONNECT_SECURITY_TOKEN", DEMO_TOKEN)
    .env("SFCONNECT_CLIENT_SECRET", DEMO_CONSUMER_SECRET);
    cmd
}

/// The credentials: the encrypted secrets file and its key.
fn credentials(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    snapshot(dir)
        .into_iter()
        .filter(|(name, _)| name.starts_with("secrets."))
        .collect()
}

async fn command(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = sfconnect(dir);
    cmd.arg("--timeout").arg(TIMEOUT).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = run_async(cmd).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{}", text(&out));
    out
}

/// Re-authenticate `name` with its (valid) credentials: only the fault can make it fail.
async fn relogin(dir: &Path, name: &str) -> Output {
    let mut env = vec![
        ("SFCONNECT_PASSWORD", DEMO_PASSWORD),
        ("SFCONNECT_SECURITY_TOKEN", DEMO_TOKEN),
    ];
    if name == "app" {
        env.push(("SFCONNECT_CLIENT_SECRET", DEMO_CONSUMER_SECRET));
    }
    command(dir, &["login", name], &env).await
}

/// One row of the matrix: `kind` on every request to both hosts of the org.
async fn row(kind: FaultKind, latency_ms: u64, says: &[&str]) {
    let sim = sim().await;
    let dir = two_connections(&sim).await;
    let dir = dir.path();
    sim.with_state(|live| {
        live.scenario.faults = vec![Fault {
            kind,
            latency_ms,
            ..Fault::default()
        }];
    });
    for name in ["prod", "app"] {
        let everything = snapshot(dir);
        let creds = credentials(dir);

        let out = relogin(dir, name).await;
        assert_eq!(
            out.status.code(),
            Some(1),
            "login {name} under {kind:?}: {}",
            text(&out)
        );
        assert_eq!(
            snapshot(dir),
            everything,
            "a failed login changes nothing ({kind:?})"
        );
        let stderr = String::from_utf8_lossy(&out.stderr).to_lowercase();
        assert!(stderr.contains("unchanged"), "{}", text(&out));

        let out = command(dir, &["test", name], &[]).await;
        assert_eq!(
            out.status.code(),
            Some(1),
            "test {name} under {kind:?}: {}",
            text(&out)
        );
        let report = String::from_utf8_lossy(&out.stdout).to_lowercase()
            + &String::from_utf8_lossy(&out.stderr).to_lowercase();
        assert!(
            says.iter().any(|s| report.contains(s)),
            "test {name} under {kind:?} should say one of {says:?}: {}",
            text(&out)
        );
        assert!(report.contains("fix"), "a fix is offered: {}", text(&out));
        assert_eq!(
            credentials(dir),
            creds,
            "test keeps the credentials ({kind:?})"
        );

        let out = command(dir, &["token", name, "--fresh"], &[]).await;
        assert_eq!(
            out.status.code(),
            Some(1),
            "token {name} under {kind:?}: {}",
            text(&out)
        );
        assert!(out.stdout.is_empty(), "no token on stdout: {}", text(&out));
        assert!(!out.stderr.is_empty());
        assert_eq!(
            credentials(dir),
            creds,
            "token keeps the credentials ({kind:?})"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn maintenance_page() {
    row(
        FaultKind::Maintenance,
        0,
        &["maintenance", "unavailable", "html"],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn html_500() {
    row(FaultKind::Html500, 0, &["html", "500"]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn truncated_json() {
    row(FaultKind::MalformedJson, 0, &["could not be understood"]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn truncated_xml() {
    row(FaultKind::MalformedXml, 0, &["could not be understood"]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn dropped_connections() {
    row(FaultKind::Drop, 0, &["dropped", "closed", "reset"]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn stall_before_answering() {
    row(FaultKind::Stall, 60_000, &["did not answer in time"]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn stall_mid_body() {
    row(FaultKind::StallMidBody, 60_000, &["did not answer in time"]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn request_limit_exceeded() {
    row(
        FaultKind::RequestLimitExceeded,
        0,
        &["request_limit_exceeded", "api request limit", "daily"],
    )
    .await;
}

/// A latency spike within the timeout: everything works, only slower.
#[tokio::test(flavor = "multi_thread")]
async fn latency_spike_within_the_timeout() {
    let sim = sim().await;
    let dir = two_connections(&sim).await;
    sim.with_state(|live| {
        live.scenario.faults = vec![Fault {
            kind: FaultKind::Latency,
            latency_ms: 400,
            times: 3,
            ..Fault::default()
        }];
    });
    for name in ["prod", "app"] {
        let out = command(dir.path(), &["test", name], &[]).await;
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        let out = command(dir.path(), &["token", name, "--fresh"], &[]).await;
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    }
}

/// The org goes away (a port that refuses), and a host whose TLS certificate nobody trusts.
#[tokio::test(flavor = "multi_thread")]
async fn refused_port_and_untrusted_tls() {
    let sim = sim().await;
    let dir = two_connections(&sim).await;
    let dir = dir.path();
    let config = dir.join(sfconnect::profile::config::CONFIG_FILE);
    let original = std::fs::read_to_string(&config).unwrap();
    let tls = super::support_tls::self_signed_tls_server().await;
    let refused = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    for (target, says) in [
        (&refused, ["refused", "connect"]),
        (&tls, ["tls", "certificate"]),
    ] {
        let moved = original
            .replace(sim.login_url(), target)
            .replace(sim.instance_url(), target);
        std::fs::write(&config, &moved).unwrap();
        for name in ["prod", "app"] {
            let everything = snapshot(dir);
            let creds = credentials(dir);
            let out = relogin(dir, name).await;
            assert_eq!(out.status.code(), Some(1), "{}", text(&out));
            assert_eq!(snapshot(dir), everything);
            let out = command(dir, &["test", name], &[]).await;
            assert_eq!(out.status.code(), Some(1), "{}", text(&out));
            let report = String::from_utf8_lossy(&out.stdout).to_lowercase()
                + &String::from_utf8_lossy(&out.stderr).to_lowercase();
            assert!(
                says.iter().any(|s| report.contains(s)),
                "{target}: {}",
                text(&out)
            );
            let out = command(dir, &["token", name, "--fresh"], &[]).await;
            assert_eq!(out.status.code(), Some(1), "{}", text(&out));
            assert!(out.stdout.is_empty());
            assert_eq!(credentials(dir), creds);
        }
    }
}

/// The wizard's test screen under faults: it keeps answering keys while a check hangs, shows
/// each fault's diagnosis, goes back to the form, and saves nothing.
#[test]
fn the_wizard_test_screen_under_faults() {
    use super::wizard::{new_connection, soap_form};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(sim());
    let dir = tempfile::tempdir().unwrap();
    let mut s = new_connection(sim.login_url(), dir.path(), &["--timeout", "3"], &[]);
    soap_form(&mut s);
    s.send(DEMO_USERNAME);
    s.send("\t");
    s.paste(DEMO_PASSWORD);
    s.send("\t");
    s.paste(DEMO_TOKEN);
    let faults = [
        (FaultKind::Stall, 60_000, "did not answer in time"),
        (FaultKind::Maintenance, 0, "maintenance"),
        (FaultKind::MalformedXml, 0, "could not be understood"),
        (FaultKind::Drop, 0, "Reach the login host"),
    ];
    for (i, (kind, latency_ms, says)) in faults.into_iter().enumerate() {
        sim.with_state(|live| {
            live.scenario.faults = vec![Fault {
                kind,
                latency_ms,
                ..Fault::default()
            }];
        });
        s.send("\r");
        if i == 0 {
            // While the checks hang, keys still work: the help opens over the live screen.
            s.wait_for("checking…");
            s.send("?");
            s.wait_for("any other key closes it");
            assert!(s.contents().contains("checking…"), "{}", s.contents());
            s.send(" ");
        }
        s.wait_for("A check failed");
        assert!(
            s.contents().to_lowercase().contains(&says.to_lowercase()),
            "{kind:?}: {}",
            s.contents()
        );
        s.send("\x1b");
        s.wait_for("Password: ••••••••••••••"); // back on the form, the values kept
    }
    // Esc while a check hangs returns to the form at once.
    sim.with_state(|live| {
        live.scenario.faults = vec![Fault {
            kind: FaultKind::Stall,
            latency_ms: 60_000,
            ..Fault::default()
        }];
    });
    s.send("\r");
    s.wait_for("checking…");
    s.send("\x1b");
    s.wait_for("Password: ••••••••••••••"); // back on the form, the values kept
    s.send("\x03");
    assert_eq!(s.exit_code(), 0);
    assert!(
        !dir.path()
            .join(sfconnect::profile::config::CONFIG_FILE)
            .exists()
            || !std::fs::read_to_string(dir.path().join(sfconnect::profile::config::CONFIG_FILE))
                .unwrap()
                .contains("[connections.w]"),
        "nothing saved"
    );
    assert!(
        !dir.path().join("secrets.age").exists(),
        "no secrets written"
    );
    drop(sim);
}
