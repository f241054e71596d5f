//! Origins: the scheme, host and port that a secret is bound to.
//!
//! A leaf module: the client, the OAuth calls and the credentials file all compare origins
//! through [`Origin`], so "the same server" means one thing everywhere.

use crate::error::Error;

/// The scheme, host and port of a URL, normalised (`https://host` or `http://host:port`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin {
    pub(crate) text: String,
    pub(crate) https: bool,
    pub(crate) loopback: bool,
}

impl Origin {
    /// Parses a server address: `https://host[:port]` with at most a trailing `/`.
    pub(crate) fn parse(url: &str) -> Result<Origin, Error> {
        let url = url.trim();
        if !url.contains("://")
            && let Some(e) = handle(url)
        {
            return Err(e);
        }
        let with_scheme;
        let url = if url.contains("://") {
            url
        } else {
            with_scheme = format!("https://{url}");
            &with_scheme
        };
        let (origin, rest) = Self::split(url)?;
        if !(rest.is_empty() || rest == "/") {
            return Err(Error::invalid(format!(
                "the server address must be just scheme and host, without a path, query or fragment: {}",
                crate::terminal::Clean(url)
            )));
        }
        Ok(origin)
    }

    /// Splits an absolute URL into its origin and the rest (path, query, fragment).
    pub(crate) fn split(url: &str) -> Result<(Origin, &str), Error> {
        let bad = |why: &str| Error::invalid(format!("{why}: {}", crate::terminal::Clean(url)));
        let (scheme, after) = url
            .split_once("://")
            .ok_or_else(|| bad("not an absolute URL"))?;
        let https = if scheme.eq_ignore_ascii_case("https") {
            true
        } else if scheme.eq_ignore_ascii_case("http") {
            false
        } else {
            return Err(bad("the scheme must be https or http"));
        };
        let end = after.find(['/', '?', '#']).unwrap_or(after.len());
        let (authority, rest) = after.split_at(end);
        if authority.contains('@') {
            return Err(bad("user info is not allowed in the server address"));
        }
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let (h, p) = v6
                .split_once(']')
                .ok_or_else(|| bad("unclosed IPv6 address"))?;
            if h.is_empty()
                || !h
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
            {
                return Err(bad("invalid IPv6 address"));
            }
            let port = match p {
                "" => None,
                p => Some(p.strip_prefix(':').ok_or_else(|| bad("invalid port"))?),
            };
            (format!("[{}]", h.to_ascii_lowercase()), port)
        } else {
            let (h, p) = match authority.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            };
            // Bounded first: the encoding takes time quadratic in the length.
            if !h.is_ascii() && h.len() <= 253 {
                return Err(not_ascii(url, scheme, h, p));
            }
            let ok = !h.is_empty()
                && h.len() <= 253
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_');
            if !ok {
                return Err(bad("invalid host name"));
            }
            (h.to_ascii_lowercase(), p)
        };
        let port = match port {
            None => None,
            Some(p) => match p.parse::<u16>() {
                Ok(n) if n > 0 && p.bytes().all(|b| b.is_ascii_digit()) => Some(n),
                _ => return Err(bad("invalid port")),
            },
        };
        let default_port = if https { 443 } else { 80 };
        let scheme = if https { "https" } else { "http" };
        let text = match port {
            Some(p) if p != default_port => format!("{scheme}://{host}:{p}"),
            _ => format!("{scheme}://{host}"),
        };
        let loopback = is_loopback_host(&host);
        Ok((
            Origin {
                text,
                https,
                loopback,
            },
            rest,
        ))
    }
}

/// The error for a handle (`@alice@host`, `alice@host`) given as a server address: it names
/// the server.
#[cold]
fn handle(url: &str) -> Option<Error> {
    let (user, host) = url.trim_start_matches('@').split_once('@')?;
    if user.is_empty() || host.contains('@') {
        return None;
    }
    let server = Origin::parse(host).ok()?;
    Some(Error::invalid(format!(
        "\"{}\" looks like a handle, not a server address; the server is {}",
        crate::terminal::Clean(url),
        server.text
    )))
}

/// The error for a host name that is not ASCII: it names the `xn--` form, when that is a
/// valid host name and has no capital letter outside ASCII (whose lower case would need
/// Unicode's tables).
#[cold]
fn not_ascii(url: &str, scheme: &str, host: &str, port: Option<&str>) -> Error {
    let mut ascii = format!("{scheme}://");
    let mut ok = true;
    for (i, label) in host.to_ascii_lowercase().split('.').enumerate() {
        if i > 0 {
            ascii.push('.');
        }
        if label.is_ascii() {
            ascii.push_str(label);
        } else if label.chars().any(char::is_uppercase) {
            ok = false;
        } else {
            ascii.push_str("xn--");
            ok &= punycode(label, &mut ascii).is_some();
        }
    }
    ascii.extend(port.map(|p| format!(":{p}")));
    let form = match ok.then(|| Origin::parse(&ascii)) {
        Some(Ok(o)) => format!(", {}", o.text),
        _ => String::new(),
    };
    Error::invalid(format!(
        "the host name of {} is not ASCII; use its xn-- (punycode) form{form}",
        crate::terminal::Clean(url)
    ))
}

/// Appends the Punycode encoding of a label (RFC 3492, section 6.3) to `out`, without the
/// `xn--` prefix; `None` on overflow.
#[inline(never)]
fn punycode(label: &str, out: &mut String) -> Option<()> {
    const BASE: u32 = 36;
    let digit = |d: u32| {
        char::from(if d < 26 {
            b'a' + d as u8
        } else {
            b'0' + (d - 26) as u8
        })
    };
    let adapt = |delta: u32, points: u32, first: bool| {
        let mut delta = delta / if first { 700 } else { 2 };
        delta += delta / points;
        let mut k = 0;
        while delta > (BASE - 1) * 26 / 2 {
            delta /= BASE - 1;
            k += BASE;
        }
        k + BASE * delta / (delta + 38)
    };
    let chars: Vec<u32> = label.chars().map(u32::from).collect();
    let basic = chars.iter().filter(|&&c| c < 128).count() as u32;
    out.extend(label.chars().filter(char::is_ascii));
    if basic > 0 {
        out.push('-');
    }
    let (mut n, mut delta, mut bias, mut h) = (128u32, 0u32, 72u32, basic);
    while (h as usize) < chars.len() {
        let m = chars.iter().copied().filter(|&c| c >= n).min()?;
        delta = delta.checked_add((m - n).checked_mul(h + 1)?)?;
        n = m;
        for &c in &chars {
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let (mut q, mut k) = (delta, BASE);
                loop {
                    let t = k.saturating_sub(bias).clamp(1, 26);
                    if q < t {
                        break;
                    }
                    out.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out.push(digit(q));
                bias = adapt(delta, h + 1, h == basic);
                delta = 0;
                h += 1;
            }
        }
        delta = delta.checked_add(1)?;
        n += 1;
    }
    Some(())
}

/// Whether plain http may go to this host without an opt-in: `localhost` itself and literal
/// loopback addresses (127.0.0.0/8, `::1`). Other names under `.localhost` are not loopback:
/// the system resolver may send them to DNS, and a token would travel in clear.
fn is_loopback_host(host: &str) -> bool {
    if host == "localhost" {
        return true;
    }
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return v6
            .parse::<std::net::Ipv6Addr>()
            .is_ok_and(|ip| ip.is_loopback());
    }
    host.parse::<std::net::Ipv4Addr>()
        .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalised() {
        let o = |u: &str| Origin::parse(u).map(|o| o.text);
        assert_eq!(
            o("https://Mastodon.Example/").unwrap(),
            "https://mastodon.example"
        );
        assert_eq!(
            o("https://mastodon.example:443").unwrap(),
            "https://mastodon.example"
        );
        assert_eq!(o("http://127.0.0.1:8080").unwrap(), "http://127.0.0.1:8080");
        assert_eq!(o("  social.example ").unwrap(), "https://social.example");
        assert_eq!(o("https://[::1]:3000").unwrap(), "https://[::1]:3000");
        for bad in [
            "ftp://x",
            "https://",
            "https://user@host",
            "https://host/path",
            "https://host?q",
            "https://host:0",
            "https://host:99999",
            "https://ho st",
            "https://[zz]",
            "https://host:12ab",
        ] {
            assert!(Origin::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn handles_and_host_names_that_are_not_ascii_name_what_to_write() {
        let e = |u: &str| Origin::parse(u).unwrap_err().to_string();
        for handle in ["@alice@Mastodon.Social", "alice@mastodon.social"] {
            assert_eq!(
                e(handle),
                format!(
                    "invalid input: \"{handle}\" looks like a handle, not a server address; the server is https://mastodon.social"
                )
            );
        }
        assert_eq!(
            e("https://alice@m.example"),
            "invalid input: user info is not allowed in the server address: https://alice@m.example"
        );
        assert_eq!(
            e("a@b@c.example"),
            "invalid input: user info is not allowed in the server address: https://a@b@c.example"
        );
        assert_eq!(
            e("@alice@"),
            "invalid input: user info is not allowed in the server address: https://@alice@"
        );
        assert_eq!(
            e("https://Bücher.EXAMPLE:8443"),
            "invalid input: the host name of https://Bücher.EXAMPLE:8443 is not ASCII; use its xn-- (punycode) form, https://xn--bcher-kva.example:8443"
        );
        assert_eq!(
            e("https://BÜCHER.example"),
            "invalid input: the host name of https://BÜCHER.example is not ASCII; use its xn-- (punycode) form"
        );
        assert_eq!(
            e("https://a b.ü"),
            "invalid input: the host name of https://a b.ü is not ASCII; use its xn-- (punycode) form"
        );
        // RFC 3492, section 7.1: (A) Arabic and (L) Japanese, with basic code points; then an overflow.
        let arabic = "\u{644}\u{64A}\u{647}\u{645}\u{627}\u{628}\u{62A}\u{643}\u{644}\u{645}\u{648}\u{634}\u{639}\u{631}\u{628}\u{64A}\u{61F}";
        let encode = |label: &str| {
            let mut out = String::from("x");
            punycode(label, &mut out).map(|()| out)
        };
        assert_eq!(encode(arabic).unwrap(), "xegbpdaj6bu4bxfgehfvwxn");
        assert_eq!(
            encode("3年B組金八先生").unwrap(),
            "x3B-ww4c5e180e575a65lsy2b"
        );
        assert_eq!(encode("münchen").unwrap(), "xmnchen-3ya");
        assert_eq!(encode(&format!("{}\u{10FFFF}", "a".repeat(5000))), None);
    }

    #[test]
    fn only_localhost_and_literal_loopback_addresses_are_loopback() {
        let lo = |u: &str| Origin::parse(u).unwrap().loopback;
        assert!(lo("http://localhost:3000"));
        assert!(lo("http://127.0.0.1"));
        assert!(lo("http://127.1.2.3:8080"));
        assert!(lo("http://[::1]:3000"));
        assert!(lo("http://[0:0:0:0:0:0:0:1]"));
        assert!(!lo("http://anything.localhost"));
        assert!(!lo("http://localhost.example"));
        assert!(!lo("http://128.0.0.1"));
        assert!(!lo("http://[::2]"));
        assert!(!lo("http://0.0.0.0"));
    }
}
