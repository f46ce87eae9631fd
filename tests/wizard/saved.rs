//! A simulated org with a connection saved the way a user saves one (`sfconnect login`), for
//! the tests that start the wizard, or a command, on a saved connection.

use sfconnect::sim::scenario::{DEMO_PASSWORD, DEMO_TOKEN, DEMO_USERNAME};
use sfconnect::sim::{self, RunningSim, Scenario, SimOptions};

pub struct SavedOrg {
    // The org stops before its runtime goes.
    pub sim: RunningSim,
    pub rt: tokio::runtime::Runtime,
    pub dir: tempfile::TempDir,
}

impl SavedOrg {
    /// The demo org, and a connection `name` to it that logs in with the OAuth
    /// username-password flow, in a config dir of its own.
    pub fn password(name: &str) -> Self {
        let org = Self::soap(name);
        let out = org
            .sfconnect(&["login", name, "--flow", "password", "--login-url"])
            .arg(org.sim.login_url())
            .args(["--username", DEMO_USERNAME])
            .args(["--client-id", sfconnect::sim::scenario::DEMO_CONSUMER_KEY])
            .env("SFCONNECT_PASSWORD", DEMO_PASSWORD)
            .env("SFCONNECT_SECURITY_TOKEN", DEMO_TOKEN)
            .env(
                "SFCONNECT_CLIENT_SECRET",
                sfconnect::sim::scenario::DEMO_CONSUMER_SECRET,
            )
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        org
    }

    /// The demo org, and a SOAP connection `name` to it in a config dir of its own.
    pub fn soap(name: &str) -> Self {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let sim = rt
            .block_on(sim::start(Scenario::demo(), SimOptions::default()))
            .unwrap();
        let org = Self {
            sim,
            rt,
            dir: tempfile::tempdir().unwrap(),
        };
        let out = org
            .sfconnect(&["login", name, "--flow", "soap", "--login-url"])
            .arg(org.sim.login_url())
            .args(["--username", DEMO_USERNAME])
            .env("SFCONNECT_PASSWORD", DEMO_PASSWORD)
            .env("SFCONNECT_SECURITY_TOKEN", DEMO_TOKEN)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        org
    }

    /// `sfconnect ARGS` on this config dir (file store, logs beside it), no terminal.
    pub fn sfconnect(&self, args: &[&str]) -> std::process::Command {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_sfconnect"));
        c.args(args)
            .env("SFCONNECT_CONFIG_DIR", self.dir.path())
            .env("SFCONNECT_STORE", "file")
            .env("SFCONNECT_LOG_DIR", self.logs())
            .stdin(std::process::Stdio::null());
        c
    }

    pub fn logs(&self) -> std::path::PathBuf {
        self.dir.path().join("logs")
    }
}
