//! The real binary: login saves only on success, re-authentication swaps without loss, crashes
//! and concurrent instances cannot corrupt anything, and no secret reaches config or output.

use std::time::{Duration, Instant};

use serde_json::Value;
use sfconnect::profile::config::CONFIG_FILE;
use sfconnect::sim::scenario::{DEMO_PASSWORD, DEMO_TOKEN, DEMO_USERNAME};

use super::support::*;

#[tokio::test(flavor = "multi_thread")]
async fn login_list_and_remove_with_the_file_store() {
    let sim = sim().await;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("config");
    let out = run_async(demo_login(&dir, sim.login_url(), "prod")).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("encrypted file"),
        "says where secrets are: {}",
        text(&out)
    );

    let mut list = sfconnect(&dir);
    list.args(["list", "--json"]);
    let out = run_async(list).await;
    assert!(out.status.success());
    let listed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let prod = &listed[0];
    assert_eq!(prod["name"], "prod");
    assert_eq!(prod["flow"], "soap");
    assert_eq!(prod["store"], "file");
    assert_eq!(prod["username"], DEMO_USERNAME);
    assert_eq!(prod["instance_url"], sim.instance_url());
    assert_eq!(prod["org_id"], "00D5e000003V0C7EAK");
    assert_eq!(prod["last_test"]["ok"], true);
    assert_eq!(
        prod["password_expires_in_days"], 80,
        "from the org: changed 10 days ago, 90-day policy"
    );

    for file in std::fs::read_dir(&dir).unwrap().flatten() {
        if file.path().is_dir() {
            continue; // the logs: the secret audit (tests/hardening) covers them
        }
        let bytes = std::fs::read(file.path()).unwrap();
        let content = String::from_utf8_lossy(&bytes);
        assert!(
            !content.contains(DEMO_PASSWORD) && !content.contains(DEMO_TOKEN),
            "{:?} holds a secret",
            file.path()
        );
    }
    let config = std::fs::read_to_string(dir.join(CONFIG_FILE)).unwrap();
    assert!(config.contains("store = \"file\""));

    let mut remove = sfconnect(&dir);
    remove.args(["remove", "prod"]);
    let out = run_async(remove).await;
    assert!(out.status.success(), "{}", text(&out));
    let out = run_async({
        let mut c = sfconnect(&dir);
        c.args(["list", "--json"]);
        c
    })
    .await;
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "[]");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_login_changes_nothing_and_explains_itself() {
    let sim = sim().await;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("config");
    let out = run_async(demo_login(&dir, sim.login_url(), "prod")).await;
    assert!(out.status.success(), "{}", text(&out));
    let before = snapshot(&dir);

    let out = run_async(soap_login(
        &dir,
        sim.login_url(),
        "prod",
        "wrong-password",
        DEMO_TOKEN,
    ))
    .await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("INVALID_LOGIN"), "{stderr}");
    assert!(stderr.contains("Reset My Security Token"), "{stderr}");
    assert!(stderr.contains("'prod' is unchanged"), "{stderr}");
    assert!(
        !stderr.contains("wrong-password"),
        "the password is never echoed"
    );
    assert_eq!(
        snapshot(&dir),
        before,
        "config and secrets are byte-for-byte unchanged"
    );

    // Usage errors exit 2.
    let mut bad = sfconnect(&dir);
    bad.args([
        "login",
        "new",
        "--flow",
        "soap",
        "--login-url",
        "https://acme.lightning.force.com",
    ]);
    let out = run_async(bad).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("https://acme.my.salesforce.com"));
    assert_eq!(snapshot(&dir), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn reauthentication_after_a_password_change_swaps_the_secrets() {
    let sim = sim().await;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("config");
    assert!(
        run_async(demo_login(&dir, sim.login_url(), "prod"))
            .await
            .status
            .success()
    );
    // The admin changes the password; Salesforce resets the token with it.
    let new_token = sim.with_state(|live| {
        let user = live.user_mut(DEMO_USERNAME).unwrap();
        user.password = "New-Pass-2027".into();
        user.security_token = "NewToken0123456789ABCDEF".into();
        user.security_token.clone()
    });
    let mut relogin = sfconnect(&dir);
    relogin
        .args(["login", "prod"])
        .env("SFCONNECT_PASSWORD", "New-Pass-2027")
        .env("SFCONNECT_SECURITY_TOKEN", &new_token);
    let out = run_async(relogin).await;
    assert!(out.status.success(), "{}", text(&out));
    let mut list = sfconnect(&dir);
    list.args(["list", "--json"]);
    let listed: Value = serde_json::from_slice(&run_async(list).await.stdout).unwrap();
    assert_eq!(
        listed[0]["password_expires_in_days"], 90,
        "a new password restarts the 90 days"
    );
    // The saved connection now works with only the stored secrets.
    let mut again = sfconnect(&dir);
    again.args(["login", "prod"]);
    let out = run_async(again).await;
    assert!(out.status.success(), "{}", text(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_corrupt_config_is_refused_and_kept() {
    let sim = sim().await;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("config");
    std::fs::create_dir_all(&dir).unwrap();
    let broken = "version = 1\n[connections.prod]\nflow = \"soap\"\nlogin_url = \n";
    std::fs::write(dir.join(CONFIG_FILE), broken).unwrap();
    let out = run_async(demo_login(&dir, sim.login_url(), "uat")).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("connections.toml:4"), "{stderr}");
    assert!(stderr.contains("Edit line 4"), "{stderr}");
    assert!(
        !stderr.contains("mv "),
        "no advice that drops every connection: {stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join(CONFIG_FILE)).unwrap(),
        broken
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn two_instances_saving_at_once_both_survive() {
    let sim = sim().await;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("config");
    let names: Vec<String> = (0..4).map(|i| format!("conn{i}")).collect();
    let children: Vec<_> = names
        .iter()
        .map(|n| demo_login(&dir, sim.login_url(), n).spawn().unwrap())
        .collect();
    let outputs = tokio::task::spawn_blocking(move || {
        children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    for out in &outputs {
        assert!(out.status.success(), "{}", text(out));
    }
    let mut list = sfconnect(&dir);
    list.args(["list", "--json"]);
    let listed: Value = serde_json::from_slice(&run_async(list).await.stdout).unwrap();
    let saved: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(saved, names.iter().map(String::as_str).collect::<Vec<_>>());
    // And each one's secrets are really there.
    for name in &names {
        let mut c = sfconnect(&dir);
        c.args(["login", name]);
        assert!(run_async(c).await.status.success(), "{name}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_process_killed_mid_save_leaves_the_old_state() {
    let sim = sim().await;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("config");
    assert!(
        run_async(demo_login(&dir, sim.login_url(), "prod"))
            .await
            .status
            .success()
    );
    for failpoint in ["before-rename", "after-secrets-saved"] {
        let before = std::fs::read_to_string(dir.join(CONFIG_FILE)).unwrap();
        let mut cmd = demo_login(&dir, sim.login_url(), "prod");
        cmd.env("SFCONNECT_FAILPOINT", failpoint);
        let out = run_async(cmd).await;
        assert!(!out.status.success(), "{failpoint}: the process was killed");
        let config = std::fs::read_to_string(dir.join(CONFIG_FILE)).unwrap();
        let current = |text: &str| {
            text.lines()
                .find(|l| l.starts_with("secrets = "))
                .map(str::to_string)
        };
        assert_eq!(
            current(&config),
            current(&before),
            "{failpoint}: still the old secrets entry"
        );
        // The old connection still works from its saved secrets alone.
        let mut again = sfconnect(&dir);
        again.args(["login", "prod"]);
        let out = run_async(again).await;
        assert!(out.status.success(), "{failpoint}: {}", text(&out));
    }
    let config = std::fs::read_to_string(dir.join(CONFIG_FILE)).unwrap();
    assert!(
        !config.contains("[[unreferenced]]"),
        "orphans were cleaned up:\n{config}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_instance_waits_for_the_lock_and_says_so() {
    let sim = sim().await;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("config");
    std::fs::create_dir_all(&dir).unwrap();
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join("connections.lock"))
        .unwrap();
    lock.lock().unwrap();
    let child = demo_login(&dir, sim.login_url(), "prod").spawn().unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    drop(lock);
    let started = Instant::now();
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("waiting for another sfconnect"),
        "{}",
        text(&out)
    );
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_session_bus_the_keyring_is_refused_quickly_with_the_file_store_offered() {
    let sim = sim().await;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("config");
    let mut cmd = demo_login(&dir, sim.login_url(), "prod");
    cmd.env("SFCONNECT_STORE", "keyring")
        .env_remove("DBUS_SESSION_BUS_ADDRESS");
    let started = Instant::now();
    let out = run_async(cmd).await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no D-Bus session bus"), "{stderr}");
    assert!(stderr.contains("--store file"), "{stderr}");
    assert!(
        !dir.join(CONFIG_FILE).exists(),
        "nothing saved, nothing fell back"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_passphrase_protected_store_needs_the_passphrase_and_a_wrong_one_changes_nothing() {
    let sim = sim().await;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("config");
    let mut first = demo_login(&dir, sim.login_url(), "prod");
    first.env("SFCONNECT_PASSPHRASE", "correct horse battery");
    let out = run_async(first).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("(passphrase)"),
        "{}",
        text(&out)
    );
    assert!(!dir.join("secrets.key").exists());
    let before = snapshot(&dir);

    let mut none = sfconnect(&dir);
    none.args(["login", "prod"]);
    let out = run_async(none).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("SFCONNECT_PASSPHRASE"),
        "{}",
        text(&out)
    );

    let mut wrong = sfconnect(&dir);
    wrong
        .args(["login", "prod"])
        .env("SFCONNECT_PASSPHRASE", "wrong");
    let out = run_async(wrong).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("passphrase does not open"),
        "{}",
        text(&out)
    );
    assert_eq!(snapshot(&dir), before);

    // For the commands that use the connection, secrets that cannot be opened are 1, whether
    // the passphrase is missing or wrong (as a lost key file is).
    for passphrase in [None, Some("wrong")] {
        for args in [
            vec!["test", "prod"],
            vec!["token", "prod"],
            vec!["export", "prod", "--format", "env"],
        ] {
            let mut c = sfconnect(&dir);
            c.args(&args);
            if let Some(p) = passphrase {
                c.env("SFCONNECT_PASSPHRASE", p);
            }
            let out = run_async(c).await;
            assert_eq!(
                out.status.code(),
                Some(1),
                "{args:?} {passphrase:?}: {}",
                text(&out)
            );
            assert!(out.stdout.is_empty(), "{}", text(&out));
        }
    }

    let mut right = sfconnect(&dir);
    right
        .args(["login", "prod"])
        .env("SFCONNECT_PASSPHRASE", "correct horse battery");
    assert!(run_async(right).await.status.success());
}
