//! The ways to connect, each with its recommendation, its platform caveats, the guides that
//! prepare it and the fields it asks for.

use crate::profile::{Flow, key};

pub struct Method {
    pub flow: Flow,
    pub label: &'static str,
    pub recommendation: &'static str,
    pub caveat: &'static str,
    pub guides: &'static [&'static str],
}

/// A login method in a few words, for a row that has little room.
pub fn short_label(flow: Flow) -> &'static str {
    match flow {
        Flow::Soap => "SOAP login",
        Flow::Password => "password flow",
        Flow::Web => "browser login",
        Flow::Device => "device code",
        Flow::Jwt => "JWT bearer",
        Flow::ClientCredentials => "client credentials",
        Flow::RefreshToken => "refresh token",
    }
}

pub const METHODS: &[Method] = &[
    Method {
        flow: Flow::Soap,
        label: "Username, password and security token",
        recommendation: "The simplest: nothing to set up in Salesforce besides an API-enabled user.",
        caveat: "SOAP login() is gone from API 65.0, off by default in orgs created since Winter '26, and retires in Summer '27.",
        guides: &["api-enabled", "reset-security-token", "trusted-ip-ranges"],
    },
    Method {
        flow: Flow::Password,
        label: "Password with a connected app's consumer key and secret",
        recommendation: "For integrations built on the OAuth username-password flow.",
        caveat: "Stops for every connected app on 20 February 2027 (a Release Update Salesforce enforces that day); blocked by default in orgs created since Summer '23, and External Client Apps do not support it. Choose client credentials or JWT bearer for a new integration.",
        guides: &[
            "api-enabled",
            "create-connected-app",
            "allow-password-flow",
            "consumer-details",
            "reset-security-token",
        ],
    },
    Method {
        flow: Flow::Web,
        label: "Browser login (authorization code + PKCE)",
        recommendation: "Best for a person connecting interactively; no password is stored.",
        caveat: "Needs an app installed in the org; since Spring '26 new connected apps cannot be created (use an External Client App).",
        guides: &["create-external-client-app", "consumer-details"],
    },
    Method {
        flow: Flow::Device,
        label: "Device code",
        recommendation: "Log in on another device by entering a short code.",
        caveat: "Blocked for every uninstalled connected app since September 2025.",
        guides: &["create-connected-app", "consumer-details"],
    },
    Method {
        flow: Flow::Jwt,
        label: "JWT bearer with a certificate",
        recommendation: "Best for unattended servers: no password to expire, no browser.",
        caveat: "The user must be pre-authorized in the app's policies, and the certificate uploaded to the app.",
        // The upload steps come after the form, on the certificate screen, once the
        // certificate exists.
        guides: &[
            "create-external-client-app",
            "pre-authorize-users",
            "consumer-details",
        ],
    },
    Method {
        flow: Flow::ClientCredentials,
        label: "Client credentials",
        recommendation: "For server-to-server integrations that run as one Run As user.",
        caveat: "Works only on the org's My Domain URL, with a Run As user set in the app's policies.",
        guides: &[
            "create-external-client-app",
            "pre-authorize-users",
            "consumer-details",
        ],
    },
    Method {
        flow: Flow::RefreshToken,
        label: "I already have a refresh token",
        recommendation: "Import a client id, client secret and refresh token produced elsewhere.",
        caveat: "The app's refresh token policy decides how long it lasts; rotation is handled.",
        guides: &["request-refresh-token", "consumer-details"],
    },
];

/// How re-authentication goes for a method: why its saved login usually stops, what comes
/// next, and the guides on the way to the form.
pub struct ReauthPlan {
    /// When to come back, said on the Saved screen.
    pub when: &'static str,
    pub why: &'static str,
    pub next: &'static str,
    pub guides: &'static [&'static str],
}

/// Why a saved browser or device login stops.
const GRANT_STOPS: &str = "The saved login is kept as a refresh token. It stops when the token is revoked (by the user, an admin or another tool), expires under the app's Refresh Token Policy, or the app's policies no longer let the user in.";

pub fn reauth_plan(flow: Flow) -> ReauthPlan {
    match flow {
        Flow::Soap | Flow::Password => ReauthPlan {
            when: "when the password expires (every 90 days by default) or the security token is reset",
            why: "A password login stops when the password expires (every 90 days by default), is changed or reset, or when the security token is reset.",
            next: "Next: setting a new password (if it expired or was changed), then resetting the security token, then the form.",
            guides: &["set-new-password", "reset-security-token"],
        },
        Flow::Web => ReauthPlan {
            when: "when the saved login stops (the refresh token revoked or expired)",
            why: GRANT_STOPS,
            next: "Next: where to see which it was, then log in again in the browser. The app is still there: nothing is created again.",
            guides: &["login-again"],
        },
        Flow::Device => ReauthPlan {
            when: "when the saved login stops (the refresh token revoked or expired)",
            why: GRANT_STOPS,
            next: "Next: where to see which it was, then a new code to enter on another device. The app is still there: nothing is created again.",
            guides: &["login-again"],
        },
        Flow::Jwt => ReauthPlan {
            when: "before the certificate expires, or when it is replaced in the app",
            why: "JWT bearer signs each login with its private key; only the certificate expires on a schedule. It stops when the certificate uploaded to the app expires or is replaced, or the user is no longer pre-authorized.",
            next: "Next: keep the key in use (k: after a user change, a pre-authorization fix or a reinstalled app), or make a new key pair (n: a certificate that expires soon or was replaced). An app holds one certificate: uploading the new one ends the old key at once.",
            guides: &["upload-certificate", "pre-authorize-users"],
        },
        Flow::ClientCredentials => ReauthPlan {
            when: "when the consumer secret is rotated",
            why: "Client credentials stop when the consumer secret is rotated, or the app's Run As user changes or is deactivated.",
            next: "Next: rotating the consumer secret (Generate, then Apply), then the form with the new values.",
            guides: &["rotate-consumer-secret", "pre-authorize-users"],
        },
        Flow::RefreshToken => ReauthPlan {
            when: "when the refresh token is revoked or expires",
            why: "An imported refresh token stops when it is revoked, expires under the app's Refresh Token Policy, or another client that holds it rotates it.",
            next: "Next: how to get a new refresh token, then the form.",
            guides: &["request-refresh-token", "login-again"],
        },
    }
}

/// What must be true before a method can work, as a checklist the user reads before starting.
pub fn prerequisites(flow: Flow) -> Vec<&'static str> {
    let mut list = vec![
        "An edition with API access: Enterprise, Unlimited, Performance or Developer (Professional needs the API add-on)",
        "The integration user has the API Enabled permission (profile or permission set)",
        "A dedicated integration user, not a person's account, so the connection survives people leaving",
    ];
    match flow {
        Flow::Soap => list.push("The password and a current security token (not needed from the org's trusted IP ranges)"),
        Flow::Password => {
            list.push("A connected app (not an External Client App) with OAuth enabled, and its consumer key and secret");
            list.push("The org allows the OAuth username-password flow (orgs created since Summer '23 block it)");
        }
        Flow::Jwt | Flow::ClientCredentials => {
            list.push("You are an admin, or an admin helps: creating the app and editing its policies need admin rights");
            list.push("The app is installed in the org and the user is pre-authorized (admin-approved users)");
        }
        Flow::RefreshToken | Flow::Web | Flow::Device => {
            list.push("An app with the refresh_token, offline_access scope, installed in the org (or users allowed to approve it)");
        }
    }
    match flow {
        Flow::Web => list.push("The app's callback URL includes http://localhost:1717/OauthRedirect (or the port you choose)"),
        Flow::Device => list.push("The app has 'Enable for Device Flow' checked and is installed in the org"),
        Flow::Jwt => list.push("A certificate for the app: sfconnect can make the key pair and certificate for you"),
        _ => {}
    }
    if flow == Flow::ClientCredentials {
        list.push(
            "The org's My Domain URL (client credentials does not work on login.salesforce.com)",
        );
    }
    list
}

/// A form field: its label, the secret it fills (if secret), and whether it may stay empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    pub label: &'static str,
    pub secret: Option<&'static str>,
    pub optional: bool,
    /// What an empty field means, shown in it.
    pub placeholder: Option<&'static str>,
}

const fn plain(label: &'static str) -> FieldSpec {
    FieldSpec {
        label,
        secret: None,
        optional: false,
        placeholder: None,
    }
}

const fn optional(label: &'static str, placeholder: &'static str) -> FieldSpec {
    FieldSpec {
        label,
        secret: None,
        optional: true,
        placeholder: Some(placeholder),
    }
}

const fn secret(label: &'static str, name: &'static str, optional: bool) -> FieldSpec {
    FieldSpec {
        label,
        secret: Some(name),
        optional,
        placeholder: None,
    }
}

pub const USERNAME: &str = "Username";
pub const CONSUMER_KEY: &str = "Consumer key";
pub const KEY_FILE: &str = "Private key file";
pub const CALLBACK_PORT: &str = "Callback port";
pub const PASSWORD: &str = "Password";
pub const SECURITY_TOKEN: &str = "Security token";
pub const CONSUMER_SECRET: &str = "Consumer secret";
pub const REFRESH_TOKEN: &str = "Refresh token";

/// The consumer secret where a flow can work without one.
const OPTIONAL_SECRET: FieldSpec = FieldSpec {
    label: CONSUMER_SECRET,
    secret: Some(key::CLIENT_SECRET),
    optional: true,
    placeholder: Some("empty only if the app's 'Require Secret for Refresh Token Flow' is off"),
};

/// The fields a method asks for, in order.
pub fn fields(flow: Flow) -> Vec<FieldSpec> {
    let password = secret(PASSWORD, key::PASSWORD, false);
    let token = secret(SECURITY_TOKEN, key::SECURITY_TOKEN, true);
    let client_secret = secret(CONSUMER_SECRET, key::CLIENT_SECRET, false);
    match flow {
        Flow::Soap => vec![plain(USERNAME), password, token],
        Flow::Password => vec![
            plain(USERNAME),
            password,
            token,
            plain(CONSUMER_KEY),
            client_secret,
        ],
        Flow::ClientCredentials => vec![plain(CONSUMER_KEY), client_secret],
        Flow::RefreshToken => vec![
            plain(CONSUMER_KEY),
            OPTIONAL_SECRET,
            secret(REFRESH_TOKEN, key::REFRESH_TOKEN, false),
        ],
        Flow::Jwt => vec![
            plain(CONSUMER_KEY),
            plain(USERNAME),
            optional(
                KEY_FILE,
                "empty: the key pair the app's connections use, or a new one; F4 shows its certificate",
            ),
        ],
        Flow::Web => vec![
            plain(CONSUMER_KEY),
            OPTIONAL_SECRET,
            optional(CALLBACK_PORT, "empty: 1717"),
        ],
        Flow::Device => vec![plain(CONSUMER_KEY), OPTIONAL_SECRET],
    }
}
