//! The retry policy and the rate-limit headers, request by request.
//!
//! Sequenced answers (503 then 200) come from the `hostile_server` module, which counts every
//! request; the rate-limit headers on results and errors are served by httpmock.

use crate::hostile_server;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use hostile_server::{
    Server, closed_port_url, http_date, iso8601, respond, respond_json, wait_for_hangup,
};
use httpmock::Method::GET;
use httpmock::MockServer;
use mastolite::{
    AccessToken, AccountId, AppCredentials, Client, ClientSecret, Error, Range, RateLimit,
    RetryPolicy, TransportKind, accounts, apps, oauth,
};

const TOKEN: &str = "retry-test-token";
const APP: &str = r#"{"name":"Test Application","website":null}"#;

fn token() -> AccessToken {
    AccessToken::new(TOKEN)
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().base_delay(Duration::from_millis(50))
}

fn client_with(url: &str, retry: RetryPolicy) -> Client {
    Client::builder(url).retry(retry).build().unwrap()
}

fn creds() -> AppCredentials {
    AppCredentials::new("client-id", ClientSecret::new("client-secret"))
}

/// Every recorded request is the same `GET /api/v1/apps/verify_credentials` with the token.
fn assert_all_verify_requests(server: &Server, count: usize) {
    let reqs = server.requests();
    assert_eq!(reqs.len(), count, "{reqs:?}");
    for r in &reqs {
        assert_eq!(
            (r.method.as_str(), r.target.as_str()),
            ("GET", "/api/v1/apps/verify_credentials")
        );
        assert_eq!(
            r.header("authorization"),
            Some(format!("Bearer {TOKEN}").as_str())
        );
    }
}

/// A server that answers with `statuses[n]` (and `headers(n)`) for request `n`, then 200.
fn sequence(statuses: &[u16], headers: fn(usize) -> Vec<(String, String)>) -> Server {
    let statuses = statuses.to_vec();
    Server::start(move |n, _, s| {
        let h = headers(n);
        let h: Vec<(&str, &str)> = h.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        match statuses.get(n) {
            Some(&status) => respond(s, status, &h, b"{\"error\":\"busy\"}"),
            None => respond(s, 200, &h, APP.as_bytes()),
        }
    })
}

/// Calls `GET /api/v1/apps/verify_credentials` with the default policy and asserts that it
/// succeeds on the second request after waiting at least `min` (and less than 2.5 s).
fn assert_waits_then_succeeds(server: &Server, min: Duration) -> Client {
    let c = client_with(&server.url(), RetryPolicy::default());
    let start = Instant::now();
    apps::verify_credentials(&c, &token()).unwrap();
    let took = start.elapsed();
    assert!(
        took >= min && took < Duration::from_millis(2500),
        "{took:?}"
    );
    assert_all_verify_requests(server, 2);
    c
}

fn no_headers(_: usize) -> Vec<(String, String)> {
    Vec::new()
}

#[test]
fn a_503_then_200_is_retried_once() {
    let server = sequence(&[503], no_headers);
    let c = client_with(&server.url(), fast_retries());
    let app = apps::verify_credentials(&c, &token()).unwrap();
    assert_eq!(app.name, "Test Application");
    assert_all_verify_requests(&server, 2);
}

#[test]
fn statuses_502_and_504_are_retried_up_to_the_limit() {
    let server = sequence(&[502, 504], no_headers);
    let c = client_with(&server.url(), fast_retries());
    assert_eq!(
        apps::verify_credentials(&c, &token()).unwrap().name,
        "Test Application"
    );
    assert_all_verify_requests(&server, 3);

    let server = sequence(&[502, 504], no_headers);
    let c = client_with(&server.url(), fast_retries().max_retries(1));
    let e = apps::verify_credentials(&c, &token()).unwrap_err();
    assert_eq!(e.status(), Some(504), "the last error is returned");
    assert_all_verify_requests(&server, 2);
}

#[test]
fn other_errors_are_not_retried() {
    for status in [400, 401, 403, 404, 422, 500] {
        let server = sequence(&[status], no_headers);
        let c = client_with(&server.url(), fast_retries());
        let e = apps::verify_credentials(&c, &token()).unwrap_err();
        assert_eq!(e.status(), Some(status));
        assert_all_verify_requests(&server, 1);
    }
}

#[test]
fn a_429_with_a_reset_one_second_ahead_waits_for_it() {
    let server = Server::start(|n, _, s| {
        let reset = iso8601(SystemTime::now() + Duration::from_secs(1));
        let remaining = if n == 0 { "0" } else { "299" };
        let h = [
            ("X-RateLimit-Limit", "300"),
            ("X-RateLimit-Remaining", remaining),
            ("X-RateLimit-Reset", reset.as_str()),
        ];
        if n == 0 {
            respond(s, 429, &h, b"{\"error\":\"Too many requests\"}");
        } else {
            respond(s, 200, &h, APP.as_bytes());
        }
    });
    assert_waits_then_succeeds(&server, Duration::from_millis(900));
}

#[test]
fn a_429_with_an_epoch_seconds_reset_waits_for_it() {
    let server = Server::start(|n, _, s| {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let reset = (now + 2).to_string();
        if n == 0 {
            respond(s, 429, &[("X-RateLimit-Reset", &reset)], b"");
        } else {
            respond_json(s, APP);
        }
    });
    assert_waits_then_succeeds(&server, Duration::from_millis(900));
}

#[test]
fn a_429_without_headers_backs_off_a_bounded_number_of_times() {
    let server = Server::fixed(429, &[], b"{\"error\":\"Too many requests\"}");
    let c = client_with(
        &server.url(),
        RetryPolicy::default().base_delay(Duration::from_millis(100)),
    );
    let start = Instant::now();
    let e = apps::verify_credentials(&c, &token()).unwrap_err();
    let took = start.elapsed();
    assert!(e.is_rate_limited());
    assert_eq!(e.api_error().unwrap().error(), Some("Too many requests"));
    // Two retries: 100 ms and 200 ms, each jittered to 50%..150%.
    assert!(
        took >= Duration::from_millis(150) && took < Duration::from_millis(1500),
        "{took:?}"
    );
    assert_all_verify_requests(&server, 3);
}

#[test]
fn a_429_whose_reset_has_passed_backs_off_instead_of_hammering() {
    let server = Server::start(|n, _, s| {
        if n == 0 {
            respond(
                s,
                429,
                &[("X-RateLimit-Reset", "2000-01-01T00:00:00.000000Z")],
                b"",
            );
        } else {
            respond_json(s, APP);
        }
    });
    let c = client_with(
        &server.url(),
        RetryPolicy::default().base_delay(Duration::from_millis(200)),
    );
    let start = Instant::now();
    apps::verify_credentials(&c, &token()).unwrap();
    assert!(
        start.elapsed() >= Duration::from_millis(100),
        "{:?}",
        start.elapsed()
    );
    assert_all_verify_requests(&server, 2);
}

#[test]
fn retry_after_seconds_and_dates_are_waited_for() {
    let server = sequence(&[503], |n| {
        if n == 0 {
            vec![("Retry-After".into(), "1".into())]
        } else {
            Vec::new()
        }
    });
    assert_waits_then_succeeds(&server, Duration::from_millis(950));

    let server = sequence(&[429], |n| {
        if n == 0 {
            let at = http_date(SystemTime::now() + Duration::from_secs(2));
            vec![("Retry-After".into(), at)]
        } else {
            Vec::new()
        }
    });
    assert_waits_then_succeeds(&server, Duration::from_millis(900));
}

#[test]
fn a_retry_after_longer_than_the_cap_returns_at_once() {
    let server = sequence(&[503], |_| vec![("Retry-After".into(), "120".into())]);
    let c = client_with(&server.url(), RetryPolicy::default());
    let start = Instant::now();
    let e = apps::verify_credentials(&c, &token()).unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(
        e.api_error().unwrap().retry_after(),
        Some(Duration::from_secs(120))
    );
    assert!(e.is_transient());
    assert_all_verify_requests(&server, 1);

    // A smaller cap applies to a shorter wait too.
    let server = sequence(&[503], |_| vec![("Retry-After".into(), "2".into())]);
    let c = client_with(
        &server.url(),
        RetryPolicy::default().max_wait(Duration::from_secs(1)),
    );
    let e = apps::verify_credentials(&c, &token()).unwrap_err();
    assert_eq!(
        e.api_error().unwrap().retry_after(),
        Some(Duration::from_secs(2))
    );
    assert_all_verify_requests(&server, 1);
}

#[test]
fn retry_policy_none_sends_once() {
    let server = sequence(&[503], no_headers);
    let c = client_with(&server.url(), RetryPolicy::none());
    let e = apps::verify_credentials(&c, &token()).unwrap_err();
    assert_eq!(e.status(), Some(503));
    assert_all_verify_requests(&server, 1);
}

#[test]
fn posts_are_never_retried() {
    for status in [429, 502, 503, 504] {
        let server = sequence(&[status, status], |_| {
            vec![("Retry-After".into(), "0".into())]
        });
        let c = client_with(&server.url(), fast_retries().max_retries(5));
        let app = apps::NewApp::new("Test Application").redirect_uri(mastolite::OOB);
        assert_eq!(apps::create(&c, &app).unwrap_err().status(), Some(status));
        let e = oauth::client_credentials(&c, &creds(), &"read".parse().unwrap()).unwrap_err();
        assert_eq!(e.status(), Some(status));
        let reqs = server.requests();
        let seen: Vec<(&str, &str)> = reqs
            .iter()
            .map(|r| (r.method.as_str(), r.target.as_str()))
            .collect();
        assert_eq!(
            seen,
            [("POST", "/api/v1/apps"), ("POST", "/oauth/token")],
            "{status}"
        );
    }
}

#[test]
fn a_dropped_connection_is_retried_for_get_but_not_for_post() {
    let server = Server::start(|_, _, _| {});
    let c = client_with(&server.url(), fast_retries());
    let e = apps::verify_credentials(&c, &token()).unwrap_err();
    assert!(
        matches!(&e, Error::Transport(t) if t.kind() == TransportKind::Protocol),
        "{e:?}"
    );
    assert_all_verify_requests(&server, 3);

    let server = Server::start(|_, _, _| {});
    let c = client_with(&server.url(), fast_retries());
    let e = oauth::client_credentials(&c, &creds(), &"read".parse().unwrap()).unwrap_err();
    assert!(
        matches!(&e, Error::Transport(t) if t.kind() == TransportKind::Protocol),
        "{e:?}"
    );
    assert_eq!(server.hits(), 1);
}

#[test]
fn a_refused_connection_is_retried_then_reported() {
    let url = closed_port_url();
    let c = client_with(&url, fast_retries());
    let start = Instant::now();
    let e = apps::verify_credentials(&c, &token()).unwrap_err();
    assert!(
        matches!(&e, Error::Transport(t) if t.kind() == TransportKind::Connect),
        "{e:?}"
    );
    assert!(e.is_transient());
    // Two backoffs of at least 25 ms and 50 ms.
    assert!(
        start.elapsed() >= Duration::from_millis(75),
        "{:?}",
        start.elapsed()
    );
    // With retries off, no wait is made even with a long backoff (one retry would wait at
    // least 500 ms here), and the failure is the same.
    let no_retry = client_with(&url, RetryPolicy::none().base_delay(Duration::from_secs(1)));
    let start = Instant::now();
    let e = apps::verify_credentials(&no_retry, &token()).unwrap_err();
    assert!(
        matches!(&e, Error::Transport(t) if t.kind() == TransportKind::Connect),
        "{e:?}"
    );
    assert!(
        start.elapsed() < Duration::from_millis(500),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn total_timeout_bounds_the_retries() {
    let server = sequence(&[503; 20], |_| vec![("Retry-After".into(), "1".into())]);
    let c = Client::builder(&server.url())
        .retry(RetryPolicy::default().max_retries(10))
        .total_timeout(Duration::from_millis(2500))
        .build()
        .unwrap();
    let start = Instant::now();
    let e = apps::verify_credentials(&c, &token()).unwrap_err();
    let took = start.elapsed();
    assert_eq!(e.status(), Some(503));
    // Tries at 0 s, 1 s and 2 s; a third wait would end past 2.5 s, so it is not made.
    assert!(
        took >= Duration::from_millis(1900) && took < Duration::from_millis(2500),
        "{took:?}"
    );
    assert_all_verify_requests(&server, 3);
}

#[test]
fn total_timeout_bounds_a_server_that_never_answers() {
    let server = Server::start(|_, _, s| wait_for_hangup(s));
    let c = Client::builder(&server.url())
        .timeout(Duration::from_secs(30))
        .total_timeout(Duration::from_millis(1000))
        .build()
        .unwrap();
    let start = Instant::now();
    let e = apps::verify_credentials(&c, &token()).unwrap_err();
    let took = start.elapsed();
    assert!(
        matches!(&e, Error::Transport(t) if t.kind() == TransportKind::Timeout),
        "{e:?}"
    );
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(3),
        "{took:?}"
    );
    assert_all_verify_requests(&server, 1);
}

// Rate-limit headers on results and errors, with httpmock.

const ISO_RESET: &str = "2026-11-28T17:40:00.123456Z";
const ISO_RESET_UNIX: u64 = 1_795_887_600;

fn account(id: &str) -> String {
    hostile_server::account_json(id)
}

fn mock_client(server: &MockServer) -> Client {
    client_with(&server.base_url(), RetryPolicy::none())
}

#[test]
fn a_page_carries_its_rate_limit() {
    let server = MockServer::start();
    let m = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/accounts/42/followers")
            .query_param("limit", "2")
            .header("authorization", format!("Bearer {TOKEN}"));
        then.status(200)
            .header("X-RateLimit-Limit", "300")
            .header("X-RateLimit-Remaining", "299")
            .header("X-RateLimit-Reset", ISO_RESET)
            .body(format!("[{},{}]", account("1"), account("2")));
    });
    let c = mock_client(&server);
    let tok = token();
    let page = accounts::followers(
        &c,
        Some(&tok),
        &AccountId::from("42"),
        &Range::new().limit(2),
    )
    .unwrap();
    m.assert_calls(1);
    assert_eq!(page.items.len(), 2);
    let rl = page.rate_limit.unwrap();
    assert_eq!(
        (rl.limit, rl.remaining, rl.reset_unix()),
        (Some(300), Some(299), Some(ISO_RESET_UNIX))
    );
    assert_eq!(
        rl.reset.unwrap().duration_since(UNIX_EPOCH).unwrap(),
        Duration::new(ISO_RESET_UNIX, 123_456_000)
    );
}

#[test]
fn clones_of_a_client_share_no_call_state() {
    let server = MockServer::start();
    let limited = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/accounts/1/followers")
            .header("authorization", format!("Bearer {TOKEN}"));
        then.status(200)
            .header("X-RateLimit-Limit", "1500")
            .header("X-RateLimit-Remaining", "1499")
            .body(format!("[{}]", account("5")));
    });
    let unlimited = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/accounts/2/followers")
            .header("authorization", format!("Bearer {TOKEN}"));
        then.status(200).body(format!("[{}]", account("6")));
    });
    let c = mock_client(&server);
    let clone = c.clone();
    let tok = token();
    let (a, b) = std::thread::scope(|s| {
        let a =
            s.spawn(|| accounts::followers(&c, Some(&tok), &AccountId::from("1"), &Range::new()));
        let b = s.spawn(|| {
            accounts::followers(&clone, Some(&tok), &AccountId::from("2"), &Range::new())
        });
        (a.join().unwrap().unwrap(), b.join().unwrap().unwrap())
    });
    limited.assert_calls(1);
    unlimited.assert_calls(1);
    assert_eq!(a.items[0].id.as_str(), "5");
    assert_eq!(
        a.rate_limit,
        RateLimit::from_headers(Some("1500"), Some("1499"), None)
    );
    assert_eq!(b.items[0].id.as_str(), "6");
    assert_eq!(b.rate_limit, None, "each result has its own rate limit");
    assert_eq!(clone.origin(), c.origin());
}

#[test]
fn errors_carry_the_rate_limit_and_retry_after() {
    let server = MockServer::start();
    let m = server.mock(|when, then| {
        when.method(GET).path("/api/v1/apps/verify_credentials");
        then.status(429)
            .header("X-RateLimit-Limit", "300")
            .header("X-RateLimit-Remaining", "0")
            .header("X-RateLimit-Reset", ISO_RESET)
            .header("Retry-After", "250")
            .body(r#"{"error":"Too many requests"}"#);
    });
    let c = client_with(&server.base_url(), RetryPolicy::default());
    let start = Instant::now();
    let e = apps::verify_credentials(&c, &token()).unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "a wait past the cap is not made"
    );
    m.assert_calls(1);
    let rl = e.rate_limit().unwrap();
    assert_eq!(
        (rl.limit, rl.remaining, rl.reset_unix()),
        (Some(300), Some(0), Some(ISO_RESET_UNIX))
    );
    let api = e.api_error().unwrap();
    assert_eq!(api.rate_limit(), Some(rl));
    assert_eq!(api.retry_after(), Some(Duration::from_secs(250)));
}

#[test]
fn a_401_carries_the_rate_limit_too() {
    let server = MockServer::start();
    let m = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/accounts/verify_credentials")
            .header("authorization", format!("Bearer {TOKEN}"));
        then.status(401)
            .header("X-RateLimit-Remaining", "17")
            .body(r#"{"error":"The access token is invalid"}"#);
    });
    let e = accounts::verify_credentials(&mock_client(&server), &token()).unwrap_err();
    m.assert_calls(1);
    assert!(e.is_unauthorized());
    let rl = e.rate_limit().unwrap();
    assert_eq!((rl.limit, rl.remaining, rl.reset), (None, Some(17), None));
}

#[test]
fn garbage_rate_limit_values_are_dropped_one_by_one() {
    let server = MockServer::start();
    let m = server.mock(|when, then| {
        when.method(GET).path("/api/v1/accounts/3/followers");
        then.status(200)
            .header("X-RateLimit-Limit", "300")
            .header("X-RateLimit-Remaining", "lots")
            .header("X-RateLimit-Reset", "2026-02-30T00:00:00Z")
            .body(format!("[{}]", account("7")));
    });
    let c = mock_client(&server);
    let page = accounts::followers(&c, None, &AccountId::from("3"), &Range::new()).unwrap();
    m.assert_calls(1);
    assert_eq!(page.items[0].id.as_str(), "7");
    let rl = page.rate_limit.unwrap();
    assert_eq!((rl.limit, rl.remaining, rl.reset), (Some(300), None, None));
}
