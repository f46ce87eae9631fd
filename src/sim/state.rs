//! The simulated org's live state: sessions, refresh tokens, codes, device logins, lockouts.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ipnet::IpNet;

use super::scenario::{App, Scenario, User};

/// What an access token (or SOAP session id) stands for.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub username: String,
    pub consumer_key: Option<String>,
    pub scope: String,
    /// Issued by a password login while the password had expired: no API call accepts it
    /// (a password that expires later leaves the sessions issued before it working: the
    /// policy is applied at login).
    pub expired_password: bool,
}

#[derive(Debug, Clone)]
pub struct RefreshInfo {
    pub username: String,
    pub consumer_key: String,
    pub scope: String,
    /// Rotated out: reusing it revokes the token that replaced it.
    pub rotated_to: Option<String>,
}

#[derive(Debug, Clone)]
pub struct CodeInfo {
    pub username: String,
    pub consumer_key: String,
    pub redirect_uri: String,
    pub challenge: Option<String>,
    pub scope: String,
    pub expires: Instant,
    pub used: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceStatus {
    Pending,
    Approved,
    Denied,
}

#[derive(Debug, Clone)]
pub struct DeviceInfo {
    pub user_code: String,
    pub consumer_key: String,
    pub scope: String,
    pub status: DeviceStatus,
    pub username: Option<String>,
    pub expires: Instant,
    pub last_poll: Option<Instant>,
    pub polls: u32,
}

/// Mutable state, behind one mutex that is never held across an await.
#[derive(Debug)]
pub struct Live {
    pub scenario: Scenario,
    pub sessions: HashMap<String, SessionInfo>,
    pub refresh_tokens: HashMap<String, RefreshInfo>,
    pub codes: HashMap<String, CodeInfo>,
    pub devices: HashMap<String, DeviceInfo>,
    pub failures: HashMap<String, u32>,
    /// Users who approved an app in the browser: (username, consumer key).
    pub approvals: Vec<(String, String)>,
    /// How many requests each fault (by index) has hit.
    pub fault_hits: Vec<u32>,
    /// The org's Login History: seeded, then each login served.
    pub login_history: Vec<super::login_history::LoginRow>,
}

/// Shared by both simulated hosts.
#[derive(Debug)]
pub struct Shared {
    pub live: Mutex<Live>,
    pub login_url: String,
    pub instance_url: String,
    pub rtt: Duration,
}

pub type SharedState = Arc<Shared>;

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, Live> {
        // A panic while holding the lock leaves plain data behind; keep serving it.
        self.live.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The identity URL of a user: on the login host, `/id/{org}/{user}`.
    pub fn identity_url(&self, org_id: &str, user_id: &str) -> String {
        format!("{}/id/{org_id}/{user_id}", self.login_url)
    }
}

pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    // SystemRandom only fails when the OS has no entropy source; zeros would still be unique
    // enough for a simulator, but that never happens on supported systems.
    let _ = SystemRandom::new().fill(&mut buf);
    buf
}

pub fn now_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default()
}

impl Live {
    pub fn new(scenario: Scenario) -> Self {
        let mut scenario = scenario;
        for (i, user) in scenario.users.iter_mut().enumerate() {
            if user.user_id.is_empty() {
                user.user_id = format!("0055e{:010}AAG", i + 1);
            }
        }
        let faults = scenario.faults.len();
        let login_history = super::login_history::seeded(
            &scenario.login_history,
            &scenario.users,
            std::time::SystemTime::now(),
        );
        Self {
            login_history,
            scenario,
            sessions: HashMap::new(),
            refresh_tokens: HashMap::new(),
            codes: HashMap::new(),
            devices: HashMap::new(),
            failures: HashMap::new(),
            approvals: Vec::new(),
            fault_hits: vec![0; faults],
        }
    }

    pub fn user(&self, username: &str) -> Option<&User> {
        self.scenario
            .users
            .iter()
            .find(|u| u.username.eq_ignore_ascii_case(username))
    }

    pub fn user_mut(&mut self, username: &str) -> Option<&mut User> {
        self.scenario
            .users
            .iter_mut()
            .find(|u| u.username.eq_ignore_ascii_case(username))
    }

    /// A user by its 18-character id, or the 15-character form Salesforce also accepts.
    pub fn user_by_id(&self, user_id: &str) -> Option<&User> {
        self.scenario.users.iter().find(|u| {
            u.user_id == user_id || (user_id.len() == 15 && u.user_id.get(..15) == Some(user_id))
        })
    }

    pub fn app(&self, consumer_key: &str) -> Option<&App> {
        self.scenario
            .apps
            .iter()
            .find(|a| a.consumer_key == consumer_key)
    }

    pub fn app_mut(&mut self, consumer_key: &str) -> Option<&mut App> {
        self.scenario
            .apps
            .iter_mut()
            .find(|a| a.consumer_key == consumer_key)
    }

    pub fn org_id15(&self) -> &str {
        let id = &self.scenario.org.org_id;
        &id[..id.len().min(15)]
    }

    /// A new access token: the 15-character org id, `!`, and an opaque part.
    pub fn new_session(&mut self, info: SessionInfo) -> String {
        let token = format!(
            "{}!AQ{}",
            self.org_id15(),
            URL_SAFE_NO_PAD.encode(random_bytes(60))
        );
        let token = token.replace(['-', '_'], ".");
        self.sessions.insert(token.clone(), info);
        token
    }

    pub fn new_refresh_token(&mut self, info: RefreshInfo) -> String {
        let token =
            format!("5Aep861{}", URL_SAFE_NO_PAD.encode(random_bytes(42))).replace(['-', '_'], ".");
        self.refresh_tokens.insert(token.clone(), info);
        token
    }

    /// Authorization codes look like Salesforce's: base64 with `+` and `/`, ending in `==`.
    pub fn new_code(&mut self, info: CodeInfo) -> String {
        let body = STANDARD.encode(random_bytes(30));
        let code = format!("aPrx{}+{}/{}==", &body[..16], &body[16..28], &body[28..]);
        self.codes.insert(code.clone(), info);
        code
    }

    pub fn new_device(&mut self, consumer_key: &str, scope: &str) -> (String, String) {
        let device_code = URL_SAFE_NO_PAD.encode(random_bytes(30));
        const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        let user_code: String = random_bytes(8)
            .iter()
            .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
            .collect();
        let lifetime = Duration::from_secs(self.scenario.org.device_code_lifetime_secs);
        self.devices.insert(
            device_code.clone(),
            DeviceInfo {
                user_code: user_code.clone(),
                consumer_key: consumer_key.to_string(),
                scope: scope.to_string(),
                status: DeviceStatus::Pending,
                username: None,
                expires: Instant::now() + lifetime,
                last_poll: None,
                polls: 0,
            },
        );
        (device_code, user_code)
    }

    /// Approve or deny the device login with this user code; false when no such pending code.
    pub fn decide_device(
        &mut self,
        user_code: &str,
        approve: bool,
        username: Option<&str>,
    ) -> bool {
        let default_user = self.scenario.authorize.username.clone();
        let wanted = user_code.trim().to_ascii_uppercase().replace('-', "");
        for device in self.devices.values_mut() {
            if device.user_code == wanted && device.status == DeviceStatus::Pending {
                device.status = if approve {
                    DeviceStatus::Approved
                } else {
                    DeviceStatus::Denied
                };
                device.username = Some(username.unwrap_or(&default_user).to_string());
                return true;
            }
        }
        false
    }

    /// Revoke a refresh token and every session issued from it (by user and app).
    pub fn revoke_refresh(&mut self, token: &str) -> bool {
        let Some(info) = self.refresh_tokens.remove(token) else {
            return false;
        };
        self.sessions.retain(|_, s| {
            !(s.username == info.username && s.consumer_key.as_deref() == Some(&info.consumer_key))
        });
        true
    }

    pub fn ip_in(ranges: &[String], ip: IpAddr) -> bool {
        ranges
            .iter()
            .filter_map(|r| {
                r.parse::<IpNet>()
                    .ok()
                    .or_else(|| r.parse::<IpAddr>().ok().map(IpNet::from))
            })
            .any(|net| net.contains(&ip))
    }

    /// Whether a login from `ip` needs the security token appended.
    pub fn token_required(&self, user: &User, ip: IpAddr) -> bool {
        !(Self::ip_in(&self.scenario.org.trusted_ip_ranges, ip)
            || Self::ip_in(&user.login_ip_ranges, ip))
    }

    /// A failed login attempt; returns true when the user is now locked out.
    pub fn record_failure(&mut self, username: &str) -> bool {
        let limit = self.scenario.org.lockout_after;
        let n = self
            .failures
            .entry(username.to_ascii_lowercase())
            .or_default();
        *n += 1;
        limit > 0 && *n >= limit
    }

    pub fn locked_out(&self, username: &str) -> bool {
        let limit = self.scenario.org.lockout_after;
        limit > 0
            && self
                .failures
                .get(&username.to_ascii_lowercase())
                .is_some_and(|n| *n >= limit)
    }

    pub fn clear_failures(&mut self, username: &str) {
        self.failures.remove(&username.to_ascii_lowercase());
    }
}

/// How a password check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordCheck {
    Ok,
    /// Right password, but the token (or MFA code) is missing or wrong from an untrusted IP.
    TokenMissing,
    Wrong,
    LockedOut,
    Inactive,
    IpRestricted,
}

impl Live {
    /// Check `password_and_token` (password immediately followed by the token) for `username`.
    pub fn check_password(
        &mut self,
        username: &str,
        password_and_token: &str,
        ip: IpAddr,
    ) -> PasswordCheck {
        let Some(user) = self.user(username).cloned() else {
            return PasswordCheck::Wrong;
        };
        if self.locked_out(&user.username) {
            return PasswordCheck::LockedOut;
        }
        if !user.active {
            return PasswordCheck::Inactive;
        }
        if !user.login_ip_ranges.is_empty() && !Self::ip_in(&user.login_ip_ranges, ip) {
            return PasswordCheck::IpRestricted;
        }
        let token_required = self.token_required(&user, ip);
        let mut suffixes = vec![user.security_token.clone()];
        if let Some(code) = &user.mfa_code {
            suffixes.push(code.clone());
        }
        // From trusted networks the password alone works, and the password plus token too.
        let matches = match password_and_token.strip_prefix(&user.password) {
            Some("") => !token_required,
            Some(rest) => suffixes.iter().any(|s| !s.is_empty() && s == rest),
            None => false,
        };
        if matches {
            self.clear_failures(&user.username);
            return PasswordCheck::Ok;
        }
        let right_password_no_token = password_and_token == user.password && token_required;
        if self.record_failure(&user.username) {
            return PasswordCheck::LockedOut;
        }
        if right_password_no_token {
            PasswordCheck::TokenMissing
        } else {
            PasswordCheck::Wrong
        }
    }
}
