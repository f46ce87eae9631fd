//! What sfconnect's own checks refuse: pasted addresses, waits, URLs and key files.

use super::{Diagnosis, d};

pub(super) const STATE_MISMATCH: Diagnosis = d(
    "The login response does not belong to this login attempt",
    &["the pasted address comes from an older or different login attempt"],
    &["start the browser login again and paste the address from that attempt"],
    &[],
);

pub(super) const REDIRECT_WITHOUT_CODE: Diagnosis = d(
    "The pasted text contains no authorization code",
    &["the address was copied before the login finished, or only part of it was copied"],
    &["paste the whole address the browser shows after you click Allow (it contains code=...)"],
    &[],
);

pub(super) const INPUT_ENDED: Diagnosis = d(
    "The input ended before the browser's address was pasted",
    &["stdin was a pipe or file that ran out, or Ctrl-D was pressed at the paste"],
    &[
        "run the login on a terminal and paste the address there, or let the browser's redirect reach the local listener (no --no-browser; over SSH, forward the callback port)",
    ],
    &[],
);

pub(super) const DEVICE_TIMED_OUT: Diagnosis = d(
    "Nobody approved the device login in time",
    &["the code was not entered at the verification URL"],
    &["start the device login again and enter the code within 10 minutes"],
    &[],
);

pub(super) const LOGIN_URL_REJECTED: Diagnosis = d(
    "The login URL cannot be used",
    &["it is not an https Salesforce login host"],
    &["use https://login.salesforce.com, https://test.salesforce.com or your My Domain URL"],
    &[],
);

pub(super) const INSTANCE_URL_REJECTED: Diagnosis = d(
    "Salesforce sent an instance URL that is not a Salesforce https host",
    &["a proxy or a wrong login host answered instead of Salesforce"],
    &["check the login URL and any proxy settings (HTTPS_PROXY)"],
    &[],
);

pub(super) const KEY_FILE_UNREADABLE: Diagnosis = d(
    "The private key file cannot be read",
    &["the path is wrong, or the file was moved, deleted or is not readable by this user"],
    &[
        "check the key file's path and its owner; or leave the key file empty in the wizard to use the app's key pair (or make one)",
    ],
    &[],
);

pub(super) const INVALID_KEY: Diagnosis = d(
    "The private key cannot be used",
    &["the key file is not an RSA private key in PEM form"],
    &["use the PEM private key that belongs to the certificate uploaded to the app"],
    &[],
);
