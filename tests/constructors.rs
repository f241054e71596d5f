//! The crate's result and error types can be built outside the crate, as a user's own tests do
//! for code that takes them, without a server. Each section builds one type and runs it through
//! a function written the way a user would write it.

use std::time::Duration;

use mastolite::{ApiError, AuthorizationError, Error, Page, RateLimit};

// ---------------------------------------------------------------------------------------------
// ApiError

/// User code under test: what to do after a failed call.
fn advice(e: &Error) -> String {
    match e.api_error() {
        Some(api) if api.is_unauthorized() => format!("log in again ({})", api.status()),
        Some(api) if e.is_rate_limited() => match api.retry_after() {
            Some(wait) => format!("wait {} s", wait.as_secs()),
            None => "wait for the reset".to_owned(),
        },
        Some(api) => format!("give up: {}", api.error().unwrap_or("no message")),
        None => "not a server answer".to_owned(),
    }
}

#[test]
fn api_errors_built_in_a_test() {
    let revoked: Error = ApiError::new(401)
        .with_endpoint("GET /api/v1/accounts/verify_credentials")
        .with_origin("https://mastodon.example")
        .with_error("The access token was revoked")
        .into();
    assert_eq!(advice(&revoked), "log in again (401)");
    assert_eq!(
        revoked.to_string(),
        "GET https://mastodon.example/api/v1/accounts/verify_credentials: status 401: \
         The access token was revoked"
    );
    assert_eq!(revoked.status(), Some(401));

    let rl = RateLimit::from_headers(Some("300"), Some("0"), Some("1795887600")).unwrap();
    let throttled: Error = ApiError::new(429)
        .with_retry_after(Duration::from_secs(42))
        .with_rate_limit(rl)
        .into();
    assert_eq!(advice(&throttled), "wait 42 s");
    assert!(throttled.is_transient());
    assert_eq!(throttled.rate_limit(), Some(&rl));

    let refused: Error = ApiError::new(422)
        .with_error("Validation failed")
        .with_description("name is too long")
        .into();
    assert_eq!(advice(&refused), "give up: Validation failed");
    let api = refused.api_error().unwrap();
    assert_eq!(
        (api.endpoint(), api.origin(), api.description()),
        ("", "", Some("name is too long"))
    );
    assert_eq!(
        refused.to_string(),
        "a request: status 422: Validation failed (name is too long)"
    );

    // The same hint as a real revocation failure.
    let revoke = ApiError::new(403).with_endpoint("POST /oauth/revoke");
    assert!(
        revoke
            .hint()
            .is_some_and(|h| h.contains("client credentials"))
    );
    assert_eq!(ApiError::new(403), ApiError::new(403));
}

#[test]
fn authorization_errors_built_in_a_test() {
    let e = Error::Authorization(
        AuthorizationError::new("access_denied").with_description("The user said no"),
    );
    assert!(matches!(&e, Error::Authorization(a) if a.is_access_denied()));
    let Error::Authorization(a) = &e else {
        unreachable!()
    };
    assert_eq!(
        (a.error(), a.description()),
        ("access_denied", Some("The user said no"))
    );
}

// ---------------------------------------------------------------------------------------------
// Page

/// User code under test: counts entries and says whether there is more.
fn summary<T>(page: &Page<T>) -> (usize, bool, Option<u64>) {
    (
        page.items.len(),
        page.next.is_some(),
        page.rate_limit.and_then(|r| r.remaining),
    )
}

#[test]
fn pages_built_in_a_test() {
    let last = Page::new(vec!["alice", "bob"]);
    assert_eq!(summary(&last), (2, false, None));
    assert_eq!(last.prev, None);

    let rl = RateLimit::from_headers(None, Some("17"), None).unwrap();
    let more = Page::new(vec![1u64, 2, 3])
        .with_next("https://mastodon.example/api/v1/accounts/1/followers?max_id=3")
        .with_prev("https://mastodon.example/api/v1/accounts/1/followers?since_id=9")
        .with_rate_limit(rl);
    assert_eq!(summary(&more), (3, true, Some(17)));
    assert_eq!(
        more.prev.as_deref(),
        Some("https://mastodon.example/api/v1/accounts/1/followers?since_id=9")
    );
    assert_eq!(more.clone(), more);
}
