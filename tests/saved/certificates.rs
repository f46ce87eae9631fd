//! One certificate per app, through the binary against the simulated org (which, as
//! Salesforce, holds one certificate per app and replaces it on upload): a second connection
//! shares the first's key, a forced new pair moves the others, an abandoned rotation is
//! warned about, and certificate expiry is counted like a password's.

use std::path::Path;

use serde_json::Value;
use sfconnect::sim::RunningSim;
use sfconnect::sim::scenario::{DEMO_CONSUMER_KEY, DEMO_USERNAME};

use super::support::{run_async, sfconnect, sim, snapshot, text, upload_certificate};

/// `sfconnect login NAME --flow jwt` on the demo app, with `extra` options.
fn jwt_login(dir: &Path, sim: &RunningSim, name: &str, extra: &[&str]) -> std::process::Command {
    let mut c = sfconnect(dir);
    c.args([
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
    ])
    .args(extra);
    c
}

async fn sf(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let mut c = sfconnect(dir);
    c.args(args);
    let out = run_async(c).await;
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn key_of(dir: &Path, name: &str) -> String {
    let config = sfconnect::profile::Config::load(dir).unwrap();
    config.connections[name]
        .key_file
        .as_ref()
        .unwrap()
        .display()
        .to_string()
}

/// `jwt1` saved with a pair made for it and uploaded.
async fn first_jwt(dir: &Path, sim: &RunningSim) {
    let out = run_async(jwt_login(dir, sim, "jwt1", &["--generate-key"])).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    upload_certificate(sim, dir, "jwt1").await;
    let out = run_async(jwt_login(dir, sim, "jwt1", &[])).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[tokio::test]
async fn a_second_connection_on_an_app_uses_the_first_ones_key_and_both_keep_working() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    first_jwt(d, &sim).await;
    let out = run_async(jwt_login(d, &sim, "jwt2", &[])).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("using the key pair of 'jwt1'"),
        "{}",
        text(&out)
    );
    assert_eq!(key_of(d, "jwt2"), key_of(d, "jwt1"));
    for name in ["jwt1", "jwt2"] {
        let (code, _, err) = sf(d, &["test", name]).await;
        assert_eq!(code, Some(0), "{name}: {err}");
    }
    // Removing one keeps the pair the other uses.
    let (code, _, err) = sf(d, &["remove", "jwt1", "--yes", "--no-revoke"]).await;
    assert_eq!(code, Some(0), "{err}");
    assert!(Path::new(&key_of(d, "jwt2")).is_file());
    let (code, _, err) = sf(d, &["test", "jwt2"]).await;
    assert_eq!(code, Some(0), "{err}");
}

#[tokio::test]
async fn a_new_pair_for_a_shared_app_is_confirmed_and_the_others_move_to_it_once_it_passes() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    first_jwt(d, &sim).await;
    let out = run_async(jwt_login(d, &sim, "jwt2", &[])).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let old_key = key_of(d, "jwt1");

    // The new pair is made with a warning before the upload, and noted.
    let out = run_async(jwt_login(d, &sim, "jwt3", &["--generate-key"])).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let said = text(&out);
    assert!(said.contains("'jwt1' and 'jwt2'"), "{said}");
    assert!(said.contains("only this new key works"), "{said}");
    let (code, stdout, _) = sf(d, &["status"]).await;
    assert_eq!(code, Some(1), "a rotation under way is a warning: {stdout}");
    assert_eq!(
        stdout
            .matches("the app's certificate may have changed")
            .count(),
        2,
        "{stdout}"
    );

    // Using it without the confirmation is refused, naming who would stop.
    let new_key = d.join("keys/jwt3.key").display().to_string();
    let before = snapshot(d);
    let out = run_async(jwt_login(d, &sim, "jwt3", &["--key-file", &new_key])).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("'jwt1' and 'jwt2' log in through this app"));
    assert!(text(&out).contains("--replace-certificate"));
    assert_eq!(snapshot(d), before, "nothing changed");

    // The upload stops the others at once, as in Salesforce.
    upload_certificate(&sim, d, "jwt3").await;
    let (code, _, _) = sf(d, &["test", "jwt1"]).await;
    assert_eq!(code, Some(1), "the app holds the new certificate now");

    let out = run_async(jwt_login(
        d,
        &sim,
        "jwt3",
        &["--key-file", &new_key, "--replace-certificate", "--json"],
    ))
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let moved: Vec<(&str, bool)> = report["moved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["name"].as_str().unwrap(), m["ok"].as_bool().unwrap()))
        .collect();
    assert_eq!(moved, [("jwt1", true), ("jwt2", true)]);
    assert_eq!(report["deleted_keys"][0], old_key.as_str());
    assert!(!Path::new(&old_key).exists(), "the old pair is deleted");
    for name in ["jwt1", "jwt2", "jwt3"] {
        assert_eq!(key_of(d, name), new_key);
        let (code, _, err) = sf(d, &["test", name]).await;
        assert_eq!(code, Some(0), "{name}: {err}");
    }
    let (code, stdout, _) = sf(d, &["status"]).await;
    assert_eq!(code, Some(0), "the rotation is settled: {stdout}");
}

#[tokio::test]
async fn a_rotation_abandoned_halfway_keeps_the_old_key_and_says_the_certificate_may_have_changed()
{
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    first_jwt(d, &sim).await;
    let old_key = key_of(d, "jwt1");
    let out = run_async(jwt_login(d, &sim, "jwt1", &["--generate-key"])).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("only this new key works"));
    let new_key = d.join("keys/jwt1-2.key");
    assert!(new_key.is_file());
    // The admin uploads, then leaves.
    upload_certificate(&sim, d, "jwt1-2").await;
    assert_eq!(key_of(d, "jwt1"), old_key, "still the old key");
    let (code, stdout, _) = sf(d, &["status", "jwt1"]).await;
    assert_eq!(code, Some(1));
    assert!(
        stdout.contains("the app's certificate may have changed")
            && stdout.contains(&new_key.display().to_string()),
        "{stdout}"
    );
    // Its test, refused, points at the pair to finish with, not at uploading the old one again.
    let (code, stdout, stderr) = sf(d, &["test", "jwt1"]).await;
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    let said = format!("{stdout}{stderr}");
    assert!(
        said.contains("most likely holds the certificate of the new key pair made for 'jwt1'"),
        "{said}"
    );
    assert!(
        !said.contains("the certificate that belongs to this key"),
        "{said}"
    );
    // Finishing it: the connection's own key changes, so no confirmation is needed.
    let key = new_key.display().to_string();
    let out = run_async(jwt_login(d, &sim, "jwt1", &["--key-file", &key])).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!Path::new(&old_key).exists(), "the old pair is deleted");
    let (code, stdout, _) = sf(d, &["status", "jwt1"]).await;
    assert_eq!(code, Some(0), "{stdout}");
}

/// `status ARGS` as of `now`.
async fn status_at(dir: &Path, now: std::time::SystemTime, args: &[&str]) -> (Option<i32>, String) {
    let mut c = sfconnect(dir);
    c.arg("status")
        .args(args)
        .env("SFCONNECT_NOW", humantime::format_rfc3339(now).to_string());
    let out = run_async(c).await;
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[tokio::test]
async fn certificate_expiry_is_warned_about_like_a_password_at_the_windows_edges() {
    use std::time::Duration;
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    first_jwt(d, &sim).await;
    let config = sfconnect::profile::Config::load(d).unwrap();
    let ends = config.connections["jwt1"].certificate_expires_at.unwrap();
    let day = Duration::from_secs(86_400);

    let (code, out) = status_at(d, ends - 15 * day, &[]).await;
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("certificate expires in 15 days"), "{out}");
    let (code, out) = status_at(d, ends - 14 * day, &[]).await;
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("expiring: certificate expires in 14 days"),
        "{out}"
    );
    let (code, out) = status_at(d, ends + Duration::from_secs(1), &[]).await;
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("failing: the certificate has expired"),
        "{out}"
    );

    let (_, out) = status_at(d, ends - 14 * day, &["--json"]).await;
    let rows: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(rows[0]["health"], "expiring");
    assert_eq!(rows[0]["certificate_expires_in_days"], 14);
    assert_eq!(
        rows[0]["certificate_expires_at"],
        humantime::format_rfc3339_seconds(ends).to_string()
    );
    let (_, out) = status_at(d, ends - 14 * day, &["--format", "prometheus"]).await;
    let seconds = ends
        .duration_since(std::time::SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(
        out.contains("sfconnect_certificate_expiry_timestamp_seconds{name=\"jwt1\"")
            && out.contains(&format!(" {seconds}\n")),
        "{out}"
    );

    // A login with a certificate that ends within 30 days says so, whatever its outcome.
    let at = |t: std::time::SystemTime| humantime::format_rfc3339_seconds(t).to_string();
    let mut soon = jwt_login(d, &sim, "jwt1", &[]);
    soon.env(
        "SFCONNECT_NOW",
        at(ends - 29 * day - Duration::from_secs(60)),
    );
    let out = text(&run_async(soon).await);
    assert!(
        out.contains("ends in 29 days: the connection stops then"),
        "{out}"
    );
    let mut later = jwt_login(d, &sim, "jwt1", &[]);
    later.env("SFCONNECT_NOW", at(ends - 31 * day));
    let out = text(&run_async(later).await);
    assert!(!out.contains("ends in"), "{out}");

    // A key given without its certificate: the end date is unknown, and how to tell it.
    let key = d.join("elsewhere.key");
    std::fs::copy(key_of(d, "jwt1"), &key).unwrap();
    let key = key.display().to_string();
    let out = run_async(jwt_login(d, &sim, "bare", &["--key-file", &key])).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let (code, out) = status_at(d, std::time::SystemTime::now(), &["bare"]).await;
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains(
            "the certificate's end date is unknown: keep the certificate beside the key as"
        ) && out.contains("elsewhere.crt"),
        "{out}"
    );
}

#[tokio::test]
async fn a_pair_made_and_never_uploaded_is_dropped_once_the_apps_key_passes() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    first_jwt(d, &sim).await;
    // A pair made for jwt2 (the app's connections are told their certificate may change)…
    let out = run_async(jwt_login(d, &sim, "jwt2", &["--generate-key"])).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let (code, out, _) = sf(d, &["status", "jwt1"]).await;
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("may have changed"), "{out}");
    // …then jwt2 is saved with the app's key after all: its pass proves the app holds that
    // certificate, so the unused pair is pending no more and goes.
    let out = run_async(jwt_login(d, &sim, "jwt2", &[])).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("The new pair made for 'jwt2' on")
            && text(&out).contains("was not the app's certificate, since this key passed: it is no longer pending, and was deleted"),
        "said once, for what it is: {}",
        text(&out)
    );
    assert!(
        !text(&out).contains("Deleted the key pair"),
        "{}",
        text(&out)
    );
    assert_eq!(key_of(d, "jwt2"), key_of(d, "jwt1"));
    let config = sfconnect::profile::Config::load(d).unwrap();
    assert!(config.pending_certificates.is_empty());
    assert!(!d.join("keys/jwt2.key").exists() && !d.join("keys/jwt2.crt").exists());
    for name in ["jwt1", "jwt2"] {
        let (code, out, _) = sf(d, &["status", name]).await;
        assert_eq!(code, Some(0), "{name}: {out}");
    }
}

#[tokio::test]
async fn the_login_that_follows_a_new_pair_for_a_new_connection_works_as_printed() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    first_jwt(d, &sim).await;
    let out = run_async(jwt_login(d, &sim, "jwt4", &["--generate-key"])).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    let line = err
        .lines()
        .find(|l| l.contains("Then: sfconnect login jwt4"))
        .unwrap_or_else(|| panic!("{err}"));
    let args: Vec<&str> = line
        .split("Then: sfconnect ")
        .nth(1)
        .unwrap()
        .trim_end_matches('.')
        .split(' ')
        .collect();
    upload_certificate(&sim, d, "jwt4").await;
    let (code, _, err) = sf(d, &args).await;
    assert_eq!(code, Some(0), "{args:?}: {err}");
}
