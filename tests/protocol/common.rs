//! Shared helpers: start a simulated org from a tweaked demo scenario, and a client for it.

use std::time::Duration;

use secrecy::SecretString;
use sfconnect::salesforce::oauth::ClientApp;
use sfconnect::salesforce::{Http, LoginUrl};
use sfconnect::sim::scenario::{DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET};
use sfconnect::sim::{self, RunningSim, Scenario, SimOptions};

pub async fn sim_with(tweak: impl FnOnce(&mut Scenario)) -> RunningSim {
    let mut scenario = Scenario::demo();
    tweak(&mut scenario);
    sim::start(scenario, SimOptions::default())
        .await
        .expect("simulated org starts")
}

pub async fn demo_sim() -> RunningSim {
    sim_with(|_| {}).await
}

pub fn http() -> Http {
    Http::new(Duration::from_secs(10)).expect("http client")
}

pub fn login(sim: &RunningSim) -> LoginUrl {
    LoginUrl::parse(sim.login_url()).expect("loopback login URL")
}

pub fn my_domain(sim: &RunningSim) -> LoginUrl {
    LoginUrl::parse(sim.instance_url()).expect("loopback my domain URL")
}

pub fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_string())
}

pub fn demo_app() -> ClientApp {
    ClientApp {
        client_id: DEMO_CONSUMER_KEY.into(),
        client_secret: Some(secret(DEMO_CONSUMER_SECRET)),
    }
}

/// A client that does not follow redirects, to act as the browser on /authorize.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("browser client")
}

/// An RSA key pair and a self-signed certificate, as a user would upload to the app.
pub fn key_and_certificate() -> (String, String) {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).expect("rsa key");
    let params = rcgen::CertificateParams::new(vec!["sfconnect-test".to_string()]).expect("params");
    let cert = params.self_signed(&key).expect("certificate");
    (key.serialize_pem(), cert.pem())
}

/// A loopback server that answers every request with `response` (raw HTTP bytes).
pub async fn canned_server(response: Vec<u8>) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let response = response.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                let _ = stream.read(&mut buf).await;
                let _ = stream.write_all(&response).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}

/// A loopback https server with a self-signed certificate (no client trusts it).
pub async fn self_signed_tls_server() -> String {
    use std::sync::Arc;
    use tokio_rustls::rustls::{self, pki_types::PrivateKeyDer};
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone()],
            PrivateKeyDer::try_from(key.serialize_der()).unwrap(),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let _ = acceptor.accept(stream).await;
            });
        }
    });
    format!("https://{addr}")
}
