//! Crash-safe file writes (temp file, fsync, rename, fsync dir) and private permissions.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

/// Create `dir` (and parents) readable only by the owner.
pub fn private_dir(dir: &Path) -> io::Result<()> {
    // Only the directories made here are made private: a directory that exists (a home, /tmp,
    // one the user chose) keeps its mode.
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)?;
    #[cfg(unix)]
    {
        // Whatever the umask, the directory made last is the owner's alone.
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Open a new file readable and writable only by the owner; fails if it exists.
pub fn create_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Replace `path` with `contents` so that a crash at any moment leaves either the old file or the
/// new one, never a mix: write a private temp file beside it, fsync, rename over, fsync the dir.
pub fn write_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let _ = fs::remove_file(&temp);
    let result = (|| {
        let mut file = create_private(&temp)?;
        file.write_all(contents)?;
        file.sync_all()?;
        drop(file);
        failpoint("before-rename");
        fs::rename(&temp, path)?;
        sync_dir(dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// Whether `dir` can take a file of `bytes` now: one is written, synced and deleted.
pub fn probe_room(dir: &Path, bytes: u64) -> io::Result<()> {
    let probe = dir.join(format!(".probe.{}.tmp", std::process::id()));
    let _ = fs::remove_file(&probe);
    let result = (|| {
        let mut file = create_private(&probe)?;
        let block = [0u8; 4096];
        let mut left = bytes;
        while left > 0 {
            let n = left.min(block.len() as u64) as usize;
            file.write_all(&block[..n])?;
            left -= n as u64;
        }
        file.sync_all()
    })();
    let _ = fs::remove_file(&probe);
    result
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()?;
    }
    let _ = dir;
    Ok(())
}

/// Leftover temp files from a crashed write are harmless; remove the ones of dead writers.
pub fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let me = std::process::id().to_string();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(pid) = own_temp(&name)
            && pid != me
        {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// The writer's pid, when `name` is a temp file `write_atomic` makes for one of sfconnect's own
/// files (`.connections.toml.1234.tmp`); anything else in the directory is not sfconnect's.
fn own_temp(name: &str) -> Option<&str> {
    let inner = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let (file, pid) = inner.rsplit_once('.')?;
    let ours = ["connections.toml", "secrets.age", "secrets.key", "probe"].contains(&file)
        || file.ends_with(".crt");
    (ours && !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit())).then_some(pid)
}

/// Owner-only permission bits of a file, for checks and tests (None off Unix).
pub fn mode(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    let mode = {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path)
            .ok()
            .map(|m| m.permissions().mode() & 0o777)
    };
    #[cfg(not(unix))]
    let mode = {
        let _ = path;
        None
    };
    mode
}

/// Test builds can stop the process here (`SFCONNECT_FAILPOINT=name`) to prove crash safety.
#[allow(
    clippy::panic,
    reason = "`panic:NAME` proves a panic leaves nothing half-done; built with the failpoints feature only"
)]
pub fn failpoint(name: &str) {
    #[cfg(feature = "failpoints")]
    if let Ok(chosen) = std::env::var("SFCONNECT_FAILPOINT") {
        if chosen == name {
            std::process::abort();
        }
        if chosen.strip_prefix("panic:") == Some(name) {
            panic!("failpoint {name}");
        }
        // `pause:NAME` holds the process there, so a test can interrupt it mid-save, or (with
        // SFCONNECT_FAILPOINT_RELEASE=FILE) do something else meanwhile: the process makes
        // FILE.paused when it gets there and goes on once FILE exists.
        if chosen.strip_prefix("pause:") == Some(name) {
            say!("sfconnect: paused at {name}");
            match std::env::var_os("SFCONNECT_FAILPOINT_RELEASE") {
                Some(release) => {
                    let release = std::path::PathBuf::from(release);
                    let mut marker = release.clone().into_os_string();
                    marker.push(".paused");
                    let _ = std::fs::write(&marker, name);
                    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
                    while !release.exists() && std::time::Instant::now() < deadline {
                        std::thread::sleep(std::time::Duration::from_millis(10));
                    }
                }
                None => std::thread::sleep(std::time::Duration::from_secs(10)),
            }
        }
    }
    let _ = name;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sfconnects_own_temp_files_are_swept_and_only_new_dirs_are_chmodded() {
        let dir = tempfile::tempdir().unwrap();
        let theirs = [
            ".bashrc.tmp",
            ".notes.123.tmp",
            ".connections.toml.abc.tmp",
            "x.tmp",
        ];
        for name in theirs
            .iter()
            .chain(&[".connections.toml.1.tmp", ".secrets.age.22.tmp"])
        {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        remove_stale_temps(dir.path());
        for name in theirs {
            assert!(dir.path().join(name).exists(), "{name} is not sfconnect's");
        }
        assert!(!dir.path().join(".connections.toml.1.tmp").exists());
        assert!(!dir.path().join(".secrets.age.22.tmp").exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
            private_dir(dir.path()).unwrap();
            assert_eq!(
                mode(dir.path()),
                Some(0o755),
                "an existing dir keeps its mode"
            );
            let made = dir.path().join("a/b");
            private_dir(&made).unwrap();
            assert_eq!(mode(&made), Some(0o700));
        }
    }
}
