//! Device login for `sfconnect login --flow device`: the user code, the verification URL and a QR
//! code of it, then polling at the server's interval until approved, refused or timed out.

use std::io::IsTerminal;

use qrcode::QrCode;
use qrcode::render::unicode::Dense1x2;

use crate::salesforce::device::{self, DEVICE_CODE_LIFETIME};
use crate::salesforce::oauth::{ClientApp, TokenResponse};
use crate::salesforce::{Http, LoginUrl, SfError};

/// A QR code of `text` in half-block characters, or None when it would not fit `columns`.
pub fn qr_text(text: &str, columns: usize) -> Option<String> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    let drawn = code.render::<Dense1x2>().quiet_zone(true).build();
    let width = drawn.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    (width <= columns).then_some(drawn)
}

fn terminal_columns() -> usize {
    crossterm::terminal::size()
        .map(|(c, _)| usize::from(c))
        .unwrap_or(80)
}

pub async fn device_login(
    http: &Http,
    login_url: &LoginUrl,
    app: &ClientApp,
) -> Result<TokenResponse, SfError> {
    let code = device::start(http, login_url, &app.client_id, "api refresh_token").await?;
    let complete = code.verification_uri_complete();
    eprintln!(
        "\nOn any device, open {} and enter the code:\n\n    {}\n",
        code.verification_uri, code.user_code
    );
    if std::io::stderr().is_terminal()
        && let Some(qr) = qr_text(&complete, terminal_columns())
    {
        eprintln!("Or scan this (it opens {complete}):\n{qr}");
    } else {
        eprintln!("(Direct link: {complete})");
    }
    eprintln!(
        "Waiting for approval (checking every {} s, for up to {} minutes; Ctrl-C cancels)…",
        code.interval().as_secs(),
        DEVICE_CODE_LIFETIME.as_secs() / 60
    );
    let live = std::io::stderr().is_terminal();
    let result =
        device::wait_with_countdown(http, login_url, app, &code, DEVICE_CODE_LIFETIME, |left| {
            if live {
                let secs = left.as_secs();
                eprint!("\r  {}:{:02} left to approve… ", secs / 60, secs % 60);
            }
        })
        .await;
    if live {
        eprintln!();
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_codes_are_drawn_or_refused_when_too_wide() {
        let qr = qr_text(
            "https://acme.my.salesforce.com/setup/connect?user_code=ABCD1234",
            80,
        )
        .unwrap();
        assert!(qr.contains('█') || qr.contains('▀') || qr.contains('▄'));
        assert!(
            qr_text(
                "https://acme.my.salesforce.com/setup/connect?user_code=ABCD1234",
                10
            )
            .is_none()
        );
    }
}
