//! Hardening through the real binary against the simulated org: the fault matrix, the secret
//! audit, interruptions and hostile input. Nothing lost, nothing leaked.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod audit;
mod faults;
mod hostile;
mod interrupt;
#[path = "../common/pty_session.rs"]
mod session;
#[allow(dead_code)]
#[path = "../saved/support.rs"]
mod support;
#[allow(dead_code)]
#[path = "../protocol/common.rs"]
mod support_tls;
mod wizard;
