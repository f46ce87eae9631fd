//! The real binary in a pseudo terminal, its screen parsed by vt100: shared by the wizard's
//! end-to-end tests, the hardening tests and the speed benchmark. Every wait is on the
//! program's output (woken as each chunk arrives), never on a fixed sleep.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    dead_code,
    reason = "shared by several test crates, each using part of it; a test stops at the first failure"
)]

use std::io::{Read, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

/// How long any one wait may take; generous, since a busy 2-core machine is slow, not broken.
const PATIENCE: Duration = Duration::from_secs(90);
/// What ratatui writes after every frame it draws (it hides the cursor each time).
const FRAME_END: &[u8] = b"\x1b[?25l";
const LEFT_ALTERNATE_SCREEN: &[u8] = b"\x1b[?1049l";

struct Output {
    screen: vt100::Parser,
    /// The screen as the last whole frame left it (a full-screen program is read between
    /// frames, never halfway through drawing one).
    complete: Option<String>,
    /// How much of `raw` the parser has seen.
    parsed: usize,
    /// Everything the program wrote, to prove secrets never reach the terminal in clear.
    raw: Vec<u8>,
    frames: usize,
    /// Where in `raw` the last whole frame ended.
    frame_end: usize,
    /// The program's side of the terminal is closed: nothing more will come.
    closed: bool,
}

struct Shared {
    output: Mutex<Output>,
    arrived: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Output> {
        self.output.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Wait until `done` holds for the output; false when `PATIENCE` ran out.
    fn wait(&self, mut done: impl FnMut(&Output) -> bool) -> bool {
        let deadline = Instant::now() + PATIENCE;
        let mut out = self.lock();
        while !done(&out) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            out = self
                .arrived
                .wait_timeout(out, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        true
    }
}

impl Output {
    /// Take a chunk of output: parse it, noting the screen at the end of each frame in it.
    fn take(&mut self, chunk: &[u8]) {
        // A frame's marker may straddle two reads: search from just before the new bytes.
        let from = self.raw.len().saturating_sub(FRAME_END.len() - 1);
        self.raw.extend_from_slice(chunk);
        let ends: Vec<usize> = self.raw[from..]
            .windows(FRAME_END.len())
            .enumerate()
            .filter(|(_, w)| *w == FRAME_END)
            .map(|(i, _)| from + i + FRAME_END.len())
            .collect();
        for end in ends {
            self.screen.process(&self.raw[self.parsed..end]);
            self.parsed = end;
            self.frames += 1;
            self.frame_end = end;
            self.complete = Some(self.screen.screen().contents());
        }
        self.screen.process(&self.raw[self.parsed..]);
        self.parsed = self.raw.len();
    }

    /// What a reader sees: the last whole frame, or for a program that draws no frames (a
    /// plain command), everything so far.
    fn contents(&self) -> String {
        // A full-screen program that stepped off its screen since its last frame (to show
        // something on the normal one) is read as the terminal shows it now.
        let left = self.raw[self.frame_end..]
            .windows(LEFT_ALTERNATE_SCREEN.len())
            .any(|w| w == LEFT_ALTERNATE_SCREEN);
        match (&self.complete, self.closed) {
            (Some(frame), false) if !left => frame.clone(),
            _ => self.screen.screen().contents(),
        }
    }
}

pub struct Session {
    shared: Arc<Shared>,
    writer: Box<dyn Write + Send>,
    pub child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Session {
    pub fn start(args: &[&str]) -> Self {
        Self::start_sized(args, 24, 80, &[])
    }

    /// A terminal of `rows` × `cols`, with extra environment variables. No colour, and no
    /// local browser is ever launched.
    pub fn start_sized(args: &[&str], rows: u16, cols: u16, env: &[(&str, &str)]) -> Self {
        Self::start_program(env!("CARGO_BIN_EXE_sfconnect"), args, rows, cols, env)
    }

    /// `program` (a shell, say, that runs sfconnect in a pipeline) in the terminal, set up as
    /// `start_sized` sets up sfconnect.
    pub fn start_program(
        program: &str,
        args: &[&str],
        rows: u16,
        cols: u16,
        env: &[(&str, &str)],
    ) -> Self {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("NO_COLOR", "1");
        cmd.env(
            "SFCONNECT_LOG_DIR",
            std::env::temp_dir().join("sfconnect-test-logs"),
        );
        cmd.env_remove("DISPLAY");
        cmd.env_remove("WAYLAND_DISPLAY");
        cmd.env_remove("BROWSER");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let shared = Arc::new(Shared {
            output: Mutex::new(Output {
                screen: vt100::Parser::new(rows, cols, 0),
                complete: None,
                parsed: 0,
                raw: Vec::new(),
                frames: 0,
                frame_end: 0,
                closed: false,
            }),
            arrived: Condvar::new(),
        });
        let s = shared.clone();
        std::thread::spawn(move || {
            let _master = pty.master;
            let mut buf = [0u8; 4096];
            loop {
                let n = reader.read(&mut buf).unwrap_or(0);
                let mut out = s.lock();
                if n == 0 {
                    out.closed = true;
                    s.arrived.notify_all();
                    return;
                }
                out.take(&buf[..n]);
                drop(out);
                s.arrived.notify_all();
            }
        });
        Self {
            shared,
            writer,
            child,
        }
    }

    pub fn contents(&self) -> String {
        self.shared.lock().contents()
    }

    /// Every byte the program wrote to the terminal so far.
    pub fn raw(&self) -> Vec<u8> {
        self.shared.lock().raw.clone()
    }

    pub fn wait_for(&self, text: &str) {
        if !self.shared.wait(|out| out.contents().contains(text)) {
            panic!("'{text}' never appeared; the screen:\n{}", self.contents());
        }
    }

    /// Type `bytes`. In a full-screen program, wait until it has drawn a frame since, so the
    /// next keys never arrive glued to these (an Esc followed by a letter reads as Alt+letter).
    pub fn send(&mut self, bytes: &str) {
        let (frames, drawing) = {
            let out = self.shared.lock();
            (out.frames, out.frames > 0)
        };
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        if drawing {
            let reacted = self.shared.wait(|out| {
                out.frames > frames || out.closed || out.raw.ends_with(LEFT_ALTERNATE_SCREEN)
            });
            assert!(reacted, "no frame after {bytes:?}:\n{}", self.contents());
        }
    }

    /// Type `bytes` without waiting for a frame: for a key after which the program draws none
    /// (it steps off its screen), the caller waits for what it expects instead.
    pub fn send_only(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// A bracketed paste, as a terminal sends it.
    pub fn paste(&mut self, text: &str) {
        self.send(&format!("\x1b[200~{text}\x1b[201~"));
    }

    /// The exit code, once the program has ended and everything it wrote has been read.
    pub fn exit_code(&mut self) -> u32 {
        let closed = self.shared.wait(|out| out.closed);
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(closed, "the terminal stayed open after the exit");
                return status.exit_code();
            }
            assert!(
                Instant::now() < deadline,
                "the program did not exit; the screen:\n{}",
                self.contents()
            );
            // The output is closed, so the exit is imminent; reaping needs polling.
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Peak resident memory so far (VmHWM), in KiB.
    pub fn peak_kib(&self) -> Option<u64> {
        let pid = self.child.process_id()?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }
}
