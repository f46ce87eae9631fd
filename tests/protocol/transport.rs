//! Transport failures end in typed errors within the timeout: pages, garbage, drops, stalls.

use std::time::{Duration, Instant};

use sfconnect::salesforce::{Cause, Credentials, Http, LoginUrl, authenticate};
use sfconnect::sim::scenario::{DEMO_PASSWORD, DEMO_TOKEN, DEMO_USERNAME, Fault, FaultKind};

use super::common::*;

fn oauth() -> Credentials {
    Credentials::Password {
        app: demo_app(),
        username: DEMO_USERNAME.into(),
        password: secret(DEMO_PASSWORD),
        security_token: Some(secret(DEMO_TOKEN)),
    }
}

fn soap() -> Credentials {
    Credentials::Soap {
        username: DEMO_USERNAME.into(),
        password: secret(DEMO_PASSWORD),
        security_token: Some(secret(DEMO_TOKEN)),
    }
}

fn fault(kind: FaultKind, latency_ms: u64) -> Fault {
    Fault {
        path: "/services/".into(),
        kind,
        latency_ms,
        times: 0,
    }
}

async fn cause_under(kind: FaultKind, creds: &Credentials, http: &Http) -> Cause {
    let sim = sim_with(|s| s.faults = vec![fault(kind, 0)]).await;
    authenticate(http, &login(&sim), creds)
        .await
        .unwrap_err()
        .cause
}

#[tokio::test]
async fn html_pages_garbage_and_limits_are_typed() {
    let http = http();
    for creds in [oauth(), soap()] {
        assert_eq!(
            cause_under(FaultKind::Maintenance, &creds, &http).await,
            Cause::HtmlPage
        );
        assert_eq!(
            cause_under(FaultKind::Html500, &creds, &http).await,
            Cause::HtmlPage
        );
        assert_eq!(
            cause_under(FaultKind::Drop, &creds, &http).await,
            Cause::ConnectionDropped
        );
    }
    assert_eq!(
        cause_under(FaultKind::MalformedJson, &oauth(), &http).await,
        Cause::MalformedResponse
    );
    assert_eq!(
        cause_under(FaultKind::MalformedXml, &soap(), &http).await,
        Cause::MalformedResponse
    );
    let sim = sim_with(|s| {
        s.faults = vec![Fault {
            path: "/services/data/".into(),
            kind: FaultKind::RequestLimitExceeded,
            latency_ms: 0,
            times: 1,
        }]
    })
    .await;
    let auth = authenticate(&http, &login(&sim), &soap()).await.unwrap();
    assert_eq!(
        auth.session.limits().await.unwrap_err().cause,
        Cause::RequestLimitExceeded
    );
    auth.session
        .limits()
        .await
        .expect("the fault hit once only");
}

#[tokio::test]
async fn maintenance_page_keeps_its_title_for_the_user() {
    let sim = sim_with(|s| s.faults = vec![fault(FaultKind::Maintenance, 0)]).await;
    let e = authenticate(&http(), &login(&sim), &oauth())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("Maintenance"), "{e}");
    assert!(e.is_transient());
}

#[tokio::test]
async fn stalled_servers_end_in_a_timeout_not_a_hang() {
    let short = Http::new(Duration::from_millis(700)).unwrap();
    for kind in [FaultKind::Stall, FaultKind::StallMidBody] {
        let sim = sim_with(|s| s.faults = vec![fault(kind, 60_000)]).await;
        let started = Instant::now();
        let e = authenticate(&short, &login(&sim), &oauth())
            .await
            .unwrap_err();
        assert_eq!(e.cause, Cause::Timeout, "{kind:?}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{kind:?} took {:?}",
            started.elapsed()
        );
    }
}

#[tokio::test]
async fn a_closed_port_is_connection_refused() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let host = LoginUrl::parse(&format!("http://127.0.0.1:{port}")).unwrap();
    let e = authenticate(&http(), &host, &oauth()).await.unwrap_err();
    assert_eq!(e.cause, Cause::ConnectionRefused);
}

#[tokio::test]
async fn added_round_trip_time_is_applied() {
    let sim = sfconnect::sim::start(
        sfconnect::sim::Scenario::demo(),
        sfconnect::sim::SimOptions {
            port: 0,
            rtt: Duration::from_millis(150),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let started = Instant::now();
    authenticate(&http(), &login(&sim), &soap()).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(150));
}

/// Send a raw HTTP/1.1 request and return the status line and body.
async fn raw(addr: &str, request: &[u8]) -> (String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = addr.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text.lines().next().unwrap_or_default().to_string();
    let body = text
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_string();
    (status, body)
}

#[tokio::test]
async fn chunked_and_multipart_token_requests_are_accepted() {
    use sfconnect::sim::scenario::{DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET};
    let sim = demo_sim().await;
    let form = format!(
        "grant_type=password&client_id={DEMO_CONSUMER_KEY}&client_secret={DEMO_CONSUMER_SECRET}&username={}&password={}{}",
        DEMO_USERNAME.replace('@', "%40"),
        DEMO_PASSWORD,
        DEMO_TOKEN
    );
    let (first, second) = form.split_at(form.len() / 2);
    let chunked = format!(
        "POST /services/oauth2/token HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{first}\r\n{:x}\r\n{second}\r\n0\r\n\r\n",
        first.len(),
        second.len()
    );
    let (status, body) = raw(sim.login_url(), chunked.as_bytes()).await;
    assert!(status.contains("200"), "{status} {body}");
    assert!(body.contains("access_token"), "{body}");

    let boundary = "----sfconnectBoundary";
    let mut multipart = String::new();
    for (name, value) in [
        ("grant_type", "password"),
        ("client_id", DEMO_CONSUMER_KEY),
        ("client_secret", DEMO_CONSUMER_SECRET),
        ("username", DEMO_USERNAME),
        ("password", &format!("{DEMO_PASSWORD}{DEMO_TOKEN}")),
    ] {
        multipart.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    multipart.push_str(&format!("--{boundary}--\r\n"));
    let request = format!(
        "POST /services/oauth2/token HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\r\n{multipart}",
        multipart.len()
    );
    let (status, body) = raw(sim.login_url(), request.as_bytes()).await;
    assert!(status.contains("200"), "{status} {body}");
    assert!(
        body.contains("\"issued_at\":\""),
        "issued_at is a string: {body}"
    );
    assert!(!body.contains("expires_in"), "{body}");
}

#[tokio::test]
async fn a_self_signed_certificate_is_a_tls_failure() {
    let url = self_signed_tls_server().await;
    let host = LoginUrl::parse(&url).unwrap();
    let e = authenticate(&http(), &host, &oauth()).await.unwrap_err();
    assert_eq!(e.cause, Cause::Tls, "{e}");
}

fn http_response(status: &str, content_type: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[tokio::test]
async fn huge_empty_and_html_answers_are_typed_not_panics() {
    use Cause::*;
    let huge =
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n{"
            .to_vec();
    // (response, cause for the OAuth client, cause for the SOAP client)
    let cases = [
        (huge, ResponseTooLarge, ResponseTooLarge),
        (
            http_response("200 OK", "application/json", "{}"),
            MalformedResponse,
            MalformedResponse,
        ),
        (
            http_response("200 OK", "application/json", "[1,2"),
            MalformedResponse,
            MalformedResponse,
        ),
        (
            http_response(
                "200 OK",
                "text/plain",
                "<!DOCTYPE html><html><title>Captive portal</title></html>",
            ),
            HtmlPage,
            HtmlPage,
        ),
        (
            http_response("400 Bad Request", "application/json", "{\"error\":42}"),
            MalformedResponse,
            UnexpectedStatus,
        ),
        (
            http_response("502 Bad Gateway", "text/plain", "bad gateway"),
            ServerUnavailable,
            ServerUnavailable,
        ),
    ];
    for (response, oauth_cause, soap_cause) in cases {
        let url = canned_server(response).await;
        let host = LoginUrl::parse(&url).unwrap();
        let e = authenticate(&http(), &host, &oauth()).await.unwrap_err();
        assert_eq!(e.cause, oauth_cause, "{e}");
        let e = authenticate(&http(), &host, &soap()).await.unwrap_err();
        assert_eq!(e.cause, soap_cause, "{e}");
    }
}
