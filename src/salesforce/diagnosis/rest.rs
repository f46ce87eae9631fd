//! What the REST API's refusals after a good login most likely mean.

use super::{Diagnosis, d};
use crate::salesforce::setup_paths::{OBJECT_ACCESS, SetupPath};

pub(super) const SESSION_INVALID: Diagnosis = d(
    "The session or access token is invalid or has expired",
    &["the access token timed out, was revoked, or the user logged out everywhere"],
    &[
        "sfconnect refreshes or logs in again automatically; if that fails, re-authenticate this connection",
    ],
    &[],
);

pub(super) const REQUEST_LIMIT_EXCEEDED: Diagnosis = d(
    "The org's API request limit is used up",
    &[
        "the daily API request limit (rolling 24 hours) or the concurrent request limit is exhausted",
    ],
    &["wait for the 24-hour window to free up requests, reduce API use, or buy more API capacity"],
    &[SetupPath {
        task: "See API usage",
        lightning: "Setup > Company Settings > Company Information > API Requests, Last 24 Hours",
        classic: "Setup > Company Profile > Company Information",
    }],
);

pub(super) const INSUFFICIENT_ACCESS: Diagnosis = d(
    "The user lacks access to this data",
    &["the profile or permission sets do not grant access to the object or record"],
    &["grant the object permissions the integration needs through a permission set"],
    &[OBJECT_ACCESS],
);

pub(super) const NOT_FOUND: Diagnosis = d(
    "Salesforce says this resource does not exist",
    &["the object does not exist in this org, or the user cannot see it"],
    &["check the object name and that the user's profile grants access to it"],
    &[OBJECT_ACCESS],
);

pub(super) const SERVER_UNAVAILABLE: Diagnosis = d(
    "Salesforce is temporarily unavailable",
    &["maintenance or an incident on the org's instance"],
    &["try again later; check the Salesforce Trust status site for the org's instance"],
    &[],
);
