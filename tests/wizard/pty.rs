//! The real binary in a pseudo terminal: a new connection in `sfconnect demo` with a wrong token
//! first (the right diagnosis), then the fix, the test passing and the save; Ctrl-C mid-flow.

use std::io::{Read, Write};

use super::session::Session;
use sfconnect::sim::scenario::{DEMO_PASSWORD, DEMO_TOKEN, DEMO_USERNAME};

/// The simulated org's login URL, as the environment screen shows it.
fn demo_org_url(screen: &str) -> String {
    let start = screen.find("http://127.0.0.1:").unwrap();
    screen[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || ":/.".contains(*c))
        .collect()
}

/// A form POST to the simulated org, as an admin's action outside the API.
fn post(base: &str, path: &str, body: &str) -> String {
    let host = base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

/// Terminal output without its escape sequences (CSI and the simple ESC pairs).
fn strip_cursor_moves(raw: &str) -> String {
    let mut out = String::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            out.push(c);
        } else if chars.next_if_eq(&'[').is_some() {
            // Parameters and intermediates, then one final byte in @..~.
            while chars.next_if(|c| !('@'..='~').contains(c)).is_some() {}
            chars.next();
        } else {
            chars.next();
        }
    }
    out
}

const ENTER: &str = "\r";
const TAB: &str = "\t";
const ESC: &str = "\x1b";

#[test]
fn demo_new_connection_wrong_token_then_fixed_saved_and_reauthenticated() {
    let mut s = Session::start(&["demo"]);
    s.wait_for("Name this connection");
    s.send(ENTER);
    s.wait_for("Demo org (simulated");
    let org = demo_org_url(&s.contents());
    s.send(ENTER);
    s.wait_for("Username, password and security token");
    s.send(ENTER);
    s.wait_for("needs:");
    s.send(ENTER);
    s.wait_for("Give the integration user API access");
    s.send(ENTER);
    s.wait_for("Demo org credentials");
    s.send(DEMO_USERNAME);
    s.send(TAB);
    s.paste(DEMO_PASSWORD);
    s.send(TAB);
    s.paste("WrongToken0000000000000A");
    s.send(ENTER);
    s.wait_for("A check failed");
    let screen = s.contents();
    assert!(screen.contains("INVALID_LOGIN"), "{screen}");
    assert!(screen.contains("fix:"), "{screen}");
    // Esc goes back to the field the failure names, selected; every value is kept.
    // Fix only the token: Tab to it, Ctrl-U clears it, paste the right one.
    s.send(ESC);
    s.wait_for("Password: ••••••••••••••▏  (selected: typing replaces it)");
    s.send(TAB);
    s.send("\x15");
    s.wait_for("▶ Security token (needed outside trusted IPs): ▏");
    s.paste(DEMO_TOKEN);
    s.send(ENTER);
    s.wait_for("All required checks passed");
    s.send(ENTER);
    s.wait_for("where should the secrets live");
    s.send("f");
    s.send(ENTER);
    s.wait_for("Saved connection 'demo'");
    // The next steps are this connection's own commands, with the demo's config dir.
    let done = s.contents().replace(['│', '\n'], " ");
    assert!(done.contains("--config-dir"), "{done}");
    assert!(done.contains("sfconnect-demo-"), "{done}");
    assert!(!done.contains("NAME"), "{done}");
    s.send(ENTER);
    // The list reloads after a save: `t` needs the row there.
    s.wait_for("demo · SOAP login · integration@acme-demo.example  [PRODUCTION]");
    // ? lists the home screen's keys; any key closes it.
    s.send("?");
    s.wait_for("remove the chosen connection");
    assert!(
        s.contents().contains("add a new connection"),
        "{}",
        s.contents()
    );
    s.send(" ");
    s.wait_for("n new");
    // A new connection under a saved name is never a silent replacement: it says so, and
    // Enter again re-authenticates the saved one.
    s.send("n");
    s.wait_for("Name this connection");
    s.send("demo");
    s.send(ENTER);
    s.wait_for("'demo' is already saved");
    s.send(ENTER);
    s.wait_for("Re-authenticate 'demo'");
    s.send(ESC);
    s.wait_for("demo · SOAP login · integration@acme-demo.example  [PRODUCTION]");
    // Test the saved connection from the home screen.
    s.send("t");
    s.wait_for("All required checks passed");
    s.send(ENTER);
    s.wait_for("tested today");

    // The password expires: the saved connection's test says so.
    post(
        &org,
        "/__sim/users/expire-password",
        &format!("username={}", DEMO_USERNAME.replace('@', "%40")),
    );
    s.send("t");
    s.wait_for("A check failed");
    assert!(
        s.contents().to_lowercase().contains("expired"),
        "{}",
        s.contents()
    );
    s.send(ENTER);
    s.wait_for("Saved connections");
    // The admin changes the password in Salesforce; Salesforce resets the token with it.
    let answer = post(
        &org,
        "/__sim/users/set-password",
        &format!(
            "username={}&password=New-Pass-2027",
            DEMO_USERNAME.replace('@', "%40")
        ),
    );
    let new_token = answer
        .split("\"security_token\":\"")
        .nth(1)
        .and_then(|t| t.split('"').next())
        .unwrap()
        .to_string();
    s.send("r");
    s.wait_for("Re-authenticate 'demo': what happened");
    assert!(
        s.contents().contains("What is known to be wrong"),
        "{}",
        s.contents()
    );
    s.send(ENTER);
    s.wait_for("Give the integration user a new password");
    s.send(ENTER);
    s.wait_for(&format!("Username: {DEMO_USERNAME}"));
    s.send(TAB);
    s.paste("New-Pass-2027");
    s.send(TAB);
    s.paste(&new_token);
    s.send(ENTER);
    s.wait_for("All required checks passed");
    s.send(ENTER);
    s.wait_for("where should the secrets live");
    s.send(ENTER);
    s.wait_for("Re-authenticated 'demo'");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
    let raw = String::from_utf8_lossy(&s.raw()).to_string();
    // The demo's own hint line, "password: Demo-Pass-2026" (lower-case, unlike the field's
    // "Password:"), may be drawn in pieces: cursor moves skip the cells that did not change.
    let text = strip_cursor_moves(&raw);
    for (i, _) in text.match_indices(DEMO_PASSWORD) {
        let before = &text[text.floor_char_boundary(i.saturating_sub(12))..i];
        assert!(
            (before.contains("pas") || before.contains("wor")) && !before.contains("Password"),
            "the password appears only in the demo's own credential hints, never echoed from the field: {before:?}"
        );
    }
    assert!(raw.contains("\x1b[?1049l"), "the alternate screen was left");
    assert!(
        raw.contains("\x1b[?2004l"),
        "bracketed paste was turned off"
    );
}

#[test]
fn a_terminal_below_the_smallest_size_says_so_and_ctrl_c_leaves() {
    let mut s = Session::start_sized(&["demo"], 8, 30, &[]);
    s.wait_for("terminal too small");
    assert!(s.contents().contains("50×14"), "{}", s.contents());
    s.send("\x03");
    assert_eq!(s.exit_code(), 0);
}

#[test]
fn ctrl_c_mid_flow_leaves_at_once_and_restores_the_terminal() {
    let mut s = Session::start(&["demo"]);
    s.wait_for("Name this connection");
    for _ in 0..5 {
        s.send(ENTER);
    }
    s.wait_for("Demo org credentials");
    s.send("half-typed");
    s.send("\x03");
    assert_eq!(s.exit_code(), 0);
    let raw = String::from_utf8_lossy(&s.raw()).to_string();
    assert!(raw.contains("\x1b[?1049l"), "the alternate screen was left");
}

#[test]
fn without_a_terminal_the_wizard_points_to_the_commands() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sfconnect"))
        .arg("demo")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs a terminal"));
}

#[test]
fn a_dumb_terminal_is_refused_with_the_commands_to_use() {
    let mut s = Session::start_sized(&["demo"], 24, 80, &[("TERM", "dumb")]);
    assert_eq!(s.exit_code(), 2);
    let said = String::from_utf8_lossy(&s.raw()).to_string();
    assert!(said.contains("TERM=dumb"), "{said}");
    assert!(said.contains("sfconnect login NAME"), "{said}");
    assert!(
        !said.contains("\x1b[?1049h"),
        "no full screen was started: {said}"
    );
}

#[test]
fn a_non_utf8_locale_draws_in_ascii() {
    let mut s = Session::start_sized(&["demo"], 24, 80, &[("LC_ALL", "C")]);
    s.wait_for("Name this connection");
    let screen = s.contents();
    assert!(screen.is_ascii(), "{screen}");
    assert!(screen.contains("+ New connection: name -"), "{screen}");
    s.send("\x03");
    assert_eq!(s.exit_code(), 0);
}

#[test]
fn sighup_mid_flow_restores_the_terminal_and_saves_nothing() {
    let mut s = Session::start(&["demo"]);
    s.wait_for("Name this connection");
    for _ in 0..5 {
        s.send(ENTER);
    }
    s.wait_for("Demo org credentials");
    s.send(DEMO_USERNAME);
    let pid = s.child.process_id().unwrap();
    let killed = std::process::Command::new("kill")
        .args(["-HUP", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    s.exit_code();
    let raw = String::from_utf8_lossy(&s.raw()).to_string();
    assert!(
        raw.contains("\x1b[?1049l"),
        "the alternate screen was left after SIGHUP"
    );
    assert!(
        raw.contains("\x1b[?2004l"),
        "bracketed paste was turned off after SIGHUP"
    );
}

#[test]
fn demo_password_flow_with_the_connected_app() {
    use sfconnect::sim::scenario::{DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET};
    let mut s = Session::start(&["demo"]);
    s.wait_for("Name this connection");
    s.send(ENTER);
    s.send(ENTER);
    s.wait_for("Username, password and security token");
    s.send("\x1b[B"); // Down: password with a connected app
    s.send(ENTER);
    s.wait_for("connected app (not an External Client App)");
    s.send(ENTER);
    s.send(ENTER);
    s.wait_for("Consumer secret");
    s.send(DEMO_USERNAME);
    s.send(TAB);
    s.paste(DEMO_PASSWORD);
    s.send(TAB);
    s.paste(DEMO_TOKEN);
    s.send(TAB);
    s.paste(DEMO_CONSUMER_KEY);
    s.send(TAB);
    s.paste(DEMO_CONSUMER_SECRET);
    s.send(ENTER);
    s.wait_for("All required checks passed");
    s.send(ENTER);
    s.send(ENTER);
    s.wait_for("Saved connection 'demo'");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
}

#[test]
fn the_form_keeps_every_value_across_back_and_a_method_switch() {
    use sfconnect::sim::scenario::{DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET};
    let mut s = Session::start(&["demo"]);
    demo_method_form(&mut s, 1, "Consumer secret");
    s.send(DEMO_USERNAME);
    s.send(TAB);
    s.paste(DEMO_PASSWORD);
    s.send(TAB);
    s.paste(DEMO_TOKEN);
    s.send(TAB);
    s.paste(DEMO_CONSUMER_KEY);
    // Back to the guide and the checklist, and forward again: nothing is emptied.
    s.send(ESC);
    s.wait_for("Give the integration user API access");
    s.send(ESC);
    s.wait_for("needs:");
    s.send(ENTER);
    s.send(ENTER);
    s.wait_for(&DEMO_CONSUMER_KEY[..40]); // the long key wraps onto the next line
    assert!(
        s.contents().contains(&format!("Username: {DEMO_USERNAME}")),
        "{}",
        s.contents()
    );
    // Over to username + password + token: the shared fields come along.
    for screen in ["prepare Salesforce", "before you start", "how to log in"] {
        s.send(ESC);
        s.wait_for(&format!("New connection: {screen}"));
    }
    s.send("\x1b[A"); // Up: username, password and security token
    for screen in ["before you start", "prepare Salesforce", "credentials"] {
        s.send(ENTER);
        s.wait_for(&format!("New connection: {screen}"));
    }
    s.wait_for(&format!("Username: {DEMO_USERNAME}"));
    assert!(
        s.contents().contains("Password: ••••••••••••••"),
        "{}",
        s.contents()
    );
    // Readline keys: Ctrl-A, a typed character, Ctrl-K keeps only it; Ctrl-U clears.
    s.send("\x01x\x0b");
    s.wait_for("▶ Username: x▏");
    s.send("\x15");
    s.send(DEMO_USERNAME);
    // And back to the app method: its consumer key and secret are still there.
    for screen in ["prepare Salesforce", "before you start", "how to log in"] {
        s.send(ESC);
        s.wait_for(&format!("New connection: {screen}"));
    }
    s.send("\x1b[B");
    for screen in ["before you start", "prepare Salesforce", "credentials"] {
        s.send(ENTER);
        s.wait_for(&format!("New connection: {screen}"));
    }
    s.wait_for(&DEMO_CONSUMER_KEY[..40]); // the long key wraps onto the next line
    s.send(TAB);
    s.send(TAB);
    s.send(TAB);
    s.send(TAB);
    s.paste(DEMO_CONSUMER_SECRET);
    s.send(ENTER);
    s.wait_for("All required checks passed");
    s.send("\x03");
    assert_eq!(s.exit_code(), 0);
}

fn my_domain_url(screen: &str) -> String {
    let at = screen.find("My Domain URL: http://").unwrap() + "My Domain URL: ".len();
    screen[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || ":/.".contains(*c))
        .collect()
}

#[test]
fn demo_client_credentials_on_the_my_domain_url() {
    use sfconnect::sim::scenario::{DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET};
    let mut s = Session::start(&["demo"]);
    // The demo shows its org's My Domain URL beside the form; read it, then go back and use it.
    s.wait_for("Name this connection");
    for _ in 0..5 {
        s.send(ENTER);
    }
    s.wait_for("Demo org credentials");
    let instance = my_domain_url(&s.contents());
    for _ in 0..4 {
        s.send(ESC);
    }
    s.wait_for("Demo org (simulated");
    for _ in 0..3 {
        s.send("\x1b[B");
    }
    s.send(&instance);
    s.wait_for("✓ http://127.0.0.1:");
    s.send(ENTER);
    s.wait_for("I already have a refresh token");
    for _ in 0..5 {
        s.send("\x1b[B");
    }
    s.send(ENTER);
    s.wait_for("My Domain URL (client credentials does not work");
    s.send(ENTER);
    s.send(ENTER);
    s.wait_for("Consumer key");
    s.paste(DEMO_CONSUMER_KEY);
    s.send(TAB);
    s.paste(DEMO_CONSUMER_SECRET);
    s.send(ENTER);
    s.wait_for("All required checks passed");
    s.send("\x03");
    assert_eq!(s.exit_code(), 0);
}

#[test]
fn demo_jwt_bearer_with_an_uploaded_certificate() {
    use sfconnect::sim::scenario::DEMO_CONSUMER_KEY;
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    let cert = rcgen::CertificateParams::new(vec!["sfconnect".to_string()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("server.key");
    std::fs::write(&key_file, key.serialize_pem()).unwrap();

    let mut s = Session::start(&["demo"]);
    s.wait_for("Name this connection");
    s.send(ENTER);
    s.wait_for("Demo org (simulated");
    let org = demo_org_url(&s.contents());
    let body: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("consumer_key", DEMO_CONSUMER_KEY)
        .append_pair("certificate", &cert.pem())
        .finish();
    assert!(post(&org, "/__sim/apps/certificate", &body).contains("uploaded"));
    s.send(ENTER);
    s.wait_for("I already have a refresh token");
    for _ in 0..4 {
        s.send("\x1b[B");
    }
    s.send(ENTER);
    s.wait_for("pre-authorized");
    s.send(ENTER);
    s.send(ENTER);
    s.wait_for("Private key file");
    s.paste(DEMO_CONSUMER_KEY);
    s.send(TAB);
    s.send(DEMO_USERNAME);
    s.send(TAB);
    s.paste(&key_file.display().to_string());
    s.send(ENTER);
    s.wait_for("All required checks passed");
    s.send("\x03");
    assert_eq!(s.exit_code(), 0);
}

/// A GET to the simulated org; returns the raw response (status line and headers included).
fn get(base: &str, path_and_query: &str) -> String {
    let host = base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    write!(
        stream,
        "GET {path_and_query} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

/// A refresh token from one browser login, as the seed guide has admins produce it by hand.
fn refresh_token_by_hand(org: &str) -> String {
    use sfconnect::sim::scenario::{DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET};
    let redirect = "http://localhost:1717/OauthRedirect";
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("response_type", "code")
        .append_pair("client_id", DEMO_CONSUMER_KEY)
        .append_pair("redirect_uri", redirect)
        .append_pair("scope", "api refresh_token")
        .finish();
    let answer = get(org, &format!("/services/oauth2/authorize?{query}"));
    let location = answer
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("location:"))
        .unwrap();
    let encoded = location
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .trim();
    let code = percent_encoding::percent_decode_str(encoded)
        .decode_utf8()
        .unwrap()
        .to_string();
    let body: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "authorization_code")
        .append_pair("code", &code)
        .append_pair("client_id", DEMO_CONSUMER_KEY)
        .append_pair("client_secret", DEMO_CONSUMER_SECRET)
        .append_pair("redirect_uri", redirect)
        .finish();
    let answer = post(org, "/services/oauth2/token", &body);
    let json = &answer[answer.find('{').unwrap()..];
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    value["refresh_token"].as_str().unwrap().to_string()
}

#[test]
fn demo_imported_refresh_token() {
    use sfconnect::sim::scenario::{DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET};
    let mut s = Session::start(&["demo"]);
    s.wait_for("Name this connection");
    s.send(ENTER);
    s.wait_for("Demo org (simulated");
    let org = demo_org_url(&s.contents());
    let refresh = refresh_token_by_hand(&org);
    s.send(ENTER);
    s.wait_for("I already have a refresh token");
    for _ in 0..6 {
        s.send("\x1b[B");
    }
    s.send(ENTER);
    s.wait_for("needs:");
    s.send(ENTER);
    s.wait_for("Get a refresh token with a browser login");
    s.send(ENTER);
    s.wait_for("Refresh token");
    s.paste(DEMO_CONSUMER_KEY);
    s.send(TAB);
    s.paste(DEMO_CONSUMER_SECRET);
    s.send(TAB);
    s.paste(&refresh);
    s.send(ENTER);
    s.wait_for("All required checks passed");
    assert!(
        s.contents().contains("the refresh token works"),
        "{}",
        s.contents()
    );
    s.send(ENTER);
    s.send(ENTER);
    s.wait_for("Saved connection 'demo'");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
}

/// Choose the method at `index` in the demo and walk to its form (past the prerequisites and
/// the guides).
fn demo_method_form(s: &mut Session, index: usize, form_shows: &str) -> String {
    s.wait_for("Name this connection");
    s.send(ENTER);
    s.wait_for("Demo org (simulated");
    let org = demo_org_url(&s.contents());
    s.send(ENTER);
    s.wait_for("I already have a refresh token");
    for _ in 0..index {
        s.send("\x1b[B");
    }
    s.send(ENTER);
    s.wait_for("needs:");
    s.send(ENTER);
    s.send(ENTER);
    s.wait_for(form_shows);
    org
}

#[test]
fn demo_browser_login_over_ssh_by_pasting_the_address_back() {
    use sfconnect::sim::scenario::{DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET};
    // Wide enough that the authorize URL fits on one line of the screen.
    let mut s = Session::start_sized(
        &["demo"],
        30,
        400,
        &[("SSH_CONNECTION", "10.0.0.2 50000 10.0.0.1 22")],
    );
    let org = demo_method_form(&mut s, 2, "Callback port");
    s.paste(DEMO_CONSUMER_KEY);
    s.send(TAB);
    s.paste(DEMO_CONSUMER_SECRET);
    s.send(ENTER);
    s.wait_for("Open this address in a browser");
    let screen = s.contents();
    assert!(screen.contains("This is an SSH session"), "{screen}");
    assert!(
        screen.contains("http://localhost:1717/OauthRedirect"),
        "{screen}"
    );
    if screen.contains("Listening for the browser's redirect") {
        // The server's own address, from SSH_CONNECTION's third field.
        assert!(screen.contains("ssh -L 1717:127.0.0.1:1717 "), "{screen}");
        assert!(screen.contains("@10.0.0.1"), "{screen}");
    }
    let start = screen
        .find(&format!("{org}/services/oauth2/authorize?"))
        .unwrap();
    let url: String = screen[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '│')
        .collect();
    assert!(
        url.contains("code_challenge_method=S256") && url.contains("state="),
        "{url}"
    );
    // The browser, elsewhere: the simulated org logs the user in and redirects with a code
    // whose '==' is percent-encoded.
    let answer = get(&org, url.trim_start_matches(&org));
    let location = answer
        .lines()
        .find_map(|l| {
            l.strip_prefix("location: ")
                .or_else(|| l.strip_prefix("Location: "))
        })
        .unwrap()
        .trim()
        .to_string();
    assert!(location.contains("%3D%3D"), "{location}");
    s.paste(&location);
    assert!(
        !s.contents().contains("code="),
        "the pasted address is masked"
    );
    // Yet described well enough to recognise it.
    s.wait_for("pasted: http://localhost:1717/OauthRedirect (holds a code)");
    s.send(ENTER);
    s.wait_for("All required checks passed");
    s.send(ENTER);
    s.send(ENTER);
    s.wait_for("Saved connection 'demo'");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
}

#[test]
fn demo_device_code_approved_while_the_countdown_runs() {
    use sfconnect::sim::scenario::{DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET};
    let mut s = Session::start_sized(&["demo"], 50, 120, &[]);
    demo_method_form(&mut s, 3, "Consumer key");
    s.paste(DEMO_CONSUMER_KEY);
    s.send(TAB);
    // The demo app requires its secret for the refresh token flow, like Salesforce's default.
    s.paste(DEMO_CONSUMER_SECRET);
    s.send(ENTER);
    s.wait_for("enter the code");
    s.wait_for("left (checked every");
    let screen = s.contents();
    assert!(
        screen.contains("Or scan this"),
        "a QR code on a 120x50 terminal: {screen}"
    );
    assert!(screen.contains('▀') || screen.contains('▄'), "{screen}");
    s.send("\x1bOR"); // F3: the demo approves the code, as the user would on a phone
    s.wait_for("All required checks passed");
    s.send("\x03");
    assert_eq!(s.exit_code(), 0);
}

#[test]
fn demo_device_code_on_a_small_terminal_shows_the_link_as_text() {
    use sfconnect::sim::scenario::DEMO_CONSUMER_KEY;
    let mut s = Session::start(&["demo"]);
    demo_method_form(&mut s, 3, "Consumer key");
    s.paste(DEMO_CONSUMER_KEY);
    s.send(ENTER);
    // Before any code is shown: the app needs its secret by default.
    s.wait_for("The consumer secret is empty");
    s.send(ENTER);
    s.wait_for("Direct link:");
    // Esc cancels the login and returns to the form with its fields.
    s.send(ESC);
    s.wait_for("Consumer secret (needed by default)");
    assert!(s.contents().contains("Consumer key:"));
    assert!(
        s.contents().contains("│3MVG9Demo"),
        "the form kept its fields"
    );
    s.send("\x03");
    assert_eq!(s.exit_code(), 0);
}

#[test]
fn demo_jwt_bearer_with_a_key_pair_made_in_the_wizard() {
    use sfconnect::sim::scenario::DEMO_CONSUMER_KEY;
    let mut s = Session::start(&["demo"]);
    demo_method_form(&mut s, 4, "Private key file");
    s.paste(DEMO_CONSUMER_KEY);
    s.send(TAB);
    s.send(DEMO_USERNAME);
    s.send(ENTER);
    s.wait_for("JWT bearer certificate");
    let screen = s.contents();
    assert!(screen.contains("Made a private key"), "{screen}");
    // F3: the demo uploads the certificate to its app, as the admin would in Setup.
    s.send("\x1bOR");
    s.wait_for("uploaded the certificate");
    s.send(ENTER);
    s.wait_for("All required checks passed");
    s.send(ENTER);
    s.send(ENTER);
    s.wait_for("Saved connection 'demo'");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
}

#[test]
fn reauth_when_the_saved_secrets_are_gone_asks_for_everything() {
    let org = super::saved::SavedOrg::soap("c");
    let (dir, sfconnect) = (&org.dir, |args: &[&str]| org.sfconnect(args));
    // The connection points at secrets the store no longer has (a restore from an older backup).
    let config = dir.path().join("connections.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let entry = text
        .lines()
        .find_map(|l| l.strip_prefix("secrets = "))
        .unwrap()
        .to_string();
    std::fs::write(&config, text.replace(&entry, "\"c@gone\"")).unwrap();
    let dir_text = dir.path().display().to_string();
    let mut s = Session::start_sized(
        &["reauth", "c"],
        24,
        80,
        &[
            ("SFCONNECT_CONFIG_DIR", dir_text.as_str()),
            ("SFCONNECT_STORE", "file"),
        ],
    );
    s.wait_for("cannot be opened");
    assert!(
        !s.contents().contains("Leave a secret empty"),
        "nothing saved can be kept: {}",
        s.contents()
    );
    s.send(ENTER);
    s.wait_for("Setup paths");
    s.send(ENTER);
    s.wait_for("Password:");
    s.send(TAB);
    s.paste(DEMO_PASSWORD);
    s.send(TAB);
    s.paste(DEMO_TOKEN);
    s.send(ENTER);
    s.wait_for("All required checks passed");
    s.send(ENTER);
    s.wait_for("where should the secrets live");
    s.send("f");
    s.send(ENTER);
    s.wait_for("Re-authenticated 'c'");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
    let out = sfconnect(&["token", "c"]).output().unwrap();
    assert!(
        out.status.success(),
        "the connection works again: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// F4, as a terminal sends it.
const F4: &str = "\x1bOS";
/// F3: the demo acts for the user.
const F3: &str = "\x1bOR";

#[test]
fn a_failed_jwt_test_names_the_certificate_and_f4_brings_it_back_to_upload() {
    use sfconnect::sim::scenario::DEMO_CONSUMER_KEY;
    let mut s = Session::start_sized(&["demo"], 30, 100, &[]);
    demo_method_form(&mut s, 4, "Private key file");
    s.paste(DEMO_CONSUMER_KEY);
    s.send(TAB);
    s.send(DEMO_USERNAME);
    s.send(ENTER);
    s.wait_for("Made a private key");
    let screen = s.contents();
    assert!(screen.contains("days left)"), "validity dates: {screen}");
    // Not uploaded yet: the test fails, and its fix names the certificate to upload.
    s.send(ENTER);
    s.wait_for("A check failed");
    let failed = s.contents().replace('\n', " ");
    assert!(
        failed.contains("(the certificate that belongs to this key)"),
        "{failed}"
    );
    assert_eq!(
        failed.matches("Use digital signatures").count(),
        1,
        "said once: {failed}"
    );
    assert!(failed.contains("demo.crt"), "{failed}");
    assert!(failed.contains("F4 certificate"), "{failed}");
    // F4 after the failure: the certificate screen again, where F3 uploads it.
    s.send(F4);
    s.wait_for("Upload ");
    assert!(
        s.contents().contains("BEGIN CERTIFICATE"),
        "{}",
        s.contents()
    );
    s.send(F3);
    s.wait_for("uploaded the certificate");
    s.send(ENTER);
    s.wait_for("All required checks passed");
    // And from the form: Esc twice, then F4.
    s.send(ESC);
    s.wait_for("Private key file");
    s.send(F4);
    s.wait_for("Upload ");
    s.send("\x03");
    assert_eq!(s.exit_code(), 0);
}

#[test]
fn client_credentials_on_a_login_host_asks_for_the_my_domain_url_first() {
    let mut s = Session::start(&["demo"]);
    s.wait_for("Name this connection");
    s.send(ENTER);
    s.wait_for("Demo org (simulated");
    // Production (login.salesforce.com), then client credentials.
    s.send("\x1b[B");
    s.send(ENTER);
    s.wait_for("I already have a refresh token");
    for _ in 0..5 {
        s.send("\x1b[B");
    }
    s.send(ENTER);
    s.wait_for("works only on the org's My Domain URL");
    let screen = s.contents();
    assert!(
        screen.contains("Where is the org") || screen.contains("My Domain URL"),
        "{screen}"
    );
    s.send("\x03");
    assert_eq!(s.exit_code(), 0);
}

#[test]
fn the_demos_refresh_token_method_gets_one_from_the_demo_org_with_f3() {
    use sfconnect::sim::scenario::{DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET};
    let mut s = Session::start(&["demo"]);
    demo_method_form(&mut s, 6, "Refresh token");
    assert!(
        s.contents().contains("F3 demo: get a refresh token"),
        "{}",
        s.contents()
    );
    // F3 before the consumer key: it says what it needs.
    s.send(F3);
    s.wait_for("Type the demo's consumer key");
    s.paste(DEMO_CONSUMER_KEY);
    s.send(TAB);
    s.paste(DEMO_CONSUMER_SECRET);
    s.send(F3);
    s.wait_for("Demo: logged in");
    s.send(ENTER);
    s.wait_for("All required checks passed");
    assert!(
        s.contents().contains("the refresh token works"),
        "{}",
        s.contents()
    );
    s.send("\x03");
    assert_eq!(s.exit_code(), 0);
}

#[test]
fn classic_users_are_told_once_that_a_task_exists_only_in_lightning() {
    let mut s = Session::start_sized(&["demo"], 30, 100, &[]);
    s.wait_for("Name this connection");
    s.send(ENTER);
    s.wait_for("Demo org (simulated");
    s.send(ENTER);
    s.wait_for("I already have a refresh token");
    for _ in 0..4 {
        s.send("\x1b[B");
    }
    s.send(ENTER);
    s.wait_for("needs:");
    // Checklist items are notes, not boxes that cannot be ticked.
    assert!(!s.contents().contains('☐'), "{}", s.contents());
    s.send(ENTER);
    s.wait_for("Create an External Client App");
    s.send("c");
    s.wait_for("Setup paths: Classic");
    let screen = s.contents();
    assert_eq!(screen.matches("only in Lightning").count(), 1, "{screen}");
    assert!(
        !screen.contains("Switch to Lightning Experience for this task"),
        "{screen}"
    );
    assert!(
        screen.contains("1. Setup > Apps > External Client Apps"),
        "{screen}"
    );
    // The certificate's upload comes after the form, once the certificate exists.
    for _ in 0..2 {
        s.send(TAB);
    }
    assert!(
        !s.contents().contains("Upload the certificate"),
        "{}",
        s.contents()
    );
    s.send("\x03");
    assert_eq!(s.exit_code(), 0);
}

#[test]
fn a_check_task_that_panics_ends_the_test_with_an_error_not_a_spinner() {
    let mut s = Session::start_sized(
        &["demo"],
        24,
        80,
        &[("SFCONNECT_FAILPOINT", "panic:task-started")],
    );
    demo_method_form(&mut s, 0, "Security token");
    s.send(DEMO_USERNAME);
    s.send(TAB);
    s.paste(DEMO_PASSWORD);
    s.send(TAB);
    s.paste(DEMO_TOKEN);
    s.send(ENTER);
    s.wait_for("internal error in sfconnect");
    s.wait_for("A check failed");
    let screen = s.contents();
    assert!(!screen.contains("checking…"), "{screen}");
    assert!(
        !screen.contains("panicked"),
        "nothing printed over the screen: {screen}"
    );
    // The wizard still answers.
    s.send(ESC);
    s.wait_for("Security token");
    s.send("\x03");
    assert_eq!(s.exit_code(), 0);
}

#[test]
fn home_says_which_connections_use_a_retiring_login_method() {
    let org = super::saved::SavedOrg::soap("c");
    let dir = &org.dir;
    let dir_text = dir.path().display().to_string();
    let mut s = Session::start_sized(
        &[],
        24,
        120,
        &[
            ("SFCONNECT_CONFIG_DIR", dir_text.as_str()),
            ("SFCONNECT_STORE", "file"),
        ],
    );
    let days = sfconnect::connect::advisories::soap_days_left(std::time::SystemTime::now());
    s.wait_for(&format!("SOAP login retires in {days} days"));
    s.send("q");
    assert_eq!(s.exit_code(), 0);
}

#[test]
fn a_soap_connection_moves_to_jwt_keeping_its_name_and_settings_and_its_old_method_until_it_passes()
{
    use sfconnect::sim::scenario::DEMO_CONSUMER_KEY;
    let org = super::saved::SavedOrg::soap("c");
    let (dir, sim, rt) = (&org.dir, &org.sim, &org.rt);
    let sfconnect = |args: &[&str]| org.sfconnect(args);
    // A setting of its own, which the move must keep.
    let config = dir.path().join("connections.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replacen(
            "[connections.c]\n",
            "[connections.c]\ncompany_domains = [\"acme-demo.example\"]\n",
            1,
        ),
    )
    .unwrap();
    let dir_text = dir.path().display().to_string();
    let env = [
        ("SFCONNECT_CONFIG_DIR", dir_text.as_str()),
        ("SFCONNECT_STORE", "file"),
    ];
    let start = || Session::start_sized(&["reauth", "c"], 30, 100, &env);
    let to_jwt_form = |s: &mut Session| {
        s.wait_for("Press m to move");
        assert!(
            s.contents().contains("SOAP login retires in"),
            "{}",
            s.contents()
        );
        s.send("m");
        s.wait_for("Moving 'c' off");
        // JWT bearer is chosen for an unattended integration; its own setup guides follow.
        for shows in [
            "needs:",
            "Create an External Client App",
            "Private key file",
        ] {
            s.send(ENTER);
            s.wait_for(shows);
        }
        s.paste(DEMO_CONSUMER_KEY);
        s.send(ENTER);
        s.wait_for("Made a private key");
    };
    // A move whose test fails (the certificate is not uploaded yet) changes nothing.
    let before = std::fs::read(&config).unwrap();
    let mut s = start();
    to_jwt_form(&mut s);
    s.send(ENTER);
    s.wait_for("A check failed");
    s.send("\x03");
    assert_eq!(s.exit_code(), 0);
    assert_eq!(
        std::fs::read(&config).unwrap(),
        before,
        "the old method stays, byte for byte"
    );
    // Uploaded, the move goes through.
    let mut s = start();
    to_jwt_form(&mut s);
    let made = std::fs::read_dir(dir.path().join("keys"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "crt"))
        .max_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .unwrap();
    let certificate = std::fs::read_to_string(&made).unwrap();
    let reply = rt.block_on(async {
        reqwest::Client::new()
            .post(format!("{}/__sim/apps/certificate", sim.login_url()))
            .form(&[
                ("consumer_key", DEMO_CONSUMER_KEY),
                ("certificate", &certificate),
            ])
            .send()
            .await
            .unwrap()
            .status()
    });
    assert!(reply.is_success());
    s.send(ENTER);
    s.wait_for("All required checks passed");
    s.send(ENTER);
    s.wait_for("where should the secrets live");
    s.send("f");
    s.send(ENTER);
    s.wait_for("Moved 'c' to JWT bearer");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
    let listed = sfconnect(&["list", "--json"]).output().unwrap();
    let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed[0]["name"], "c");
    assert_eq!(listed[0]["flow"], "jwt");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(
        text.contains("company_domains = [\"acme-demo.example\"]"),
        "{text}"
    );
    let out = sfconnect(&["token", "c"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The old method's secrets went with it: the password is saved nowhere now.
    let out = sfconnect(&["copy", "c", "password"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(said.contains("holds no password"), "{said}");
}

/// F6 on the browser login's screen: the address alone on the terminal's normal screen, one
/// line however the 80-column terminal wraps it (so the terminal's own selection takes it
/// whole); any key comes back to the wizard, where the login still waits.
#[test]
fn f6_shows_the_authorize_address_alone_on_the_normal_screen() {
    use sfconnect::sim::scenario::{DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET};
    let mut s = Session::start_sized(&["demo"], 30, 80, &[]);
    let org = demo_method_form(&mut s, 2, "Callback port");
    s.paste(DEMO_CONSUMER_KEY);
    s.send(TAB);
    s.paste(DEMO_CONSUMER_SECRET);
    s.send(ENTER);
    s.wait_for("F6 shows it alone");
    s.send_only("\x1b[17~");
    s.wait_for("That is one line");
    let screen = s.contents();
    let start = screen
        .find(&format!("{org}/services/oauth2/authorize?"))
        .unwrap_or_else(|| panic!("{screen}"));
    let url: String = screen[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    assert!(url.len() > 80, "longer than a row: {url}");
    assert!(
        url.contains("code_challenge_method=S256") && url.contains("state="),
        "the whole address, unbroken: {url}"
    );
    s.send_only("x");
    s.wait_for("Open this address in a browser");
    s.send("\x1b");
    s.wait_for("Consumer key");
    s.send("\x03");
    let _ = s.exit_code();
}

/// A SOAP or a password-flow connection moves to client credentials from the wizard. The saved
/// login host refuses client credentials; the failure leads to "where is the org?", where the
/// My Domain URL is typed, and the move then passes and keeps the connection's name.
#[test]
fn a_soap_connection_moves_to_client_credentials_by_way_of_its_my_domain_url() {
    moves_to_client_credentials(super::saved::SavedOrg::soap("c"));
}

#[test]
fn a_password_flow_connection_moves_to_client_credentials_by_way_of_its_my_domain_url() {
    moves_to_client_credentials(super::saved::SavedOrg::password("c"));
}

fn moves_to_client_credentials(org: super::saved::SavedOrg) {
    use sfconnect::sim::scenario::{DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET};
    let dir_text = org.dir.path().display().to_string();
    let env = [
        ("SFCONNECT_CONFIG_DIR", dir_text.as_str()),
        ("SFCONNECT_STORE", "file"),
    ];
    let mut s = Session::start_sized(&["reauth", "c"], 30, 100, &env);
    s.wait_for("Press m to move");
    s.send("m");
    s.wait_for("Moving 'c' off");
    s.send("\x1b[B"); // Down: from JWT bearer to client credentials
    s.wait_for("▶ Client credentials");
    for shows in ["needs:", "Create an External Client App", "Consumer secret"] {
        s.send(ENTER);
        s.wait_for(shows);
    }
    // A password-flow connection's consumer key is offered again: typed over here.
    s.send("\x15");
    s.paste(DEMO_CONSUMER_KEY);
    s.send(TAB);
    s.paste(DEMO_CONSUMER_SECRET);
    s.send(ENTER);
    s.wait_for("This flow must use the org's My Domain URL");
    s.wait_for("A check failed");
    s.send(ESC);
    s.wait_for("where is the org?");
    s.paste(org.sim.instance_url());
    for shows in [
        "how to log in",
        "needs:",
        "Create an External Client App",
        "Consumer secret",
    ] {
        s.send(ENTER);
        s.wait_for(shows);
    }
    s.send(ENTER);
    s.wait_for("All required checks passed");
    s.send(ENTER);
    s.wait_for("where should the secrets live");
    s.send(ENTER);
    s.wait_for("Moved 'c' to Client credentials");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
    let listed = org.sfconnect(&["list", "--json"]).output().unwrap();
    let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(listed[0]["name"], "c");
    assert_eq!(listed[0]["flow"], "client-credentials");
    assert_eq!(listed[0]["login_url"], org.sim.instance_url());
}

/// A password-flow connection moves to JWT bearer from the wizard: its consumer key is offered
/// again, a key pair is made, and once its certificate is on the app the move passes.
#[test]
fn a_password_flow_connection_moves_to_jwt_bearer() {
    use sfconnect::sim::scenario::DEMO_CONSUMER_KEY;
    let org = super::saved::SavedOrg::password("c");
    let dir_text = org.dir.path().display().to_string();
    let env = [
        ("SFCONNECT_CONFIG_DIR", dir_text.as_str()),
        ("SFCONNECT_STORE", "file"),
    ];
    let mut s = Session::start_sized(&["reauth", "c"], 30, 100, &env);
    s.wait_for("Press m to move");
    assert!(
        s.contents().contains("password flow stops in"),
        "{}",
        s.contents()
    );
    s.send("m");
    s.wait_for("Moving 'c' off");
    for shows in [
        "needs:",
        "Create an External Client App",
        "Private key file",
    ] {
        s.send(ENTER);
        s.wait_for(shows);
    }
    assert!(
        s.contents().contains(&DEMO_CONSUMER_KEY[..30]),
        "the consumer key is offered again: {}",
        s.contents()
    );
    s.send(ENTER);
    s.wait_for("Made a private key");
    let certificate = std::fs::read_to_string(org.dir.path().join("keys/c.crt")).unwrap();
    let uploaded = org.rt.block_on(async {
        reqwest::Client::new()
            .post(format!("{}/__sim/apps/certificate", org.sim.login_url()))
            .form(&[
                ("consumer_key", DEMO_CONSUMER_KEY),
                ("certificate", certificate.as_str()),
            ])
            .send()
            .await
            .unwrap()
            .status()
    });
    assert!(uploaded.is_success());
    s.send(ENTER);
    s.wait_for("All required checks passed");
    s.send(ENTER);
    s.wait_for("where should the secrets live");
    s.send(ENTER);
    s.wait_for("Moved 'c' to JWT bearer");
    s.send("q");
    assert_eq!(s.exit_code(), 0);
    let listed = org.sfconnect(&["list", "--json"]).output().unwrap();
    let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(listed[0]["flow"], "jwt");
}
