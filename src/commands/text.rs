//! The command line's words for what the service reports as facts: the step after a fix, the
//! move off a retiring login method, secrets to give anew. The wizard says the same facts its
//! own way (`tui/text.rs`): a shell runs `login`, a terminal can also run `reauth`.

use crate::check::{CheckResult, Next};
use crate::connect::advisories::Advisory;
use crate::connect::remove::SecretsLeft;
use crate::profile::StorePlace;

/// How a connection is re-authenticated from a shell: `login` works with or without a
/// terminal (`reauth` is the full-screen wizard).
pub fn reauthenticate(name: &str) -> String {
    format!(
        "sfconnect login {name} (it asks for what changed on a terminal; scripts give it as `sfconnect login --help` says)"
    )
}

/// `fix`, then the step after it for connection `name`.
pub fn with_next(fix: &str, next: Option<Next>, name: &str) -> String {
    match next {
        None => fix.to_string(),
        Some(Next::Reauthenticate) => format!("{fix}: {}", reauthenticate(name)),
        Some(Next::Report) => format!(
            "{fix}, with the output of `sfconnect test {name} --json` (it holds no secrets)"
        ),
        Some(Next::Move) => format!(
            "{fix}: `sfconnect login {name} --flow client-credentials …` or `--flow jwt …` makes the move and keeps the connection's name"
        ),
    }
}

/// A check's fix with the Setup paths of both interfaces and the step after it.
pub fn fix(check: &CheckResult, name: &str) -> String {
    let fix = check.full_fix();
    if fix.is_empty() {
        return fix;
    }
    with_next(&fix, check.next, name)
}

/// An advisory's message, with the command that makes the move for `name`.
pub fn advisory(a: &Advisory, name: &str) -> String {
    match a.replace_with.first() {
        Some(flow) => format!(
            "{}; `sfconnect login {name} --flow {flow} …` (or another method) makes the move and keeps the old method working until the new one passes",
            a.message
        ),
        None => a.message.clone(),
    }
}

/// Where secrets are.
pub fn store(place: &StorePlace) -> String {
    match place {
        StorePlace::Keyring { backend } => format!("OS keyring ({backend})"),
        StorePlace::File {
            path,
            key_file: Some(key),
        } => format!(
            "encrypted file {} (key file {})",
            path.display(),
            key.display()
        ),
        StorePlace::File {
            path,
            key_file: None,
        } => format!("encrypted file {} (passphrase)", path.display()),
    }
}

/// Why a removal left its secrets in their store.
pub fn secrets_left(why: &SecretsLeft) -> String {
    match why {
        SecretsLeft::Unopenable => "its store cannot be opened".into(),
        SecretsLeft::NotDeleted(place) => format!("{} did not delete them", store(place)),
    }
}

/// A connection's health message; when it is a retiring method's advisory, with its move.
pub fn health(message: &str, advisories: &[Advisory], name: &str) -> String {
    match advisories.iter().find(|a| a.message == message) {
        Some(a) => advisory(a, name),
        None => message.to_string(),
    }
}

/// Connection names in a sentence (one place says it for every face).
pub use crate::connect::app_keys::names;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_step_after_a_fix_names_this_connection_and_a_shell_command() {
        let said = with_next(
            "set a new password, then re-authenticate the connection",
            Some(Next::Reauthenticate),
            "prod",
        );
        assert!(said.ends_with("re-authenticate the connection: sfconnect login prod (it asks for what changed on a terminal; scripts give it as `sfconnect login --help` says)"), "{said}");
        assert!(!said.contains("reauth"), "{said}");
        let said = with_next(
            "try again; if it persists, report it",
            Some(Next::Report),
            "prod",
        );
        assert!(said.contains("`sfconnect test prod --json`"), "{said}");
        assert_eq!(with_next("nothing more", None, "prod"), "nothing more");
    }
}
