//! Saved connections and secret stores: the library directly, and the real binary.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test stops at the first thing that is not as it should be"
)]

mod audit;
mod certificates;
mod cli;
mod commands;
mod deadlines;
mod file_store;
mod fleet;
mod keyring;
mod same_user;
mod scripting;
#[path = "../common/pty_session.rs"]
mod session;
mod support;
mod swaps;
mod tokens;
