//! One error type for everything the protocol client can meet, each classified into a typed cause.

use std::fmt;

use super::diagnosis::Diagnosis;
use super::login_url::LoginUrlError;

/// What went wrong, in terms a fix can be attached to. Every documented Salesforce error maps to
/// one of these; `diagnosis()` says what most likely happened and what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cause {
    // OAuth token endpoint and authorize redirects.
    AuthenticationFailure,
    IpRestricted,
    RefreshTokenExpired,
    ConsumerNotApproved,
    AuthorizationCodeInvalid,
    JwtInvalidAssertion,
    JwtAudienceInvalid,
    WrongDomainForFlow,
    NoRunAsUser,
    DeviceFlowNotEnabled,
    FlowNotEnabledForApp,
    ClientIdInvalid,
    ClientSecretInvalid,
    /// The app refused a request that carried no consumer secret: it is missing, not wrong.
    ClientSecretMissing,
    AppNotInstalled,
    ExternalClientAppNotInstalled,
    GrantTypeUnsupported,
    UserInactive,
    OrgInactive,
    LoginRateLimited,
    AccessDenied,
    RedirectUriMismatch,
    ScopeInvalid,
    AuthorizationPending,
    SlowDown,
    DeviceCodeExpired,
    // SOAP login() faults.
    InvalidLogin,
    SecurityTokenRequired,
    ApiDisabledForUser,
    ApiDisabledForOrg,
    SoapLoginUnavailableInVersion,
    SoapLoginDisabled,
    UseAnyApiAuthMissing,
    ApiVersionRetired,
    SsoUser,
    PasswordLockout,
    LoginHoursRestricted,
    IdentityVerificationRequired,
    TrialExpired,
    PasswordExpired,
    // REST API.
    SessionInvalid,
    RequestLimitExceeded,
    InsufficientAccess,
    NotFound,
    ServerUnavailable,
    // Things our side checks.
    StateMismatch,
    RedirectWithoutCode,
    /// Paste-back input (stdin) ended before an address was pasted.
    InputEnded,
    DeviceTimedOut,
    LoginUrlRejected,
    InstanceUrlRejected,
    InvalidKey,
    /// The JWT key file is not there or cannot be read.
    KeyFileUnreadable,
    // Transport.
    Timeout,
    Dns,
    Tls,
    ConnectionRefused,
    ConnectionDropped,
    HtmlPage,
    MalformedResponse,
    ResponseTooLarge,
    UnexpectedStatus,
    Other,
}

/// Text from outside (a server, a pasted value) as it may be shown: control characters
/// (escape sequences included) become spaces; bidirectional overrides and isolates and
/// invisible format characters, which could make one username look like another, are
/// dropped; and it is cut at 500 characters.
pub fn printable(text: &str) -> String {
    const LIMIT: usize = 500;
    let invisible = |c: &char| {
        matches!(
            c,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200B}'..='\u{200F}' | '\u{FEFF}'
        )
    };
    let mut out: String = text
        .chars()
        .filter(|c| !invisible(c))
        .take(LIMIT)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().nth(LIMIT).is_some() {
        out.push('…');
    }
    out
}

/// What Salesforce itself said, kept for the user to see and for support tickets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireError {
    pub status: Option<u16>,
    pub code: String,
    pub message: String,
}

/// An error from the protocol client: a typed cause plus, when the server answered, its words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SfError {
    pub cause: Cause,
    pub wire: Option<WireError>,
    /// Extra context from our side (a host name, a limit); never a secret.
    pub context: Option<String>,
}

impl SfError {
    pub fn new(cause: Cause) -> Self {
        Self {
            cause,
            wire: None,
            context: None,
        }
    }

    pub fn with_context(mut self, context: impl Into<String>) -> Self {
        self.context = Some(printable(&context.into()));
        self
    }

    /// What the server said, made safe to print: a hostile or broken server cannot drive the
    /// user's terminal with escape sequences, nor flood it.
    pub fn with_wire(mut self, status: Option<u16>, code: &str, message: &str) -> Self {
        self.wire = Some(WireError {
            status,
            code: printable(code),
            message: printable(message),
        });
        self
    }

    pub fn diagnosis(&self) -> Diagnosis {
        super::diagnosis::diagnose(self.cause)
    }

    /// True when trying again later (not changing anything) may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(
            self.cause,
            Cause::Timeout
                | Cause::ConnectionDropped
                | Cause::ConnectionRefused
                | Cause::ServerUnavailable
                | Cause::HtmlPage
                | Cause::LoginRateLimited
        )
    }

    /// Map an OAuth `error` / `error_description` pair (token endpoint or authorize redirect).
    pub fn from_oauth(status: Option<u16>, error: &str, description: &str) -> Self {
        let cause = oauth_cause(error, &description.to_ascii_lowercase());
        Self::new(cause).with_wire(status, error, description)
    }

    /// Map a SOAP fault's exception code (any namespace prefix already stripped) and message.
    pub fn from_soap_fault(code: &str, message: &str) -> Self {
        let lower = message.to_ascii_lowercase();
        let cause = match code {
            "INVALID_LOGIN" => Cause::InvalidLogin,
            "LOGIN_MUST_USE_SECURITY_TOKEN" => Cause::SecurityTokenRequired,
            "API_CURRENTLY_DISABLED" => Cause::ApiDisabledForUser,
            "API_DISABLED_FOR_ORG" => Cause::ApiDisabledForOrg,
            "INVALID_OPERATION" if lower.contains("not available in the api version") => {
                Cause::SoapLoginUnavailableInVersion
            }
            "INVALID_OPERATION" if lower.contains("login() is disabled") => {
                Cause::SoapLoginDisabled
            }
            "INSUFFICIENT_ACCESS" => Cause::UseAnyApiAuthMissing,
            "UNSUPPORTED_API_VERSION" => Cause::ApiVersionRetired,
            "INVALID_SSO_GATEWAY_URL" | "SSO_SERVICE_DOWN" => Cause::SsoUser,
            "PASSWORD_LOCKOUT" => Cause::PasswordLockout,
            "LOGIN_DURING_RESTRICTED_DOMAIN" => Cause::IpRestricted,
            "LOGIN_DURING_RESTRICTED_TIME" => Cause::LoginHoursRestricted,
            "LOGIN_CHALLENGE_ISSUED" | "LOGIN_CHALLENGE_PENDING" => {
                Cause::IdentityVerificationRequired
            }
            "ORG_LOCKED" => Cause::OrgInactive,
            "TRIAL_EXPIRED" => Cause::TrialExpired,
            "INVALID_OPERATION_WITH_EXPIRED_PASSWORD" => Cause::PasswordExpired,
            "REQUEST_LIMIT_EXCEEDED" => Cause::RequestLimitExceeded,
            "SERVER_UNAVAILABLE" => Cause::ServerUnavailable,
            _ => Cause::Other,
        };
        Self::new(cause).with_wire(Some(500), code, message)
    }

    /// Map a REST error (`[{"message","errorCode"}]`) and its HTTP status.
    pub fn from_rest(status: u16, code: &str, message: &str) -> Self {
        let cause = match code {
            "INVALID_SESSION_ID" | "INVALID_AUTH_HEADER" | "Bad_OAuth_Token" => {
                Cause::SessionInvalid
            }
            "REQUEST_LIMIT_EXCEEDED" => Cause::RequestLimitExceeded,
            "API_DISABLED_FOR_ORG" => Cause::ApiDisabledForOrg,
            "API_CURRENTLY_DISABLED" => Cause::ApiDisabledForUser,
            "INSUFFICIENT_ACCESS" | "INSUFFICIENT_ACCESS_OR_READONLY" => Cause::InsufficientAccess,
            "NOT_FOUND" => Cause::NotFound,
            "INVALID_OPERATION_WITH_EXPIRED_PASSWORD" => Cause::PasswordExpired,
            "SERVER_UNAVAILABLE" => Cause::ServerUnavailable,
            _ if status == 410 => Cause::ApiVersionRetired,
            _ if status == 503 => Cause::ServerUnavailable,
            _ if status == 401 => Cause::SessionInvalid,
            _ => Cause::UnexpectedStatus,
        };
        Self::new(cause).with_wire(Some(status), code, message)
    }
}

fn oauth_cause(error: &str, description: &str) -> Cause {
    match (error, description) {
        ("invalid_grant", "authentication failure" | "invalid user credentials") => {
            Cause::AuthenticationFailure
        }
        ("invalid_grant", "ip restricted or invalid login hours") => Cause::IpRestricted,
        ("invalid_grant", "expired access/refresh token") => Cause::RefreshTokenExpired,
        ("invalid_grant", "user hasn't approved this consumer") => Cause::ConsumerNotApproved,
        // Salesforce's wording for PKCE failures is undocumented; treat them like a bad code.
        ("invalid_grant", d)
            if d.contains("authorization code")
                || d.contains("verifier")
                || d.contains("code challenge") =>
        {
            Cause::AuthorizationCodeInvalid
        }
        ("invalid_grant", "invalid assertion") => Cause::JwtInvalidAssertion,
        ("invalid_grant", "audience is invalid" | "audience validation failed") => {
            Cause::JwtAudienceInvalid
        }
        ("invalid_grant", "request not supported on this domain") => Cause::WrongDomainForFlow,
        ("invalid_grant", "no client credentials user enabled") => Cause::NoRunAsUser,
        ("invalid_grant", "device flow is not enabled for the app") => Cause::DeviceFlowNotEnabled,
        ("invalid_grant", d) if d.contains("flow not enabled") => Cause::FlowNotEnabledForApp,
        ("unauthorized_client", _) => Cause::FlowNotEnabledForApp,
        ("invalid_client_id", _) => Cause::ClientIdInvalid,
        ("invalid_client", "app must be installed into org") => Cause::AppNotInstalled,
        ("invalid_client", _) | ("invalid_client_credentials", _) => Cause::ClientSecretInvalid,
        ("app_not_found", _) => Cause::ExternalClientAppNotInstalled,
        ("unsupported_grant_type", _) => Cause::GrantTypeUnsupported,
        ("invalid_request", d) if d.contains("grant type") => Cause::GrantTypeUnsupported,
        ("inactive_user", _) => Cause::UserInactive,
        ("inactive_org", _) => Cause::OrgInactive,
        ("rate_limit_exceeded", _) => Cause::LoginRateLimited,
        ("access_denied", _) | ("access-denied", _) => Cause::AccessDenied,
        ("redirect_uri_mismatch" | "redirect_uri_missing", _) => Cause::RedirectUriMismatch,
        ("invalid_scope", _) => Cause::ScopeInvalid,
        ("authorization_pending", _) => Cause::AuthorizationPending,
        ("slow_down", _) => Cause::SlowDown,
        ("expired_token", _) => Cause::DeviceCodeExpired,
        _ => Cause::Other,
    }
}

impl fmt::Display for SfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.diagnosis().title)?;
        if let Some(context) = &self.context {
            write!(f, " ({context})")?;
        }
        if let Some(wire) = &self.wire {
            match (wire.code.is_empty(), wire.message.is_empty()) {
                (false, false) => write!(f, " [Salesforce said: {}: {}]", wire.code, wire.message)?,
                (false, true) => write!(f, " [Salesforce said: {}]", wire.code)?,
                (true, false) => write!(f, " [Salesforce said: {}]", wire.message)?,
                (true, true) => {}
            }
        }
        Ok(())
    }
}

impl std::error::Error for SfError {}

impl From<LoginUrlError> for SfError {
    fn from(e: LoginUrlError) -> Self {
        SfError::new(Cause::LoginUrlRejected).with_context(e.to_string())
    }
}

pub type Result<T, E = SfError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oauth_pairs_map_case_insensitively() {
        let e = SfError::from_oauth(
            Some(400),
            "invalid_grant",
            "IP restricted or invalid login hours",
        );
        assert_eq!(e.cause, Cause::IpRestricted);
        let e = SfError::from_oauth(Some(400), "invalid_grant", "invalid authorization code");
        assert_eq!(e.cause, Cause::AuthorizationCodeInvalid);
        let e = SfError::from_oauth(
            Some(400),
            "invalid_client",
            "app must be installed into org",
        );
        assert_eq!(e.cause, Cause::AppNotInstalled);
        let e = SfError::from_oauth(Some(400), "invalid_client", "invalid client credentials");
        assert_eq!(e.cause, Cause::ClientSecretInvalid);
        let e = SfError::from_oauth(Some(400), "something_new", "never seen");
        assert_eq!(e.cause, Cause::Other);
        assert!(e.to_string().contains("something_new: never seen"));
    }

    #[test]
    fn soap_login_codes_distinguish_retirement_from_disablement() {
        let v65 = SfError::from_soap_fault(
            "INVALID_OPERATION",
            "The SOAP Login operation is not available in the API version specified (65.0). Refer to the documentation for supported versions.",
        );
        assert_eq!(v65.cause, Cause::SoapLoginUnavailableInVersion);
        let off = SfError::from_soap_fault(
            "INVALID_OPERATION",
            "SOAP API login() is disabled by default in this org. Contact the org administrator to enable SOAP API login().",
        );
        assert_eq!(off.cause, Cause::SoapLoginDisabled);
    }
}

#[cfg(test)]
mod printable_tests {
    use super::printable;

    #[test]
    fn escapes_become_spaces_and_invisible_direction_marks_are_dropped() {
        assert_eq!(printable("a\u{1b}]52;c;x\u{7}b"), "a ]52;c;x b");
        // "admin" written so that it displays reversed, with zero-width and BOM padding.
        assert_eq!(
            printable("\u{202e}nimda\u{202c}\u{200b}@x\u{2066}y\u{2069}\u{feff}"),
            "nimda@xy"
        );
    }
}
