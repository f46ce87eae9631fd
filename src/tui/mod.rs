//! The terminal runtime: terminal lifecycle, one message loop, and the effects the wizard asks
//! for (checks in a background task, saving off the UI thread).

mod chrome;
mod event;
mod key_pairs;
pub mod launch;
mod runtime;
mod screens;
mod tasks;
mod text;
mod theme;
pub mod view;

pub use event::message;
pub use runtime::connection_rows;
use runtime::{Inbound, Runtime, post};

use std::io::{IsTerminal, stdout};
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste, Event, EventStream};
use crossterm::execute;
use futures_util::StreamExt;
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc::unbounded_channel;

use crate::profile::Profiles;
use crate::salesforce::Http;
use crate::salesforce::http::request_timeout;
use crate::wizard::{App, Key, Msg, update};
use view::Look;

/// Run the wizard on `terminal` until the user leaves. Generic over the backend so tests can
/// drive the real loop into a test backend.
pub async fn run_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    mut app: App,
    profiles: Arc<Profiles>,
    mut events: impl futures_util::Stream<Item = std::io::Result<Event>> + Unpin,
    look_colour: bool,
    initial: Vec<Msg>,
) -> std::io::Result<App> {
    let (tx, mut rx) = unbounded_channel();
    let mut runtime = Runtime {
        profiles,
        http: Http::new(request_timeout()).map_err(|e| std::io::Error::other(e.to_string()))?,
        tx,
        running: None,
        paste: None,
        previous: None,
        copied: None,
        alone: false,
    };
    let mut tick = 0usize;
    let ascii = view::ascii_locale(|name| std::env::var(name).ok());
    let stop = crate::connect::signals::wait_for_stop();
    tokio::pin!(stop);
    let mut ticker = tokio::time::interval(Duration::from_millis(120));
    for msg in initial {
        post(&runtime.tx, msg);
    }
    loop {
        let look = Look {
            now: crate::clock::now(),
            colour: look_colour,
            tick,
            ascii,
        };
        // Nothing is drawn over the normal screen while the address is shown alone there.
        if !runtime.alone {
            terminal
                .draw(|frame| view::draw(&app, frame, look))
                .map_err(|e| std::io::Error::other(e.to_string()))?;
        }
        let msg = tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => message(event),
                Some(Err(e)) => return Err(e),
                None => Some(Msg::KeyPressed(Key::Interrupt)),
            },
            Some(inbound) = rx.recv() => match inbound {
                Inbound::Msg(msg) => Some(msg),
                Inbound::PasteReady { request, paste } => {
                    runtime.paste = Some((request, paste));
                    None
                }
                Inbound::PreviousKept { request, previous } => {
                    runtime.previous = Some((request, previous));
                    None
                }
            },
            _ = ticker.tick(), if app.animating() => {
                tick += 1;
                None
            }
            _ = &mut stop => Some(Msg::KeyPressed(Key::Interrupt)),
        };
        let Some(msg) = msg else { continue };
        // The address shown alone: any key comes back to the wizard's screen (Ctrl-C still
        // quits).
        if runtime.alone && matches!(&msg, Msg::KeyPressed(_)) {
            runtime.alone = false;
            let _ = crossterm::execute!(
                stdout(),
                crossterm::terminal::EnterAlternateScreen,
                crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
            );
            // Both buffers emptied: the next frame is drawn whole (without asking the
            // terminal where its cursor is, which `clear` would).
            terminal.swap_buffers();
            terminal.swap_buffers();
            if !matches!(msg, Msg::KeyPressed(Key::Interrupt)) {
                continue;
            }
        }
        // While the window is too small to show the screen, keys the user cannot see the
        // effect of are ignored; Ctrl-C still quits.
        let hidden = terminal
            .size()
            .is_ok_and(|s| s.width < view::MIN_SIZE.0 || s.height < view::MIN_SIZE.1);
        if hidden && matches!(&msg, Msg::Pasted(_)) {
            continue;
        }
        if hidden && matches!(&msg, Msg::KeyPressed(k) if *k != Key::Interrupt) {
            continue;
        }
        for effect in update(&mut app, msg) {
            if runtime.carry_out(effect).is_none() {
                return Ok(app);
            }
        }
    }
}

/// The wizard on the real terminal: raw mode and the alternate screen for its lifetime, the
/// terminal restored on every way out, a panic included. Nothing here may print with
/// `eprintln!`: once the terminal's window is closed that panics, and a panic in the panic hook
/// aborts, skipping the cleanup (the demo's scratch dir) that a normal exit does.
pub async fn run(app: App, profiles: Arc<Profiles>, initial: Vec<Msg>) -> std::io::Result<()> {
    let colour = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // A background task's panic is caught and shown on its screen; printing it here would
        // scribble over the wizard. Only the main loop's panic ends the wizard.
        if std::thread::current().name() != Some("main") {
            tracing::error!("a background task panicked: {info}");
            return;
        }
        restore();
        hook(info);
    }));
    let mut terminal = enter()?;
    let result = run_loop(
        &mut terminal,
        app,
        profiles,
        EventStream::new(),
        colour,
        initial,
    )
    .await;
    // A closed terminal cannot show the cursor again; ratatui's drop would then print (and
    // panic), so the terminal is dropped only when it can be.
    if terminal.show_cursor().is_err() {
        std::mem::forget(terminal);
    }
    restore();
    result.map(|_| ())
}

fn enter() -> std::io::Result<ratatui::DefaultTerminal> {
    crossterm::terminal::enable_raw_mode()?;
    execute!(
        stdout(),
        crossterm::terminal::EnterAlternateScreen,
        EnableBracketedPaste
    )?;
    Terminal::new(ratatui::backend::CrosstermBackend::new(stdout()))
}

/// Put the terminal back as it was; errors (a closed terminal) are ignored.
fn restore() {
    let _ = execute!(stdout(), DisableBracketedPaste);
    let _ = crossterm::terminal::disable_raw_mode();
    // Blank the alternate screen before leaving it: a terminal resized meanwhile (tmux) may
    // carry its lines over into the shell's screen.
    let _ = execute!(
        stdout(),
        crossterm::terminal::Clear(crossterm::terminal::ClearType::All),
        crossterm::terminal::LeaveAlternateScreen
    );
}

/// Whether the wizard can run here: both ends must be a terminal.
pub fn on_terminal() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}
