//! Command-line definitions (clap) and dispatch of the commands.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::commands;
use crate::commands::complete::COMPLETE_VAR;
use crate::commands::global::Global;
use crate::tui::launch::{self, Start};

/// The wizard on the config dir and store the global options name.
async fn wizard(global: &Global, start: Start) -> ExitCode {
    launch::wizard(global.config_dir.clone(), global.store, start).await
}

#[derive(Debug, Parser)]
#[command(
    name = "sfconnect",
    version,
    about = "Connect integrations to Salesforce's API and keep them authenticated",
    after_help = AFTER_HELP
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Said under the wizard's commands.
const WIZARD_HELP: &str = "The wizard needs a terminal (over SSH too). Exit codes: 0 when it is left; 2 when stdin or \
stdout is not a terminal (the scriptable commands in `sfconnect --help` work there).";

/// Said under `--help`: what scripts need to know about every command.
const AFTER_HELP: &str = "\
Exit codes:
  0  done; for status and test, everything healthy (warnings allowed)
  1  a login or check failed, a connection is failing or expires soon (its password or
     certificate, or its app's certificate may have changed), or no token could be had;
     nothing was changed
  2  usage or input error: an unknown name, a bad option, a missing value, an unreadable config

Secrets never come from options. Each comes from stdin with its --…-stdin option (login),
its variable, a file named by VARIABLE_FILE, or a masked prompt on a terminal:
  SFCONNECT_PASSWORD        the integration user's password
  SFCONNECT_SECURITY_TOKEN  the security token (not needed from a trusted network)
  SFCONNECT_CLIENT_SECRET   the app's consumer secret
  SFCONNECT_REFRESH_TOKEN   a refresh token to import (--flow refresh-token)
  SFCONNECT_PASSPHRASE      the passphrase of the encrypted secrets file, when it has one";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Log in without the wizard, test, and save the connection only when the test passes.
    #[command(after_help = commands::login::LOGIN_HELP)]
    Login(commands::login::LoginArgs),
    /// Who in the org still logs in with a method Salesforce is retiring (its Login History).
    #[command(after_help = commands::audit::AUDIT_HELP)]
    Audit(commands::audit::AuditArgs),
    /// List saved connections.
    #[command(
        after_help = commands::list::LIST_HELP
    )]
    List(commands::list::ListArgs),
    /// Health of saved connections; exits 1 when one is failing or its password expires soon.
    #[command(
        after_help = commands::status::STATUS_HELP
    )]
    Status(commands::status::StatusArgs),
    /// Run the connection checks now.
    #[command(
        after_help = commands::test::TEST_HELP
    )]
    Test(commands::test::TestArgs),
    /// Print an access token the org accepts, nothing else: the cached one once the org has
    /// confirmed it (one cheap call), else a new login.
    #[command(
        after_help = commands::token::TOKEN_HELP
    )]
    Token(commands::token::TokenArgs),
    /// Print a connection's credentials for other tools (the access token as `token` gives it).
    #[command(
        after_help = commands::token::EXPORT_HELP
    )]
    Export(commands::token::ExportArgs),
    /// Check connections every --interval and notify when their health changes.
    #[command(
        after_help = commands::status::WATCH_HELP
    )]
    Watch(commands::status::WatchArgs),
    /// Put one value of a saved connection on the clipboard, without printing it, to paste
    /// into the integration's own form.
    #[command(
        after_help = commands::copy::COPY_HELP
    )]
    Copy(commands::copy::CopyArgs),
    /// Clear a copied value later (started by `copy`; not for people).
    #[command(hide = true)]
    ClipboardClear(commands::copy::ClearArgs),
    /// Print a shell completion script.
    #[command(
        after_help = commands::complete::COMPLETIONS_HELP
    )]
    Completions(commands::complete::CompletionsArgs),
    /// Revoke a connection's tokens (best effort, said first) and delete its settings and
    /// secrets; on a terminal it asks first.
    #[command(
        after_help = commands::remove::REMOVE_HELP
    )]
    Remove(commands::remove::RemoveArgs),
    /// Run a simulated Salesforce org on loopback until interrupted.
    #[command(after_help = commands::sim::help())]
    Sim(commands::sim::SimArgs),
    /// Try the wizard against a built-in simulated org (nothing leaves this machine).
    #[command(after_help = WIZARD_HELP)]
    Demo,
    /// Write the manual pages (sfconnect.1 and one per command) into a directory.
    #[command(
        after_help = commands::manpages::MANPAGES_HELP
    )]
    Manpages(commands::manpages::ManpagesArgs),
    /// The wizard, straight into a new connection.
    #[command(after_help = WIZARD_HELP)]
    Setup {
        /// The new connection's name (asked for when left out).
        name: Option<String>,
    },
    /// The wizard, straight into re-authenticating a saved connection; or, with --user, every
    /// connection of one integration user with one new password or security token.
    #[command(after_help = commands::reauth::REAUTH_HELP)]
    Reauth(commands::reauth::ReauthArgs),
}

impl Command {
    /// Whether the command was asked for JSON, so that errors come out as JSON too.
    fn json(&self) -> bool {
        match self {
            Command::Login(args) => args.wants_json(),
            Command::Audit(args) => args.wants_json(),
            Command::List(args) => args.wants_json(),
            Command::Status(args) => args.wants_json(),
            Command::Test(args) => args.wants_json(),
            Command::Token(args) => args.wants_json(),
            Command::Watch(args) => args.wants_json(),
            Command::Remove(args) => args.wants_json(),
            Command::Export(args) => args.wants_json(),
            Command::Reauth(args) => args.wants_json(),
            // Listed, not a wildcard: a new command decides whether it answers in JSON.
            Command::Copy(_)
            | Command::ClipboardClear(_)
            | Command::Completions(_)
            | Command::Sim(_)
            | Command::Demo
            | Command::Manpages(_)
            | Command::Setup { .. } => false,
        }
    }

    /// The subcommand's name, for the log (never its arguments).
    pub fn name(&self) -> &'static str {
        match self {
            Command::Login(_) => "login",
            Command::Audit(_) => "audit",
            Command::List(_) => "list",
            Command::Status(_) => "status",
            Command::Test(_) => "test",
            Command::Token(_) => "token",
            Command::Export(_) => "export",
            Command::Watch(_) => "watch",
            Command::Completions(_) => "completions",
            Command::Copy(_) => "copy",
            Command::ClipboardClear(_) => "clipboard-clear",
            Command::Remove(_) => "remove",
            Command::Sim(_) => "sim",
            Command::Demo => "demo",
            Command::Manpages(_) => "manpages",
            Command::Setup { .. } => "setup",
            Command::Reauth(_) => "reauth",
        }
    }
}

/// The global options a command has no use for: still accepted after it (scripts that pass
/// them everywhere keep working), but left out of its help and completions.
fn unused_globals(command: &str) -> &'static [&'static str] {
    match command {
        "list" => &["store", "timeout"],
        "demo" => &["store", "config_dir", "timeout"],
        "sim" | "completions" | "manpages" => &["store", "config_dir", "timeout"],
        // Only a login decides where new secrets go; the rest use the connection's store.
        "login" | "setup" | "reauth" => &[],
        _ => &["store"],
    }
}

/// The command line: `Cli` with each command's unused global options hidden. A command that
/// has its own (hidden) copy of a global option does not get the shown one, and clap hands
/// its value up to `Global` all the same.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let cli = Cli::command();
    let globals: Vec<clap::Arg> = cli
        .get_arguments()
        .filter(|a| a.is_global_set())
        .cloned()
        .collect();
    let names: Vec<String> = cli
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    names.into_iter().fold(cli, |cli, name| {
        cli.mut_subcommand(&name, |mut sub| {
            for arg in &globals {
                if unused_globals(&name).contains(&arg.get_id().as_str()) {
                    sub = sub.arg(arg.clone().global(false).hide(true));
                }
            }
            sub
        })
    })
}

pub fn main() -> ExitCode {
    use clap::FromArgMatches;
    // A shell asking for completions gets them and nothing else happens.
    clap_complete::CompleteEnv::with_factory(command)
        .var(COMPLETE_VAR)
        .complete();
    let cli = match command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(cli) => cli,
        // A line that does not parse has no command to ask: --json anywhere on it is enough.
        Err(e) if e.use_stderr() && std::env::args_os().any(|a| a == "--json") => {
            commands::json_errors(true);
            // The error and its hints (possible values), without the usage lines.
            let message = e.to_string();
            let said: Vec<&str> = message
                .lines()
                .map(str::trim)
                .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
                .filter(|l| !l.is_empty())
                .collect();
            return commands::fail(
                commands::EXIT_USAGE,
                said.join(" ").trim_start_matches("error: "),
            );
        }
        Err(e) => e.exit(),
    };
    // With --json, errors too come out as JSON on stdout (the exit code is the same).
    let json = cli.command.as_ref().is_some_and(Command::json);
    commands::json_errors(json);
    let _ = crate::log::init();
    tracing::info!(
        "sfconnect {} {}",
        env!("CARGO_PKG_VERSION"),
        cli.command.as_ref().map(Command::name).unwrap_or("wizard")
    );
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            say!("sfconnect: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let global = match cli.global.from_env() {
        Ok(g) => g,
        Err(e) => return commands::fail(commands::EXIT_USAGE, e),
    };
    if let Some(secs) = global.timeout {
        crate::salesforce::http::configure_timeout(std::time::Duration::from_secs(secs));
    }
    match cli.command {
        Some(Command::Login(args)) => runtime.block_on(args.run(&global)),
        Some(Command::List(args)) => args.run(&global),
        Some(Command::Audit(args)) => runtime.block_on(args.run(&global)),
        Some(Command::Status(args)) => runtime.block_on(args.run(&global)),
        Some(Command::Test(args)) => runtime.block_on(args.run(&global)),
        Some(Command::Token(args)) => runtime.block_on(args.run(&global)),
        Some(Command::Export(args)) => runtime.block_on(args.run(&global)),
        Some(Command::Watch(args)) => runtime.block_on(args.run(&global)),
        Some(Command::Copy(args)) => runtime.block_on(args.run(&global)),
        Some(Command::ClipboardClear(args)) => runtime.block_on(args.run(&global)),
        Some(Command::Completions(args)) => args.run(),
        Some(Command::Remove(args)) => runtime.block_on(args.run(&global)),
        Some(Command::Sim(args)) => runtime.block_on(args.run()),
        Some(Command::Demo) => runtime.block_on(launch::demo()),
        Some(Command::Manpages(args)) => args.run(command()),
        Some(Command::Setup { name }) => {
            runtime.block_on(wizard(&global, Start::New(name.unwrap_or_default())))
        }
        Some(Command::Reauth(args)) => match (args.user.clone(), args.name.clone()) {
            (Some(user), _) => runtime.block_on(args.run(&global, &user)),
            (None, Some(name)) => runtime.block_on(wizard(
                &global,
                Start::Reauth {
                    name,
                    revoke_old: args.revoke_old,
                },
            )),
            (None, None) => commands::fail(
                commands::EXIT_USAGE,
                "name the connection to re-authenticate, or give --user USERNAME",
            ),
        },
        None => runtime.block_on(wizard(&global, Start::Home)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// Every option and argument of every command says what it is for.
    #[test]
    fn every_argument_has_help() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if id == "help" || id == "version" || arg.is_hide_set() {
                    continue;
                }
                if arg.get_help().is_none() && arg.get_long_help().is_none() {
                    missing.push(format!("{path} {id}"));
                }
            }
            for sub in cmd.get_subcommands() {
                if sub.get_about().is_none() {
                    missing.push(format!("{path} {} (no about)", sub.get_name()));
                }
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        walk(&Cli::command(), "sfconnect", &mut missing);
        assert!(missing.is_empty(), "no help text: {missing:#?}");
    }
}
