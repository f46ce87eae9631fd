//! Speed targets, measured (not asserted): a full check of 20 objects at 100 ms round-trip time,
//! batched versus one call at a time; `status --json` over 20 saved connections; `token` with a
//! cached token confirmed, rejected, and offline; the release binary's size. Run: `cargo bench --bench speed`.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a measurement that cannot be taken stops the run; nothing here is shipped"
)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use secrecy::SecretString;
use sfconnect::check::{self, ObjectNeed, Strategy, Target};
use sfconnect::profile::file_store::{FileStore, Unlock};
use sfconnect::profile::{Flow, Profile, Profiles, SecretBundle, StoreKind, Ui, key};
use sfconnect::salesforce::{Credentials, Http, LoginUrl};
use sfconnect::sim::scenario::{DEMO_PASSWORD, DEMO_TOKEN, DEMO_USERNAME, Object};
use sfconnect::sim::{self, Scenario, SimOptions};

const RUNS: usize = 7;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn twenty_objects(scenario: &mut Scenario) -> Vec<ObjectNeed> {
    let mut needs = Vec::new();
    for i in 0..20 {
        let name = match scenario.objects.get(i) {
            Some(o) => o.name.clone(),
            None => format!("Custom{i}__c"),
        };
        if scenario.objects.iter().all(|o| o.name != name) {
            scenario.objects.push(Object {
                name: name.clone(),
                label: name.clone(),
                custom: true,
            });
        }
        for user in &mut scenario.users {
            user.objects.insert(name.clone(), "cred".into());
        }
        needs.push(ObjectNeed {
            name,
            access: "rce".into(),
            required: i < 2,
        });
    }
    needs
}

fn target(login_url: &str, objects: Vec<ObjectNeed>) -> Target {
    Target {
        name: "bench".into(),
        certificate: None,
        jwt_refused_fix: None,
        login_url: LoginUrl::parse(login_url).unwrap_or_else(|e| panic!("{e}")),
        credentials: Credentials::Soap {
            username: DEMO_USERNAME.into(),
            password: SecretString::from(DEMO_PASSWORD),
            security_token: Some(SecretString::from(DEMO_TOKEN)),
        },
        flow: Flow::Soap,
        sandbox: false,
        objects,
        password_changed_at: None,
        password_policy_days: 90,
        warn_days: 14,
        company_domains: Vec::new(),
    }
}

async fn full_check(rtt_ms: u64) {
    let mut scenario = Scenario::demo();
    let objects = twenty_objects(&mut scenario);
    let options = SimOptions {
        port: 0,
        rtt: Duration::from_millis(rtt_ms),
        ..Default::default()
    };
    let running = sim::start(scenario, options)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let http = Http::new(Duration::from_secs(30)).unwrap_or_else(|e| panic!("{e}"));
    for strategy in [Strategy::Batched, Strategy::OneAtATime] {
        let mut samples = Vec::new();
        for _ in 0..RUNS {
            let outcome = check::run(
                &http,
                target(running.login_url(), objects.clone()),
                strategy,
                None,
            )
            .await;
            assert!(outcome.ok(), "the benchmark org must pass its checks");
            samples.push(outcome.elapsed);
        }
        println!(
            "full test, 20 objects, {rtt_ms} ms RTT, {strategy:?}: median {} over {RUNS} runs",
            ms(median(samples))
        );
    }
}

fn twenty_connections(dir: &Path) {
    let profiles = Profiles::new(dir.to_path_buf());
    let store = FileStore::new(dir, Unlock::KeyFile);
    for i in 0..20 {
        let profile = Profile {
            flow: Flow::Soap,
            login_url: "https://login.salesforce.com".into(),
            instance_url: Some(format!("https://acme{i}.my.salesforce.com")),
            sandbox: i % 2 == 0,
            username: Some(format!("integration{i}@acme.example")),
            org_id: Some("00D5e000003V0C7EAK".into()),
            user_id: Some("0055e0000000001AAG".into()),
            client_id: None,
            key_file: None,
            store: StoreKind::File,
            secrets: String::new(),
            ui: Ui::Lightning,
            objects: Default::default(),
            company_domains: Vec::new(),
            password_policy_days: None,
            created_at: SystemTime::now(),
            password_changed_at: Some(SystemTime::now()),
            refresh_token_obtained_at: None,
            certificate_expires_at: None,
            last_test: None,
        };
        let secrets = SecretBundle::default().with(key::PASSWORD, Some(SecretString::from("pw")));
        profiles
            .commit(&format!("conn{i:02}"), profile, &secrets, &store)
            .unwrap_or_else(|e| panic!("{e}"));
    }
}

fn time_command_once(dir: &Path, args: &[&str]) -> Duration {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_sfconnect"))
        .args(args)
        .env("SFCONNECT_CONFIG_DIR", dir)
        .env("SFCONNECT_STORE", "file")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let took = started.elapsed();
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    took
}

fn time_command(dir: &Path, args: &[&str]) -> Duration {
    median(
        (0..RUNS * 3)
            .map(|_| time_command_once(dir, args))
            .collect(),
    )
}

#[path = "../tests/common/pty_session.rs"]
mod pty_session;

/// A wizard in a pseudo terminal with its own config dir, watched closely for timing.
fn wizard(args: &[&str], dir: &Path) -> pty_session::Session {
    let dir = dir.display().to_string();
    pty_session::Session::start_sized(
        args,
        24,
        80,
        &[("SFCONNECT_CONFIG_DIR", &dir), ("SFCONNECT_STORE", "file")],
    )
}

fn finish(mut session: pty_session::Session) {
    session.send("\x03");
    let _ = session.child.wait();
}

/// `token` against an org 100 ms away: the cached token confirmed (one round trip), rejected
/// and replaced by a new login (two), and `--offline` (none). Round trips are read off the
/// medians: (time - the offline time) / RTT.
fn tokens(runtime: &tokio::runtime::Runtime, rtt_ms: u64) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let running = runtime.block_on(async {
        let options = SimOptions {
            port: 0,
            rtt: Duration::from_millis(rtt_ms),
            ..Default::default()
        };
        sim::start(Scenario::demo(), options)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    });
    let out = Command::new(env!("CARGO_BIN_EXE_sfconnect"))
        .args([
            "login",
            "prod",
            "--flow",
            "soap",
            "--login-url",
            running.login_url(),
            "--username",
            DEMO_USERNAME,
        ])
        .env("SFCONNECT_CONFIG_DIR", dir.path())
        .env("SFCONNECT_STORE", "file")
        .env("SFCONNECT_PASSWORD", DEMO_PASSWORD)
        .env("SFCONNECT_SECURITY_TOKEN", DEMO_TOKEN)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let offline = time_command(dir.path(), &["token", "prod", "--offline"]);
    let confirmed = time_command(dir.path(), &["token", "prod"]);
    let mut samples = Vec::new();
    for _ in 0..RUNS {
        // The org ends every session, as its timeout would: the cached token is rejected.
        running.with_state(|live| live.sessions.clear());
        samples.push(time_command_once(dir.path(), &["token", "prod"]));
    }
    let rejected = median(samples);
    let trips =
        |d: Duration| (d.saturating_sub(offline).as_secs_f64() * 1000.0 / rtt_ms as f64).round();
    println!("token --offline (no network): median {}", ms(offline));
    println!(
        "token, cached token confirmed, {rtt_ms} ms RTT: median {} (~{} round trips)",
        ms(confirmed),
        trips(confirmed)
    );
    println!(
        "token, cached token rejected, new login, {rtt_ms} ms RTT: median {} (~{} round trips)",
        ms(rejected),
        trips(rejected)
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    runtime.block_on(full_check(100));

    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    twenty_connections(tmp.path());
    println!(
        "status --json, 20 saved connections: median {}",
        ms(time_command(tmp.path(), &["status", "--json"]))
    );

    tokens(&runtime, 100);
    // Cold start to the first drawn wizard frame, on the home screen of 20 connections.
    let mut samples = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let wizard = wizard(&[], tmp.path());
        wizard.wait_for("conn00");
        samples.push(started.elapsed());
        finish(wizard);
    }
    println!(
        "cold start to the first wizard frame (20 connections): median {}",
        ms(median(samples))
    );

    // Peak memory of a wizard session: the demo through a passing connection test.
    let scratch = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut wizard = wizard(&["demo"], scratch.path());
    wizard.wait_for("Name this connection");
    for _ in 0..5 {
        wizard.send("\r");
    }
    wizard.wait_for("Demo org credentials");
    wizard.send(DEMO_USERNAME);
    wizard.send("\t");
    wizard.send(DEMO_PASSWORD);
    wizard.send("\t");
    wizard.send(DEMO_TOKEN);
    wizard.send("\r");
    wizard.wait_for("All required checks passed");
    let peak = wizard.peak_kib();
    finish(wizard);
    match peak {
        Some(kib) => println!(
            "peak memory of a wizard session (demo, through a passing test): {:.1} MiB",
            kib as f64 / 1024.0
        ),
        None => println!("peak memory of a wizard session: not measurable here (no /proc)"),
    }

    let size = std::fs::metadata(env!("CARGO_BIN_EXE_sfconnect"))
        .map(|m| m.len())
        .unwrap_or(0);
    println!(
        "binary size: {:.1} MiB ({size} bytes)",
        size as f64 / 1_048_576.0
    );
}
