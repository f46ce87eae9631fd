//! The connection being built or re-authenticated, before its checks pass.

use std::path::PathBuf;
use std::time::SystemTime;

use super::{Flow, Profile, SecretBundle, StoreKind, Ui};

/// A connection being created or re-authenticated: what the user entered, secrets typed.
/// It becomes a saved `Profile` only after its checks pass.
#[derive(Debug, Clone)]
pub struct Draft {
    pub flow: Flow,
    pub login_url: crate::salesforce::LoginUrl,
    pub sandbox: bool,
    pub username: Option<String>,
    pub client_id: Option<String>,
    pub key_file: Option<PathBuf>,
    pub ui: Ui,
    pub secrets: SecretBundle,
}

impl Draft {
    /// A saved connection as a draft again (to re-authenticate it), with `secrets`.
    pub fn of(
        profile: &Profile,
        login_url: crate::salesforce::LoginUrl,
        secrets: SecretBundle,
    ) -> Self {
        Self {
            flow: profile.flow,
            login_url,
            sandbox: profile.sandbox,
            username: profile.username.clone(),
            client_id: profile.client_id.clone(),
            key_file: profile.key_file.clone(),
            ui: profile.ui,
            secrets,
        }
    }

    /// The connection as it will be saved if its checks pass; settings the user did not touch
    /// (object lists, domains, policy) carry over from the existing connection.
    pub fn to_profile(&self, existing: Option<&Profile>, store: StoreKind) -> Profile {
        Profile {
            flow: self.flow,
            login_url: self.login_url.to_string(),
            instance_url: existing.and_then(|p| p.instance_url.clone()),
            sandbox: self.sandbox,
            username: self.username.clone(),
            org_id: existing.and_then(|p| p.org_id.clone()),
            user_id: existing.and_then(|p| p.user_id.clone()),
            client_id: self.client_id.clone(),
            key_file: self.key_file.clone(),
            store,
            secrets: String::new(),
            ui: self.ui,
            objects: existing.map(|p| p.objects.clone()).unwrap_or_default(),
            company_domains: existing
                .map(|p| p.company_domains.clone())
                .unwrap_or_default(),
            password_policy_days: existing.and_then(|p| p.password_policy_days),
            created_at: existing
                .map(|p| p.created_at)
                .unwrap_or_else(SystemTime::now),
            password_changed_at: existing.and_then(|p| p.password_changed_at),
            refresh_token_obtained_at: existing.and_then(|p| p.refresh_token_obtained_at),
            certificate_expires_at: match self.flow {
                Flow::Jwt => self
                    .key_file
                    .as_deref()
                    .and_then(super::jwt_key::certificate_for)
                    .and_then(|crt| std::fs::read_to_string(crt).ok())
                    .and_then(|pem| super::jwt_key::validity(&pem))
                    .map(|v| v.not_after),
                _ => None,
            },
            last_test: None,
        }
    }
}
