//! The simulated org's configuration: users, apps, org settings, objects and faults.
//! Loaded from TOML or JSON; every field has a default, and `Scenario::demo()` is the built-in org.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Scenario {
    pub org: OrgSettings,
    pub users: Vec<User>,
    pub apps: Vec<App>,
    pub objects: Vec<Object>,
    pub licenses: Vec<License>,
    pub authorize: AuthorizeBehaviour,
    pub device: DeviceBehaviour,
    pub faults: Vec<Fault>,
    /// The org's Login History before the simulated org starts; its own logins are added.
    pub login_history: Vec<LoginRecord>,
}

/// Rows of the org's Login History, as a scenario seeds them: `count` logins of one kind by
/// one user, `interval_minutes` apart (a day by default), the latest `days_ago` days before the
/// simulated org starts. Field values as Salesforce writes them (protocol reference §5.7b).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LoginRecord {
    /// A scenario user's username.
    pub username: String,
    pub days_ago: u32,
    pub count: u32,
    pub interval_minutes: u32,
    pub login_type: String,
    pub login_subtype: Option<String>,
    pub api_type: Option<String>,
    pub api_version: Option<String>,
    pub application: Option<String>,
    /// "Success", or the failure as Login History words it ("Invalid Password", …).
    pub status: String,
    pub source_ip: String,
}

impl Default for LoginRecord {
    fn default() -> Self {
        Self {
            username: String::new(),
            days_ago: 1,
            count: 1,
            interval_minutes: 1_440,
            login_type: "Application".into(),
            login_subtype: None,
            api_type: None,
            api_version: None,
            application: None,
            status: "Success".into(),
            source_ip: "203.0.113.10".into(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OrgSettings {
    pub name: String,
    /// 18-character org id.
    pub org_id: String,
    pub my_domain: String,
    pub sandbox: bool,
    /// Orgs created since Summer '23 block the OAuth username-password flow by default.
    pub block_username_password_flow: bool,
    /// Without Manage Users, Login History answers with the user's own rows instead of
    /// refusing (Salesforce documents both; protocol reference §5.7b).
    pub login_history_own_rows_only: bool,
    /// Orgs created since Winter '26 have SOAP login() off by default.
    pub soap_login_enabled: bool,
    /// Summer '26: login() requires "Use Any API Auth".
    pub soap_login_requires_use_any_api_auth: bool,
    /// The edition includes API access.
    pub api_enabled: bool,
    /// "Prevent login from https://login.salesforce.com": credential logins only on My Domain.
    pub require_my_domain_login: bool,
    /// Org-wide trusted IP ranges (CIDR); logins from them need no security token.
    pub trusted_ip_ranges: Vec<String>,
    pub password_expires_days: u32,
    pub daily_api_max: i64,
    pub daily_api_used: i64,
    /// Failed logins before a user is locked out.
    pub lockout_after: u32,
    pub device_code_lifetime_secs: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct User {
    pub username: String,
    pub password: String,
    pub security_token: String,
    /// 18-character user id; derived from the user's position when empty.
    pub user_id: String,
    pub full_name: String,
    pub email: String,
    pub profile: String,
    pub active: bool,
    pub api_enabled: bool,
    pub use_any_api_auth: bool,
    /// "Multi-Factor Authentication for API Logins": this code may stand where the token goes.
    pub mfa_code: Option<String>,
    pub password_expired: bool,
    pub password_age_days: u32,
    /// Profile Login IP Ranges (CIDR); outside them every login fails.
    pub login_ip_ranges: Vec<String>,
    /// Object name -> access letters: c(reate) r(ead) e(dit) d(elete).
    pub objects: BTreeMap<String, String>,
    /// A Salesforce Integration user license rather than a person's.
    pub integration_user: bool,
    /// "Manage Users": reads other users' Login History.
    pub manage_users: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppKind {
    ConnectedApp,
    ExternalClientApp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PermittedUsers {
    AllSelfAuthorize,
    AdminApproved,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flow {
    Password,
    AuthorizationCode,
    RefreshToken,
    Device,
    ClientCredentials,
    Jwt,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct App {
    pub name: String,
    pub kind: AppKind,
    pub consumer_key: String,
    pub consumer_secret: String,
    pub flows: Vec<Flow>,
    pub callback_urls: Vec<String>,
    /// PEM certificate for JWT bearer ("Use digital signatures").
    pub certificate: Option<String>,
    pub permitted_users: PermittedUsers,
    /// Usernames whose profile or permission set is assigned to the app.
    pub pre_authorized: Vec<String>,
    pub refresh_token_rotation: bool,
    /// Installed in the org (uninstalled connected apps are restricted since September 2025).
    pub installed: bool,
    /// The client credentials flow's Run As user.
    pub run_as: Option<String>,
    pub require_secret_for_web_server_flow: bool,
    pub require_secret_for_refresh_token_flow: bool,
    pub require_pkce: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Object {
    pub name: String,
    pub label: String,
    pub custom: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct License {
    pub name: String,
    pub key: String,
    pub total: i64,
    pub used: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthorizeMode {
    Approve,
    Deny,
}

/// How the authorize endpoint behaves in place of a person at a browser.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthorizeBehaviour {
    pub mode: AuthorizeMode,
    /// The user who "logs in"; `login_hint` wins when it names a known user.
    pub username: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeviceBehaviour {
    pub interval_secs: u64,
    /// Answer `slow_down` when polled faster than the interval.
    pub slow_down: bool,
    /// Approve every device code automatically after this many polls (0 = wait for approval).
    pub auto_approve_after_polls: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Wait `latency_ms`, then answer normally.
    Latency,
    /// 503 with an HTML maintenance page.
    Maintenance,
    /// 500 with an HTML error page.
    Html500,
    /// 200 with JSON cut off in the middle.
    MalformedJson,
    /// 200 with XML cut off in the middle.
    MalformedXml,
    /// Close the connection without a complete answer.
    Drop,
    /// Never answer (until `latency_ms`, default one hour).
    Stall,
    /// Send the headers and half the body, then stall.
    StallMidBody,
    /// 403 REQUEST_LIMIT_EXCEEDED.
    RequestLimitExceeded,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Fault {
    /// Path prefix the fault applies to; "" for every path.
    pub path: String,
    pub kind: FaultKind,
    pub latency_ms: u64,
    /// How many requests it hits; 0 = all.
    pub times: u32,
}

impl Default for Fault {
    fn default() -> Self {
        Self {
            path: String::new(),
            kind: FaultKind::Latency,
            latency_ms: 0,
            times: 0,
        }
    }
}

impl Default for OrgSettings {
    fn default() -> Self {
        Self {
            name: "Acme Demo".into(),
            org_id: "00D5e000003V0C7EAK".into(),
            my_domain: "acme-demo".into(),
            sandbox: false,
            block_username_password_flow: false,
            login_history_own_rows_only: false,
            soap_login_enabled: true,
            soap_login_requires_use_any_api_auth: false,
            api_enabled: true,
            require_my_domain_login: false,
            trusted_ip_ranges: Vec::new(),
            password_expires_days: 90,
            daily_api_max: 15000,
            daily_api_used: 120,
            lockout_after: 10,
            device_code_lifetime_secs: 600,
        }
    }
}

impl Default for User {
    fn default() -> Self {
        Self {
            username: String::new(),
            password: String::new(),
            security_token: String::new(),
            user_id: String::new(),
            full_name: "Integration User".into(),
            email: "integration@example.com".into(),
            profile: "Integration Profile".into(),
            active: true,
            api_enabled: true,
            use_any_api_auth: true,
            mfa_code: None,
            password_expired: false,
            password_age_days: 10,
            login_ip_ranges: Vec::new(),
            objects: default_object_access(),
            integration_user: true,
            manage_users: false,
        }
    }
}

impl Default for App {
    fn default() -> Self {
        Self {
            name: "sfconnect".into(),
            kind: AppKind::ConnectedApp,
            consumer_key: String::new(),
            consumer_secret: String::new(),
            flows: vec![
                Flow::Password,
                Flow::AuthorizationCode,
                Flow::RefreshToken,
                Flow::Device,
                Flow::ClientCredentials,
                Flow::Jwt,
            ],
            callback_urls: vec![
                "http://localhost:1717/OauthRedirect".into(),
                "http://127.0.0.1:1717/OauthRedirect".into(),
            ],
            certificate: None,
            permitted_users: PermittedUsers::AllSelfAuthorize,
            pre_authorized: Vec::new(),
            refresh_token_rotation: false,
            installed: true,
            run_as: None,
            require_secret_for_web_server_flow: true,
            require_secret_for_refresh_token_flow: true,
            require_pkce: false,
        }
    }
}

impl Default for License {
    fn default() -> Self {
        Self {
            name: "Salesforce".into(),
            key: "SFDC".into(),
            total: 10,
            used: 1,
        }
    }
}

impl Default for AuthorizeBehaviour {
    fn default() -> Self {
        Self {
            mode: AuthorizeMode::Approve,
            username: String::new(),
        }
    }
}

impl Default for DeviceBehaviour {
    fn default() -> Self {
        Self {
            interval_secs: 5,
            slow_down: false,
            auto_approve_after_polls: 0,
        }
    }
}

fn default_object_access() -> BTreeMap<String, String> {
    [
        "Account",
        "Contact",
        "Lead",
        "Opportunity",
        "Campaign",
        "CampaignMember",
        "Task",
        "Event",
        "User",
    ]
    .into_iter()
    .map(|o| (o.to_string(), "cred".to_string()))
    .collect()
}

fn standard_objects() -> Vec<Object> {
    [
        ("Account", "Account"),
        ("Contact", "Contact"),
        ("Lead", "Lead"),
        ("Opportunity", "Opportunity"),
        ("Campaign", "Campaign"),
        ("CampaignMember", "Campaign Member"),
        ("Task", "Task"),
        ("Event", "Event"),
        ("User", "User"),
        ("Case", "Case"),
    ]
    .into_iter()
    .map(|(name, label)| Object {
        name: name.into(),
        label: label.into(),
        custom: false,
    })
    .collect()
}

/// Six months of the demo org's logins: every method an audit tells apart, successes and
/// failures, an inactive user and a name beyond ASCII.
fn demo_login_history() -> Vec<LoginRecord> {
    let oauth = |user: &str, subtype: &str, count: u32, days_ago: u32| LoginRecord {
        username: user.into(),
        days_ago,
        count,
        login_type: "Remote Access 2.0".into(),
        login_subtype: Some(subtype.into()),
        application: Some("sfconnect Demo".into()),
        source_ip: "198.51.100.7".into(),
        ..LoginRecord::default()
    };
    let soap = |user: &str, api: &str, version: &str, count: u32, status: &str| LoginRecord {
        username: user.into(),
        days_ago: 2,
        count,
        login_type: "Other Apex API".into(),
        api_type: Some(api.into()),
        api_version: Some(version.into()),
        status: status.into(),
        source_ip: "192.0.2.44".into(),
        ..LoginRecord::default()
    };
    vec![
        oauth(DEMO_USERNAME, "OAuth JWT Bearer", 20, 1),
        oauth(DEMO_USERNAME, "OAuth Client Credentials", 6, 3),
        oauth(DEMO_USERNAME, "OAuth Refresh Token", 4, 5),
        LoginRecord {
            username: DEMO_USERNAME.into(),
            days_ago: 9,
            ..LoginRecord::default()
        },
        soap(
            "expired@acme-demo.example",
            "SOAP Partner",
            "50.0",
            30,
            "Success",
        ),
        soap(
            "expired@acme-demo.example",
            "SOAP Enterprise",
            "64.0",
            5,
            "Success",
        ),
        soap(
            "expired@acme-demo.example",
            "SOAP Partner",
            "50.0",
            2,
            "Invalid Password",
        ),
        oauth(
            "former.sync@acme-demo.example",
            "OAuth Username-Password",
            12,
            40,
        ),
        LoginRecord {
            status: "Invalid Password".into(),
            ..oauth(
                "former.sync@acme-demo.example",
                "OAuth Username-Password",
                2,
                41,
            )
        },
        LoginRecord {
            username: "noapi@acme-demo.example".into(),
            days_ago: 15,
            login_type: "SAML Idp Initiated SSO".into(),
            ..LoginRecord::default()
        },
    ]
}

impl Default for Scenario {
    fn default() -> Self {
        Self::demo()
    }
}

/// The demo org's login details, printed by `sfconnect sim` and shown by `sfconnect demo`.
pub const DEMO_USERNAME: &str = "integration@acme-demo.example";
pub const DEMO_PASSWORD: &str = "Demo-Pass-2026";
pub const DEMO_TOKEN: &str = "DemoSecurityToken0123456";
pub const DEMO_CONSUMER_KEY: &str =
    "3MVG9DemoConsumerKeyForTheSimulatedOrg.sfconnect.AcmeDemo0000000000000000000000000000";
pub const DEMO_CONSUMER_SECRET: &str =
    "DEMO0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789AB";

impl Scenario {
    /// The built-in demo org: an integration user, a person whose password has expired, a user
    /// without API access, and one connected app that allows every flow.
    pub fn demo() -> Self {
        let integration = User {
            username: DEMO_USERNAME.into(),
            password: DEMO_PASSWORD.into(),
            security_token: DEMO_TOKEN.into(),
            full_name: "Integration User".into(),
            email: "integration@acme-demo.example".into(),
            manage_users: true,
            ..User::default()
        };
        // Gone from the org, but still in its Login History: an old password-flow sync.
        let former = User {
            username: "former.sync@acme-demo.example".into(),
            password: "Former-Pass-2026".into(),
            security_token: "FormerSyncToken012345678".into(),
            full_name: "Zoë Ångström".into(),
            email: "zoe@acme-demo.example".into(),
            active: false,
            ..User::default()
        };
        let expired = User {
            username: "expired@acme-demo.example".into(),
            password: "Old-Pass-2026".into(),
            security_token: "ExpiredUserToken01234567".into(),
            full_name: "Ada Expired".into(),
            email: "ada@acme-demo.example".into(),
            profile: "System Administrator".into(),
            password_expired: true,
            password_age_days: 91,
            integration_user: false,
            ..User::default()
        };
        let no_api = User {
            username: "noapi@acme-demo.example".into(),
            password: "NoApi-Pass-2026".into(),
            security_token: "NoApiUserToken0123456789".into(),
            full_name: "Nora No-API".into(),
            email: "nora@acme-demo.example".into(),
            profile: "Standard User".into(),
            api_enabled: false,
            integration_user: false,
            ..User::default()
        };
        let app = App {
            name: "sfconnect Demo".into(),
            consumer_key: DEMO_CONSUMER_KEY.into(),
            consumer_secret: DEMO_CONSUMER_SECRET.into(),
            run_as: Some(DEMO_USERNAME.into()),
            pre_authorized: vec![DEMO_USERNAME.into()],
            ..App::default()
        };
        Self {
            org: OrgSettings::default(),
            authorize: AuthorizeBehaviour {
                mode: AuthorizeMode::Approve,
                username: DEMO_USERNAME.into(),
            },
            users: vec![integration, expired, no_api, former],
            apps: vec![app],
            objects: standard_objects(),
            licenses: vec![
                License {
                    name: "Salesforce".into(),
                    key: "SFDC".into(),
                    total: 25,
                    used: 18,
                },
                License {
                    name: "Salesforce Integration".into(),
                    key: "SFDC_INTEGRATION".into(),
                    total: 5,
                    used: 1,
                },
            ],
            device: DeviceBehaviour::default(),
            faults: Vec::new(),
            login_history: demo_login_history(),
        }
    }

    /// Load a scenario from a `.toml` or `.json` file.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read scenario {}: {e}", path.display()))?;
        let parsed = if path.extension().is_some_and(|e| e == "json") {
            serde_json::from_str(&text).map_err(|e| e.to_string())
        } else {
            toml::from_str(&text).map_err(|e| e.to_string())
        };
        parsed.map_err(|e| format!("scenario {} is not valid: {e}", path.display()))
    }
}
