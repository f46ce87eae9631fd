//! The floors of ARCHITECTURE.md, checked: no module imports a floor above it, the two faces
//! never import each other, the wizard does no I/O and draws nothing, and drawing reads no
//! clock.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir` (or `dir` itself, a file), tests included.
fn sources(dir: &Path) -> Vec<PathBuf> {
    if dir.is_file() {
        return vec![dir.to_path_buf()];
    }
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
    found
}

/// The places in `dir` (a folder or a file under src/) that mention one of `forbidden`.
fn mentions(dir: &str, forbidden: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir);
    let mut found = Vec::new();
    for file in sources(&root) {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for word in forbidden {
                if code.contains(word) {
                    found.push(format!("{}:{}: {word}", file.display(), n + 1));
                }
            }
        }
    }
    found
}

#[test]
fn no_floor_imports_one_above_it() {
    let rules: &[(&str, &[&str])] = &[
        (
            "commands",
            &[
                "crate::tui",
                "crate::wizard",
                "crate::cli",
                "super::tui",
                "super::wizard",
                // commands/mod.rs's parent is the crate: the parser is reachable this way too.
                "super::cli::",
            ],
        ),
        ("tui", &["crate::commands", "crate::cli"]),
        (
            "wizard",
            &[
                "crate::tui",
                "crate::commands",
                "crate::cli",
                "ratatui",
                "crossterm",
                "tokio",
                "std::fs",
                "std::net",
                "SystemTime::now",
                "Instant::now",
            ],
        ),
        (
            "connect",
            &[
                "crate::tui",
                "crate::wizard",
                "crate::commands",
                "crate::cli",
            ],
        ),
    ];
    let lower: &[&str] = &[
        "crate::connect",
        "crate::tui",
        "crate::wizard",
        "crate::commands",
        "crate::cli",
    ];
    let mut found = Vec::new();
    for (dir, forbidden) in rules {
        found.extend(mentions(dir, forbidden));
    }
    for dir in ["check", "salesforce", "profile", "sim"] {
        found.extend(mentions(dir, lower));
    }
    // The protocol client knows no saved connection.
    found.extend(mentions("salesforce", &["crate::profile"]));
    // Drawing is a function of the state and the frame's time (`Look::now`).
    for dir in [
        "tui/screens",
        "tui/chrome.rs",
        "tui/view.rs",
        "tui/theme.rs",
    ] {
        found.extend(mentions(dir, &["SystemTime::now", "Instant::now"]));
    }
    assert!(
        found.is_empty(),
        "imports across the floors:\n{}",
        found.join("\n")
    );
}

/// The check above can fail: it finds a mention where there is one.
#[test]
fn a_forbidden_mention_is_found() {
    assert!(!mentions("tui", &["crate::wizard"]).is_empty());
    assert!(mentions("wizard", &["crate::wizard::nothing_by_this_name"]).is_empty());
}
