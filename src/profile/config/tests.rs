//! The config file: parsing, broken entries, migrations and the lock.

use super::*;
use crate::profile::ConfigLock;

#[test]
fn parse_errors_name_the_line_and_refuse_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    std::fs::write(
        dir.join(CONFIG_FILE),
        "version = 1\n\n[connections.prod]\nflow = \n",
    )
    .unwrap();
    let err = Config::load(&dir).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("connections.toml:4"), "{text}");
    assert!(text.contains("will not change this file"), "{text}");
    let result: Result<(), ConfigError> = update(&dir, LOCK_TIMEOUT, &mut |_| {}, |c| {
        c.connections.clear();
        Ok(())
    });
    assert!(result.is_err());
    assert_eq!(
        std::fs::read_to_string(dir.join(CONFIG_FILE)).unwrap(),
        "version = 1\n\n[connections.prod]\nflow = \n"
    );
}

#[test]
fn a_bad_entry_names_its_line_and_key_and_leaves_the_others_working() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let good = Config::parse(
        "version = 1\n[connections.ok]\nflow = \"soap\"\nlogin_url = \"https://login.salesforce.com\"\nusername = \"a@b.c\"\nsecrets = \"ok-1\"\nstore = \"file\"\ncreated_at = \"2026-01-01T00:00:00Z\"\n",
        &dir.join(CONFIG_FILE),
    );
    let good = match good {
        Ok(c) if c.broken.is_empty() && c.connections.contains_key("ok") => c,
        other => panic!("the fixture must parse: {other:?}"),
    };
    let mut text = toml::to_string_pretty(&good).unwrap();
    text.push_str(
        "\n[connections.prod]\nflow = \"sop\"\nlogin_url = \"https://login.salesforce.com\"\n",
    );
    let line = text.lines().position(|l| l.contains("\"sop\"")).unwrap() + 1;
    std::fs::write(dir.join(CONFIG_FILE), &text).unwrap();
    let config = Config::load(&dir).unwrap();
    assert!(
        config.connections.contains_key("ok"),
        "the good one still works"
    );
    let err = config.broken("prod").unwrap().to_string();
    assert!(
        err.contains(&format!("connections.toml:{line}: key 'flow'")),
        "{err}"
    );
    assert!(err.contains("connection 'prod'"), "{err}");
    assert!(err.contains("unknown variant"), "{err}");
    assert!(
        !err.contains("mv "),
        "no advice that drops every connection: {err}"
    );
    // A write keeps the broken entry as it was, for the user to fix.
    let result: Result<(), ConfigError> = update(&dir, LOCK_TIMEOUT, &mut |_| {}, |c| {
        c.notify_command = Some("true".into());
        Ok(())
    });
    result.unwrap();
    let after = Config::load(&dir).unwrap();
    assert_eq!(after.notify_command.as_deref(), Some("true"));
    assert!(after.broken("prod").is_some(), "still there, still broken");
    assert!(
        std::fs::read_to_string(dir.join(CONFIG_FILE))
            .unwrap()
            .contains("\"sop\"")
    );
}

#[test]
fn newer_schema_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    std::fs::write(dir.join(CONFIG_FILE), "version = 7\n").unwrap();
    assert!(matches!(
        Config::load(&dir),
        Err(ConfigError::TooNew { found: 7, .. })
    ));
}

#[test]
fn line_numbers_never_split_a_character() {
    let text = "a = 1\nb = \"é\"\n";
    let inside_e = text.find('é').unwrap() + 1;
    assert_eq!(line_of(text, inside_e), 2);
    assert_eq!(line_of(text, 10_000), 3);
}

#[test]
fn lock_waits_then_times_out() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let _held = ConfigLock::acquire(&dir, LOCK_TIMEOUT, &mut |_| {}).unwrap();
    let mut told = 0;
    let err = ConfigLock::acquire(&dir, Duration::from_millis(200), &mut |_| told += 1)
        .err()
        .unwrap();
    assert!(matches!(err, ConfigError::LockTimeout { .. }));
    assert_eq!(told, 1, "the waiting notice is given once");
    assert!(err.to_string().contains("another sfconnect"));
}
