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
