//! Logins that need a person: a browser login (callback listener, port forward or paste-back)
//! and a device code. Each reports what to show as it becomes known, and ends with the token
//! response; the faces decide how to show it.

use std::time::Duration;

use qrcode::QrCode;
use qrcode::render::unicode::Dense1x2;

use super::browser;
use super::place::Place;
use super::web_login::{BrowserLogin, LOGIN_TIMEOUT, Pasted, taken_warning};
use crate::salesforce::device::{self, DEVICE_CODE_LIFETIME};
use crate::salesforce::oauth::{ClientApp, TokenResponse};
use crate::salesforce::{Http, LoginUrl, SfError};

/// What the user must do to finish an interactive login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    Browser {
        url: String,
        redirect: String,
        /// The callback listener is up (else only paste-back works).
        listening: bool,
        /// Said when a callback address is another program's (see `taken_warning`).
        taken: Option<String>,
        /// Over SSH: the port forward to run on the laptop.
        ssh_line: Option<String>,
        /// A browser was started with the URL.
        opened: bool,
        /// Where this runs and which logins suit it.
        advice: &'static str,
    },
    Device {
        user_code: String,
        verification_uri: String,
        /// The verification URL with the code in it (what the QR code opens).
        complete: String,
        interval_secs: u64,
    },
}

/// News from a login under way.
pub enum Progress {
    /// Show this; for a browser login, pasted addresses go to `paste`.
    Ready {
        prompt: Prompt,
        paste: Option<Pasted>,
    },
    /// Seconds left before the device code expires.
    Countdown(u64),
    /// What was pasted (or sent to the listener) is not this login's redirect; still waiting.
    Refused(String),
}

/// Browser login: the URL (a browser started with it where one can be), then the listener's
/// redirect or a paste, whichever comes first. `open_browser` false: paste-back only.
pub async fn browser_login(
    http: &Http,
    login_url: &LoginUrl,
    app: &ClientApp,
    port: u16,
    open_browser: bool,
    mut progress: impl FnMut(Progress),
) -> Result<TokenResponse, SfError> {
    let login = BrowserLogin::start(login_url, &app.client_id, port, true).await?;
    let place = Place::here();
    let opened = if open_browser && place.can_open_browser() {
        let url = login.url.clone();
        tokio::task::spawn_blocking(move || browser::open(&url))
            .await
            .unwrap_or(false)
    } else {
        false
    };
    progress(Progress::Ready {
        prompt: Prompt::Browser {
            url: login.url.clone(),
            redirect: login.redirect.clone(),
            listening: login.listening,
            taken: taken_warning(port, &login.taken, login.listening),
            ssh_line: login.ssh_line(place.ssh),
            opened,
            advice: place.advice(),
        },
        paste: Some(login.paste_sender()),
    });
    login
        .finish(http, login_url, app, LOGIN_TIMEOUT, |e| {
            progress(Progress::Refused(e.to_string()))
        })
        .await
}

/// Device login: the code to show, then polling at the server's interval until approved,
/// refused or expired, with the time left every second.
pub async fn device_login(
    http: &Http,
    login_url: &LoginUrl,
    app: &ClientApp,
    mut progress: impl FnMut(Progress),
) -> Result<TokenResponse, SfError> {
    let code = device::start(http, login_url, &app.client_id, "api refresh_token").await?;
    let deadline = tokio::time::Instant::now() + DEVICE_CODE_LIFETIME;
    progress(Progress::Ready {
        prompt: Prompt::Device {
            user_code: code.user_code.clone(),
            verification_uri: code.verification_uri.clone(),
            complete: code.verification_uri_complete(),
            interval_secs: code.interval().as_secs(),
        },
        paste: None,
    });
    let wait =
        device::wait_with_countdown(http, login_url, app, &code, DEVICE_CODE_LIFETIME, |_| {});
    tokio::pin!(wait);
    let mut second = tokio::time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            result = &mut wait => return result,
            _ = second.tick() => {
                let left = deadline.saturating_duration_since(tokio::time::Instant::now());
                progress(Progress::Countdown(left.as_secs()));
            }
        }
    }
}

/// A QR code of `text` in half-block characters, or None when it would not fit `columns`.
pub fn qr_text(text: &str, columns: usize) -> Option<String> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    let drawn = code.render::<Dense1x2>().quiet_zone(true).build();
    let width = drawn.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    (width <= columns).then_some(drawn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_codes_are_drawn_or_refused_when_too_wide() {
        let link = "https://acme.my.salesforce.com/setup/connect?user_code=ABCD1234";
        let qr = qr_text(link, 80).unwrap();
        assert!(qr.contains('█') || qr.contains('▀') || qr.contains('▄'));
        assert!(qr_text(link, 10).is_none());
    }
}
