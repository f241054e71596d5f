//! Servers that misbehave on purpose: every call ends in bounded time with a typed error, never
//! a hang or a panic, and memory stays bounded by the body cap.
//!
//! The servers are the std-only ones of `hostile_server`, because httpmock always answers
//! promptly and correctly framed.

use crate::hostile_server;

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hostile_server::{Server, account_json, respond, stream_large_body, trickle, wait_for_hangup};
use mastolite::{
    AccessToken, AccountId, Client, Error, Range, RetryPolicy, TransportKind, accounts, apps,
};

const TOKEN: &str = "hostile-test-token";

fn client(server: &Server, timeout: Duration) -> Client {
    Client::builder(&server.url())
        .timeout(timeout)
        .retry(RetryPolicy::none())
        .build()
        .expect("loopback http is accepted")
}

fn token() -> AccessToken {
    AccessToken::new(TOKEN)
}

/// Asserts the one request the suite expects for `GET /api/v1/accounts/verify_credentials`.
fn assert_verify_request(server: &Server) {
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1, "{reqs:?}");
    assert_eq!(reqs[0].method, "GET");
    assert_eq!(reqs[0].target, "/api/v1/accounts/verify_credentials");
    assert_eq!(
        reqs[0].header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
}

/// Calls `call` against `server` with a 5 s timeout and no retries, and returns its error.
fn error_from<T: std::fmt::Debug>(
    server: &Server,
    call: impl Fn(&Client, &AccessToken) -> Result<T, Error>,
) -> Error {
    call(&client(server, Duration::from_secs(5)), &token()).unwrap_err()
}

fn transport_kind(e: &Error) -> TransportKind {
    match e {
        Error::Transport(t) => t.kind(),
        other => panic!("expected a transport error, got {other:?}"),
    }
}

fn decode_error(e: &Error) -> &mastolite::DecodeError {
    match e {
        Error::Decode(d) => d,
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[test]
fn a_server_that_never_answers_ends_at_the_timeout() {
    let server = Server::start(|_, _, s| wait_for_hangup(s));
    let c = client(&server, Duration::from_millis(1200));
    let start = Instant::now();
    let e = accounts::verify_credentials(&c, &token()).unwrap_err();
    let took = start.elapsed();
    assert_eq!(transport_kind(&e), TransportKind::Timeout, "{e}");
    assert!(
        took >= Duration::from_millis(1100) && took < Duration::from_secs(4),
        "{took:?}"
    );
    assert!(e.is_transient());
    assert_eq!(
        e.to_string().split(": ").take(2).collect::<Vec<_>>(),
        [
            format!("GET {}/api/v1/accounts/verify_credentials", server.url()),
            "timed out after 1.2 s".to_owned()
        ]
    );
    assert_verify_request(&server);
}

#[test]
fn a_head_trickled_one_byte_a_second_ends_at_the_timeout() {
    let server = Server::start(|_, _, s| {
        trickle(
            s,
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]",
        )
    });
    let c = client(&server, Duration::from_millis(1500));
    let start = Instant::now();
    let e = accounts::verify_credentials(&c, &token()).unwrap_err();
    assert_eq!(transport_kind(&e), TransportKind::Timeout, "{e}");
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "{:?}",
        start.elapsed()
    );
    assert_verify_request(&server);
}

#[test]
fn a_body_trickled_one_byte_a_second_ends_at_the_timeout() {
    let server = Server::start(|_, _, s| {
        let _ = s.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n",
        );
        trickle(s, account_json("1").as_bytes());
    });
    let c = client(&server, Duration::from_millis(1500));
    let start = Instant::now();
    let e = accounts::verify_credentials(&c, &token()).unwrap_err();
    assert_eq!(transport_kind(&e), TransportKind::Timeout, "{e}");
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn a_truncated_body_is_a_protocol_error() {
    let server = Server::start(|_, _, s| {
        let _ = s.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"id\":\"1\",",
        );
    });
    let e = error_from(&server, accounts::verify_credentials);
    assert_eq!(transport_kind(&e), TransportKind::Protocol, "{e}");
    assert!(e.is_transient());
    assert_verify_request(&server);
}

#[test]
fn a_connection_closed_without_a_response_is_a_protocol_error() {
    let server = Server::start(|_, _, _| {});
    let e = error_from(&server, accounts::verify_credentials);
    assert_eq!(transport_kind(&e), TransportKind::Protocol, "{e}");
}

#[test]
fn a_garbage_status_line_is_a_protocol_error() {
    let server = Server::start(|_, _, s| {
        let _ = s.write_all(b"HELLO THERE\r\n\r\n");
    });
    let e = error_from(&server, accounts::verify_credentials);
    assert_eq!(transport_kind(&e), TransportKind::Protocol, "{e}");
}

#[test]
fn an_oversized_response_head_is_refused() {
    let big = "a".repeat(64 * 1024);
    let server = Server::start(move |_, _, s| respond(s, 200, &[("X-Filler", &big)], b"{}"));
    let e = error_from(&server, accounts::verify_credentials);
    assert_eq!(transport_kind(&e), TransportKind::Protocol, "{e}");
}

#[test]
fn a_body_that_is_not_json_is_a_decode_error_with_an_excerpt() {
    let server = Server::fixed(
        200,
        &[("Content-Type", "text/plain")],
        b"hello \x1b[2J world",
    );
    let e = error_from(&server, accounts::verify_credentials);
    let d = decode_error(&e);
    assert_eq!(d.endpoint(), "GET /api/v1/accounts/verify_credentials");
    assert_eq!(d.target(), "CredentialAccount");
    assert_eq!(d.excerpt(), Some("hello \x1b[2J world"));
    let shown = e.to_string();
    assert!(
        shown.starts_with(&format!(
            "GET {}/api/v1/accounts/verify_credentials: the body is not a valid CredentialAccount",
            d.origin()
        )),
        "{shown}"
    );
    assert!(
        shown.ends_with(": hello  [2J world"),
        "control characters are dropped: {shown}"
    );
    assert!(!e.is_transient());
}

#[test]
fn an_html_502_page_is_an_api_error_with_its_status() {
    let page = b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";
    let server = Server::fixed(502, &[("Content-Type", "text/html")], page);
    let e = error_from(&server, accounts::verify_credentials);
    let api = e.api_error().expect("an API error");
    assert_eq!(
        (api.status(), api.error(), api.description()),
        (502, None, None)
    );
    assert_eq!(
        e.to_string(),
        format!(
            "GET {}/api/v1/accounts/verify_credentials: status 502: {}",
            api.origin(),
            std::str::from_utf8(page).unwrap()
        )
    );
    assert!(e.is_transient());
    assert_verify_request(&server);
}

#[test]
fn a_huge_error_page_still_gives_the_status() {
    let server = Server::start(|_, _, s| {
        let _ = s.write_all(
            b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/html\r\nContent-Length: 52428800\r\nConnection: close\r\n\r\n",
        );
        let block = [b' '; 64 * 1024];
        while s.write_all(&block).is_ok() {}
    });
    let c = client(&server, Duration::from_secs(5));
    let start = Instant::now();
    let e = accounts::verify_credentials(&c, &token()).unwrap_err();
    assert_eq!(e.status(), Some(503), "{e}");
    assert!(start.elapsed() < Duration::from_secs(3));
}

#[test]
fn an_empty_200_is_a_decode_error() {
    let server = Server::fixed(200, &[("Content-Type", "application/json")], b"");
    let e = error_from(&server, apps::verify_credentials);
    let d = decode_error(&e);
    assert_eq!(
        (d.endpoint(), d.target(), d.excerpt()),
        (
            "GET /api/v1/apps/verify_credentials",
            "Application",
            Some("")
        )
    );
}

#[test]
fn invalid_utf8_is_a_decode_error() {
    let server = Server::fixed(
        200,
        &[("Content-Type", "application/json")],
        b"{\"name\":\"\xff\xfe\xc3\x28\"}",
    );
    let e = error_from(&server, apps::verify_credentials);
    let d = decode_error(&e);
    assert_eq!(
        (d.endpoint(), d.target(), d.excerpt()),
        ("GET /api/v1/apps/verify_credentials", "UTF-8 text", None)
    );
    assert_eq!(
        e.to_string(),
        format!(
            "GET {}/api/v1/apps/verify_credentials: the body is not a valid UTF-8 text",
            d.origin()
        )
    );
}

fn nested(depth: usize, open: &str, close: &str) -> String {
    let mut s = String::with_capacity(depth * (open.len() + close.len()));
    for _ in 0..depth {
        s.push_str(open);
    }
    for _ in 0..depth {
        s.push_str(close);
    }
    s
}

#[test]
fn json_nested_10000_deep_is_a_decode_error_not_a_stack_overflow() {
    let arrays = nested(10_000, "[", "]");
    let objects = nested(10_000, "{\"a\":", "}").replace("{\"a\":}", "{\"a\":1}");
    for (body, what) in [(&arrays, "arrays"), (&objects, "objects")] {
        let server = Server::fixed(
            200,
            &[("Content-Type", "application/json")],
            body.as_bytes(),
        );
        let c = client(&server, Duration::from_secs(5));
        let e = accounts::verify_credentials(&c, &token()).unwrap_err();
        let d = decode_error(&e);
        assert_eq!(d.target(), "CredentialAccount", "{what}");
        assert_eq!(d.excerpt().map(|x| x.chars().count()), Some(121), "{what}");
        let page = accounts::followers(&c, None, &AccountId::from("1"), &Range::new());
        assert!(matches!(page, Err(Error::Decode(_))), "{what}: {page:?}");
    }
    // Deep nesting inside a field that is ignored is skipped without recursion.
    let in_unknown_field = account_json("7").replacen('{', &format!("{{\"x\":{arrays},"), 1);
    let server = Server::fixed(200, &[], in_unknown_field.as_bytes());
    let me = accounts::verify_credentials(&client(&server, Duration::from_secs(5)), &token());
    assert_eq!(me.unwrap().id.as_str(), "7");
    // As an error body: the status survives.
    let server = Server::fixed(
        401,
        &[("Content-Type", "application/json")],
        objects.as_bytes(),
    );
    let e = error_from(&server, accounts::verify_credentials);
    assert_eq!((e.status(), e.is_unauthorized()), (Some(401), true));
}

fn assert_large_body_refused(chunked: bool) {
    const FIFTY_MIB: u64 = 50 * 1024 * 1024;
    const CAP: u64 = 1024 * 1024;
    let sent = Arc::new(AtomicU64::new(u64::MAX));
    let counter = Arc::clone(&sent);
    let server = Server::start(move |_, _, s| {
        counter.store(stream_large_body(s, FIFTY_MIB, chunked), Ordering::SeqCst);
    });
    let c = Client::builder(&server.url())
        .body_limit(CAP)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let start = Instant::now();
    let e = accounts::followers(&c, None, &AccountId::from("1"), &Range::new()).unwrap_err();
    assert_eq!(transport_kind(&e), TransportKind::BodyTooLarge, "{e}");
    assert!(!e.is_transient(), "a body over the cap is not retried");
    assert_eq!(server.hits(), 1);
    assert!(start.elapsed() < Duration::from_secs(5));
    // The client stopped reading at the cap: the server could not push the whole body into
    // the socket (what it did push sits in kernel buffers, not in our memory).
    let deadline = Instant::now() + Duration::from_secs(5);
    while sent.load(Ordering::SeqCst) == u64::MAX && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let pushed = sent.load(Ordering::SeqCst);
    assert!(pushed < FIFTY_MIB / 2, "{pushed} bytes");
}

#[test]
fn a_50_mib_body_with_content_length_is_refused_at_the_cap() {
    assert_large_body_refused(false);
}

#[test]
fn a_50_mib_chunked_body_is_refused_at_the_cap() {
    assert_large_body_refused(true);
}

#[test]
fn redirects_to_another_host_are_not_followed() {
    let elsewhere = Server::fixed(200, &[], b"{}");
    for status in [301, 302, 307] {
        let target = format!("{}/api/v1/accounts/verify_credentials", elsewhere.url());
        let server =
            Server::start(move |_, _, s| respond(s, status, &[("Location", &target)], b"moved"));
        let e = error_from(&server, accounts::verify_credentials);
        let Error::Redirect(r) = &e else {
            panic!("expected a redirect error, got {e:?}")
        };
        let location = format!("{}/api/v1/accounts/verify_credentials", elsewhere.url());
        assert_eq!(r.status(), status);
        assert_eq!(r.location(), Some(location.as_str()));
        assert_eq!(r.endpoint(), "GET /api/v1/accounts/verify_credentials");
        assert!(e.to_string().contains(&location), "{e}");
        assert_eq!(e.status(), Some(status));
        assert_verify_request(&server);
    }
    // A POST is not followed either.
    let target = format!("{}/api/v1/apps", elsewhere.url());
    let server = Server::start(move |_, _, s| respond(s, 307, &[("Location", &target)], b""));
    let c = client(&server, Duration::from_secs(5));
    let app = apps::NewApp::new("x").redirect_uri(mastolite::OOB);
    let e = apps::create(&c, &app).unwrap_err();
    assert!(
        matches!(&e, Error::Redirect(r) if r.status() == 307),
        "{e:?}"
    );
    assert_eq!(server.hits(), 1);
    assert_eq!(elsewhere.hits(), 0, "the other host was never contacted");
}

#[test]
fn a_redirect_with_a_non_ascii_location_still_names_it() {
    let server = Server::start(|_, _, s| {
        let _ = s.write_all(
            b"HTTP/1.1 302 Found\r\nLocation: https://\xc3\xa9vil.example/\xff\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
    });
    let e = error_from(&server, accounts::verify_credentials);
    let Error::Redirect(r) = &e else {
        panic!("expected a redirect error, got {e:?}")
    };
    assert_eq!(r.location(), Some("https://évil.example/\u{fffd}"));
}

/// A server whose followers pages link to whatever `next` gives for page `n`.
fn paging_server(next: impl Fn(usize, &str) -> Option<String> + Send + Sync + 'static) -> Server {
    Server::start(move |n, req, s| {
        let base = format!("http://{}", req.header("host").unwrap_or_default());
        let body = format!(
            "[{},{}]",
            account_json(&(2 * n).to_string()),
            account_json(&(2 * n + 1).to_string())
        );
        let link = next(n, &base).map(|u| format!("<{u}>; rel=\"next\""));
        let mut headers = vec![("Content-Type", "application/json")];
        if let Some(l) = &link {
            headers.push(("Link", l));
        }
        respond(s, 200, &headers, body.as_bytes());
    })
}

fn ids(page: &mastolite::Page<mastolite::Account>) -> Vec<&str> {
    page.items.iter().map(|a| a.id.as_str()).collect()
}

#[test]
fn pagination_refuses_a_next_link_to_another_origin() {
    let foreign = Server::fixed(200, &[], b"[]");
    let foreign_url = format!("{}/api/v1/accounts/1/followers?max_id=1", foreign.url());
    let next = foreign_url.clone();
    let server = paging_server(move |_, _| Some(next.clone()));
    let c = client(&server, Duration::from_secs(5));
    let tok = token();
    let mut pages =
        accounts::followers_pages(&c, Some(&tok), &AccountId::from("1"), &Range::new()).unwrap();
    assert_eq!(ids(&pages.next().unwrap().unwrap()), ["0", "1"]);
    match pages.next() {
        Some(Err(Error::ForeignUrl(u))) => assert_eq!(u, foreign_url),
        other => panic!("expected ForeignUrl, got {other:?}"),
    }
    assert!(pages.next().is_none(), "fused after the error");
    assert_eq!(server.hits(), 1);
    assert_eq!(
        foreign.hits(),
        0,
        "the token never went to the other origin"
    );
    assert_eq!(server.requests()[0].target, "/api/v1/accounts/1/followers");
}

#[test]
fn a_foreign_next_link_that_echoes_the_token_is_refused_and_redacted() {
    let next = format!(
        "https://collector.example/steal?t={}",
        ECHOED.replace('/', "%2F")
    );
    let server = paging_server(move |_, _| Some(next.clone()));
    let c = client(&server, Duration::from_secs(5));
    let tok = AccessToken::new(ECHOED);
    let mut pages =
        accounts::followers_pages(&c, Some(&tok), &AccountId::from("1"), &Range::new()).unwrap();
    assert_eq!(ids(&pages.next().unwrap().unwrap()), ["0", "1"]);
    match pages.next() {
        Some(Err(e @ Error::ForeignUrl(_))) => {
            assert_no_echo("foreign link", &e);
            assert!(
                e.to_string()
                    .ends_with("https://collector.example/steal?t=[redacted]"),
                "{e}"
            );
        }
        other => panic!("expected ForeignUrl, got {other:?}"),
    }
}

#[test]
fn pagination_stops_when_next_repeats_a_page() {
    let server = paging_server(|_, base| Some(format!("{base}/api/v1/accounts/1/followers")));
    let c = client(&server, Duration::from_secs(5));
    let pages: Vec<_> = accounts::followers_pages(&c, None, &AccountId::from("1"), &Range::new())
        .unwrap()
        .collect();
    assert_eq!(pages.len(), 1);
    assert_eq!(ids(pages[0].as_ref().unwrap()), ["0", "1"]);
    assert_eq!(server.hits(), 1);
}

#[test]
fn pagination_stops_on_a_cycle_of_two_pages() {
    let server = paging_server(|n, base| {
        Some(format!(
            "{base}/api/v1/accounts/1/followers?max_id={}",
            n % 2
        ))
    });
    let c = client(&server, Duration::from_secs(5));
    let items: Vec<String> =
        accounts::followers_pages(&c, None, &AccountId::from("1"), &Range::new())
            .unwrap()
            .items()
            .map(|a| a.unwrap().id.as_str().to_owned())
            .collect();
    // Page 0 (no cursor), max_id=0, max_id=1, then max_id=0 again: stop.
    assert_eq!(items, ["0", "1", "2", "3", "4", "5"]);
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(
        targets,
        [
            "/api/v1/accounts/1/followers",
            "/api/v1/accounts/1/followers?max_id=0",
            "/api/v1/accounts/1/followers?max_id=1"
        ]
    );
}

#[test]
fn a_never_ending_chain_respects_the_callers_cap() {
    let server = paging_server(|n, base| {
        Some(format!(
            "{base}/api/v1/accounts/1/followers?limit=2&max_id=c{n}"
        ))
    });
    let c = client(&server, Duration::from_secs(5));
    let range = Range::new().limit(2);
    let pages: Vec<_> = accounts::followers_pages(&c, None, &AccountId::from("1"), &range)
        .unwrap()
        .take(5)
        .collect();
    assert_eq!(pages.len(), 5);
    assert!(pages.iter().all(Result::is_ok));
    assert_eq!(server.hits(), 5);
    assert_eq!(
        server.requests()[4].target,
        "/api/v1/accounts/1/followers?limit=2&max_id=c3"
    );

    let items: Vec<_> = accounts::followers_pages(&c, None, &AccountId::from("1"), &range)
        .unwrap()
        .items()
        .take(7)
        .collect();
    assert_eq!(items.len(), 7);
    assert_eq!(server.hits(), 5 + 4, "7 items of 2 per page need 4 pages");
}

#[test]
fn an_endless_chain_of_empty_pages_ends() {
    let server = Server::start(|n, req, s| {
        let link = format!(
            "<http://{}/api/v1/accounts/1/followers?max_id=e{n}>; rel=\"next\"",
            req.header("host").unwrap_or_default()
        );
        respond(s, 200, &[("Link", &link)], b"[]");
    });
    let c = client(&server, Duration::from_secs(5));
    let items: Vec<_> = accounts::followers_pages(&c, None, &AccountId::from("1"), &Range::new())
        .unwrap()
        .items()
        .take(3)
        .collect();
    assert!(items.is_empty());
    assert_eq!(server.hits(), 1);
}

#[test]
fn a_401_with_non_ascii_www_authenticate_is_an_api_error() {
    let server = Server::start(|_, _, s| {
        let _ = s.write_all(
            b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm=\"D\xc3\xb6rk\xff\xfe\", error=\"invalid_token\"\r\nContent-Type: application/json\r\nContent-Length: 39\r\nConnection: close\r\n\r\n{\"error\":\"The access token is invalid\"}",
        );
    });
    let e = error_from(&server, apps::verify_credentials);
    let api = e.api_error().expect("an API error");
    assert_eq!(api.status(), 401);
    assert_eq!(api.error(), Some("The access token is invalid"));
    assert!(e.is_unauthorized());
    assert_eq!(
        e.to_string(),
        format!(
            "GET {}/api/v1/apps/verify_credentials: status 401: The access token is invalid",
            api.origin()
        )
    );
}

#[test]
fn a_429_without_any_header_is_rate_limited_without_hints() {
    let server = Server::fixed(429, &[], b"");
    let e = error_from(&server, apps::verify_credentials);
    let api = e.api_error().expect("an API error");
    assert_eq!(
        (api.status(), api.rate_limit().copied(), api.retry_after()),
        (429, None, None)
    );
    assert!(e.is_rate_limited() && e.is_transient());
    assert_eq!(server.hits(), 1);
}

#[test]
fn a_503_asking_for_120_seconds_returns_at_once_with_default_retries() {
    let server = Server::fixed(503, &[("Retry-After", "120")], b"{\"error\":\"later\"}");
    let c = Client::builder(&server.url()).build().unwrap();
    let start = Instant::now();
    let e = apps::verify_credentials(&c, &token()).unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    let api = e.api_error().expect("an API error");
    assert_eq!(api.retry_after(), Some(Duration::from_secs(120)));
    assert_eq!(api.error(), Some("later"));
    assert_eq!(server.hits(), 1);
}

#[test]
fn garbage_rate_limit_headers_are_ignored_without_failing() {
    let server = Server::fixed(
        200,
        &[
            ("X-RateLimit-Limit", "lots"),
            ("X-RateLimit-Remaining", "-1"),
            ("X-RateLimit-Reset", "tomorrow-ish"),
            ("Retry-After", "\u{1F600}"),
        ],
        b"[]",
    );
    let c = client(&server, Duration::from_secs(5));
    let page = mastolite::accounts::followers(
        &c,
        Some(&token()),
        &mastolite::AccountId::from("1"),
        &mastolite::Range::new(),
    )
    .unwrap();
    assert!(page.items.is_empty());
    assert_eq!(page.rate_limit, None);
}

// ---------------------------------------------------------------------------------------------
// Servers that echo the request: no secret reaches an error, in any encoding

/// A token with characters that percent-encoding and JSON escaping change.
const ECHOED: &str = "echo/tok+en=SECRET-0123456789abcdef";

/// `text` spelled as a form encoder, a partial encoder and a JSON encoder would.
fn spellings(text: &str) -> Vec<String> {
    let form: String = text
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_owned(),
            b => format!("%{b:02X}"),
        })
        .collect();
    vec![
        text.to_owned(),
        form.clone(),
        form.to_lowercase().replace("secret", "SECRET"),
        text.replace('+', "%2b"),
        text.replace('/', "\\/"),
        text.replace('/', "\\u002F").replace('+', "\\u002b"),
        text.replace('/', "\\/").replace('+', "%2B"),
    ]
}

fn assert_no_echo(what: &str, e: &Error) {
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains("SECRET"), "{what}: {shown}");
    assert!(!shown.contains("0123456789abcdef"), "{what}: {shown}");
}

#[test]
fn an_echoing_success_page_never_shows_the_token() {
    for spelled in spellings(ECHOED) {
        let body = format!("<html><pre>Authorization: Bearer {spelled}</pre></html>");
        let server = Server::fixed(200, &[("Content-Type", "text/html")], body.as_bytes());
        let c = client(&server, Duration::from_secs(5));
        let e = apps::verify_credentials(&c, &AccessToken::new(ECHOED)).unwrap_err();
        assert_no_echo(&spelled, &e);
        let d = decode_error(&e);
        assert_eq!(
            d.excerpt(),
            Some("<html><pre>Authorization: Bearer [redacted]</pre></html>"),
            "{spelled}"
        );
        let reqs = server.requests();
        assert_eq!(
            reqs[0].header("authorization"),
            Some(format!("Bearer {ECHOED}").as_str())
        );
    }
}

#[test]
fn an_echoing_json_success_never_shows_the_token_in_detail_or_excerpt() {
    // The token where a number belongs: serde_json's message would quote it.
    let body =
        format!(r#"{{"name":"App","website":null,"id":"{ECHOED}","vapid_key":["{ECHOED}"]}}"#);
    let server = Server::fixed(200, &[], format!("[{body}]").as_bytes());
    let c = client(&server, Duration::from_secs(5));
    let e = apps::verify_credentials(&c, &AccessToken::new(ECHOED)).unwrap_err();
    assert_no_echo("json", &e);
    let d = decode_error(&e);
    assert!(d.excerpt().unwrap().contains("[redacted]"), "{d:?}");

    let body = format!(
        r#"{{"id":"1","followers_count":"{}"}}"#,
        ECHOED.replace('/', "\\/")
    );
    let server = Server::fixed(200, &[], body.as_bytes());
    let c = client(&server, Duration::from_secs(5));
    let e = accounts::verify_credentials(&c, &AccessToken::new(ECHOED)).unwrap_err();
    assert_no_echo("wrong type", &e);
    if let Some(detail) = decode_error(&e).detail() {
        assert!(!detail.contains("echo"), "{detail}");
    }
}

#[test]
fn error_bodies_and_redirects_that_echo_the_form_are_redacted() {
    let creds = mastolite::AppCredentials::new("client-id", mastolite::ClientSecret::new(ECHOED));
    let scopes = "read".parse().unwrap();
    for spelled in spellings(ECHOED) {
        let body = format!(
            r#"{{"error":"invalid_client","error_description":"got client_id=client-id&client_secret={}"}}"#,
            spelled.replace('\\', "\\\\")
        );
        let server = Server::fixed(401, &[], body.as_bytes());
        let c = client(&server, Duration::from_secs(5));
        let e = mastolite::oauth::client_credentials(&c, &creds, &scopes).unwrap_err();
        assert_no_echo(&spelled, &e);
        assert_eq!(
            e.api_error().unwrap().description(),
            Some("got client_id=client-id&client_secret=[redacted]"),
            "{spelled}"
        );
        assert!(server.requests()[0].body_text().contains("client_secret="));

        let location = format!("https://elsewhere.example/?t={spelled}");
        let server = Server::fixed(302, &[("Location", &location)], b"");
        let c = client(&server, Duration::from_secs(5));
        let e = apps::verify_credentials(&c, &AccessToken::new(ECHOED)).unwrap_err();
        assert_no_echo(&spelled, &e);
        match &e {
            Error::Redirect(r) => assert_eq!(
                r.location(),
                Some("https://elsewhere.example/?t=[redacted]"),
                "{spelled}"
            ),
            other => panic!("{other:?}"),
        }
    }
}

#[cfg(feature = "rustls")]
#[test]
fn https_to_a_plain_http_port_is_a_tls_error_with_a_hint() {
    let (url, plain) = hostile_server::plain_http_for_https();
    let c = Client::builder(&url)
        .timeout(Duration::from_secs(5))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let e = apps::verify_credentials(&c, &token()).unwrap_err();
    assert_eq!(plain.join().unwrap()[0], 0x16, "a TLS handshake record");
    assert_eq!(transport_kind(&e), TransportKind::Tls, "{e}");
    let Error::Transport(t) = &e else {
        unreachable!()
    };
    assert_eq!(
        t.hint(),
        Some("the server may speak plain http on this port")
    );
    assert_eq!(t.origin(), url);
    let shown = e.to_string();
    assert!(
        shown.starts_with(&format!(
            "GET {url}/api/v1/apps/verify_credentials: tls failure (the server may speak plain http on this port): "
        )),
        "{shown}"
    );
}
