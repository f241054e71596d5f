//! A loopback stand-in for a Mastodon server, for the emulated checks in `scripts/arm-check`.
//! Standard library only: built with `rustc` alone, no cargo, no dependencies.
//!
//! It binds 127.0.0.1 on a free port, prints `http://127.0.0.1:PORT` on one line, logs one line
//! per request on stderr (`METHOD PATH STATUS`), and answers as Mastodon does, over HTTP/1.1
//! keep-alive, one thread per connection:
//! - `POST /api/v1/apps`: an app with its client id and secret
//! - `POST /oauth/token`: a token (the only one the server accepts afterwards)
//! - `GET /api/v1/apps/verify_credentials`: the app for that token, else 401 with Mastodon's
//!   error body; 404 when started with `--no-app-endpoint`, as GoToSocial answers
//! - `GET /api/v1/accounts/verify_credentials`: an account for that token, else 401
//! - `GET /api/v1/accounts/:id/followers`: 87 accounts (ids 120087 down to 120001), `limit` (1 to
//!   80, default 40) a page, below `max_id` when given, with a `Link` header: `prev`, and `next`
//!   when the page is full; 401 when a token other than the accepted one is sent
//!
//! Anything else gets a 404 with Mastodon's error body. It runs until killed.

use std::io::{BufReader, Write};
use std::net::{TcpListener, TcpStream};

#[path = "bench/http.rs"]
mod http;

const APP: &str = include_str!("bench/data/credential_application.json");
const TOKEN: &str = include_str!("bench/data/token.json");
const VERIFIED: &str = include_str!("bench/data/app_verify_credentials.json");
const ACCOUNT: &str = include_str!("bench/data/account_all_fields_synthesized.json");

/// The followers of every account.
const FOLLOWERS: u64 = 87;
const FIRST_ID: u64 = 120_000;

const UNAUTHORIZED: &str = "{\"error\":\"The access token is invalid\"}";
const NOT_FOUND: &str = "{\"error\":\"Record not found\"}";

struct Answer {
    status: &'static str,
    body: String,
    link: Option<String>,
}

impl Answer {
    fn ok(body: impl Into<String>) -> Answer {
        Answer {
            status: "200 OK",
            body: body.into(),
            link: None,
        }
    }

    fn error(status: &'static str, body: &str) -> Answer {
        Answer {
            status,
            body: body.to_owned(),
            link: None,
        }
    }
}

/// The token `POST /oauth/token` hands out.
fn accepted_token() -> &'static str {
    let (_, rest) = TOKEN
        .split_once("\"access_token\": \"")
        .expect("the token fixture has an access_token");
    &rest[..rest.find('"').expect("the access_token is a string")]
}

/// The value of a query parameter.
fn param<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// One follower: the account fixture with its own id and name.
fn account(id: u64) -> String {
    let n = id - FIRST_ID;
    ACCOUNT
        .replacen(
            "\"id\": \"110000000000000001\"",
            &format!("\"id\": \"{id}\""),
            1,
        )
        .replacen(
            "\"username\": \"alice\"",
            &format!("\"username\": \"f{n}\""),
            1,
        )
        .replacen("\"acct\": \"alice\"", &format!("\"acct\": \"f{n}\""), 1)
}

/// A page of followers below `max_id`, newest first, and its `Link` header.
fn followers(host: &str, path: &str, query: &str) -> Answer {
    let limit = param(query, "limit")
        .and_then(|l| l.parse::<u64>().ok())
        .unwrap_or(40)
        .clamp(1, 80);
    let below = param(query, "max_id")
        .and_then(|m| m.parse::<u64>().ok())
        .unwrap_or(u64::MAX)
        .min(FIRST_ID + FOLLOWERS + 1);
    let ids: Vec<u64> = (FIRST_ID + 1..below).rev().take(limit as usize).collect();
    let body = format!(
        "[{}]",
        ids.iter()
            .map(|&id| account(id))
            .collect::<Vec<_>>()
            .join(",")
    );
    let mut links = Vec::new();
    if ids.len() as u64 == limit {
        let last = ids[ids.len() - 1];
        links.push(format!(
            "<http://{host}{path}?limit={limit}&max_id={last}>; rel=\"next\""
        ));
    }
    if let Some(first) = ids.first() {
        links.push(format!(
            "<http://{host}{path}?limit={limit}&since_id={first}>; rel=\"prev\""
        ));
    }
    Answer {
        status: "200 OK",
        body,
        link: (!links.is_empty()).then(|| links.join(", ")),
    }
}

fn route(
    method: &str,
    target: &str,
    bearer: Option<&str>,
    host: &str,
    app_endpoint: bool,
) -> Answer {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let authorized = bearer == Some(accepted_token());
    match (method, path) {
        ("POST", "/api/v1/apps") => Answer::ok(APP),
        ("POST", "/oauth/token") => Answer::ok(TOKEN),
        ("GET", "/api/v1/apps/verify_credentials") if !app_endpoint => {
            Answer::error("404 Not Found", NOT_FOUND)
        }
        ("GET", "/api/v1/apps/verify_credentials") if authorized => Answer::ok(VERIFIED),
        ("GET", "/api/v1/accounts/verify_credentials") if authorized => {
            Answer::ok(account(FIRST_ID))
        }
        ("GET", "/api/v1/apps/verify_credentials" | "/api/v1/accounts/verify_credentials") => {
            Answer::error("401 Unauthorized", UNAUTHORIZED)
        }
        ("GET", p) if p.starts_with("/api/v1/accounts/") && p.ends_with("/followers") => {
            if bearer.is_some() && !authorized {
                Answer::error("401 Unauthorized", UNAUTHORIZED)
            } else {
                followers(host, p, query)
            }
        }
        _ => Answer::error("404 Not Found", NOT_FOUND),
    }
}

/// Serves one connection until the client closes it or sends something that is not HTTP.
fn serve(stream: TcpStream, host: &str, app_endpoint: bool) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    while let Some(request) = http::read_request(&mut reader)? {
        let (method, target) = (&request.method, &request.target);
        let answer = route(
            method,
            target,
            request.bearer.as_deref(),
            host,
            app_endpoint,
        );
        eprintln!("{method} {target} {}", &answer.status[..3]);
        let mut out = format!(
            "HTTP/1.1 {}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n",
            answer.status,
            answer.body.len()
        );
        if let Some(link) = answer.link {
            out.push_str(&format!("Link: {link}\r\n"));
        }
        out.push_str(if request.close {
            "Connection: close\r\n\r\n"
        } else {
            "\r\n"
        });
        out.push_str(&answer.body);
        writer.write_all(out.as_bytes())?;
        if request.close {
            return Ok(());
        }
    }
    Ok(())
}

fn main() -> std::io::Result<()> {
    let app_endpoint = match std::env::args().nth(1).as_deref() {
        None => true,
        Some("--no-app-endpoint") => false,
        Some(other) => {
            eprintln!("unknown argument {other}; usage: loopback-server [--no-app-endpoint]");
            std::process::exit(2);
        }
    };
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let host: &'static str = Box::leak(listener.local_addr()?.to_string().into_boxed_str());
    println!("http://{host}");
    std::io::stdout().flush()?;
    for stream in listener.incoming() {
        let stream = stream?;
        std::thread::spawn(move || serve(stream, host, app_endpoint));
    }
    Ok(())
}
