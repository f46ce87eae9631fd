//! The lock that serialises writers of the config dir (and the per-connection refresh locks):
//! an exclusive advisory lock on a file, waited for with a time limit.

use std::fs::{File, OpenOptions};
use std::path::Path;
use std::time::{Duration, Instant};

use super::config::{ConfigError, LOCK_FILE, io_error};
use super::fsutil;

/// An exclusive hold on the config dir; released on drop.
pub struct ConfigLock {
    _file: File,
}

impl ConfigLock {
    /// Wait for the lock, calling `waiting` once if another instance holds it.
    pub fn acquire(
        dir: &Path,
        timeout: Duration,
        waiting: &mut dyn FnMut(&Path),
    ) -> Result<Self, ConfigError> {
        fsutil::private_dir(dir).map_err(io_error("create", dir))?;
        let lock = Self::acquire_file(&dir.join(LOCK_FILE), timeout, waiting)?;
        // Whoever held the lock before and died mid-write left a temp file.
        fsutil::remove_stale_temps(dir);
        Ok(lock)
    }

    /// Wait for an exclusive hold on the lock file `path` (made when missing; its folder must
    /// exist). Opening it for writing fails on a read-only filesystem, which is the point for
    /// the callers that must be able to write afterwards.
    pub fn acquire_file(
        path: &Path,
        timeout: Duration,
        waiting: &mut dyn FnMut(&Path),
    ) -> Result<Self, ConfigError> {
        let path = path.to_path_buf();
        let mut options = OpenOptions::new();
        options.create(true).truncate(false).write(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(&path).map_err(io_error("open", &path))?;
        let started = Instant::now();
        let mut told = false;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Self { _file: file }),
                Err(std::fs::TryLockError::WouldBlock) => {}
                Err(std::fs::TryLockError::Error(e)) => return Err(io_error("lock", &path)(e)),
            }
            if !told {
                waiting(&path);
                told = true;
            }
            if started.elapsed() >= timeout {
                return Err(ConfigError::LockTimeout {
                    path,
                    waited: started.elapsed(),
                });
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
