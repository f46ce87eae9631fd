//! JWT key pairs through the wizard's real loop and runtime, against the simulated org (which
//! holds one certificate per app): a re-authentication left after its new pair was made is
//! finished with that pair when the admin comes back.

use std::path::{Path, PathBuf};

use crossterm::event::KeyCode;
use sfconnect::profile::config::Config;
use sfconnect::sim::RunningSim;
use sfconnect::sim::scenario::{DEMO_CONSUMER_KEY, DEMO_USERNAME};

use super::looped::{Looped, cli_login_as, sim, wizard};

/// `sfconnect login NAME --flow jwt` on the demo app, with `extra` options.
fn jwt_login(dir: &Path, sim: &RunningSim, name: &str, extra: &[&str]) {
    let mut args = vec![
        "--flow",
        "jwt",
        "--login-url",
        sim.login_url(),
        "--username",
        DEMO_USERNAME,
        "--client-id",
        DEMO_CONSUMER_KEY,
    ];
    args.extend(extra);
    cli_login_as(dir, name, &args, &[]);
}

/// Upload the certificate beside `key_file` to the demo app, as an admin would in Setup.
async fn upload(sim: &RunningSim, key_file: &Path) {
    let certificate = std::fs::read_to_string(key_file.with_extension("crt")).unwrap();
    let reply = reqwest::Client::new()
        .post(format!("{}/__sim/apps/certificate", sim.login_url()))
        .form(&[
            ("consumer_key", DEMO_CONSUMER_KEY),
            ("certificate", certificate.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert!(reply.status().is_success());
}

fn key_of(dir: &Path, name: &str) -> PathBuf {
    Config::load(dir).unwrap().connections[name]
        .key_file
        .clone()
        .unwrap()
}

/// From the home screen: `r` on the first connection (`j1`), then `choice` on the
/// re-authentication screen, through the guides to the form.
async fn to_the_form(w: &mut Looped, choice: KeyCode) -> String {
    w.wait_for("Saved connections").await;
    w.key(KeyCode::Char('r'));
    let plan = w.wait_for("Re-authenticate 'j1': what happened").await;
    w.key(choice);
    w.wait_for("Setup paths").await;
    w.key(KeyCode::Enter);
    w.wait_for("Private key file").await;
    plan
}

#[tokio::test(flavor = "multi_thread")]
async fn a_jwt_reauthentication_left_after_its_new_pair_is_finished_with_that_pair() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    jwt_login(d, &sim, "j1", &["--generate-key"]);
    upload(&sim, &d.join("keys/j1.key")).await;
    jwt_login(d, &sim, "j1", &[]);
    jwt_login(d, &sim, "j2", &[]);
    let old_key = key_of(d, "j1");
    assert_eq!(key_of(d, "j2"), old_key, "j2 shares j1's key");

    // A new pair for j1, then the admin leaves before the test.
    let mut w = wizard(d);
    to_the_form(&mut w, KeyCode::Char('n')).await;
    w.key(KeyCode::Enter);
    w.wait_for("Made a private key").await;
    w.quit().await;
    let pending = Config::load(d).unwrap().pending_certificates;
    assert_eq!(pending.len(), 1, "{pending:?}");
    let new_key = pending[0].key_file.clone();
    // …and uploads its certificate in Setup meanwhile: the key in use stops.
    upload(&sim, &new_key).await;

    // Back in the wizard, r on j1 offers to finish with that pair, and Enter does.
    let mut w = wizard(d);
    let plan = to_the_form(&mut w, KeyCode::Enter).await;
    assert!(
        plan.contains("A new key pair was made for it on") && plan.contains("Enter finishes"),
        "{plan}"
    );
    w.key(KeyCode::Enter);
    let said = w.wait_for("has stopped already").await;
    assert!(said.contains("'j2'"), "{said}");
    w.key(KeyCode::Enter);
    w.wait_for("All required checks passed").await;
    w.key(KeyCode::Enter);
    w.wait_for("where should the secrets live").await;
    w.key(KeyCode::Char('f'));
    w.key(KeyCode::Enter);
    let saved = w.wait_for("moved to this key").await;
    assert!(saved.contains("'j2'"), "{saved}");
    // Integrations given the old key file's path need the new one.
    w.wait_for("The key file is now").await;
    w.quit().await;

    let config = Config::load(d).unwrap();
    assert!(config.pending_certificates.is_empty());
    assert_eq!(key_of(d, "j1"), new_key);
    assert_eq!(key_of(d, "j2"), new_key);
    assert!(
        !old_key.exists(),
        "the old pair, used by nothing, is deleted"
    );
}
