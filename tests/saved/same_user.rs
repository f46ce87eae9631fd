//! `reauth --user`: one new password and security token, read once, for every saved connection
//! that logs in as the user; each is tested on its own and keeps its old credentials until its
//! own test passes.

use serde_json::Value;
use sfconnect::sim::RunningSim;
use sfconnect::sim::scenario::{
    DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET, DEMO_PASSWORD, DEMO_TOKEN, DEMO_USERNAME,
};

use super::support::{demo_login, run_async, sfconnect, sim, snapshot, text};

/// An admin sets a new password in `sim`; the answer carries the reset security token.
async fn set_password(sim: &RunningSim, password: &str) -> String {
    let reply: Value = reqwest::Client::new()
        .post(format!("{}/__sim/users/set-password", sim.login_url()))
        .form(&[("username", DEMO_USERNAME), ("password", password)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    reply["security_token"].as_str().unwrap().to_string()
}

/// `reauth --user` with the password and token on stdin.
async fn reauth_user(dir: &std::path::Path, stdin: &str, extra: &[&str]) -> std::process::Output {
    use std::io::Write as _;
    let mut c = sfconnect(dir);
    c.args([
        "reauth",
        "--user",
        &DEMO_USERNAME.to_uppercase(),
        "--password-stdin",
        "--security-token-stdin",
    ])
    .args(extra)
    .stdin(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap()
}

#[tokio::test]
async fn one_new_password_reauthenticates_every_connection_of_the_user_and_a_failure_keeps_its_own()
{
    let (org, other_org) = (sim().await, sim().await);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Two connections on the org whose password changes (SOAP and username-password), and one
    // on another org where the same username keeps its old password.
    for (name, sim) in [("soap", &org), ("elsewhere", &other_org)] {
        let out = run_async(demo_login(d, sim.login_url(), name)).await;
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    }
    let mut c = sfconnect(d);
    c.args([
        "login",
        "oauth",
        "--flow",
        "password",
        "--login-url",
        org.login_url(),
        "--username",
        DEMO_USERNAME,
        "--client-id",
        DEMO_CONSUMER_KEY,
    ])
    .env("SFCONNECT_PASSWORD", DEMO_PASSWORD)
    .env("SFCONNECT_SECURITY_TOKEN", DEMO_TOKEN)
    .env("SFCONNECT_CLIENT_SECRET", DEMO_CONSUMER_SECRET);
    let out = run_async(c).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let config = sfconnect::profile::Config::load(d).unwrap();
    let elsewhere_before = config.connections["elsewhere"].clone();

    let token = set_password(&org, "N3w-passw0rd!").await;
    let out = reauth_user(d, &format!("N3w-passw0rd!\n{token}\n"), &["--json"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results: Vec<(&str, bool)> = report["connections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap(), c["ok"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        results,
        [("elsewhere", false), ("oauth", true), ("soap", true)]
    );
    assert!(
        report["connections"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("Log in"),
        "{report}"
    );
    let said = text(&out);
    assert!(!said.contains("N3w-passw0rd!") && !said.contains(&token));
    // The one that failed is exactly as it was, and still works with its own password.
    let config = sfconnect::profile::Config::load(d).unwrap();
    assert_eq!(config.connections["elsewhere"], elsewhere_before);
    for (name, code) in [("soap", 0), ("oauth", 0), ("elsewhere", 0)] {
        let mut c = sfconnect(d);
        c.args(["test", name]);
        let out = run_async(c).await;
        assert_eq!(out.status.code(), Some(code), "{name}: {}", text(&out));
    }
    // Text output: a line per connection.
    let token = set_password(&org, "Thrid-passw0rd!").await;
    let out = reauth_user(d, &format!("Thrid-passw0rd!\n{token}\n"), &[]).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("✓ soap: re-authenticated"), "{stdout}");
    assert!(
        stdout.contains("✗ elsewhere: not re-authenticated"),
        "{stdout}"
    );
}

#[tokio::test]
async fn reauth_user_refuses_an_unknown_user_and_no_secrets_with_nothing_changed() {
    let org = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = run_async(demo_login(d, org.login_url(), "soap")).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let before = snapshot(d);
    let mut c = sfconnect(d);
    c.args(["reauth", "--user", "nobody@example.com"]);
    let out = run_async(c).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("no saved connection logs in as nobody@example.com"));
    let out = reauth_user(d, "\n\n", &[]).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("no new password or security token was given"));
    let mut c = sfconnect(d);
    c.args(["reauth", "soap", "--user", DEMO_USERNAME]);
    assert_eq!(run_async(c).await.status.code(), Some(2));
    assert_eq!(snapshot(d), before);
}

#[tokio::test]
async fn login_given_several_names_reauthenticates_each_with_one_new_token() {
    use std::io::Write as _;
    let org = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for name in ["one", "two"] {
        let out = run_async(demo_login(d, org.login_url(), name)).await;
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    }
    // A reset security token: the password stays, the token changes for both.
    let reply: Value = reqwest::Client::new()
        .post(format!("{}/__sim/users/reset-token", org.login_url()))
        .form(&[("username", DEMO_USERNAME)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = reply["security_token"].as_str().unwrap().to_string();
    let mut c = sfconnect(d);
    c.args(["test", "one"]);
    assert_eq!(
        run_async(c).await.status.code(),
        Some(1),
        "the old token fails"
    );
    let mut c = sfconnect(d);
    c.args(["login", "one", "two", "--security-token-stdin", "--json"])
        .stdin(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    writeln!(child.stdin.take().unwrap(), "{token}").unwrap();
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["ok"], true);
    assert_eq!(report["connections"].as_array().unwrap().len(), 2);
    for name in ["one", "two"] {
        let mut c = sfconnect(d);
        c.args(["test", name]);
        assert_eq!(run_async(c).await.status.code(), Some(0), "{name}");
    }
    // Several names take only the secret options.
    let mut c = sfconnect(d);
    c.args(["login", "one", "two", "--flow", "soap"]);
    assert_eq!(run_async(c).await.status.code(), Some(2));
}
