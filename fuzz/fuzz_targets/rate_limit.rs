//! `X-RateLimit-*` and `Retry-After` parsing: never panics, and what it accepts is consistent.
//! The input is split on newlines into limit, remaining, reset and Retry-After.
#![no_main]

use std::time::{Duration, UNIX_EPOCH};

use libfuzzer_sys::fuzz_target;
use mastolite::RateLimit;
use mastolite::ratelimit::parse_retry_after;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.split('\n');
    let (limit, remaining, reset) = (parts.next(), parts.next(), parts.next());
    let now = UNIX_EPOCH + Duration::from_secs(1_795_887_600);
    if let Some(rl) = RateLimit::from_headers(limit, remaining, reset) {
        assert!(rl.limit.is_some() || rl.remaining.is_some() || rl.reset.is_some());
        // A reset time is never before 1970 and never past the year 9999.
        if let Some(secs) = rl.reset_unix() {
            assert!(secs <= 253_402_300_799, "{secs}");
        }
        let _ = rl.wait_from(now);
        let _ = rl.wait_from(UNIX_EPOCH);
    }
    if let Some(v) = parts.next() {
        let _ = parse_retry_after(v, now);
        let _ = parse_retry_after(v, UNIX_EPOCH);
    }
});
