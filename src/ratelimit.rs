//! `X-RateLimit-*` and `Retry-After` headers.
//!
//! Both parsers take server input and never fail: a value they do not understand is ignored.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The rate-limit state a server reported with a response.
///
/// Mastodon sends `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` on
/// `/api/*` responses; the reset time is ISO 8601 with fractions, while some other servers send
/// epoch seconds. Both are understood; anything else is ignored without failing the call.
///
/// ```
/// use mastolite::RateLimit;
/// let rl = RateLimit::from_headers(Some("300"), Some("299"), Some("2026-11-28T17:40:00.123456Z"));
/// let rl = rl.unwrap();
/// assert_eq!(rl.limit, Some(300));
/// assert_eq!(rl.remaining, Some(299));
/// assert_eq!(rl.reset_unix(), Some(1795887600));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// `X-RateLimit-Limit`: the request allowance of the current window.
    pub limit: Option<u64>,
    /// `X-RateLimit-Remaining`: requests left in the window.
    pub remaining: Option<u64>,
    /// `X-RateLimit-Reset`: when the window ends.
    pub reset: Option<SystemTime>,
}

impl RateLimit {
    /// Parses the three header values; `None` when none of them is usable. A value that is not
    /// understood is ignored on its own, without discarding the others.
    ///
    /// ```
    /// use mastolite::RateLimit;
    /// let rl = RateLimit::from_headers(Some("300"), Some("many"), Some("1795887600")).unwrap();
    /// assert_eq!((rl.limit, rl.remaining, rl.reset_unix()), (Some(300), None, Some(1795887600)));
    /// assert_eq!(RateLimit::from_headers(Some("x"), None, Some("tomorrow")), None);
    /// ```
    pub fn from_headers(
        limit: Option<&str>,
        remaining: Option<&str>,
        reset: Option<&str>,
    ) -> Option<Self> {
        let rl = RateLimit {
            limit: limit.and_then(|v| v.trim().parse().ok()),
            remaining: remaining.and_then(|v| v.trim().parse().ok()),
            reset: reset.and_then(parse_reset),
        };
        (rl.limit.is_some() || rl.remaining.is_some() || rl.reset.is_some()).then_some(rl)
    }

    /// The reset time as Unix seconds (fractions dropped).
    pub fn reset_unix(&self) -> Option<u64> {
        self.reset
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_secs())
    }

    /// How long until the window resets, measured from `now`; zero when it is past. The reset
    /// is the server's clock, so a skewed local clock shifts the result.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// let rl = mastolite::RateLimit::from_headers(None, Some("0"), Some("1795887600.25")).unwrap();
    /// let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1795887590);
    /// assert_eq!(rl.wait_from(now), Some(Duration::from_millis(10_250)));
    /// assert_eq!(rl.wait_from(now + Duration::from_secs(60)), Some(Duration::ZERO));
    /// ```
    pub fn wait_from(&self, now: SystemTime) -> Option<Duration> {
        self.reset
            .map(|r| r.duration_since(now).unwrap_or(Duration::ZERO))
    }
}

/// 9999-12-31T23:59:59Z, the last moment either form of reset time may name.
const LAST_SECOND: u64 = 253_402_300_799;

/// `X-RateLimit-Reset`: ISO 8601 (with or without fractions, `Z` or an offset) or epoch
/// seconds (with or without fractions).
fn parse_reset(v: &str) -> Option<SystemTime> {
    let v = v.trim();
    if v.bytes().next().is_some_and(|b| b.is_ascii_digit()) && !v.contains('-') {
        let (secs, frac) = v.split_once('.').unwrap_or((v, ""));
        if !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let secs: u64 = num_u64(secs)?;
        if secs > LAST_SECOND {
            return None;
        }
        return UNIX_EPOCH
            .checked_add(Duration::from_secs(secs))?
            .checked_add(Duration::from_nanos(nanos(frac)));
    }
    parse_rfc3339(v)
}

/// Parses a `Retry-After` value: delay seconds, or an HTTP date (RFC 9110 IMF-fixdate), as a
/// wait from `now`. A date in the past means no wait; anything else gives `None`.
///
/// The client already does this for every error response
/// ([`ApiError::retry_after`](crate::ApiError::retry_after)); this is for callers who read the
/// header themselves.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use mastolite::ratelimit::parse_retry_after;
/// let now = UNIX_EPOCH + Duration::from_secs(784_111_770);
/// assert_eq!(parse_retry_after("120", now), Some(Duration::from_secs(120)));
/// assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), Some(Duration::from_secs(7)));
/// assert_eq!(parse_retry_after("soon", now), None);
/// ```
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        return num_u64(v).map(Duration::from_secs);
    }
    let at = parse_http_date(v)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A run of ASCII digits as a `u64`; `None` for anything else or an overflow.
fn num_u64(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Decimal fraction digits (after the point) as nanoseconds; digits past the ninth are dropped.
fn nanos(frac: &str) -> u64 {
    frac.bytes()
        .chain(std::iter::repeat(b'0'))
        .take(9)
        .fold(0, |n, b| n * 10 + u64::from(b - b'0'))
}

fn num(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || s.len() > 9 {
        return None;
    }
    s.parse().ok()
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u64, d: u64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(y: u64, m: u64) -> u64 {
    match m {
        2 if y.is_multiple_of(4) && (!y.is_multiple_of(100) || y.is_multiple_of(400)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn to_system_time(
    y: u64,
    mo: u64,
    d: u64,
    h: u64,
    mi: u64,
    s: u64,
    offset: i64,
) -> Option<SystemTime> {
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) {
        return None;
    }
    if h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(y as i64, mo, d);
    let secs = days * 86_400 + (h * 3600 + mi * 60 + s) as i64 - offset;
    u64::try_from(secs)
        .ok()
        .filter(|s| *s <= LAST_SECOND)
        .and_then(|s| UNIX_EPOCH.checked_add(Duration::from_secs(s)))
}

/// `2026-11-28T17:40:00.123456Z` or `2026-11-28T17:40:00+01:00`; fractions are kept to the
/// nanosecond.
fn parse_rfc3339(v: &str) -> Option<SystemTime> {
    let b = v.as_bytes();
    if b.len() < 20 || !v.is_ascii() {
        return None;
    }
    if b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let (y, mo, d) = (num(&v[0..4])?, num(&v[5..7])?, num(&v[8..10])?);
    let (h, mi, s) = (num(&v[11..13])?, num(&v[14..16])?, num(&v[17..19])?);
    let mut rest = &v[19..];
    let mut fraction = 0;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        fraction = nanos(&frac[..digits]);
        rest = &frac[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6
            && (rest.starts_with('+') || rest.starts_with('-'))
            && &rest[3..4] == ":" =>
        {
            let oh = num(&rest[1..3])? as i64;
            let om = num(&rest[4..6])? as i64;
            let o = oh * 3600 + om * 60;
            if oh > 23 || om > 59 {
                return None;
            }
            if rest.starts_with('-') { -o } else { o }
        }
        _ => return None,
    };
    to_system_time(y, mo, d, h, mi, s, offset)?.checked_add(Duration::from_nanos(fraction))
}

/// `Sun, 06 Nov 1994 08:49:37 GMT`.
fn parse_http_date(v: &str) -> Option<SystemTime> {
    let mut parts = v.split_ascii_whitespace();
    let _weekday = parts.next()?.strip_suffix(',')?;
    let d = num(parts.next()?)?;
    let mon = parts.next()?;
    let y = num(parts.next()?)?;
    let time = parts.next()?;
    if parts.next()? != "GMT" || parts.next().is_some() {
        return None;
    }
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mo = MONTHS.iter().position(|m| *m == mon)? as u64 + 1;
    let mut t = time.split(':');
    let (h, mi, s) = (num(t.next()?)?, num(t.next()?)?, num(t.next()?)?);
    if t.next().is_some() {
        return None;
    }
    to_system_time(y, mo, d, h, mi, s, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unix(t: SystemTime) -> u64 {
        t.duration_since(UNIX_EPOCH).unwrap().as_secs()
    }

    #[test]
    fn reset_accepts_mastodon_iso8601_and_epoch_seconds() {
        assert_eq!(
            unix(parse_reset("2026-11-28T17:40:00.123456Z").unwrap()),
            1_795_887_600
        );
        assert_eq!(
            unix(parse_reset("2026-11-28T17:40:00Z").unwrap()),
            1_795_887_600
        );
        assert_eq!(
            unix(parse_reset("2026-11-28T18:40:00+01:00").unwrap()),
            1_795_887_600
        );
        assert_eq!(unix(parse_reset("1795887600").unwrap()), 1_795_887_600);
        assert_eq!(
            unix(parse_reset("9999-12-31T23:59:59Z").unwrap()),
            unix(parse_reset("253402300799").unwrap())
        );
        assert_eq!(unix(parse_reset("1970-01-01T00:00:00.000Z").unwrap()), 0);
        assert_eq!(
            unix(parse_reset("2000-02-29T00:00:00Z").unwrap()),
            951_782_400
        );
    }

    #[test]
    fn reset_keeps_fractions() {
        let since = |v| parse_reset(v).unwrap().duration_since(UNIX_EPOCH).unwrap();
        assert_eq!(
            since("2026-11-28T17:40:00.123456Z"),
            Duration::new(1_795_887_600, 123_456_000)
        );
        assert_eq!(
            since("2026-11-28T17:40:00.1234567891Z"),
            Duration::new(1_795_887_600, 123_456_789)
        );
        assert_eq!(
            since("1795887600.5"),
            Duration::new(1_795_887_600, 500_000_000)
        );
        assert_eq!(since("1795887600."), Duration::new(1_795_887_600, 0));
    }

    #[test]
    fn reset_ignores_garbage() {
        for v in [
            "",
            "soon",
            "2026-13-01T00:00:00Z",
            "2026-11-28T17:40:00",
            "2026-11-28T17:40:00.Z",
            "-5",
            "99999999999999999999999",
            "2026-11-28T17:40:00+0100",
            "２０２６-11-28T17:40:00Z",
            "2026-02-29T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-11-28T17:40:00+24:00",
            "2026-11-28T17:40:00+01:60",
            "1795887600.5.1",
            "1795887600.x",
            "1e9",
            "18446744073709551615",
            "253402300800",
        ] {
            assert_eq!(parse_reset(v), None, "{v}");
        }
        assert_eq!(RateLimit::from_headers(Some("x"), None, Some("y")), None);
    }

    #[test]
    fn retry_after_seconds_and_http_date() {
        let now = UNIX_EPOCH + Duration::from_secs(784_111_770);
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 UTC", now),
            None
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
