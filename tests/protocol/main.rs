//! The protocol client against the simulated org, over real loopback HTTP.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test stops at the first thing that is not as it should be"
)]

mod common;
mod errors;
mod flows;
mod fuzzed;
mod transport;
