//! Browser login for `sfconnect login --flow web`: a loopback callback listener (reachable from a
//! laptop through `ssh -L`), and paste-back of the address the browser lands on, whichever comes
//! first. The code is exchanged for a refresh token.

use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use secrecy::SecretString;
use tokio::sync::mpsc;

use super::whereami::Place;
use crate::salesforce::oauth::{ClientApp, Grant, TokenResponse, request_token};
use crate::salesforce::web::{self, AuthorizeRequest, DEFAULT_SCOPES, Pkce};
use crate::salesforce::{Cause, Http, LoginUrl, SfError};

/// The callback port registered in apps by default (the Salesforce CLI's convention).
pub const DEFAULT_CALLBACK_PORT: u16 = 1717;
/// How long to wait for the browser login.
pub const LOGIN_TIMEOUT: Duration = Duration::from_secs(300);

pub fn redirect_uri(port: u16) -> String {
    format!("http://localhost:{port}/OauthRedirect")
}

/// The page the browser shows after the redirect; it names no secret.
fn page(ok: bool) -> Html<&'static str> {
    Html(if ok {
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>sfconnect</title></head><body><h1>Logged in</h1><p>You can close this window and return to sfconnect.</p></body></html>"
    } else {
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>sfconnect</title></head><body><h1>Login failed</h1><p>Return to sfconnect: it says what went wrong and what to do.</p></body></html>"
    })
}

type Pasted = mpsc::UnboundedSender<String>;

async fn callback(
    State(tx): State<Pasted>,
    uri: axum::http::Uri,
    Query(q): Query<Vec<(String, String)>>,
) -> Html<&'static str> {
    let ok = q.iter().any(|(k, _)| k == "code") && !q.iter().any(|(k, _)| k == "error");
    // The raw query keeps the code's encoding, so it is decoded exactly once, like a paste.
    let _ = tx.send(format!("?{}", uri.query().unwrap_or_default()));
    page(ok)
}

/// Listen on 127.0.0.1:`port` for the redirect; None when the port is taken (paste-back remains).
async fn listen(port: u16, tx: Pasted) -> Option<tokio::task::JoinHandle<()>> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .ok()?;
    let app = Router::new()
        .route("/OauthRedirect", get(callback))
        .with_state(tx);
    Some(tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    }))
}

/// Offer the URL to the terminal's clipboard through OSC 52 (terminals that do not support it
/// ignore the sequence). Only the authorize URL goes this way, never a secret.
fn copy_to_clipboard(url: &str) {
    use base64::Engine as _;
    use std::io::{IsTerminal, Write};
    let mut err = std::io::stderr();
    if err.is_terminal() {
        let encoded = base64::engine::general_purpose::STANDARD.encode(url);
        let _ = write!(err, "\x1b]52;c;{encoded}\x07");
    }
}

/// Run a browser login and return the token response (with its refresh token).
pub async fn browser_login(
    http: &Http,
    login_url: &LoginUrl,
    app: &ClientApp,
    port: u16,
    paste_only: bool,
) -> Result<TokenResponse, SfError> {
    let pkce = Pkce::generate()?;
    let redirect = redirect_uri(port);
    let url = web::authorize_url(
        login_url,
        &AuthorizeRequest {
            client_id: &app.client_id,
            redirect_uri: &redirect,
            scope: DEFAULT_SCOPES,
            pkce: &pkce,
            prompt: Some("login"),
            login_hint: None,
        },
    );
    let place = Place::here();
    let (tx, mut rx) = mpsc::unbounded_channel::<String>();
    let listener = if paste_only {
        None
    } else {
        listen(port, tx.clone()).await
    };
    eprintln!("{}", place.advice());
    eprintln!(
        "\nOpen this address in a browser (on any machine), log in as the integration user and click Allow:\n\n{url}\n"
    );
    copy_to_clipboard(&url);
    if !paste_only && place.can_open_browser() && webbrowser::open(&url).is_ok() {
        eprintln!("(Opened it in your browser.)");
    }
    if listener.is_some() {
        if place.ssh {
            eprintln!(
                "From your laptop, forward the callback first so the browser's redirect reaches this server:\n  ssh -L {port}:127.0.0.1:{port} {}\n",
                std::env::var("USER")
                    .map(|u| format!("{u}@this-server"))
                    .unwrap_or_else(|_| "user@this-server".into())
            );
        }
        eprintln!("Waiting for the browser's redirect to {redirect}…");
    } else {
        eprintln!("The callback URL registered in the app must be {redirect}.");
    }
    eprintln!(
        "Or paste here the whole address the browser lands on (or just the code) and press Enter:"
    );
    // A plain thread reads stdin: a blocking read must not hold up the runtime's shutdown.
    std::thread::spawn(move || {
        for line in std::io::stdin().lines().map_while(Result::ok) {
            if !line.trim().is_empty() && tx.send(line).is_err() {
                break;
            }
        }
    });
    let received = tokio::time::timeout(LOGIN_TIMEOUT, rx.recv()).await;
    if let Some(l) = listener {
        l.abort();
    }
    let text = match received {
        Ok(Some(text)) => text,
        _ => {
            return Err(SfError::new(Cause::Timeout).with_context(format!(
                "no browser redirect or pasted address within {} minutes",
                LOGIN_TIMEOUT.as_secs() / 60
            )));
        }
    };
    let code: SecretString = web::read_redirect(&text, &pkce.state)?;
    request_token(
        http,
        login_url,
        app,
        Grant::AuthorizationCode {
            code: &code,
            redirect_uri: &redirect,
            code_verifier: Some(&pkce.verifier),
        },
    )
    .await
}
