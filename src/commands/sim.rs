//! `sfconnect sim`: run the simulated org standalone until interrupted.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use crate::sim::{self, Scenario, SimOptions};

pub async fn run_sim(port: u16, scenario: Option<PathBuf>, rtt_ms: u64) -> ExitCode {
    let scenario = match scenario {
        Some(path) => match Scenario::load(&path) {
            Ok(s) => s,
            Err(e) => {
                say!("sfconnect: {e}");
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
            say!("sfconnect: cannot start the simulated org on port {port}: {e}");
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
    crate::connect::signals::wait_for_stop().await;
    running.stop();
    ExitCode::SUCCESS
}
