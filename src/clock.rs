//! The time deadlines and ages are counted from. Builds with the `failpoints` feature (the
//! tests') read it from SFCONNECT_NOW (RFC 3339) when set, so that a test can stand on a
//! deadline's day and either side of it; every other build reads the system clock.

use std::time::SystemTime;

/// The calendar day of `t` (UTC), as `2026-12-05`.
pub fn day(t: SystemTime) -> String {
    humantime::format_rfc3339_seconds(t).to_string()[..10].to_string()
}

/// Now, for counting days to deadlines and ages.
pub fn now() -> SystemTime {
    #[cfg(feature = "failpoints")]
    if let Some(at) = std::env::var("SFCONNECT_NOW")
        .ok()
        .and_then(|v| humantime::parse_rfc3339(&v).ok())
    {
        return at;
    }
    SystemTime::now()
}
