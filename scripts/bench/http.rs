//! HTTP/1.1 requests as the loopback stand-ins for Mastodon read them (`scripts/bench/server`
//! and `scripts/loopback-server.rs`, through `#[path]`): request line, headers, and the body
//! skipped by its `Content-Length`.

use std::io::{BufRead, Read};

/// What the stand-ins look at in a request.
pub struct Request {
    pub method: String,
    /// The path with its query.
    pub target: String,
    /// `Connection: close` was sent.
    pub close: bool,
    /// The token of an `Authorization: Bearer` header.
    pub bearer: Option<String>,
}

/// Reads the next request of a keep-alive connection; `None` when the client closed it or sent
/// something that is not HTTP.
pub fn read_request(reader: &mut impl BufRead) -> std::io::Result<Option<Request>> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Ok(None);
    };
    let mut request = Request {
        method: method.to_owned(),
        target: target.to_owned(),
        close: false,
        bearer: None,
    };
    let mut length = 0u64;
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = value.parse().unwrap_or(0);
            } else if name.eq_ignore_ascii_case("connection") {
                request.close = value.eq_ignore_ascii_case("close");
            } else if name.eq_ignore_ascii_case("authorization") {
                request.bearer = value.strip_prefix("Bearer ").map(str::to_owned);
            }
        }
    }
    std::io::copy(&mut reader.take(length), &mut std::io::sink())?;
    Ok(Some(request))
}
