//! `mastolite::check`: every outcome against httpmock, the exact requests, the GoToSocial
//! fallback, the exit-status order, and `check_all`'s bounded threads, shared connections and
//! stable order.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use httpmock::prelude::*;
use mastolite::check::{Checker, Kind, Outcome, Report, Target, exit_status};
use mastolite::{AccessToken, RetryPolicy};

const TOKEN: &str = "SECRET_tok_41";
const APP: &str = r#"{"id":"5","name":"bot","website":null,"scopes":["read"],"redirect_uris":["urn:ietf:wg:oauth:2.0:oob"],"redirect_uri":"urn:ietf:wg:oauth:2.0:oob","vapid_key":"BCk"}"#;
const ACCOUNT: &str = r#"{"id":"01F8","username":"alice","acct":"alice","display_name":"Alice","created_at":"2020-01-01T00:00:00.000Z","statuses_count":3,"followers_count":2,"following_count":1}"#;
const APP_PATH: &str = "/api/v1/apps/verify_credentials";
const USER_PATH: &str = "/api/v1/accounts/verify_credentials";

fn checker() -> Checker {
    Checker::new()
        .retry(RetryPolicy::none())
        .timeout(Duration::from_secs(5))
}

fn target(server: &MockServer, kind: Kind) -> Target {
    Target::new(server.base_url(), kind, AccessToken::new(TOKEN))
}

/// No report ever holds the token.
fn checked(r: Report) -> Report {
    let shown = format!("{r:?} {}", mastolite::cli_support::to_json(&r));
    assert!(!shown.contains(TOKEN), "{shown}");
    r
}

/// The app endpoint with the exact headers of a check, answering `status` and `body`.
fn app_answer<'a>(server: &'a MockServer, status: u16, body: &str) -> httpmock::Mock<'a> {
    answer(server, APP_PATH, status, body)
}

/// `path` with the exact headers of a check, answering `status` and `body`.
fn answer<'a>(server: &'a MockServer, path: &str, status: u16, body: &str) -> httpmock::Mock<'a> {
    server.mock(|when, then| {
        when.method(GET)
            .path(path)
            .header("authorization", format!("Bearer {TOKEN}"))
            .header("accept", "application/json");
        then.status(status)
            .header("content-type", "application/json")
            .header("x-ratelimit-limit", "300")
            .header("x-ratelimit-remaining", "297")
            .body(body);
    })
}

#[test]
fn an_accepted_token_is_ok_with_its_status_and_rate_limit() {
    let server = MockServer::start();
    let m = answer(&server, USER_PATH, 200, ACCOUNT);
    let t = target(&server, Kind::User).account("alice@127.0.0.1");
    let r = checked(checker().check(&t));
    m.assert();
    assert_eq!(r.status, Outcome::Ok);
    assert_eq!(r.http_status, Some(200));
    assert_eq!(r.rate_limit_remaining, Some(297));
    assert_eq!(r.error, None);
    assert_eq!(
        (r.server.as_str(), r.kind, r.account.as_deref()),
        (
            server.base_url().as_str(),
            Kind::User,
            Some("alice@127.0.0.1")
        )
    );
    assert!(r.latency_ms < 5000);
    assert!(r.checked_at > 1_700_000_000);
}

#[test]
fn rejected_tokens_and_the_server_echoing_them_back() {
    for (status, body) in [
        (
            401,
            format!(r#"{{"error":"The access token {TOKEN} is invalid"}}"#),
        ),
        (403, r#"{"error":"Forbidden"}"#.to_owned()),
        (400, r#"{"error":"invalid_client"}"#.to_owned()),
    ] {
        let server = MockServer::start();
        let m = app_answer(&server, status, &body);
        let r = checked(checker().check(&target(&server, Kind::App)));
        m.assert();
        assert_eq!(r.status, Outcome::Rejected, "{status}");
        assert_eq!(r.http_status, Some(status));
        assert_eq!(r.rate_limit_remaining, Some(297));
        let e = r.error.unwrap();
        assert!(e.contains(&format!("status {status}")), "{e}");
        if status == 401 {
            assert!(e.contains("The access token [redacted] is invalid"), "{e}");
        }
    }
}

#[test]
fn an_expired_token_is_not_sent() {
    let server = MockServer::start();
    let any = server.mock(|_, then| {
        then.status(200).body(APP);
    });
    let t = target(&server, Kind::App).expires_at(Some(1_000_000_000));
    let r = checked(checker().check(&t));
    assert_eq!(any.calls(), 0);
    assert_eq!(r.status, Outcome::Expired);
    assert_eq!((r.http_status, r.error, r.latency_ms), (None, None, 0));
    assert_eq!(r.expires_at, Some(1_000_000_000));
    // One that expires later is checked.
    let t = target(&server, Kind::App).expires_at(Some(i64::MAX / 2));
    assert_eq!(checker().check(&t).status, Outcome::Ok);
    assert_eq!(any.calls(), 1);
}

#[test]
fn unavailable_servers() {
    for (status, body) in [
        (503, "<html>down</html>"),
        (429, r#"{"error":"Too many requests"}"#),
        (502, ""),
        // Not the JSON a check expects.
        (200, "<html>welcome</html>"),
        (200, r#"{"id":5}"#),
    ] {
        let server = MockServer::start();
        let m = app_answer(&server, status, body);
        let r = checked(checker().check(&target(&server, Kind::App)));
        m.assert();
        assert_eq!(r.status, Outcome::Unavailable, "{status} {body}");
        assert_eq!(r.http_status, Some(status));
        let error = r.error.as_deref().unwrap_or_default();
        assert!(
            error.contains(&format!("status {status}"))
                || error.contains("is not a valid Application"),
            "{status}: {error}"
        );
    }
    // Nothing listening.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let origin = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let r = checked(checker().check(&Target::new(origin, Kind::App, AccessToken::new(TOKEN))));
    assert_eq!((r.status, r.http_status), (Outcome::Unavailable, None));
}

#[test]
fn refused_requests_and_redirects() {
    let server = MockServer::start();
    let m = app_answer(&server, 400, r#"{"error":"bad request"}"#);
    let r = checked(checker().check(&target(&server, Kind::App)));
    m.assert();
    assert_eq!((r.status, r.http_status), (Outcome::Refused, Some(400)));

    let server = MockServer::start();
    let m = server.mock(|when, then| {
        when.method(GET).path(APP_PATH);
        then.status(302)
            .header("location", format!("https://evil.example/?t={TOKEN}"));
    });
    let r = checked(checker().check(&target(&server, Kind::App)));
    m.assert();
    assert_eq!((r.status, r.http_status), (Outcome::Refused, Some(302)));
}

#[test]
fn what_cannot_be_tried_here_is_an_error_without_a_request() {
    let server = MockServer::start();
    let any = server.mock(|_, then| {
        then.status(200).body(APP);
    });
    let bad_token = Target::new(server.base_url(), Kind::App, AccessToken::new("a\nb"));
    let r = checked(checker().check(&bad_token));
    assert_eq!((r.status, r.http_status), (Outcome::Error, None));
    assert!(r.error.unwrap().contains("invalid input"));
    // Plain http to a host that is not loopback.
    let t = Target::new(
        "http://mastodon.example",
        Kind::App,
        AccessToken::new(TOKEN),
    );
    let r = checked(checker().check(&t));
    assert_eq!(r.status, Outcome::Error);
    assert!(r.error.unwrap().contains("plain http"));
    assert_eq!(any.calls(), 0);
}

#[test]
#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
fn https_without_tls_built_in_is_an_error() {
    let t = Target::new("https://127.0.0.1:9", Kind::App, AccessToken::new(TOKEN));
    let r = checked(checker().check(&t));
    assert_eq!((r.status, r.http_status), (Outcome::Error, None));
}

#[test]
fn gotosocial_fallback_to_the_account_endpoint() {
    // (the account endpoint's answer, the outcome)
    let cases = [
        (200, ACCOUNT.to_owned(), Outcome::Ok),
        // An app token: valid, but not a user's.
        (
            422,
            r#"{"error":"This method requires an authenticated user"}"#.to_owned(),
            Outcome::Ok,
        ),
        // Another 422 says nothing about the token.
        (
            422,
            r#"{"error":"Unprocessable Entity: token has no account"}"#.to_owned(),
            Outcome::Refused,
        ),
        (
            401,
            r#"{"error":"Unauthorized"}"#.to_owned(),
            Outcome::Rejected,
        ),
        (404, r#"{"error":"Not Found"}"#.to_owned(), Outcome::Refused),
    ];
    for (status, body, outcome) in cases {
        let server = MockServer::start();
        let app = app_answer(&server, 404, r#"{"error":"404: Not Found"}"#);
        let user = server.mock(|when, then| {
            when.method(GET)
                .path(USER_PATH)
                .header("authorization", format!("Bearer {TOKEN}"))
                .header("accept", "application/json");
            then.status(status)
                .header("x-ratelimit-remaining", "12")
                .body(body.clone());
        });
        let r = checked(checker().check(&target(&server, Kind::App)));
        app.assert();
        user.assert();
        assert_eq!(r.status, outcome, "{status}");
        assert_eq!(r.http_status, Some(status));
        assert_eq!(r.rate_limit_remaining, Some(12));
        assert_eq!(r.error.is_none(), outcome == Outcome::Ok);
    }
}

#[test]
fn the_budget_and_the_deadline_bound_both_requests() {
    let server = MockServer::start();
    let _user = server.mock(|when, then| {
        when.method(GET).path(USER_PATH);
        then.status(404)
            .delay(Duration::from_millis(400))
            .body("{}");
    });
    let _app = server.mock(|when, then| {
        when.method(GET).path(APP_PATH);
        then.status(200).delay(Duration::from_secs(3)).body(APP);
    });
    for by_deadline in [false, true] {
        let started = Instant::now();
        let second = Duration::from_secs(1);
        let bounded = if by_deadline {
            checker().deadline(started + second)
        } else {
            checker().budget(second)
        };
        let r = bounded.check(&target(&server, Kind::User));
        assert_eq!((r.status, r.http_status), (Outcome::Unavailable, None));
        // About 1 s; without the shared bound, 3.4 s (the fallback's 3 s answer arrives
        // within the 5 s timeout of each request).
        assert!(
            started.elapsed() < Duration::from_millis(2500),
            "deadline {by_deadline}: {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn a_deadline_ends_the_whole_run() {
    use mastolite::check::NOT_CHECKED;
    let slow = MockServer::start();
    let app = slow.mock(|when, then| {
        when.method(GET).path(APP_PATH);
        then.status(200).delay(Duration::from_secs(3)).body(APP);
    });
    // One at a time: the first check runs into the deadline, the others never start; a token
    // known to have expired is still reported so.
    let mut targets: Vec<Target> = ["a@x", "b@x", "c@x"]
        .iter()
        .map(|a| target(&slow, Kind::App).account(*a))
        .collect();
    targets.push(target(&slow, Kind::User).expires_at(Some(1)));
    let started = Instant::now();
    let reports = checker()
        .jobs(1)
        .deadline(started + Duration::from_secs(1))
        .check_all(&targets);
    let elapsed = started.elapsed();
    let got: Vec<_> = reports
        .into_iter()
        .map(checked)
        .map(|r| (r.account, r.status, r.http_status, r.error))
        .collect();
    assert_eq!(got.len(), 4, "{got:?}");
    assert_eq!(
        (got[0].0.as_deref(), got[0].1),
        (Some("a@x"), Outcome::Unavailable)
    );
    assert!(
        got[0]
            .3
            .as_deref()
            .unwrap()
            .ends_with("timed out after 1 s"),
        "{got:?}"
    );
    for (r, account) in got[1..3].iter().zip(["b@x", "c@x"]) {
        let not_checked = (Some(account), Outcome::Unavailable, None, Some(NOT_CHECKED));
        assert_eq!((r.0.as_deref(), r.1, r.2, r.3.as_deref()), not_checked);
    }
    assert_eq!((got[3].1, got[3].3.as_deref()), (Outcome::Expired, None));
    // About 1 s; without the deadline, 9 s (three 3 s answers within the 5 s timeout).
    assert!(elapsed < Duration::from_millis(2500), "{elapsed:?}");
    assert_eq!(app.calls(), 1, "only the first check was sent");

    // A deadline already passed sends nothing.
    let server = MockServer::start();
    let any = server.mock(|_, then| {
        then.status(200).body(APP);
    });
    let r = checked(
        checker()
            .deadline(Instant::now())
            .check(&target(&server, Kind::App)),
    );
    assert_eq!(
        (r.status, r.http_status, r.latency_ms, r.error.as_deref()),
        (Outcome::Unavailable, None, 0, Some(NOT_CHECKED))
    );
    assert_eq!(any.calls(), 0);
}

#[test]
fn exit_statuses_in_their_order() {
    use Outcome::*;
    let cases: &[(&[Outcome], u8)] = &[
        (&[], 3),
        (&[Ok], 0),
        (&[Ok, Ok], 0),
        (&[Unavailable, Ok], 2),
        (&[Unavailable, Refused], 4),
        (&[Refused, Error, Unavailable], 3),
        (&[Error, Rejected], 1),
        (&[Unavailable, Expired], 1),
        (&[Expired], 1),
        (&[Rejected], 1),
        (&[Refused], 4),
        (&[Error], 3),
        (&[Unavailable], 2),
    ];
    for (outcomes, status) in cases {
        assert_eq!(
            exit_status(outcomes.iter().copied()),
            *status,
            "{outcomes:?}"
        );
        if let [one] = outcomes {
            assert_eq!(one.exit_status(), *status);
        }
    }
}

#[test]
fn reports_encode_with_status_names() {
    let server = MockServer::start();
    let _m = app_answer(&server, 401, r#"{"error":"nope"}"#);
    let mut r = checker().check(&target(&server, Kind::App));
    r.latency_ms = 7;
    r.checked_at = 1_800_000_000;
    assert_eq!(
        mastolite::cli_support::to_json(&r),
        format!(
            r#"{{"server":"{0}","kind":"app","account":null,"status":"rejected","detail":null,"http_status":401,"latency_ms":7,"rate_limit_remaining":297,"error":"GET {0}/api/v1/apps/verify_credentials: status 401: nope","expires_at":null,"checked_at":1800000000}}"#,
            server.base_url()
        )
    );
}

#[test]
fn check_all_sorts_by_server_kind_and_account() {
    let a = MockServer::start();
    let b = MockServer::start();
    let _ok = app_answer(&a, 200, APP);
    let _no = app_answer(&b, 401, r#"{"error":"revoked"}"#);
    let (first, second) = if a.base_url() < b.base_url() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    let targets = vec![
        target(second, Kind::User).account("zed@x"),
        target(first, Kind::User).account("bob@x"),
        target(second, Kind::App),
        target(first, Kind::User).account("amy@x"),
        target(first, Kind::App).expires_at(Some(1)),
        target(second, Kind::User),
    ];
    for jobs in [1, 3, 8] {
        let reports = checker().jobs(jobs).check_all(&targets);
        let got: Vec<(String, Kind, Option<String>, Outcome)> = reports
            .into_iter()
            .map(checked)
            .map(|r| (r.server, r.kind, r.account, r.status))
            .collect();
        let expected_of = |s: &MockServer| {
            if s.base_url() == a.base_url() {
                Outcome::Ok
            } else {
                Outcome::Rejected
            }
        };
        let row = |s: &MockServer, k, acct: Option<&str>, o| {
            (s.base_url(), k, acct.map(str::to_owned), o)
        };
        assert_eq!(
            got,
            vec![
                row(first, Kind::App, None, Outcome::Expired),
                row(first, Kind::User, Some("amy@x"), expected_of(first)),
                row(first, Kind::User, Some("bob@x"), expected_of(first)),
                row(second, Kind::App, None, expected_of(second)),
                row(second, Kind::User, None, expected_of(second)),
                row(second, Kind::User, Some("zed@x"), expected_of(second)),
            ],
            "jobs {jobs}"
        );
    }
    assert!(checker().check_all(&[]).is_empty());
}

/// A loopback server that answers every request with the app after `delay`, over keep-alive,
/// and counts connections and the most requests in flight at once.
struct Counting {
    origin: String,
    connections: Arc<AtomicUsize>,
    max_in_flight: Arc<AtomicUsize>,
}

fn counting_server(delay: Duration) -> Counting {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let max_in_flight = Arc::new(AtomicUsize::new(0));
    let in_flight = Arc::new(AtomicUsize::new(0));
    let (c, m) = (connections.clone(), max_in_flight.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            c.fetch_add(1, Ordering::SeqCst);
            let (m, in_flight) = (m.clone(), in_flight.clone());
            std::thread::spawn(move || serve(stream, delay, &m, &in_flight));
        }
    });
    Counting {
        origin,
        connections,
        max_in_flight,
    }
}

fn serve(stream: TcpStream, delay: Duration, max: &AtomicUsize, in_flight: &AtomicUsize) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        let mut line = String::new();
        let mut account = None;
        // The request line and headers; a GET has no body.
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) if line == "\r\n" => break,
                Ok(_) => {
                    account.get_or_insert(line.contains(USER_PATH));
                }
            }
        }
        let body = if account == Some(true) { ACCOUNT } else { APP };
        let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        max.fetch_max(now, Ordering::SeqCst);
        std::thread::sleep(delay);
        in_flight.fetch_sub(1, Ordering::SeqCst);
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        if writer.write_all(answer.as_bytes()).is_err() {
            return;
        }
    }
}

#[test]
fn check_all_keeps_to_its_jobs_and_reuses_connections() {
    for jobs in [1, 2] {
        let server = counting_server(Duration::from_millis(30));
        let targets: Vec<Target> = (0..6)
            .map(|i| {
                Target::new(&server.origin, Kind::User, AccessToken::new(TOKEN))
                    .account(format!("u{i}@x"))
            })
            .collect();
        let reports = checker().jobs(jobs).check_all(&targets);
        assert_eq!(reports.len(), 6);
        assert!(
            reports.iter().all(|r| r.status == Outcome::Ok),
            "{reports:?}"
        );
        let names: Vec<_> = reports.iter().map(|r| r.account.clone().unwrap()).collect();
        assert_eq!(names, ["u0@x", "u1@x", "u2@x", "u3@x", "u4@x", "u5@x"]);
        let max = server.max_in_flight.load(Ordering::SeqCst);
        assert!((1..=jobs).contains(&max), "jobs {jobs}: {max} at once");
        // One client per server: its connections serve the next tokens.
        let conns = server.connections.load(Ordering::SeqCst);
        assert!(
            (1..=jobs).contains(&conns),
            "jobs {jobs}: {conns} connections"
        );
    }
}

// What each answer proves: every row of the table in `mastolite::check`, with the servers'
// bodies byte for byte (`spec/API.md`, server facts).

/// An answer: status, content type, body, and a `WWW-Authenticate` header.
#[derive(Clone, Copy)]
struct Said {
    status: u16,
    content_type: &'static str,
    body: &'static str,
    challenge: Option<&'static str>,
}

const fn json(status: u16, body: &'static str) -> Said {
    Said {
        status,
        content_type: "application/json; charset=utf-8",
        body,
        challenge: None,
    }
}

const INVALID: Said = json(401, r#"{"error":"The access token is invalid"}"#);
const GTS_NO_USER: Said = json(
    401,
    r#"{"error":"Unauthorized: user not supplied or not authorized"}"#,
);
const GTS_NO_TOKEN: Said = json(401, r#"{"error":"Unauthorized: token not supplied"}"#);
const GTS_NO_APP: Said = json(401, r#"{"error":"Unauthorized: application not supplied"}"#);
const GTS_SCOPE: Said = json(
    403,
    r#"{"error":"Forbidden: token has insufficient scope permission"}"#,
);
const GTS_NOT_FOUND: Said = json(404, r#"{"error":"Not Found"}"#);
const SCOPE: Said = json(
    403,
    r#"{"error":"This action is outside the authorized scopes"}"#,
);
const NEEDS_USER_422: Said = json(
    422,
    r#"{"error":"This method requires an authenticated user"}"#,
);
const NEEDS_USER_401: Said = json(
    401,
    r#"{"error":"This method requires an authenticated user"}"#,
);
const TAKAHE_INVALID: Said = Said {
    status: 400,
    content_type: "text/html; charset=utf-8",
    body: "Invalid Bearer token",
    challenge: None,
};
const TAKAHE_NO_IDENTITY: Said = json(401, r#"{"error": "identity_token_required"}"#);
const MITRA_NOT_FOUND: Said = Said {
    status: 404,
    content_type: "text/plain",
    body: "",
    challenge: None,
};
const HOLLO_INVALID: Said = json(401, r#"{"error":"invalid_token"}"#);
const OK_APP: Said = json(200, APP);
const OK_ACCOUNT: Said = json(200, ACCOUNT);

/// One token of `kind` checked against a server whose two endpoints answer `app` and
/// `account`; the report, and how often each endpoint was asked.
fn truth(kind: Kind, app: Said, account: Said) -> (Report, usize, usize) {
    let server = MockServer::start();
    let mock = |path: &str, said: Said| {
        server.mock(|when, then| {
            when.method(GET)
                .path(path)
                .header("authorization", format!("Bearer {TOKEN}"));
            let then = then
                .status(said.status)
                .header("content-type", said.content_type)
                .body(said.body);
            if let Some(c) = said.challenge {
                then.header("www-authenticate", c);
            }
        })
    };
    let (a, u) = (mock(APP_PATH, app), mock(USER_PATH, account));
    let r = checked(checker().check(&target(&server, kind)));
    (r, a.calls(), u.calls())
}

#[test]
fn what_each_answer_proves() {
    use Kind::{App, Unknown, User};
    use Outcome::*;
    use mastolite::check::Detail::{self, *};
    // (the token's kind, the app endpoint's answer, the account endpoint's answer,
    //  the outcome, its detail, the kind proved, (app endpoint asked, account endpoint asked))
    type Row = (
        Kind,
        Said,
        Said,
        Outcome,
        Option<Detail>,
        Kind,
        (usize, usize),
    );
    #[rustfmt::skip]
    let rows: &[Row] = &[
        // 200: the token works, asked where its kind is best seen.
        (App, OK_APP, OK_ACCOUNT, Ok, None, App, (1, 0)),
        (User, OK_APP, OK_ACCOUNT, Ok, None, User, (0, 1)),
        (Unknown, OK_APP, OK_ACCOUNT, Ok, None, User, (0, 1)),
        // 401: invalid, revoked or unknown, on every server.
        (App, INVALID, OK_ACCOUNT, Rejected, None, App, (1, 0)),
        (User, OK_APP, INVALID, Rejected, None, User, (0, 1)),
        (User, OK_APP, GTS_NO_TOKEN, Rejected, None, User, (0, 1)),
        (App, GTS_NO_TOKEN, GTS_NO_TOKEN, Rejected, None, App, (1, 0)),
        (User, OK_APP, HOLLO_INVALID, Rejected, None, User, (0, 1)),
        // GoToSocial's answer to a valid app token: it authenticated and has no user.
        (App, GTS_NO_USER, GTS_NO_USER, Ok, Some(AppToken), App, (1, 0)),
        (Unknown, GTS_NO_USER, GTS_NO_USER, Ok, Some(AppToken), App, (1, 1)),
        // … which a user token never gets: then the status rule holds.
        (User, GTS_NOT_FOUND, GTS_NO_USER, Rejected, None, User, (0, 1)),
        // GoToSocial: a valid user token whose user cannot act.
        (User, GTS_NOT_FOUND, GTS_NO_APP, Disabled, Some(AccountUnusable), User, (0, 1)),
        // A scope 403 proves the token; the other endpoint may say more.
        (User, SCOPE, SCOPE, Ok, Some(ScopeLimited), User, (1, 1)),
        (User, OK_APP, SCOPE, Ok, Some(ScopeLimited), User, (1, 1)),
        (App, SCOPE, NEEDS_USER_422, Ok, Some(AppToken), App, (1, 1)),
        (App, SCOPE, GTS_NOT_FOUND, Ok, Some(ScopeLimited), App, (1, 1)),
        (User, GTS_NOT_FOUND, GTS_SCOPE, Ok, Some(ScopeLimited), User, (1, 1)),
        (User, SCOPE, json(403, r#"{"error":"Your login is currently disabled"}"#), Disabled, Some(LoginDisabled), User, (0, 1)),
        (User, json(500, "{}"), SCOPE, Ok, Some(ScopeLimited), User, (1, 1)),
        // Mastodon's require_user!: a valid token whose account cannot act.
        (User, OK_APP, json(403, r#"{"error":"Your login is currently disabled"}"#), Disabled, Some(LoginDisabled), User, (0, 1)),
        (User, OK_APP, json(403, r#"{"error":"Your login is missing a confirmed e-mail address"}"#), Disabled, Some(EmailUnconfirmed), User, (0, 1)),
        (User, OK_APP, json(403, r#"{"error":"Your login is currently pending approval"}"#), Disabled, Some(PendingApproval), User, (0, 1)),
        (User, OK_APP, json(403, r#"{"error":"Your account requires two-factor authentication"}"#), Disabled, Some(TwoFactorRequired), User, (0, 1)),
        (Unknown, OK_APP, json(403, r#"{"error":"Your login is currently disabled"}"#), Disabled, Some(LoginDisabled), User, (0, 1)),
        // Any other 403.
        (User, OK_APP, json(403, r#"{"error":"Your login is disabled"}"#), Rejected, Some(Forbidden), User, (0, 1)),
        (App, json(403, r#"{"error":"Forbidden"}"#), OK_ACCOUNT, Rejected, Some(Forbidden), App, (1, 0)),
        // 422 to an app token on the user endpoint.
        (App, GTS_NOT_FOUND, NEEDS_USER_422, Ok, Some(AppToken), App, (1, 1)),
        (Unknown, OK_APP, NEEDS_USER_422, Ok, None, App, (1, 1)),
        (Unknown, json(503, "{}"), NEEDS_USER_422, Ok, Some(AppToken), App, (1, 1)),
        (User, OK_APP, NEEDS_USER_422, Ok, Some(AppToken), User, (0, 1)),
        // A Mastodon that wants a user for its whole API says nothing about an app token…
        (App, NEEDS_USER_401, NEEDS_USER_401, Refused, Some(ServerRequiresUser), App, (1, 0)),
        (Unknown, NEEDS_USER_401, NEEDS_USER_401, Refused, Some(ServerRequiresUser), Unknown, (1, 1)),
        // … but a user token it does not know is rejected.
        (User, OK_APP, NEEDS_USER_401, Rejected, None, User, (0, 1)),
        // Takahē.
        (User, OK_APP, TAKAHE_INVALID, Rejected, None, User, (0, 1)),
        (App, TAKAHE_INVALID, OK_ACCOUNT, Rejected, None, App, (1, 0)),
        (App, TAKAHE_NO_IDENTITY, TAKAHE_NO_IDENTITY, Refused, Some(ServerRequiresUser), App, (1, 0)),
        (Unknown, TAKAHE_NO_IDENTITY, TAKAHE_NO_IDENTITY, Refused, Some(ServerRequiresUser), Unknown, (1, 1)),
        // 404: the other endpoint.
        (App, MITRA_NOT_FOUND, OK_ACCOUNT, Ok, None, App, (1, 1)),
        (User, OK_APP, MITRA_NOT_FOUND, Ok, None, User, (1, 1)),
        (App, MITRA_NOT_FOUND, INVALID, Rejected, None, App, (1, 1)),
        (User, GTS_NOT_FOUND, GTS_NOT_FOUND, Refused, None, User, (1, 1)),
        // Nothing about the token.
        (App, json(429, r#"{"error":"Too many requests"}"#), OK_ACCOUNT, Unavailable, None, App, (1, 0)),
        (User, OK_APP, json(503, "<html>down</html>"), Unavailable, None, User, (0, 1)),
        (User, OK_APP, json(200, "<html>welcome</html>"), Unavailable, None, User, (0, 1)),
        (User, OK_APP, json(410, r#"{"error":"Gone"}"#), Refused, None, User, (0, 1)),
    ];
    for (i, &(kind, app, account, outcome, detail, proved, asked)) in rows.iter().enumerate() {
        let (r, a, u) = truth(kind, app, account);
        let row = format!(
            "row {i}: {kind} app {} account {}",
            app.status, account.status
        );
        assert_eq!(
            (r.status, r.detail, r.kind),
            (outcome, detail, proved),
            "{row}: {r:?}"
        );
        assert_eq!((a, u), asked, "{row}: endpoints asked");
        assert_eq!(r.error.is_none(), outcome == Ok, "{row}: {r:?}");
    }
}

#[test]
fn scope_and_status_rules_beyond_the_texts() {
    // A challenge that names the scope, whatever the body.
    let scope = Said {
        challenge: Some(
            r#"Bearer realm="Doorkeeper", error="insufficient_scope", error_description="x""#,
        ),
        ..json(403, r#"{"error":"Forbidden"}"#)
    };
    let (r, a, u) = truth(Kind::User, scope, scope);
    assert_eq!(
        (r.status, r.detail, a, u),
        (
            Outcome::Ok,
            Some(mastolite::check::Detail::ScopeLimited),
            1,
            1
        )
    );
    // The report shows the answer that decided: the status and the server's own text.
    let (r, _, _) = truth(Kind::User, OK_APP, TAKAHE_INVALID);
    assert_eq!(r.http_status, Some(400));
    assert_eq!(
        r.error.unwrap(),
        format!(
            "GET {}/api/v1/accounts/verify_credentials: status 400: Invalid Bearer token",
            r.server
        )
    );
    let (r, _, _) = truth(Kind::App, MITRA_NOT_FOUND, INVALID);
    assert_eq!(r.http_status, Some(401));
    assert!(
        r.error
            .unwrap()
            .contains("accounts/verify_credentials: status 401")
    );
}

#[test]
fn takahe_rejects_for_every_command() {
    // Outcome::of, which every command's exit status comes from, agrees with the check.
    let e = mastolite::Error::from(mastolite::ApiError::new(400).with_text("Invalid Bearer token"));
    assert_eq!(Outcome::of(&e), Outcome::Rejected);
    let e = mastolite::Error::from(mastolite::ApiError::new(400).with_text("Bad Request"));
    assert_eq!(Outcome::of(&e), Outcome::Refused);
}
