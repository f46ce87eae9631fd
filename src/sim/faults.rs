//! Fault injection: added round-trip time, and the scenario's faults (latency, maintenance pages,
//! malformed bodies, dropped connections, stalls, request limits) matched by path prefix.

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::stream;

use super::Host;
use super::reply::{JSON_UTF8, html, maintenance_page, rest_error};
use super::scenario::{Fault, FaultKind};

/// How long a stall lasts when the fault names no duration: longer than any client timeout.
const DEFAULT_STALL: Duration = Duration::from_secs(3600);

pub async fn apply(State(host): State<Host>, req: Request, next: Next) -> Response {
    if !host.shared.rtt.is_zero() {
        tokio::time::sleep(host.shared.rtt).await;
    }
    let path = req.uri().path().to_string();
    let fault = if path.starts_with("/__sim/") {
        None
    } else {
        take_fault(&host, &path)
    };
    let Some(fault) = fault else {
        return next.run(req).await;
    };
    let stall = if fault.latency_ms > 0 {
        Duration::from_millis(fault.latency_ms)
    } else {
        DEFAULT_STALL
    };
    match fault.kind {
        FaultKind::Latency => {
            tokio::time::sleep(Duration::from_millis(fault.latency_ms)).await;
            next.run(req).await
        }
        FaultKind::Maintenance => maintenance_page(StatusCode::SERVICE_UNAVAILABLE),
        FaultKind::Html500 => html(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Error",
            "<h1>An internal server error has occurred</h1><p>An error has occurred while processing your request.</p>",
        ),
        FaultKind::MalformedJson => typed(
            StatusCode::OK,
            JSON_UTF8,
            Body::from("{\"access_token\":\"00D5e000003V0C7!AQ"),
        ),
        FaultKind::MalformedXml => typed(
            StatusCode::OK,
            "text/xml;charset=UTF-8",
            Body::from(
                "<?xml version=\"1.0\"?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body><loginResponse><result><serverUrl>",
            ),
        ),
        FaultKind::Drop => {
            let broken = stream::iter([Err::<Bytes, std::io::Error>(std::io::Error::other(
                "connection dropped",
            ))]);
            typed(StatusCode::OK, JSON_UTF8, Body::from_stream(broken))
        }
        FaultKind::Stall => {
            tokio::time::sleep(stall).await;
            next.run(req).await
        }
        FaultKind::StallMidBody => {
            let first = stream::iter([Ok::<Bytes, std::io::Error>(Bytes::from_static(
                b"{\"access_token\":\"00D5e",
            ))]);
            let rest = stream::once(async move {
                tokio::time::sleep(stall).await;
                Err::<Bytes, std::io::Error>(std::io::Error::other("stalled"))
            });
            let mut response = typed(
                StatusCode::OK,
                JSON_UTF8,
                Body::from_stream(futures_util::StreamExt::chain(first, rest)),
            );
            response
                .headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from_static("2048"));
            response
        }
        FaultKind::RequestLimitExceeded => rest_error(
            StatusCode::FORBIDDEN,
            "REQUEST_LIMIT_EXCEEDED",
            "TotalRequests Limit exceeded.",
        ),
    }
}

fn typed(status: StatusCode, content_type: &'static str, body: Body) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

/// The first fault matching `path` that has hits left; counts the hit.
fn take_fault(host: &Host, path: &str) -> Option<Fault> {
    let mut live = host.shared.lock();
    let live = &mut *live;
    let index = live.scenario.faults.iter().enumerate().position(|(i, f)| {
        path.starts_with(&f.path)
            && (f.times == 0 || live.fault_hits.get(i).copied().unwrap_or(0) < f.times)
    })?;
    if let Some(hits) = live.fault_hits.get_mut(index) {
        *hits += 1;
    }
    live.scenario.faults.get(index).cloned()
}
