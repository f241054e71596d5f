//! A stand-in for a Mastodon 4.x server, for running the walkthrough and the `post_status`
//! example with no server and no network: std only, bound to 127.0.0.1 on a port the system
//! picks, one thread per connection.
//!
//! It answers the walkthrough's requests the way Mastodon does, with bodies derived from
//! recordings of real servers (`*.json` beside this file, see its `README.md`), and checks them as
//! Mastodon would: the client credentials at `/oauth/token`, the bearer token on every read that
//! carries one, the account id and the `max_id` cursor of the lists. Followers come in two
//! pages linked by `Link` headers whose cursors are follow-record ids, as on Mastodon.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

/// The account the demo knows, as a handle to look up.
pub const HANDLE: &str = "@mastodonpy_test";

const APP: &str = include_str!("app.json");
const TOKEN: &str = include_str!("token.json");
const VERIFY_CREDENTIALS: &str = include_str!("verify_credentials.json");
const ACCOUNT: &str = include_str!("account.json");
const FOLLOWERS_1: &str = include_str!("followers_1.json");
const FOLLOWERS_2: &str = include_str!("followers_2.json");
const FOLLOWING: &str = include_str!("following.json");

/// The values in the bodies above that the server checks requests against.
const CLIENT_ID: &str = "dSqEHsXYueL3gn3LbghhdtDXqqa9es7Ydchk8qWmIA0";
const CLIENT_SECRET: &str = "nUEMHt2lM0OT2tPILQfrX10Wn9NAsH86FdIHwJmqCyg";
const ACCESS_TOKEN: &str = "bt8hghc2YHTT8t-ZY_AT2KXkT1WHVtj6riU8zbWyV9Y";
const ACCOUNT_ID: &str = "113997362795514921";
const ACCT: &str = "mastodonpy_test";
/// The follow-record ids around the followers pages: the first page's newest and oldest.
const FOLLOWERS_NEWEST: &str = "4213";
const FOLLOWERS_CURSOR: &str = "4207";

/// Longest request head and body the server reads.
const MAX_HEAD: u64 = 16 * 1024;
const MAX_BODY: u64 = 64 * 1024;

/// A running demo server. It lives as long as the process: its threads are detached.
#[derive(Debug)]
pub struct DemoServer {
    url: String,
}

impl DemoServer {
    /// Binds 127.0.0.1 on a free port and serves from a thread.
    pub fn start() -> std::io::Result<DemoServer> {
        let listener = TcpListener::bind(("127.0.0.1", 0))?;
        let url = format!("http://{}", listener.local_addr()?);
        let base = url.clone();
        thread::Builder::new()
            .name("demo server".to_owned())
            .spawn(move || {
                for stream in listener.incoming().flatten() {
                    let base = base.clone();
                    // A connection whose thread cannot start is dropped; the client sees it closed.
                    let _ = thread::Builder::new().spawn(move || serve(stream, &base));
                }
            })?;
        Ok(DemoServer { url })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }
}

/// One parsed request.
struct Request {
    method: String,
    path: String,
    query: String,
    authorization: Option<String>,
    close: bool,
    body: String,
}

/// One answer.
struct Response {
    status: u16,
    body: String,
    link: Option<String>,
}

impl Response {
    fn ok(body: &str) -> Response {
        Response {
            status: 200,
            body: body.to_owned(),
            link: None,
        }
    }

    fn error(status: u16, body: &str) -> Response {
        Response {
            status,
            body: body.to_owned(),
            link: None,
        }
    }
}

/// Answers the requests of one keep-alive connection until it closes, idles for 10 s, or sends
/// something this server does not read.
fn serve(stream: TcpStream, base: &str) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    loop {
        let (response, close) = match read_request(&mut reader) {
            Ok(Some(req)) => (route(&req, base), req.close),
            Ok(None) => return,
            Err(status) => (Response::error(status, r#"{"error":"Bad request"}"#), true),
        };
        if write_response(&mut writer, &response, close).is_err() || close {
            return;
        }
    }
}

/// Reads a request head and its `Content-Length` body. `Ok(None)` when the client closed the
/// connection between requests; `Err(status)` for a request this server does not accept.
fn read_request(reader: &mut BufReader<TcpStream>) -> Result<Option<Request>, u16> {
    let mut head = String::new();
    let mut limited = reader.by_ref().take(MAX_HEAD);
    let mut line = String::new();
    loop {
        line.clear();
        match limited.read_line(&mut line) {
            Ok(0) if head.is_empty() => return Ok(None),
            Ok(0) => return Err(400),
            Ok(_) if line == "\r\n" || line == "\n" => break,
            Ok(_) => head.push_str(&line),
            Err(_) if head.is_empty() => return Ok(None),
            Err(_) => return Err(400),
        }
    }
    let mut lines = head.lines();
    let mut request_line = lines.next().unwrap_or("").split(' ');
    let (Some(method), Some(target), Some(_version)) = (
        request_line.next(),
        request_line.next(),
        request_line.next(),
    ) else {
        return Err(400);
    };
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut req = Request {
        method: method.to_owned(),
        path: path.to_owned(),
        query: query.to_owned(),
        authorization: None,
        close: false,
        body: String::new(),
    };
    let mut length = 0;
    for header in lines {
        let Some((name, value)) = header.split_once(':') else {
            return Err(400);
        };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => length = value.parse::<u64>().map_err(|_| 400u16)?,
            "transfer-encoding" => return Err(411),
            "authorization" => req.authorization = Some(value.to_owned()),
            "connection" => req.close = value.eq_ignore_ascii_case("close"),
            _ => {}
        }
    }
    if length > MAX_BODY {
        return Err(413);
    }
    let mut body = Vec::new();
    reader
        .by_ref()
        .take(length)
        .read_to_end(&mut body)
        .map_err(|_| 400u16)?;
    if body.len() as u64 != length {
        return Err(400);
    }
    req.body = String::from_utf8(body).map_err(|_| 400u16)?;
    Ok(Some(req))
}

/// What Mastodon answers to this request.
fn route(req: &Request, base: &str) -> Response {
    // A request that carries a token must carry a valid one, also where none is needed.
    let bearer = req
        .authorization
        .as_deref()
        .map(|a| a.strip_prefix("Bearer ") == Some(ACCESS_TOKEN));
    if bearer == Some(false) {
        return Response::error(401, r#"{"error":"The access token is invalid"}"#);
    }
    match (req.method.as_str(), req.path.as_str()) {
        ("POST", "/api/v1/apps") => register(&form(&req.body)),
        ("POST", "/oauth/token") => token(&form(&req.body)),
        ("GET", "/api/v1/apps/verify_credentials") if bearer.is_none() => {
            Response::error(401, r#"{"error":"The access token is invalid"}"#)
        }
        ("GET", "/api/v1/apps/verify_credentials") => Response::ok(VERIFY_CREDENTIALS),
        // The demo's one token acts as its one user's: the signed-in account is that user.
        ("GET", "/api/v1/accounts/verify_credentials") if bearer.is_none() => {
            Response::error(401, r#"{"error":"The access token is invalid"}"#)
        }
        ("GET", "/api/v1/accounts/verify_credentials") => Response::ok(ACCOUNT),
        ("POST", "/api/v1/statuses") if bearer.is_none() => {
            Response::error(401, r#"{"error":"The access token is invalid"}"#)
        }
        ("POST", "/api/v1/statuses") => status(&form(&req.body), base),
        ("GET", "/api/v1/accounts/lookup") => {
            let query = form(&req.query);
            let acct = param(&query, "acct").unwrap_or_default();
            if acct.trim_start_matches('@').eq_ignore_ascii_case(ACCT) {
                Response::ok(ACCOUNT)
            } else {
                not_found()
            }
        }
        ("GET", path) => match path
            .strip_prefix("/api/v1/accounts/")
            .and_then(|rest| rest.split_once('/'))
        {
            Some((ACCOUNT_ID, "followers")) => followers(req, base),
            Some((ACCOUNT_ID, "following")) => Response::ok(FOLLOWING),
            _ => not_found(),
        },
        _ => not_found(),
    }
}

/// `POST /api/v1/statuses`: the text is required; the answer is the new status, with the text
/// as its HTML content.
fn status(form: &[(String, String)], base: &str) -> Response {
    let text = param(form, "status").unwrap_or_default();
    if text.trim().is_empty() {
        return Response::error(422, r#"{"error":"Validation failed: Text can't be blank"}"#);
    }
    let visibility = param(form, "visibility")
        .filter(|v| ["public", "unlisted", "private", "direct"].contains(v))
        .unwrap_or("public");
    let mut content = String::from("<p>");
    for c in text.chars() {
        match c {
            '<' => content.push_str("&lt;"),
            '>' => content.push_str("&gt;"),
            '&' => content.push_str("&amp;"),
            '"' => content.push_str("&quot;"),
            '\\' => content.push_str("\\\\"),
            c if c.is_control() => content.push(' '),
            c => content.push(c),
        }
    }
    content.push_str("</p>");
    let id = "113997400000000001";
    Response {
        status: 200,
        body: format!(
            r#"{{"id":"{id}","created_at":"2026-12-02T00:00:00.000Z","visibility":"{visibility}","url":"{base}/@{ACCT}/{id}","content":"{content}"}}"#
        ),
        link: None,
    }
}

fn not_found() -> Response {
    Response::error(404, r#"{"error":"Record not found"}"#)
}

/// `POST /api/v1/apps`: a name, redirect URIs and known scopes are required.
fn register(form: &[(String, String)]) -> Response {
    let given = |name| param(form, name).is_some_and(|v| !v.trim().is_empty());
    if !given("client_name") {
        return Response::error(
            422,
            r#"{"error":"Validation failed: Application name can't be blank"}"#,
        );
    }
    if !given("redirect_uris") {
        return Response::error(
            422,
            r#"{"error":"Validation failed: Redirect URI must be an absolute URI."}"#,
        );
    }
    if !param(form, "scopes").is_none_or(|s| {
        s.split(' ')
            .all(|s| ["read", "write", "push", "follow"].contains(&s))
    }) {
        return Response::error(422, r#"{"error":"Validation failed: Scopes are invalid"}"#);
    }
    Response::ok(APP)
}

/// `POST /oauth/token` with the client-credentials grant and the app's credentials.
fn token(form: &[(String, String)]) -> Response {
    if param(form, "grant_type") != Some("client_credentials") {
        return Response::error(
            400,
            r#"{"error":"unsupported_grant_type","error_description":"The authorization grant type is not supported by the authorization server."}"#,
        );
    }
    if param(form, "client_id") != Some(CLIENT_ID)
        || param(form, "client_secret") != Some(CLIENT_SECRET)
    {
        return Response::error(
            401,
            r#"{"error":"invalid_client","error_description":"Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method."}"#,
        );
    }
    if param(form, "scope").is_some_and(|s| s.split(' ').any(|s| s != "read")) {
        return Response::error(
            400,
            r#"{"error":"invalid_scope","error_description":"The requested scope is invalid, unknown, or malformed."}"#,
        );
    }
    Response::ok(TOKEN)
}

/// Two pages of followers: the first links to the second with `max_id`, both link back with
/// `since_id`, and the second is the last.
fn followers(req: &Request, base: &str) -> Response {
    let query = form(&req.query);
    let limit = param(&query, "limit").map(|l| format!("limit={l}&"));
    let limit = limit.as_deref().unwrap_or("");
    let url = format!("{base}/api/v1/accounts/{ACCOUNT_ID}/followers?{limit}");
    let prev = format!("<{url}since_id={FOLLOWERS_NEWEST}>; rel=\"prev\"");
    match param(&query, "max_id") {
        None => Response {
            link: Some(format!(
                "<{url}max_id={FOLLOWERS_CURSOR}>; rel=\"next\", {prev}"
            )),
            ..Response::ok(FOLLOWERS_1)
        },
        Some(FOLLOWERS_CURSOR) => Response {
            link: Some(prev),
            ..Response::ok(FOLLOWERS_2)
        },
        Some(_) => Response::ok("[]"),
    }
}

/// A form body or query string, decoded (`+` and `%XX`).
fn form(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn param<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Writes the status line, Mastodon's headers and the body.
fn write_response(out: &mut TcpStream, response: &Response, close: bool) -> std::io::Result<()> {
    let reason = match response.status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        411 => "Length Required",
        413 => "Payload Too Large",
        _ => "Unprocessable Content",
    };
    let mut head = format!(
        "HTTP/1.1 {} {reason}\r\n\
         Content-Type: application/json; charset=utf-8\r\n\
         Content-Length: {}\r\n\
         Cache-Control: private, no-store\r\n\
         Vary: Accept, Origin\r\n\
         Connection: {}\r\n",
        response.status,
        response.body.len(),
        if close { "close" } else { "keep-alive" },
    );
    if let Some(link) = &response.link {
        head.push_str(&format!("Link: {link}\r\n"));
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    out.write_all(response.body.as_bytes())?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use mastolite::scopes::READ;
    use mastolite::{AccessToken, AccountId, Client, OOB, Range, Scopes, accounts, apps, oauth};

    fn client() -> (DemoServer, Client) {
        let server = DemoServer::start().expect("a loopback port");
        let client = Client::new(server.url()).expect("a loopback origin");
        (server, client)
    }

    #[test]
    fn the_bodies_hold_the_values_the_server_checks() {
        let (_server, client) = client();
        let app = apps::create(
            &client,
            &apps::NewApp::new("mastolite walkthrough").redirect_uri(OOB),
        )
        .unwrap();
        assert_eq!(app.client_id, CLIENT_ID);
        let token =
            oauth::client_credentials(&client, &app.credentials(), &Scopes::new().with(READ))
                .unwrap();
        assert_eq!(token.access_token.secret(), ACCESS_TOKEN);
        let account =
            accounts::lookup(&client, Some(&token.access_token), &HANDLE.parse().unwrap()).unwrap();
        assert_eq!(
            (account.id.as_str(), account.acct.as_str()),
            (ACCOUNT_ID, ACCT)
        );
    }

    #[test]
    fn it_refuses_what_mastodon_refuses() {
        let (_server, client) = client();
        let wrong = AccessToken::new("not-the-token".to_owned());
        let err = apps::verify_credentials(&client, &wrong).unwrap_err();
        assert!(err.is_unauthorized(), "{err}");

        let app = apps::create(&client, &apps::NewApp::new("x").redirect_uri(OOB)).unwrap();
        let mut creds = app.credentials();
        creds.client_id = "someone-else".to_owned();
        let err =
            oauth::client_credentials(&client, &creds, &Scopes::new().with(READ)).unwrap_err();
        assert_eq!(err.api_error().map(|e| e.status()), Some(401), "{err}");

        let err = accounts::lookup(&client, None, &"@nobody".parse().unwrap()).unwrap_err();
        assert_eq!(err.api_error().map(|e| e.status()), Some(404), "{err}");
    }

    #[test]
    fn followers_come_in_two_linked_pages() {
        let (_server, client) = client();
        let id = AccountId::from(ACCOUNT_ID);
        let pages: Vec<_> = accounts::followers_pages(&client, None, &id, &Range::new().limit(40))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(pages.len(), 2);
        assert_eq!(
            pages[0].next.as_deref(),
            Some(
                format!(
                    "{}/api/v1/accounts/{ACCOUNT_ID}/followers?limit=40&max_id={FOLLOWERS_CURSOR}",
                    client.origin()
                )
                .as_str()
            )
        );
        assert_eq!(pages[1].next, None);
        let accts: Vec<_> = pages
            .iter()
            .flat_map(|p| &p.items)
            .map(|a| a.acct.as_str())
            .collect();
        assert_eq!(
            accts,
            [
                "paul",
                "george@social.example",
                "ringo",
                "yoko@art.example",
                "brian"
            ]
        );
    }

    #[test]
    fn forms_are_decoded_like_mastodon() {
        assert_eq!(
            form("a=b+c&redirect_uris=urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob&bad=%zz&end=%4"),
            [
                ("a".to_owned(), "b c".to_owned()),
                ("redirect_uris".to_owned(), OOB.to_owned()),
                ("bad".to_owned(), "%zz".to_owned()),
                ("end".to_owned(), "%4".to_owned()),
            ]
        );
    }
}
