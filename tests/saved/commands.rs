//! The scriptable commands through the real binary: JSON shapes, exit codes, each check's
//! pass / warn / fail against the simulated org, exports, caching and notifications.

use serde_json::Value;
use sfconnect::profile::config::CONFIG_FILE;
use sfconnect::sim::RunningSim;
use sfconnect::sim::scenario::{
    DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET, DEMO_PASSWORD, DEMO_USERNAME,
};

use super::support::*;

fn cmd(dir: &std::path::Path, args: &[&str]) -> std::process::Command {
    let mut c = sfconnect(dir);
    c.args(args);
    c
}

async fn json_of(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, Value) {
    let out = run_async(cmd(dir, args)).await;
    let value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("not JSON: {}", text(&out)));
    (out.status.code(), value)
}

fn check<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
}

async fn saved_prod(sim: &RunningSim) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let out = run_async(demo_login(tmp.path(), sim.login_url(), "prod")).await;
    assert!(out.status.success(), "{}", text(&out));
    tmp
}

#[tokio::test(flavor = "multi_thread")]
async fn test_json_passes_on_a_healthy_org() {
    let sim = sim().await;
    let dir = saved_prod(&sim).await;
    let (code, report) = json_of(dir.path(), &["test", "prod", "--json"]).await;
    assert_eq!(code, Some(0));
    assert_eq!(report["profile"], "prod");
    assert_eq!(report["ok"], true);
    assert!(report["elapsed_ms"].as_u64().is_some());
    let ids: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "reach",
            "login",
            "identity",
            "api_enabled",
            "objects",
            "limits",
            "password_expiry",
            "token"
        ]
    );
    for c in report["checks"].as_array().unwrap() {
        for key in ["id", "title", "status", "detail", "fix"] {
            assert!(c.get(key).is_some(), "{key} in {c}");
        }
        assert!(
            ["pass", "skip"].contains(&c["status"].as_str().unwrap()),
            "{c}"
        );
    }
    assert_eq!(
        check(&report, "token")["status"],
        "skip",
        "a SOAP connection has no refresh token"
    );
    assert_eq!(report["licenses"]["active_users"], 3);
    let licenses = report["licenses"]["licenses"].as_array().unwrap();
    assert!(
        licenses
            .iter()
            .any(|l| l["name"] == "Salesforce Integration" && l["active_users"] == 1)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn each_check_warns_and_fails_where_the_org_says_so() {
    let sim = sim().await;
    let dir = saved_prod(&sim).await;
    // Optional object access missing, daily requests low, password near expiry, a person's admin.
    sim.with_state(|live| {
        let user = live.user_mut(DEMO_USERNAME).unwrap();
        user.objects.remove("Lead");
        user.password_age_days = 80;
        user.profile = "System Administrator".into();
        user.integration_user = false;
        live.scenario.org.daily_api_used = 14_000;
    });
    let (code, report) = json_of(dir.path(), &["test", "prod", "--json"]).await;
    assert_eq!(code, Some(0), "warnings do not fail: {report}");
    assert_eq!(check(&report, "objects")["status"], "warn");
    assert!(
        check(&report, "objects")["detail"]
            .as_str()
            .unwrap()
            .contains("Lead")
    );
    assert_eq!(check(&report, "limits")["status"], "warn");
    assert_eq!(check(&report, "password_expiry")["status"], "warn");
    assert!(
        check(&report, "password_expiry")["detail"]
            .as_str()
            .unwrap()
            .contains("expires in 10 days")
    );
    assert_eq!(check(&report, "identity")["status"], "warn");
    assert!(
        check(&report, "identity")["fix"]
            .as_str()
            .unwrap()
            .contains("integration user")
    );

    // Required object access missing fails the run.
    sim.with_state(|live| {
        live.user_mut(DEMO_USERNAME)
            .unwrap()
            .objects
            .remove("Contact")
    });
    let (code, report) = json_of(dir.path(), &["test", "prod", "--json"]).await;
    assert_eq!(code, Some(1));
    assert_eq!(report["ok"], false);
    assert_eq!(check(&report, "objects")["status"], "fail");

    // API access removed: the login works, every call fails.
    sim.with_state(|live| live.user_mut(DEMO_USERNAME).unwrap().api_enabled = false);
    let (code, report) = json_of(dir.path(), &["test", "prod", "--json"]).await;
    assert_eq!(code, Some(1));
    // SOAP login itself refuses users without API access.
    assert_eq!(check(&report, "login")["status"], "fail");
    assert!(
        check(&report, "login")["fix"]
            .as_str()
            .unwrap()
            .contains("API Enabled")
    );
    assert_eq!(check(&report, "objects")["status"], "skip");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_password_fails_and_status_says_so() {
    let sim = sim().await;
    let dir = saved_prod(&sim).await;
    let (code, _) = json_of(dir.path(), &["status", "--json"]).await;
    assert_eq!(code, Some(0));
    sim.with_state(|live| live.user_mut(DEMO_USERNAME).unwrap().password_expired = true);
    let (code, report) = json_of(dir.path(), &["test", "prod", "--json"]).await;
    assert_eq!(code, Some(1));
    // SOAP accepts the login only so the password can be changed: that leads, as a failure,
    // with what to do; nothing else is tried.
    let login = check(&report, "login");
    assert_eq!(login["status"], "fail", "{report}");
    assert!(
        login["detail"]
            .as_str()
            .unwrap()
            .starts_with("The password has expired"),
        "{report}"
    );
    assert!(
        login["fix"]
            .as_str()
            .unwrap()
            .contains("set a new password"),
        "{report}"
    );
    assert_eq!(check(&report, "identity")["status"], "skip");
    assert_eq!(check(&report, "api_enabled")["status"], "skip");
    assert_eq!(check(&report, "password_expiry")["status"], "fail");
    let (code, status) = json_of(dir.path(), &["status", "--json"]).await;
    assert_eq!(code, Some(1), "status alarms on a failing connection");
    assert_eq!(status[0]["health"], "failing");
    assert_eq!(status[0]["last_test"]["ok"], false);
    let (code, _) = json_of(dir.path(), &["status", "prod", "--json"]).await;
    assert_eq!(code, Some(1));
    let out = run_async(cmd(dir.path(), &["status", "nope"])).await;
    assert_eq!(out.status.code(), Some(2));
    // The text report's fixes are ready to paste: the connection's own name, never NAME.
    let out = run_async(cmd(dir.path(), &["test", "prod"])).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    // The command that works from a shell, not the wizard's `reauth`.
    assert!(stdout.contains("sfconnect login prod"), "{stdout}");
    assert!(!stdout.contains("reauth"), "{stdout}");
    let (_, report) = json_of(dir.path(), &["test", "prod", "--json"]).await;
    assert_eq!(report["name"], "prod");
    assert_eq!(
        report["profile"], "prod",
        "kept for scripts written before `name`"
    );
    let fixes = report["checks"].to_string();
    assert!(
        fixes.contains("sfconnect login prod") && !fixes.contains("reauth"),
        "{fixes}"
    );
    assert!(!stdout.contains("NAME"), "{stdout}");
    let last = stdout.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("FAILED: ") && last.contains(" failed"),
        "{stdout}"
    );
    assert!(!last.contains(" ms"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_login_that_fails_at_once_reports_the_checks_not_a_time() {
    let sim = sim().await;
    let dir = saved_prod(&sim).await;
    sim.with_state(|live| live.user_mut(DEMO_USERNAME).unwrap().active = false);
    let out = run_async(cmd(dir.path(), &["test", "prod"])).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    assert_eq!(
        last,
        "FAILED: 1 passed, 1 failed, 6 skipped. Fix the first failure above, then run `sfconnect test prod` again.",
        "{stdout}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn status_warns_within_fourteen_days_of_expiry() {
    let sim = sim().await;
    sim.with_state(|live| live.user_mut(DEMO_USERNAME).unwrap().password_age_days = 80);
    let dir = saved_prod(&sim).await;
    let (code, status) = json_of(dir.path(), &["status", "--json"]).await;
    assert_eq!(code, Some(1));
    assert_eq!(status[0]["health"], "expiring");
    assert_eq!(status[0]["password_expires_in_days"], 10);
    let out = run_async(cmd(dir.path(), &["status"])).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("password expires in 10 days"), "{stdout}");
    assert!(!stdout.contains('\x1b'), "no colour without a terminal");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_login_skips_the_rest_and_reach_fails_when_the_org_is_gone() {
    let sim = sim().await;
    let dir = saved_prod(&sim).await;
    sim.with_state(|live| {
        live.user_mut(DEMO_USERNAME).unwrap().password = "changed-by-someone".into()
    });
    let (code, report) = json_of(dir.path(), &["test", "prod", "--json"]).await;
    assert_eq!(code, Some(1));
    assert_eq!(check(&report, "reach")["status"], "pass");
    assert_eq!(check(&report, "login")["status"], "fail");
    assert!(
        check(&report, "login")["detail"]
            .as_str()
            .unwrap()
            .contains("INVALID_LOGIN")
    );
    assert_eq!(check(&report, "identity")["status"], "skip");
    drop(sim);
    let (code, report) = json_of(dir.path(), &["test", "prod", "--json"]).await;
    assert_eq!(code, Some(1));
    assert_eq!(check(&report, "reach")["status"], "fail");
    assert!(
        check(&report, "reach")["detail"]
            .as_str()
            .unwrap()
            .contains("refused")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_password_login_refused_without_a_token_names_the_missing_token_first() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let login = |token: Option<&str>| {
        let mut c = cmd(
            dir.path(),
            &[
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
            ],
        );
        c.env("SFCONNECT_PASSWORD", DEMO_PASSWORD)
            .env("SFCONNECT_CLIENT_SECRET", DEMO_CONSUMER_SECRET);
        if let Some(token) = token {
            c.env("SFCONNECT_SECURITY_TOKEN", token);
        }
        c
    };
    let out = run_async(login(None)).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Most likely the security token is missing"),
        "{}",
        text(&out)
    );
    // With a token given, a refusal does not blame a missing one.
    let out = run_async(login(Some("WRONGTOKEN"))).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("security token is missing"),
        "{}",
        text(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn imported_refresh_token_rotates_exports_and_round_trips() {
    use sfconnect::commands::token::parse_sfdx_url;
    let sim = sim().await;
    sim.with_state(|live| live.scenario.apps[0].refresh_token_rotation = true);
    let refresh = browser_refresh_token(&sim, DEMO_CONSUMER_SECRET).await;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut import = cmd(
        dir,
        &[
            "login",
            "connector",
            "--flow",
            "refresh-token",
            "--login-url",
            sim.login_url(),
            "--client-id",
            DEMO_CONSUMER_KEY,
        ],
    );
    import
        .env("SFCONNECT_REFRESH_TOKEN", &refresh)
        .env("SFCONNECT_CLIENT_SECRET", DEMO_CONSUMER_SECRET);
    let out = run_async(import).await;
    assert!(out.status.success(), "{}", text(&out));

    let out = run_async(cmd(dir, &["export", "connector", "--format", "sfdx-url"])).await;
    assert!(out.status.success(), "{}", text(&out));
    let url = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let parsed = parse_sfdx_url(&url).expect("our own parser reads it back");
    assert_eq!(parsed.client_id, DEMO_CONSUMER_KEY);
    assert_eq!(parsed.client_secret, DEMO_CONSUMER_SECRET);
    assert_ne!(
        parsed.refresh_token, refresh,
        "the login rotated the refresh token and saved the new one"
    );
    assert_eq!(
        format!("http://{}", parsed.instance_host),
        sim.instance_url()
    );

    let (code, report) = json_of(dir, &["test", "connector", "--json"]).await;
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(check(&report, "token")["status"], "pass");
    assert!(
        check(&report, "token")["detail"]
            .as_str()
            .unwrap()
            .contains("rotated")
    );
    // The rotated token was persisted: the next login still works.
    let out = run_async(cmd(dir, &["export", "connector", "--format", "sfdx-url"])).await;
    let again = parse_sfdx_url(String::from_utf8_lossy(&out.stdout).trim()).unwrap();
    assert_ne!(again.refresh_token, parsed.refresh_token);
    let (code, _) = json_of(dir, &["test", "connector", "--json"]).await;
    assert_eq!(code, Some(0));
    // An OAuth token says only whose id it is: the login verdict names the user anyway.
    let out = run_async(cmd(dir, &["test", "connector"])).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("Log in: logged in as {DEMO_USERNAME};")),
        "{stdout}"
    );

    // An imported sfdx-url works for a new connection on another machine (another config
    // dir). In the same config it is refused: one refresh token is never saved twice.
    let elsewhere = tempfile::tempdir().unwrap();
    let out = run_async(cmd(dir, &["export", "connector", "--format", "sfdx-url"])).await;
    let current = parse_sfdx_url(String::from_utf8_lossy(&out.stdout).trim()).unwrap();
    let reimport = |into: &std::path::Path| {
        let mut c = cmd(
            into,
            &[
                "login",
                "copy",
                "--flow",
                "refresh-token",
                "--login-url",
                sim.login_url(),
                "--client-id",
                &current.client_id,
            ],
        );
        c.env("SFCONNECT_REFRESH_TOKEN", &current.refresh_token)
            .env("SFCONNECT_CLIENT_SECRET", &current.client_secret);
        c
    };
    let out = run_async(reimport(dir)).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(run_async(reimport(elsewhere.path())).await.status.success());

    // remove revokes the refresh token at Salesforce before deleting everything.
    let dir = elsewhere.path();
    let out = run_async(cmd(dir, &["export", "copy", "--format", "sfdx-url"])).await;
    let copy = parse_sfdx_url(String::from_utf8_lossy(&out.stdout).trim()).unwrap();
    let out = run_async(cmd(dir, &["remove", "copy"])).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Revoked"),
        "{}",
        text(&out)
    );
    let mut reuse = cmd(
        dir,
        &[
            "login",
            "again",
            "--flow",
            "refresh-token",
            "--login-url",
            sim.login_url(),
            "--client-id",
            DEMO_CONSUMER_KEY,
        ],
    );
    reuse
        .env("SFCONNECT_REFRESH_TOKEN", &copy.refresh_token)
        .env("SFCONNECT_CLIENT_SECRET", DEMO_CONSUMER_SECRET);
    let out = run_async(reuse).await;
    assert_eq!(
        out.status.code(),
        Some(1),
        "the revoked token no longer works: {}",
        text(&out)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("expired access/refresh token"));
}

#[tokio::test(flavor = "multi_thread")]
async fn token_prints_only_the_token_and_reuses_it_once_confirmed() {
    let sim = sim().await;
    let dir = saved_prod(&sim).await;
    let first = run_async(cmd(dir.path(), &["token", "prod"])).await;
    assert!(first.status.success(), "{}", text(&first));
    let token = String::from_utf8_lossy(&first.stdout).to_string();
    assert_eq!(token.lines().count(), 1);
    assert!(token.starts_with("00D5e000003V0C7!"));
    let confirmed = run_async(cmd(dir.path(), &["token", "prod"])).await;
    assert!(confirmed.status.success(), "{}", text(&confirmed));
    assert_eq!(
        String::from_utf8_lossy(&confirmed.stdout),
        token,
        "a cached token the org still accepts is reused"
    );
    drop(sim);
    let second = run_async(cmd(dir.path(), &["token", "prod", "--offline"])).await;
    assert!(
        second.status.success(),
        "--offline needs no network: {}",
        text(&second)
    );
    assert_eq!(String::from_utf8_lossy(&second.stdout), token);
    let unconfirmed = run_async(cmd(dir.path(), &["token", "prod"])).await;
    assert_eq!(
        unconfirmed.status.code(),
        Some(1),
        "without the org nothing confirms the token: {}",
        text(&unconfirmed)
    );
    assert!(unconfirmed.stdout.is_empty());
    let config = std::fs::read_to_string(dir.path().join(CONFIG_FILE)).unwrap();
    assert!(
        !config.contains(token.trim()),
        "the token is cached in the secret store, not the config"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn export_env_and_json_are_usable() {
    let sim = sim().await;
    let dir = saved_prod(&sim).await;
    let out = run_async(cmd(dir.path(), &["export", "prod", "--format", "env"])).await;
    assert!(out.status.success());
    let script = format!(
        "{}\nprintf '%s|%s' \"$SF_INSTANCE_URL\" \"$SF_USERNAME\"",
        String::from_utf8_lossy(&out.stdout)
    );
    let shell = std::process::Command::new("sh")
        .arg("-c")
        .arg(script)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&shell.stdout),
        format!("{}|{DEMO_USERNAME}", sim.instance_url())
    );
    let (code, json) = json_of(dir.path(), &["export", "prod", "--format", "json"]).await;
    assert_eq!(code, Some(0));
    assert_eq!(json["instance_url"], sim.instance_url());
    assert!(json["access_token"].as_str().unwrap().starts_with("00D"));
    let out = run_async(cmd(dir.path(), &["export", "prod", "--format", "sfdx-url"])).await;
    assert_eq!(
        out.status.code(),
        Some(2),
        "a SOAP connection has no refresh token to export"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn notifications_run_once_per_change_with_the_right_environment() {
    let sim = sim().await;
    let dir = saved_prod(&sim).await;
    let log = dir.path().join("notified.log");
    let command = format!(
        "printf '%s %s %s|%s\\n' \"$SFCONNECT_CONNECTION\" \"$SFCONNECT_PREVIOUS_STATUS\" \"$SFCONNECT_STATUS\" \"$SFCONNECT_MESSAGE\" >> '{}'",
        log.display()
    );
    let notify = |dir: &std::path::Path| {
        let mut c = cmd(dir, &["status", "--notify", "--json"]);
        c.env("SFCONNECT_NOTIFY_COMMAND", &command);
        c
    };
    let lines = || {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(run_async(notify(dir.path())).await.status.code(), Some(0));
    assert!(lines().is_empty(), "no change, no notification");
    sim.with_state(|live| live.user_mut(DEMO_USERNAME).unwrap().password = "changed".into());
    assert_eq!(run_async(notify(dir.path())).await.status.code(), Some(1));
    assert_eq!(run_async(notify(dir.path())).await.status.code(), Some(1));
    let got = lines();
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].starts_with("prod ok failing|"), "{got:?}");
    assert!(got[0].contains("INVALID_LOGIN"));
    assert!(
        !got[0].contains("Demo-Pass") && !got[0].contains("changed"),
        "no secrets in notifications"
    );
    sim.with_state(|live| {
        live.user_mut(DEMO_USERNAME).unwrap().password =
            sfconnect::sim::scenario::DEMO_PASSWORD.into()
    });
    assert_eq!(run_async(notify(dir.path())).await.status.code(), Some(0));
    let got = lines();
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got[1].starts_with("prod failing ok|"), "{got:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_connection_whose_secrets_cannot_be_opened_counts_as_failing() {
    let sim = sim().await;
    let dir = saved_prod(&sim).await;
    let out = run_async(demo_login(dir.path(), sim.login_url(), "second")).await;
    assert!(out.status.success(), "{}", text(&out));
    let log = dir.path().join("notified.log");
    let command = format!(
        "printf '%s %s %s|%s\\n' \"$SFCONNECT_CONNECTION\" \"$SFCONNECT_PREVIOUS_STATUS\" \"$SFCONNECT_STATUS\" \"$SFCONNECT_MESSAGE\" >> '{}'",
        log.display()
    );
    // The key file is lost (a restore without it, say): nothing can open the secrets.
    std::fs::rename(
        dir.path().join("secrets.key"),
        dir.path().join("secrets.key.lost"),
    )
    .unwrap();
    let mut notify = cmd(dir.path(), &["status", "--notify", "--json"]);
    notify.env("SFCONNECT_NOTIFY_COMMAND", &command);
    let out = run_async(notify).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    for row in rows.as_array().unwrap() {
        assert_eq!(row["health"], "failing", "{row}");
        assert!(
            row["message"].as_str().unwrap().contains("key file"),
            "the reason is shown: {row}"
        );
    }
    let notified = std::fs::read_to_string(&log).unwrap();
    assert_eq!(
        notified.lines().count(),
        2,
        "each change is notified: {notified}"
    );
    assert!(notified.contains("prod ok failing|") && notified.contains("second ok failing|"));
    // Plain `status` (no network) still says so afterwards.
    let out = run_async(cmd(dir.path(), &["status"])).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    // No token can be had: `token` and `export` exit 1 as the README says, and say why.
    for args in [
        vec!["token", "prod"],
        vec!["export", "prod", "--format", "env"],
    ] {
        let out = run_async(cmd(dir.path(), &args)).await;
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", text(&out));
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("key file"),
            "{}",
            text(&out)
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn completions_complete_commands_and_saved_connection_names() {
    let sim = sim().await;
    let tmp = tempfile::tempdir().unwrap();
    let out = run_async(demo_login(tmp.path(), sim.login_url(), "prod-eu")).await;
    assert!(out.status.success(), "{}", text(&out));
    for shell in ["bash", "zsh", "fish"] {
        let out = run_async(cmd(tmp.path(), &["completions", shell])).await;
        assert!(out.status.success());
        let script = String::from_utf8_lossy(&out.stdout);
        // The script asks sfconnect itself, so names saved later complete too.
        assert!(script.contains("SFCONNECT_COMPLETE"), "{shell}: {script}");
    }
    // bash accepts the script.
    let out = run_async(cmd(tmp.path(), &["completions", "bash"])).await;
    let script = tmp.path().join("complete.bash");
    std::fs::write(&script, &out.stdout).unwrap();
    if let Ok(check) = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
    {
        assert!(
            check.status.success(),
            "{}",
            String::from_utf8_lossy(&check.stderr)
        );
    }
    // What the shell gets back for `sfconnect test <Tab>` and `sfconnect te<Tab>`.
    let ask = |words: &[&str]| {
        let mut c = cmd(tmp.path(), &["--", "sfconnect"]);
        c.args(words).env("SFCONNECT_COMPLETE", "fish");
        c
    };
    let out = run_async(ask(&["test", ""])).await;
    let names = String::from_utf8_lossy(&out.stdout);
    assert!(names.lines().any(|l| l.starts_with("prod-eu\t")), "{names}");
    // A --config-dir typed on the line is where the names come from, before the variable's.
    let other = tempfile::tempdir().unwrap();
    let out = run_async(demo_login(other.path(), sim.login_url(), "sandbox-a")).await;
    assert!(out.status.success(), "{}", text(&out));
    let typed = other.path().to_str().unwrap();
    for words in [
        vec!["--config-dir", typed, "test", ""],
        vec!["token", &format!("--config-dir={typed}"), ""],
    ] {
        let out = run_async(ask(&words)).await;
        let names = String::from_utf8_lossy(&out.stdout);
        assert!(
            names.lines().any(|l| l.starts_with("sandbox-a\t")),
            "{words:?}: {names}"
        );
        assert!(!names.contains("prod-eu"), "{words:?}: {names}");
    }
    let out = run_async(ask(&["te"])).await;
    let commands = String::from_utf8_lossy(&out.stdout);
    assert!(
        commands.lines().any(|l| l.starts_with("test\t")),
        "{commands}"
    );
}

/// Start `sfconnect login NAME --flow web …` with stdin piped; return the child and the authorize
/// URL it printed.
fn start_web_login(
    dir: &std::path::Path,
    sim: &RunningSim,
    name: &str,
    extra: &[&str],
) -> (std::process::Child, String) {
    use std::io::{BufRead, BufReader};
    let mut c = cmd(
        dir,
        &[
            "login",
            name,
            "--flow",
            "web",
            "--login-url",
            sim.login_url(),
            "--client-id",
            DEMO_CONSUMER_KEY,
        ],
    );
    c.args(extra)
        .env("SFCONNECT_CLIENT_SECRET", DEMO_CONSUMER_SECRET)
        .stdin(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let url = loop {
        let line = lines.next().expect("the authorize URL is printed").unwrap();
        if line.contains("/services/oauth2/authorize?") {
            break line.trim().to_string();
        }
    };
    // Keep draining stderr so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, url)
}

/// A callback port (registered in the app) that another program holds on both loopback
/// addresses: a browser login on it can be finished only by paste.
fn held_port(sim: &RunningSim) -> (u16, Vec<std::net::TcpListener>) {
    let v4 = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = v4.local_addr().unwrap().port();
    let mut held = vec![v4];
    held.extend(std::net::TcpListener::bind(("::1", port)).ok());
    let callback = format!("http://localhost:{port}/OauthRedirect");
    sim.with_state(|l| l.scenario.apps[0].callback_urls.push(callback));
    (port, held)
}

async fn finish(
    mut child: std::process::Child,
    pasted: Option<String>,
) -> std::process::ExitStatus {
    use std::io::Write;
    if let Some(text) = pasted {
        let mut stdin = child.stdin.take().unwrap();
        writeln!(stdin, "{text}").unwrap();
    }
    tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_login_by_pasting_the_address_back() {
    let sim = sim().await;
    let tmp = tempfile::tempdir().unwrap();
    let (child, url) = start_web_login(tmp.path(), &sim, "web", &["--no-browser"]);
    assert!(url.contains("code_challenge_method=S256") && url.contains("state="));
    let location = browser_redirect(&url).await;
    assert!(location.contains("%3D%3D"), "{location}");
    let status = finish(child, Some(location)).await;
    assert!(status.success());
    let (code, report) = json_of(tmp.path(), &["test", "web", "--json"]).await;
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(check(&report, "token")["status"], "pass");
    let (_, listed) = json_of(tmp.path(), &["list", "--json"]).await;
    assert_eq!(listed[0]["flow"], "web");
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_login_refuses_an_address_from_another_attempt_and_a_denial() {
    let sim = sim().await;
    let tmp = tempfile::tempdir().unwrap();
    let (child, child_url) = start_web_login(tmp.path(), &sim, "web", &["--no-browser"]);
    // An address from a different login attempt carries a different state: it is refused,
    // and the login asks again rather than ending; its own address then works. The other
    // login's callback port is another program's, so only a paste can finish it.
    let (held, _holders) = held_port(&sim);
    let held = held.to_string();
    let (other, other_url) = start_web_login(
        tmp.path(),
        &sim,
        "other",
        &["--no-browser", "--callback-port", &held],
    );
    let stale = browser_redirect(&other_url).await;
    let own = browser_redirect(&child_url).await;
    let status = finish(child, Some(format!("{stale}\nnot a code\n{own}"))).await;
    assert_eq!(
        status.code(),
        Some(0),
        "the wrong pastes did not end the login"
    );
    // Input that ends before any address was pasted is the README's "stdin that ended
    // early": a usage error (2).
    assert_eq!(finish(other, Some(String::new())).await.code(), Some(2));
    let out = run_async(cmd(tmp.path(), &["remove", "web", "--no-revoke"])).await;
    assert!(out.status.success(), "{}", text(&out));
    sim.with_state(|l| l.scenario.authorize.mode = sfconnect::sim::scenario::AuthorizeMode::Deny);
    let (child, url) = start_web_login(tmp.path(), &sim, "web", &["--no-browser"]);
    let denied = browser_redirect(&url).await;
    assert!(denied.contains("error=access_denied"));
    assert_eq!(finish(child, Some(denied)).await.code(), Some(1));
    let (_, listed) = json_of(tmp.path(), &["list", "--json"]).await;
    assert_eq!(listed, serde_json::json!([]), "nothing saved");
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_login_through_the_callback_listener() {
    let sim = sim().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let callback = format!("http://localhost:{port}/OauthRedirect");
    sim.with_state(|l| l.scenario.apps[0].callback_urls.push(callback.clone()));
    let tmp = tempfile::tempdir().unwrap();
    let (child, url) = start_web_login(
        tmp.path(),
        &sim,
        "web",
        &["--callback-port", &port.to_string()],
    );
    let location = browser_redirect(&url).await;
    assert!(location.starts_with(&callback), "{location}");
    // A web page (or another local user) sends the listener a denial, and another login's
    // code: neither is this login's, and the login goes on waiting.
    for hostile in [
        "?error=access_denied",
        "?code=stolen%3D%3D&state=not-this-one",
    ] {
        let page = reqwest::get(format!("http://127.0.0.1:{port}/OauthRedirect{hostile}"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!page.contains("Logged in"), "{page}");
    }
    // The browser follows the redirect to the listener (localhost → 127.0.0.1).
    let page = reqwest::get(location.replace("localhost", "127.0.0.1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Logged in"), "{page}");
    assert!(finish(child, None).await.success());
    let (code, _) = json_of(tmp.path(), &["test", "web", "--json"]).await;
    assert_eq!(code, Some(0));
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_login_uses_browser_over_ssh_without_a_display_and_passes_no_secret() {
    let sim = sim().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let callback = format!("http://localhost:{port}/OauthRedirect");
    sim.with_state(|l| l.scenario.apps[0].callback_urls.push(callback.clone()));
    let tmp = tempfile::tempdir().unwrap();
    // A forwarding script, as WSL's wslview or an SSH helper would be.
    let seen = tmp.path().join("browser-saw");
    let script = tmp.path().join("fwd-browser");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nenv > '{0}.env'\nprintf '%s' \"$1\" > '{0}.tmp' && mv '{0}.tmp' '{0}'\n",
            seen.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut c = cmd(
        tmp.path(),
        &[
            "login",
            "web",
            "--flow",
            "web",
            "--login-url",
            sim.login_url(),
            "--client-id",
            DEMO_CONSUMER_KEY,
            "--callback-port",
            &port.to_string(),
        ],
    );
    c.env("SFCONNECT_CLIENT_SECRET", DEMO_CONSUMER_SECRET)
        .env("SFCONNECT_PASSWORD", "planted-Secret-1")
        .env("BROWSER", format!("{} %s", script.display()))
        .env("SSH_CONNECTION", "10.0.0.1 50000 10.0.0.2 22")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY");
    let child = c.spawn().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !seen.exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "$BROWSER was never started"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let url = std::fs::read_to_string(&seen).unwrap();
    assert!(url.contains("/services/oauth2/authorize?"), "{url}");
    let env = std::fs::read_to_string(tmp.path().join("browser-saw.env")).unwrap();
    assert!(
        !env.contains("SFCONNECT_PASSWORD") && !env.contains("planted-Secret-1"),
        "the browser got no secret variable"
    );
    assert!(!env.contains("SFCONNECT_CLIENT_SECRET") && !env.contains(DEMO_CONSUMER_SECRET));
    let location = browser_redirect(&url).await;
    reqwest::get(location.replace("localhost", "127.0.0.1"))
        .await
        .unwrap();
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Opened it in your browser"));
}

/// Start `sfconnect login NAME --flow device`; return the child and the user code it printed.
fn start_device_login(
    dir: &std::path::Path,
    sim: &RunningSim,
    name: &str,
) -> (
    std::process::Child,
    Option<String>,
    std::sync::mpsc::Receiver<String>,
) {
    use std::io::{BufRead, BufReader};
    let mut c = cmd(
        dir,
        &[
            "login",
            name,
            "--flow",
            "device",
            "--login-url",
            sim.login_url(),
            "--client-id",
            DEMO_CONSUMER_KEY,
        ],
    );
    // The app requires its secret for the refresh token flow the saved connection will use.
    c.env("SFCONNECT_CLIENT_SECRET", DEMO_CONSUMER_SECRET);
    let mut child = c.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let mut lines = BufReader::new(stderr).lines();
    let mut code = None;
    let mut after_prompt = false;
    for line in lines.by_ref() {
        let line = line.unwrap();
        let _ = tx.send(line.clone());
        if after_prompt && !line.trim().is_empty() {
            code = Some(line.trim().to_string());
            break;
        }
        after_prompt |= line.contains("enter the code");
        if line.starts_with("sfconnect:") {
            break;
        }
    }
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    (child, code, rx)
}

#[tokio::test(flavor = "multi_thread")]
async fn device_login_approved_denied_and_blocked() {
    let sim = sim().await;
    sim.with_state(|l| l.scenario.device.interval_secs = 1);
    let tmp = tempfile::tempdir().unwrap();
    let (child, code, rx) = start_device_login(tmp.path(), &sim, "device");
    let code = code.expect("a user code is shown");
    assert_eq!(code.len(), 8);
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert!(sim.with_state(|l| l.decide_device(&code, true, None)));
    let status = finish(child, None).await;
    assert!(status.success(), "{:?}", rx.try_iter().collect::<Vec<_>>());
    let (code, report) = json_of(tmp.path(), &["test", "device", "--json"]).await;
    assert_eq!(code, Some(0), "{report}");

    let (child, code, rx) = start_device_login(tmp.path(), &sim, "denied");
    assert!(sim.with_state(|l| l.decide_device(&code.unwrap(), false, None)));
    assert_eq!(finish(child, None).await.code(), Some(1));
    // The child has exited: read its whole stderr (the reader thread ends at end of file).
    let said: Vec<String> = rx.iter().collect();
    assert!(said.iter().any(|l| l.contains("denied")), "{said:?}");

    sim.with_state(|l| l.scenario.apps[0].installed = false);
    let (child, code, rx) = start_device_login(tmp.path(), &sim, "blocked");
    assert!(code.is_none());
    assert_eq!(finish(child, None).await.code(), Some(1));
    let said = rx.iter().collect::<Vec<_>>().join("\n");
    assert!(
        said.contains("device flow is not enabled for the app") && said.contains("September 2025"),
        "{said}"
    );
    let (_, listed) = json_of(tmp.path(), &["list", "--json"]).await;
    assert_eq!(
        listed.as_array().unwrap().len(),
        1,
        "only the approved one is saved"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn jwt_with_a_generated_key_and_certificate() {
    let sim = sim().await;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let out = run_async(cmd(
        dir,
        &["login", "server", "--flow", "jwt", "--generate-key"],
    ))
    .await;
    assert!(out.status.success(), "{}", text(&out));
    let pem = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("pre-authorized"));
    let key_file = dir.join("keys/server.key");
    assert_eq!(sfconnect::profile::fsutil::mode(&key_file), Some(0o600));
    assert!(
        std::fs::read_to_string(&key_file)
            .unwrap()
            .contains("PRIVATE KEY")
    );
    let again = run_async(cmd(
        dir,
        &[
            "login",
            "server",
            "--flow",
            "jwt",
            "--generate-key",
            "--json",
        ],
    ))
    .await;
    // A second --generate-key never replaces the first pair: a new one goes beside it.
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert!(dir.join("keys/server-2.key").exists());
    // With --json, stdout is one object: where the pair is, and the certificate to upload.
    let made: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(made["name"], "server");
    assert_eq!(
        made["key_file"],
        dir.join("keys/server-2.key").display().to_string()
    );
    assert!(
        made["certificate"]
            .as_str()
            .is_some_and(|c| c.starts_with("-----BEGIN CERTIFICATE-----")),
        "{made}"
    );
    assert!(
        made["not_after"].as_str().is_some_and(|t| t.ends_with('Z')),
        "{made}"
    );
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("--key-file"),
        "{}",
        text(&again)
    );
    std::fs::remove_file(dir.join("keys/server-2.key")).unwrap();
    std::fs::remove_file(dir.join("keys/server-2.crt")).unwrap();

    // Before the certificate is uploaded, Salesforce cannot verify the assertion.
    let key_arg = key_file.display().to_string();
    let login = |name: &str| {
        cmd(
            dir,
            &[
                "login",
                name,
                "--flow",
                "jwt",
                "--login-url",
                sim.login_url(),
                "--username",
                DEMO_USERNAME,
                "--client-id",
                DEMO_CONSUMER_KEY,
                "--key-file",
                &key_arg,
            ],
        )
    };
    let out = run_async(login("server")).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("invalid assertion"),
        "{}",
        text(&out)
    );
    // The failure names the certificate to upload, for this very key.
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("keys/server.crt"),
        "{}",
        text(&out)
    );
    sim.with_state(|l| l.scenario.apps[0].certificate = Some(pem.clone()));
    // The key pair made for 'server' is found without --key-file.
    let out = run_async(cmd(
        dir,
        &[
            "login",
            "server",
            "--flow",
            "jwt",
            "--login-url",
            sim.login_url(),
            "--username",
            DEMO_USERNAME,
            "--client-id",
            DEMO_CONSUMER_KEY,
        ],
    ))
    .await;
    assert!(out.status.success(), "{}", text(&out));
    let (code, _) = json_of(dir, &["test", "server", "--json"]).await;
    assert_eq!(code, Some(0));
    // A second connection with its own key file keeps it; removing 'server' deletes the key
    // pair made for it, and says so.
    let out = run_async(cmd(dir, &["remove", "server"])).await;
    assert!(out.status.success(), "{}", text(&out));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("Deleted its key pair"), "{said}");
    assert!(!key_file.exists() && !dir.join("keys/server.crt").exists());
}

/// A JWT key file given as a relative path is saved absolute (cron runs elsewhere); one that
/// does not exist is refused. A JWT connection whose key file is gone is failing everywhere:
/// `test` exits 1 with the reason and the fix, and `status` (plain, `--notify` with its
/// notification, Prometheus) counts it as failing.
#[tokio::test(flavor = "multi_thread")]
async fn a_relative_key_file_is_saved_absolute_and_a_lost_one_fails_everywhere() {
    let sim = sim().await;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("config");
    let work = tmp.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    let made = run_async(cmd(
        &dir,
        &["login", "j", "--flow", "jwt", "--generate-key"],
    ))
    .await;
    assert!(made.status.success(), "{}", text(&made));
    let pem = String::from_utf8_lossy(&made.stdout).to_string();
    sim.with_state(|l| l.scenario.apps[0].certificate = Some(pem));
    std::fs::rename(dir.join("keys/j.key"), work.join("j.pem")).unwrap();
    let login = |key: &str| {
        let mut c = cmd(
            &dir,
            &[
                "login",
                "j",
                "--flow",
                "jwt",
                "--login-url",
                sim.login_url(),
                "--username",
                DEMO_USERNAME,
                "--client-id",
                DEMO_CONSUMER_KEY,
                "--key-file",
                key,
            ],
        );
        c.current_dir(&work);
        c
    };
    let out = run_async(login("nope.pem")).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let out = run_async(login("j.pem")).await;
    assert!(out.status.success(), "{}", text(&out));
    let saved = sfconnect::profile::Config::load(&dir).unwrap().connections["j"].clone();
    assert_eq!(
        saved.key_file.as_deref(),
        Some(work.join("j.pem").as_path())
    );
    let (code, _) = json_of(&dir, &["test", "j", "--json"]).await;
    assert_eq!(code, Some(0), "from another directory, the key is found");

    std::fs::remove_file(work.join("j.pem")).unwrap();
    let out = run_async(cmd(&dir, &["status"])).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("cannot be read"), "{}", text(&out));
    let out = run_async(cmd(&dir, &["status", "--format", "prometheus"])).await;
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("sfconnect_connection_healthy{name=\"j\""),
        "{}",
        text(&out)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .any(|l| l.starts_with("sfconnect_connection_healthy{name=\"j\"") && l.ends_with(" 0")),
        "{}",
        text(&out)
    );
    let told = tmp.path().join("told");
    let mut notify = cmd(&dir, &["status", "--notify", "--notify-command"]);
    notify.arg(format!(
        "echo \"$SFCONNECT_CONNECTION $SFCONNECT_STATUS\" >> '{}'",
        told.display()
    ));
    let out = run_async(notify).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(
        std::fs::read_to_string(&told).unwrap_or_default().trim(),
        "j failing"
    );
    let out = run_async(cmd(&dir, &["test", "j"])).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot be read") && err.contains("What to do"),
        "{err}"
    );
}

/// A password changed today is said so, not "changed 0 days ago".
#[tokio::test(flavor = "multi_thread")]
async fn a_password_changed_today_is_said_so() {
    let sim = sim().await;
    sim.with_state(|live| live.user_mut(DEMO_USERNAME).unwrap().password_age_days = 0);
    let dir = saved_prod(&sim).await;
    let (code, report) = json_of(dir.path(), &["test", "prod", "--json"]).await;
    assert_eq!(code, Some(0), "{report}");
    let detail = check(&report, "password_expiry")["detail"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(detail.starts_with("changed today;"), "{detail}");
}
