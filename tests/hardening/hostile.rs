//! Hostile input: escape sequences from a server or in a paste, over-long values, non-UTF-8
//! environment values, a read-only config dir and a full disk.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use sfconnect::sim::scenario::{DEMO_PASSWORD, DEMO_TOKEN, DEMO_USERNAME};

use super::support::*;
use super::support_tls::canned_server;

fn no_escape_bytes(bytes: &[u8]) -> bool {
    !bytes.iter().any(|b| *b == 0x1b || *b == 0x07 || *b == 0x9b)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_cannot_drive_the_terminal_through_its_error_text() {
    let body = r#"{"error":"invalid_grant","error_description":"authentication failure\u001b]52;c;ZXZpbA==\u0007\u001b[2J\u009b31m"}"#;
    let response = format!(
        "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let url = canned_server(response.into_bytes()).await;
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = sfconnect(dir.path());
    cmd.args([
        "login",
        "x",
        "--flow",
        "password",
        "--login-url",
        &url,
        "--username",
        "u@example.com",
        "--client-id",
        "3MVGexample",
    ])
    .env("SFCONNECT_PASSWORD", "p")
    .env("SFCONNECT_CLIENT_SECRET", "s");
    let out = run_async(cmd).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("authentication failure")
            || String::from_utf8_lossy(&out.stderr).contains("authentication failure"),
        "{}",
        text(&out)
    );
    assert!(no_escape_bytes(&out.stdout), "{}", text(&out));
    assert!(no_escape_bytes(&out.stderr), "{}", text(&out));
}

/// Escape sequences pasted into a field are never echoed; a huge paste is cut and said.
#[test]
fn pasted_escape_sequences_and_huge_pastes_in_the_wizard() {
    use super::wizard::{new_connection, soap_form};
    let dir = tempfile::tempdir().unwrap();
    let mut s = new_connection("https://acme.my.salesforce.com", dir.path(), &[], &[]);
    soap_form(&mut s);
    s.paste("evil\x1b]52;c;ZXZpbA==\x07\x1b[31mred\x1b[2J");
    s.wait_for("Username: evil]52;c;ZXZpbA==[31mred[2J");
    let raw = s.raw();
    for sequence in ["\x1b]52;c;ZXZpbA==", "\x1b[31mred", "\x1b[2J"] {
        assert!(
            !raw.windows(sequence.len())
                .any(|w| w == sequence.as_bytes()),
            "{sequence:?} reached the terminal"
        );
    }
    s.send("\t");
    s.paste(&"A".repeat(100_000));
    s.wait_for("the most a field takes");
    s.send("\x03");
    assert_eq!(s.exit_code(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn non_utf8_environment_values() {
    let sim = sim().await;
    // A password that is not UTF-8: said, not silently treated as missing.
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = soap_login(
        dir.path(),
        sim.login_url(),
        "prod",
        DEMO_PASSWORD,
        DEMO_TOKEN,
    );
    cmd.env("SFCONNECT_PASSWORD", OsStr::from_bytes(b"Demo-\xff\xfe"));
    let out = run_async(cmd).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("SFCONNECT_PASSWORD is not valid UTF-8"),
        "{}",
        text(&out)
    );
    assert!(snapshot(dir.path()).is_empty(), "nothing saved");
    // A config dir whose path is not UTF-8 works like any other.
    let odd = dir.path().join(OsStr::from_bytes(b"conf-\xff"));
    let out = run_async(demo_login(&odd, sim.login_url(), "prod")).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let mut list = sfconnect(&odd);
    list.arg("list");
    let out = run_async(list).await;
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("prod"),
        "{}",
        text(&out)
    );
    // Non-UTF-8 settings are refused by name.
    let mut cmd = sfconnect(dir.path());
    cmd.arg("list")
        .env("SFCONNECT_STORE", OsStr::from_bytes(b"\xff"));
    let out = run_async(cmd).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

/// Run `script` in a private mount namespace as root there (to mount a small or read-only
/// filesystem): through an unprivileged user namespace, else through passwordless sudo. None
/// when this machine allows neither.
fn in_namespace(script: &str, env: &[(&str, &str)]) -> Option<std::process::Output> {
    let ways: [&[&str]; 3] = [
        &["unshare", "-rm"],
        &["unshare", "-m"],
        &["sudo", "-n", "-E", "unshare", "-m"],
    ];
    let way = ways.into_iter().find(|way| {
        std::process::Command::new(way[0])
            .args(&way[1..])
            .arg("true")
            .output()
            .is_ok_and(|o| o.status.success())
    })?;
    let mut cmd = std::process::Command::new(way[0]);
    cmd.args(&way[1..]).args(["sh", "-c", script]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    Some(cmd.output().unwrap())
}

fn skipped(name: &str) {
    // Not a service the suite can start: say so loudly rather than pass in silence.
    println!(
        "SKIPPED {name}: this machine allows no private mount namespace (unshare -rm or sudo)"
    );
    eprintln!(
        "SKIPPED {name}: this machine allows no private mount namespace (unshare -rm or sudo)"
    );
}

fn file(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_default()
}

/// A full disk and then a read-only config dir: re-authenticating fails with a clear error and
/// the saved connection stays exactly as it was.
#[tokio::test(flavor = "multi_thread")]
async fn a_full_disk_and_a_read_only_config_dir_keep_the_old_state() {
    let sim = sim().await;
    let work = tempfile::tempdir().unwrap();
    let config = work.path().join("config");
    let out_dir = work.path().join("out");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::create_dir_all(&out_dir).unwrap();
    let script = r#"
        set -u
        mount -t tmpfs -o size=256k tmpfs "$D" || exit 90
        login() { "$BIN" login prod --flow soap --login-url "$URL" --username "$USERNAME"; }
        SFCONNECT_PASSWORD="$PW" SFCONNECT_SECURITY_TOKEN="$TOK" login > "$O/first.out" 2>&1
        echo $? > "$O/first.code"
        cat "$D/connections.toml" "$D/secrets.age" "$D/secrets.key" | sha256sum > "$O/before.sum"
        dd if=/dev/zero of="$D/filler" bs=1k 2>/dev/null
        SFCONNECT_PASSWORD="$PW" SFCONNECT_SECURITY_TOKEN="$TOK" login > "$O/full.out" 2>&1
        echo $? > "$O/full.code"
        cat "$D/connections.toml" "$D/secrets.age" "$D/secrets.key" | sha256sum > "$O/full.sum"
        rm -f "$D/filler"
        mount -o remount,ro "$D" || exit 91
        SFCONNECT_PASSWORD="$PW" SFCONNECT_SECURITY_TOKEN="$TOK" login > "$O/ro.out" 2>&1
        echo $? > "$O/ro.code"
        cat "$D/connections.toml" "$D/secrets.age" "$D/secrets.key" | sha256sum > "$O/ro.sum"
        "$BIN" test prod > "$O/test.out" 2>&1
        echo $? > "$O/test.code"
    "#;
    let config_s = config.display().to_string();
    let out_s = out_dir.display().to_string();
    let env = [
        ("D", config_s.as_str()),
        ("O", out_s.as_str()),
        ("BIN", env!("CARGO_BIN_EXE_sfconnect")),
        ("URL", sim.login_url()),
        ("USERNAME", DEMO_USERNAME),
        ("PW", DEMO_PASSWORD),
        ("TOK", DEMO_TOKEN),
        ("SFCONNECT_CONFIG_DIR", config_s.as_str()),
        ("SFCONNECT_STORE", "file"),
    ];
    let script = script.to_string();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let output = tokio::task::spawn_blocking(move || {
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        in_namespace(&script, &env)
    })
    .await
    .unwrap();
    let Some(output) = output else {
        skipped("a_full_disk_and_a_read_only_config_dir_keep_the_old_state");
        return;
    };
    assert!(output.status.success(), "{}", text(&output));
    let o = out_dir.as_path();
    assert_eq!(
        file(o, "first.code").trim(),
        "0",
        "{}",
        file(o, "first.out")
    );
    let before = file(o, "before.sum");
    // Full disk: the checks pass, the write fails, and says why.
    // The credentials were good, only the save failed: 1, and both are said.
    assert_eq!(file(o, "full.code").trim(), "1", "{}", file(o, "full.out"));
    assert!(
        file(o, "full.out").contains("the credentials are good, but they could not be saved"),
        "{}",
        file(o, "full.out")
    );
    assert!(
        file(o, "full.out").contains("No space left on device"),
        "{}",
        file(o, "full.out")
    );
    assert_eq!(
        file(o, "full.sum"),
        before,
        "the full disk changed the saved connection"
    );
    // Read-only: the same, with the reason.
    assert_eq!(file(o, "ro.code").trim(), "1", "{}", file(o, "ro.out"));
    assert!(
        file(o, "ro.out").to_lowercase().contains("read-only"),
        "{}",
        file(o, "ro.out")
    );
    assert_eq!(
        file(o, "ro.sum"),
        before,
        "the read-only dir changed the saved connection"
    );
    // And the saved connection still works; but its result cannot be recorded in a read-only
    // dir, which a script must learn: 1, and said.
    let tested = file(o, "test.out");
    assert!(!tested.contains('✗') && tested.contains('✓'), "{tested}");
    assert!(tested.contains("could not be recorded"), "{tested}");
    assert_eq!(file(o, "test.code").trim(), "1", "{tested}");
}

/// Names the org sends back (the user's full name, profile and licence names) are saved and
/// printed: they are made printable first, like every other server text.
#[tokio::test(flavor = "multi_thread")]
async fn names_from_the_org_cannot_drive_the_terminal() {
    let sim = sim().await;
    let evil = "Eve\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J";
    // Even the username: the org answers with its own spelling of it, which is what is saved.
    let hostile_username = format!("integration{evil}@acme-demo.example");
    sim.with_state(|live| {
        let user = live.user_mut(DEMO_USERNAME).unwrap();
        user.full_name = evil.into();
        user.profile = format!("Profile {evil}");
        user.username = hostile_username.clone();
    });
    let dir = tempfile::tempdir().unwrap();
    let mut login = sfconnect(dir.path());
    login
        .args([
            "login",
            "prod",
            "--flow",
            "soap",
            "--login-url",
            sim.login_url(),
            "--username",
            &hostile_username,
        ])
        .env("SFCONNECT_PASSWORD", DEMO_PASSWORD)
        .env("SFCONNECT_SECURITY_TOKEN", DEMO_TOKEN);
    let out = run_async(login).await;
    assert!(out.status.success(), "{}", text(&out));
    for args in [
        vec!["test", "prod"],
        vec!["list"],
        vec!["status"],
        vec!["test", "prod", "--json"],
    ] {
        let mut c = sfconnect(dir.path());
        c.args(&args);
        let out = run_async(c).await;
        assert!(no_escape_bytes(&out.stdout), "{args:?}: {}", text(&out));
        assert!(no_escape_bytes(&out.stderr), "{args:?}: {}", text(&out));
    }
    let config = std::fs::read(dir.path().join(sfconnect::profile::config::CONFIG_FILE)).unwrap();
    assert!(
        no_escape_bytes(&config),
        "the saved config holds no escape bytes"
    );
}

/// A token endpoint on loopback that answers every request with `body` (JSON, 200).
async fn token_endpoint(body: &str) -> String {
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    canned_server(response.into_bytes()).await
}

/// `sfconnect login NAME --flow client-credentials` against `url`, with consumer secret "s".
fn client_credentials_login(dir: &Path, name: &str, url: &str) -> std::process::Command {
    let mut login = sfconnect(dir);
    login
        .args([
            "login",
            name,
            "--flow",
            "client-credentials",
            "--login-url",
            url,
            "--client-id",
            "3MVGexample",
        ])
        .env("SFCONNECT_CLIENT_SECRET", "s");
    login
}

/// A token response whose identity URL points at another port on this machine: the token is
/// never sent there (another local user may be listening), whatever else happens.
#[tokio::test(flavor = "multi_thread")]
async fn the_token_never_goes_to_an_identity_url_off_the_login_host() {
    let sim = sim().await;
    let trap = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    trap.set_nonblocking(true).unwrap();
    let trap_port = trap.local_addr().unwrap().port();
    let id = format!("http://127.0.0.1:{trap_port}/id/00D000000000001AAA/005000000000001AAA");
    // Correctly signed with the consumer secret: only the identity URL is wrong.
    let signature = sfconnect::salesforce::oauth::expected_signature(
        &id,
        "1760000000000",
        &secrecy::SecretString::from("s"),
    );
    let body = serde_json::json!({
        "access_token": "00Dtoken!forTheTrap",
        "instance_url": sim.instance_url(),
        "id": id,
        "token_type": "Bearer",
        "issued_at": "1760000000000",
        "signature": signature,
    })
    .to_string();
    let url = token_endpoint(&body).await;
    let dir = tempfile::tempdir().unwrap();
    let login = client_credentials_login(dir.path(), "x", &url);
    let out = run_async(login).await;
    let reached = trap.accept().is_ok();
    assert!(
        !reached,
        "the identity URL on another port was sent the token: {}",
        text(&out)
    );
    // The login got as far as the checks: the signature was good.
    assert!(!text(&out).contains("not signed"), "{}", text(&out));

    // The same answer unsigned fails, as a wrong signature does: the check never fails open.
    let unsigned = serde_json::json!({
        "access_token": "00Dtoken!forTheTrap",
        "instance_url": sim.instance_url(),
        "id": format!("{}/id/00D000000000001AAA/005000000000001AAA", sim.login_url()),
        "token_type": "Bearer",
    })
    .to_string();
    let url = token_endpoint(&unsigned).await;
    let login = client_credentials_login(dir.path(), "y", &url);
    let out = run_async(login).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("not signed"), "{}", text(&out));
}

/// A rotating refresh token is never lost to a config dir that cannot be written: with the dir
/// read-only, `token` spends nothing and says so; when the disk fills up between the login and
/// the save, the new token is kept elsewhere (encrypted), `token` exits 1 and says
/// where, `status` counts the connection as failing, and the next run once the dir is writable
/// saves it: the connection still works.
#[tokio::test(flavor = "multi_thread")]
async fn a_rotated_refresh_token_that_cannot_be_saved_is_kept_and_saved_later() {
    use sfconnect::sim::scenario::{DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET};
    let sim = sim().await;
    sim.with_state(|live| live.scenario.apps[0].refresh_token_rotation = true);
    let refresh = browser_refresh_token(&sim, DEMO_CONSUMER_SECRET).await;
    let work = tempfile::tempdir().unwrap();
    let config = work.path().join("config");
    let out_dir = work.path().join("out");
    let state = work.path().join("state");
    for d in [&config, &out_dir, &state] {
        std::fs::create_dir_all(d).unwrap();
    }
    let script = r#"
        set -u
        mount -t tmpfs -o size=4m tmpfs "$D" || exit 90
        run() { step=$1; shift; "$BIN" "$@" > "$O/$step.out" 2> "$O/$step.err"; echo $? > "$O/$step.code"; }
        run login login c --flow refresh-token --login-url "$URL" --client-id "$KEY"
        unset SFCONNECT_REFRESH_TOKEN
        run first token c --fresh
        mount -o remount,ro "$D" || exit 91
        run ro token c --fresh
        mount -o remount,rw "$D" || exit 92
        # The disk fills up after the login, before the save (a file open for writing, the
        # hold, keeps the dir from being remounted read-only meanwhile).
        SFCONNECT_FAILPOINT=pause:token-logged-in SFCONNECT_FAILPOINT_RELEASE="$O/release"             "$BIN" token c --fresh > "$O/lost.out" 2> "$O/lost.err" &
        pid=$!
        i=0; while [ ! -e "$O/release.paused" ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i+1)); done
        dd if=/dev/zero of="$D/filler" bs=1k 2>/dev/null
        touch "$O/release"
        wait $pid; echo $? > "$O/lost.code"
        run status status c
        rm -f "$D/filler"
        run kept token c
        run after status c
        run again token c --fresh
    "#;
    let s = |p: &Path| p.display().to_string();
    let (config_s, out_s, state_s) = (s(&config), s(&out_dir), s(&state));
    let env: Vec<(String, String)> = [
        ("D", config_s.as_str()),
        ("O", out_s.as_str()),
        ("BIN", env!("CARGO_BIN_EXE_sfconnect")),
        ("URL", sim.login_url()),
        ("KEY", DEMO_CONSUMER_KEY),
        ("SFCONNECT_CLIENT_SECRET", DEMO_CONSUMER_SECRET),
        ("SFCONNECT_REFRESH_TOKEN", refresh.as_str()),
        ("SFCONNECT_CONFIG_DIR", config_s.as_str()),
        ("SFCONNECT_STORE", "file"),
        ("XDG_STATE_HOME", state_s.as_str()),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let script = script.to_string();
    let output = tokio::task::spawn_blocking(move || {
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        in_namespace(&script, &env)
    })
    .await
    .unwrap();
    let Some(output) = output else {
        skipped("a_rotated_refresh_token_that_cannot_be_saved_is_kept_and_saved_later");
        return;
    };
    assert!(output.status.success(), "{}", text(&output));
    let o = out_dir.as_path();
    let said = |step: &str| {
        format!(
            "{step}: exit {} stdout [{}] stderr [{}]",
            file(o, &format!("{step}.code")).trim(),
            file(o, &format!("{step}.out")),
            file(o, &format!("{step}.err"))
        )
    };
    let code = |step: &str| file(o, &format!("{step}.code")).trim().to_string();
    for ok in ["login", "first"] {
        assert_eq!(code(ok), "0", "{}", said(ok));
    }
    // Read-only from the start: nothing spent, nothing printed.
    assert_eq!(code("ro"), "1", "{}", said("ro"));
    assert!(file(o, "ro.out").is_empty(), "{}", said("ro"));
    assert!(
        file(o, "ro.err").contains("Nothing was spent"),
        "{}",
        said("ro")
    );
    // Read-only after the login: the new token is kept in the state dir, and said so.
    assert_eq!(code("lost"), "1", "{}", said("lost"));
    assert!(
        file(o, "lost.out").is_empty(),
        "no token is printed: {}",
        said("lost")
    );
    assert!(file(o, "lost.err").contains(&state_s), "{}", said("lost"));
    assert_eq!(code("status"), "1", "{}", said("status"));
    assert!(
        file(o, "status.out").contains("waits in"),
        "{}",
        said("status")
    );
    // Writable again: the kept token is saved, the copy deleted, and it works.
    assert_eq!(code("kept"), "0", "{}", said("kept"));
    assert!(
        !file(o, "after.out").contains("waits in"),
        "{}",
        said("after")
    );
    assert_eq!(
        code("again"),
        "0",
        "the kept token was the live one: {}",
        said("again")
    );
    let left = walk(&state);
    assert!(
        !left.iter().any(|p| p.ends_with("secrets.age")),
        "the kept copy is deleted once saved: {left:?}"
    );
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// Loopback is never proxied: with `HTTP_PROXY`/`HTTPS_PROXY`/`ALL_PROXY` set, a login to the
/// simulated org on 127.0.0.1 (its password included) goes there directly, while a login to
/// a real host still goes through the proxy.
#[tokio::test(flavor = "multi_thread")]
async fn loopback_traffic_never_goes_through_a_proxy() {
    use std::io::Read;
    let sim = sim().await;
    let proxy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy_url = format!("http://127.0.0.1:{}", proxy.local_addr().unwrap().port());
    let dir = tempfile::tempdir().unwrap();
    let mut login = demo_login(dir.path(), sim.login_url(), "prod");
    for var in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy"] {
        login.env(var, &proxy_url);
    }
    login.env_remove("NO_PROXY").env_remove("no_proxy");
    let out = run_async(login).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    proxy.set_nonblocking(true).unwrap();
    assert!(
        proxy.accept().is_err(),
        "nothing for the simulated org went through the proxy"
    );
    // A real host still goes through it: the proxy is asked to CONNECT (and refuses).
    proxy.set_nonblocking(false).unwrap();
    let seen = std::thread::spawn(move || {
        let (mut stream, _) = proxy.accept().unwrap();
        let mut head = [0u8; 256];
        let n = stream.read(&mut head).unwrap_or(0);
        String::from_utf8_lossy(&head[..n]).into_owned()
    });
    let mut remote = demo_login(dir.path(), "https://login.salesforce.com", "far");
    remote
        .env("HTTPS_PROXY", &proxy_url)
        .args(["--timeout", "5"]);
    let out = run_async(remote).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let head = seen.join().unwrap();
    assert!(
        head.starts_with("CONNECT login.salesforce.com:443"),
        "{head}"
    );
}

/// Identifiers and hosts from a hostile org are refused before anything is saved or printed:
/// an org ID that hides an escape sequence (OAuth, signed correctly), an instance on a domain
/// where customers host their own sites when the login was elsewhere, and a SOAP answer whose
/// organizationId is no Salesforce ID.
#[tokio::test(flavor = "multi_thread")]
async fn ids_and_hosts_a_hostile_org_sends_are_refused_before_saving() {
    let signed = |id: &str, instance: &str| {
        let signature = sfconnect::salesforce::oauth::expected_signature(
            id,
            "1760000000000",
            &secrecy::SecretString::from("s"),
        );
        serde_json::json!({
            "access_token": "00Dtoken!hostile",
            "instance_url": instance,
            "id": id,
            "token_type": "Bearer",
            "issued_at": "1760000000000",
            "signature": signature,
        })
        .to_string()
    };
    let dir = tempfile::tempdir().unwrap();
    // The org ID carries an OSC 52 sequence that would write to the clipboard.
    let placeholder = token_endpoint("{}").await;
    let id = format!("{placeholder}/id/00D\u{1b}]52;c;ZXZpbA==\u{7}/005000000000001AAA");
    let url = token_endpoint(&signed(&id, &placeholder)).await;
    let out = run_async(client_credentials_login(dir.path(), "x", &url)).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("not a Salesforce ID"), "{}", text(&out));
    assert!(no_escape_bytes(&out.stdout) && no_escape_bytes(&out.stderr));
    // A customer's own site is no API host for a login made elsewhere.
    let id = format!("{placeholder}/id/00D000000000001AAA/005000000000001AAA");
    let url = token_endpoint(&signed(&id, "https://evil.my.site.com")).await;
    let out = run_async(client_credentials_login(dir.path(), "y", &url)).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("customers run their own sites"),
        "{}",
        text(&out)
    );
    // SOAP: an organizationId that is not an ID (a right-to-left override hides in it).
    let soap = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns=\"urn:partner.soap.sforce.com\"><soapenv:Body><loginResponse><result><passwordExpired>false</passwordExpired><sandbox>false</sandbox><serverUrl>{placeholder}/services/Soap/u/64.0/00D000000000001</serverUrl><sessionId>00Dx!AQ</sessionId><userId>005000000000001AAA</userId><userInfo><organizationId>00D\u{202e}000000000001</organizationId><userId>005000000000001AAA</userId><userName>integration@acme.example</userName></userInfo></result></loginResponse></soapenv:Body></soapenv:Envelope>"
    );
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{soap}",
        soap.len()
    );
    let url = canned_server(response.into_bytes()).await;
    let out = run_async(soap_login(dir.path(), &url, "z", "pw", "tok")).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("not a Salesforce ID"), "{}", text(&out));
    assert!(
        !dir.path().join("connections.toml").exists()
            || !std::fs::read_to_string(dir.path().join("connections.toml"))
                .unwrap()
                .contains("[connections."),
        "nothing was saved"
    );
}
