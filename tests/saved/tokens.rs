//! `sfconnect token` never hands out a token the org has stopped accepting: each way a token
//! dies, through the real binary against the simulated org, and writes that come after network
//! work landing only on the credentials they belong to.

use std::path::Path;
use std::process::{Command, Output};

use sfconnect::profile::config::Config;
use sfconnect::sim::RunningSim;
use sfconnect::sim::scenario::{DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET, DEMO_USERNAME};

use super::support::*;

fn cmd(dir: &Path, args: &[&str]) -> Command {
    let mut c = sfconnect(dir);
    c.args(args);
    c
}

async fn token(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["token", "c"];
    args.extend_from_slice(extra);
    run_async(cmd(dir, &args)).await
}

fn printed(out: &Output) -> String {
    assert!(out.status.success(), "{}", text(out));
    let token = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert_eq!(token.lines().count(), 1, "{}", text(out));
    token
}

/// Who the org says a token belongs to, or None when it accepts it no more.
fn owner(sim: &RunningSim, token: &str) -> Option<String> {
    sim.with_state(|live| live.sessions.get(token).map(|s| s.username.clone()))
}

async fn sim_post(sim: &RunningSim, path: &str, form: &[(&str, &str)]) {
    let reply = reqwest::Client::new()
        .post(format!("{}/__sim/{path}", sim.login_url()))
        .form(form)
        .send()
        .await
        .unwrap();
    assert!(reply.status().is_success(), "{path}: {}", reply.status());
}

/// `c`: a SOAP connection of the demo user.
async fn soap(sim: &RunningSim) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = run_async(demo_login(dir.path(), sim.login_url(), "c")).await;
    assert!(out.status.success(), "{}", text(&out));
    dir
}

/// `c`: an imported refresh token of the demo app.
async fn oauth(sim: &RunningSim) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    import_refresh_token(sim, dir.path(), "c").await;
    dir
}

#[tokio::test(flavor = "multi_thread")]
async fn a_timed_out_session_is_replaced_by_a_new_login() {
    let sim = sim().await;
    let dir = soap(&sim).await;
    let first = printed(&token(dir.path(), &[]).await);
    sim_post(&sim, "sessions/end", &[]).await;
    assert_eq!(owner(&sim, &first), None, "the org timed the session out");
    let second = printed(&token(dir.path(), &[]).await);
    assert_ne!(second, first, "the dead token is not handed out");
    assert_eq!(owner(&sim, &second).as_deref(), Some(DEMO_USERNAME));
    // What the new login gave is kept: --offline hands it out with the org gone.
    drop(sim);
    assert_eq!(printed(&token(dir.path(), &["--offline"]).await), second);
}

#[tokio::test(flavor = "multi_thread")]
async fn revoked_sessions_of_an_oauth_connection_log_in_again() {
    let sim = sim().await;
    let dir = oauth(&sim).await;
    let first = printed(&token(dir.path(), &[]).await);
    sim_post(&sim, "sessions/end", &[("username", DEMO_USERNAME)]).await;
    let second = printed(&token(dir.path(), &[]).await);
    assert_ne!(second, first);
    assert_eq!(owner(&sim, &second).as_deref(), Some(DEMO_USERNAME));
    assert_eq!(
        printed(&token(dir.path(), &[]).await),
        second,
        "the new token, confirmed, is reused"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_revoked_refresh_token_fails_with_its_diagnosis_and_changes_nothing() {
    let sim = sim().await;
    let dir = oauth(&sim).await;
    printed(&token(dir.path(), &[]).await);
    sim_post(&sim, "refresh-tokens/revoke-all", &[]).await;
    let before = snapshot(dir.path());
    let out = token(dir.path(), &[]).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(out.stdout.is_empty(), "no token on stdout: {}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("expired access/refresh token"), "{err}");
    assert!(err.contains("What to do"), "the fix is given: {err}");
    assert_eq!(snapshot(dir.path()), before, "nothing was written");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_password_fails_with_its_diagnosis() {
    let sim = sim().await;
    let dir = soap(&sim).await;
    printed(&token(dir.path(), &[]).await);
    sim_post(
        &sim,
        "users/expire-password",
        &[("username", DEMO_USERNAME)],
    )
    .await;
    sim_post(&sim, "sessions/end", &[]).await;
    let before = snapshot(dir.path());
    let out = token(dir.path(), &[]).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr).to_lowercase();
    assert!(err.contains("password has expired"), "{err}");
    assert_eq!(snapshot(dir.path()), before);
}

/// The status of a REST call with `token`, as any API client would make it.
async fn rest_status(sim: &RunningSim, token: &str) -> u16 {
    reqwest::Client::new()
        .get(format!("{}/services/data/v62.0/limits", sim.instance_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_password_that_expires_later_leaves_the_session_before_it_working() {
    // The org applies the password policy at login: a session issued before the password
    // expired keeps working until it ends, so `token` may print it, and the REST API takes it.
    let sim = sim().await;
    let dir = soap(&sim).await;
    let before = printed(&token(dir.path(), &[]).await);
    sim_post(
        &sim,
        "users/expire-password",
        &[("username", DEMO_USERNAME)],
    )
    .await;
    let after = printed(&token(dir.path(), &[]).await);
    assert_eq!(after, before, "the cached session is still good");
    assert_eq!(rest_status(&sim, &after).await, 200);
    // A test now logs in and gets a session every API call refuses: it fails, and that session
    // is not cached, so `token` still gives the one that works.
    let out = run_async(cmd(dir.path(), &["test", "c"])).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let after_test = printed(&token(dir.path(), &[]).await);
    assert_eq!(after_test, before, "{}", text(&out));
    assert_eq!(rest_status(&sim, &after_test).await, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_oauth_password_login_after_the_password_expired_prints_no_token() {
    // The password grant may answer an expired password with a token that every API call
    // refuses: `token` tries one call after such a login, and prints nothing.
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let mut login = cmd(
        dir.path(),
        &[
            "login",
            "c",
            "--flow",
            "password",
            "--login-url",
            sim.login_url(),
            "--username",
            DEMO_USERNAME,
            "--client-id",
            DEMO_CONSUMER_KEY,
        ],
    );
    login
        .env(
            "SFCONNECT_PASSWORD",
            sfconnect::sim::scenario::DEMO_PASSWORD,
        )
        .env(
            "SFCONNECT_SECURITY_TOKEN",
            sfconnect::sim::scenario::DEMO_TOKEN,
        )
        .env("SFCONNECT_CLIENT_SECRET", DEMO_CONSUMER_SECRET);
    let out = run_async(login).await;
    assert!(out.status.success(), "{}", text(&out));
    sim_post(
        &sim,
        "users/expire-password",
        &[("username", DEMO_USERNAME)],
    )
    .await;
    let before = snapshot(dir.path());
    let out = token(dir.path(), &["--fresh"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(out.stdout.is_empty(), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr).to_lowercase();
    assert!(err.contains("password has expired"), "{err}");
    assert_eq!(snapshot(dir.path()), before, "nothing was written");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refresh_token_rotated_by_another_process_is_picked_up() {
    let sim = sim().await;
    sim.with_state(|live| live.scenario.apps[0].refresh_token_rotation = true);
    let dir = oauth(&sim).await;
    let scratch = tempfile::tempdir().unwrap();
    // B has read the saved connection; A rotates its refresh token meanwhile.
    let b = Paused::start(
        cmd(dir.path(), &["token", "c"]),
        "token-opened",
        scratch.path(),
    );
    printed(&token(dir.path(), &["--fresh"]).await);
    sim_post(&sim, "sessions/end", &[]).await;
    let out = b.finish().await;
    let from_b = printed(&out);
    assert_eq!(
        owner(&sim, &from_b).as_deref(),
        Some(DEMO_USERNAME),
        "B logged in with the rotated refresh token, not the spent one"
    );
    assert_eq!(printed(&token(dir.path(), &[]).await), from_b);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_test_that_outlives_a_reauthentication_writes_nothing_onto_it() {
    let sim = sim().await;
    let other = "other@acme-demo.example";
    sim.with_state(|live| {
        let mut user = live.scenario.users[0].clone();
        user.username = other.into();
        user.user_id = "005000000000002AAA".into();
        user.password = "Other-pass-1".into();
        live.scenario.users.push(user);
    });
    let dir = soap(&sim).await;
    let scratch = tempfile::tempdir().unwrap();
    let test = Paused::start(
        cmd(dir.path(), &["test", "c"]),
        "before-record",
        scratch.path(),
    );
    let mut login = cmd(dir.path(), &["login", "c", "--username", other]);
    let token_of_other = sim.with_state(|live| {
        live.scenario.users[live.scenario.users.len() - 1]
            .security_token
            .clone()
    });
    login
        .env("SFCONNECT_PASSWORD", "Other-pass-1")
        .env("SFCONNECT_SECURITY_TOKEN", &token_of_other);
    let out = run_async(login).await;
    assert!(out.status.success(), "{}", text(&out));
    let after_login = Config::load(dir.path()).unwrap().connections["c"].clone();
    let out = test.finish().await;
    assert!(
        out.status.success(),
        "the first user's test passed: {}",
        text(&out)
    );
    let after_test = Config::load(dir.path()).unwrap().connections["c"].clone();
    assert_eq!(
        after_test, after_login,
        "the stale test wrote neither its verdict nor anything else"
    );
    let t = printed(&token(dir.path(), &["--offline"]).await);
    assert_eq!(
        owner(&sim, &t).as_deref(),
        Some(other),
        "the cached token is the new user's, not the stale test's"
    );
    let log = std::fs::read_dir(dir.path().join(LOGS))
        .unwrap()
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect::<String>();
    assert!(log.contains("was re-authenticated while this ran"), "{log}");
}

/// After a fresh login, `token --json` and `export` give the instance the login answered with
/// (the org may have moved), and that is what is saved from then on.
#[tokio::test(flavor = "multi_thread")]
async fn a_fresh_login_gives_and_keeps_the_instance_it_answered_with() {
    let sim = sim().await;
    let dir = oauth(&sim).await;
    let config = dir.path().join("connections.toml");
    let moved_from = "http://127.0.0.1:9";
    let text_before = std::fs::read_to_string(&config).unwrap();
    assert!(text_before.contains(sim.instance_url()), "{text_before}");
    std::fs::write(&config, text_before.replace(sim.instance_url(), moved_from)).unwrap();
    let out = token(dir.path(), &["--fresh", "--json"]).await;
    assert!(out.status.success(), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["instance_url"], sim.instance_url(), "{json}");
    let saved = std::fs::read_to_string(&config).unwrap();
    assert!(
        saved.contains(sim.instance_url()) && !saved.contains(moved_from),
        "{saved}"
    );
    std::fs::write(&config, saved.replace(sim.instance_url(), moved_from)).unwrap();
    let out = run_async(cmd(
        dir.path(),
        &["export", "c", "--format", "json", "--fresh"],
    ))
    .await;
    assert!(out.status.success(), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["instance_url"], sim.instance_url(), "{json}");
}

/// `export --format sfdx-url` follows `token`'s rules: a refresh token the org has revoked is
/// not printed; the command exits 1 with the diagnosis.
#[tokio::test(flavor = "multi_thread")]
async fn an_sfdx_url_of_a_revoked_refresh_token_is_not_printed() {
    let sim = sim().await;
    let dir = oauth(&sim).await;
    let export = || run_async(cmd(dir.path(), &["export", "c", "--format", "sfdx-url"]));
    let out = export().await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("force://"));
    sim_post(&sim, "refresh-tokens/revoke-all", &[]).await;
    let out = export().await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(out.stdout.is_empty(), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("expired access/refresh token") && err.contains("What to do"),
        "{err}"
    );
}

/// A re-authentication leaves the previous refresh token valid (and says so) unless
/// `--revoke-old` is given: then it is revoked once the new credentials are saved.
#[tokio::test(flavor = "multi_thread")]
async fn revoke_old_revokes_the_replaced_refresh_token_and_only_when_asked() {
    let sim = sim().await;
    let dir = oauth(&sim).await;
    let live = |t: &str| sim.with_state(|l| l.refresh_tokens.contains_key(t));
    let first = sim.with_state(|l| l.refresh_tokens.keys().next().cloned().unwrap());
    let reauth = |token: String, extra: &[&str]| {
        let mut c = cmd(dir.path(), &["login", "c", "--json"]);
        c.args(extra)
            .env("SFCONNECT_CLIENT_SECRET", DEMO_CONSUMER_SECRET)
            .env("SFCONNECT_REFRESH_TOKEN", token);
        run_async(c)
    };
    let second = browser_refresh_token(&sim, DEMO_CONSUMER_SECRET).await;
    let out = reauth(second.clone(), &[]).await;
    assert!(out.status.success(), "{}", text(&out));
    let said: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(said["previous_refresh_token"], "kept_valid", "{said}");
    assert!(text(&out).contains("stays valid"), "{}", text(&out));
    assert!(live(&first), "not revoked unless asked");
    let third = browser_refresh_token(&sim, DEMO_CONSUMER_SECRET).await;
    let out = reauth(third.clone(), &["--revoke-old"]).await;
    assert!(out.status.success(), "{}", text(&out));
    let said: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(said["previous_refresh_token"], "revoked", "{said}");
    assert!(!live(&second), "the replaced token is revoked");
    assert!(live(&third), "the new one works");
    let out = token(dir.path(), &["--fresh"]).await;
    assert!(out.status.success(), "{}", text(&out));
}
