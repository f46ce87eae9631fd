//! The simulated Salesforce org: a real HTTP server on loopback with a login host and a
//! My Domain (instance) host, used by the tests, `sfconnect sim` and `sfconnect demo`.

mod authorize;
mod certs;
pub mod control;
mod faults;
pub mod login_history;
mod reply;
mod rest;
pub mod scenario;
mod soap;
mod soql;
pub mod state;
pub mod tls;
mod token;

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, Path, Query, Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use axum::routing::{any, get, post};
use tokio::net::TcpListener;
use tokio::sync::watch;

pub use scenario::Scenario;
use state::{Live, Shared, SharedState};

/// Which simulated host a request reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The generic login host (plays login.salesforce.com or test.salesforce.com).
    Login,
    /// The org's My Domain, where `instance_url` points.
    Instance,
}

/// Router state: the shared org plus the host this router serves.
#[derive(Debug, Clone)]
pub struct Host {
    pub shared: SharedState,
    pub role: Role,
}

#[derive(Clone, Default)]
pub struct SimOptions {
    /// Port of the login host; 0 picks a free one.
    pub port: u16,
    /// Added to every request, to model a distant org.
    pub rtt: Duration,
    /// Serve https with this CA's certificate (`sim --tls`), else plain http.
    pub tls: Option<Arc<tls::SimTls>>,
}

/// A running simulated org. Dropping it stops the servers.
pub struct RunningSim {
    shared: SharedState,
    stop: watch::Sender<bool>,
}

impl RunningSim {
    /// The generic login host, e.g. `http://127.0.0.1:PORT`.
    pub fn login_url(&self) -> &str {
        &self.shared.login_url
    }

    /// The org's My Domain host (where `instance_url` points).
    pub fn instance_url(&self) -> &str {
        &self.shared.instance_url
    }

    /// Read or change the org's live state (expire a password, approve a device code, …).
    pub fn with_state<R>(&self, f: impl FnOnce(&mut Live) -> R) -> R {
        f(&mut self.shared.lock())
    }

    pub fn stop(&self) {
        let _ = self.stop.send(true);
    }
}

impl Drop for RunningSim {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Start both hosts on 127.0.0.1.
pub async fn start(scenario: Scenario, options: SimOptions) -> std::io::Result<RunningSim> {
    let login = TcpListener::bind((Ipv4Addr::LOCALHOST, options.port)).await?;
    let instance = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let scheme = if options.tls.is_some() {
        "https"
    } else {
        "http"
    };
    let shared = Arc::new(Shared {
        live: Mutex::new(Live::new(scenario)),
        login_url: format!("{scheme}://{}", login.local_addr()?),
        instance_url: format!("{scheme}://{}", instance.local_addr()?),
        rtt: options.rtt,
    });
    let (stop, stopped) = watch::channel(false);
    for (listener, role) in [(login, Role::Login), (instance, Role::Instance)] {
        let app = router(Host {
            shared: shared.clone(),
            role,
        });
        let mut stopped = stopped.clone();
        let stop = async move {
            let _ = stopped.wait_for(|s| *s).await;
        };
        match &options.tls {
            Some(tls) => {
                let listener = tls.listener(listener)?;
                let service = app.into_make_service_with_connect_info::<PeerAddr>();
                tokio::spawn(async move {
                    let _ = axum::serve(listener, service)
                        .with_graceful_shutdown(stop)
                        .await;
                });
            }
            None => {
                let service = app.into_make_service_with_connect_info::<PeerAddr>();
                tokio::spawn(async move {
                    let _ = axum::serve(listener, service)
                        .with_graceful_shutdown(stop)
                        .await;
                });
            }
        }
    }
    Ok(RunningSim { shared, stop })
}

fn router(host: Host) -> Router {
    let routes = Router::new()
        .route("/services/oauth2/token", post(token))
        .route("/services/oauth2/authorize", get(authorize))
        .route("/services/oauth2/revoke", get(revoke).post(revoke))
        .route("/services/oauth2/introspect", post(introspect))
        .route("/services/oauth2/userinfo", get(userinfo).post(userinfo))
        .route("/id/{org}/{user}", get(identity))
        .route("/services/Soap/u/{version}", post(soap_login))
        .route("/services/data", get(|| async { rest::versions() }))
        .route("/services/data/", get(|| async { rest::versions() }))
        .route("/services/data/{*rest}", any(data))
        .route("/setup/connect", get(verification_page))
        .nest("/__sim", control::router())
        .fallback(|| async {
            reply::html(
                StatusCode::NOT_FOUND,
                "URL No Longer Exists",
                "<p>The page you have attempted to access is not available.</p>",
            )
        })
        .layer(axum::middleware::from_fn_with_state(
            host.clone(),
            faults::apply,
        ))
        .with_state(host);
    // The path is routed once its repeated slashes are one, as Salesforce's servers take it
    // (clients that join an instance URL ending in '/' with '/services/…' send '//services').
    Router::new()
        .fallback_service(routes)
        .layer(axum::middleware::from_fn(collapse_slashes))
}

async fn collapse_slashes(mut req: Request, next: axum::middleware::Next) -> Response {
    if req.uri().path().contains("//") {
        let mut path = String::with_capacity(req.uri().path().len());
        for c in req.uri().path().chars() {
            if !(c == '/' && path.ends_with('/')) {
                path.push(c);
            }
        }
        if let Some(query) = req.uri().query() {
            path = format!("{path}?{query}");
        }
        let mut parts = req.uri().clone().into_parts();
        parts.path_and_query = path.parse().ok();
        if let Ok(uri) = axum::http::Uri::from_parts(parts) {
            *req.uri_mut() = uri;
        }
    }
    next.run(req).await
}

/// The client's address, over plain TCP or TLS.
#[derive(Debug, Clone, Copy)]
pub struct PeerAddr(SocketAddr);

impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, TcpListener>>
    for PeerAddr
{
    fn connect_info(stream: axum::serve::IncomingStream<'_, TcpListener>) -> Self {
        Self(*stream.remote_addr())
    }
}

impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, tls::TlsListener>>
    for PeerAddr
{
    fn connect_info(stream: axum::serve::IncomingStream<'_, tls::TlsListener>) -> Self {
        Self(*stream.remote_addr())
    }
}

type Peer = ConnectInfo<PeerAddr>;

async fn token(
    State(host): State<Host>,
    ConnectInfo(PeerAddr(peer)): Peer,
    req: Request,
) -> Response {
    let headers = req.headers().clone();
    let fields = reply::form_fields(req).await;
    token::handle(&host, peer.ip(), &headers, fields)
}

async fn authorize(State(host): State<Host>, Query(q): Query<HashMap<String, String>>) -> Response {
    authorize::authorize(&host, &q)
}

async fn verification_page(Query(q): Query<HashMap<String, String>>) -> Response {
    authorize::verification_page(&q)
}

async fn revoke(State(host): State<Host>, req: Request) -> Response {
    let fields = reply::form_fields(req).await;
    rest::revoke(&host, &fields)
}

async fn introspect(State(host): State<Host>, req: Request) -> Response {
    let headers = req.headers().clone();
    let fields = reply::form_fields(req).await;
    rest::introspect(&host, &headers, &fields)
}

async fn userinfo(
    State(host): State<Host>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    rest::userinfo(&host, &headers, &q)
}

async fn identity(
    State(host): State<Host>,
    Path((org, user)): Path<(String, String)>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    rest::identity(&host, &headers, &q, &org, &user)
}

async fn soap_login(
    State(host): State<Host>,
    ConnectInfo(PeerAddr(peer)): Peer,
    Path(version): Path<String>,
    req: Request,
) -> Response {
    let body = reply::body_bytes(req).await.unwrap_or_default();
    soap::handle(&host, peer.ip(), &version, &body)
}

async fn data(
    State(host): State<Host>,
    Path(rest_path): Path<String>,
    method: Method,
    req: Request,
) -> Response {
    let headers = req.headers().clone();
    let q: HashMap<String, String> = req
        .uri()
        .query()
        .map(|s| {
            url::form_urlencoded::parse(s.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let body = reply::body_bytes(req).await.unwrap_or_default();
    rest::data(&host, &headers, method.as_str(), &rest_path, &q, &body)
}
