//! One module per screen (or small family of screens): its state, its keys, its help. The
//! drawing of each sits under the same name in `tui/screens`.

pub mod audit;
pub mod authorize;
pub mod certificate;
pub mod credentials;
pub mod environment;
pub mod guide;
pub mod handoff;
pub mod home;
pub mod method;
pub mod name;
pub mod passphrase;
pub mod reauth;
pub mod remove;
pub mod save;
pub mod testing;
