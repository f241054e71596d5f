//! What `oob_login` and `loopback_login` share: the command line, the app's credentials, the
//! loopback listener's callback handling, and the end of the login. Server text is printed
//! through `mastolite::terminal::sanitize`.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use mastolite::oauth::{self, AuthorizationRequest, AuthorizeOptions};
use mastolite::terminal::sanitize;
use mastolite::{AppCredentials, AuthorizationCode, Client, ClientSecret, Scopes, accounts, apps};

pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Runs `login(server, scopes)` with `<server> [scopes]` from argv, prints `@acct` on success,
/// and the error as one line with exit status 1 otherwise.
pub fn main(name: &str, login: fn(&str, &Scopes) -> Result<String>) -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(server) = args.next() else {
        eprintln!("usage: {name} <server> [scopes, default \"read\"]");
        eprintln!(
            "reuse an app: MASTOLITE_CLIENT_ID, MASTOLITE_CLIENT_SECRET, MASTOLITE_APP_SCOPES"
        );
        return ExitCode::from(2);
    };
    let result = args
        .next()
        .as_deref()
        .unwrap_or("read")
        .parse::<Scopes>()
        .map_err(Into::into)
        .and_then(|scopes| login(&server, &scopes));
    match result {
        Ok(acct) => {
            println!("@{acct}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}", sanitize(&e.to_string()));
            ExitCode::FAILURE
        }
    }
}

/// The app's credentials with `redirect_uri`, and its registered scopes.
///
/// With `MASTOLITE_CLIENT_ID` and `MASTOLITE_CLIENT_SECRET` set, that app is reused (its
/// registered scopes from `MASTOLITE_APP_SCOPES`, else taken to be the requested ones).
/// Otherwise a new app is registered for `requested`; its secret is never printed.
fn app_credentials(
    client: &Client,
    requested: &Scopes,
    redirect_uri: &str,
) -> Result<(AppCredentials, Scopes)> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    if let (Some(id), Some(secret)) = (var("MASTOLITE_CLIENT_ID"), var("MASTOLITE_CLIENT_SECRET")) {
        let registered = match var("MASTOLITE_APP_SCOPES") {
            Some(s) => s.parse()?,
            None => requested.clone(),
        };
        let mut app = AppCredentials::new(id.trim(), ClientSecret::new(secret.trim()));
        app.redirect_uri = redirect_uri.to_owned();
        return Ok((app, registered));
    }
    let app = apps::create(
        client,
        &apps::NewApp::new("mastolite login example")
            .redirect_uri(redirect_uri)
            .scopes(requested.clone()),
    )?;
    eprintln!(
        "registered a new app, client_id {}",
        sanitize(&app.client_id)
    );
    let registered = app.scopes.clone().unwrap_or_else(|| requested.clone());
    let mut creds = app.credentials();
    creds.redirect_uri = redirect_uri.to_owned();
    Ok((creds, registered))
}

/// The app's credentials and the authorize request for `redirect_uri`: the server's metadata
/// says where the authorize page is, and PKCE (S256) is used unless its metadata rules it out.
pub fn start(
    client: &Client,
    requested: &Scopes,
    redirect_uri: &str,
) -> Result<(AppCredentials, AuthorizationRequest)> {
    let (app, registered) = app_credentials(client, requested, redirect_uri)?;
    let options = AuthorizeOptions::new()
        .registered(registered)
        .metadata(oauth::server_metadata(client)?);
    let request = oauth::authorization_request(client, &app, requested, &options)?;
    Ok((app, request))
}

/// Exchanges the code, warns about scopes the user did not grant, and returns the account's
/// `acct`.
pub fn finish(
    client: &Client,
    app: &AppCredentials,
    request: AuthorizationRequest,
    code: &AuthorizationCode,
) -> Result<String> {
    let requested = request.scopes().clone();
    let token = request.exchange(client, app, code)?;
    if let Err(missing) = oauth::granted_covers(&token, &requested) {
        eprintln!("warning: {missing}");
    }
    let acct = accounts::verify_credentials(client, &token.access_token)?.acct;
    Ok(sanitize(&acct).into_owned())
}

/// How long one connection may take to send its request head.
const CONNECTION_TIME: Duration = Duration::from_secs(5);
/// The longest request head read.
const MAX_HEAD: usize = 8 * 1024;

/// Waits on `listener` until `deadline` for the browser's `GET /callback…` that answers
/// `request`, and returns its connection (to answer the browser) and the outcome: the code, or
/// the server's error (`access_denied` when the user declined).
///
/// One deadline bounds the whole wait, reads included: a client that sends its request a
/// byte at a time is dropped when its own few seconds or the deadline run out, whichever comes
/// first. Requests for other paths get a 404; a callback with a wrong or missing `state` (not
/// an answer to this login: another tab, or a forgery) gets a 400 page and the wait goes on.
pub fn wait_for_callback(
    listener: &TcpListener,
    deadline: Instant,
    request: &AuthorizationRequest,
) -> io::Result<(
    TcpStream,
    std::result::Result<AuthorizationCode, mastolite::Error>,
)> {
    listener.set_nonblocking(true)?;
    loop {
        let now = Instant::now();
        if now >= deadline {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "no redirect from the browser before the deadline",
            ));
        }
        let mut stream = match listener.accept() {
            Ok((stream, _)) => stream,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(20).min(deadline - now));
                continue;
            }
            Err(e) => return Err(e),
        };
        stream.set_nonblocking(false)?;
        let Some(target) = read_target(&mut stream, deadline.min(now + CONNECTION_TIME)) else {
            continue;
        };
        if target != "/callback" && !target.starts_with("/callback?") {
            let _ = respond(&mut stream, "404 Not Found", "Not found.");
            continue;
        }
        match request.parse_callback(&target) {
            Ok(code) => return Ok((stream, Ok(code))),
            // The server's error, sent back with this login's state.
            Err(e @ mastolite::Error::Authorization(_)) if has_state(&target) => {
                return Ok((stream, Err(e)));
            }
            Err(_) => {
                let _ = respond(
                    &mut stream,
                    "400 Bad Request",
                    "This address does not answer the sign-in that is waiting. Still waiting.",
                );
            }
        }
    }
}

/// True when the request target carries a `state` parameter.
fn has_state(target: &str) -> bool {
    target
        .split_once('?')
        .is_some_and(|(_, q)| q.split('&').any(|p| p.starts_with("state=")))
}

/// The target of a `GET` request (`/callback?code=…&state=…`), or `None` for anything else,
/// for a head longer than [`MAX_HEAD`], or when `until` passes first.
fn read_target(stream: &mut TcpStream, until: Instant) -> Option<String> {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let left = until.checked_duration_since(Instant::now())?;
        if left.is_zero() {
            return None;
        }
        stream.set_read_timeout(Some(left)).ok()?;
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
pub fn respond(stream: &mut TcpStream, status: &str, text: &str) -> io::Result<()> {
    stream.set_write_timeout(Some(CONNECTION_TIME))?;
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
