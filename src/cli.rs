//! Command-line definitions (clap) and dispatch of the commands.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};

use crate::sim::{self, Scenario, SimOptions};

#[derive(Debug, Parser)]
#[command(
    name = "sfconnect",
    version,
    about = "Connect integrations to Salesforce's API and keep them authenticated"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
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
    /// Try sfconnect against a built-in simulated org.
    Demo,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
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
    match cli.command {
        Some(Command::Sim {
            port,
            scenario,
            rtt_ms,
        }) => runtime.block_on(run_sim(port, scenario, rtt_ms, false)),
        Some(Command::Demo) => runtime.block_on(run_sim(0, None, 0, true)),
        None => {
            eprintln!(
                "sfconnect: the wizard is not built yet; try `sfconnect demo` or `sfconnect sim`."
            );
            ExitCode::from(2)
        }
    }
}

async fn run_sim(port: u16, scenario: Option<PathBuf>, rtt_ms: u64, demo: bool) -> ExitCode {
    let scenario = match scenario {
        Some(path) => match Scenario::load(&path) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("sfconnect: {e}");
                return ExitCode::from(2);
            }
        },
        None => Scenario::demo(),
    };
    let user = scenario.users.first().cloned().unwrap_or_default();
    let app = scenario.apps.first().cloned().unwrap_or_default();
    let options = SimOptions {
        port,
        rtt: Duration::from_millis(rtt_ms),
    };
    let running = match sim::start(scenario, options).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("sfconnect: cannot start the simulated org on port {port}: {e}");
            return ExitCode::from(2);
        }
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "login URL: {}", running.login_url());
    let _ = writeln!(out, "username: {}", user.username);
    let _ = writeln!(out, "password: {}", user.password);
    let _ = writeln!(out, "security token: {}", user.security_token);
    let _ = writeln!(out, "consumer key: {}", app.consumer_key);
    let _ = writeln!(out, "consumer secret: {}", app.consumer_secret);
    let _ = writeln!(out, "my domain URL: {}", running.instance_url());
    let _ = out.flush();
    drop(out);
    if demo {
        eprintln!(
            "\nThis is a simulated Salesforce org on your machine; nothing leaves it.\n\
             Log in with the credentials above, using the login URL as a Salesforce login URL.\n\
             Device codes are approved at {}/setup/connect. Press Ctrl-C to stop.",
            running.login_url()
        );
    }
    wait_for_stop().await;
    running.stop();
    ExitCode::SUCCESS
}

/// Wait for Ctrl-C, SIGTERM or SIGHUP.
async fn wait_for_stop() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut hup)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
        ) else {
            let _ = tokio::signal::ctrl_c().await;
            return;
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
            _ = hup.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
