//! The wall clock in Unix seconds: the time the checks stamp and stored tokens expire in.

/// Seconds since the Unix epoch (0 for a clock set before it).
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
