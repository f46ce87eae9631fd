//! `sfconnect sim`: run the simulated org standalone until interrupted.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use crate::sim::{self, Scenario, SimOptions};

impl SimArgs {
    pub async fn run(self) -> ExitCode {
        let SimArgs {
            port,
            scenario,
            rtt_ms,
            tls,
            ca_file,
        } = self;
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
        // By default the CA goes into a private directory made for this run (removed at exit),
        // never to a name in the shared temp dir that another user could have put a link at.
        let mut builder = tempfile::Builder::new();
        builder.prefix("sfconnect-sim-");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o700));
        }
        let private = match (&tls, &ca_file) {
            (Some(_), None) => match builder.tempdir() {
                Ok(dir) => Some(dir),
                Err(e) => {
                    say!("sfconnect: cannot make a private directory for the CA certificate: {e}");
                    return ExitCode::from(1);
                }
            },
            _ => None,
        };
        let target = match (&private, ca_file) {
            (Some(dir), _) => Some((dir.path().join("ca.pem"), true)),
            (None, Some(path)) => Some((path, false)),
            (None, None) => None,
        };
        let ca_path = match (&tls, target) {
            (Some(t), Some((path, new))) => {
                if let Err(e) = write_ca(&path, &t.ca_pem, new) {
                    say!(
                        "sfconnect: cannot write the CA certificate to {}: {e}",
                        path.display()
                    );
                    return ExitCode::from(2);
                }
                Some(path)
            }
            _ => None,
        };
        let options = SimOptions {
            port,
            rtt: Duration::from_millis(rtt_ms),
            tls,
        };
        // Listening before anything is printed: a stop that comes right after still cleans up.
        let stop = crate::connect::signals::listen_for_stop();
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
        say!(
            "Control endpoints (a password expiring, a device approved, a token reset…) are POSTs under {}/__sim/: `sfconnect sim --help` lists them with their fields.",
            running.login_url()
        );
        stop.await;
        running.stop();
        match (ca_path, private) {
            (_, Some(dir)) => drop(dir),
            (Some(path), None) => {
                let _ = std::fs::remove_file(path);
            }
            (None, None) => {}
        }
        ExitCode::SUCCESS
    }
}

/// Write the CA certificate to `path`, owner-only, never through a symbolic link; `new`: the
/// file must not exist yet.
fn write_ca(path: &std::path::Path, pem: &str, new: bool) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if new {
        options.create_new(true);
    } else {
        options.create(true).truncate(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options
            .mode(0o600)
            .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
    }
    options.open(path)?.write_all(pem.as_bytes())
}

/// Run a simulated Salesforce org on loopback until interrupted.
#[derive(Debug, clap::Args)]
pub struct SimArgs {
    /// Port of the login host (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Scenario file (TOML or JSON) describing users, apps, settings and faults.
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    /// Round-trip time added to every request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub rtt_ms: u64,
    /// Serve https, with a certificate signed by a CA made for this run; the CA is written
    /// to --ca-file (printed as `CA certificate:`) for clients to trust.
    #[arg(long)]
    pub tls: bool,
    /// Where --tls writes its CA certificate (owner-only, never through a symbolic link;
    /// default: ca.pem in a private directory made in the temp dir, removed at exit).
    #[arg(long, value_name = "PEM", requires = "tls")]
    pub ca_file: Option<PathBuf>,
}

/// `sim --help`'s closing text: what it prints, its exit codes, and its control endpoints.
pub fn help() -> String {
    format!(
        "Prints its login URL and the demo org's credentials, then serves until Ctrl-C or SIGTERM (exit 0). Exit codes: 2 usage, a bad scenario file, or a port that cannot be had.\n\n{}",
        crate::sim::control::help()
    )
}
