//! `sfconnect sim`: run the simulated org standalone until interrupted.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use crate::sim::{self, Scenario, SimOptions};

pub async fn run_sim(
    port: u16,
    scenario: Option<PathBuf>,
    rtt_ms: u64,
    tls: bool,
    ca_file: Option<PathBuf>,
) -> ExitCode {
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
    // With --tls, a CA made for this run signs both hosts' certificate; clients trust it
    // through the file it is written to.
    let tls = match tls.then(crate::sim::tls::SimTls::generate) {
        Some(Ok(t)) => Some(std::sync::Arc::new(t)),
        Some(Err(e)) => {
            say!("sfconnect: {e}");
            return ExitCode::from(1);
        }
        None => None,
    };
    let ca_path = match &tls {
        Some(t) => {
            let path = ca_file.unwrap_or_else(|| {
                std::env::temp_dir().join(format!("sfconnect-sim-ca-{}.pem", std::process::id()))
            });
            if let Err(e) = std::fs::write(&path, &t.ca_pem) {
                say!(
                    "sfconnect: cannot write the CA certificate to {}: {e}",
                    path.display()
                );
                return ExitCode::from(2);
            }
            Some(path)
        }
        None => None,
    };
    let options = SimOptions {
        port,
        rtt: Duration::from_millis(rtt_ms),
        tls,
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
    if let Some(path) = &ca_path {
        let _ = writeln!(out, "CA certificate: {}", path.display());
    }
    let _ = out.flush();
    drop(out);
    crate::connect::signals::wait_for_stop().await;
    running.stop();
    if let Some(path) = ca_path {
        let _ = std::fs::remove_file(path);
    }
    ExitCode::SUCCESS
}
