//! The command line as scripts use it: closed pipes, secrets from stdin and files, exit codes
//! as the README's table gives them, help that names them, and logins that never replace what
//! another process saved meanwhile.

use std::process::{Command, Stdio};

use sfconnect::sim::scenario::{DEMO_PASSWORD, DEMO_TOKEN, DEMO_USERNAME};

use super::support::*;

fn cmd(dir: &std::path::Path, args: &[&str]) -> Command {
    let mut c = sfconnect(dir);
    c.args(args);
    c
}

/// The exit code of `command` with stdout and stderr both pipes whose reading end is already
/// closed, as `| head -1` leaves them once it has its line.
fn code_with_closed_pipes(mut command: Command) -> Option<i32> {
    let (out_reader, out_writer) = std::io::pipe().unwrap();
    let (err_reader, err_writer) = std::io::pipe().unwrap();
    drop((out_reader, err_reader));
    command.stdout(out_writer).stderr(err_writer);
    command.status().unwrap().code()
}

#[tokio::test(flavor = "multi_thread")]
async fn closed_pipes_never_panic_and_keep_the_documented_codes() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let saved = tokio::task::spawn_blocking({
        let (d, url) = (d.to_path_buf(), sim.login_url().to_string());
        move || code_with_closed_pipes(demo_login(&d, &url, "prod"))
    });
    assert_eq!(saved.await.unwrap(), Some(0), "login | head -4");
    for (args, code) in [
        (vec!["test", "prod"], 0),
        (vec!["test", "prod", "--json"], 0),
        (vec!["list"], 0),
        (vec!["status"], 0),
        (vec!["completions", "bash"], 0),
        (vec!["--help"], 0),
        (vec!["test", "nope"], 2),
    ] {
        let command = cmd(d, &args);
        let got = tokio::task::spawn_blocking(move || code_with_closed_pipes(command))
            .await
            .unwrap();
        assert_eq!(got, Some(code), "{args:?} with closed pipes");
    }
    // A failing login, whose report is long, still exits 1.
    let wrong = soap_login(d, sim.login_url(), "prod", "wrong-password", DEMO_TOKEN);
    let got = tokio::task::spawn_blocking(move || code_with_closed_pipes(wrong))
        .await
        .unwrap();
    assert_eq!(got, Some(1));
}

/// `sfconnect login prod --flow soap` against the simulated org, with no secret in the
/// environment: the test gives them another way.
fn bare_soap_login(dir: &std::path::Path, url: &str, extra: &[&str]) -> Command {
    let mut c = cmd(
        dir,
        &[
            "login",
            "prod",
            "--flow",
            "soap",
            "--login-url",
            url,
            "--username",
            DEMO_USERNAME,
        ],
    );
    c.args(extra);
    c
}

/// Run `command` with `input` on its stdin, then its end.
async fn with_stdin(mut command: Command, input: String) -> std::process::Output {
    command.stdin(Stdio::piped());
    let mut child = command.spawn().unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(input.as_bytes()).unwrap();
    }
    tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn secrets_come_from_stdin_one_line_each_or_from_files() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    // stdin: the password's line, then the token's.
    let login = bare_soap_login(
        dir.path(),
        sim.login_url(),
        &["--security-token-stdin", "--password-stdin"],
    );
    let out = with_stdin(login, format!("{DEMO_PASSWORD}\n{DEMO_TOKEN}\n")).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // The saved line and `list` show the same URL: the one the connection logs in at.
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    let listed = run_async(cmd(dir.path(), &["list"])).await;
    let listed = String::from_utf8_lossy(&listed.stdout).to_string();
    let url = said
        .split(['(', ')'])
        .nth(1)
        .unwrap_or_default()
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{said}");
    assert!(listed.contains(&url), "{said} / {listed}");

    // Stdin that ends early says which line was missing, and changes nothing.
    let before = snapshot(dir.path());
    let short = bare_soap_login(
        dir.path(),
        sim.login_url(),
        &["--password-stdin", "--security-token-stdin"],
    );
    let out = with_stdin(short, format!("{DEMO_PASSWORD}\n")).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("SFCONNECT_SECURITY_TOKEN"), "{err}");
    assert_eq!(snapshot(dir.path()), before);

    // Files named by *_FILE variables, their trailing newline dropped.
    let secrets = tempfile::tempdir().unwrap();
    let (pw, token) = (secrets.path().join("pw"), secrets.path().join("token"));
    std::fs::write(&pw, format!("{DEMO_PASSWORD}\n")).unwrap();
    std::fs::write(&token, format!("{DEMO_TOKEN}\n")).unwrap();
    let mut from_files = bare_soap_login(dir.path(), sim.login_url(), &[]);
    from_files
        .env("SFCONNECT_PASSWORD_FILE", &pw)
        .env("SFCONNECT_SECURITY_TOKEN_FILE", &token);
    let out = run_async(from_files).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.starts_with("Re-authenticated 'prod'"), "{said}");

    // An unreadable file is a usage error naming its variable.
    let mut missing = bare_soap_login(dir.path(), sim.login_url(), &[]);
    missing.env("SFCONNECT_PASSWORD_FILE", secrets.path().join("nope"));
    let out = run_async(missing).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("SFCONNECT_PASSWORD_FILE"),
        "{}",
        text(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn exit_codes_match_the_readme_table() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Unknown names are usage errors for every command that takes one.
    for args in [
        vec!["token", "nope"],
        vec!["status", "nope"],
        vec!["test", "nope"],
        vec!["remove", "nope"],
        vec!["export", "nope", "--format", "env"],
    ] {
        let out = run_async(cmd(d, &args)).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
    }
    // A JWT key file that is not a PEM key is a usage error, found before any network call:
    // the login URL is a port nobody listens on, which would fail with 1.
    let bad_key = d.join("not-a-key.pem");
    std::fs::write(&bad_key, "not a key\n").unwrap();
    let out = run_async(cmd(
        d,
        &[
            "login",
            "j",
            "--flow",
            "jwt",
            "--login-url",
            "http://127.0.0.1:9",
            "--username",
            DEMO_USERNAME,
            "--client-id",
            "3MVG9x",
            "--key-file",
            bad_key.to_str().unwrap(),
        ],
    ))
    .await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("is not an RSA private key in PEM form"),
        "{err}"
    );
    assert!(!err.contains("Checking"), "no network call: {err}");
    // A bad SFCONNECT_TIMEOUT is a usage error that names the variable.
    let mut timeout = cmd(d, &["list"]);
    timeout.env("SFCONNECT_TIMEOUT", "abc");
    let out = run_async(timeout).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("SFCONNECT_TIMEOUT=\"abc\""),
        "{}",
        text(&out)
    );
    // With SFCONNECT_CONFIG_DIR set, a usage line does not show --config-dir as required.
    let out = run_async(cmd(d, &["test"])).await;
    assert_eq!(out.status.code(), Some(2));
    let usage = String::from_utf8_lossy(&out.stderr);
    assert!(usage.contains("Usage: sfconnect test"), "{usage}");
    assert!(!usage.contains("--config-dir <DIR>"), "{usage}");
    // status with nothing saved says how to add one, and is healthy.
    let out = run_async(cmd(d, &["status"])).await;
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("sfconnect setup"));
    for args in [vec!["status"], vec!["list"]] {
        let out = run_async(cmd(d, &args)).await;
        assert!(
            out.stdout.is_empty(),
            "{args:?}: a line per connection, and there is none"
        );
    }
    // A saved, healthy connection: 0 for status and test; remove of it: 0.
    let out = run_async(demo_login(d, sim.login_url(), "prod")).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = run_async(cmd(d, &["test", "prod"])).await;
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        !report.contains(" 1 active users") && !report.contains(" 1 licenses"),
        "{report}"
    );
    for args in [vec!["status"], vec!["test", "prod"]] {
        let out = run_async(cmd(d, &args)).await;
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", text(&out));
    }
    // A password connection has no refresh token to give as an sfdx-url: a usage error.
    let out = run_async(cmd(d, &["export", "prod", "--format", "sfdx-url"])).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("--format env or json"),
        "{}",
        text(&out)
    );
    // Secrets that cannot be opened (the key file is gone) make the connection unusable: 1,
    // for every command, and plain `status` (which decrypts nothing) says so too.
    let key = d.join("secrets.key");
    let kept = std::fs::read(&key).unwrap();
    std::fs::remove_file(&key).unwrap();
    for args in [
        vec!["test", "prod"],
        vec!["token", "prod"],
        vec!["export", "prod", "--format", "sfdx-url"],
        vec!["status"],
        vec!["status", "prod"],
    ] {
        let out = run_async(cmd(d, &args)).await;
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", text(&out));
        assert!(
            text(&out).contains("secrets.key is missing"),
            "{args:?}: {}",
            text(&out)
        );
    }
    let out = run_async(cmd(d, &["status", "--json"])).await;
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["health"], "failing", "{rows}");
    // A re-authentication cannot open the saved secrets either: 1, nothing changed.
    let out = run_async(demo_login(d, sim.login_url(), "prod")).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    // As JSON the error says what happened, and its fix what to do; export's JSON too.
    for args in [
        vec!["token", "prod", "--json"],
        vec!["export", "prod", "--format", "json"],
    ] {
        let out = run_async(cmd(d, &args)).await;
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", text(&out));
        let error: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let error = &error["error"];
        assert!(
            !error["message"].as_str().unwrap().contains('\n'),
            "{error}"
        );
        assert!(
            error["fix"].as_str().unwrap().contains("Restore"),
            "{error}"
        );
    }
    std::fs::write(&key, kept).unwrap();
    let out = run_async(cmd(d, &["remove", "prod"])).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn help_names_the_exit_codes_and_every_secret_variable() {
    let dir = tempfile::tempdir().unwrap();
    for args in [vec!["--help"], vec!["login", "--help"]] {
        let out = cmd(dir.path(), &args).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(help.contains("Exit codes"), "{args:?}: {help}");
        for var in [
            "SFCONNECT_PASSWORD",
            "SFCONNECT_SECURITY_TOKEN",
            "SFCONNECT_CLIENT_SECRET",
            "SFCONNECT_REFRESH_TOKEN",
            "SFCONNECT_PASSPHRASE",
        ] {
            assert!(help.contains(var), "{args:?} names {var}: {help}");
        }
    }
}

#[test]
fn each_commands_help_names_its_exit_codes_and_only_the_options_it_uses() {
    let dir = tempfile::tempdir().unwrap();
    let help = |command: &str| {
        let out = cmd(dir.path(), &[command, "--help"]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{command} --help");
        String::from_utf8(out.stdout).unwrap()
    };
    let commands = [
        "login",
        "list",
        "status",
        "test",
        "token",
        "export",
        "watch",
        "completions",
        "remove",
        "sim",
        "demo",
        "setup",
        "reauth",
        "manpages",
        "copy",
    ];
    for command in commands {
        let text = help(command);
        assert!(text.contains("Exit codes"), "{command}: {text}");
        // Where new secrets go is a login's choice only.
        let store = ["login", "setup", "reauth"].contains(&command);
        assert_eq!(text.contains("--store"), store, "{command}: {text}");
        let local = ["sim", "demo", "completions", "manpages"].contains(&command);
        assert_eq!(text.contains("--config-dir"), !local, "{command}: {text}");
        let asks_salesforce =
            !["list", "sim", "demo", "completions", "manpages"].contains(&command);
        assert_eq!(
            text.contains("--timeout"),
            asks_salesforce,
            "{command}: {text}"
        );
    }
    // Hidden is not refused: scripts that pass the global options everywhere keep working.
    let out = cmd(dir.path(), &["list", "--store", "file", "--timeout", "5"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = cmd(dir.path(), &["list", "--timeout", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "still checked: {}", text(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_login_never_replaces_what_another_process_saved_meanwhile() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let scratch = tempfile::tempdir().unwrap();
    // A begins while the name is free and is held after its checks passed.
    let a = Paused::start(
        demo_login(dir.path(), sim.login_url(), "prod"),
        "login-checked",
        scratch.path(),
    );
    // B saves the same name meanwhile.
    let out = run_async(demo_login(dir.path(), sim.login_url(), "prod")).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let theirs = snapshot(dir.path());
    let out = a.finish().await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("was saved by another sfconnect while this ran"),
        "{err}"
    );
    assert_eq!(snapshot(dir.path()), theirs, "B's connection is untouched");

    // The same for a re-authentication: C re-authenticates 'prod' while A' is held.
    let second = tempfile::tempdir().unwrap();
    let a = Paused::start(
        demo_login(dir.path(), sim.login_url(), "prod"),
        "login-checked",
        second.path(),
    );
    let out = run_async(demo_login(dir.path(), sim.login_url(), "prod")).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let theirs = snapshot(dir.path());
    let out = a.finish().await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("was saved by another sfconnect while this ran"),
        "{}",
        text(&out)
    );
    assert_eq!(snapshot(dir.path()), theirs);
}

/// `sfconnect login web --flow web` against `sim` with the demo app's consumer key, plus `extra`.
fn web_login(dir: &std::path::Path, sim: &sfconnect::sim::RunningSim, extra: &[&str]) -> Command {
    let mut login = cmd(
        dir,
        &[
            "login",
            "web",
            "--flow",
            "web",
            "--login-url",
            sim.login_url(),
            "--client-id",
            sfconnect::sim::scenario::DEMO_CONSUMER_KEY,
        ],
    );
    login.args(extra);
    login
}

/// `sfconnect login web --flow web --no-browser` against `sim` (with `secret` as the consumer
/// secret when given), its stdin piped: the child, the authorize URL it printed, what it said
/// before it, and the rest of its stderr.
fn start_paste_login(
    dir: &std::path::Path,
    sim: &sfconnect::sim::RunningSim,
    secret: Option<&str>,
) -> (
    std::process::Child,
    String,
    Vec<String>,
    std::io::Lines<std::io::BufReader<std::process::ChildStderr>>,
) {
    use std::io::{BufRead, BufReader};
    let mut login = web_login(dir, sim, &["--no-browser"]);
    if let Some(secret) = secret {
        login.env("SFCONNECT_CLIENT_SECRET", secret);
    }
    login.stdin(Stdio::piped());
    let mut child = login.spawn().unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut before = Vec::new();
    let url = loop {
        let line = lines.next().expect("the authorize URL is printed").unwrap();
        if line.contains("/services/oauth2/authorize?") {
            break line.trim().to_string();
        }
        before.push(line);
    };
    (child, url, before, lines)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_browser_login_without_the_consumer_secret_says_so_first_and_names_it_missing() {
    use std::io::Write;
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (mut child, url, before_url, lines) = start_paste_login(dir.path(), &sim, None);
    let said = before_url.join("\n");
    assert!(
        said.contains("no consumer secret was given (SFCONNECT_CLIENT_SECRET"),
        "{said}"
    );
    // The user logs in in the browser; the app then refuses the missing secret.
    let location = browser_redirect(&url).await;
    writeln!(child.stdin.take().unwrap(), "{location}").unwrap();
    let (status, rest) = tokio::task::spawn_blocking(move || {
        let rest: Vec<String> = lines.map_while(Result::ok).collect();
        (child.wait().unwrap(), rest.join("\n"))
    })
    .await
    .unwrap();
    assert_eq!(status.code(), Some(1), "{rest}");
    assert!(rest.contains("it is missing, not wrong"), "{rest}");
    assert!(!rest.contains("The consumer secret is wrong"), "{rest}");
}

#[tokio::test(flavor = "multi_thread")]
async fn one_refresh_token_is_never_saved_for_two_connections() {
    use sfconnect::sim::scenario::{DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET};
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let import = |name: &str, refresh: &str| {
        let mut c = cmd(
            dir.path(),
            &[
                "login",
                name,
                "--flow",
                "refresh-token",
                "--login-url",
                sim.login_url(),
                "--client-id",
                DEMO_CONSUMER_KEY,
            ],
        );
        c.env("SFCONNECT_REFRESH_TOKEN", refresh)
            .env("SFCONNECT_CLIENT_SECRET", DEMO_CONSUMER_SECRET);
        c
    };
    // A refresh token as an admin would get one elsewhere (one browser login).
    let first = browser_refresh_token(&sim, DEMO_CONSUMER_SECRET).await;
    let out = run_async(import("connector", &first)).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let before = snapshot(dir.path());
    let out = run_async(import("copy", &first)).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("saved already for 'connector'"), "{err}");
    assert_eq!(snapshot(dir.path()), before, "nothing saved");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hand_broken_entry_names_its_line_and_stops_only_itself() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for name in ["good", "bad"] {
        let out = run_async(demo_login(d, sim.login_url(), name)).await;
        assert!(out.status.success(), "{}", text(&out));
    }
    // A typo in 'bad''s flow, by hand.
    let file = d.join(sfconnect::profile::config::CONFIG_FILE);
    let config = std::fs::read_to_string(&file).unwrap();
    let header = config.find("[connections.bad]").unwrap();
    let at = header + config[header..].find("flow = \"soap\"").unwrap();
    let broken = format!(
        "{}flow = \"sop\"{}",
        &config[..at],
        &config[at + "flow = \"soap\"".len()..]
    );
    let line = broken[..at].matches('\n').count() + 1;
    std::fs::write(&file, &broken).unwrap();
    let where_ = format!("connections.toml:{line}: key 'flow'");

    // The good one keeps working.
    let out = run_async(cmd(d, &["test", "good"])).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // The bad one is named, with the line to edit.
    for args in [vec!["test", "bad"], vec!["token", "bad"]] {
        let out = run_async(cmd(d, &args)).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&where_), "{args:?}: {err}");
        assert!(err.contains("connection 'bad'"), "{err}");
        assert!(!err.contains("mv "), "{err}");
    }
    // status (of it alone, or of all) names it and counts it as failing; list --json lists it.
    let out = run_async(cmd(d, &["status", "bad"])).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&where_),
        "{}",
        text(&out)
    );
    let out = run_async(cmd(d, &["list", "--json"])).await;
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let bad = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "bad");
    assert!(
        bad.is_some_and(|b| b["health"] == "failing"
            && b["error"]["message"].as_str().unwrap().contains(&where_)),
        "{listed}"
    );
    let out = run_async(cmd(d, &["status"])).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("bad: failing") && said.contains(&where_),
        "{said}"
    );
    assert!(said.contains("good"), "{said}");
    // A misspelt key is named too, never silently ignored.
    let before_typo = std::fs::read_to_string(&file).unwrap();
    let good_at = before_typo.find("[connections.good]").unwrap();
    let key_at = good_at + before_typo[good_at..].find("username = ").unwrap();
    let typo = format!(
        "{}usrname = {}",
        &before_typo[..key_at],
        &before_typo[key_at + "username = ".len()..]
    );
    let typo_line = typo[..key_at].matches('\n').count() + 1;
    std::fs::write(&file, &typo).unwrap();
    let out = run_async(cmd(d, &["status"])).await;
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains(&format!(
            "connections.toml:{typo_line}: key 'usrname': unknown field"
        )),
        "{said}"
    );
    std::fs::write(&file, &broken).unwrap();
    // A re-authentication of the good one keeps the bad entry as it was, to be fixed.
    let out = run_async(demo_login(d, sim.login_url(), "good")).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("flow = \"sop\"")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn json_everywhere_with_one_vocabulary_and_errors_as_json() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let json = |out: &std::process::Output| -> serde_json::Value {
        serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("not JSON: {}", text(out)))
    };
    // login --json: what was saved.
    let mut login = demo_login(d, sim.login_url(), "prod");
    login.arg("--json");
    let out = run_async(login).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let saved = json(&out);
    assert_eq!(saved["name"], "prod");
    assert_eq!(saved["saved"], true);
    assert_eq!(saved["replaced"], false);
    // The store as `list` names it.
    assert_eq!(saved["store"], "file");
    // A failing login --json: the error as JSON on stdout, exit 1 as ever.
    let mut wrong = soap_login(d, sim.login_url(), "prod", "wrong-password", DEMO_TOKEN);
    wrong.arg("--json");
    let out = run_async(wrong).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let error = json(&out);
    assert_eq!(error["error"]["cause"], "invalid_login", "{error}");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("unchanged"),
        "{error}"
    );
    // Usage errors too, for every --json command.
    for args in [
        vec!["test", "nope", "--json"],
        vec!["token", "nope", "--json"],
        vec!["status", "nope", "--json"],
        vec!["remove", "nope", "--json"],
    ] {
        let out = run_async(cmd(d, &args)).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let error = json(&out);
        assert_eq!(error["error"]["cause"], "usage", "{args:?}: {error}");
        assert!(
            error["error"]["message"].as_str().unwrap().contains("nope"),
            "{error}"
        );
    }
    // token --json.
    let out = run_async(cmd(d, &["token", "prod", "--json"])).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let token = json(&out);
    assert_eq!(token["name"], "prod");
    assert!(
        token["access_token"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );
    assert_eq!(token["instance_url"], sim.instance_url());
    // status --json carries the last test's summary.
    let out = run_async(cmd(d, &["status", "--json"])).await;
    let status = json(&out);
    assert!(status[0]["last_test"]["summary"].is_string(), "{status}");
    // remove --json.
    let out = run_async(cmd(d, &["remove", "prod", "--no-revoke", "--json"])).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let removed = json(&out);
    assert_eq!(removed["name"], "prod");
    assert_eq!(removed["removed"], true);
    assert_eq!(removed["revocation"], "skipped");
}

#[tokio::test(flavor = "multi_thread")]
async fn watch_says_once_what_it_watches_then_a_json_line_per_change() {
    use std::io::{BufRead, BufReader};
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let out = run_async(demo_login(dir.path(), sim.login_url(), "prod")).await;
    assert!(out.status.success(), "{}", text(&out));
    // The user is deactivated: the first round finds the change.
    sim.with_state(|live| live.user_mut(DEMO_USERNAME).unwrap().active = false);
    let mut watch = cmd(dir.path(), &["watch", "--interval", "3600", "--json"]);
    let mut child = watch.spawn().unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
    let banner = stderr.next().unwrap().unwrap();
    assert!(
        banner.contains("watching 1 connection (prod) every 1h"),
        "{banner}"
    );
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::task::spawn_blocking(move || stdout.next().unwrap().unwrap())
        .await
        .unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    let change: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(change["name"], "prod");
    assert_eq!(change["previous_status"], "ok");
    assert_eq!(change["status"], "failing");
    assert!(change["at"].is_string());
}

#[tokio::test(flavor = "multi_thread")]
async fn at_the_default_level_the_log_records_each_request() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let out = run_async(demo_login(dir.path(), sim.login_url(), "prod")).await;
    assert!(out.status.success(), "{}", text(&out));
    let logs = tempfile::tempdir().unwrap();
    let mut test = cmd(dir.path(), &["test", "prod"]);
    test.env_remove("SFCONNECT_LOG")
        .env("SFCONNECT_LOG_DIR", logs.path());
    let out = run_async(test).await;
    assert!(out.status.success(), "{}", text(&out));
    let logged: String = std::fs::read_dir(logs.path())
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(logged.contains(" INFO "), "{logged}");
    assert!(
        logged
            .lines()
            .any(|l| l.contains("GET") && l.contains("/services/data/") && l.contains("-> 200")),
        "each request, with its status: {logged}"
    );
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread")]
async fn a_running_login_can_never_dump_core() {
    use sfconnect::sim::scenario::{DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET};
    use std::io::{BufRead, BufReader};
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let mut login = cmd(
        dir.path(),
        &[
            "login",
            "device",
            "--flow",
            "device",
            "--login-url",
            sim.login_url(),
            "--client-id",
            DEMO_CONSUMER_KEY,
        ],
    );
    login.env("SFCONNECT_CLIENT_SECRET", DEMO_CONSUMER_SECRET);
    let mut child = login.spawn().unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
    let waiting = tokio::task::spawn_blocking(move || {
        stderr
            .by_ref()
            .map_while(Result::ok)
            .any(|l| l.contains("enter the code"))
    })
    .await
    .unwrap();
    assert!(waiting, "the device login shows its code");
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", child.id())).unwrap();
    let core = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap()
        .split_whitespace()
        .skip(4)
        .take(2)
        .collect::<Vec<_>>();
    assert_eq!(core, ["0", "0"], "{limits}");
    child.kill().unwrap();
    let _ = child.wait();
}

#[tokio::test(flavor = "multi_thread")]
async fn names_that_look_like_options_or_hidden_files_are_refused_and_bad_lines_answer_in_json() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    for name in [".hidden", "..", "-dash", "_under"] {
        let out = run_async(demo_login(dir.path(), sim.login_url(), name)).await;
        assert_eq!(out.status.code(), Some(2), "{name}: {}", text(&out));
    }
    assert!(
        !dir.path()
            .join(sfconnect::profile::config::CONFIG_FILE)
            .exists()
    );
    // A line that does not parse, with --json: the error in JSON too.
    let out = run_async(cmd(dir.path(), &["login", "x", "--flow", "sop", "--json"])).await;
    assert_eq!(out.status.code(), Some(2));
    let error: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(error["error"]["cause"], "usage");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("possible values"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bare_code_is_used_only_after_a_warning_that_it_cannot_be_checked() {
    use sfconnect::sim::scenario::DEMO_CONSUMER_SECRET;
    use std::io::Write;
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (mut child, url, _, mut lines) =
        start_paste_login(dir.path(), &sim, Some(DEMO_CONSUMER_SECRET));
    let location = browser_redirect(&url).await;
    let encoded = location
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let code = percent_encoding::percent_decode_str(encoded)
        .decode_utf8()
        .unwrap()
        .to_string();
    // The bare code once: a warning, and the login waits; the same code again: used.
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{code}").unwrap();
    let warned = tokio::task::spawn_blocking(move || {
        let warned = lines
            .by_ref()
            .map_while(Result::ok)
            .any(|l| l.contains("cannot check that it comes from this login"));
        (warned, lines)
    })
    .await
    .unwrap();
    assert!(warned.0, "the bare code is not used without a warning");
    writeln!(stdin, "{code}").unwrap();
    drop(stdin);
    let mut rest = warned.1;
    let status = tokio::task::spawn_blocking(move || {
        for _ in rest.by_ref() {}
        child.wait().unwrap()
    })
    .await
    .unwrap();
    assert!(status.success());
}

#[tokio::test(flavor = "multi_thread")]
async fn with_the_secret_on_stdin_the_address_is_pasted_on_the_terminal() {
    use sfconnect::sim::scenario::{DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET};
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().to_str().unwrap().to_string();
    // The shell pipes the consumer secret into sfconnect: its stdin is the pipe, and the
    // terminal is still there for the paste.
    let line = format!(
        "printf '%s\\n' \"$SECRET\" | \"$SFCONNECT\" login web --flow web --login-url {} --client-id {DEMO_CONSUMER_KEY} --no-browser --client-secret-stdin; echo \"exit=$?\"; sleep 60",
        sim.login_url()
    );
    let mut s = super::session::Session::start_program(
        "sh",
        &["-c", &line],
        30,
        400,
        &[
            ("SFCONNECT", env!("CARGO_BIN_EXE_sfconnect")),
            ("SECRET", DEMO_CONSUMER_SECRET),
            ("SFCONNECT_CONFIG_DIR", &config),
            ("SFCONNECT_STORE", "file"),
        ],
    );
    s.wait_for("press Enter:");
    let screen = s.contents();
    let start = screen.find("/services/oauth2/authorize?").unwrap();
    let start = screen[..start].rfind("http").unwrap();
    let url: String = screen[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    let location = browser_redirect(&url).await;
    let mut typed = location.clone();
    typed.push('\r');
    s.send(&typed);
    s.wait_for("exit=");
    let screen = s.contents();
    assert!(screen.contains("exit=0"), "{screen}");
    assert!(
        !screen.contains("code="),
        "the paste is not echoed: {screen}"
    );
    let listed = run_async(cmd(dir.path(), &["list", "--json"])).await;
    let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(listed[0]["name"], "web", "{listed}");
}

/// A free callback port, registered in the simulated org's app.
fn registered_port(sim: &sfconnect::sim::RunningSim) -> u16 {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let callback = format!("http://localhost:{port}/OauthRedirect");
    sim.with_state(|l| l.scenario.apps[0].callback_urls.push(callback));
    port
}

/// The child's stderr up to and including the authorize URL's line, and that URL.
fn said_until_url(
    lines: &mut impl Iterator<Item = std::io::Result<String>>,
) -> (Vec<String>, String) {
    let mut said = Vec::new();
    for line in lines {
        let line = line.unwrap();
        let url = line
            .contains("/services/oauth2/authorize?")
            .then(|| line.trim().to_string());
        said.push(line);
        if let Some(url) = url {
            return (said, url);
        }
    }
    panic!("no authorize URL was printed: {said:?}");
}

/// `--no-browser` only keeps the browser closed: with the secret on stdin and no terminal to
/// paste on, the callback listener alone finishes the login.
#[tokio::test(flavor = "multi_thread")]
async fn with_the_secret_on_stdin_and_no_terminal_no_browser_still_listens_for_the_redirect() {
    use std::io::{BufRead, BufReader, Write};
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let port = registered_port(&sim).to_string();
    let login = web_login(
        dir.path(),
        &sim,
        &[
            "--no-browser",
            "--client-secret-stdin",
            "--callback-port",
            &port,
        ],
    );
    let mut login = without_terminal(&login);
    login.stdin(Stdio::piped());
    let mut child = login.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{}", sfconnect::sim::scenario::DEMO_CONSUMER_SECRET).unwrap();
    drop(stdin);
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let (said, url) = said_until_url(&mut lines);
    assert!(
        said.iter().any(|l| l.contains("No browser is opened")),
        "{said:?}"
    );
    let location = browser_redirect(&url).await;
    let page = reqwest::get(location.replace("localhost", "127.0.0.1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Logged in"), "{page}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert_eq!(status.code(), Some(0), "{said:?} {rest:?}");
    let listed = run_async(cmd(dir.path(), &["list", "--json"])).await;
    let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(listed[0]["name"], "web", "{listed}");
}

/// Over SSH with `--no-browser`, the `ssh -L` line is still printed; requests to the listener
/// that are not this login's are said once and then only at the 10th, so a flood cannot push
/// the instructions off the screen; the real redirect still finishes the login.
#[tokio::test(flavor = "multi_thread")]
async fn over_ssh_no_browser_keeps_the_forward_and_stray_requests_are_said_once() {
    use std::io::{BufRead, BufReader};
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let port = registered_port(&sim);
    let port_text = port.to_string();
    let mut login = web_login(
        dir.path(),
        &sim,
        &["--no-browser", "--callback-port", &port_text],
    );
    login
        .env(
            "SFCONNECT_CLIENT_SECRET",
            sfconnect::sim::scenario::DEMO_CONSUMER_SECRET,
        )
        .env("SSH_CONNECTION", "10.0.0.1 5000 10.0.0.2 22")
        .env("USER", "admin")
        .env_remove("DISPLAY")
        .stdin(Stdio::piped());
    let mut child = login.spawn().unwrap();
    let stdin = child.stdin.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut said = Vec::new();
    let url = loop {
        let line = rx.recv().expect("the authorize URL is printed");
        let url = line
            .contains("/services/oauth2/authorize?")
            .then(|| line.trim().to_string());
        said.push(line);
        if let Some(url) = url {
            break url;
        }
    };
    // The rest of the instructions, up to the paste prompt.
    loop {
        let line = rx.recv().unwrap();
        let last = line.starts_with("Or paste here");
        said.push(line);
        if last {
            break;
        }
    }
    let forward = format!("ssh -L {port}:127.0.0.1:{port} admin@10.0.0.2");
    assert!(said.iter().any(|l| l.trim() == forward), "{said:#?}");
    for i in 0..25 {
        let page = reqwest::get(format!(
            "http://127.0.0.1:{port}/OauthRedirect?code=x{i}&state=not-this-one"
        ))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
        assert!(page.contains("Ignored"), "{page}");
    }
    let location = browser_redirect(&url).await;
    let page = reqwest::get(location.replace("localhost", "127.0.0.1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Logged in"), "{page}");
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    drop(stdin);
    let after: Vec<String> = rx.try_iter().collect();
    let stray = after
        .iter()
        .filter(|l| l.contains("not this login's"))
        .count();
    assert_eq!(stray, 2, "the 1st and the 10th of 25 are said: {after:#?}");
    assert!(
        after
            .iter()
            .any(|l| l.contains("10 requests that are not this login's")),
        "{after:#?}"
    );
    assert_eq!(status.code(), Some(0), "{said:#?} {after:#?}");
}

/// `command` in a session of its own (util-linux `setsid`): no controlling terminal, as
/// under cron, even when the tests run from one.
fn without_terminal(command: &Command) -> Command {
    let mut alone = Command::new("setsid");
    alone
        .arg("--wait")
        .arg(command.get_program())
        .args(command.get_args());
    for (key, value) in command.get_envs() {
        match value {
            Some(v) => alone.env(key, v),
            None => alone.env_remove(key),
        };
    }
    alone.stdout(Stdio::piped()).stderr(Stdio::piped());
    alone
}

#[tokio::test(flavor = "multi_thread")]
async fn a_callback_port_another_program_holds_is_named_and_the_other_loopback_still_listens() {
    use std::io::{BufRead, BufReader, Write};
    let sim = sim().await;
    // Another program holds the port on 127.0.0.1.
    let holder = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = holder.local_addr().unwrap().port();
    // Whether this machine has an IPv6 loopback with the port free there.
    let v6 = std::net::TcpListener::bind(("::1", port)).is_ok();
    let callback = format!("http://localhost:{port}/OauthRedirect");
    sim.with_state(|l| l.scenario.apps[0].callback_urls.push(callback.clone()));
    let dir = tempfile::tempdir().unwrap();
    let port_text = port.to_string();
    let mut login = web_login(dir.path(), &sim, &["--callback-port", &port_text]);
    login
        .env(
            "SFCONNECT_CLIENT_SECRET",
            sfconnect::sim::scenario::DEMO_CONSUMER_SECRET,
        )
        // Over SSH: a forward of the port would reach the program that holds it here.
        .env("SSH_CONNECTION", "10.0.0.1 5000 10.0.0.2 22")
        .env_remove("DISPLAY")
        .env_remove("BROWSER")
        .stdin(Stdio::piped());
    let mut child = login.spawn().unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut said = Vec::new();
    let mut url = String::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if line.contains("/services/oauth2/authorize?") {
            url = line.trim().to_string();
        }
        let last = line.starts_with("Or paste here");
        said.push(line);
        if last {
            break;
        }
    }
    let said = said.join("\n");
    assert!(
        !said.contains(&format!("-L {port}:127.0.0.1:{port}")),
        "no ssh -L line points at a port another program holds: {said}"
    );
    let location = browser_redirect(&url).await;
    if v6 {
        assert!(
            said.contains(&format!("127.0.0.1:{port} is taken by another program")),
            "{said}"
        );
        assert!(
            said.contains("Waiting for the browser's redirect"),
            "{said}"
        );
        // A browser that takes localhost for [::1] reaches sfconnect there.
        let page = reqwest::get(location.replace("localhost", "[::1]"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("Logged in"), "{page}");
    } else {
        assert!(
            said.contains(&format!("port {port} is taken by another program")),
            "{said}"
        );
        writeln!(child.stdin.take().unwrap(), "{location}").unwrap();
    }
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert_eq!(status.code(), Some(0), "{said}");
    drop(holder);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_simulated_org_over_https_is_trusted_through_its_own_ca_only() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("sim-ca.pem");
    let mut sim = Command::new(env!("CARGO_BIN_EXE_sfconnect"))
        .args(["sim", "--port", "0", "--tls", "--ca-file"])
        .arg(&ca)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut fields = std::collections::HashMap::new();
    for line in BufReader::new(sim.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        let (key, value) = line.split_once(": ").unwrap();
        fields.insert(key.to_string(), value.to_string());
        if key == "CA certificate" {
            break;
        }
    }
    let login_url = fields["login URL"].clone();
    assert!(login_url.starts_with("https://127.0.0.1:"), "{login_url}");
    assert_eq!(fields["CA certificate"], ca.display().to_string());
    assert!(
        std::fs::read_to_string(&ca)
            .unwrap()
            .starts_with("-----BEGIN CERTIFICATE-----")
    );
    let login = |trusted: bool| {
        let mut c = bare_soap_login(
            dir.path(),
            &login_url,
            &["--password-stdin", "--security-token-stdin"],
        );
        if trusted {
            c.env("SSL_CERT_FILE", &ca);
        } else {
            c.env_remove("SSL_CERT_FILE");
        }
        c
    };
    let secrets = format!("{DEMO_PASSWORD}\n{DEMO_TOKEN}\n");
    // The platform's roots do not know this run's CA: the real TLS path refuses it.
    let out = with_stdin(login(false), secrets.clone()).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).to_lowercase().contains("certificate"),
        "{}",
        text(&out)
    );
    // Trusting its CA (as with a TLS-inspecting proxy's), the login goes through over https.
    let out = with_stdin(login(true), secrets).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let _ = Command::new("kill").arg(sim.id().to_string()).status();
    let _ = sim.wait();
    assert!(!ca.exists(), "the CA of a run is removed when it ends");
}

/// `sim --tls` writes its CA into a private directory of its own (0700, an unguessable name),
/// owner-only, and removes it at exit; a `--ca-file` that is a symbolic link is refused and
/// what it points at is left alone.
#[test]
fn the_simulated_orgs_ca_goes_to_a_private_place_and_never_through_a_link() {
    use std::io::{BufRead, BufReader};
    let mut sim = Command::new(env!("CARGO_BIN_EXE_sfconnect"))
        .args(["sim", "--port", "0", "--tls"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let ca = BufReader::new(sim.stdout.take().unwrap())
        .lines()
        .map_while(Result::ok)
        .find_map(|l| {
            l.strip_prefix("CA certificate: ")
                .map(std::path::PathBuf::from)
        })
        .expect("the CA's path is printed");
    let parent = ca.parent().unwrap().to_path_buf();
    assert_ne!(parent, std::env::temp_dir(), "{}", ca.display());
    assert_eq!(sfconnect::profile::fsutil::mode(&parent), Some(0o700));
    assert_eq!(sfconnect::profile::fsutil::mode(&ca), Some(0o600));
    assert!(
        std::fs::read_to_string(&ca)
            .unwrap()
            .contains("BEGIN CERTIFICATE")
    );
    let _ = Command::new("kill").arg(sim.id().to_string()).status();
    let _ = sim.wait();
    assert!(
        !parent.exists(),
        "the run's directory is removed when it ends"
    );

    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "keep me").unwrap();
    let link = dir.path().join("ca.pem");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_sfconnect"))
        .args(["sim", "--port", "0", "--tls", "--ca-file"])
        .arg(&link)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
}

#[test]
fn a_manual_page_for_sfconnect_and_each_command_renders_with_man() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("man1");
    let out = cmd(dir.path(), &["manpages", pages.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let help = String::from_utf8(cmd(dir.path(), &["--help"]).output().unwrap().stdout).unwrap();
    // Every command the help lists has its page, and the tool has one.
    let commands: Vec<&str> = help
        .split("Commands:")
        .nth(1)
        .unwrap()
        .split("Options:")
        .next()
        .unwrap()
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.len() >= 14, "{commands:?}");
    let mut names = vec!["sfconnect".to_string()];
    names.extend(commands.iter().map(|c| format!("sfconnect-{c}")));
    let have_man = Command::new("man").arg("--version").output().is_ok();
    assert!(
        have_man || std::env::var("CI").as_deref() != Ok("true"),
        "CI must render the pages: .ci/run installs man-db"
    );
    if !have_man {
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            b"SKIPPED a_manual_page_for_sfconnect_and_each_command_renders_with_man: man is not installed\n",
        );
    }
    for name in names {
        let page = pages.join(format!("{name}.1"));
        assert!(page.exists(), "{name}.1 is written");
        if !have_man {
            continue;
        }
        let shown = Command::new("man")
            .args(["-P", "cat", "-l"])
            .arg(&page)
            .env("MANWIDTH", "100")
            .output()
            .unwrap();
        assert_eq!(shown.status.code(), Some(0), "{name}: {}", text(&shown));
        let shown = String::from_utf8_lossy(&shown.stdout);
        assert!(
            shown.contains("NAME") && shown.contains("SYNOPSIS"),
            "{name}: {shown}"
        );
        assert!(shown.contains(&name), "{name}: {shown}");
        // Read like a well-kept tool's pages: the closing text in named sections, the exit
        // codes a tagged list, the version in every footer.
        assert!(!shown.contains("EXTRA"), "{name}: {shown}");
        assert!(shown.contains("EXIT STATUS"), "{name}: {shown}");
        let footer = shown.lines().rev().find(|l| !l.trim().is_empty()).unwrap();
        assert!(
            footer.contains(&format!("sfconnect {}", env!("CARGO_PKG_VERSION"))),
            "{name}: {footer}"
        );
        if name == "sfconnect-login" {
            // (Justified lines may stretch the spaces.)
            let flat = shown.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(flat.contains("[--flow FLOW]"), "{shown}");
            assert!(flat.contains("[--callback-port PORT]"), "{shown}");
            // The numbered list of secret sources keeps a line per source.
            let four = shown
                .lines()
                .find(|l| l.trim_start().starts_with("4."))
                .unwrap();
            assert!(!four.contains("re-authentication"), "{four}");
            let exit = shown.split("EXIT STATUS").nth(1).unwrap();
            for code in ["0", "1", "2"] {
                assert!(
                    exit.lines()
                        .any(|l| l.trim_start().starts_with(&format!("{code} "))),
                    "exit code {code} on its own line: {exit}"
                );
            }
        }
    }
    // A directory that cannot be written is a usage error.
    let blocked = dir.path().join("file");
    std::fs::write(&blocked, "").unwrap();
    let out = cmd(
        dir.path(),
        &["manpages", blocked.join("man1").to_str().unwrap()],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn status_gives_retiring_login_methods_their_advisory_and_the_fleet_its_line() {
    use sfconnect::connect::advisories::soap_days_left;
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = run_async(demo_login(d, sim.login_url(), "prod")).await;
    assert!(out.status.success(), "{}", text(&out));
    let days = soap_days_left(std::time::SystemTime::now());
    let out = run_async(cmd(d, &["status"])).await;
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains(&format!(
            "advisory: SOAP login() retires with Summer '27, in {days} days"
        )),
        "{said}"
    );
    assert!(said.contains("sfconnect login prod --flow jwt"), "{said}");
    assert!(said.contains("not yet confirmed"), "{said}");
    assert!(
        said.lines()
            .last()
            .unwrap()
            .starts_with("1 connection still uses SOAP login"),
        "{said}"
    );
    let out = run_async(cmd(d, &["status", "--json"])).await;
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let advisory = &rows[0]["advisories"][0];
    assert_eq!(advisory["id"], "soap_login_retires");
    assert_eq!(advisory["until"], "2027-06-01");
    assert_eq!(advisory["days_left"], days);
    assert_eq!(
        advisory["replace_with"],
        serde_json::json!(["jwt", "client-credentials", "web"])
    );
    let out = run_async(cmd(d, &["status", "--summary", "--json"])).await;
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["connections"], 1);
    assert_eq!(summary["soap_login"], 1);
    assert_eq!(summary["soap_login_days_left"], days);
    // A method with nothing retiring has no advisory.
    let refresh = browser_refresh_token(&sim, sfconnect::sim::scenario::DEMO_CONSUMER_SECRET).await;
    let mut import = cmd(
        d,
        &[
            "login",
            "oauth",
            "--flow",
            "refresh-token",
            "--login-url",
            sim.login_url(),
            "--client-id",
            sfconnect::sim::scenario::DEMO_CONSUMER_KEY,
        ],
    );
    import
        .env(
            "SFCONNECT_CLIENT_SECRET",
            sfconnect::sim::scenario::DEMO_CONSUMER_SECRET,
        )
        .env("SFCONNECT_REFRESH_TOKEN", &refresh);
    let out = run_async(import).await;
    assert!(out.status.success(), "{}", text(&out));
    let out = run_async(cmd(d, &["status", "oauth", "--json"])).await;
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["advisories"], serde_json::json!([]));
    let out = run_async(cmd(d, &["status", "--summary"])).await;
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .starts_with("2 of 2 connections healthy. 1 connection still uses SOAP login"),
        "{}",
        text(&out)
    );
}

/// `promtool check metrics` of `exposed`.
pub(super) fn promtool_check_metrics(promtool: &str, exposed: &str) -> std::process::Output {
    use std::io::Write;
    let mut check = Command::new(promtool)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    check
        .stdin
        .take()
        .unwrap()
        .write_all(exposed.as_bytes())
        .unwrap();
    check.wait_with_output().unwrap()
}

/// promtool, when installed; CI must have it (.ci/run installs Debian's prometheus package).
pub(super) fn promtool() -> Option<&'static str> {
    let have = Command::new("promtool").arg("--version").output().is_ok();
    assert!(
        have || std::env::var("CI").as_deref() != Ok("true"),
        "CI must check the metrics: .ci/run installs prometheus (promtool)"
    );
    if !have {
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            b"SKIPPED promtool checks: promtool is not installed\n",
        );
    }
    have.then_some("promtool")
}

#[tokio::test(flavor = "multi_thread")]
async fn status_speaks_prometheus_and_the_readme_alert_rules_are_valid() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = run_async(demo_login(d, sim.login_url(), "prod-eu")).await;
    assert!(out.status.success(), "{}", text(&out));
    let out = run_async(cmd(d, &["status", "--format", "prometheus"])).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let metrics = String::from_utf8(out.stdout).unwrap();
    let labels =
        "{name=\"prod-eu\",flow=\"soap\",org_id=\"00D5e000003V0C7EAK\",environment=\"production\"}";
    let retires = humantime::parse_rfc3339("2027-06-01T00:00:00Z")
        .unwrap()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    for (family, value) in [
        ("sfconnect_connection_healthy", Some("1".to_string())),
        ("sfconnect_password_expiry_timestamp_seconds", None),
        ("sfconnect_last_test_timestamp_seconds", None),
        ("sfconnect_last_test_success", Some("1".to_string())),
        (
            "sfconnect_login_method_retirement_timestamp_seconds",
            Some(retires.to_string()),
        ),
        ("sfconnect_api_requests_remaining", None),
    ] {
        assert!(
            metrics.contains(&format!("# TYPE {family} gauge")),
            "{metrics}"
        );
        let sample = metrics
            .lines()
            .find(|l| l.starts_with(&format!("{family}{labels} ")))
            .unwrap_or_else(|| panic!("no {family} sample: {metrics}"));
        if let Some(value) = value {
            assert!(sample.ends_with(&format!(" {value}")), "{sample}");
        }
    }
    // A config file that cannot be read still gives a sample saying so (exit 2), never an
    // empty file for the collector.
    let config = d.join("connections.toml");
    let good = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, "this is [not toml").unwrap();
    let out = run_async(cmd(d, &["status", "--format", "prometheus"])).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let broken = String::from_utf8(out.stdout).unwrap();
    assert!(
        broken.lines().any(|l| l == "sfconnect_config_ok 0"),
        "{broken}"
    );
    std::fs::write(&config, good).unwrap();
    let Some(promtool) = promtool() else { return };
    for exposed in [&metrics, &broken] {
        let checked = promtool_check_metrics(promtool, exposed);
        assert!(checked.status.success(), "{}{exposed}", text(&checked));
    }
    assert!(
        metrics.lines().any(|l| l == "sfconnect_config_ok 1"),
        "{metrics}"
    );
    // The alert rules the README shows are the file promtool checks.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let rules = root.join("contrib/prometheus/sfconnect-alerts.yml");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(
        readme.contains(&std::fs::read_to_string(&rules).unwrap()),
        "README shows the rules file"
    );
    let checked = Command::new(promtool)
        .args(["check", "rules"])
        .arg(&rules)
        .output()
        .unwrap();
    assert!(checked.status.success(), "{}", text(&checked));
}

#[tokio::test(flavor = "multi_thread")]
async fn copy_without_any_clipboard_or_of_a_value_not_held_is_a_usage_error() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = run_async(demo_login(d, sim.login_url(), "prod")).await;
    assert!(out.status.success(), "{}", text(&out));
    // No controlling terminal and no desktop: nowhere to copy to, and nothing printed.
    let mut copy = cmd(d, &["copy", "prod", "password"]);
    copy.env_remove("DISPLAY").env_remove("WAYLAND_DISPLAY");
    let out = run_async(without_terminal(&copy)).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("no clipboard"), "{}", text(&out));
    assert!(!text(&out).contains(DEMO_PASSWORD), "{}", text(&out));
    // A SOAP connection has no refresh token to copy; an unknown name is a usage error too.
    for (args, said) in [
        (
            vec!["copy", "prod", "refresh-token"],
            "holds no refresh token",
        ),
        (
            vec!["copy", "nope", "password"],
            "no saved connection named 'nope'",
        ),
    ] {
        let out = run_async(without_terminal(&cmd(d, &args))).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        assert!(text(&out).contains(said), "{args:?}: {}", text(&out));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn login_with_another_flow_moves_a_saved_connection_and_a_failed_move_changes_nothing() {
    use sfconnect::sim::scenario::DEMO_CONSUMER_KEY;
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = run_async(demo_login(d, sim.login_url(), "c")).await;
    assert!(out.status.success(), "{}", text(&out));
    let config = d.join("connections.toml");
    let text_before = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text_before.replacen(
            "[connections.c]\n",
            "[connections.c]\ncompany_domains = [\"acme-demo.example\"]\n",
            1,
        ),
    )
    .unwrap();
    let out = run_async(cmd(d, &["login", "c", "--flow", "jwt", "--generate-key"])).await;
    assert!(out.status.success(), "{}", text(&out));
    let to_jwt = || {
        cmd(
            d,
            &[
                "login",
                "c",
                "--flow",
                "jwt",
                "--login-url",
                sim.login_url(),
                "--username",
                DEMO_USERNAME,
                "--client-id",
                DEMO_CONSUMER_KEY,
            ],
        )
    };
    // Not uploaded yet: the move fails and the SOAP connection stays, byte for byte.
    let before = snapshot(d);
    let out = run_async(to_jwt()).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(snapshot(d), before);
    upload_certificate(&sim, d, "c").await;
    let out = run_async(to_jwt()).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let listed = run_async(cmd(d, &["list", "--json"])).await;
    let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(listed[0]["name"], "c");
    assert_eq!(listed[0]["flow"], "jwt");
    assert!(
        std::fs::read_to_string(&config)
            .unwrap()
            .contains("acme-demo.example")
    );
    // The old method's secrets did not come along.
    let out = run_async(without_terminal(&cmd(d, &["copy", "c", "password"]))).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("holds no password"), "{}", text(&out));
    // No advisory any more.
    let out = run_async(cmd(d, &["status", "--json"])).await;
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["advisories"], serde_json::json!([]));
}

/// The entry ids of the secrets still in the file store of `dir` (its key file must be there).
fn file_store_entries(dir: &std::path::Path, ids: &[&str]) -> Vec<String> {
    use sfconnect::profile::SecretStore;
    use sfconnect::profile::file_store::{FileStore, Unlock};
    let store = FileStore::new(dir, Unlock::KeyFile);
    ids.iter()
        .filter(|id| store.load(id).unwrap().is_some())
        .map(|id| id.to_string())
        .collect()
}

/// `remove` with secrets that cannot be opened: revoking cannot be done, so nothing is
/// removed (1, and how to go on); `--no-revoke` removes the entry, says the secrets are left
/// (1), keeps them journalled, and the next run that opens the store deletes them.
#[tokio::test(flavor = "multi_thread")]
async fn a_remove_that_cannot_open_the_secrets_says_so_and_they_are_deleted_later() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for name in ["prod", "other"] {
        let out = run_async(demo_login(d, sim.login_url(), name)).await;
        assert!(out.status.success(), "{}", text(&out));
    }
    let entry = sfconnect::profile::Config::load(d).unwrap().connections["prod"]
        .secrets
        .clone();
    let key = d.join("secrets.key");
    let kept = std::fs::read(&key).unwrap();
    std::fs::remove_file(&key).unwrap();
    let before = snapshot(d);
    let out = run_async(cmd(d, &["remove", "prod"])).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("was not removed"), "{}", text(&out));
    assert!(text(&out).contains("--no-revoke"), "{}", text(&out));
    assert!(!text(&out).contains("Removed connection"), "{}", text(&out));
    assert_eq!(snapshot(d), before, "nothing changed");
    let out = run_async(cmd(d, &["remove", "prod", "--no-revoke", "--json"])).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(said["removed"], true, "{said}");
    assert_eq!(said["secrets_deleted"], false, "{said}");
    assert_eq!(said["secrets_left"]["store"], "file", "{said}");
    let config = sfconnect::profile::Config::load(d).unwrap();
    assert!(!config.connections.contains_key("prod"));
    assert!(
        config.unreferenced.iter().any(|u| u.entry == entry),
        "journalled for later"
    );
    std::fs::write(&key, kept).unwrap();
    assert_eq!(file_store_entries(d, &[&entry]), vec![entry.clone()]);
    // The next run that opens the file store deletes them.
    let out = run_async(cmd(d, &["test", "other"])).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(file_store_entries(d, &[&entry]).is_empty(), "deleted now");
    assert!(
        sfconnect::profile::Config::load(d)
            .unwrap()
            .unreferenced
            .is_empty()
    );
}

/// An entry the config file cannot read: `remove` removes it and its secrets; `login` of its
/// name replaces it and deletes its old secrets.
#[tokio::test(flavor = "multi_thread")]
async fn a_broken_entry_can_be_removed_or_replaced_and_its_secrets_go_with_it() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for name in ["a", "b"] {
        let out = run_async(demo_login(d, sim.login_url(), name)).await;
        assert!(out.status.success(), "{}", text(&out));
    }
    let config = sfconnect::profile::Config::load(d).unwrap();
    let (a, b) = (
        config.connections["a"].secrets.clone(),
        config.connections["b"].secrets.clone(),
    );
    // A misspelt key breaks both entries.
    let path = d.join("connections.toml");
    let text_now = std::fs::read_to_string(&path).unwrap();
    let broken = text_now
        .replace("[connections.a]\n", "[connections.a]\nusrname = \"typo\"\n")
        .replace("[connections.b]\n", "[connections.b]\nusrname = \"typo\"\n");
    assert_ne!(broken, text_now);
    std::fs::write(&path, broken).unwrap();
    let out = run_async(cmd(d, &["remove", "a", "--no-revoke"])).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        file_store_entries(d, &[&a]).is_empty(),
        "a's secrets are gone"
    );
    let out = run_async(demo_login(d, sim.login_url(), "b")).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        file_store_entries(d, &[&b]).is_empty(),
        "b's old secrets are gone"
    );
    let config = sfconnect::profile::Config::load(d).unwrap();
    assert!(config.broken.is_empty() && !config.connections.contains_key("a"));
    assert!(config.connections.contains_key("b"));
}

/// On a terminal, `remove` says first what revoking ends, and asks; no keeps the connection.
/// `--yes` does not ask.
#[tokio::test(flavor = "multi_thread")]
async fn remove_on_a_terminal_announces_the_revocation_and_asks() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let refresh = browser_refresh_token(&sim, sfconnect::sim::scenario::DEMO_CONSUMER_SECRET).await;
    let mut login = cmd(
        d,
        &[
            "login",
            "web",
            "--flow",
            "refresh-token",
            "--login-url",
            sim.login_url(),
            "--client-id",
            sfconnect::sim::scenario::DEMO_CONSUMER_KEY,
        ],
    );
    login
        .env(
            "SFCONNECT_CLIENT_SECRET",
            sfconnect::sim::scenario::DEMO_CONSUMER_SECRET,
        )
        .env("SFCONNECT_REFRESH_TOKEN", &refresh);
    let out = run_async(login).await;
    assert!(out.status.success(), "{}", text(&out));
    let config = d.to_str().unwrap().to_string();
    let env = [
        ("SFCONNECT_CONFIG_DIR", config.as_str()),
        ("SFCONNECT_STORE", "file"),
    ];
    let mut s = super::session::Session::start_sized(&["remove", "web"], 24, 200, &env);
    s.wait_for("[y/N]");
    let screen = s.contents();
    assert!(screen.contains("revokes its refresh token"), "{screen}");
    assert!(screen.contains("stops working"), "{screen}");
    s.send("n\r");
    assert_eq!(s.exit_code(), 1, "{}", s.contents());
    assert!(
        sfconnect::profile::Config::load(d)
            .unwrap()
            .connections
            .contains_key("web")
    );
    let live = |t: &str| sim.with_state(|l| l.refresh_tokens.contains_key(t));
    assert!(live(&refresh), "not revoked when the answer is no");
    let mut s = super::session::Session::start_sized(&["remove", "web"], 24, 200, &env);
    s.wait_for("[y/N]");
    s.send("y\r");
    assert_eq!(s.exit_code(), 0, "{}", s.contents());
    assert!(!live(&refresh), "revoked");
    assert!(
        !sfconnect::profile::Config::load(d)
            .unwrap()
            .connections
            .contains_key("web")
    );
}

/// With no USER, LOGNAME or SUDO_USER (a container, `env -i`), the `ssh -L` line names the
/// account the operating system gives this user, not a placeholder.
#[tokio::test(flavor = "multi_thread")]
async fn the_ssh_line_takes_the_account_from_the_os_when_the_environment_has_none() {
    use std::io::{BufRead, BufReader};
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let port = registered_port(&sim);
    let port_text = port.to_string();
    let mut login = web_login(dir.path(), &sim, &["--callback-port", &port_text]);
    login
        .env(
            "SFCONNECT_CLIENT_SECRET",
            sfconnect::sim::scenario::DEMO_CONSUMER_SECRET,
        )
        .env("SSH_CONNECTION", "10.0.0.1 5000 10.0.0.2 22")
        .env_remove("USER")
        .env_remove("LOGNAME")
        .env_remove("SUDO_USER")
        .env_remove("DISPLAY")
        .stdin(Stdio::piped());
    let mut child = login.spawn().unwrap();
    let lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut said = Vec::new();
    for line in lines.map_while(Result::ok) {
        let last = line.starts_with("Or paste here");
        said.push(line);
        if last {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let me = String::from_utf8(Command::new("id").arg("-un").output().unwrap().stdout).unwrap();
    let forward = format!("ssh -L {port}:127.0.0.1:{port} {}@10.0.0.2", me.trim());
    assert!(
        said.iter().any(|l| l.trim() == forward),
        "{forward}: {said:#?}"
    );
}

/// An error object as every command gives it: `{cause, message, fix}`, `fix` null or words.
fn assert_error_shape(error: &serde_json::Value) {
    assert!(error["cause"].is_string(), "{error}");
    assert!(
        error["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{error}"
    );
    assert!(
        error["fix"].is_null() || error["fix"].as_str().is_some_and(|f| !f.trim().is_empty()),
        "fix is null or words, never empty: {error}"
    );
}

/// One vocabulary for scripts: every command's JSON names the connection `name`, a
/// connection's state is `health` (watch's `previous_health` too), and every error, at the top
/// or inside an entry, is `{cause, message, fix}`. Output formats either work together or are
/// refused with the reason.
#[tokio::test(flavor = "multi_thread")]
async fn every_commands_json_speaks_one_vocabulary() {
    use std::io::{BufRead, BufReader};
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let json_of = |out: &std::process::Output| -> serde_json::Value {
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(out)))
    };
    let mut login = demo_login(d, sim.login_url(), "prod");
    login.arg("--json");
    let out = run_async(login).await;
    assert_eq!(json_of(&out)["name"], "prod");
    for args in [
        vec!["test", "prod", "--json"],
        vec!["token", "prod", "--json"],
        vec!["export", "prod", "--format", "json"],
    ] {
        let out = run_async(cmd(d, &args)).await;
        assert_eq!(json_of(&out)["name"], "prod", "{args:?}");
    }
    // An entry the config file cannot read: its error is the same object.
    let config = d.join("connections.toml");
    let mut text_now = std::fs::read_to_string(&config).unwrap();
    text_now.push_str("\n[connections.bad]\nflow = 42\n");
    std::fs::write(&config, text_now).unwrap();
    for args in [vec!["list", "--json"], vec!["status", "--json"]] {
        let out = run_async(cmd(d, &args)).await;
        let rows = json_of(&out);
        let rows = rows.as_array().unwrap();
        let bad = rows.iter().find(|r| r["name"] == "bad").unwrap();
        assert_eq!(bad["health"], "failing", "{args:?}");
        assert_error_shape(&bad["error"]);
        let good = rows.iter().find(|r| r["name"] == "prod").unwrap();
        assert!(good["error"].is_null(), "{args:?}: {good}");
        if args[0] == "status" {
            assert!(good["health"].is_string(), "{good}");
        }
    }
    // Errors at the top: an unknown name, and a usage error.
    for args in [
        vec!["token", "nope", "--json"],
        vec!["test", "nope", "--json"],
        vec!["status", "nope", "--json"],
        vec!["remove", "nope", "--json"],
        vec!["export", "nope", "--format", "json"],
    ] {
        let out = run_async(cmd(d, &args)).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        assert_error_shape(&json_of(&out)["error"]);
    }
    // Formats: the same thing twice is fine; two different ones are refused with the reason.
    let out = run_async(cmd(d, &["status", "prod", "--json", "--format", "json"])).await;
    assert!(json_of(&out).is_array(), "{}", text(&out));
    for (args, why) in [
        (
            vec!["status", "--summary", "--format", "prometheus"],
            "drop --summary",
        ),
        (
            vec!["status", "--json", "--format", "prometheus"],
            "give one of them",
        ),
        (
            vec!["status", "--json", "--format", "text"],
            "give one of them",
        ),
    ] {
        let out = run_async(cmd(d, &args)).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        assert!(text(&out).contains(why), "{args:?}: {}", text(&out));
    }
    // watch: a change of health (the password expires), with `health` and `previous_health`.
    reqwest::Client::new()
        .post(format!("{}/__sim/users/expire-password", sim.login_url()))
        .form(&[("username", DEMO_USERNAME)])
        .send()
        .await
        .unwrap();
    let mut watch = cmd(d, &["watch", "prod", "--json", "--interval", "1"]);
    watch.stdout(Stdio::piped());
    let mut child = watch.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = tokio::task::spawn_blocking(move || lines.next().unwrap().unwrap())
        .await
        .unwrap();
    let first: serde_json::Value = serde_json::from_str(&first).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(first["name"], "prod", "{first}");
    assert!(
        first["health"].is_string() && first["previous_health"].is_string(),
        "{first}"
    );
    let out = run_async(cmd(d, &["remove", "prod", "--json", "--no-revoke"])).await;
    assert_eq!(json_of(&out)["name"], "prod");
}

/// `list` on a terminal: a header and aligned columns in name order (a 64-character name
/// widens its column for every row); piped: the plain lines, in name order, broken ones too.
#[tokio::test(flavor = "multi_thread")]
async fn list_aligns_its_columns_under_a_header_on_a_terminal_and_stays_plain_when_piped() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let long = format!("a{}", "x".repeat(63));
    for name in ["zeta", long.as_str(), "beta"] {
        let out = run_async(demo_login(d, sim.login_url(), name)).await;
        assert!(out.status.success(), "{}", text(&out));
    }
    let config = d.join("connections.toml");
    let mut broken = std::fs::read_to_string(&config).unwrap();
    broken.push_str("\n[connections.gamma]\nflow = 42\n");
    std::fs::write(&config, broken).unwrap();
    let out = run_async(cmd(d, &["list"])).await;
    let piped = String::from_utf8_lossy(&out.stdout).into_owned();
    let names: Vec<&str> = piped
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(names, [long.as_str(), "beta", "gamma", "zeta"], "{piped}");
    assert!(!piped.contains("NAME"), "no header in a pipe: {piped}");
    let dir_text = d.display().to_string();
    let mut s = super::session::Session::start_sized(
        &["list"],
        10,
        250,
        &[("SFCONNECT_CONFIG_DIR", &dir_text)],
    );
    assert_eq!(s.exit_code(), 0);
    let screen = s.contents();
    let lines: Vec<&str> = screen.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(lines[0].starts_with("NAME "), "{screen}");
    let column = lines[0].find("METHOD").unwrap();
    for line in &lines[1..] {
        assert_eq!(
            line.char_indices().nth(column).map(|(_, c)| c != ' '),
            Some(true),
            "the method column starts at {column}: {screen}"
        );
        assert_eq!(line.chars().nth(column - 1), Some(' '), "{screen}");
    }
}

/// A SOAP connection `prod` saved in a new config dir, the org now trusting this network, and
/// `login prod` started on a terminal to re-authenticate it.
async fn reauthenticating_on_a_terminal() -> (
    sfconnect::sim::RunningSim,
    tempfile::TempDir,
    super::session::Session,
) {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let out = run_async(demo_login(dir.path(), sim.login_url(), "prod")).await;
    assert!(out.status.success(), "{}", text(&out));
    sim.with_state(|l| l.scenario.org.trusted_ip_ranges = vec!["127.0.0.0/8".into()]);
    let dir_text = dir.path().display().to_string();
    let session = super::session::Session::start_sized(
        &["login", "prod"],
        24,
        200,
        &[
            ("SFCONNECT_CONFIG_DIR", &dir_text),
            ("SFCONNECT_STORE", "file"),
        ],
    );
    (sim, dir, session)
}

/// Re-authenticating on a terminal: Enter keeps the saved security token, and `-` clears it
/// (the org now trusts this network), which the prompt says.
#[tokio::test(flavor = "multi_thread")]
async fn a_dash_at_the_token_prompt_clears_the_saved_token() {
    use secrecy::ExposeSecret;
    use sfconnect::profile::SecretStore;
    let (_sim, dir, mut s) = reauthenticating_on_a_terminal().await;
    let d = dir.path();
    s.wait_for("Enter keeps the saved one):");
    s.send("\r");
    s.wait_for("- clears it");
    s.send("-\r");
    assert_eq!(s.exit_code(), 0, "{}", s.contents());
    let entry = sfconnect::profile::Config::load(d).unwrap().connections["prod"]
        .secrets
        .clone();
    let store = sfconnect::profile::file_store::FileStore::new(
        d,
        sfconnect::profile::file_store::Unlock::KeyFile,
    );
    let saved = store.load(&entry).unwrap().unwrap();
    assert!(saved.get(sfconnect::profile::key::SECURITY_TOKEN).is_none());
    assert_eq!(
        saved
            .get(sfconnect::profile::key::PASSWORD)
            .unwrap()
            .expose_secret(),
        DEMO_PASSWORD,
        "Enter kept the password"
    );
}

/// Answers typed before the masked prompts are up (type-ahead, a paste) are taken as typed:
/// a newline the terminal held as a line ends the answer rather than hanging the prompt.
#[tokio::test(flavor = "multi_thread")]
async fn answers_typed_ahead_of_the_masked_prompts_are_taken() {
    let (_sim, dir, mut s) = reauthenticating_on_a_terminal().await;
    let d = dir.path();
    // Sent at once, before sfconnect has started: Enter keeps the password, `-` clears the
    // security token.
    s.send("\r-\r");
    assert_eq!(s.exit_code(), 0, "{}", s.contents());
    let connection = sfconnect::profile::Config::load(d).unwrap().connections["prod"].clone();
    assert!(connection.last_test.is_some_and(|t| t.ok));
}

/// On a terminal, `login` asks for a missing login URL and username as it asks for the
/// password; without a terminal it still says what is missing and exits 2.
#[tokio::test(flavor = "multi_thread")]
async fn login_asks_for_missing_values_on_a_terminal() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let dir_text = dir.path().display().to_string();
    let mut s = super::session::Session::start_sized(
        &["login", "prod", "--flow", "soap"],
        24,
        200,
        &[
            ("SFCONNECT_CONFIG_DIR", &dir_text),
            ("SFCONNECT_STORE", "file"),
        ],
    );
    s.wait_for("Login URL (");
    s.send(&format!("{}\r", sim.login_url()));
    s.wait_for("Username of the integration user:");
    s.send(&format!("{DEMO_USERNAME}\r"));
    s.wait_for("Password:");
    s.send(&format!("{DEMO_PASSWORD}\r"));
    s.wait_for("Security token");
    s.send(&format!("{DEMO_TOKEN}\r"));
    assert_eq!(s.exit_code(), 0, "{}", s.contents());
    assert!(
        s.contents().contains("Saved connection 'prod'"),
        "{}",
        s.contents()
    );
    let out = run_async(cmd(dir.path(), &["login", "other", "--flow", "soap"])).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("--login-url is needed"),
        "{}",
        text(&out)
    );
}

/// A device login without the consumer secret the app requires: one diagnosis, "missing",
/// everywhere it is said (the check line, the closing line, the JSON), never "wrong".
#[tokio::test(flavor = "multi_thread")]
async fn a_device_login_without_the_secret_is_diagnosed_missing_everywhere() {
    use std::io::{BufRead, BufReader};
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let mut login = cmd(
        dir.path(),
        &[
            "login",
            "d",
            "--flow",
            "device",
            "--login-url",
            sim.login_url(),
            "--client-id",
            sfconnect::sim::scenario::DEMO_CONSUMER_KEY,
            "--json",
        ],
    );
    login.stdout(Stdio::piped());
    let mut child = login.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut said = Vec::new();
    let code = loop {
        let line = rx.recv().expect("the user code is printed");
        let code = line.trim().to_string();
        let is_code = said.last().is_some_and(|l: &String| l.trim().is_empty())
            && said.iter().any(|l| l.contains("enter the code"))
            && !code.is_empty();
        said.push(line);
        if is_code {
            break code;
        }
    };
    let approved = reqwest::Client::new()
        .post(format!("{}/__sim/device/approve", sim.login_url()))
        .form(&[("user_code", code.as_str())])
        .send()
        .await
        .unwrap();
    assert!(approved.status().is_success(), "{code}: {said:?}");
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    said.extend(rx.try_iter());
    let all = said.join("\n");
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(!all.to_lowercase().contains("is wrong"), "{all}");
    let error: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(error["error"]["cause"], "client_secret_missing", "{error}");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("none was given")
            || all.contains("none was given"),
        "{error} {all}"
    );
}

/// Client credentials with a login host (not the org's My Domain) is refused before anything
/// is sent, with the fix.
#[tokio::test(flavor = "multi_thread")]
async fn client_credentials_on_the_login_host_is_refused_before_anything_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let mut login = cmd(
        dir.path(),
        &[
            "login",
            "cc",
            "--flow",
            "client-credentials",
            "--login-url",
            "https://login.salesforce.com",
            "--client-id",
            "3MVGx",
        ],
    );
    login.env("SFCONNECT_CLIENT_SECRET", "s");
    let out = run_async(login).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("My Domain URL"), "{}", text(&out));
    assert!(
        !text(&out).contains("Checking"),
        "nothing was sent: {}",
        text(&out)
    );
}
