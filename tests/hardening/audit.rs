//! The secret audit: every command and a wizard session run with planted, unique secret
//! values; then every file under the config dir, every command's stdout and stderr, the
//! terminal output of the wizard, and the argv and environment of the child process sfconnect
//! starts (the notification command) are searched for them. Only `token` and `export` may print
//! a secret, on stdout, because that is what they are for.

use std::path::Path;
use std::process::Output;

use sfconnect::sim::scenario::{DEMO_CONSUMER_KEY, DEMO_USERNAME, Scenario};
use sfconnect::sim::{self, RunningSim, SimOptions};

use super::support::*;

const PASSWORD: &str = "Planted-Pw-9f1c&<>\"'%+ /\\{}[]é";
const TOKEN: &str = "PlantedTok9f1c0123456789";
const CLIENT_SECRET: &str = "PLANTEDSECRET9F1C0123456789ABCDEF";
const WRONG_PASSWORD: &str = "Planted-Wrong-9f1c-Pw";
const PASSPHRASE: &str = "planted passphrase 9f1c";

async fn planted_org() -> RunningSim {
    let mut scenario = Scenario::demo();
    scenario.users[0].password = PASSWORD.into();
    scenario.users[0].security_token = TOKEN.into();
    scenario.apps[0].consumer_secret = CLIENT_SECRET.into();
    sim::start(scenario, SimOptions::default()).await.unwrap()
}

/// Every secret the org knows or issued: the planted ones and each access and refresh token.
fn all_secrets(sim: &RunningSim) -> Vec<String> {
    let mut secrets: Vec<String> = [PASSWORD, TOKEN, CLIENT_SECRET, WRONG_PASSWORD, PASSPHRASE]
        .iter()
        .map(|s| s.to_string())
        .collect();
    sim.with_state(|live| {
        secrets.extend(live.sessions.keys().cloned());
        secrets.extend(live.refresh_tokens.keys().cloned());
    });
    secrets
}

fn find_in(haystack: &[u8], secrets: &[String]) -> Option<String> {
    secrets
        .iter()
        .find(|s| {
            let needle = s.as_bytes();
            haystack.windows(needle.len()).any(|w| w == needle)
        })
        .cloned()
}

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

struct Ran {
    what: String,
    output: Output,
    /// `token` and `export`: stdout is the secret the user asked for.
    prints_secrets: bool,
}

async fn run_one(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Ran {
    let mut cmd = sfconnect(dir);
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    Ran {
        what: args.join(" "),
        output: run_async(cmd).await,
        prints_secrets: matches!(args.first(), Some(&"token" | &"export")),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn no_secret_reaches_a_file_an_output_or_a_child_in_clear() {
    let sim = planted_org().await;
    let url = sim.login_url().to_string();
    let my_domain = sim.instance_url().to_string();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("config");
    let dir = dir.as_path();
    let log = tmp.path().join("notified.log");
    let notify = format!("{{ echo \"argv: $0 $*\"; env; }} >> '{}'", log.display());
    let pw = [
        ("SFCONNECT_PASSWORD", PASSWORD),
        ("SFCONNECT_SECURITY_TOKEN", TOKEN),
    ];
    let app = [
        ("SFCONNECT_PASSWORD", PASSWORD),
        ("SFCONNECT_SECURITY_TOKEN", TOKEN),
        ("SFCONNECT_CLIENT_SECRET", CLIENT_SECRET),
    ];
    let mut ran = Vec::new();
    let login =
        |name: &'static str, flow: &'static str| vec!["login", name, "--flow", flow, "--login-url"];
    let mut args = login("prod", "soap");
    args.extend([url.as_str(), "--username", DEMO_USERNAME]);
    ran.push(run_one(dir, &args, &pw).await);
    let mut args = login("app", "password");
    args.extend([
        url.as_str(),
        "--username",
        DEMO_USERNAME,
        "--client-id",
        DEMO_CONSUMER_KEY,
    ]);
    ran.push(run_one(dir, &args, &app).await);
    let mut args = login("cc", "client-credentials");
    args.extend([my_domain.as_str(), "--client-id", DEMO_CONSUMER_KEY]);
    ran.push(run_one(dir, &args, &[("SFCONNECT_CLIENT_SECRET", CLIENT_SECRET)]).await);
    // A wrong password: the error must not echo it.
    ran.push(
        run_one(
            dir,
            &["login", "prod"],
            &[
                ("SFCONNECT_PASSWORD", WRONG_PASSWORD),
                ("SFCONNECT_SECURITY_TOKEN", TOKEN),
            ],
        )
        .await,
    );
    // Import a refresh token from a browser login, as the seed connector guide describes.
    let refresh = browser_refresh_token(&sim, CLIENT_SECRET).await;
    let mut args = login("rt", "refresh-token");
    args.extend([url.as_str(), "--client-id", DEMO_CONSUMER_KEY]);
    ran.push(
        run_one(
            dir,
            &args,
            &[
                ("SFCONNECT_CLIENT_SECRET", CLIENT_SECRET),
                ("SFCONNECT_REFRESH_TOKEN", &refresh),
            ],
        )
        .await,
    );
    for args in [
        vec!["list"],
        vec!["list", "--json"],
        vec!["test", "prod"],
        vec!["test", "app", "--json"],
        vec!["test", "cc"],
        vec!["test", "rt", "--json"],
        vec!["status"],
        vec!["status", "--json"],
        vec!["token", "prod"],
        vec!["token", "rt", "--fresh"],
        vec!["export", "prod", "--format", "env"],
        vec!["export", "rt", "--format", "json"],
        vec!["export", "rt", "--format", "sfdx-url"],
    ] {
        ran.push(run_one(dir, &args, &[]).await);
    }
    // A change of health runs the notification command: its argv and environment are audited.
    ran.push(
        run_one(
            dir,
            &["status", "--notify", "--notify-command", &notify],
            &[],
        )
        .await,
    );
    sim.with_state(|live| live.scenario.users[0].password_expired = true);
    ran.push(run_one(dir, &["test", "prod"], &pw).await);
    ran.push(
        run_one(
            dir,
            &["status", "--notify", "--notify-command", &notify],
            &pw,
        )
        .await,
    );
    ran.push(run_one(dir, &["remove", "rt"], &[]).await);

    for r in &ran {
        assert!(
            !String::from_utf8_lossy(&r.output.stderr).contains("panicked"),
            "{}: {}",
            r.what,
            text(&r.output)
        );
    }
    let secrets = all_secrets(&sim);
    assert!(secrets.len() > 6, "the org issued tokens to audit");
    for r in &ran {
        if let Some(s) = find_in(&r.output.stderr, &secrets) {
            panic!("`{}` wrote a secret ({} chars) to stderr", r.what, s.len());
        }
        if !r.prints_secrets
            && let Some(s) = find_in(&r.output.stdout, &secrets)
        {
            panic!("`{}` wrote a secret ({} chars) to stdout", r.what, s.len());
        }
    }
    let notified = std::fs::read(&log).expect("the notification command ran");
    assert!(String::from_utf8_lossy(&notified).contains("SFCONNECT_STATUS="));
    assert!(
        find_in(&notified, &secrets).is_none(),
        "a secret reached the notification command"
    );
    let written = files(dir);
    assert!(written.iter().any(|f| f.ends_with("secrets.age")));
    let logged: Vec<_> = written
        .iter()
        .filter(|f| f.starts_with(dir.join(LOGS)))
        .collect();
    assert!(
        !logged.is_empty(),
        "the commands wrote their log, and it is audited"
    );
    let log_text: String = logged
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    // With their port: the login host and the My Domain host differ only by it here.
    assert!(
        log_text.contains(&format!("POST {url}/services/")),
        "requests are logged with host and port: {log_text}"
    );
    for file in written {
        let bytes = std::fs::read(&file).unwrap();
        assert!(
            find_in(&bytes, &secrets).is_none(),
            "{} holds a secret in clear",
            file.display()
        );
    }
}

/// The wizard, on a real terminal: typed and pasted secrets are never drawn, and what it saves
/// holds none in clear.
#[test]
fn the_wizard_never_draws_or_writes_a_secret() {
    use super::wizard::{new_connection, soap_form};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(planted_org());
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join(LOGS).display().to_string();
    let mut s = new_connection(
        sim.login_url(),
        dir.path(),
        &[],
        &[
            ("SFCONNECT_PASSPHRASE", PASSPHRASE),
            ("SFCONNECT_LOG_DIR", &logs),
            ("SFCONNECT_LOG", "trace"),
        ],
    );
    soap_form(&mut s);
    s.send(DEMO_USERNAME);
    s.send("\t");
    s.send(PASSWORD); // typed, key by key
    s.send("\t");
    s.paste(TOKEN);
    s.send("\x1b[12~"); // F2: reveal the token on screen, as the user asked
    s.send("\x1b[12~"); // and hide it again
    s.send("\r");
    s.wait_for("All required checks passed");
    s.send("\r");
    s.wait_for("where should the secrets live");
    s.send("f");
    s.send("\r");
    s.wait_for("Saved connection 'w'");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
    let secrets = all_secrets(&sim);
    let raw = s.raw();
    let logged = files(&dir.path().join(LOGS));
    assert!(!logged.is_empty(), "the wizard wrote its log");
    // The password was never revealed: not in anything written to the terminal.
    assert!(
        find_in(&raw, &[PASSWORD.to_string()]).is_none(),
        "the password was drawn"
    );
    for file in files(dir.path()) {
        let bytes = std::fs::read(&file).unwrap();
        assert!(
            find_in(&bytes, &secrets).is_none(),
            "{} holds a secret",
            file.display()
        );
    }
}
