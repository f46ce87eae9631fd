//! Hardening through the real binary against the simulated org: the fault matrix, the secret
//! audit, interruptions and hostile input. Nothing lost, nothing leaked.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test stops at the first thing that is not as it should be"
)]

mod audit;
mod faults;
mod hostile;
mod interrupt;
#[path = "../common/pty_session.rs"]
mod session;
#[allow(
    dead_code,
    reason = "the saved tests' helpers, of which these tests use a few"
)]
#[path = "../saved/support.rs"]
mod support;
#[allow(
    dead_code,
    reason = "the protocol tests' TLS helpers, of which these tests use a few"
)]
#[path = "../protocol/common.rs"]
mod support_tls;
mod wizard;
