//! Connection names: what makes one usable (in a file name, a keyring entry, a shell line),
//! and the secrets entry id made from one.

use aws_lc_rs::rand::{SecureRandom, SystemRandom};

use super::ProfileError;

/// Which rule a connection name breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameProblem {
    Empty,
    TooLong(usize),
    /// The first character is not a letter or digit.
    Start(char),
    /// A character that is not a letter, digit, '-', '_' or '.'.
    Character(char),
}

impl std::fmt::Display for NameProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NameProblem::Empty => write!(f, "type a name (letters, digits, '-', '_' or '.')"),
            NameProblem::TooLong(n) => write!(f, "it has {n} characters; at most 64"),
            NameProblem::Start(c) => write!(
                f,
                "it starts with '{}'; a name must start with a letter or digit",
                c.escape_debug()
            ),
            NameProblem::Character(c) => write!(
                f,
                "'{}' is not allowed; use letters, digits, '-', '_' or '.'",
                c.escape_debug()
            ),
        }
    }
}

/// Which rule `name` breaks, if any. A connection name: letters, digits, '-', '_' and '.',
/// starting with a letter or digit (so it is never taken for an option, a hidden file or a
/// parent directory), at most 64.
pub fn name_problem(name: &str) -> Option<NameProblem> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-_.".contains(c);
    match name.chars().next() {
        None => Some(NameProblem::Empty),
        _ if name.chars().count() > 64 => Some(NameProblem::TooLong(name.chars().count())),
        Some(c) if !c.is_ascii_alphanumeric() && allowed(c) => Some(NameProblem::Start(c)),
        _ => name
            .chars()
            .find(|c| !allowed(*c))
            .map(NameProblem::Character),
    }
}

pub fn valid_name(name: &str) -> bool {
    name_problem(name).is_none()
}

/// The error for a name that breaks a rule, if it does.
pub fn check_name(name: &str) -> Result<(), ProfileError> {
    match name_problem(name) {
        Some(problem) => Err(ProfileError::BadName {
            name: name.to_string(),
            problem,
        }),
        None => Ok(()),
    }
}

pub(super) fn new_entry_id(name: &str) -> String {
    let mut bytes = [0u8; 6];
    let _ = SystemRandom::new().fill(&mut bytes);
    let suffix: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{name}@{suffix}")
}
