//! sfconnect: connect integrations to Salesforce's API and keep them authenticated.

/// `println!` that never panics: a closed pipe (`sfconnect test prod | head -1`) ends the
/// output, not the command, which still exits with its documented code.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// `eprintln!` that never panics on a closed stderr (`2>&1 | head -1`).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

pub mod check;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod connect;
#[cfg(test)]
mod floors;
pub mod hardening;
pub mod log;
pub mod profile;
pub mod salesforce;
pub mod sim;
pub mod tui;
pub mod wizard;
