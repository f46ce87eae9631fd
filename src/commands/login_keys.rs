//! `sfconnect login --flow jwt`: one certificate per app. A key new to an app that saved
//! connections use takes --replace-certificate; once a login passes, the app's other
//! connections move to its key (see `connect::app_keys`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use super::login::LoginArgs;
use super::{EXIT_USAGE, fail};
use crate::profile::{Draft, Flow, Profile};

impl LoginArgs {
    /// A JWT key new to its app (a new connection's, or another than the connection had) stops
    /// every connection on the app with another key once its certificate is uploaded: that
    /// takes --replace-certificate, and the refusal names them.
    pub(super) fn one_certificate(
        &self,
        config: &crate::profile::Config,
        existing: Option<&Profile>,
        inputs: &Draft,
    ) -> Result<(), ExitCode> {
        use crate::connect::app_keys::{AppRef, displaced, same_key};
        let (Flow::Jwt, Some(client_id), Some(key)) =
            (inputs.flow, &inputs.client_id, &inputs.key_file)
        else {
            return Ok(());
        };
        say_short_certificate(key);
        let kept = existing
            .and_then(|p| p.key_file.as_deref())
            .is_some_and(|k| same_key(k, key));
        let app = AppRef {
            client_id: client_id.clone(),
            login_url: inputs.login_url.to_string(),
            org_id: existing.and_then(|p| p.org_id.clone()),
        };
        let stopped = displaced(config, &app, &self.name, key);
        if kept || stopped.is_empty() || self.replace_certificate {
            return Ok(());
        }
        let one = stopped.len() == 1;
        Err(fail(
            EXIT_USAGE,
            format!(
                "{} {} in through this app with another key. An app holds one certificate: once the certificate of {} replaces it, {} working until {} this key too. To add a connection on this app without replacing anything, leave out --key-file: it uses {} key. To replace the certificate (it is uploaded, or you will upload it now), add --replace-certificate: once this login passes, {} tested with this key and moved to it. Nothing was changed.",
                super::text::names(&stopped),
                if one { "logs" } else { "log" },
                key.display(),
                if one { "it stops" } else { "they stop" },
                if one { "it uses" } else { "they use" },
                if one { "its" } else { "their" },
                if one { "it is" } else { "each of them is" },
            ),
        ))
    }
}

/// A certificate beside the key that ends within `SHORT_DAYS` (or has) is said on stderr: the
/// connection stops when it ends.
fn say_short_certificate(key: &std::path::Path) {
    use crate::connect::health::{SHORT_DAYS, WARN_DAYS};
    let Some(valid) = crate::profile::jwt_key::at(key).and_then(|g| g.valid) else {
        return;
    };
    let days = crate::connect::health::days_until(valid.not_after, crate::clock::now());
    let crt = key.with_extension("crt");
    if days < 0 {
        say!(
            "sfconnect: the certificate beside this key ({}) has expired: Salesforce refuses a login signed for an expired certificate. Make a new certificate from the key and upload it, or use --generate-key for a new pair.",
            crt.display()
        );
    } else if days <= SHORT_DAYS {
        say!(
            "sfconnect: the certificate beside this key ({}) ends in {days} days: the connection stops then (status warns from {} days before). --generate-key makes a pair valid for two years.",
            crt.display(),
            WARN_DAYS
        );
    }
}

/// After a JWT login passed and was saved: the others on the app move to its key (each after
/// its own test), and pairs nothing uses any more are deleted; each said on stderr.
pub(super) async fn settle(
    profiles: &Arc<crate::profile::Profiles>,
    http: &crate::salesforce::Http,
    name: &str,
    previous_key: Option<PathBuf>,
) -> crate::connect::app_keys::Settled {
    let settled = match crate::connect::app_keys::settle(profiles, http, name, previous_key).await {
        Ok(s) => s,
        Err(e) => {
            say!(
                "sfconnect: the other connections on this app could not be read to move them to this key: {e}"
            );
            return Default::default();
        }
    };
    for moved in &settled.moved {
        match &moved.result {
            Ok(()) => say!(
                "Moved '{}' to the key of '{name}': its test with it passed.",
                moved.name
            ),
            Err(why) => say!(
                "'{}' could not move to the key of '{name}' ({why}); it keeps its old key.",
                moved.name
            ),
        }
    }
    for p in &settled.dropped {
        let deleted = settled.deleted.contains(&p.key_file);
        say!("{}", crate::connect::app_keys::dropped_text(p, deleted));
    }
    for key in settled
        .deleted
        .iter()
        .filter(|k| !settled.dropped.iter().any(|p| &p.key_file == *k))
    {
        say!(
            "Deleted the key pair {} (and its certificate): no connection uses it any more.",
            key.display()
        );
    }
    settled
}
