//! Command-line definitions (clap) and dispatch of the commands.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::commands;
use crate::profile::{Flow, StoreKind};
use crate::tui::launch::{self, Start};

/// The wizard on the config dir and store the global options name.
async fn wizard(global: &Global, start: Start) -> ExitCode {
    launch::wizard(global.config_dir.clone(), global.store, start).await
}

#[derive(Debug, Parser)]
#[command(
    name = "sfconnect",
    version,
    about = "Connect integrations to Salesforce's API and keep them authenticated"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options every command understands.
#[derive(Debug, Clone, Args)]
pub struct Global {
    /// Where saved connections (and the encrypted secrets file) live.
    #[arg(long, global = true, env = "SFCONNECT_CONFIG_DIR", value_name = "DIR")]
    pub config_dir: Option<PathBuf>,
    /// Which secret store new secrets go to: the OS keyring, or an encrypted file.
    #[arg(long, global = true, env = "SFCONNECT_STORE", value_enum)]
    pub store: Option<StoreKind>,
    /// Seconds one request to Salesforce may take, from connecting to the last byte (default 30).
    #[arg(long, global = true, env = "SFCONNECT_TIMEOUT", value_name = "SECONDS",
          value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: Option<u64>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Log in without the wizard, test, and save the connection only when the test passes.
    Login(LoginArgs),
    /// List saved connections.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Health of saved connections; exits 1 when one is failing or its password expires soon.
    Status {
        name: Option<String>,
        #[arg(long)]
        json: bool,
        /// Run the checks now, and run the notification command when a connection's health changes.
        #[arg(long)]
        notify: bool,
        /// The notification command (sh -c); default: `notify_command` in the config file.
        #[arg(long, env = "SFCONNECT_NOTIFY_COMMAND", value_name = "CMD")]
        notify_command: Option<String>,
    },
    /// Run the connection checks now.
    Test {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Print an access token the org accepts, nothing else: the cached one once the org has
    /// confirmed it (one cheap call), else a new login.
    Token {
        name: String,
        #[command(flatten)]
        freshness: FreshnessArgs,
    },
    /// Print a connection's credentials for other tools (the access token as `token` gives it).
    Export {
        name: String,
        #[arg(long, value_enum)]
        format: ExportFormat,
        #[command(flatten)]
        freshness: FreshnessArgs,
    },
    /// Check connections every --interval and notify when their health changes.
    Watch {
        name: Option<String>,
        /// Seconds between rounds of checks.
        #[arg(long, default_value_t = 3600)]
        interval: u64,
        #[arg(long, env = "SFCONNECT_NOTIFY_COMMAND", value_name = "CMD")]
        notify_command: Option<String>,
    },
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Revoke a connection's tokens (best effort) and delete its settings and secrets.
    Remove {
        name: String,
        /// Do not try to revoke tokens at Salesforce.
        #[arg(long)]
        no_revoke: bool,
    },
    /// Run a simulated Salesforce org on loopback until interrupted.
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
    },
    /// Try the wizard against a built-in simulated org (nothing leaves this machine).
    Demo,
    /// The wizard, straight into a new connection.
    Setup { name: Option<String> },
    /// The wizard, straight into re-authenticating a saved connection.
    Reauth { name: String },
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
    pub name: String,
    /// How to authenticate; defaults to the saved connection's.
    #[arg(long, value_enum)]
    pub flow: Option<Flow>,
    /// https://login.salesforce.com, https://test.salesforce.com or the My Domain URL.
    #[arg(long)]
    pub login_url: Option<String>,
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
    /// Local port for the browser login's callback.
    #[arg(long)]
    pub callback_port: Option<u16>,
    /// Do not open a browser; paste the address back instead.
    #[arg(long)]
    pub no_browser: bool,
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
            Command::Remove { .. } => "remove",
            Command::Sim { .. } => "sim",
            Command::Demo => "demo",
            Command::Setup { .. } => "setup",
            Command::Reauth { .. } => "reauth",
        }
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
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
            eprintln!("sfconnect: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let global = cli.global;
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
        }) => {
            let notify = notify.then_some(commands::status::Notify {
                command: notify_command,
            });
            runtime.block_on(commands::status::status(
                &global,
                name.as_deref(),
                json,
                notify,
            ))
        }
        Some(Command::Test { name, json }) => {
            runtime.block_on(commands::test::run(&global, &name, json))
        }
        Some(Command::Token { name, freshness }) => runtime.block_on(commands::token::token(
            &global,
            &name,
            freshness.freshness(),
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
        }) => runtime.block_on(commands::status::watch(
            &global,
            name.as_deref(),
            std::time::Duration::from_secs(interval),
            commands::status::Notify {
                command: notify_command,
            },
        )),
        Some(Command::Completions { shell }) => {
            use clap::CommandFactory;
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "sfconnect",
                &mut std::io::stdout(),
            );
            ExitCode::SUCCESS
        }
        Some(Command::Remove { name, no_revoke }) => {
            runtime.block_on(commands::remove::run(&global, &name, no_revoke))
        }
        Some(Command::Sim {
            port,
            scenario,
            rtt_ms,
        }) => runtime.block_on(commands::sim::run_sim(port, scenario, rtt_ms)),
        Some(Command::Demo) => runtime.block_on(launch::demo()),
        Some(Command::Setup { name }) => {
            runtime.block_on(wizard(&global, Start::New(name.unwrap_or_default())))
        }
        Some(Command::Reauth { name }) => runtime.block_on(wizard(&global, Start::Reauth(name))),
        None => runtime.block_on(wizard(&global, Start::Home)),
    }
}
