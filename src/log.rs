//! The log file: what sfconnect did (the command, each request's method, host, path and status,
//! failures by cause, saves), never a secret and never on the screen. It lives in
//! `SFCONNECT_LOG_DIR`, else the platform's state dir (`…/sfconnect/logs`), one file a day, the
//! last seven kept. `SFCONNECT_LOG` sets the level (error, warn, info, debug, trace; info by
//! default).

use std::path::PathBuf;

use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::Layer as _;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

use crate::profile::fsutil;

/// Where the log files go.
pub fn log_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("SFCONNECT_LOG_DIR").filter(|d| !d.is_empty()) {
        return Some(dir.into());
    }
    let dirs = directories::ProjectDirs::from("", "", "sfconnect")?;
    Some(
        dirs.state_dir()
            .unwrap_or_else(|| dirs.data_local_dir())
            .join("logs"),
    )
}

/// Start logging to the file. Each line is written as it happens (few lines, and a killed
/// process loses none). A log that cannot be opened (read-only home, full disk) is skipped: it
/// must never stop the tool.
pub fn init() -> Option<()> {
    let dir = log_dir()?;
    fsutil::private_dir(&dir).ok()?;
    let level = std::env::var("SFCONNECT_LOG")
        .ok()
        .and_then(|l| l.parse::<LevelFilter>().ok())
        .unwrap_or(LevelFilter::INFO);
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix("sfconnect")
        .filename_suffix("log")
        .max_log_files(7)
        .build(&dir)
        .ok()?;
    // Only sfconnect's own events: a dependency's trace output could include request headers.
    let ours = Targets::new().with_target("sfconnect", level);
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(appender)
                .with_ansi(false)
                .with_target(false)
                .with_filter(ours),
        )
        .try_init()
        .ok()
}
