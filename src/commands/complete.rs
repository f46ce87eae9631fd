//! Shell completion: the script for each shell, and saved connection names as completions.

use std::path::PathBuf;
use std::process::ExitCode;

/// The shell asks sfconnect for completions through this variable (`completions SHELL` prints
/// the script that does), so that saved connection names complete.
pub const COMPLETE_VAR: &str = "SFCONNECT_COMPLETE";

/// The `--config-dir` typed on the line being completed (the shell passes the line as
/// arguments), the last one when there are several.
fn typed_config_dir(line: impl IntoIterator<Item = std::ffi::OsString>) -> Option<PathBuf> {
    let mut found = None;
    let mut words = line.into_iter();
    while let Some(word) = words.next() {
        if word == "--config-dir" {
            found = words.next().map(PathBuf::from);
        } else if let Some(dir) = word.to_str().and_then(|w| w.strip_prefix("--config-dir=")) {
            found = Some(PathBuf::from(dir));
        }
    }
    found.filter(|d| !d.as_os_str().is_empty())
}

/// Saved connection names, as completions of a NAME argument (from a `--config-dir` on the
/// line, SFCONNECT_CONFIG_DIR or the platform's config dir; nothing secret is read).
pub fn saved_names() -> clap_complete::ArgValueCandidates {
    clap_complete::ArgValueCandidates::new(|| {
        let dir = typed_config_dir(std::env::args_os().skip(1))
            .or_else(|| {
                std::env::var_os("SFCONNECT_CONFIG_DIR")
                    .filter(|d| !d.is_empty())
                    .map(PathBuf::from)
            })
            .or_else(crate::profile::default_config_dir);
        dir.and_then(|d| crate::profile::config::Config::load(&d).ok())
            .map(|c| {
                c.connections
                    .iter()
                    .map(|(name, p)| {
                        clap_complete::CompletionCandidate::new(name).help(Some(
                            format!("{} at {}", p.flow.as_str(), p.login_url).into(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default()
    })
}

/// The script for `shell` that completes sfconnect, saved connection names included.
fn completion_script(shell: clap_complete::Shell) -> Vec<u8> {
    use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};
    let completer: &dyn EnvCompleter = match shell {
        clap_complete::Shell::Bash => &Bash,
        clap_complete::Shell::Zsh => &Zsh,
        clap_complete::Shell::Fish => &Fish,
        clap_complete::Shell::Elvish => &Elvish,
        _ => &Powershell,
    };
    let mut script = Vec::new();
    let _ = completer.write_registration(
        COMPLETE_VAR,
        "sfconnect",
        "sfconnect",
        "sfconnect",
        &mut script,
    );
    script
}

/// Said under `completions --help`.
pub const COMPLETIONS_HELP: &str = "Example: source <(sfconnect completions bash) in ~/.bashrc. Saved connection names complete too.\nExit codes: 0; 2 an unknown shell.";

/// Print a shell completion script.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

impl CompletionsArgs {
    pub fn run(self) -> ExitCode {
        use std::io::Write as _;
        let _ = std::io::stdout()
            .lock()
            .write_all(&completion_script(self.shell));
        ExitCode::SUCCESS
    }
}
