//! Command-line definitions (clap) and dispatch of the commands.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::commands;
use crate::profile::{Flow, StoreKind};
use crate::tui::launch::{self, Start};

/// The shell asks sfconnect for completions through this variable (`completions SHELL` prints
/// the script that does), so that saved connection names complete.
const COMPLETE_VAR: &str = "SFCONNECT_COMPLETE";

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
fn saved_names() -> clap_complete::ArgValueCandidates {
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

/// Options every command understands. Their environment variables are read after parsing
/// (`Global::from_env`), so that a variable never shows as a required option in a usage line
/// and a bad value is named by its variable.
#[derive(Debug, Clone, Args)]
pub struct Global {
    /// Where saved connections (and the encrypted secrets file) live [env: SFCONNECT_CONFIG_DIR].
    #[arg(long, global = true, value_name = "DIR")]
    pub config_dir: Option<PathBuf>,
    /// Which secret store new secrets go to: the OS keyring, or an encrypted file [env: SFCONNECT_STORE].
    #[arg(long, global = true, value_enum)]
    pub store: Option<StoreKind>,
    /// Seconds one request to Salesforce may take, from connecting to the last byte (default 30)
    /// [env: SFCONNECT_TIMEOUT].
    #[arg(long, global = true, value_name = "SECONDS",
          value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: Option<u64>,
}

impl Global {
    /// What the command line left out, from the environment; a bad value names its variable.
    pub fn from_env(mut self) -> Result<Self, String> {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        if self.config_dir.is_none() {
            self.config_dir = var("SFCONNECT_CONFIG_DIR").map(PathBuf::from);
        }
        if self.store.is_none()
            && let Some(value) = var("SFCONNECT_STORE")
        {
            let text = value.to_string_lossy();
            self.store = Some(
                <StoreKind as clap::ValueEnum>::from_str(&text, true).map_err(|_| {
                    format!("SFCONNECT_STORE={text:?} is not a secret store: use keyring or file")
                })?,
            );
        }
        if self.timeout.is_none()
            && let Some(value) = var("SFCONNECT_TIMEOUT")
        {
            let text = value.to_string_lossy();
            self.timeout = Some(
                text.parse::<u64>()
                    .ok()
                    .filter(|s| (1..=600).contains(s))
                    .ok_or_else(|| {
                        format!(
                            "SFCONNECT_TIMEOUT={text:?} is not a number of seconds from 1 to 600; unset it for the default (30)"
                        )
                    })?,
            );
        }
        Ok(self)
    }
}

/// Said under `login --help`: where its secrets come from.
const LOGIN_HELP: &str = "\
Secrets never come from options. Each comes from the first of:
  1. stdin, with its --…-stdin option: one line per option, in this order:
     password, security token, consumer secret, refresh token
  2. its variable: SFCONNECT_PASSWORD, SFCONNECT_SECURITY_TOKEN, SFCONNECT_CLIENT_SECRET,
     SFCONNECT_REFRESH_TOKEN (and SFCONNECT_PASSPHRASE for a passphrase-protected secrets file)
  3. the file its VARIABLE_FILE variable names, e.g. SFCONNECT_PASSWORD_FILE=/run/secrets/sf
  4. a masked prompt, on a terminal
A re-authentication keeps every saved secret not given anew.

Example: printf '%s\\n%s\\n' \"$PW\" \"$TOKEN\" | sfconnect login prod --flow soap \\
           --login-url https://login.salesforce.com --username api@acme.com \\
           --password-stdin --security-token-stdin

Exit codes: 0 saved; 1 the login or a check failed, or another sfconnect saved this name
meanwhile (nothing changed); 2 usage or input error.";

/// Said under the wizard's commands.
const WIZARD_HELP: &str = "The wizard needs a terminal (over SSH too). Exit codes: 0 when it is left; 2 when stdin or \
stdout is not a terminal (the scriptable commands in `sfconnect --help` work there).";

/// Said under `--help`: what scripts need to know about every command.
const AFTER_HELP: &str = "\
Exit codes:
  0  done; for status and test, everything healthy (warnings allowed)
  1  a login or check failed, a connection is failing or expires soon, or no token could be had;
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
    #[command(after_help = LOGIN_HELP)]
    Login(LoginArgs),
    /// List saved connections.
    #[command(
        after_help = "Exit codes: 0 listed (nothing saved included); 2 the config file cannot be read at all."
    )]
    List {
        /// One JSON array of connections instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Health of saved connections; exits 1 when one is failing or its password expires soon.
    #[command(
        after_help = "Exit codes: 0 healthy; 1 a connection is failing or its password expires within 14 days; 2 usage or unknown name."
    )]
    Status {
        /// One saved connection (default: all).
        #[arg(add = saved_names())]
        name: Option<String>,
        /// One JSON array of connections instead of text.
        #[arg(long)]
        json: bool,
        /// Run the checks now, and run the notification command when a connection's health changes.
        #[arg(long)]
        notify: bool,
        /// One line for all connections (one JSON object with --json): how many are healthy,
        /// and how many still use a login method Salesforce is retiring.
        #[arg(long)]
        summary: bool,
        /// Output format: text, json (the same as --json) or prometheus (the text exposition
        /// format, for node_exporter's textfile collector; not with --summary).
        #[arg(long, value_enum, value_name = "FORMAT")]
        format: Option<StatusFormat>,
        /// The notification command (sh -c); default: `notify_command` in the config file.
        #[arg(
            long,
            env = "SFCONNECT_NOTIFY_COMMAND",
            hide_env_values = true,
            value_name = "CMD"
        )]
        notify_command: Option<String>,
    },
    /// Run the connection checks now.
    #[command(
        after_help = "Exit codes: 0 no check failed (warnings allowed); 1 a check failed, or the secrets cannot be opened; 2 usage or unknown name."
    )]
    Test {
        /// The saved connection to test.
        #[arg(add = saved_names())]
        name: String,
        /// One JSON report instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Print an access token the org accepts, nothing else: the cached one once the org has
    /// confirmed it (one cheap call), else a new login.
    #[command(
        after_help = "Exit codes: 0 printed; 1 no token could be had (the reason and the fix on stderr); 2 usage or unknown name."
    )]
    Token {
        /// The saved connection whose token to print.
        #[arg(add = saved_names())]
        name: String,
        #[command(flatten)]
        freshness: FreshnessArgs,
        /// One JSON object (name, access_token, instance_url) instead of the bare token.
        #[arg(long)]
        json: bool,
    },
    /// Print a connection's credentials for other tools (the access token as `token` gives it).
    #[command(
        after_help = "Exit codes: 0 printed; 1 no token could be had; 2 usage, unknown name, or sfdx-url for a connection that has no refresh token."
    )]
    Export {
        /// The saved connection to export.
        #[arg(add = saved_names())]
        name: String,
        /// What to print: shell variables, JSON, or an sfdx URL for the Salesforce CLI.
        #[arg(long, value_enum)]
        format: ExportFormat,
        #[command(flatten)]
        freshness: FreshnessArgs,
    },
    /// Check connections every --interval and notify when their health changes.
    #[command(
        after_help = "Runs until Ctrl-C or SIGTERM (exit 0); a connection saved meanwhile joins at the next round. Exit codes: 2 usage or unknown name."
    )]
    Watch {
        /// One saved connection (default: all).
        #[arg(add = saved_names())]
        name: Option<String>,
        /// Seconds between rounds of checks.
        #[arg(long, default_value_t = 3600, value_name = "SECS")]
        interval: u64,
        /// The notification command (sh -c); default: `notify_command` in the config file.
        #[arg(
            long,
            env = "SFCONNECT_NOTIFY_COMMAND",
            hide_env_values = true,
            value_name = "CMD"
        )]
        notify_command: Option<String>,
        /// One JSON object per line for each change, instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Put one value of a saved connection on the clipboard, without printing it, to paste
    /// into the integration's own form.
    #[command(
        after_help = "Through the terminal (OSC 52: works over SSH, and in tmux with `set -g set-clipboard on`), or the desktop's clipboard tool (wl-copy, xclip, xsel) on a local desktop. An access token is one the org accepts, as `sfconnect token` gives it.\nExit codes: 0 copied; 1 no access token could be had, or the secrets cannot be opened; 2 usage, unknown name, a field the connection does not hold, or no clipboard."
    )]
    Copy {
        /// The saved connection.
        #[arg(add = saved_names())]
        name: String,
        /// Which value.
        #[arg(value_enum)]
        field: CopyField,
    },
    /// Clear a copied value later (started by `copy`; not for people).
    #[command(hide = true)]
    ClipboardClear {
        /// Where the value went: terminal, wl-copy, xclip or xsel.
        #[arg(long)]
        via: String,
        /// Seconds to wait first.
        #[arg(long)]
        after: u64,
    },
    /// Print a shell completion script.
    #[command(
        after_help = "Example: source <(sfconnect completions bash) in ~/.bashrc. Saved connection names complete too.\nExit codes: 0; 2 an unknown shell."
    )]
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Revoke a connection's tokens (best effort, said first) and delete its settings and
    /// secrets; on a terminal it asks first.
    #[command(
        after_help = "Exit codes: 0 removed (a failed revocation is said, and still 0); 1 not finished: the answer was no, the secrets cannot be opened to revoke the token (nothing removed; --no-revoke removes anyway), or the secrets could not be deleted yet (they are deleted the next time their store opens; it says so); 2 usage or unknown name."
    )]
    Remove {
        /// The saved connection to remove.
        #[arg(add = saved_names())]
        name: String,
        /// One JSON object saying what was done, instead of text.
        #[arg(long)]
        json: bool,
        /// Do not try to revoke tokens at Salesforce (an integration given the token keeps
        /// working).
        #[arg(long)]
        no_revoke: bool,
        /// Do not ask on a terminal (without a terminal nothing is asked anyway).
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Run a simulated Salesforce org on loopback until interrupted.
    #[command(after_help = sim_help())]
    Sim {
        /// Port of the login host (0 picks a free one).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Scenario file (TOML or JSON) describing users, apps, settings and faults.
        #[arg(long)]
        scenario: Option<PathBuf>,
        /// Round-trip time added to every request, in milliseconds.
        #[arg(long, default_value_t = 0)]
        rtt_ms: u64,
        /// Serve https, with a certificate signed by a CA made for this run; the CA is written
        /// to --ca-file (printed as `CA certificate:`) for clients to trust.
        #[arg(long)]
        tls: bool,
        /// Where --tls writes its CA certificate (owner-only, never through a symbolic link;
        /// default: ca.pem in a private directory made in the temp dir, removed at exit).
        #[arg(long, value_name = "PEM", requires = "tls")]
        ca_file: Option<PathBuf>,
    },
    /// Try the wizard against a built-in simulated org (nothing leaves this machine).
    #[command(after_help = WIZARD_HELP)]
    Demo,
    /// Write the manual pages (sfconnect.1 and one per command) into a directory.
    #[command(
        after_help = "Example: sfconnect manpages ~/.local/share/man/man1, then `man sfconnect-login`.\nExit codes: 0 written; 2 the directory cannot be written."
    )]
    Manpages {
        /// Where to write them (made when missing).
        dir: PathBuf,
    },
    /// The wizard, straight into a new connection.
    #[command(after_help = WIZARD_HELP)]
    Setup {
        /// The new connection's name (asked for when left out).
        name: Option<String>,
    },
    /// The wizard, straight into re-authenticating a saved connection.
    #[command(after_help = WIZARD_HELP)]
    Reauth {
        /// The saved connection to re-authenticate.
        #[arg(add = saved_names())]
        name: String,
        /// Revoke the refresh token the connection held before as soon as the new credentials
        /// are saved (else the Saved screen offers it, key v). Off by default: an integration
        /// given the old token stops working the moment it is revoked.
        #[arg(long)]
        revoke_old: bool,
    },
}

/// `sim --help`'s closing text: what it prints, its exit codes, and its control endpoints.
fn sim_help() -> String {
    format!(
        "Prints its login URL and the demo org's credentials, then serves until Ctrl-C or SIGTERM (exit 0). Exit codes: 2 usage, a bad scenario file, or a port that cannot be had.\n\n{}",
        crate::sim::control::help()
    )
}

/// A value `copy` can put on the clipboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CopyField {
    Username,
    Password,
    SecurityToken,
    ConsumerKey,
    ConsumerSecret,
    RefreshToken,
    AccessToken,
    LoginUrl,
    InstanceUrl,
}

impl CopyField {
    pub fn label(self) -> &'static str {
        match self {
            CopyField::Username => "username",
            CopyField::Password => "password",
            CopyField::SecurityToken => "security token",
            CopyField::ConsumerKey => "consumer key",
            CopyField::ConsumerSecret => "consumer secret",
            CopyField::RefreshToken => "refresh token",
            CopyField::AccessToken => "access token",
            CopyField::LoginUrl => "login URL",
            CopyField::InstanceUrl => "instance URL",
        }
    }
}

/// What `status` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatusFormat {
    /// A line per connection, for people.
    Text,
    /// One JSON array (as --json).
    Json,
    /// The Prometheus text exposition format.
    Prometheus,
}

/// How far to trust a cached access token.
#[derive(Debug, Clone, Copy, Args)]
pub struct FreshnessArgs {
    /// Log in anew instead of using the cached access token.
    #[arg(long, conflicts_with = "offline")]
    pub fresh: bool,
    /// Use the cached access token without asking the org (no network call while its estimated
    /// lifetime lasts), for tight loops; it may have been revoked meanwhile.
    #[arg(long)]
    pub offline: bool,
}

impl FreshnessArgs {
    pub fn freshness(self) -> crate::connect::token::Freshness {
        use crate::connect::token::Freshness;
        match (self.fresh, self.offline) {
            (true, _) => Freshness::Fresh,
            (_, true) => Freshness::Offline,
            _ => Freshness::Confirm,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// `export` lines for a POSIX shell: SF_ACCESS_TOKEN, SF_INSTANCE_URL, …
    Env,
    /// One JSON object.
    Json,
    /// force://clientId:clientSecret:refreshToken@instanceHost, for `sf org login sfdx-url`.
    SfdxUrl,
}

#[derive(Debug, Clone, Args)]
pub struct LoginArgs {
    /// Name of the connection (letters, digits, '-', '_', '.').
    #[arg(add = saved_names())]
    pub name: String,
    /// How to authenticate; defaults to the saved connection's.
    #[arg(long, value_enum)]
    pub flow: Option<Flow>,
    /// https://login.salesforce.com, https://test.salesforce.com or the My Domain URL.
    #[arg(long)]
    pub login_url: Option<String>,
    /// The integration user's username (SOAP, password and JWT bearer logins).
    #[arg(long)]
    pub username: Option<String>,
    /// The consumer key of the connected app or External Client App.
    #[arg(long)]
    pub client_id: Option<String>,
    /// PEM private key for JWT bearer.
    #[arg(long)]
    pub key_file: Option<PathBuf>,
    /// JWT bearer: make a new key pair and certificate (in the config dir) to upload to the app.
    #[arg(long)]
    pub generate_key: bool,
    /// The org is a sandbox (for a My Domain login URL, where the host does not say so).
    #[arg(long)]
    pub sandbox: bool,
    /// Local port for the browser login's callback (default 1717).
    #[arg(long, value_name = "PORT")]
    pub callback_port: Option<u16>,
    /// Do not open a browser (open the printed address yourself); the callback listener and
    /// paste-back both stay on, and whichever answers first wins.
    #[arg(long)]
    pub no_browser: bool,
    /// Read the password from stdin (one line; see the order below).
    #[arg(long)]
    pub password_stdin: bool,
    /// Read the security token from stdin (one line, after the password's).
    #[arg(long)]
    pub security_token_stdin: bool,
    /// Read the consumer secret from stdin (one line, after the token's).
    #[arg(long)]
    pub client_secret_stdin: bool,
    /// Read the refresh token to import from stdin (one line, last).
    #[arg(long)]
    pub refresh_token_stdin: bool,
    /// After the new credentials pass and are saved, revoke the refresh token the connection
    /// held before (when the reason for re-authenticating is a leak). Off by default: an
    /// integration that was given the old token stops working the moment it is revoked.
    #[arg(long)]
    pub revoke_old: bool,
    /// One JSON object saying what was saved, instead of text (the checks still go to stderr).
    #[arg(long)]
    pub json: bool,
}

impl LoginArgs {
    /// The secrets to read from stdin, by their variables' names.
    pub fn stdin_secrets(&self) -> Vec<&'static str> {
        [
            (self.password_stdin, "SFCONNECT_PASSWORD"),
            (self.security_token_stdin, "SFCONNECT_SECURITY_TOKEN"),
            (self.client_secret_stdin, "SFCONNECT_CLIENT_SECRET"),
            (self.refresh_token_stdin, "SFCONNECT_REFRESH_TOKEN"),
        ]
        .into_iter()
        .filter_map(|(wanted, env)| wanted.then_some(env))
        .collect()
    }
}

impl Command {
    /// The subcommand's name, for the log (never its arguments).
    pub fn name(&self) -> &'static str {
        match self {
            Command::Login(_) => "login",
            Command::List { .. } => "list",
            Command::Status { .. } => "status",
            Command::Test { .. } => "test",
            Command::Token { .. } => "token",
            Command::Export { .. } => "export",
            Command::Watch { .. } => "watch",
            Command::Completions { .. } => "completions",
            Command::Copy { .. } => "copy",
            Command::ClipboardClear { .. } => "clipboard-clear",
            Command::Remove { .. } => "remove",
            Command::Sim { .. } => "sim",
            Command::Demo => "demo",
            Command::Manpages { .. } => "manpages",
            Command::Setup { .. } => "setup",
            Command::Reauth { .. } => "reauth",
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
    let json = match &cli.command {
        Some(Command::Login(args)) => args.json,
        Some(Command::Status {
            format: Some(StatusFormat::Json),
            ..
        }) => true,
        Some(
            Command::List { json }
            | Command::Status { json, .. }
            | Command::Test { json, .. }
            | Command::Token { json, .. }
            | Command::Watch { json, .. }
            | Command::Remove { json, .. },
        ) => *json,
        Some(Command::Export { format, .. }) => *format == ExportFormat::Json,

        _ => false,
    };
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
        Some(Command::Login(args)) => runtime.block_on(commands::login::run(&global, args)),
        Some(Command::List { json }) => commands::list::run(&global, json),
        Some(Command::Status {
            name,
            json,
            notify,
            notify_command,
            summary,
            format,
        }) => {
            let notify = notify.then_some(commands::status::Notify {
                command: notify_command,
            });
            // Every combination either works or is refused with the reason.
            let refused = match (json, format, summary) {
                (true, Some(StatusFormat::Text), _) => {
                    Some("--json asks for JSON and --format text for text; give one of them")
                }
                (true, Some(StatusFormat::Prometheus), _) => Some(
                    "--json asks for JSON and --format prometheus for the Prometheus text format; give one of them",
                ),
                (_, Some(StatusFormat::Prometheus), true) => Some(
                    "--summary is one line (or one JSON object), and the Prometheus format has a sample per connection; drop --summary (alerts count the samples) or give --format text or json",
                ),
                _ => None,
            };
            if let Some(why) = refused {
                return commands::fail(commands::EXIT_USAGE, why);
            }
            runtime.block_on(commands::status::status(
                &global,
                name.as_deref(),
                json || format == Some(StatusFormat::Json),
                notify,
                summary,
                format == Some(StatusFormat::Prometheus),
            ))
        }
        Some(Command::Test { name, json }) => {
            runtime.block_on(commands::test::run(&global, &name, json))
        }
        Some(Command::Token {
            name,
            freshness,
            json,
        }) => runtime.block_on(commands::token::token(
            &global,
            &name,
            freshness.freshness(),
            json,
        )),
        Some(Command::Export {
            name,
            format,
            freshness,
        }) => runtime.block_on(commands::token::export(
            &global,
            &name,
            format,
            freshness.freshness(),
        )),
        Some(Command::Watch {
            name,
            interval,
            notify_command,
            json,
        }) => runtime.block_on(commands::status::watch(
            &global,
            name.as_deref(),
            std::time::Duration::from_secs(interval),
            commands::status::Notify {
                command: notify_command,
            },
            json,
        )),
        Some(Command::Copy { name, field }) => {
            runtime.block_on(commands::copy::run(&global, &name, field))
        }
        Some(Command::ClipboardClear { via, after }) => {
            match crate::connect::config_dir(global.config_dir.clone()) {
                Some(dir) => runtime.block_on(commands::copy::clear(
                    &dir,
                    &via,
                    std::time::Duration::from_secs(after),
                )),
                None => ExitCode::from(commands::EXIT_USAGE),
            }
        }
        Some(Command::Completions { shell }) => {
            use std::io::Write as _;
            let _ = std::io::stdout()
                .lock()
                .write_all(&completion_script(shell));
            ExitCode::SUCCESS
        }
        Some(Command::Remove {
            name,
            no_revoke,
            yes,
            json,
        }) => runtime.block_on(commands::remove::run(&global, &name, no_revoke, yes, json)),
        Some(Command::Sim {
            port,
            scenario,
            rtt_ms,
            tls,
            ca_file,
        }) => runtime.block_on(commands::sim::run_sim(port, scenario, rtt_ms, tls, ca_file)),
        Some(Command::Demo) => runtime.block_on(launch::demo()),
        Some(Command::Manpages { dir }) => {
            let written = commands::manpages::write_all(command(), &dir);
            match written {
                Ok(()) => {
                    say!("Wrote the manual pages to {}.", dir.display());
                    ExitCode::SUCCESS
                }
                Err(e) => commands::fail(
                    commands::EXIT_USAGE,
                    format!("cannot write the manual pages to {}: {e}", dir.display()),
                ),
            }
        }
        Some(Command::Setup { name }) => {
            runtime.block_on(wizard(&global, Start::New(name.unwrap_or_default())))
        }
        Some(Command::Reauth { name, revoke_old }) => {
            runtime.block_on(wizard(&global, Start::Reauth { name, revoke_old }))
        }
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
