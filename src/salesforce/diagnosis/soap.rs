//! What SOAP login() faults most likely mean.

use super::{Diagnosis, d};
use crate::salesforce::setup_paths::{
    API_ENABLED, ENABLE_SOAP_LOGIN, LOGIN_HISTORY, LOGIN_IP_RANGES, PASSWORD_POLICY, RESET_TOKEN,
    USE_ANY_API_AUTH, USERS,
};

pub(super) const INVALID_LOGIN: Diagnosis = d(
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
);

pub(super) const SECURITY_TOKEN_REQUIRED: Diagnosis = d(
    "A security token is needed from this network",
    &[
        "this machine's IP address is outside the org's trusted IP ranges, so the password must be followed by the security token",
    ],
    &[
        "reset the security token and give the new one along with the password",
        "or add this machine's IP address to the org's trusted IP ranges (then no token is needed)",
    ],
    &[RESET_TOKEN],
);

pub(super) const API_DISABLED_FOR_USER: Diagnosis = d(
    "API access is disabled for this user",
    &["the user's profile or permission sets lack the 'API Enabled' permission"],
    &["give the user 'API Enabled' through the profile or a permission set"],
    &[API_ENABLED],
);

pub(super) const API_DISABLED_FOR_ORG: Diagnosis = d(
    "API access is not enabled for this org",
    &[
        "the org's edition does not include API access (Professional edition needs an add-on; Essentials has none)",
    ],
    &[
        "use Enterprise, Unlimited, Performance or Developer edition, or buy API access for Professional edition",
    ],
    &[],
);

pub(super) const SOAP_LOGIN_UNAVAILABLE_IN_VERSION: Diagnosis = d(
    "SOAP login() is not available in this API version",
    &["SOAP login() was removed from API version 65.0 (Winter '26) onwards"],
    &[
        "use an OAuth method (browser login, JWT or client credentials), or an API version of 64.0 or lower until Summer '27",
    ],
    &[],
);

pub(super) const SOAP_LOGIN_DISABLED: Diagnosis = d(
    "SOAP login() is disabled in this org",
    &[
        "orgs created since Winter '26 have SOAP login() off by default, and it retires in Summer '27",
    ],
    &[
        "switch this connection to an OAuth method: browser login, JWT bearer or client credentials",
        "or have an admin enable SOAP API login() (it cannot be turned off again from that page)",
    ],
    &[ENABLE_SOAP_LOGIN],
);

pub(super) const USE_ANY_API_AUTH_MISSING: Diagnosis = d(
    "The user lacks the 'Use Any API Auth' permission needed for SOAP login()",
    &[
        "since Summer '26, SOAP login() requires 'Use Any API Auth' (enforced by default in new orgs, opt-in in older ones)",
    ],
    &[
        "grant 'Use Any API Auth' to the integration user through a permission set, or better, move the connection off SOAP login(), which retires with Summer '27",
    ],
    &[USE_ANY_API_AUTH],
);

pub(super) const API_VERSION_RETIRED: Diagnosis = d(
    "This API version is retired",
    &["API versions 30.0 and older were retired in Summer '25"],
    &["update sfconnect, or report this as a bug"],
    &[],
);

pub(super) const SSO_USER: Diagnosis = d(
    "The user logs in through single sign-on",
    &[
        "the user is enabled for SSO or delegated authentication, so a Salesforce password does not work for API logins",
    ],
    &[
        "use a dedicated integration user without SSO, or an OAuth method such as browser login or JWT",
    ],
    &[USERS],
);

pub(super) const PASSWORD_LOCKOUT: Diagnosis = d(
    "The user is locked out after too many failed logins",
    &["repeated failed logins (an old password in another integration is a common cause)"],
    &[
        "wait for the lockout period to end, or have an admin unlock the user (Setup > Users > the user > Unlock)",
    ],
    &[USERS],
);

pub(super) const LOGIN_HOURS_RESTRICTED: Diagnosis = d(
    "Logins are not allowed at this time",
    &["the user's profile has Login Hours that exclude now"],
    &["change the profile's Login Hours, or use a user whose profile allows logins now"],
    &[LOGIN_IP_RANGES],
);

pub(super) const IDENTITY_VERIFICATION_REQUIRED: Diagnosis = d(
    "Salesforce wants to verify the identity of this login",
    &["a login challenge (device activation) was issued"],
    &["log in once in a browser from this network, or use an OAuth method"],
    &[LOGIN_HISTORY],
);

pub(super) const TRIAL_EXPIRED: Diagnosis = d(
    "The org's trial has expired",
    &["the trial period ended"],
    &["contact Salesforce to convert or extend the trial"],
    &[],
);

pub(super) const PASSWORD_EXPIRED: Diagnosis = d(
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
);
