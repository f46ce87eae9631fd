//! Browser login (authorization code + PKCE), shared by `sfconnect login --flow web` and the
//! wizard: a loopback callback listener (reachable from a laptop through `ssh -L`), and paste-back
//! of the address the browser lands on, whichever comes first. The code is exchanged for tokens.

use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

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

/// The line to run on the laptop so its browser's redirect reaches this server. The account is
/// the one the SSH session logged in as: `sudo` keeps it in SUDO_USER; else USER or LOGNAME;
/// else (a container, `env -i`) the operating system's name for this process's user.
pub fn ssh_forward_line(port: u16) -> String {
    let user = ["SUDO_USER", "USER", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|u| !u.is_empty()))
        .or_else(|| whoami::username().ok());
    forward_line(
        port,
        std::env::var("SSH_CONNECTION").ok().as_deref(),
        user.as_deref(),
    )
}

/// `ssh -L` for this session: the server's address is `SSH_CONNECTION`'s third field
/// ("client-ip client-port server-ip server-port"), with `-p` when sshd is not on port 22.
fn forward_line(port: u16, ssh_connection: Option<&str>, user: Option<&str>) -> String {
    let safe = |s: &&str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-:%".contains(c))
    };
    let user = user.filter(safe).unwrap_or("user");
    let fields: Vec<&str> = ssh_connection
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    let (host, ssh_port) = match fields.as_slice() {
        [_, _, host, ssh_port] if safe(host) => (*host, ssh_port.parse::<u16>().ok()),
        _ => ("this-server", None),
    };
    let ssh_port = match ssh_port {
        Some(p) if p != 22 => format!("-p {p} "),
        _ => String::new(),
    };
    format!("ssh {ssh_port}-L {port}:127.0.0.1:{port} {user}@{host}")
}

/// The page the browser shows after the redirect; it names no secret.
fn page(ok: bool) -> Html<&'static str> {
    Html(if ok {
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>sfconnect</title></head><body><h1>Logged in</h1><p>You can close this window and return to sfconnect.</p></body></html>"
    } else {
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>sfconnect</title></head><body><h1>Login failed</h1><p>Return to sfconnect: it says what went wrong and what to do.</p></body></html>"
    })
}

/// What reaches a browser login under way, and from where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    /// A request to the callback listener: anyone on this machine can send one, so only one
    /// with this login's state counts, error redirects included.
    Redirected(String),
    /// Text the user pasted: the address the browser landed on, its code, or the text of
    /// Salesforce's own error page (which carries no state).
    Pasted(String),
    /// The pasted input ended (stdin closed): no address will come that way.
    Ended,
}

/// Where redirects and pasted addresses arrive.
pub type Pasted = mpsc::UnboundedSender<Received>;

/// What the listener needs: where to send requests, and the state that makes one this login's.
#[derive(Clone)]
struct Callback {
    tx: Pasted,
    state: String,
}

async fn callback(
    State(cb): State<Callback>,
    uri: axum::http::Uri,
    Query(q): Query<Vec<(String, String)>>,
) -> Html<&'static str> {
    let ours = q.iter().any(|(k, v)| k == "state" && *v == cb.state);
    // The raw query keeps the code's encoding, so it is decoded exactly once, like a paste.
    // Every request is passed on (the login says what it ignored); only this login's state
    // gets a page that says anything worked.
    let _ = cb.tx.send(Received::Redirected(format!(
        "?{}",
        uri.query().unwrap_or_default()
    )));
    if !ours {
        return Html(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>sfconnect</title></head><body><h1>Ignored</h1><p>This is not the login sfconnect is waiting for.</p></body></html>",
        );
    }
    page(q.iter().any(|(k, _)| k == "code") && !q.iter().any(|(k, _)| k == "error"))
}

/// The callback listeners: `localhost` may be 127.0.0.1 or [::1] to the browser, so both are
/// listened on. An address whose port another program holds is named in `taken`: a browser that
/// goes there reaches that program, not sfconnect.
struct Listeners {
    tasks: Vec<JoinHandle<()>>,
    taken: Vec<String>,
}

async fn listen(port: u16, tx: Pasted, state: String) -> Listeners {
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
    let mut listeners = Listeners {
        tasks: Vec::new(),
        taken: Vec::new(),
    };
    let app = Router::new()
        .route("/OauthRedirect", get(callback))
        .with_state(Callback { tx, state });
    for ip in [
        IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(Ipv6Addr::LOCALHOST),
    ] {
        let address = SocketAddr::new(ip, port);
        match tokio::net::TcpListener::bind(address).await {
            Ok(listener) => {
                let app = app.clone();
                listeners.tasks.push(tokio::spawn(async move {
                    let _ = axum::serve(listener, app).await;
                }));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
                listeners.taken.push(address.to_string());
            }
            // No IPv6 loopback on this machine: no browser here goes there either.
            Err(e) => tracing::info!("no callback listener on {address}: {e}"),
        }
    }
    listeners
}

/// What to say when a callback address is taken, or None when every one is sfconnect's. An
/// `ssh -L` forward would reach the other program on this server, so none is offered then.
pub fn taken_warning(port: u16, taken: &[String], listening: bool) -> Option<String> {
    if taken.is_empty() {
        return None;
    }
    let which = taken.join(" and ");
    Some(if listening {
        format!(
            "{which} is taken by another program: a browser that sends localhost there does not reach sfconnect, and an ssh -L forward of port {port} would reach that program too. If the page after Allow does not say sfconnect got the login, paste its address here (or use another callback port, registered in the app as http://localhost:PORT/OauthRedirect)"
        )
    } else {
        format!(
            "port {port} is taken by another program ({which}): the browser's redirect cannot reach sfconnect. Paste the address back, or use another callback port (and register http://localhost:PORT/OauthRedirect in the app)"
        )
    })
}

/// The OSC 52 sequence that offers `text` to the terminal's clipboard (terminals that do not
/// support it ignore it; tmux passes it on with `set-clipboard on`). Addresses, links and
/// certificates go this way, never a secret.
pub fn clipboard_sequence(text: &str) -> String {
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    format!("\x1b]52;c;{encoded}\x07")
}

/// A browser login under way: the address to open and the redirect it ends on.
pub struct BrowserLogin {
    pub url: String,
    pub redirect: String,
    pub port: u16,
    /// Whether a callback listener is up (false: the port was taken or not wanted).
    pub listening: bool,
    /// Callback addresses another program holds (`127.0.0.1:1717`, `[::1]:1717`).
    pub taken: Vec<String>,
    pkce: Pkce,
    tx: Pasted,
    rx: mpsc::UnboundedReceiver<Received>,
    listeners: Vec<JoinHandle<()>>,
}

impl BrowserLogin {
    /// Make the PKCE pair and the authorize URL; listen on `port` unless `listen` is false.
    pub async fn start(
        login_url: &LoginUrl,
        client_id: &str,
        port: u16,
        listen_for_redirect: bool,
    ) -> Result<Self, SfError> {
        let pkce = Pkce::generate()?;
        let redirect = redirect_uri(port);
        let url = web::authorize_url(
            login_url,
            &AuthorizeRequest {
                client_id,
                redirect_uri: &redirect,
                scope: DEFAULT_SCOPES,
                pkce: &pkce,
                prompt: Some("login"),
                login_hint: None,
            },
        );
        let (tx, rx) = mpsc::unbounded_channel();
        let listeners = if listen_for_redirect {
            listen(port, tx.clone(), pkce.state.clone()).await
        } else {
            Listeners {
                tasks: Vec::new(),
                taken: Vec::new(),
            }
        };
        Ok(Self {
            url,
            redirect,
            port,
            listening: !listeners.tasks.is_empty(),
            taken: listeners.taken,
            pkce,
            tx,
            rx,
            listeners: listeners.tasks,
        })
    }

    /// Where a pasted address (or bare code) goes.
    pub fn paste_sender(&self) -> Pasted {
        self.tx.clone()
    }

    /// Wait for the redirect or a paste, check it, and exchange the code. What cannot be this
    /// login's redirect (no code in it, another login's state, a consumer key pasted by
    /// mistake, an error redirect that is not this login's) is handed to `refused` and the
    /// wait goes on: one wrong paste, or a stray request to the listener, never ends the login.
    pub async fn finish(
        mut self,
        http: &Http,
        login_url: &LoginUrl,
        app: &ClientApp,
        limit: Duration,
        mut refused: impl FnMut(&SfError),
    ) -> Result<TokenResponse, SfError> {
        // Requests to the listener that are not this login's (another local user, a web page
        // probing localhost) are said once, then only at 10, 100, 1000…: they must not push
        // the instructions off the screen.
        let mut stray = 0u64;
        let deadline = tokio::time::Instant::now() + limit;
        let timed_out = || {
            SfError::new(Cause::Timeout).with_context(format!(
                "no browser redirect or pasted address within {} minutes",
                limit.as_secs() / 60
            ))
        };
        // A bare code carries no state: it is used only when pasted a second time, after the
        // user was told it cannot be checked.
        let mut bare: Option<SecretString> = None;
        let code: SecretString = loop {
            let received = tokio::time::timeout_at(deadline, self.rx.recv()).await;
            let Ok(Some(received)) = received else {
                return Err(timed_out());
            };
            let from_listener = matches!(received, Received::Redirected(_));
            let read = match received {
                Received::Ended if self.listening => {
                    refused(&SfError::new(Cause::InputEnded).with_context(
                        "nothing more can be pasted; still waiting for the browser's redirect",
                    ));
                    continue;
                }
                Received::Ended => {
                    return Err(SfError::new(Cause::InputEnded));
                }
                Received::Redirected(text) => web::read_callback(&text, &self.pkce.state),
                Received::Pasted(text) if web::is_bare_code(&text) => {
                    let again = bare
                        .as_ref()
                        .is_some_and(|b| b.expose_secret() == text.trim());
                    if !again {
                        bare = Some(SecretString::from(text.trim()));
                        refused(&SfError::new(Cause::StateMismatch).with_context(
                            "a bare code carries no state, so sfconnect cannot check that it comes from this login; paste the whole address the browser shows instead, or paste the same code again to use it anyway",
                        ));
                        continue;
                    }
                    web::read_redirect(&text, &self.pkce.state)
                }
                Received::Pasted(text) => web::read_redirect(&text, &self.pkce.state),
            };
            match read {
                Ok(code) => break code,
                Err(e) if matches!(e.cause, Cause::RedirectWithoutCode | Cause::StateMismatch) => {
                    if !from_listener {
                        refused(&e);
                        continue;
                    }
                    stray += 1;
                    if let Some(e) = stray_report(stray, e) {
                        refused(&e);
                    }
                }
                Err(e) => return Err(e),
            }
        };
        self.stop_listening();
        request_token(
            http,
            login_url,
            app,
            Grant::AuthorizationCode {
                code: &code,
                redirect_uri: &self.redirect,
                code_verifier: Some(&self.pkce.verifier),
            },
        )
        .await
    }
}

/// What to say of the `count`th request to the listener that was not this login's: the first,
/// then only the 10th, 100th, 1000th…
fn stray_report(count: u64, e: SfError) -> Option<SfError> {
    match count {
        1 => Some(e.with_context(
            "a request reached the callback listener that is not this login's (more like it are counted, not shown)",
        )),
        n if n.checked_ilog10().is_some_and(|l| 10u64.pow(l) == n) => Some(
            SfError::new(e.cause).with_context(format!(
                "{n} requests that are not this login's have reached the callback listener; still waiting for this login's redirect"
            )),
        ),
        _ => None,
    }
}

impl BrowserLogin {
    /// Over SSH, the `ssh -L` line that brings the browser's redirect here: only while
    /// sfconnect holds the callback port on every loopback address (else the forward would
    /// reach whichever program holds it).
    pub fn ssh_line(&self, ssh: bool) -> Option<String> {
        (ssh && self.listening && self.taken.is_empty()).then(|| ssh_forward_line(self.port))
    }

    fn stop_listening(&mut self) {
        for listener in self.listeners.drain(..) {
            listener.abort();
        }
    }
}

impl Drop for BrowserLogin {
    fn drop(&mut self) {
        self.stop_listening();
    }
}

#[cfg(test)]
mod tests {
    use super::forward_line;

    #[test]
    fn the_ssh_line_names_this_server_as_the_session_reached_it() {
        let session = Some("10.0.0.5 53422 10.0.0.2 22");
        assert_eq!(
            forward_line(1717, session, Some("admin")),
            "ssh -L 1717:127.0.0.1:1717 admin@10.0.0.2"
        );
        assert_eq!(
            forward_line(
                1717,
                Some("2001:db8::5 53422 2001:db8::2 2222"),
                Some("admin")
            ),
            "ssh -p 2222 -L 1717:127.0.0.1:1717 admin@2001:db8::2"
        );
        // Nothing usable: a placeholder the user can see is one, never a wrong address.
        assert_eq!(
            forward_line(1717, None, None),
            "ssh -L 1717:127.0.0.1:1717 user@this-server"
        );
        assert_eq!(
            forward_line(1717, Some("a b $(x) 22"), Some("ad min")),
            "ssh -L 1717:127.0.0.1:1717 user@this-server",
            "nothing from the environment reaches the line unless it is a plain name"
        );
    }
}
