//! Helpers: a simulated org, the real binary with an isolated config dir, and file snapshots.

use std::collections::BTreeMap;
use std::path::Path;
use std::path::PathBuf;
use std::process::{Child, Command, Output};
use std::time::SystemTime;
use std::time::{Duration, Instant};

use secrecy::SecretString;
use sfconnect::profile::{Flow, Profile, SecretBundle, StoreKind, Ui, key};
use sfconnect::sim::scenario::{DEMO_PASSWORD, DEMO_TOKEN, DEMO_USERNAME};
use sfconnect::sim::{self, RunningSim, Scenario, SimOptions};

pub async fn sim() -> RunningSim {
    sim::start(Scenario::demo(), SimOptions::default())
        .await
        .unwrap()
}

/// The real binary with its config dir and store set; no inherited secrets or session bus.
pub fn sfconnect(config_dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sfconnect"));
    cmd.env("SFCONNECT_CONFIG_DIR", config_dir)
        .env("SFCONNECT_STORE", "file")
        .env("SFCONNECT_LOG_DIR", config_dir.join(LOGS))
        .env("SFCONNECT_LOG", "debug")
        .env_remove("SFCONNECT_PASSWORD")
        .env_remove("SFCONNECT_SECURITY_TOKEN")
        .env_remove("SFCONNECT_CLIENT_SECRET")
        .env_remove("SFCONNECT_REFRESH_TOKEN")
        .env_remove("SFCONNECT_PASSPHRASE")
        .env_remove("SFCONNECT_FAILPOINT")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    cmd
}

/// `sfconnect login NAME --flow soap` against the simulated org with the given password/token.
pub fn soap_login(
    config_dir: &Path,
    sim_url: &str,
    name: &str,
    password: &str,
    token: &str,
) -> Command {
    let mut cmd = sfconnect(config_dir);
    cmd.args([
        "login",
        name,
        "--flow",
        "soap",
        "--login-url",
        sim_url,
        "--username",
        DEMO_USERNAME,
    ])
    .env("SFCONNECT_PASSWORD", password)
    .env("SFCONNECT_SECURITY_TOKEN", token);
    cmd
}

pub fn demo_login(config_dir: &Path, sim_url: &str, name: &str) -> Command {
    soap_login(config_dir, sim_url, name, DEMO_PASSWORD, DEMO_TOKEN)
}

pub fn run(mut cmd: Command) -> Output {
    cmd.output().unwrap()
}

pub fn text(output: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Where the binary's log files go in tests: inside the config dir, so the audit finds them.
pub const LOGS: &str = "logs";

/// Every file in a dir (but the lock, and the logs) with its bytes, to prove nothing changed.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .flatten()
        .filter(|e| e.file_name() != "connections.lock" && e.path().is_file())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

pub fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_string())
}

pub fn bundle(password: &str) -> SecretBundle {
    SecretBundle::default()
        .with(key::PASSWORD, Some(secret(password)))
        .with(
            key::SECURITY_TOKEN,
            Some(secret("TOKEN0123456789012345678")),
        )
}

pub fn profile(store: StoreKind) -> Profile {
    Profile {
        flow: Flow::Soap,
        login_url: "https://login.salesforce.com".into(),
        instance_url: Some("https://acme.my.salesforce.com".into()),
        sandbox: false,
        username: Some("integration@acme.example".into()),
        org_id: None,
        user_id: None,
        client_id: None,
        key_file: None,
        store,
        secrets: String::new(),
        ui: Ui::Lightning,
        objects: Default::default(),
        company_domains: Vec::new(),
        password_policy_days: None,
        created_at: SystemTime::now(),
        password_changed_at: None,
        refresh_token_obtained_at: None,
        certificate_expires_at: None,
        last_test: None,
    }
}

/// Run the binary off the async runtime, so the in-process simulated org keeps serving.
pub async fn run_async(cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || run(cmd)).await.unwrap()
}

/// A refresh token from a browser login, as the seed guide has users produce with curl.
pub async fn browser_refresh_token(sim: &RunningSim, client_secret: &str) -> String {
    use sfconnect::salesforce::oauth::{ClientApp, Grant, request_token};
    use sfconnect::salesforce::web::{self, AuthorizeRequest, Pkce};
    use sfconnect::salesforce::{Http, LoginUrl};
    use sfconnect::sim::scenario::DEMO_CONSUMER_KEY;
    let login = LoginUrl::parse(sim.login_url()).unwrap();
    let pkce = Pkce::generate().unwrap();
    let redirect = "http://localhost:1717/OauthRedirect";
    let url = web::authorize_url(
        &login,
        &AuthorizeRequest {
            client_id: DEMO_CONSUMER_KEY,
            redirect_uri: redirect,
            scope: "api refresh_token",
            pkce: &pkce,
            prompt: None,
            login_hint: None,
        },
    );
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let location = client.get(url).send().await.unwrap().headers()["location"]
        .to_str()
        .unwrap()
        .to_string();
    let code = web::read_redirect(&location, &pkce.state).unwrap();
    let app = ClientApp {
        client_id: DEMO_CONSUMER_KEY.into(),
        client_secret: Some(secret(client_secret)),
    };
    let http = Http::new(std::time::Duration::from_secs(10)).unwrap();
    let grant = Grant::AuthorizationCode {
        code: &code,
        redirect_uri: redirect,
        code_verifier: Some(&pkce.verifier),
    };
    let token = request_token(&http, &login, &app, grant).await.unwrap();
    secrecy::ExposeSecret::expose_secret(token.refresh_token.as_ref().unwrap()).to_string()
}

/// The real binary held at failpoint `point` until `release` is called.
pub struct Paused {
    child: Child,
    release: PathBuf,
}

impl Paused {
    pub fn start(mut command: Command, point: &str, scratch: &Path) -> Self {
        let release = scratch.join(format!("release-{point}"));
        command
            .env("SFCONNECT_FAILPOINT", format!("pause:{point}"))
            .env("SFCONNECT_FAILPOINT_RELEASE", &release);
        let child = command.spawn().unwrap();
        let mut marker = release.clone().into_os_string();
        marker.push(".paused");
        let deadline = Instant::now() + Duration::from_secs(120);
        while !Path::new(&marker).exists() {
            assert!(Instant::now() < deadline, "{point} was never reached");
            std::thread::sleep(Duration::from_millis(10));
        }
        Self { child, release }
    }

    pub async fn finish(self) -> Output {
        std::fs::write(&self.release, "go").unwrap();
        let child = self.child;
        tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
            .await
            .unwrap()
    }
}

/// Where a browser would be sent after logging in at `url` (the simulated org logs the demo user
/// in at once): the redirect address, code and state in it.
pub async fn browser_redirect(url: &str) -> String {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client.get(url).send().await.unwrap();
    response.headers()["location"].to_str().unwrap().to_string()
}

/// An admin uploads the key pair `keys/NAME.crt` of `dir` to the demo app, as JWT bearer needs.
pub async fn upload_certificate(sim: &RunningSim, dir: &Path, name: &str) {
    let certificate = std::fs::read_to_string(dir.join(format!("keys/{name}.crt"))).unwrap();
    let reply = reqwest::Client::new()
        .post(format!("{}/__sim/apps/certificate", sim.login_url()))
        .form(&[
            ("consumer_key", sfconnect::sim::scenario::DEMO_CONSUMER_KEY),
            ("certificate", certificate.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert!(reply.status().is_success());
}

/// `sfconnect login NAME --flow refresh-token` in `dir`: a refresh token of the demo app from a
/// browser login, imported.
pub async fn import_refresh_token(sim: &RunningSim, dir: &Path, name: &str) {
    use sfconnect::sim::scenario::{DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET};
    let refresh = browser_refresh_token(sim, DEMO_CONSUMER_SECRET).await;
    let mut login = sfconnect(dir);
    login
        .args(["login", name, "--flow", "refresh-token", "--login-url"])
        .args([sim.login_url(), "--client-id", DEMO_CONSUMER_KEY])
        .env("SFCONNECT_CLIENT_SECRET", DEMO_CONSUMER_SECRET)
        .env("SFCONNECT_REFRESH_TOKEN", &refresh);
    let out = run_async(login).await;
    assert!(out.status.success(), "{}", text(&out));
}
