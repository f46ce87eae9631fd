//! `sfconnect login --flow web`: the browser login on the command line: the address on stderr,
//! the browser opened where one can show, and the redirect from the listener or pasted on stdin.

use crate::connect::browser;
use crate::connect::place::Place;
use crate::connect::web_login::{
    BrowserLogin, LOGIN_TIMEOUT, Received, clipboard_sequence, taken_warning,
};
use crate::salesforce::oauth::{ClientApp, TokenResponse};
use crate::salesforce::{Cause, Http, LoginUrl, SfError};

/// Run a browser login on the command line and return the token response.
pub async fn browser_login(
    http: &Http,
    login_url: &LoginUrl,
    app: &ClientApp,
    port: u16,
    no_browser: bool,
    stdin_carried_secrets: bool,
) -> Result<TokenResponse, SfError> {
    use std::io::{IsTerminal, Write};
    // The paste comes from the terminal; stdin too, unless it carried the secrets already.
    let paste = if std::io::stdin().is_terminal() {
        Paste::Terminal
    } else if !stdin_carried_secrets {
        Paste::Stdin
    } else if has_terminal() {
        Paste::Terminal
    } else {
        Paste::Nowhere
    };
    // `--no-browser` only keeps the browser closed: the listener and the paste both stay on,
    // and whichever answers first wins.
    let login = BrowserLogin::start(login_url, &app.client_id, port, true).await?;
    let place = Place::here();
    let url = &login.url;
    if no_browser {
        say!(
            "No browser is opened (--no-browser): open the address yourself, on this machine or any other."
        );
    } else {
        say!("{}", place.advice());
    }
    say!(
        "\nOpen this address in a browser (on any machine), log in as the integration user and click Allow:\n\n{url}\n"
    );
    if std::io::stderr().is_terminal() {
        let _ = write!(std::io::stderr(), "{}", clipboard_sequence(url));
    }
    if !no_browser && place.can_open_browser() && browser::open(url) {
        say!("(Opened it in your browser.)");
    }
    if let Some(warning) = taken_warning(port, &login.taken, login.listening) {
        say!("sfconnect: the callback {warning}.");
    }
    if let Some(line) = login.ssh_line(place.ssh) {
        say!(
            "From your laptop, forward the callback first so the browser's redirect reaches this server:\n  {line}\n"
        );
    }
    if login.listening {
        say!("Waiting for the browser's redirect to {}…", login.redirect);
    } else {
        say!(
            "The callback URL registered in the app must be {}.",
            login.redirect
        );
    }
    match paste {
        Paste::Nowhere => say!(
            "(stdin carried the secrets and there is no terminal, so nothing can be pasted here: only the redirect counts.)"
        ),
        _ => say!(
            "Or paste here the whole address the browser lands on (or just the code) and press Enter:"
        ),
    }
    let tx = login.paste_sender();
    // A plain thread reads the paste: a blocking read must not hold up the runtime's shutdown.
    // On a terminal the paste is not echoed: it holds the code.
    let reader = move || {
        loop {
            let line = if paste == Paste::Terminal {
                super::read_unechoed().map(|s| secrecy::ExposeSecret::expose_secret(&s).to_string())
            } else {
                let mut line = String::new();
                match std::io::stdin().read_line(&mut line) {
                    Ok(0) | Err(_) => None,
                    Ok(_) => Some(line),
                }
            };
            let Some(line) = line else {
                let _ = tx.send(Received::Ended);
                break;
            };
            if !line.trim().is_empty() && tx.send(Received::Pasted(line)).is_err() {
                break;
            }
        }
    };
    if paste != Paste::Nowhere {
        std::thread::spawn(reader);
    }
    let result = login
        .finish(http, login_url, app, LOGIN_TIMEOUT, |e| {
            if e.cause == Cause::InputEnded {
                say!("sfconnect: {e}.");
            } else {
                say!("sfconnect: that is not this login's redirect: {e}. Paste the whole address the browser shows after Allow (Ctrl-C gives up):");
            }
        })
        .await;
    // The paste reader may still sit in raw mode on the terminal: give the shell its terminal
    // back as it was.
    if paste == Paste::Terminal {
        let _ = crossterm::terminal::disable_raw_mode();
    }
    result
}

/// Where the pasted address is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Paste {
    /// The terminal, masked: stdin when it is one, else the controlling terminal (crossterm
    /// reads `/dev/tty` when stdin is not a terminal).
    Terminal,
    /// stdin, a line at a time (a pipe or a file).
    Stdin,
    /// Nowhere: stdin carried the secrets and there is no terminal.
    Nowhere,
}

/// Whether this process has a controlling terminal to read a paste from.
fn has_terminal() -> bool {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .is_ok()
}
