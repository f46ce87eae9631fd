//! The options every command understands, and the environment variables that stand in for them.

use std::path::PathBuf;

use crate::profile::StoreKind;

/// Options every command understands. Their environment variables are read after parsing
/// (`Global::from_env`), so that a variable never shows as a required option in a usage line
/// and a bad value is named by its variable.
#[derive(Debug, Clone, clap::Args)]
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
