//! Login URLs: parse what a user typed, normalise it, and refuse hosts that are not API login hosts.

use std::fmt;

use url::{Host, Url};

/// What kind of Salesforce host a login URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HostKind {
    /// `https://login.salesforce.com`
    Production,
    /// `https://test.salesforce.com`
    Sandbox,
    /// `https://NAME.my.salesforce.com` and the partitioned developer, scratch, demo… domains.
    MyDomain,
    /// `https://NAME--SANDBOX.sandbox.my.salesforce.com`
    MyDomainSandbox,
    /// `https://NAME.my.site.com[/path]`: an Experience Cloud site.
    ExperienceCloud,
    /// Government and regional clouds (`*.my.salesforce.mil`, `*.my.sfcrmproducts.cn`).
    OtherCloud,
    /// `http://127.0.0.1:PORT` and friends: a local simulated org.
    Loopback,
}

/// A normalised login URL: scheme and host (and a site path for Experience Cloud), no trailing slash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginUrl {
    url: Url,
    kind: HostKind,
}

/// Why a login URL was refused; each variant says what to use instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoginUrlError {
    #[error(
        "the login URL is empty: use https://login.salesforce.com (production), https://test.salesforce.com (sandbox) or your My Domain URL"
    )]
    Empty,
    #[error(
        "'{0}' is not a valid URL: use https://login.salesforce.com, https://test.salesforce.com or your My Domain URL, e.g. https://acme.my.salesforce.com"
    )]
    Invalid(String),
    #[error(
        "'{0}' uses {1}: Salesforce logins must use https (only a local simulated org on 127.0.0.1 or localhost may use http)"
    )]
    NotHttps(String, String),
    #[error(
        "login URLs must not contain a user name or password ('{0}'); enter credentials in their own fields"
    )]
    HasUserInfo(String),
    #[error("'{0}' has a port: Salesforce login hosts use the standard https port; remove ':{1}'")]
    HasPort(String, u16),
    #[error("'{given}' is the {what}, not an API login host: use {suggestion}")]
    NotApiHost {
        given: String,
        what: &'static str,
        suggestion: String,
    },
    #[error(
        "'{0}' is on a domain where customers run their own sites (force.com, site.com), not a Salesforce API host; sfconnect sends a token there only when the login itself was on that site (an Experience Cloud login). Log in through the org's My Domain URL"
    )]
    CustomerSite(String),
    #[error(
        "'{0}' is a legacy instance URL, which Salesforce no longer redirects since Spring '26: use your My Domain URL (Setup > My Domain), or https://login.salesforce.com"
    )]
    LegacyInstance(String),
    #[error(
        "'{0}' is not a Salesforce host: use https://login.salesforce.com, https://test.salesforce.com or your My Domain URL, e.g. https://acme.my.salesforce.com"
    )]
    NotSalesforce(String),
}

/// Suffixes of hosts that serve the Salesforce UI but not logins or the API, and what to use instead.
const NON_API_HOSTS: &[(&str, &str, &str)] = &[
    (
        ".lightning.force.com",
        ".my.salesforce.com",
        "Lightning Experience address",
    ),
    (
        ".my.salesforce-setup.com",
        ".my.salesforce.com",
        "Setup address",
    ),
    (
        ".my.salesforce-sites.com",
        ".my.salesforce.com",
        "Salesforce Sites address",
    ),
];

/// Partitions of My Domain hosts for non-production orgs (developer editions, scratch orgs…).
const PARTITIONS: &[&str] = &["develop", "scratch", "demo", "free", "patch", "trailblaze"];

impl LoginUrl {
    /// The production login host.
    pub fn production() -> Self {
        Self::parse("https://login.salesforce.com").unwrap_or_else(|_| unreachable!())
    }

    /// The sandbox login host.
    pub fn sandbox() -> Self {
        Self::parse("https://test.salesforce.com").unwrap_or_else(|_| unreachable!())
    }

    /// Parse and normalise what a user typed or pasted.
    pub fn parse(input: &str) -> Result<Self, LoginUrlError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(LoginUrlError::Empty);
        }
        let with_scheme = if trimmed.contains("://") {
            trimmed.to_string()
        } else {
            format!("https://{trimmed}")
        };
        let mut url =
            Url::parse(&with_scheme).map_err(|_| LoginUrlError::Invalid(trimmed.to_string()))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(LoginUrlError::HasUserInfo(redact_userinfo(&url)));
        }
        let host = url
            .host()
            .ok_or_else(|| LoginUrlError::Invalid(trimmed.to_string()))?
            .to_owned();
        let loopback = is_loopback(&host);
        match (url.scheme(), loopback) {
            ("https", _) | ("http", true) => {}
            (scheme, _) => {
                return Err(LoginUrlError::NotHttps(
                    trimmed.to_string(),
                    scheme.to_string(),
                ));
            }
        }
        url.set_query(None);
        url.set_fragment(None);
        if loopback {
            url.set_path("");
            return Ok(Self {
                url,
                kind: HostKind::Loopback,
            });
        }
        let name = match &host {
            Host::Domain(d) => d.trim_end_matches('.').to_ascii_lowercase(),
            _ => return Err(LoginUrlError::NotSalesforce(trimmed.to_string())),
        };
        if let Some(port) = url.port() {
            return Err(LoginUrlError::HasPort(trimmed.to_string(), port));
        }
        let kind = classify(&name, trimmed)?;
        if kind != HostKind::ExperienceCloud {
            url.set_path("");
        } else {
            let path = url.path().trim_end_matches('/').to_string();
            url.set_path(&path);
        }
        Ok(Self { url, kind })
    }

    pub fn kind(&self) -> HostKind {
        self.kind
    }

    pub fn host(&self) -> &str {
        self.url.host_str().unwrap_or_default()
    }

    /// True for My Domain hosts (and loopback, where the simulated org decides).
    pub fn is_my_domain(&self) -> bool {
        matches!(
            self.kind,
            HostKind::MyDomain | HostKind::MyDomainSandbox | HostKind::OtherCloud
        )
    }

    /// True when the host itself says it is a sandbox.
    pub fn is_sandbox(&self) -> bool {
        matches!(self.kind, HostKind::Sandbox | HostKind::MyDomainSandbox)
    }

    /// The URL as text, without a trailing slash.
    pub fn as_str(&self) -> &str {
        self.url.as_str().trim_end_matches('/')
    }

    /// An absolute URL on this host; `path` starts with `/`.
    pub fn endpoint(&self, path: &str) -> String {
        format!("{}{}", self.as_str(), path)
    }

    /// The JWT bearer `aud` claim for this host: login or test for ordinary orgs, the site URL
    /// for Experience Cloud, the URL itself for a local simulated org.
    pub fn jwt_audience(&self, sandbox: bool) -> String {
        match self.kind {
            HostKind::ExperienceCloud | HostKind::Loopback => self.as_str().to_string(),
            HostKind::Sandbox | HostKind::MyDomainSandbox => "https://test.salesforce.com".into(),
            _ if sandbox => "https://test.salesforce.com".into(),
            _ => "https://login.salesforce.com".into(),
        }
    }
}

impl fmt::Display for LoginUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for LoginUrl {
    type Err = LoginUrlError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

fn is_loopback<S: AsRef<str>>(host: &Host<S>) -> bool {
    match host {
        Host::Domain(d) => d.as_ref().eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => ip.is_loopback(),
    }
}

fn redact_userinfo(url: &Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.to_string()
}

fn classify(host: &str, given: &str) -> Result<HostKind, LoginUrlError> {
    for (suffix, replacement, what) in NON_API_HOSTS {
        if let Some(stem) = host.strip_suffix(suffix) {
            return Err(LoginUrlError::NotApiHost {
                given: given.to_string(),
                what,
                suggestion: format!("https://{stem}{replacement}"),
            });
        }
    }
    match host {
        "login.salesforce.com" => return Ok(HostKind::Production),
        "test.salesforce.com" => return Ok(HostKind::Sandbox),
        _ => {}
    }
    if let Some(stem) = host.strip_suffix(".my.salesforce.com") {
        if stem.ends_with(".sandbox") {
            return Ok(HostKind::MyDomainSandbox);
        }
        let partition = stem.rsplit('.').next().unwrap_or_default();
        if stem.contains('.') && !PARTITIONS.contains(&partition) {
            return Err(LoginUrlError::NotSalesforce(given.to_string()));
        }
        return Ok(HostKind::MyDomain);
    }
    if host.ends_with(".my.site.com") {
        return Ok(HostKind::ExperienceCloud);
    }
    if host.ends_with(".my.salesforce.mil") || host.ends_with(".my.sfcrmproducts.cn") {
        return Ok(HostKind::OtherCloud);
    }
    if host.ends_with(".force.com") {
        let stem = host.split('.').next().unwrap_or_default();
        return Err(LoginUrlError::NotApiHost {
            given: given.to_string(),
            what: "address of a Salesforce page",
            suggestion: format!("your My Domain URL, e.g. https://{stem}.my.salesforce.com"),
        });
    }
    if host.ends_with(".salesforce.com") {
        return Err(LoginUrlError::LegacyInstance(given.to_string()));
    }
    Err(LoginUrlError::NotSalesforce(given.to_string()))
}

/// Check an `instance_url` returned by Salesforce before any token is sent to it: https on a
/// Salesforce host, or loopback when we logged in through a loopback (simulated) org.
/// Whether a URL that a login's answer names (the identity URL `id`) may be sent the bearer
/// token: https on a Salesforce host; on a loopback login only the login host itself or the
/// instance (another port on this machine may belong to anyone).
pub fn token_may_go_to(target: &str, login: &LoginUrl, instance: &str) -> bool {
    let Ok(url) = Url::parse(target) else {
        return false;
    };
    if login.kind == HostKind::Loopback {
        let origin = url.origin();
        return origin == login.url.origin()
            || Url::parse(instance).is_ok_and(|i| i.origin() == origin);
    }
    check_instance_url(target, login).is_ok()
}

/// An instance URL as it is saved: origin and path (percent-encoded where needed), without a
/// trailing slash, query or fragment.
pub fn normalised(url: &Url) -> String {
    let path = url.path().trim_end_matches('/');
    format!("{}{path}", url.origin().ascii_serialization())
}

/// Whether `id` is a Salesforce record ID of the kind whose key prefix is `prefix` ("00D" an
/// org, "005" a user): 15 case-sensitive or 18 case-insensitive letters and digits.
pub fn is_salesforce_id(id: &str, prefix: &str) -> bool {
    matches!(id.len(), 15 | 18)
        && id.starts_with(prefix)
        && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The org and user a login names, refused unless both are Salesforce IDs: they are saved and
/// printed, so nothing else a server sends (an escape sequence, say) may pass as one.
pub fn check_ids(org_id: &str, user_id: &str) -> Result<(), super::SfError> {
    if is_salesforce_id(org_id, "00D") && is_salesforce_id(user_id, "005") {
        return Ok(());
    }
    Err(super::SfError::new(super::Cause::MalformedResponse).with_context(
        "the login's answer names an org or user that is not a Salesforce ID (15 or 18 letters and digits, 00D… for an org, 005… for a user); nothing was saved",
    ))
}

pub fn check_instance_url(instance: &str, login: &LoginUrl) -> Result<Url, LoginUrlError> {
    let url = Url::parse(instance).map_err(|_| LoginUrlError::Invalid(instance.to_string()))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(LoginUrlError::HasUserInfo(redact_userinfo(&url)));
    }
    let host = url
        .host()
        .ok_or_else(|| LoginUrlError::Invalid(instance.to_string()))?;
    if login.kind == HostKind::Loopback && is_loopback(&host) {
        return Ok(url);
    }
    if url.scheme() != "https" {
        return Err(LoginUrlError::NotHttps(
            instance.to_string(),
            url.scheme().to_string(),
        ));
    }
    let Host::Domain(name) = host else {
        return Err(LoginUrlError::NotSalesforce(instance.to_string()));
    };
    let name = name.to_ascii_lowercase();
    const SALESFORCE_DOMAINS: &[&str] = &[
        ".salesforce.com",
        ".cloudforce.com",
        ".salesforce.mil",
        ".sfcrmproducts.cn",
    ];
    // Customers host their own sites under these: a token goes there only when the login
    // itself was on that very host (an Experience Cloud login).
    const SITE_DOMAINS: &[&str] = &[".force.com", ".site.com"];
    if SALESFORCE_DOMAINS.iter().any(|d| name.ends_with(d)) {
        Ok(url)
    } else if SITE_DOMAINS.iter().any(|d| name.ends_with(d)) {
        let login_host = login.url.host_str().map(str::to_ascii_lowercase);
        if login_host.as_deref() == Some(name.as_str()) {
            Ok(url)
        } else {
            Err(LoginUrlError::CustomerSite(instance.to_string()))
        }
    } else {
        Err(LoginUrlError::NotSalesforce(instance.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(input: &str) -> (String, HostKind) {
        let u = LoginUrl::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        (u.as_str().to_string(), u.kind())
    }

    #[test]
    fn normalises_what_users_type() {
        assert_eq!(
            ok("  login.salesforce.com/ "),
            ("https://login.salesforce.com".into(), HostKind::Production)
        );
        assert_eq!(
            ok("https://TEST.salesforce.com/services/oauth2/token?x=1"),
            ("https://test.salesforce.com".into(), HostKind::Sandbox)
        );
        assert_eq!(
            ok("https://acme.my.salesforce.com/lightning/page/home"),
            ("https://acme.my.salesforce.com".into(), HostKind::MyDomain)
        );
        assert_eq!(
            ok("acme--uat.sandbox.my.salesforce.com"),
            (
                "https://acme--uat.sandbox.my.salesforce.com".into(),
                HostKind::MyDomainSandbox
            )
        );
        assert_eq!(
            ok("https://acme-dev-ed.develop.my.salesforce.com"),
            (
                "https://acme-dev-ed.develop.my.salesforce.com".into(),
                HostKind::MyDomain
            )
        );
        assert_eq!(
            ok("https://acme.my.site.com/customers/"),
            (
                "https://acme.my.site.com/customers".into(),
                HostKind::ExperienceCloud
            )
        );
        assert_eq!(
            ok("http://127.0.0.1:8443/"),
            ("http://127.0.0.1:8443".into(), HostKind::Loopback)
        );
        assert_eq!(ok("http://[::1]:9000").1, HostKind::Loopback);
        assert_eq!(ok("http://localhost:9000").1, HostKind::Loopback);
    }

    #[test]
    fn refuses_non_api_hosts_with_the_right_url() {
        let err = LoginUrl::parse("https://acme.lightning.force.com/lightning/setup").unwrap_err();
        assert!(
            err.to_string().contains("https://acme.my.salesforce.com"),
            "{err}"
        );
        let err = LoginUrl::parse("https://acme--uat.sandbox.lightning.force.com").unwrap_err();
        assert!(
            err.to_string()
                .contains("https://acme--uat.sandbox.my.salesforce.com"),
            "{err}"
        );
        let err = LoginUrl::parse("acme.my.salesforce-setup.com").unwrap_err();
        assert!(
            err.to_string().contains("https://acme.my.salesforce.com"),
            "{err}"
        );
    }

    #[test]
    fn refuses_plain_http_userinfo_ports_and_strangers() {
        assert!(matches!(
            LoginUrl::parse("http://login.salesforce.com"),
            Err(LoginUrlError::NotHttps(..))
        ));
        assert!(matches!(
            LoginUrl::parse("https://user:pw@login.salesforce.com"),
            Err(LoginUrlError::HasUserInfo(s)) if !s.contains("pw")
        ));
        assert!(matches!(
            LoginUrl::parse("https://login.salesforce.com:8443"),
            Err(LoginUrlError::HasPort(_, 8443))
        ));
        assert!(matches!(
            LoginUrl::parse("https://login.salesforce.com.evil.example"),
            Err(LoginUrlError::NotSalesforce(_))
        ));
        assert!(matches!(
            LoginUrl::parse("https://na1.salesforce.com"),
            Err(LoginUrlError::LegacyInstance(_))
        ));
        assert!(matches!(LoginUrl::parse("   "), Err(LoginUrlError::Empty)));
        assert!(matches!(
            LoginUrl::parse("ftp://login.salesforce.com"),
            Err(LoginUrlError::NotHttps(..))
        ));
    }

    #[test]
    fn jwt_audience_follows_environment() {
        assert_eq!(
            LoginUrl::production().jwt_audience(false),
            "https://login.salesforce.com"
        );
        assert_eq!(
            LoginUrl::sandbox().jwt_audience(false),
            "https://test.salesforce.com"
        );
        let md = LoginUrl::parse("acme.my.salesforce.com").unwrap();
        assert_eq!(md.jwt_audience(true), "https://test.salesforce.com");
    }

    #[test]
    fn instance_urls_are_checked_before_tokens_go_there() {
        let prod = LoginUrl::production();
        assert!(check_instance_url("https://acme.my.salesforce.com", &prod).is_ok());
        assert!(check_instance_url("http://acme.my.salesforce.com", &prod).is_err());
        assert!(check_instance_url("https://evil.example", &prod).is_err());
        assert!(check_instance_url("http://127.0.0.1:1", &prod).is_err());
        let sim = LoginUrl::parse("http://127.0.0.1:5000").unwrap();
        assert!(check_instance_url("http://127.0.0.1:5001", &sim).is_ok());
        // The identity URL gets the token only where the login or the instance is.
        let instance = "http://127.0.0.1:5001";
        assert!(token_may_go_to(
            "http://127.0.0.1:5001/id/00D/005",
            &sim,
            instance
        ));
        assert!(!token_may_go_to(
            "http://127.0.0.1:6666/id/00D/005",
            &sim,
            instance
        ));
        assert!(token_may_go_to(
            "https://login.salesforce.com/id/00D/005",
            &prod,
            "https://acme.my.salesforce.com"
        ));
        assert!(!token_may_go_to(
            "https://evil.example/id",
            &prod,
            "https://acme.my.salesforce.com"
        ));
        assert!(!token_may_go_to(
            "http://login.salesforce.com/id",
            &prod,
            "https://acme.my.salesforce.com"
        ));
    }
}
