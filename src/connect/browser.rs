//! Opening the user's browser: `$BROWSER` when it is set (with or without a display: WSL's
//! `wslview`, a forwarding script), else the desktop's opener. Every browser started gets an
//! environment without sfconnect's secret variables.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::SECRET_ENV;

/// The commands `$BROWSER` names: entries separated by ':', each a program and its arguments,
/// `%s` standing for the URL (else the URL is the last argument). No shell is involved.
pub fn browser_var_commands(value: &str, url: &str) -> Vec<Command> {
    value
        .split(':')
        .filter_map(|entry| {
            let mut words = entry.split_whitespace();
            let program = words.next()?;
            let mut cmd = Command::new(program);
            let mut placed = false;
            for word in words {
                if word.contains("%s") {
                    placed = true;
                    cmd.arg(word.replace("%s", url));
                } else {
                    cmd.arg(word);
                }
            }
            if !placed {
                cmd.arg(url);
            }
            Some(cmd)
        })
        .collect()
}

/// Whether `$BROWSER` names a browser to use.
pub fn browser_var() -> Option<String> {
    std::env::var("BROWSER")
        .ok()
        .filter(|v| !v.trim().is_empty())
}

/// Start a browser on `url`; true when one started. Its output never reaches our terminal,
/// and it does not inherit secrets from our environment.
pub fn open(url: &str) -> bool {
    let candidates = match browser_var() {
        Some(value) => browser_var_commands(&value, url),
        None => open::commands(url),
    };
    candidates.into_iter().any(|mut cmd| {
        for name in SECRET_ENV {
            cmd.env_remove(name);
        }
        cmd.stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        match cmd.spawn() {
            Ok(child) => started(child),
            Err(e) => {
                tracing::info!("could not start a browser: {e}");
                false
            }
        }
    })
}

/// How long a browser command may take to say it failed. Openers (xdg-open, wslview, open)
/// hand the address over and exit at once; a browser that keeps running has started.
const FAILS_WITHIN: Duration = Duration::from_secs(2);

/// Whether a started browser command took the address: it exits successfully, or is still
/// running after `FAILS_WITHIN`. Either way it is reaped, so no zombie is left behind.
fn started(mut child: Child) -> bool {
    let deadline = Instant::now() + FAILS_WITHIN;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                if !status.success() {
                    tracing::info!("the browser command failed: {status}");
                }
                return status.success();
            }
            Ok(None) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Ok(None) => {
                std::thread::spawn(move || child.wait());
                return true;
            }
            Err(_) => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(cmd: &Command) -> Vec<String> {
        std::iter::once(cmd.get_program())
            .chain(cmd.get_args())
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn browser_var_entries_take_the_url_in_place_of_percent_s_or_last() {
        let cmds = browser_var_commands("wslview:firefox --new-tab %s", "https://x/?a=1&b=2");
        assert_eq!(argv(&cmds[0]), ["wslview", "https://x/?a=1&b=2"]);
        assert_eq!(
            argv(&cmds[1]),
            ["firefox", "--new-tab", "https://x/?a=1&b=2"]
        );
        assert!(browser_var_commands("::", "u").is_empty());
    }

    #[test]
    fn a_browser_command_that_fails_has_not_opened_anything() {
        let spawn = |program: &str| Command::new(program).spawn().unwrap();
        assert!(!started(spawn("false")));
        assert!(started(spawn("true")));
    }
}
