//! Loopback login (RFC 8252): the browser comes back to a one-shot listener on 127.0.0.1.
//!
//! ```sh
//! cargo run --example loopback_login -- https://mastodon.example "read write"
//! ```
//!
//! It listens on `127.0.0.1` with a port the OS picks, registers an app with the redirect URI
//! `http://127.0.0.1:PORT/callback` (or reuses the one in `MASTOLITE_CLIENT_ID` /
//! `MASTOLITE_CLIENT_SECRET`: Mastodon matches loopback redirect URIs on any port, so an app
//! registered with `http://127.0.0.1/callback` serves every run), prints the authorize URL
//! with a fresh `state` and, where the server advertises S256, a PKCE challenge, and waits up
//! to five minutes for the browser's redirect to `/callback`. It checks `state`, exchanges
//! the code with the verifier, answers the browser with a short page, and prints `@acct`.
//! Errors are printed as one line, with exit status 1.

mod login_common;

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use mastolite::{Client, Scopes};

/// How long the user has to approve in the browser.
const WAIT: Duration = Duration::from_secs(300);
/// How long one connection may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(5);
/// The longest request head read.
const MAX_HEAD: usize = 8 * 1024;

fn login(server: &str, requested: &Scopes) -> login_common::Result<String> {
    let client = Client::new(server)?;
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let redirect_uri = format!(
        "http://127.0.0.1:{}/callback",
        listener.local_addr()?.port()
    );
    let (app, request) = login_common::start(&client, requested, &redirect_uri)?;
    if request.verifier().is_none() {
        eprintln!("note: the server does not advertise PKCE (S256); logging in without it");
    }
    eprintln!(
        "Open this page in your browser and approve:\n\n{}\n",
        request.url()
    );

    let (mut browser, target) = accept_callback(&listener, Instant::now() + WAIT)?;
    let result = request
        .parse_callback(&target)
        .map_err(Into::into)
        .and_then(|code| login_common::finish(&client, &app, &request, &code));
    let page = match &result {
        Ok(_) => (
            "200 OK",
            "Signed in. You can close this tab and go back to the terminal.",
        ),
        Err(_) => ("400 Bad Request", "Sign-in failed. The terminal says why."),
    };
    // The browser's page is a courtesy: the login's outcome does not depend on it.
    let _ = respond(&mut browser, page.0, page.1);
    result
}

/// Waits until `deadline` for a `GET /callback…` request and returns its connection and
/// target. Other requests (a favicon) get a 404, and connections that send nothing (a
/// browser's preconnect) are dropped after [`READ_TIMEOUT`].
fn accept_callback(listener: &TcpListener, deadline: Instant) -> io::Result<(TcpStream, String)> {
    listener.set_nonblocking(true)?;
    loop {
        match listener.accept() {
            Ok((mut stream, _)) => {
                stream.set_nonblocking(false)?;
                stream.set_read_timeout(Some(READ_TIMEOUT))?;
                stream.set_write_timeout(Some(READ_TIMEOUT))?;
                match read_target(&mut stream) {
                    Some(t) if t == "/callback" || t.starts_with("/callback?") => {
                        return Ok((stream, t));
                    }
                    Some(_) => {
                        let _ = respond(&mut stream, "404 Not Found", "Not found.");
                    }
                    None => {}
                }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                if Instant::now() >= deadline {
                    return Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "no redirect from the browser within five minutes",
                    ));
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(e) => return Err(e),
        }
    }
}

/// The target of a `GET` request (`/callback?code=…&state=…`), or `None` for anything else.
fn read_target(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).ok().filter(|&n| n > 0)?;
        head.extend_from_slice(&buf[..n]);
        if head.len() > MAX_HEAD {
            return None;
        }
    }
    let line = std::str::from_utf8(&head).ok()?.lines().next()?;
    let mut parts = line.split(' ');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("GET"), Some(target), Some(version)) if version.starts_with("HTTP/1.") => {
            Some(target.to_owned())
        }
        _ => None,
    }
}

/// Answers with a short HTML page and closes the connection.
fn respond(stream: &mut TcpStream, status: &str, text: &str) -> io::Result<()> {
    let page = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>mastolite</title></head>\
         <body><p>{text}</p></body></html>"
    );
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n{page}",
        page.len()
    )?;
    stream.flush()
}

fn main() -> ExitCode {
    login_common::main("loopback_login", login)
}
