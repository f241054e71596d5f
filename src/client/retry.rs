//! [`RetryPolicy`]: which GET failures are retried, and how long to wait first.

use std::time::{Duration, SystemTime};

use crate::error::{Error, TransportKind};

/// When and how GET requests are retried.
///
/// By default a GET is retried at most twice on 429, 502, 503 and 504 and on connection
/// failures, waiting for `Retry-After` (seconds or an HTTP date) or for the rate-limit reset,
/// and otherwise backing off exponentially with jitter. A wait longer than
/// [`max_wait`](Self::max_wait) is not made: the error is returned at once. POST requests (app
/// registration, tokens, revocation) are never retried.
///
/// ```
/// use std::time::Duration;
/// use mastolite::RetryPolicy;
/// let patient = RetryPolicy::default().max_retries(5).max_wait(Duration::from_secs(120));
/// let never = RetryPolicy::none();
/// # let _ = (patient, never);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    max_wait: Duration,
    base_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            max_wait: Duration::from_secs(30),
            base_delay: Duration::from_millis(500),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }
    /// How many times a GET may be sent again after the first try (default 2).
    #[must_use]
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }
    /// The longest single wait before a retry (default 30 s). A server that asks for longer
    /// gets no retry.
    #[must_use]
    pub fn max_wait(mut self, d: Duration) -> Self {
        self.max_wait = d;
        self
    }
    /// The first backoff delay when the server gives no hint (default 500 ms); it doubles on
    /// each retry, with up to 50% jitter either way.
    #[must_use]
    pub fn base_delay(mut self, d: Duration) -> Self {
        self.base_delay = d;
        self
    }

    /// The wait before retry number `attempt + 1` after `err`, or `None` for no retry.
    pub(crate) fn wait_after(
        &self,
        err: &Error,
        attempt: u32,
        now: SystemTime,
    ) -> Option<Duration> {
        if attempt >= self.max_retries {
            return None;
        }
        let hinted = match err {
            Error::Api(e) if matches!(e.status, 429 | 502 | 503 | 504) => {
                // Mastodon's 429 has no Retry-After: wait for the window's reset. A reset that
                // is already past (a skewed clock) is no hint.
                e.retry_after.or_else(|| {
                    (e.status == 429)
                        .then(|| e.rate_limit?.wait_from(now))
                        .flatten()
                        .filter(|w| !w.is_zero())
                })
            }
            Error::Transport(t)
                if matches!(t.kind, TransportKind::Connect | TransportKind::Protocol) =>
            {
                None
            }
            _ => return None,
        };
        let wait = hinted.unwrap_or_else(|| {
            // base_delay * 2^attempt, jittered to [50%, 150%); saturates instead of panicking.
            let exp = self.base_delay.as_secs_f64() * 2f64.powi(attempt.min(64) as i32);
            Duration::try_from_secs_f64(exp * (0.5 + jitter())).unwrap_or(Duration::MAX)
        });
        (wait <= self.max_wait).then_some(wait)
    }
}

/// A number in [0, 1) that differs between calls; for backoff jitter only.
fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiError;

    #[test]
    fn retry_waits_follow_hints_and_caps() {
        let p = RetryPolicy::default();
        let now = SystemTime::now();
        let api = |status, retry_after: Option<u64>| {
            let e = ApiError::new(status).with_endpoint("GET /x");
            match retry_after {
                Some(s) => Error::from(e.with_retry_after(Duration::from_secs(s))),
                None => Error::from(e),
            }
        };
        assert_eq!(
            p.wait_after(&api(503, Some(2)), 0, now),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            p.wait_after(&api(503, Some(120)), 0, now),
            None,
            "over the cap"
        );
        assert_eq!(p.wait_after(&api(404, None), 0, now), None);
        assert_eq!(
            p.wait_after(&api(503, Some(1)), 2, now),
            None,
            "out of retries"
        );
        let w = p.wait_after(&api(502, None), 1, now).unwrap();
        assert!(
            w >= Duration::from_millis(500) && w < Duration::from_millis(1500),
            "{w:?}"
        );
        assert_eq!(
            RetryPolicy::none().wait_after(&api(503, Some(1)), 0, now),
            None
        );
    }
}
