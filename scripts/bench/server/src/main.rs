//! A loopback stand-in for a Mastodon server, for the runtime benchmark in `scripts/measure`.
//!
//! It binds 127.0.0.1 on a free port, prints `http://127.0.0.1:PORT` on one line, and answers
//! with canned bodies, over HTTP/1.1 keep-alive, one thread per connection:
//! - `POST /api/v1/apps`: an app with its client id and secret
//! - `POST /oauth/token`: a token
//! - `GET /api/v1/apps/verify_credentials`: the app
//! - `GET /api/v1/accounts/:id/followers`: a page of 40 full accounts with a `Link` header
//! - `GET /api/v1/accounts/pages-N/followers`: N pages of 80 full accounts, page K (from 0)
//!   asked for with `max_id=K` and linked to the next one, the last without a `next` link (for
//!   the memory benchmark, `scripts/measure-memory`)
//!
//! Anything else gets a 404 with Mastodon's error body. It runs until killed.

use std::io::{BufReader, Write};
use std::net::{TcpListener, TcpStream};

const APP: &str = include_str!("../../data/credential_application.json");
const TOKEN: &str = include_str!("../../data/token.json");
const VERIFIED: &str = include_str!("../../data/app_verify_credentials.json");

#[path = "../../http.rs"]
#[allow(dead_code)] // Request::bearer
mod http;

#[path = "../../page.rs"]
#[allow(dead_code)] // PER_PAGE
mod page;

struct Answer<'a> {
    status: &'a str,
    body: &'a str,
    link: Option<String>,
}

/// The pages the server holds.
struct Pages {
    /// 40 accounts.
    short: &'static str,
    /// 80 accounts.
    long: &'static str,
}

fn route<'a>(method: &str, target: &str, pages: &Pages, host: &str) -> Answer<'a> {
    let ok = |body| Answer {
        status: "200 OK",
        body,
        link: None,
    };
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if let Some(n) = Some(path)
        .filter(|_| method == "GET")
        .and_then(|p| p.strip_prefix("/api/v1/accounts/pages-"))
        .and_then(|p| p.strip_suffix("/followers"))
        .and_then(|n| n.parse::<u32>().ok())
    {
        let k = query
            .split('&')
            .find_map(|kv| kv.strip_prefix("max_id="))
            .and_then(|k| k.parse::<u32>().ok())
            .unwrap_or(0);
        return Answer {
            status: "200 OK",
            body: pages.long,
            link: (k + 1 < n).then(|| {
                format!(
                    "<http://{host}{path}?limit=80&max_id={}>; rel=\"next\"",
                    k + 1
                )
            }),
        };
    }
    let page = pages.short;
    match (method, path) {
        ("POST", "/api/v1/apps") => ok(APP),
        ("POST", "/oauth/token") => ok(TOKEN),
        ("GET", "/api/v1/apps/verify_credentials") => ok(VERIFIED),
        ("GET", p) if p.starts_with("/api/v1/accounts/") && p.ends_with("/followers") => Answer {
            status: "200 OK",
            body: page,
            link: Some(format!(
                "<http://{host}{p}?max_id=7486869>; rel=\"next\", <http://{host}{p}?since_id=7489740>; rel=\"prev\""
            )),
        },
        _ => Answer {
            status: "404 Not Found",
            body: "{\"error\":\"Record not found\"}",
            link: None,
        },
    }
}

/// Serves one connection until the client closes it or sends something that is not HTTP.
fn serve(stream: TcpStream, pages: &Pages, host: &str) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    let mut out = Vec::new();
    while let Some(request) = http::read_request(&mut reader)? {
        let close = request.close;
        let answer = route(&request.method, &request.target, pages, host);
        out.clear();
        write!(
            out,
            "HTTP/1.1 {}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n",
            answer.status,
            answer.body.len()
        )?;
        if let Some(link) = answer.link {
            write!(out, "Link: {link}\r\n")?;
        }
        out.extend_from_slice(if close {
            b"Connection: close\r\n\r\n"
        } else {
            b"\r\n"
        });
        out.extend_from_slice(answer.body.as_bytes());
        writer.write_all(&out)?;
        if close {
            return Ok(());
        }
    }
    Ok(())
}

fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let host = listener.local_addr()?.to_string();
    println!("http://{host}");
    std::io::stdout().flush()?;
    let pages: &'static Pages = Box::leak(Box::new(Pages {
        short: Box::leak(page::followers_page().into_boxed_str()),
        long: Box::leak(page::accounts_page(80).into_boxed_str()),
    }));
    let host: &'static str = Box::leak(host.into_boxed_str());
    for stream in listener.incoming() {
        let stream = stream?;
        std::thread::spawn(move || serve(stream, pages, host));
    }
    Ok(())
}
