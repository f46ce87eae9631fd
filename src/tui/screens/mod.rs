//! The drawing of each screen, under the same names as `wizard/screens`.

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
