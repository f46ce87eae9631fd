//! Where sfconnect runs: an SSH session, a graphical display, a container. Decides which login
//! paths can work here, and keeps a browser from being launched where none can show.

/// What the environment says about this session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Place {
    pub ssh: bool,
    pub display: bool,
    pub container: bool,
    /// `$BROWSER` names a browser to use (WSL's wslview, a script that forwards the URL).
    pub browser_var: bool,
}

impl Place {
    /// Read from environment variables (as name → value) and a few well-known files.
    pub fn detect(var: impl Fn(&str) -> Option<String>, exists: impl Fn(&str) -> bool) -> Self {
        let set = |name: &str| var(name).is_some_and(|v| !v.is_empty());
        Self {
            ssh: set("SSH_CONNECTION") || set("SSH_TTY") || set("SSH_CLIENT"),
            display: set("DISPLAY")
                || set("WAYLAND_DISPLAY")
                || cfg!(any(target_os = "macos", windows)),
            container: exists("/.dockerenv") || exists("/run/.containerenv") || set("container"),
            browser_var: var("BROWSER").is_some_and(|v| !v.trim().is_empty()),
        }
    }

    pub fn here() -> Self {
        Self::detect(
            |n| std::env::var(n).ok(),
            |p| std::path::Path::new(p).exists(),
        )
    }

    /// A browser can be opened: the one `$BROWSER` names, wherever it is set; else a desktop
    /// one, never over SSH (where a text browser would take the terminal).
    pub fn can_open_browser(&self) -> bool {
        self.browser_var || (self.display && !self.ssh && !self.container)
    }

    /// One line for the user: where this is and which logins suit it.
    pub fn advice(&self) -> &'static str {
        match (self.ssh, self.can_open_browser()) {
            (true, _) => {
                "This is an SSH session: browser login works by pasting the address back (or through an ssh -L port forward); for unattended servers JWT bearer or client credentials need no browser at all."
            }
            (false, true) => "A browser can open here: browser login is the simplest.",
            (false, false) => {
                "No graphical display here: browser login works by pasting the address back; JWT bearer or client credentials need no browser."
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(vars: &[(&str, &str)], files: &[&str]) -> Place {
        Place::detect(
            |n| {
                vars.iter()
                    .find(|(k, _)| *k == n)
                    .map(|(_, v)| v.to_string())
            },
            |p| files.contains(&p),
        )
    }

    #[test]
    fn ssh_sessions_never_open_a_browser() {
        let p = place(
            &[
                ("SSH_CONNECTION", "10.0.0.2 5 10.0.0.1 22"),
                ("DISPLAY", ":0"),
            ],
            &[],
        );
        assert!(p.ssh && !p.can_open_browser());
        let p = place(
            &[
                ("SSH_CONNECTION", "10.0.0.2 5 10.0.0.1 22"),
                ("BROWSER", "fwd-url"),
            ],
            &[],
        );
        assert!(p.can_open_browser(), "$BROWSER is used even over SSH");
        assert!(p.advice().contains("SSH"));
        let p = place(&[("SSH_TTY", "/dev/pts/1")], &[]);
        assert!(p.ssh);
    }

    #[test]
    fn displays_and_containers() {
        if cfg!(any(target_os = "macos", windows)) {
            return;
        }
        assert!(place(&[("DISPLAY", ":0")], &[]).can_open_browser());
        assert!(place(&[("WAYLAND_DISPLAY", "wayland-0")], &[]).can_open_browser());
        assert!(!place(&[], &[]).can_open_browser());
        assert!(place(&[("BROWSER", "wslview")], &[]).can_open_browser());
        let c = place(&[("DISPLAY", ":0")], &["/.dockerenv"]);
        assert!(c.container && !c.can_open_browser());
        assert!(
            place(&[("DISPLAY", "")], &[])
                .advice()
                .contains("No graphical display")
        );
    }
}
