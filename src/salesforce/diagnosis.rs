//! Plain-words diagnoses for every error cause: what most likely happened and how to fix it.

use super::error::Cause;
pub use super::setup_paths::SetupPath;
use super::setup_paths::{
    API_ENABLED, APP_POLICIES, CONSUMER_DETAILS, ENABLE_SOAP_LOGIN, INSTALL_APP, LOGIN_HISTORY,
    LOGIN_IP_RANGES, OAUTH_ORG_SETTINGS, OBJECT_ACCESS, PASSWORD_POLICY, RESET_TOKEN,
    USE_ANY_API_AUTH, USERS,
};

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
        AuthenticationFailure => d(
            "Salesforce rejected the username, password or security token",
            &[
                "the password is wrong or has been changed (it expires every 90 days by default)",
                "the security token is missing or old: changing the password resets it, and a new one is emailed",
                "the OAuth username-password flow is blocked: orgs created since Summer '23 block it by default",
                "the app is an External Client App, which does not support the username-password flow",
                "the user is locked out after too many failed attempts",
                "the org only allows logins through its My Domain URL, not login.salesforce.com",
            ],
            &[
                "log in to Salesforce in a browser with the same username and password to confirm them",
                "reset the security token and enter the new one from the email",
                "if the password and token are right, ask an admin to allow the username-password flow, or use browser login or JWT instead",
                "Setup > Login History shows the real reason for each failed login",
            ],
            &[RESET_TOKEN, OAUTH_ORG_SETTINGS, LOGIN_HISTORY],
        ),
        IpRestricted => d(
            "The login is outside the allowed IP ranges or login hours",
            &[
                "this machine's IP address is outside the user's profile Login IP Ranges",
                "the login is outside the profile's Login Hours",
                "the app's IP Relaxation policy enforces IP restrictions",
            ],
            &[
                "add this machine's public IP address to the profile's Login IP Ranges, or relax IP restrictions in the app's policies",
                "check the profile's Login Hours",
            ],
            &[LOGIN_IP_RANGES],
        ),
        RefreshTokenExpired => d(
            "The refresh token has expired or was revoked",
            &[
                "the app's refresh token policy expired it (after a fixed time or after not being used)",
                "the user or an admin revoked the app's access",
                "refresh token rotation is on and an older, already-used refresh token was sent",
                "the user's password was reset, which can revoke tokens",
            ],
            &["re-authenticate this connection to get a new refresh token"],
            &[APP_POLICIES],
        ),
        ConsumerNotApproved => d(
            "The user has not approved this app, and it is not pre-authorized for them",
            &[
                "the app's Permitted Users is 'Admin approved users are pre-authorized' but the user's profile or permission set is not assigned",
                "the user never approved the app in a browser (needed for JWT when users self-authorize)",
            ],
            &[
                "set Permitted Users to 'Admin approved users are pre-authorized' and add the user's profile or a permission set under Manage Profiles / Manage Permission Sets",
                "or log in once with browser login to approve the app",
            ],
            &[APP_POLICIES],
        ),
        AuthorizationCodeInvalid => d(
            "The authorization code is invalid, already used or expired",
            &[
                "the code was used before (each code works once)",
                "more than about 15 minutes passed since the browser login",
                "the code was copied incompletely or decoded twice (codes end in '==', sent as %3D%3D)",
            ],
            &["start the browser login again and use the new code right away"],
            &[],
        ),
        JwtInvalidAssertion => d(
            "Salesforce could not verify the JWT assertion",
            &[
                "the certificate uploaded to the app does not match the private key used here",
                "the consumer key (issuer) or username (subject) is wrong",
                "the assertion has expired: check this machine's clock",
            ],
            &[
                "upload the certificate that belongs to this key to the app ('Use digital signatures')",
                "check the consumer key and the username",
            ],
            &[CONSUMER_DETAILS],
        ),
        JwtAudienceInvalid => d(
            "The JWT audience does not match this org",
            &[
                "a sandbox needs audience https://test.salesforce.com; production needs https://login.salesforce.com",
            ],
            &["choose the right environment (production or sandbox) for this connection"],
            &[],
        ),
        WrongDomainForFlow => d(
            "This flow must use the org's My Domain URL",
            &[
                "the client credentials flow is not supported on login.salesforce.com or test.salesforce.com",
            ],
            &[
                "use the org's My Domain URL, e.g. https://acme.my.salesforce.com (Setup > My Domain shows it)",
            ],
            &[SetupPath {
                task: "Find the My Domain URL",
                lightning: "Setup > Company Settings > My Domain",
                classic: "Setup > Domain Management > My Domain",
            }],
        ),
        NoRunAsUser => d(
            "The app has no Run As user for the client credentials flow",
            &["client credentials is enabled but no execution user is set in the app's policies"],
            &[
                "in the app's policies, under Client Credentials Flow, choose a Run As user with API Enabled",
            ],
            &[APP_POLICIES],
        ),
        DeviceFlowNotEnabled => d(
            "Device login is not enabled for this app",
            &[
                "'Enable for Device Flow' is off in the app's OAuth settings",
                "since September 2025 device login is blocked for every connected app that is not installed in the org",
            ],
            &[
                "tick 'Enable for Device Flow' in the app's OAuth settings",
                "install the app in the org (Setup > Connected Apps OAuth Usage > Install), or use browser login with paste-back or JWT instead",
            ],
            &[INSTALL_APP],
        ),
        FlowNotEnabledForApp => d(
            "This OAuth flow is not enabled for the app",
            &["the app's OAuth settings do not enable this flow"],
            &[
                "enable the flow in the app's OAuth settings (e.g. 'Enable Client Credentials Flow') and save; changes can take up to 10 minutes",
            ],
            &[CONSUMER_DETAILS],
        ),
        ClientIdInvalid => d(
            "Salesforce does not know this consumer key",
            &[
                "the consumer key was copied incompletely (it usually starts with 3MVG)",
                "the app was created or changed less than 10 minutes ago and is not active yet",
                "the app lives in another org, or the login URL points at the wrong org",
            ],
            &[
                "copy the consumer key again from Manage Consumer Details, and wait 10 minutes after creating an app",
            ],
            &[CONSUMER_DETAILS],
        ),
        ClientSecretInvalid => d(
            "The consumer secret is wrong",
            &[
                "the consumer secret was regenerated or copied incompletely",
                "new consumer details were staged and applied, invalidating the old ones",
            ],
            &["copy the consumer secret again from Manage Consumer Details"],
            &[CONSUMER_DETAILS],
        ),
        ClientSecretMissing => d(
            "The app requires its consumer secret for this login, and none was given",
            &[
                "the secret is missing, not wrong: the app's 'Require Secret for Refresh Token Flow' (or 'Require Secret for Web Server Flow') is on, as it is by default",
            ],
            &["give the app's consumer secret (Manage Consumer Details shows it) and log in again"],
            &[CONSUMER_DETAILS],
        ),
        AppNotInstalled => d(
            "The app must be installed in the org",
            &[
                "since September 2025 users cannot use connected apps that are not installed in the org unless they hold 'Approve Uninstalled Connected Apps'",
            ],
            &[
                "an admin installs the app: Setup > Connected Apps OAuth Usage > (the app) > Install",
            ],
            &[INSTALL_APP],
        ),
        ExternalClientAppNotInstalled => d(
            "The External Client App is not installed in this org",
            &[
                "the app was created in another org or not installed here",
                "the login URL points at a different org",
            ],
            &[
                "install the External Client App in this org, or use the login URL of the org that has it",
            ],
            &[],
        ),
        GrantTypeUnsupported => reported(d(
            "Salesforce did not accept the request's grant type",
            &["the request was not form-encoded, or the flow is not supported on this host"],
            &["report this as a bug in sfconnect"],
            &[],
        )),
        UserInactive => d(
            "The user is deactivated",
            &["the integration user was deactivated or frozen"],
            &["reactivate the user, or use another active user with API Enabled"],
            &[USERS],
        ),
        OrgInactive => d(
            "The org is locked, closed or suspended",
            &["the org's subscription ended or it was locked by Salesforce"],
            &["contact your Salesforce account executive or Salesforce Support"],
            &[],
        ),
        LoginRateLimited => d(
            "Too many logins in a short time",
            &["the user hit the hourly login limit"],
            &[
                "wait an hour before trying again; reuse tokens instead of logging in for every call",
            ],
            &[LOGIN_HISTORY],
        ),
        AccessDenied => d(
            "The login was denied in the browser",
            &["someone clicked Deny on the approval page"],
            &["start the login again and click Allow"],
            &[],
        ),
        RedirectUriMismatch => d(
            "The callback URL is not registered in the app",
            &["the app's Callback URL list does not contain the exact URL this login used"],
            &[
                "add the callback URL shown by sfconnect to the app's Callback URL field (one per line), save, and wait up to 10 minutes",
            ],
            &[CONSUMER_DETAILS],
        ),
        ScopeInvalid => d(
            "The app does not allow the requested OAuth scopes",
            &["the app's Selected OAuth Scopes lack 'api' or 'refresh_token, offline_access'"],
            &[
                "add 'Manage user data via APIs (api)' and 'Perform requests at any time (refresh_token, offline_access)' to the app's scopes",
            ],
            &[CONSUMER_DETAILS],
        ),
        AuthorizationPending => d(
            "Waiting for the user to approve the login",
            &["the device code has not been approved yet"],
            &["open the verification URL, log in and enter the code"],
            &[],
        ),
        SlowDown => d(
            "Salesforce asked to poll more slowly",
            &["polling too often"],
            &["nothing to do: polling slows down automatically"],
            &[],
        ),
        DeviceCodeExpired => d(
            "The device code expired before it was approved",
            &["the code was not entered within about 10 minutes"],
            &["start the device login again"],
            &[],
        ),
        InvalidLogin => d(
            "Invalid username, password or security token, or the user is locked out",
            &[
                "the password is wrong or has expired (every 90 days by default)",
                "the security token is missing or old: a password change resets it",
                "the user is locked out after too many failed attempts",
                "the username belongs to another environment (sandbox usernames end in .sandboxname)",
                "the org only allows logins through its My Domain URL, not login.salesforce.com",
            ],
            &[
                "log in to Salesforce in a browser with the same username and password",
                "reset the security token and use the new one from the email",
                "Setup > Login History shows the reason for each failure",
            ],
            &[RESET_TOKEN],
        ),
        SecurityTokenRequired => d(
            "A security token is needed from this network",
            &[
                "this machine's IP address is outside the org's trusted IP ranges, so the password must be followed by the security token",
            ],
            &[
                "reset the security token and give the new one along with the password",
                "or add this machine's IP address to the org's trusted IP ranges (then no token is needed)",
            ],
            &[RESET_TOKEN],
        ),
        ApiDisabledForUser => d(
            "API access is disabled for this user",
            &["the user's profile or permission sets lack the 'API Enabled' permission"],
            &["give the user 'API Enabled' through the profile or a permission set"],
            &[API_ENABLED],
        ),
        ApiDisabledForOrg => d(
            "API access is not enabled for this org",
            &[
                "the org's edition does not include API access (Professional edition needs an add-on; Essentials has none)",
            ],
            &[
                "use Enterprise, Unlimited, Performance or Developer edition, or buy API access for Professional edition",
            ],
            &[],
        ),
        SoapLoginUnavailableInVersion => d(
            "SOAP login() is not available in this API version",
            &["SOAP login() was removed from API version 65.0 (Winter '26) onwards"],
            &[
                "use an OAuth method (browser login, JWT or client credentials), or an API version of 64.0 or lower until Summer '27",
            ],
            &[],
        ),
        SoapLoginDisabled => d(
            "SOAP login() is disabled in this org",
            &[
                "orgs created since Winter '26 have SOAP login() off by default, and it retires in Summer '27",
            ],
            &[
                "switch this connection to an OAuth method: browser login, JWT bearer or client credentials",
                "or have an admin enable SOAP API login() (it cannot be turned off again from that page)",
            ],
            &[ENABLE_SOAP_LOGIN],
        ),
        UseAnyApiAuthMissing => d(
            "The user lacks the 'Use Any API Auth' permission needed for SOAP login()",
            &[
                "since Summer '26, SOAP login() requires 'Use Any API Auth' (enforced by default in new orgs, opt-in in older ones)",
            ],
            &[
                "grant 'Use Any API Auth' to the integration user through a permission set, or better, move the connection off SOAP login(), which retires with Summer '27",
            ],
            &[USE_ANY_API_AUTH],
        ),
        ApiVersionRetired => d(
            "This API version is retired",
            &["API versions 30.0 and older were retired in Summer '25"],
            &["update sfconnect, or report this as a bug"],
            &[],
        ),
        SsoUser => d(
            "The user logs in through single sign-on",
            &[
                "the user is enabled for SSO or delegated authentication, so a Salesforce password does not work for API logins",
            ],
            &[
                "use a dedicated integration user without SSO, or an OAuth method such as browser login or JWT",
            ],
            &[USERS],
        ),
        PasswordLockout => d(
            "The user is locked out after too many failed logins",
            &["repeated failed logins (an old password in another integration is a common cause)"],
            &[
                "wait for the lockout period to end, or have an admin unlock the user (Setup > Users > the user > Unlock)",
            ],
            &[USERS],
        ),
        LoginHoursRestricted => d(
            "Logins are not allowed at this time",
            &["the user's profile has Login Hours that exclude now"],
            &["change the profile's Login Hours, or use a user whose profile allows logins now"],
            &[LOGIN_IP_RANGES],
        ),
        IdentityVerificationRequired => d(
            "Salesforce wants to verify the identity of this login",
            &["a login challenge (device activation) was issued"],
            &["log in once in a browser from this network, or use an OAuth method"],
            &[LOGIN_HISTORY],
        ),
        TrialExpired => d(
            "The org's trial has expired",
            &["the trial period ended"],
            &["contact Salesforce to convert or extend the trial"],
            &[],
        ),
        PasswordExpired => d(
            "The password has expired",
            &[
                "Salesforce passwords expire every 90 days by default; the login works but every API call is refused",
            ],
            &[
                "log in to Salesforce in a browser as this user and set a new password",
                "then reset the security token (a password change resets it) and re-authenticate this connection",
                "for integration users, consider a profile whose passwords never expire",
            ],
            &[PASSWORD_POLICY],
        ),
        SessionInvalid => d(
            "The session or access token is invalid or has expired",
            &["the access token timed out, was revoked, or the user logged out everywhere"],
            &[
                "sfconnect refreshes or logs in again automatically; if that fails, re-authenticate this connection",
            ],
            &[],
        ),
        RequestLimitExceeded => d(
            "The org's API request limit is used up",
            &[
                "the daily API request limit (rolling 24 hours) or the concurrent request limit is exhausted",
            ],
            &[
                "wait for the 24-hour window to free up requests, reduce API use, or buy more API capacity",
            ],
            &[SetupPath {
                task: "See API usage",
                lightning: "Setup > Company Settings > Company Information > API Requests, Last 24 Hours",
                classic: "Setup > Company Profile > Company Information",
            }],
        ),
        InsufficientAccess => d(
            "The user lacks access to this data",
            &["the profile or permission sets do not grant access to the object or record"],
            &["grant the object permissions the integration needs through a permission set"],
            &[OBJECT_ACCESS],
        ),
        NotFound => d(
            "Salesforce says this resource does not exist",
            &["the object does not exist in this org, or the user cannot see it"],
            &["check the object name and that the user's profile grants access to it"],
            &[OBJECT_ACCESS],
        ),
        ServerUnavailable => d(
            "Salesforce is temporarily unavailable",
            &["maintenance or an incident on the org's instance"],
            &["try again later; check the Salesforce Trust status site for the org's instance"],
            &[],
        ),
        StateMismatch => d(
            "The login response does not belong to this login attempt",
            &["the pasted address comes from an older or different login attempt"],
            &["start the browser login again and paste the address from that attempt"],
            &[],
        ),
        RedirectWithoutCode => d(
            "The pasted text contains no authorization code",
            &["the address was copied before the login finished, or only part of it was copied"],
            &[
                "paste the whole address the browser shows after you click Allow (it contains code=...)",
            ],
            &[],
        ),
        InputEnded => d(
            "The input ended before the browser's address was pasted",
            &["stdin was a pipe or file that ran out, or Ctrl-D was pressed at the paste"],
            &[
                "run the login on a terminal and paste the address there, or let the browser's redirect reach the local listener (no --no-browser; over SSH, forward the callback port)",
            ],
            &[],
        ),
        DeviceTimedOut => d(
            "Nobody approved the device login in time",
            &["the code was not entered at the verification URL"],
            &["start the device login again and enter the code within 10 minutes"],
            &[],
        ),
        LoginUrlRejected => d(
            "The login URL cannot be used",
            &["it is not an https Salesforce login host"],
            &[
                "use https://login.salesforce.com, https://test.salesforce.com or your My Domain URL",
            ],
            &[],
        ),
        InstanceUrlRejected => d(
            "Salesforce sent an instance URL that is not a Salesforce https host",
            &["a proxy or a wrong login host answered instead of Salesforce"],
            &["check the login URL and any proxy settings (HTTPS_PROXY)"],
            &[],
        ),
        KeyFileUnreadable => d(
            "The private key file cannot be read",
            &["the path is wrong, or the file was moved, deleted or is not readable by this user"],
            &[
                "check the key file's path and its owner; or leave the key file empty in the wizard to use (or make) this connection's own key pair",
            ],
            &[],
        ),
        InvalidKey => d(
            "The private key cannot be used",
            &["the key file is not an RSA private key in PEM form"],
            &["use the PEM private key that belongs to the certificate uploaded to the app"],
            &[],
        ),
        Timeout => d(
            "Salesforce did not answer in time",
            &["a slow or broken network, a proxy, or a firewall dropping traffic"],
            &["check the network and try again; behind a proxy, set HTTPS_PROXY"],
            &[],
        ),
        Dns => d(
            "The login host name could not be resolved",
            &[
                "a typo in the login URL or My Domain name",
                "no DNS on this machine",
            ],
            &[
                "check the login URL (Setup > My Domain shows the right one) and this machine's network",
            ],
            &[],
        ),
        Tls => d(
            "The secure (TLS) connection failed",
            &[
                "the server's certificate comes from an authority this machine does not trust: a proxy or firewall intercepting TLS with its own certificate, or a private CA (such as `sfconnect sim --tls`'s)",
                "a wrong host",
            ],
            &[
                "check the login URL; for an intercepting proxy or a private CA, add its certificate to the system's trusted certificates, or point SSL_CERT_FILE at a PEM bundle that holds it",
            ],
            &[],
        ),
        ConnectionRefused => d(
            "The connection was refused",
            &["nothing is listening at that address, or a firewall refuses it"],
            &["check the login URL and the network"],
            &[],
        ),
        ConnectionDropped => d(
            "The connection dropped before Salesforce answered",
            &["a network interruption or a proxy closing the connection"],
            &["try again"],
            &[],
        ),
        HtmlPage => d(
            "Got a web page instead of an API answer",
            &[
                "the org is under maintenance",
                "the login URL points at a host that is not a Salesforce login host",
                "a proxy or captive portal answered",
            ],
            &[
                "check that the org exists and can be reached at the login URL; check the Salesforce Trust status site",
            ],
            &[],
        ),
        MalformedResponse => reported(d(
            "Salesforce's answer could not be understood",
            &["a truncated or garbled response, or a proxy in between"],
            &["try again; if it persists, report it"],
            &[],
        )),
        ResponseTooLarge => d(
            "Salesforce's answer was larger than expected",
            &["a wrong host or a proxy answered"],
            &["check the login URL"],
            &[],
        ),
        UnexpectedStatus => reported(d(
            "Salesforce answered with an unexpected status",
            &["a wrong host or a temporary problem"],
            &["try again; if it persists, report it"],
            &[],
        )),
        Other => d(
            "Salesforce refused the request",
            &["see what Salesforce said below"],
            &["check Setup > Login History for details"],
            &[LOGIN_HISTORY],
        ),
    }
}
