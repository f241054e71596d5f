//! Every error, walked through `source()`: each level either prints its cause or returns it,
//! never both, so a caller that prints the whole chain shows each text once. Errors of requests
//! name the server and the endpoint.

use crate::hostile_server;

use std::error::Error as StdError;
use std::time::Duration;

use hostile_server::{Server, closed_port_url};
use mastolite::{
    AccessToken, AccountId, ApiError, AuthorizationError, Client, Error, Range, RetryPolicy,
    TransportKind, accounts, apps,
};

fn client(url: &str) -> Client {
    Client::builder(url)
        .timeout(Duration::from_secs(5))
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

fn token() -> AccessToken {
    AccessToken::new("chain-test-token")
}

/// The `Display` of `e` and of every source below it.
fn chain(e: &(dyn StdError + 'static)) -> Vec<String> {
    let mut out = vec![e.to_string()];
    let mut next = e.source();
    while let Some(s) = next {
        out.push(s.to_string());
        next = s.source();
        assert!(out.len() < 16, "a cycle: {out:?}");
    }
    out
}

/// No level's text contains a lower level's text, and `cause` (the root text the test expects
/// somewhere) appears exactly once in the whole chain.
fn assert_no_repeat(what: &str, e: &(dyn StdError + 'static), cause: &str) {
    let texts = chain(e);
    for (i, upper) in texts.iter().enumerate() {
        assert!(!upper.is_empty(), "{what}: an empty level in {texts:?}");
        for lower in &texts[i + 1..] {
            assert!(
                !upper.contains(lower.as_str()),
                "{what}: {lower:?} repeats in {upper:?}"
            );
        }
    }
    let all = texts.join("\n");
    assert_eq!(
        all.matches(cause).count(),
        1,
        "{what}: {cause:?} should show once in {texts:?}"
    );
}

/// Walks the enum and, for the variants with one, the payload on its own.
fn assert_both(what: &str, e: &Error, cause: &str) {
    assert_no_repeat(what, e, cause);
    let payload: Option<&(dyn StdError + 'static)> = match e {
        Error::Api(p) => Some(&**p),
        Error::Transport(p) => Some(&**p),
        Error::Decode(p) => Some(p),
        Error::Redirect(p) => Some(p),
        Error::Authorization(p) => Some(p),
        _ => None,
    };
    if let Some(p) = payload {
        assert_no_repeat(&format!("{what} payload"), p, cause);
        assert_eq!(chain(p), chain(e), "{what}: the enum adds no level");
    }
}

#[test]
fn a_refused_connection() {
    let url = closed_port_url();
    let e = apps::verify_credentials(&client(&url), &token()).unwrap_err();
    assert!(matches!(&e, Error::Transport(t) if t.kind() == TransportKind::Connect));
    let shown = e.to_string();
    assert!(
        shown.starts_with(&format!(
            "GET {url}/api/v1/apps/verify_credentials: cannot connect to the server: "
        )),
        "{shown}"
    );
    assert_both("connect", &e, "refused");
}

#[test]
fn a_timeout_and_a_body_over_the_cap() {
    let server = Server::start(|_, _, s| hostile_server::wait_for_hangup(s));
    let c = Client::builder(&server.url())
        .timeout(Duration::from_millis(300))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let e = apps::verify_credentials(&c, &token()).unwrap_err();
    assert!(matches!(&e, Error::Transport(t) if t.kind() == TransportKind::Timeout));
    assert_both("timeout", &e, "timed out after 0.3 s");

    let server = Server::fixed(200, &[], &[b'x'; 4096]);
    let c = Client::builder(&server.url())
        .body_limit(100)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let e = apps::verify_credentials(&c, &token()).unwrap_err();
    assert!(matches!(&e, Error::Transport(t) if t.kind() == TransportKind::BodyTooLarge));
    assert_both("body cap", &e, "exceeds the size limit");
}

#[cfg(feature = "rustls")]
#[test]
fn a_tls_failure() {
    let (url, plain) = hostile_server::plain_http_for_https();
    let e = apps::verify_credentials(&client(&url), &token()).unwrap_err();
    plain.join().unwrap();
    assert!(matches!(&e, Error::Transport(t) if t.kind() == TransportKind::Tls));
    assert_both("tls", &e, "plain http");
}

#[test]
fn an_api_error_a_decode_error_and_a_redirect() {
    let server = Server::fixed(401, &[], br#"{"error":"The access token is invalid"}"#);
    let e = apps::verify_credentials(&client(&server.url()), &token()).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "GET {}/api/v1/apps/verify_credentials: status 401: The access token is invalid",
            server.url()
        )
    );
    assert_both("api", &e, "The access token is invalid");

    let server = Server::fixed(200, &[], b"<html>not json</html>");
    let e = apps::verify_credentials(&client(&server.url()), &token()).unwrap_err();
    assert!(matches!(e, Error::Decode(_)), "{e:?}");
    assert!(
        e.to_string().starts_with(&format!(
            "GET {}/api/v1/apps/verify_credentials: the body is not a valid Application",
            server.url()
        )),
        "{e}"
    );
    assert_both("decode", &e, "not json");

    let server = Server::fixed(301, &[("Location", "https://other.example/")], b"");
    let e = accounts::followers(
        &client(&server.url()),
        None,
        &AccountId::from("7"),
        &Range::new(),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "GET {}/api/v1/accounts/:id/followers: answered 301 with a redirect to \
             https://other.example/, which is not followed; use that server's address",
            server.url()
        )
    );
    assert_both("redirect", &e, "other.example");
}

#[test]
fn errors_made_without_a_request() {
    let e: Error = ApiError::new(503)
        .with_endpoint("GET /api/v1/instance")
        .with_origin("https://mastodon.example")
        .with_error("maintenance")
        .into();
    assert_both("built api", &e, "maintenance");
    let e = Error::Authorization(
        AuthorizationError::new("access_denied").with_description("The user said no"),
    );
    assert_both("authorization", &e, "said no");
    assert_both("state", &Error::StateMismatch, "state");
    let e = Client::new("http://mastodon.example").unwrap_err();
    assert!(matches!(e, Error::InvalidInput(_)));
    assert_both("input", &e, "uses plain http");
}

#[test]
fn the_error_type_stays_thread_safe_and_static() {
    fn check<T: StdError + Send + Sync + 'static>() {}
    check::<Error>();
    check::<ApiError>();
    check::<mastolite::TransportError>();
    check::<mastolite::DecodeError>();
    check::<mastolite::RedirectError>();
    check::<AuthorizationError>();
}
