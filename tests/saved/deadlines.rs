//! The username-password flow's retirement day (20 February 2027) through the binary, with the
//! clock set (SFCONNECT_NOW, honoured by test builds only): counted down, pressing within 90
//! days, and a refused login after the day diagnosed as the retirement, with the move.

use serde_json::Value;
use sfconnect::sim::scenario::{
    DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET, DEMO_PASSWORD, DEMO_TOKEN, DEMO_USERNAME,
};

use super::support::*;

/// `sfconnect ARGS` as of `now` (RFC 3339).
async fn at(dir: &std::path::Path, now: &str, args: &[&str]) -> (Option<i32>, String, String) {
    let mut c = sfconnect(dir);
    c.args(args).env("SFCONNECT_NOW", now);
    let out = run_async(c).await;
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A connection `prod` that logs in with the OAuth username-password flow.
async fn password_connection(dir: &std::path::Path, sim: &sfconnect::sim::RunningSim) {
    let mut c = sfconnect(dir);
    c.args([
        "login",
        "prod",
        "--flow",
        "password",
        "--login-url",
        sim.login_url(),
        "--username",
        DEMO_USERNAME,
        "--client-id",
        DEMO_CONSUMER_KEY,
    ])
    .env("SFCONNECT_PASSWORD", DEMO_PASSWORD)
    .env("SFCONNECT_SECURITY_TOKEN", DEMO_TOKEN)
    .env("SFCONNECT_CLIENT_SECRET", DEMO_CONSUMER_SECRET);
    let out = run_async(c).await;
    assert!(out.status.success(), "{}", text(&out));
}

fn advisory<'a>(status: &'a Value, id: &str) -> &'a Value {
    status[0]["advisories"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["id"] == id))
        .unwrap_or_else(|| panic!("no {id} advisory: {status}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_password_flow_counts_down_to_20_february_2027_and_presses_within_90_days() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    password_connection(d, &sim).await;

    // 91 days before: said, with the day and what to move to, but not yet pressing.
    let (code, out, _) = at(d, "2026-11-21T00:00:00Z", &["status", "--json"]).await;
    let status: Value = serde_json::from_str(&out).unwrap();
    let retires = advisory(&status, "password_flow_retires");
    assert_eq!(retires["until"], "2027-02-20");
    assert_eq!(retires["days_left"], 91);
    assert_eq!(retires["replace_with"][0], "client-credentials");
    assert_eq!(retires["replace_with"][1], "jwt");
    let message = retires["message"].as_str().unwrap();
    assert!(
        message.contains("`sfconnect login prod --flow client-credentials …`"),
        "{message}"
    );
    assert_eq!(code, Some(0), "{status}");

    // 90 days before: the connection counts as expiring, and status exits 1.
    let (code, out, _) = at(d, "2026-11-22T00:00:00Z", &["status", "--json"]).await;
    let status: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(status[0]["health"], "expiring", "{status}");
    assert_eq!(code, Some(1));
    let (_, summary, _) = at(
        d,
        "2026-11-22T00:00:00Z",
        &["status", "--summary", "--json"],
    )
    .await;
    let summary: Value = serde_json::from_str(&summary).unwrap();
    assert_eq!(summary["password_flow"], 1);
    assert_eq!(summary["password_flow_days_left"], 90);
    let line = summary["message"].as_str().unwrap();
    assert!(
        line.contains("which stops on 20 February 2027, in 90 days"),
        "{line}"
    );
    let (_, text, _) = at(d, "2026-11-22T00:00:00Z", &["status"]).await;
    assert!(
        text.contains("stops for every connected app on 20 February 2027, in 90 days"),
        "{text}"
    );

    // On the day: stopped.
    let (code, out, _) = at(d, "2027-02-20T00:00:00Z", &["status", "--json"]).await;
    let status: Value = serde_json::from_str(&out).unwrap();
    let retires = advisory(&status, "password_flow_retires");
    assert_eq!(retires["days_left"], 0);
    assert!(
        retires["message"].as_str().unwrap().contains("stopped"),
        "{status}"
    );
    assert_eq!(code, Some(1));

    // `test` says it too, before its verdict.
    let (_, out, _) = at(d, "2026-11-22T00:00:00Z", &["test", "prod"]).await;
    let lines: Vec<&str> = out.lines().collect();
    let said = lines
        .iter()
        .position(|l| l.starts_with("advisory: the OAuth username-password flow stops"));
    assert!(said.is_some_and(|i| i + 1 < lines.len()), "{out}");
    assert!(
        lines[lines.len() - 1].starts_with("OK:"),
        "the verdict stays last: {out}"
    );
    let (_, out, _) = at(d, "2026-11-22T00:00:00Z", &["test", "prod", "--json"]).await;
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        report["advisories"][0]["id"], "password_flow_retires",
        "{report}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_password_login_after_the_day_is_the_retirement_with_the_move() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    password_connection(d, &sim).await;
    sim.with_state(|live| live.scenario.org.block_username_password_flow = true);

    // The day before, a refusal is diagnosed as it always was.
    let (code, out, _) = at(d, "2027-02-19T12:00:00Z", &["test", "prod", "--json"]).await;
    assert_eq!(code, Some(1));
    let report: Value = serde_json::from_str(&out).unwrap();
    let login = &report["checks"][1];
    assert_eq!(login["id"], "login");
    assert!(
        !login["detail"]
            .as_str()
            .unwrap()
            .contains("20 February 2027"),
        "{login}"
    );

    // From the day on, the same refusal is the retirement, with the way to move.
    let (code, out, _) = at(d, "2027-02-21T00:00:00Z", &["test", "prod", "--json"]).await;
    assert_eq!(code, Some(1));
    let report: Value = serde_json::from_str(&out).unwrap();
    let login = &report["checks"][1];
    let detail = login["detail"].as_str().unwrap();
    assert!(
        detail.contains("stopped for every connected app on 20 February 2027"),
        "{detail}"
    );
    assert!(
        detail.contains("Salesforce said"),
        "what Salesforce said is kept: {detail}"
    );
    let fix = login["fix"].as_str().unwrap();
    assert!(
        fix.contains("`sfconnect login prod --flow client-credentials …`"),
        "{fix}"
    );
    let (_, text, _) = at(d, "2027-02-21T00:00:00Z", &["test", "prod"]).await;
    assert!(
        text.contains("fix: move the connection to client credentials"),
        "{text}"
    );
}

/// `login NAME --flow client-credentials` on the org's My Domain host, with consumer `secret`.
fn to_client_credentials(
    dir: &std::path::Path,
    sim: &sfconnect::sim::RunningSim,
    name: &str,
    secret: &str,
) -> std::process::Command {
    let mut c = sfconnect(dir);
    c.args([
        "login",
        name,
        "--flow",
        "client-credentials",
        "--login-url",
        sim.instance_url(),
        "--client-id",
        DEMO_CONSUMER_KEY,
    ])
    .env("SFCONNECT_CLIENT_SECRET", secret);
    c
}

/// Both retiring methods move to client credentials (the password flow's recommended target),
/// keeping the connection's name; a move that fails changes nothing.
#[tokio::test(flavor = "multi_thread")]
async fn a_password_or_soap_connection_moves_to_client_credentials_and_a_failed_move_changes_nothing()
 {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    password_connection(d, &sim).await;
    let out = run_async(demo_login(d, sim.login_url(), "legacy")).await;
    assert!(out.status.success(), "{}", text(&out));
    for name in ["prod", "legacy"] {
        let before = snapshot(d);
        let out = run_async(to_client_credentials(d, &sim, name, "not-the-secret")).await;
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        assert_eq!(
            snapshot(d),
            before,
            "a failed move of {name} changed nothing"
        );
        let out = run_async(to_client_credentials(d, &sim, name, DEMO_CONSUMER_SECRET)).await;
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    }
    let out = run_async({
        let mut c = sfconnect(d);
        c.args(["status", "--json"]);
        c
    })
    .await;
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    for row in rows.as_array().unwrap() {
        assert_eq!(row["flow"], "client-credentials", "{row}");
        assert_eq!(row["advisories"], serde_json::json!([]), "{row}");
    }
    assert_eq!(out.status.code(), Some(0), "{rows}");
}

/// From the command line a password-flow connection moves to JWT bearer (the other recommended
/// target) once its certificate is on the app, keeping its name.
#[tokio::test(flavor = "multi_thread")]
async fn a_password_connection_moves_to_jwt_bearer_from_the_command_line() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    password_connection(d, &sim).await;
    let mut make = sfconnect(d);
    make.args(["login", "prod", "--flow", "jwt", "--generate-key"]);
    let out = run_async(make).await;
    assert!(out.status.success(), "{}", text(&out));
    let to_jwt = || {
        let mut c = sfconnect(d);
        c.args([
            "login",
            "prod",
            "--flow",
            "jwt",
            "--login-url",
            sim.login_url(),
            "--username",
            DEMO_USERNAME,
            "--client-id",
            DEMO_CONSUMER_KEY,
        ]);
        c
    };
    let before = snapshot(d);
    let out = run_async(to_jwt()).await;
    assert_eq!(
        out.status.code(),
        Some(1),
        "no certificate yet: {}",
        text(&out)
    );
    assert_eq!(snapshot(d), before, "a failed move changes nothing");
    upload_certificate(&sim, d, "prod").await;
    let out = run_async(to_jwt()).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let mut list = sfconnect(d);
    list.args(["list", "--json"]);
    let listed: Value = serde_json::from_slice(&run_async(list).await.stdout).unwrap();
    assert_eq!(listed[0]["name"], "prod");
    assert_eq!(listed[0]["flow"], "jwt");
}
