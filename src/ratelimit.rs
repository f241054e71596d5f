//! `X-RateLimit-*` and `Retry-After` headers.

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
    /// Parses the three header values; `None` when none of them is usable.
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

    /// The reset time as Unix seconds.
    pub fn reset_unix(&self) -> Option<u64> {
        self.reset
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_secs())
    }

    /// How long until the window resets, measured from `now`; zero when it is past.
    pub fn wait_from(&self, now: SystemTime) -> Option<Duration> {
        self.reset
            .map(|r| r.duration_since(now).unwrap_or(Duration::ZERO))
    }
}

/// `X-RateLimit-Reset`: ISO 8601 (with or without fractions, `Z` or an offset) or epoch seconds.
pub(crate) fn parse_reset(v: &str) -> Option<SystemTime> {
    let v = v.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        let secs: u64 = v.parse().ok()?;
        return UNIX_EPOCH.checked_add(Duration::from_secs(secs));
    }
    parse_rfc3339(v)
}

/// `Retry-After`: delay seconds, or an HTTP date (RFC 9110 IMF-fixdate), relative to `now`.
pub(crate) fn parse_retry_after(v: &str, now: SystemTime) -> Option<Duration> {
    let v = v.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        return v.parse().ok().map(Duration::from_secs);
    }
    let at = parse_http_date(v)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
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

fn to_system_time(
    y: u64,
    mo: u64,
    d: u64,
    h: u64,
    mi: u64,
    s: u64,
    offset: i64,
) -> Option<SystemTime> {
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    if h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(y as i64, mo, d);
    let secs = days * 86_400 + (h * 3600 + mi * 60 + s) as i64 - offset;
    u64::try_from(secs)
        .ok()
        .and_then(|s| UNIX_EPOCH.checked_add(Duration::from_secs(s)))
}

/// `2026-11-28T17:40:00.123456Z` or `2026-11-28T17:40:00+01:00`; fractions are dropped.
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
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
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
            if rest.starts_with('-') { -o } else { o }
        }
        _ => return None,
    };
    to_system_time(y, mo, d, h, mi, s, offset)
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
        assert_eq!(unix(parse_reset("1970-01-01T00:00:00.000Z").unwrap()), 0);
        assert_eq!(
            unix(parse_reset("2000-02-29T00:00:00Z").unwrap()),
            951_782_400
        );
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
