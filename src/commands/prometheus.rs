//! `sfconnect status --format prometheus`: the Prometheus text exposition format, for
//! node_exporter's textfile collector (written by cron) or any scraper of files.

use std::fmt::Write as _;
use std::time::SystemTime;

use crate::connect::advisories::{advisories, day_start};
use crate::connect::health::{Health, PASSWORD_POLICY_DAYS};
use crate::profile::{LastRun, Profile};

/// One metric family: its help line, then a sample per connection that has a value.
struct Family {
    name: &'static str,
    help: &'static str,
    samples: Vec<(String, f64)>,
}

/// A label value as the format wants it: made printable like all text from outside, then
/// backslash, double quote and line feed escaped.
fn escape(value: &str) -> String {
    crate::salesforce::error::printable(value)
        .replace('\\', r"\\")
        .replace('"', "\\\"")
        .replace('\n', r"\n")
}

fn labels(name: &str, p: Option<&Profile>) -> String {
    let (flow, org_id, environment) = match p {
        Some(p) => (
            p.flow.as_str(),
            p.org_id.as_deref().unwrap_or_default(),
            if p.sandbox { "sandbox" } else { "production" },
        ),
        None => ("", "", ""),
    };
    format!(
        "{{name=\"{}\",flow=\"{}\",org_id=\"{}\",environment=\"{}\"}}",
        escape(name),
        escape(flow),
        escape(org_id),
        environment
    )
}

fn seconds(t: SystemTime) -> f64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs() as f64)
        .unwrap_or(0.0)
}

const CONFIG_OK: &str = "# HELP sfconnect_config_ok 1 when sfconnect could read its configuration (connections.toml), else 0: then no other sample is given.\n# TYPE sfconnect_config_ok gauge\n";

/// What is printed when the config file cannot be read at all: that, as a sample, so a file
/// the textfile collector reads never goes silent (and an alert can say so).
pub fn config_unreadable() -> String {
    format!("{CONFIG_OK}sfconnect_config_ok 0")
}

/// The metrics for `connections` (with their health) and for entries the config file cannot
/// read (`broken`, unhealthy by definition).
pub fn render(
    connections: &[(String, &Profile, Health)],
    broken: &[String],
    last_run: Option<&LastRun>,
    now: SystemTime,
) -> String {
    let mut families = vec![
        Family {
            name: "sfconnect_connection_healthy",
            help: "1 when the connection is healthy (its last test passed and nothing expires soon), else 0.",
            samples: Vec::new(),
        },
        Family {
            name: "sfconnect_password_expiry_timestamp_seconds",
            help: "When the integration user's password expires under the org's policy (password logins whose last change is known), in seconds since the Unix epoch.",
            samples: Vec::new(),
        },
        Family {
            name: "sfconnect_last_test_timestamp_seconds",
            help: "When the connection was last tested, in seconds since the Unix epoch.",
            samples: Vec::new(),
        },
        Family {
            name: "sfconnect_last_test_success",
            help: "1 when the last test passed, else 0.",
            samples: Vec::new(),
        },
        Family {
            name: "sfconnect_login_method_retirement_timestamp_seconds",
            help: "When Salesforce retires the connection's login method (SOAP login: Summer '27, 1 June 2027 assumed), in seconds since the Unix epoch.",
            samples: Vec::new(),
        },
        Family {
            name: "sfconnect_certificate_expiry_timestamp_seconds",
            help: "When the certificate of a JWT bearer connection's key expires (where sfconnect knows it), in seconds since the Unix epoch.",
            samples: Vec::new(),
        },
        Family {
            name: "sfconnect_api_requests_remaining",
            help: "Daily API requests the org had left at the connection's last test.",
            samples: Vec::new(),
        },
        Family {
            name: "sfconnect_check_duration_seconds",
            help: "How long the connection's last test took, login and checks.",
            samples: Vec::new(),
        },
    ];
    families.extend(run_families(last_run));
    for name in broken {
        families[0].samples.push((labels(name, None), 0.0));
    }
    for (name, p, health) in connections {
        let l = labels(name, Some(p));
        let healthy = if *health == Health::Ok { 1.0 } else { 0.0 };
        families[0].samples.push((l.clone(), healthy));
        if let (true, Some(changed)) = (p.flow.uses_password(), p.password_changed_at) {
            let policy = p
                .password_policy_days
                .map(i64::from)
                .unwrap_or(PASSWORD_POLICY_DAYS);
            families[1]
                .samples
                .push((l.clone(), seconds(changed) + (policy * 86_400) as f64));
        }
        if let Some(t) = &p.last_test {
            families[2].samples.push((l.clone(), seconds(t.at)));
            if let Some(ms) = t.elapsed_ms {
                families[7].samples.push((l.clone(), ms as f64 / 1000.0));
            }
            families[3]
                .samples
                .push((l.clone(), if t.ok { 1.0 } else { 0.0 }));
            if let Some(left) = t.api_requests_remaining {
                families[6].samples.push((l.clone(), left as f64));
            }
        }
        if let Some(ends) = crate::connect::health::certificate_expires_at(p) {
            families[5].samples.push((l.clone(), seconds(ends)));
        }
        if let Some(ends) = advisories(p.flow, now)
            .iter()
            .find_map(|a| a.until.and_then(day_start))
        {
            families[4].samples.push((l.clone(), seconds(ends)));
        }
    }
    let mut out = format!("{CONFIG_OK}sfconnect_config_ok 1\n");
    for family in families {
        let _ = writeln!(out, "# HELP {} {}", family.name, family.help);
        let _ = writeln!(out, "# TYPE {} gauge", family.name);
        for (labels, value) in family.samples {
            let _ = writeln!(out, "{}{labels} {value}", family.name);
        }
    }
    out
}

/// The last run that checked connections (`status --notify`, `watch`, `test`), one sample
/// each: a fleet's monitoring alerts on a run that stopped happening or on its failures.
fn run_families(run: Option<&LastRun>) -> Vec<Family> {
    let sample = |value: Option<f64>| value.map(|v| (String::new(), v)).into_iter().collect();
    vec![
        Family {
            name: "sfconnect_run_timestamp_seconds",
            help: "When the last run that checked connections started, in seconds since the Unix epoch.",
            samples: sample(run.map(|r| seconds(r.at))),
        },
        Family {
            name: "sfconnect_run_connections_checked",
            help: "How many connections the last run checked.",
            samples: sample(run.map(|r| r.checked as f64)),
        },
        Family {
            name: "sfconnect_run_failures",
            help: "How many connections failed in the last run.",
            samples: sample(run.map(|r| r.failed as f64)),
        },
        Family {
            name: "sfconnect_run_duration_seconds",
            help: "How long the last run took, all its connections checked at once.",
            samples: sample(run.map(|r| r.duration_ms as f64 / 1000.0)),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c"), "a\\\"b\\\\c");
        // Saved before IDs were checked, a hostile org ID cannot reach a terminal that shows
        // the metrics: control characters are gone (a line feed included).
        assert_eq!(escape("00D\u{1b}]52;c;eA==\u{7}\nx"), "00D ]52;c;eA==  x");
    }
}
