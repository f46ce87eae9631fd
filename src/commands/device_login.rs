//! `sfconnect login --flow device` on the command line: the user code, the verification URL and
//! a QR code of it on stderr, then a countdown while the service polls for approval.

use std::io::IsTerminal;

use crate::connect::interactive::{self, Progress, Prompt, qr_text};
use crate::salesforce::device::DEVICE_CODE_LIFETIME;
use crate::salesforce::oauth::{ClientApp, TokenResponse};
use crate::salesforce::{Http, LoginUrl, SfError};

fn terminal_columns() -> usize {
    crossterm::terminal::size()
        .map(|(c, _)| usize::from(c))
        .unwrap_or(80)
}

fn show(prompt: &Prompt) {
    let Prompt::Device {
        user_code,
        verification_uri,
        complete,
        interval_secs,
    } = prompt
    else {
        return;
    };
    say!("\nOn any device, open {verification_uri} and enter the code:\n\n    {user_code}\n");
    if std::io::stderr().is_terminal()
        && let Some(qr) = qr_text(complete, terminal_columns())
    {
        say!("Or scan this (it opens {complete}):\n{qr}");
    } else {
        say!("(Direct link: {complete})");
    }
    say!(
        "Waiting for approval (checking every {interval_secs} s, for up to {} minutes; Ctrl-C cancels)…",
        DEVICE_CODE_LIFETIME.as_secs() / 60
    );
}

pub async fn device_login(
    http: &Http,
    login_url: &LoginUrl,
    app: &ClientApp,
) -> Result<TokenResponse, SfError> {
    let live = std::io::stderr().is_terminal();
    let result = interactive::device_login(http, login_url, app, |progress| match progress {
        Progress::Ready { prompt, .. } => show(&prompt),
        Progress::Countdown(secs) if live => {
            use std::io::Write as _;
            let _ = write!(
                std::io::stderr().lock(),
                "\r  {}:{:02} left to approve… ",
                secs / 60,
                secs % 60
            );
        }
        Progress::Countdown(_) | Progress::Refused(_) => {}
    })
    .await;
    if live {
        say!();
    }
    result
}
