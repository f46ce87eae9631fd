//! `sfconnect token NAME`: print an access token the org accepts, and nothing else.
//! `sfconnect export`: credentials for other tools, under the same rules.

use std::process::ExitCode;
use std::sync::Arc;

use secrecy::ExposeSecret;
use serde_json::json;

use super::complete::saved_names;
use super::global::Global;
use super::saved::service_failed;
use super::{EXIT_USAGE, fail, profiles};
use crate::connect::Saved;
use crate::connect::token::{Freshness, Token, access_token};
use crate::profile::credentials::uses_refresh_token;
use crate::profile::key;
use crate::salesforce::error::printable;
use crate::salesforce::rest::API_VERSION;

/// A token the org accepts, per `freshness`; failures reported with their diagnosis.
async fn valid_token(global: &Global, name: &str, freshness: Freshness) -> Result<Token, ExitCode> {
    let profiles = Arc::new(profiles(global)?);
    let token = access_token(&profiles, name, freshness)
        .await
        .map_err(|e| service_failed(&e, name))?;
    if let Some(warning) = &token.warning {
        say!("sfconnect: {warning}");
    }
    Ok(token)
}

impl TokenArgs {
    /// Whether JSON was asked for, so that errors come out as JSON too.
    pub fn wants_json(&self) -> bool {
        self.json
    }

    pub async fn run(self, global: &Global) -> ExitCode {
        let (name, freshness, json) = (self.name.as_str(), self.freshness.freshness(), self.json);
        match valid_token(global, name, freshness).await {
            Ok(t) if json => {
                out!(
                    "{}",
                    json!({
                        "name": name,
                        "access_token": t.token.expose_secret(),
                        "instance_url": t.instance_url,
                    })
                );
                ExitCode::SUCCESS
            }
            Ok(t) => {
                out!("{}", t.token.expose_secret());
                ExitCode::SUCCESS
            }
            Err(code) => code,
        }
    }
}

/// Quote for POSIX shells: single quotes, with embedded ones closed, escaped and reopened.
pub fn shell_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

/// `force://clientId:clientSecret:refreshToken@instanceHost`, as `sf org login sfdx-url` takes.
pub fn sfdx_url(
    client_id: &str,
    client_secret: &str,
    refresh_token: &str,
    instance_url: &str,
) -> String {
    let instance_url = printable(instance_url);
    let host = instance_url
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/');
    format!("force://{client_id}:{client_secret}:{refresh_token}@{host}")
}

/// The parts of an sfdx auth URL: client id, client secret (may be empty), refresh token and
/// instance host.
#[derive(Debug, PartialEq, Eq)]
pub struct SfdxUrl {
    pub client_id: String,
    pub client_secret: String,
    pub refresh_token: String,
    pub instance_host: String,
}

pub fn parse_sfdx_url(text: &str) -> Option<SfdxUrl> {
    let rest = text.trim().strip_prefix("force://")?;
    let (credentials, host) = rest.rsplit_once('@')?;
    let mut parts = credentials.splitn(3, ':');
    let (client_id, client_secret, refresh_token) = (parts.next()?, parts.next()?, parts.next()?);
    if client_id.is_empty() || refresh_token.is_empty() || host.is_empty() {
        return None;
    }
    Some(SfdxUrl {
        client_id: client_id.to_string(),
        client_secret: client_secret.to_string(),
        refresh_token: refresh_token.to_string(),
        instance_host: host.to_string(),
    })
}

impl ExportArgs {
    /// Whether JSON was asked for (`--format json`), so that errors come out as JSON too.
    pub fn wants_json(&self) -> bool {
        self.format == ExportFormat::Json
    }

    pub async fn run(self, global: &Global) -> ExitCode {
        let (name, format, freshness) =
            (self.name.as_str(), self.format, self.freshness.freshness());
        if format == ExportFormat::SfdxUrl {
            // The same rules as `token`: the org confirms the connection works first (a revoked
            // refresh token also ends its sessions), and what is printed is what is saved after
            // that (a rotation included).
            let saved = match super::saved::open(global, name).await {
                Ok(saved) => saved,
                Err(code) => return code,
            };
            if !uses_refresh_token(saved.profile.flow) {
                return export_sfdx_url(&saved);
            }
            if let Err(code) = valid_token(global, name, freshness).await {
                return code;
            }
            return match super::saved::open(global, name).await {
                Ok(saved) => export_sfdx_url(&saved),
                Err(code) => code,
            };
        }
        let Token {
            saved,
            token,
            instance_url,
            ..
        } = match valid_token(global, name, freshness).await {
            Ok(t) => t,
            Err(code) => return code,
        };
        let p = &saved.profile;
        let instance = instance_url.clone();
        // What the org sent is made printable before it reaches a shell or a terminal.
        let shown = |v: &Option<String>| printable(v.as_deref().unwrap_or_default());
        let fields = [
            ("SF_ACCESS_TOKEN", token.expose_secret().to_string()),
            ("SF_INSTANCE_URL", printable(&instance)),
            ("SF_LOGIN_URL", printable(&p.login_url)),
            ("SF_USERNAME", shown(&p.username)),
            ("SF_ORG_ID", shown(&p.org_id)),
            ("SF_API_VERSION", API_VERSION.to_string()),
        ];
        match format {
            ExportFormat::Env => {
                for (k, v) in fields {
                    out!("export {k}={}", shell_quote(&v));
                }
            }
            ExportFormat::Json => out!(
                "{}",
                json!({
                    "name": name,
                    "flow": p.flow.as_str(),
                    "access_token": token.expose_secret(),
                    "instance_url": instance,
                    "login_url": p.login_url,
                    "username": p.username,
                    "org_id": p.org_id,
                    "user_id": p.user_id,
                    "api_version": API_VERSION,
                })
            ),
            ExportFormat::SfdxUrl => {}
        }
        ExitCode::SUCCESS
    }
}

/// The refresh token itself is what `sf org login sfdx-url` takes; it needs no confirming.
fn export_sfdx_url(saved: &Saved) -> ExitCode {
    let (p, name) = (&saved.profile, &saved.name);
    let refresh = saved.secrets.get(key::REFRESH_TOKEN);
    let (Some(refresh), Some(client_id), Some(instance)) = (refresh, &p.client_id, &p.instance_url)
    else {
        let why = if uses_refresh_token(p.flow) {
            "its refresh token, consumer key or instance URL is missing; re-authenticate it"
        } else {
            "it logs in without a refresh token; use --format env or json, or connect it with browser login"
        };
        return fail(
            EXIT_USAGE,
            format!("'{name}' cannot be exported as an sfdx-url: {why}"),
        );
    };
    let secret = saved
        .secrets
        .get(key::CLIENT_SECRET)
        .map(|s| s.expose_secret().to_string())
        .unwrap_or_default();
    out!(
        "{}",
        sfdx_url(client_id, &secret, refresh.expose_secret(), instance)
    );
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sfdx_url_round_trips() {
        let url = sfdx_url(
            "3MVG9abc.def",
            "SECRET123",
            "5Aep861xyz.Q==",
            "https://acme.my.salesforce.com/",
        );
        assert_eq!(
            url,
            "force://3MVG9abc.def:SECRET123:5Aep861xyz.Q==@acme.my.salesforce.com"
        );
        let parsed = parse_sfdx_url(&url).unwrap();
        assert_eq!(parsed.client_id, "3MVG9abc.def");
        assert_eq!(parsed.client_secret, "SECRET123");
        assert_eq!(parsed.refresh_token, "5Aep861xyz.Q==");
        assert_eq!(parsed.instance_host, "acme.my.salesforce.com");
        assert!(parse_sfdx_url("force://id::tok@h").is_some_and(|p| p.client_secret.is_empty()));
        assert!(parse_sfdx_url("https://x").is_none());
        assert!(parse_sfdx_url("force://only@h").is_none());
    }

    #[test]
    fn shell_quoting_survives_quotes() {
        assert_eq!(shell_quote("a'b c$d"), r"'a'\''b c$d'");
    }
}

/// Said under `token --help`.
pub const TOKEN_HELP: &str = "Exit codes: 0 printed; 1 no token could be had (the reason and the fix on stderr); 2 usage or unknown name.";

/// Print an access token the org accepts, nothing else: the cached one once the org has
/// confirmed it (one cheap call), else a new login.
#[derive(Debug, clap::Args)]
pub struct TokenArgs {
    /// The saved connection whose token to print.
    #[arg(add = saved_names())]
    pub name: String,
    #[command(flatten)]
    pub freshness: FreshnessArgs,
    /// One JSON object (name, access_token, instance_url) instead of the bare token.
    #[arg(long)]
    pub json: bool,
}

/// Said under `export --help`.
pub const EXPORT_HELP: &str = "Exit codes: 0 printed; 1 no token could be had; 2 usage, unknown name, or sfdx-url for a connection that has no refresh token.";

/// Print a connection's credentials for other tools (the access token as `token` gives it).
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The saved connection to export.
    #[arg(add = saved_names())]
    pub name: String,
    /// What to print: shell variables, JSON, or an sfdx URL for the Salesforce CLI.
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    #[command(flatten)]
    pub freshness: FreshnessArgs,
}

/// How far to trust a cached access token.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct FreshnessArgs {
    /// Log in anew instead of using the cached access token.
    #[arg(long, conflicts_with = "offline")]
    pub fresh: bool,
    /// Use the cached access token without asking the org (no network call while its estimated
    /// lifetime lasts), for tight loops; it may have been revoked meanwhile.
    #[arg(long)]
    pub offline: bool,
}

impl FreshnessArgs {
    pub fn freshness(self) -> crate::connect::token::Freshness {
        use crate::connect::token::Freshness;
        match (self.fresh, self.offline) {
            (true, _) => Freshness::Fresh,
            (_, true) => Freshness::Offline,
            _ => Freshness::Confirm,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// `export` lines for a POSIX shell: SF_ACCESS_TOKEN, SF_INSTANCE_URL, …
    Env,
    /// One JSON object.
    Json,
    /// force://clientId:clientSecret:refreshToken@instanceHost, for `sf org login sfdx-url`.
    SfdxUrl,
}
