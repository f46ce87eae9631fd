//! Plain-words diagnoses for every error cause: what most likely happened and how to fix it.

use super::error::Cause;
pub use super::setup_paths::SetupPath;

// The texts, one module per kind of cause (as `Cause` groups them); the match below keeps
// every cause answered.
mod local;
mod oauth;
mod rest;
mod soap;
mod transport;

/// A diagnosis: a one-line title, the likely causes (most likely first) and what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Diagnosis {
    pub title: &'static str,
    pub likely: &'static [&'static str],
    pub fix: &'static [&'static str],
    pub setup: &'static [SetupPath],
    /// What to do after the fix, which each face says its own way (a command to run, a key to
    /// press).
    pub next: Option<Next>,
}

/// A step after the fix that goes through sfconnect itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Give the connection new credentials.
    Reauthenticate,
    /// Report it, with a test's report (which holds no secrets).
    Report,
    /// Move the connection to another login method (the one it uses has retired).
    Move,
}

const fn d(
    title: &'static str,
    likely: &'static [&'static str],
    fix: &'static [&'static str],
    setup: &'static [SetupPath],
) -> Diagnosis {
    Diagnosis {
        title,
        likely,
        fix,
        setup,
        next: None,
    }
}

/// `d` with a report as its next step.
const fn reported(d: Diagnosis) -> Diagnosis {
    Diagnosis {
        next: Some(Next::Report),
        ..d
    }
}

/// The diagnosis for a cause.
pub fn diagnose(cause: Cause) -> Diagnosis {
    use Cause::*;
    match cause {
        // OAuth token endpoint and authorize redirects.
        AuthenticationFailure => oauth::AUTHENTICATION_FAILURE,
        IpRestricted => oauth::IP_RESTRICTED,
        RefreshTokenExpired => oauth::REFRESH_TOKEN_EXPIRED,
        ConsumerNotApproved => oauth::CONSUMER_NOT_APPROVED,
        AuthorizationCodeInvalid => oauth::AUTHORIZATION_CODE_INVALID,
        JwtInvalidAssertion => oauth::JWT_INVALID_ASSERTION,
        JwtAudienceInvalid => oauth::JWT_AUDIENCE_INVALID,
        WrongDomainForFlow => oauth::WRONG_DOMAIN_FOR_FLOW,
        NoRunAsUser => oauth::NO_RUN_AS_USER,
        DeviceFlowNotEnabled => oauth::DEVICE_FLOW_NOT_ENABLED,
        FlowNotEnabledForApp => oauth::FLOW_NOT_ENABLED_FOR_APP,
        ClientIdInvalid => oauth::CLIENT_ID_INVALID,
        ClientSecretInvalid => oauth::CLIENT_SECRET_INVALID,
        ClientSecretMissing => oauth::CLIENT_SECRET_MISSING,
        AppNotInstalled => oauth::APP_NOT_INSTALLED,
        ExternalClientAppNotInstalled => oauth::EXTERNAL_CLIENT_APP_NOT_INSTALLED,
        GrantTypeUnsupported => oauth::GRANT_TYPE_UNSUPPORTED,
        UserInactive => oauth::USER_INACTIVE,
        OrgInactive => oauth::ORG_INACTIVE,
        LoginRateLimited => oauth::LOGIN_RATE_LIMITED,
        AccessDenied => oauth::ACCESS_DENIED,
        RedirectUriMismatch => oauth::REDIRECT_URI_MISMATCH,
        ScopeInvalid => oauth::SCOPE_INVALID,
        AuthorizationPending => oauth::AUTHORIZATION_PENDING,
        SlowDown => oauth::SLOW_DOWN,
        DeviceCodeExpired => oauth::DEVICE_CODE_EXPIRED,
        // SOAP login() faults.
        InvalidLogin => soap::INVALID_LOGIN,
        SecurityTokenRequired => soap::SECURITY_TOKEN_REQUIRED,
        ApiDisabledForUser => soap::API_DISABLED_FOR_USER,
        ApiDisabledForOrg => soap::API_DISABLED_FOR_ORG,
        SoapLoginUnavailableInVersion => soap::SOAP_LOGIN_UNAVAILABLE_IN_VERSION,
        SoapLoginDisabled => soap::SOAP_LOGIN_DISABLED,
        UseAnyApiAuthMissing => soap::USE_ANY_API_AUTH_MISSING,
        ApiVersionRetired => soap::API_VERSION_RETIRED,
        SsoUser => soap::SSO_USER,
        PasswordLockout => soap::PASSWORD_LOCKOUT,
        LoginHoursRestricted => soap::LOGIN_HOURS_RESTRICTED,
        IdentityVerificationRequired => soap::IDENTITY_VERIFICATION_REQUIRED,
        TrialExpired => soap::TRIAL_EXPIRED,
        PasswordExpired => soap::PASSWORD_EXPIRED,
        // REST API.
        SessionInvalid => rest::SESSION_INVALID,
        RequestLimitExceeded => rest::REQUEST_LIMIT_EXCEEDED,
        InsufficientAccess => rest::INSUFFICIENT_ACCESS,
        NotFound => rest::NOT_FOUND,
        ServerUnavailable => rest::SERVER_UNAVAILABLE,
        // Things our side checks.
        StateMismatch => local::STATE_MISMATCH,
        RedirectWithoutCode => local::REDIRECT_WITHOUT_CODE,
        InputEnded => local::INPUT_ENDED,
        DeviceTimedOut => local::DEVICE_TIMED_OUT,
        LoginUrlRejected => local::LOGIN_URL_REJECTED,
        InstanceUrlRejected => local::INSTANCE_URL_REJECTED,
        KeyFileUnreadable => local::KEY_FILE_UNREADABLE,
        InvalidKey => local::INVALID_KEY,
        // Transport.
        Timeout => transport::TIMEOUT,
        Dns => transport::DNS,
        Tls => transport::TLS,
        ConnectionRefused => transport::CONNECTION_REFUSED,
        ConnectionDropped => transport::CONNECTION_DROPPED,
        HtmlPage => transport::HTML_PAGE,
        MalformedResponse => transport::MALFORMED_RESPONSE,
        ResponseTooLarge => transport::RESPONSE_TOO_LARGE,
        UnexpectedStatus => transport::UNEXPECTED_STATUS,
        Other => transport::OTHER,
    }
}
