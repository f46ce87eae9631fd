//! The wizard for a new connection in a pseudo terminal, with its own config dir.

use std::path::Path;

use super::session::Session;

/// `sfconnect setup w [args]` (file store, `config_dir`), walked to the list of methods with
/// `org_url` as the My Domain URL.
pub fn new_connection(
    org_url: &str,
    config_dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> Session {
    let dir = config_dir.display().to_string();
    let mut all_env = vec![
        ("SFCONNECT_CONFIG_DIR", dir.as_str()),
        ("SFCONNECT_STORE", "file"),
    ];
    all_env.extend_from_slice(env);
    let mut argv = vec!["setup", "w"];
    argv.extend_from_slice(args);
    let mut s = Session::start_sized(&argv, 24, 80, &all_env);
    s.wait_for("Name this connection");
    s.send("\r");
    s.wait_for("My Domain URL");
    s.send("\x1b[B");
    s.send("\x1b[B");
    s.paste(org_url);
    s.send("\r");
    s.wait_for("Username, password and security token");
    s
}

/// From the list of methods, the first (username, password and token) up to its form.
pub fn soap_form(s: &mut Session) {
    s.send("\r");
    s.send("\r");
    s.send("\r");
    s.wait_for("Security token");
}
