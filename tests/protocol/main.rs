//! The protocol client against the simulated org, over real loopback HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod errors;
mod flows;
mod fuzzed;
mod transport;
