//! A user's unit tests build the crate's values without a server, for code that takes them:
//! the entities (`Token`, `Account` and `CredentialAccount`, `Instance`, `AppCredentials`)
//! from `new` or `Default` with their public fields assigned, and the result and error types
//! (`Page`, `ApiError`, `AuthorizationError`) from their constructors. Each section builds one
//! type and runs it through a function written the way a user would write it.

use std::time::Duration;

use mastolite::instance::ContactAccount;
use mastolite::{
    AccessToken, Account, ApiError, AppCredentials, AuthorizationError, ClientSecret,
    CredentialAccount, Error, Instance, Page, RateLimit, Scopes, Token,
};

// ---------------------------------------------------------------------------------------------
// Entities

/// Code a user might test: what to show for a token.
fn describe(token: &Token, received: i64, now: i64) -> String {
    let state = if token.is_expired_at(received, now) {
        "expired"
    } else {
        "valid"
    };
    format!("{state} ({})", token.scopes())
}

#[test]
fn a_token_is_built_with_what_is_known() {
    let mut token = Token::new(AccessToken::new("t0ken"));
    token.scope = Some("read write".parse().unwrap());
    token.created_at = Some(1_700_000_000);
    token.expires_in = Some(60);
    assert_eq!(token.access_token.secret(), "t0ken");
    assert_eq!(token.token_type.as_deref(), Some("Bearer"));
    assert_eq!(token.scope, Some("write read".parse::<Scopes>().unwrap()));
    assert_eq!(token.created_at, Some(1_700_000_000));
    assert_eq!(describe(&token, 100, 159), "valid (read write)");
    assert_eq!(describe(&token, 100, 160), "expired (read write)");
    let bare = Token::new(AccessToken::new("t"));
    assert_eq!(bare.scope, None);
    assert_eq!(bare.expires_at(0), None);
    assert!(!format!("{token:?}").contains("t0ken"));
}

#[test]
fn an_account_is_built_and_filled_in() {
    let mut a = Account::new("109302", "alice", "alice@social.example");
    a.display_name = "Alice".to_owned();
    a.followers_count = 12;
    a.bot = Some(true);
    assert_eq!(a.id.as_str(), "109302");
    assert_eq!(a.username, "alice");
    assert_eq!(a.acct, "alice@social.example");
    assert_eq!((a.statuses_count, a.following_count), (0, 0));
    assert_eq!(
        (a.source.clone(), a.role.clone(), a.moved.clone()),
        (None, None, None)
    );

    // The signed-in user's own account is an Account with `source` and `role`: code that
    // takes an Account takes it as it is.
    let me: CredentialAccount = Account::new("1", "bob", "bob");
    let takes_account = |a: Account| a.acct;
    assert_eq!(takes_account(me), "bob");
}

/// Code a user might test: what to show for a server.
fn limits(server: &Instance) -> String {
    let limit = match server.max_characters {
        Some(n) => format!("{n} characters"),
        None => "no limit known".to_owned(),
    };
    let contact = server
        .contact_account
        .as_ref()
        .and_then(|a| a.acct.as_deref());
    format!(
        "{} ({}): {limit}, contact {}",
        server.title.as_deref().unwrap_or("?"),
        server.domain.as_deref().unwrap_or("?"),
        contact.map_or("nobody".to_owned(), |a| format!("@{a}")),
    )
}

#[test]
fn an_instance_is_built_with_its_limits() {
    let mut server = Instance::default();
    server.domain = Some("social.example".to_owned());
    server.title = Some("Social".to_owned());
    server.contact_account = Some(ContactAccount::new("admin"));
    server.max_characters = Some(500);
    assert_eq!(server.api_version, 2, "as if /api/v2/instance answered");
    assert_eq!(
        limits(&server),
        "Social (social.example): 500 characters, contact @admin"
    );
    let mut old = Instance::default();
    old.api_version = 1;
    assert_eq!(
        (old.api_version, old.version.as_deref(), old.max_characters),
        (1, None, None)
    );
    assert_eq!(limits(&old), "? (?): no limit known, contact nobody");
}

#[test]
fn app_credentials_keep_their_constructor() {
    let mut creds = AppCredentials::new("cid", ClientSecret::new("s3cret"));
    assert_eq!(creds.redirect_uri, mastolite::OOB);
    creds.redirect_uri = "http://127.0.0.1/callback".to_owned();
    assert_eq!(creds.client_id, "cid");
    assert_eq!(creds.redirect_uri, "http://127.0.0.1/callback");
    assert!(!format!("{creds:?}").contains("s3cret"));
}

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
    // A hint set where the error is made comes first, and ends the message.
    let hinted = ApiError::new(400)
        .with_endpoint("POST /oauth/revoke")
        .with_error("invalid_grant")
        .with_hint("say it in other words");
    assert_eq!(hinted.hint(), Some("say it in other words"));
    assert_eq!(
        hinted.to_string(),
        "POST /oauth/revoke: status 400: invalid_grant; say it in other words"
    );
    assert_ne!(
        hinted,
        ApiError::new(400)
            .with_endpoint("POST /oauth/revoke")
            .with_error("invalid_grant")
    );
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
    let mut more = Page::new(vec![1u64, 2, 3]);
    more.next = Some("https://mastodon.example/api/v1/accounts/1/followers?max_id=3".to_owned());
    more.prev = Some("https://mastodon.example/api/v1/accounts/1/followers?since_id=9".to_owned());
    more.rate_limit = Some(rl);
    assert_eq!(summary(&more), (3, true, Some(17)));
    assert_eq!(
        more.prev.as_deref(),
        Some("https://mastodon.example/api/v1/accounts/1/followers?since_id=9")
    );
    assert_eq!(more.clone(), more);
}
