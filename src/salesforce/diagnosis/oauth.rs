//! What the OAuth token endpoint's and the authorize redirect's errors most likely mean.

use super::{Diagnosis, d, reported};
use crate::salesforce::setup_paths::{
    APP_POLICIES, CONSUMER_DETAILS, INSTALL_APP, LOGIN_HISTORY, LOGIN_IP_RANGES,
    OAUTH_ORG_SETTINGS, RESET_TOKEN, SetupPath, UPLOAD_CERTIFICATE, USERS,
};

pub(super) const AUTHENTICATION_FAILURE: Diagnosis = d(
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
);

pub(super) const IP_RESTRICTED: Diagnosis = d(
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
);

pub(super) const REFRESH_TOKEN_EXPIRED: Diagnosis = d(
    "The refresh token has expired or was revoked",
    &[
        "the app's refresh token policy expired it (after a fixed time or after not being used)",
        "the user or an admin revoked the app's access",
        "refresh token rotation is on and an older, already-used refresh token was sent",
        "the user's password was reset, which can revoke tokens",
    ],
    &["re-authenticate this connection to get a new refresh token"],
    &[APP_POLICIES],
);

pub(super) const CONSUMER_NOT_APPROVED: Diagnosis = d(
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
);

pub(super) const AUTHORIZATION_CODE_INVALID: Diagnosis = d(
    "The authorization code is invalid, already used or expired",
    &[
        "the code was used before (each code works once)",
        "more than about 15 minutes passed since the browser login",
        "the code was copied incompletely or decoded twice (codes end in '==', sent as %3D%3D)",
    ],
    &["start the browser login again and use the new code right away"],
    &[],
);

pub(super) const JWT_INVALID_ASSERTION: Diagnosis = d(
    "Salesforce could not verify the JWT assertion",
    &[
        "the certificate uploaded to the app does not match the private key used here",
        "the consumer key (issuer) or username (subject) is wrong",
        "the assertion has expired: check this machine's clock",
    ],
    &[
        "upload the certificate that belongs to this key to the app",
        "check the consumer key and the username",
    ],
    &[UPLOAD_CERTIFICATE],
);

pub(super) const JWT_AUDIENCE_INVALID: Diagnosis = d(
    "The JWT audience does not match this org",
    &[
        "a sandbox needs audience https://test.salesforce.com; production needs https://login.salesforce.com",
    ],
    &["choose the right environment (production or sandbox) for this connection"],
    &[],
);

pub(super) const WRONG_DOMAIN_FOR_FLOW: Diagnosis = d(
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
);

pub(super) const NO_RUN_AS_USER: Diagnosis = d(
    "The app has no Run As user for the client credentials flow",
    &["client credentials is enabled but no execution user is set in the app's policies"],
    &[
        "in the app's policies, under Client Credentials Flow, choose a Run As user with API Enabled",
    ],
    &[APP_POLICIES],
);

pub(super) const DEVICE_FLOW_NOT_ENABLED: Diagnosis = d(
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
);

pub(super) const FLOW_NOT_ENABLED_FOR_APP: Diagnosis = d(
    "This OAuth flow is not enabled for the app",
    &["the app's OAuth settings do not enable this flow"],
    &[
        "enable the flow in the app's OAuth settings (e.g. 'Enable Client Credentials Flow') and save; changes can take up to 10 minutes",
    ],
    &[CONSUMER_DETAILS],
);

pub(super) const CLIENT_ID_INVALID: Diagnosis = d(
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
);

pub(super) const CLIENT_SECRET_INVALID: Diagnosis = d(
    "The consumer secret is wrong",
    &[
        "the consumer secret was regenerated or copied incompletely",
        "new consumer details were staged and applied, invalidating the old ones",
    ],
    &["copy the consumer secret again from Manage Consumer Details"],
    &[CONSUMER_DETAILS],
);

pub(super) const CLIENT_SECRET_MISSING: Diagnosis = d(
    "The app requires its consumer secret for this login, and none was given",
    &[
        "the secret is missing, not wrong: the app's 'Require Secret for Refresh Token Flow' (or 'Require Secret for Web Server Flow') is on, as it is by default",
    ],
    &["give the app's consumer secret (Manage Consumer Details shows it) and log in again"],
    &[CONSUMER_DETAILS],
);

pub(super) const APP_NOT_INSTALLED: Diagnosis = d(
    "The app must be installed in the org",
    &[
        "since September 2025 users cannot use connected apps that are not installed in the org unless they hold 'Approve Uninstalled Connected Apps'",
    ],
    &["an admin installs the app: Setup > Connected Apps OAuth Usage > (the app) > Install"],
    &[INSTALL_APP],
);

pub(super) const EXTERNAL_CLIENT_APP_NOT_INSTALLED: Diagnosis = d(
    "The External Client App is not installed in this org",
    &[
        "the app was created in another org or not installed here",
        "the login URL points at a different org",
    ],
    &["install the External Client App in this org, or use the login URL of the org that has it"],
    &[],
);

pub(super) const GRANT_TYPE_UNSUPPORTED: Diagnosis = reported(d(
    "Salesforce did not accept the request's grant type",
    &["the request was not form-encoded, or the flow is not supported on this host"],
    &["report this as a bug in sfconnect"],
    &[],
));

pub(super) const USER_INACTIVE: Diagnosis = d(
    "The user is deactivated",
    &["the integration user was deactivated or frozen"],
    &["reactivate the user, or use another active user with API Enabled"],
    &[USERS],
);

pub(super) const ORG_INACTIVE: Diagnosis = d(
    "The org is locked, closed or suspended",
    &["the org's subscription ended or it was locked by Salesforce"],
    &["contact your Salesforce account executive or Salesforce Support"],
    &[],
);

pub(super) const LOGIN_RATE_LIMITED: Diagnosis = d(
    "Too many logins in a short time",
    &["the user hit the hourly login limit"],
    &["wait an hour before trying again; reuse tokens instead of logging in for every call"],
    &[LOGIN_HISTORY],
);

pub(super) const ACCESS_DENIED: Diagnosis = d(
    "The login was denied in the browser",
    &["someone clicked Deny on the approval page"],
    &["start the login again and click Allow"],
    &[],
);

pub(super) const REDIRECT_URI_MISMATCH: Diagnosis = d(
    "The callback URL is not registered in the app",
    &["the app's Callback URL list does not contain the exact URL this login used"],
    &[
        "add the callback URL shown by sfconnect to the app's Callback URL field (one per line), save, and wait up to 10 minutes",
    ],
    &[CONSUMER_DETAILS],
);

pub(super) const SCOPE_INVALID: Diagnosis = d(
    "The app does not allow the requested OAuth scopes",
    &["the app's Selected OAuth Scopes lack 'api' or 'refresh_token, offline_access'"],
    &[
        "add 'Manage user data via APIs (api)' and 'Perform requests at any time (refresh_token, offline_access)' to the app's scopes",
    ],
    &[CONSUMER_DETAILS],
);

pub(super) const AUTHORIZATION_PENDING: Diagnosis = d(
    "Waiting for the user to approve the login",
    &["the device code has not been approved yet"],
    &["open the verification URL, log in and enter the code"],
    &[],
);

pub(super) const SLOW_DOWN: Diagnosis = d(
    "Salesforce asked to poll more slowly",
    &["polling too often"],
    &["nothing to do: polling slows down automatically"],
    &[],
);

pub(super) const DEVICE_CODE_EXPIRED: Diagnosis = d(
    "The device code expired before it was approved",
    &["the code was not entered within about 10 minutes"],
    &["start the device login again"],
    &[],
);
