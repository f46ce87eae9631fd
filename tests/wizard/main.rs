//! The wizard: every screen drawn at 80x24 (snapshots, Lightning and Classic), and the real
//! binary driven in a pseudo terminal through `sfconnect demo`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test stops at the first thing that is not as it should be"
)]

mod bindings;
mod looped;
mod looped_keys;
mod pty;
mod saved;
mod screens;
#[path = "../common/pty_session.rs"]
mod session;
#[path = "../common/tmux.rs"]
mod tmux;
mod window;
