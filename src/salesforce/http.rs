//! The HTTP transport: bounded timeouts, bounded bodies, and transport failures turned into causes.

use std::error::Error as _;
use std::time::Duration;

use bytes::Bytes;

use super::error::{Cause, Result, SfError};

/// Largest body we read from Salesforce; anything bigger is refused, not buffered.
pub const MAX_BODY: usize = 8 * 1024 * 1024;
/// Default bound on one request, from connecting to the last byte of the body.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

static CONFIGURED_TIMEOUT: std::sync::OnceLock<Duration> = std::sync::OnceLock::new();

/// Set the bound on one request for this process (`--timeout` / `SFCONNECT_TIMEOUT`); once.
pub fn configure_timeout(timeout: Duration) {
    let _ = CONFIGURED_TIMEOUT.set(timeout);
}

/// The bound on one request: as configured, else `DEFAULT_TIMEOUT`.
pub fn request_timeout() -> Duration {
    CONFIGURED_TIMEOUT.get().copied().unwrap_or(DEFAULT_TIMEOUT)
}

/// A shared HTTP client (connection pool, keep-alive, HTTP/2 where offered).
#[derive(Debug, Clone)]
pub struct Http {
    client: reqwest::Client,
}

/// A complete response: status, content type and the (bounded) body.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: Bytes,
}

impl Reply {
    /// A maintenance page, a proxy's error page or a login page: HTML where an API answer belongs.
    pub fn is_html(&self) -> bool {
        if self.content_type.contains("text/html") {
            return true;
        }
        let head = &self.body[..self.body.len().min(256)];
        let head = String::from_utf8_lossy(head)
            .trim_start()
            .to_ascii_lowercase();
        head.starts_with("<!doctype html") || head.starts_with("<html")
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The error for an HTML answer, keeping the page title as context.
    pub fn html_error(&self) -> SfError {
        let text = self.text();
        let title = text
            .find("<title>")
            .and_then(|start| {
                let rest = &text[start + 7..];
                rest.find("</title>")
                    .map(|end| rest[..end].trim().to_string())
            })
            .filter(|t| !t.is_empty());
        let mut e = SfError::new(Cause::HtmlPage).with_context(format!("HTTP {}", self.status));
        if let Some(title) = title {
            e = e.with_context(format!(
                "HTTP {}, page title '{}'",
                self.status,
                title.chars().take(80).collect::<String>()
            ));
        }
        e
    }
}

/// The proxies the environment names (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, upper or lower
/// case), as the HTTP client would take them, except that loopback is never proxied: a local
/// simulated org or callback is reached directly, and the password sent to it never passes
/// through a proxy. `NO_PROXY` is kept, with loopback added.
fn proxies() -> Vec<reqwest::Proxy> {
    let env = |name: &str| {
        std::env::var(name.to_ascii_lowercase())
            .or_else(|_| std::env::var(name))
            .ok()
            .filter(|v| !v.trim().is_empty())
    };
    let mut bypass = env("NO_PROXY").unwrap_or_default();
    bypass.push_str(",localhost,127.0.0.0/8,::1");
    type Make = fn(String) -> reqwest::Result<reqwest::Proxy>;
    let made: [(Option<String>, Make); 3] = [
        (env("HTTPS_PROXY"), reqwest::Proxy::https::<String>),
        (env("HTTP_PROXY"), reqwest::Proxy::http::<String>),
        (env("ALL_PROXY"), reqwest::Proxy::all::<String>),
    ];
    made.into_iter()
        .filter_map(|(url, make)| match make(url?) {
            Ok(proxy) => Some(proxy.no_proxy(reqwest::NoProxy::from_string(&bypass))),
            Err(e) => {
                tracing::warn!("a proxy variable is not a URL, ignored: {e}");
                None
            }
        })
        .collect()
}

impl Http {
    pub fn new(timeout: Duration) -> Result<Self> {
        let mut builder = reqwest::Client::builder().no_proxy();
        for proxy in proxies() {
            builder = builder.proxy(proxy);
        }
        let client = builder
            .user_agent(concat!("sfconnect/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| SfError::new(Cause::Tls).with_context(e.to_string()))?;
        Ok(Self { client })
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// Send a request and read the whole body, at most `MAX_BODY` bytes.
    pub async fn send(&self, request: reqwest::RequestBuilder) -> Result<Reply> {
        let (client, request) = request.build_split();
        let request = request.map_err(|e| transport_error(&e))?;
        // The log names the method, host and path only: queries and bodies may carry secrets.
        // The port is kept: the login host and the My Domain host may differ only by it.
        let what = format!(
            "{} {}://{}{}{}",
            request.method(),
            request.url().scheme(),
            request.url().host_str().unwrap_or_default(),
            request
                .url()
                .port()
                .map(|p| format!(":{p}"))
                .unwrap_or_default(),
            request.url().path()
        );
        let started = std::time::Instant::now();
        let result = self.fetch(&client, request).await;
        let ms = started.elapsed().as_millis();
        match &result {
            Ok(reply) => tracing::info!("{what} -> {} in {ms} ms", reply.status),
            Err(e) => tracing::info!("{what} failed in {ms} ms: {:?}", e.cause),
        }
        result
    }

    async fn fetch(&self, client: &reqwest::Client, request: reqwest::Request) -> Result<Reply> {
        let mut response = client
            .execute(request)
            .await
            .map_err(|e| transport_error(&e))?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        if response
            .content_length()
            .is_some_and(|n| n > MAX_BODY as u64)
        {
            return Err(SfError::new(Cause::ResponseTooLarge));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| transport_error(&e))? {
            if body.len() + chunk.len() > MAX_BODY {
                return Err(SfError::new(Cause::ResponseTooLarge));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Reply {
            status,
            content_type,
            body: Bytes::from(body),
        })
    }
}

/// Classify a transport failure by walking the error's source chain.
fn transport_error(e: &reqwest::Error) -> SfError {
    let host = e
        .url()
        .and_then(|u| u.host_str())
        .map(str::to_string)
        .unwrap_or_default();
    let mut chain = String::new();
    let mut io_kind = None;
    let mut source: Option<&dyn std::error::Error> = e.source();
    while let Some(s) = source {
        chain.push_str(&s.to_string().to_ascii_lowercase());
        chain.push(' ');
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            io_kind.get_or_insert(io.kind());
        }
        source = s.source();
    }
    let cause = if e.is_timeout() || chain.contains("timed out") {
        Cause::Timeout
    } else if chain.contains("dns error")
        || chain.contains("failed to lookup")
        || chain.contains("name or service not known")
    {
        Cause::Dns
    } else if io_kind == Some(std::io::ErrorKind::ConnectionRefused)
        || chain.contains("connection refused")
    {
        Cause::ConnectionRefused
    } else if chain.contains("certificate")
        || chain.contains("tls")
        || chain.contains("handshake")
        || chain.contains("invalid peer")
        || chain.contains("corrupt message")
    {
        Cause::Tls
    } else if e.is_connect() || e.is_body() || e.is_request() || e.is_decode() {
        Cause::ConnectionDropped
    } else {
        Cause::Other
    };
    let mut err = SfError::new(cause);
    if !host.is_empty() {
        err = err.with_context(host);
    }
    err
}
