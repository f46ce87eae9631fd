//! `sfconnect status [NAME] [--json] [--notify]` and `sfconnect watch`: health at a glance from
//! what is saved, or checked now with a notification command run when health changes.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::{Value, json};

use super::complete::saved_names;
use super::fleet::{FleetArgs, Progress};
use super::global::Global;
use super::list::profile_json;
use super::saved::use_colour;
use super::{EXIT_FAILED, EXIT_USAGE, fail, profile_failure, profiles};
use crate::connect::advisories::{Advisory, advisories, fleet_summary};
use crate::connect::fleet::{self, Limits};
use crate::connect::health::{Health, health};
use crate::profile::{Profile, ProfileError};

/// The connections a command is about, read from one load of the config: those it can use,
/// and those whose entry does not parse (each with where to fix it), which count as failing.
struct Selection {
    connections: Vec<(String, Profile)>,
    broken: Vec<(String, crate::profile::BrokenAt)>,
    /// Why the file store cannot open, found once without decrypting (None: it can, or no
    /// connection uses it).
    file_store_problem: Option<String>,
    /// Connections whose result this run could not record (`--notify`): the run fails.
    unrecorded: usize,
    /// The config dir, where a connection's rescued refresh token would wait.
    dir: std::path::PathBuf,
    /// New key pairs made for an app that have not passed yet (`connect::app_keys`).
    pending: Vec<crate::profile::PendingCertificate>,
    /// The last run that checked connections.
    last_run: Option<crate::profile::LastRun>,
}

fn selected(global: &Global, name: Option<&str>) -> Result<Selection, ExitCode> {
    let profiles = profiles(global)?;
    let config = profiles
        .config()
        .map_err(|e| profile_failure(&ProfileError::from(e)))?;
    let broken = config
        .broken
        .iter()
        .filter(|b| name.is_none_or(|n| n == b.name))
        .map(|b| (b.name.clone(), b.error.clone()))
        .collect::<Vec<_>>();
    let connections = match name {
        Some(n) => match config.connections.get(n) {
            Some(p) => vec![(n.to_string(), p.clone())],
            None if !broken.is_empty() => Vec::new(),
            None => return Err(profile_failure(&ProfileError::NotFound(n.to_string()))),
        },
        None => config.connections.into_iter().collect(),
    };
    let (pending, last_run) = (config.pending_certificates, config.last_run);
    let file_store_problem = connections
        .iter()
        .any(|(_, p)| p.store == crate::profile::StoreKind::File)
        .then(|| crate::profile::file_store::missing_part(profiles.dir()))
        .flatten()
        .map(|e| e.to_string().replace('\n', " "));
    Ok(Selection {
        connections,
        broken,
        file_store_problem,
        unrecorded: 0,
        dir: profiles.dir().to_path_buf(),
        pending,
        last_run,
    })
}

pub struct Notify {
    pub command: Option<String>,
}

/// Check the connections at once (within `limits`), saying each change of health as it comes
/// and running the notification command for it; then record the run in one write. Returns the
/// connections as saved now.
async fn check_and_notify(
    global: &Global,
    name: Option<&str>,
    notify: &Notify,
    limits: Limits,
    on_change: &mut dyn FnMut(&str, Health, Health, &str),
) -> Result<Selection, ExitCode> {
    let selection = selected(global, name)?;
    let before = selection.connections;
    // What the health after a check is read against: the saved state, not the store's.
    let context = Selection {
        connections: Vec::new(),
        file_store_problem: None,
        ..selection
    };
    let command = match &notify.command {
        Some(c) => Some(c.clone()),
        None => profiles(global)?
            .config()
            .ok()
            .and_then(|c| c.notify_command),
    };
    // Notifications run one at a time, in the order of the changes, while the checks go on.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(String, Health, Health, String)>();
    let notifier = tokio::spawn(async move {
        while let Some((name, old, new, message)) = rx.recv().await {
            if let Some(cmd) = &command {
                run_notification(cmd, &name, old, new, &message).await;
            }
        }
    });
    let profiles = Arc::new(profiles(global)?);
    let mut progress = Progress::new(before.len());
    let run = fleet::check(&profiles, before, limits, |c, done, total| {
        // A connection whose secrets cannot be opened (a lost key file, a deleted keyring
        // item, no session bus under cron), or that cannot even be tried (its JWT key file is
        // gone), is failing, and says why: it is never skipped.
        if let Some(problem) = &c.problem {
            progress.say(&format!("sfconnect: {}: {problem}", c.name));
        }
        let now = crate::clock::now();
        // What was recorded before this run, against what this run finds.
        let (old, _) = health(&c.before, now);
        let (new, message) = saved_health(&context, &c.name, &c.after, now);
        let message = super::text::health(&message, &advisories(c.after.flow, now), &c.name);
        if new != old {
            progress.clear();
            on_change(&c.name, old, new, &message);
            let _ = tx.send((c.name.clone(), old, new, message));
        }
        progress.show(done, total);
    })
    .await;
    progress.clear();
    drop(tx);
    let mut run = run.map_err(|e| fail(EXIT_FAILED, e))?;
    let _ = notifier.await;
    let unrecorded = match run.record(&profiles).await {
        Ok(()) => 0,
        Err(e) => {
            say!("sfconnect: the results of this run could not be recorded: {e}");
            run.checked.len()
        }
    };
    let mut now = selected(global, name)?;
    now.unrecorded = unrecorded;
    Ok(now)
}

/// The user's notification command, with the change in its environment (never a secret).
async fn run_notification(command: &str, name: &str, old: Health, new: Health, message: &str) {
    let mut child = tokio::process::Command::new("sh");
    // Secrets this process may have been given in its environment do not pass to the child.
    for secret in crate::connect::SECRET_ENV {
        child.env_remove(secret);
    }
    let status = child
        .arg("-c")
        .arg(command)
        .env("SFCONNECT_CONNECTION", name)
        .env("SFCONNECT_STATUS", new.as_str())
        .env("SFCONNECT_PREVIOUS_STATUS", old.as_str())
        .env("SFCONNECT_MESSAGE", message)
        .stdin(std::process::Stdio::null())
        .status()
        .await;
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => say!("sfconnect: the notification command exited with {s}"),
        Err(e) => say!("sfconnect: cannot run the notification command: {e}"),
    }
}

impl Selection {
    /// Health from what is saved; a connection in the file store whose secrets file or key
    /// file is gone is failing, though its last test passed (nothing is decrypted to tell).
    fn health(&self, name: &str, p: &Profile, now: SystemTime) -> (Health, String) {
        saved_health(self, name, p, now)
    }
}

/// Health from what is saved (`connect::health`), and from what the file system says of the
/// connection (a stat or two, nothing decrypted): a JWT key file that cannot be read, a rotated
/// refresh token that waits to be saved, or a file store that cannot open is failing.
fn saved_health(
    selection: &Selection,
    name: &str,
    p: &Profile,
    now: SystemTime,
) -> (Health, String) {
    if let Some(place) = crate::profile::rescue::pending(&selection.dir, name) {
        return (
            Health::Failing,
            format!(
                "a new refresh token waits in {} to be saved (it could not be when it was issued); make the config dir writable and run `sfconnect token {name}`",
                place.display()
            ),
        );
    }
    if p.flow == crate::profile::Flow::Jwt
        && let Some(key) = &p.key_file
        && let Err(e) = std::fs::File::open(key)
    {
        return (
            Health::Failing,
            format!(
                "its private key file {} cannot be read ({e}): restore it, or re-authenticate '{name}' with a key whose certificate is in the app",
                key.display()
            ),
        );
    }
    match (p.store, selection.file_store_problem.as_deref()) {
        (crate::profile::StoreKind::File, Some(why)) => (Health::Failing, why.to_string()),
        _ => crate::connect::health::health_on_app(&selection.pending, p, now),
    }
}

/// `status`'s exit code: 1 when anything is failing or expiring.
fn exit_code(alarming: bool) -> ExitCode {
    if alarming {
        ExitCode::from(EXIT_FAILED)
    } else {
        ExitCode::SUCCESS
    }
}

/// A connection's advisories, each with the command that makes its move.
fn advisories_of(name: &str, p: &Profile, now: SystemTime) -> Vec<Advisory> {
    advisories(p.flow, now)
        .into_iter()
        .map(|mut a| {
            a.message = super::text::advisory(&a, name);
            a
        })
        .collect()
}

fn print(selection: &Selection, json: bool) -> ExitCode {
    let Selection {
        connections,
        broken,
        ..
    } = selection;
    let now = crate::clock::now();
    let mut alarming = !broken.is_empty();
    let mut rows = Vec::new();
    let colour = use_colour(std::io::stdout().is_terminal());
    for (name, error) in broken {
        if json {
            rows.push(super::list::broken_json(name, error));
        } else {
            out!(
                "{} {name}: failing: {error}",
                super::saved::symbol(crate::check::Status::Fail, colour)
            );
        }
    }
    for (name, p) in connections {
        let (h, message) = selection.health(name, p, now);
        let message = super::text::health(&message, &advisories(p.flow, now), name);
        alarming |= h.alarming();
        if json {
            let mut row = profile_json(name, p, now);
            row["health"] = Value::from(h.as_str());
            row["message"] = Value::from(message);
            row["advisories"] = json!(advisories_of(name, p, now));
            rows.push(row);
        } else {
            let mark = match h {
                Health::Ok => super::saved::symbol(crate::check::Status::Pass, colour),
                Health::Expiring | Health::Untested => {
                    super::saved::symbol(crate::check::Status::Warn, colour)
                }
                Health::Failing => super::saved::symbol(crate::check::Status::Fail, colour),
            };
            let env = if p.sandbox { "sandbox" } else { "production" };
            out!(
                "{mark} {name} [{env}] {}: {message} (secrets: {})",
                h.as_str(),
                p.store.as_str()
            );
            for advisory in advisories_of(name, p, now) {
                // Said once: an expiring connection's message is the advisory already.
                if advisory.message != message {
                    out!("    advisory: {}", advisory.message);
                }
            }
        }
    }
    if !json && let Some(line) = fleet_summary(connections.iter().map(|(_, p)| p.flow), now) {
        out!("{line}");
    }
    if json {
        out!("{}", Value::Array(rows));
    } else if connections.is_empty() && broken.is_empty() {
        // On stderr: stdout has a line per connection, and there is none.
        say!("{}", super::NOTHING_SAVED);
    }
    exit_code(alarming)
}

async fn status(global: &Global, args: &StatusArgs) -> ExitCode {
    let name = args.name.as_deref();
    let json = args.wants_json();
    let prometheus = args.format == Some(StatusFormat::Prometheus);
    let connections = if args.notify {
        let notify = Notify {
            command: args.notify_command.clone(),
        };
        check_and_notify(
            global,
            name,
            &notify,
            args.fleet.limits(),
            &mut |_, _, _, _| {},
        )
        .await
    } else {
        selected(global, name)
    };
    let c = match connections {
        Ok(c) => c,
        Err(code) => {
            // A scraper still learns that the configuration could not be read.
            if prometheus && profiles(global).is_ok_and(|p| p.config().is_err()) {
                out!("{}", super::prometheus::config_unreadable());
            }
            return code;
        }
    };
    let code = if args.summary {
        print_summary(&c, json)
    } else if prometheus {
        print_prometheus(&c)
    } else {
        print(&c, json)
    };
    if c.unrecorded > 0 {
        say!(
            "sfconnect: the results of {} could not be recorded (above); what status shows of them is from before this run.",
            match c.unrecorded {
                1 => "1 connection".to_string(),
                n => format!("{n} connections"),
            }
        );
        return ExitCode::from(EXIT_FAILED);
    }
    code
}

/// The Prometheus text format; the exit code is `status`'s.
fn print_prometheus(selection: &Selection) -> ExitCode {
    let now = crate::clock::now();
    let rows: Vec<(String, &Profile, Health)> = selection
        .connections
        .iter()
        .map(|(name, p)| (name.clone(), p, selection.health(name, p, now).0))
        .collect();
    let broken: Vec<String> = selection.broken.iter().map(|(n, _)| n.clone()).collect();
    out!(
        "{}",
        super::prometheus::render(&rows, &broken, selection.last_run.as_ref(), now).trim_end()
    );
    exit_code(!broken.is_empty() || rows.iter().any(|(_, _, h)| h.alarming()))
}

/// The fleet in one line (or one JSON object): how many connections, how many healthy, and
/// how many still use a retiring login method.
fn print_summary(selection: &Selection, json: bool) -> ExitCode {
    let now = crate::clock::now();
    let healths: Vec<Health> = selection
        .connections
        .iter()
        .map(|(name, p)| selection.health(name, p, now).0)
        .collect();
    let total = healths.len() + selection.broken.len();
    let healthy = healths.iter().filter(|h| !h.alarming()).count();
    let flows = || selection.connections.iter().map(|(_, p)| p.flow);
    let retiring = fleet_summary(flows(), now);
    let message = match &retiring {
        Some(line) => format!("{healthy} of {total} connections healthy. {line}"),
        None => format!("{healthy} of {total} connections healthy."),
    };
    if json {
        let soap = flows().filter(|f| *f == crate::profile::Flow::Soap).count();
        let password = flows()
            .filter(|f| *f == crate::profile::Flow::Password)
            .count();
        out!(
            "{}",
            json!({
                "connections": total,
                "healthy": healthy,
                "soap_login": soap,
                "soap_login_days_left": (soap > 0).then(|| crate::connect::advisories::soap_days_left(now)),
                "password_flow": password,
                "password_flow_days_left": (password > 0).then(|| crate::connect::advisories::password_flow_days_left(now)),
                "message": message,
            })
        );
    } else {
        out!("{message}");
    }
    exit_code(healthy != total)
}

async fn watch(global: &Global, args: WatchArgs) -> ExitCode {
    let (name, json) = (args.name.as_deref(), args.json);
    let interval = Duration::from_secs(args.interval);
    let notify = Notify {
        command: args.notify_command,
    };
    if interval.is_zero() {
        return fail(EXIT_USAGE, "--interval must be at least one second");
    }
    let watched = match selected(global, name) {
        Ok(c) => c.connections,
        Err(code) => return code,
    };
    let names: Vec<&str> = watched.iter().map(|(n, _)| n.as_str()).collect();
    // Said once: what is watched and how often; then a line per change on stdout.
    let what = match names.len() {
        0 => "no connection yet (one saved meanwhile joins at the next round)".to_string(),
        1 => format!("1 connection ({})", names[0]),
        n => format!("{n} connections ({})", names.join(", ")),
    };
    say!(
        "sfconnect: watching {what} every {}; a line per change of health; Ctrl-C stops.",
        humantime::format_duration(interval)
    );
    let mut on_change = |name: &str, old: Health, new: Health, message: &str| {
        let at = humantime::format_rfc3339_seconds(crate::clock::now()).to_string();
        if json {
            out!(
                "{}",
                json!({
                    "at": at,
                    "name": name,
                    "health": new.as_str(),
                    "previous_health": old.as_str(),
                    "message": message,
                    // Deprecated: the same as "health" and "previous_health", kept for
                    // scripts written before them.
                    "status": new.as_str(),
                    "previous_status": old.as_str(),
                })
            );
        } else {
            out!(
                "{at} {name}: {} -> {}: {message}",
                old.as_str(),
                new.as_str()
            );
        }
    };
    // Rounds start every `interval`, however long one takes (one longer than that is followed
    // by the next at once): all its connections are checked at the same time.
    let limits = args.fleet.limits();
    let mut rounds = tokio::time::interval(interval);
    rounds.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = rounds.tick() => {}
            _ = crate::connect::signals::wait_for_stop() => return ExitCode::SUCCESS,
        }
        if let Err(code) = check_and_notify(global, name, &notify, limits, &mut on_change).await {
            return code;
        }
    }
}

/// Said under `status --help`.
pub const STATUS_HELP: &str = "Exit codes: 0 healthy; 1 a connection is failing, its password or certificate expires within 14 days, or its app's certificate may have changed (a new key pair made for the app has not passed a test); 2 usage or unknown name.";

/// Health of saved connections; exits 1 when one is failing or its password or certificate
/// expires soon.
#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// One saved connection (default: all).
    #[arg(add = saved_names())]
    pub name: Option<String>,
    /// One JSON array of connections instead of text.
    #[arg(long)]
    pub json: bool,
    /// Run the checks now, and run the notification command when a connection's health changes.
    #[arg(long)]
    pub notify: bool,
    /// One line for all connections (one JSON object with --json): how many are healthy,
    /// and how many still use a login method Salesforce is retiring.
    #[arg(long)]
    pub summary: bool,
    /// Output format: text, json (the same as --json) or prometheus (the text exposition
    /// format, for node_exporter's textfile collector; not with --summary).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<StatusFormat>,
    /// The notification command (sh -c); default: `notify_command` in the config file.
    #[arg(
        long,
        env = "SFCONNECT_NOTIFY_COMMAND",
        hide_env_values = true,
        value_name = "CMD"
    )]
    pub notify_command: Option<String>,
    /// With --notify: how many connections are checked at once, and for how long.
    #[command(flatten)]
    pub fleet: FleetArgs,
}

/// Said under `watch --help`.
pub const WATCH_HELP: &str = "Rounds start every --interval, each checking all its connections at once, so a round takes about as long as its slowest connection (at most --connection-timeout). Runs until Ctrl-C or SIGTERM (exit 0); a connection saved meanwhile joins at the next round. Exit codes: 2 usage or unknown name.";

/// Check connections every --interval and notify when their health changes.
#[derive(Debug, clap::Args)]
pub struct WatchArgs {
    /// One saved connection (default: all).
    #[arg(add = saved_names())]
    pub name: Option<String>,
    /// Seconds between rounds of checks.
    #[arg(long, default_value_t = 3600, value_name = "SECS")]
    pub interval: u64,
    /// The notification command (sh -c); default: `notify_command` in the config file.
    #[arg(
        long,
        env = "SFCONNECT_NOTIFY_COMMAND",
        hide_env_values = true,
        value_name = "CMD"
    )]
    pub notify_command: Option<String>,
    /// One JSON object per line for each change, instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub fleet: FleetArgs,
}

/// What `status` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatusFormat {
    /// A line per connection, for people.
    Text,
    /// One JSON array (as --json).
    Json,
    /// The Prometheus text exposition format.
    Prometheus,
}

impl StatusArgs {
    /// Whether JSON was asked for (--json or --format json), so that errors come out as JSON too.
    pub fn wants_json(&self) -> bool {
        self.json || self.format == Some(StatusFormat::Json)
    }

    pub async fn run(self, global: &Global) -> ExitCode {
        // Every combination either works or is refused with the reason.
        let refused = match (self.json, self.format, self.summary) {
            (true, Some(StatusFormat::Text), _) => {
                Some("--json asks for JSON and --format text for text; give one of them")
            }
            (true, Some(StatusFormat::Prometheus), _) => Some(
                "--json asks for JSON and --format prometheus for the Prometheus text format; give one of them",
            ),
            (_, Some(StatusFormat::Prometheus), true) => Some(
                "--summary is one line (or one JSON object), and the Prometheus format has a sample per connection; drop --summary (alerts count the samples) or give --format text or json",
            ),
            _ if self.fleet.given() && !self.notify => Some(
                "--concurrency, --per-org and --connection-timeout go with --notify: without it, status reads what is saved and checks nothing",
            ),
            _ => None,
        };
        if let Some(why) = refused {
            return fail(EXIT_USAGE, why);
        }
        status(global, &self).await
    }
}

impl WatchArgs {
    /// Whether JSON was asked for, so that errors come out as JSON too.
    pub fn wants_json(&self) -> bool {
        self.json
    }

    pub async fn run(self, global: &Global) -> ExitCode {
        watch(global, self).await
    }
}
