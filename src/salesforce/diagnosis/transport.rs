//! What went wrong on the way to Salesforce, or with what came back instead of its API.

use super::{Diagnosis, d, reported};
use crate::salesforce::setup_paths::LOGIN_HISTORY;

pub(super) const TIMEOUT: Diagnosis = d(
    "Salesforce did not answer in time",
    &["a slow or broken network, a proxy, or a firewall dropping traffic"],
    &["check the network and try again; behind a proxy, set HTTPS_PROXY"],
    &[],
);

pub(super) const DNS: Diagnosis = d(
    "The login host name could not be resolved",
    &[
        "a typo in the login URL or My Domain name",
        "no DNS on this machine",
    ],
    &["check the login URL (Setup > My Domain shows the right one) and this machine's network"],
    &[],
);

pub(super) const TLS: Diagnosis = d(
    "The secure (TLS) connection failed",
    &[
        "the server's certificate comes from an authority this machine does not trust: a proxy or firewall intercepting TLS with its own certificate, or a private CA (such as `sfconnect sim --tls`'s)",
        "a wrong host",
    ],
    &[
        "check the login URL; for an intercepting proxy or a private CA, add its certificate to the system's trusted certificates, or point SSL_CERT_FILE at a PEM bundle that holds it",
    ],
    &[],
);

pub(super) const CONNECTION_REFUSED: Diagnosis = d(
    "The connection was refused",
    &["nothing is listening at that address, or a firewall refuses it"],
    &["check the login URL and the network"],
    &[],
);

pub(super) const CONNECTION_DROPPED: Diagnosis = d(
    "The connection dropped before Salesforce answered",
    &["a network interruption or a proxy closing the connection"],
    &["try again"],
    &[],
);

pub(super) const HTML_PAGE: Diagnosis = d(
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
);

pub(super) const MALFORMED_RESPONSE: Diagnosis = reported(d(
    "Salesforce's answer could not be understood",
    &["a truncated or garbled response, or a proxy in between"],
    &["try again; if it persists, report it"],
    &[],
));

pub(super) const RESPONSE_TOO_LARGE: Diagnosis = d(
    "Salesforce's answer was larger than expected",
    &["a wrong host or a proxy answered"],
    &["check the login URL"],
    &[],
);

pub(super) const UNEXPECTED_STATUS: Diagnosis = reported(d(
    "Salesforce answered with an unexpected status",
    &["a wrong host or a temporary problem"],
    &["try again; if it persists, report it"],
    &[],
));

pub(super) const OTHER: Diagnosis = d(
    "Salesforce refused the request",
    &["see what Salesforce said below"],
    &["check Setup > Login History for details"],
    &[LOGIN_HISTORY],
);
