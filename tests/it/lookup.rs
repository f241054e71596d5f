//! `accounts::lookup`, `accounts::get`, handles, and servers that require a token for public
//! reads.

use crate::common;

use httpmock::prelude::*;
use mastolite::accounts::{self, AccountRef, Handle};
use mastolite::{AccessToken, AccountId, Error};

use common::{USER_AGENT, client, example};

const LOOKUP: &str = "/api/v1/accounts/lookup";

/// A mock of the lookup endpoint that matches the raw query string exactly.
fn lookup_mock<'a>(
    server: &'a MockServer,
    raw_query: &'static str,
    body: &str,
) -> httpmock::Mock<'a> {
    server.mock(|when, then| {
        when.method(GET)
            .path(LOOKUP)
            .header("accept", "application/json")
            .header("user-agent", USER_AGENT)
            .header_missing("authorization")
            .is_true(move |req| req.uri().query() == Some(raw_query));
        then.status(200)
            .header("content-type", "application/json; charset=utf-8")
            .body(body);
    })
}

#[test]
fn lookup_of_a_local_handle() {
    let server = MockServer::start();
    let m = lookup_mock(&server, "acct=Gargron", &example("account_local.json"));
    for text in ["@Gargron", "Gargron"] {
        let a = accounts::lookup(&client(&server), None, &text.parse().unwrap()).expect("found");
        assert_eq!(a.id.as_str(), "1");
        assert_eq!(a.acct, "Gargron");
        assert_eq!(a.display_name, "Eugen");
        assert_eq!(a.followers_count, 318699);
    }
    assert_eq!(m.calls(), 2);
}

#[test]
fn lookup_of_a_remote_handle() {
    let server = MockServer::start();
    let m = lookup_mock(
        &server,
        "acct=noiob%40awoo.space",
        &example("account_remote.json"),
    );
    let a = accounts::lookup(
        &client(&server),
        None,
        &"@noiob@awoo.space".parse().unwrap(),
    )
    .expect("found");
    assert_eq!(m.calls(), 1);
    assert_eq!(a.id.as_str(), "23634");
    assert_eq!(a.acct, "noiob@awoo.space");
    assert_eq!(a.display_name, "shork");
    assert_eq!(a.followers_count, 553);
}

#[test]
fn lookup_percent_encodes_acct() {
    let server = MockServer::start();
    let m = server.mock(|when, then| {
        when.method(GET)
            .path(LOOKUP)
            // Decoded by the server as the handle, so `+` must not turn into a space...
            .query_param("acct", "al+ice_é@bücher.example")
            // ...and the raw query is the form encoding of it.
            .is_true(|req| req.uri().query() == Some("acct=al%2Bice_%C3%A9%40b%C3%BCcher.example"));
        then.status(200).body(example("account_remote.json"));
    });
    let a = accounts::lookup(
        &client(&server),
        None,
        &"@al+ice_é@bücher.example".parse().unwrap(),
    )
    .expect("found");
    assert_eq!(m.calls(), 1);
    assert_eq!(a.id.as_str(), "23634");
}

#[test]
fn lookup_of_an_unknown_account_is_a_404() {
    let server = MockServer::start();
    let m = server.mock(|when, then| {
        when.method(GET)
            .path(LOOKUP)
            .query_param("acct", "nobody@far.example");
        then.status(404).body(example("error_404.json"));
    });
    let e = accounts::lookup(
        &client(&server),
        None,
        &"@nobody@far.example".parse().unwrap(),
    )
    .expect_err("404");
    assert_eq!(m.calls(), 1);
    let api = e.api_error().expect("an API error");
    assert_eq!(
        (api.endpoint(), api.status()),
        ("GET /api/v1/accounts/lookup", 404)
    );
    assert!(!api.requires_authentication());
}

#[test]
fn get_percent_encodes_the_id() {
    let server = MockServer::start();
    let numeric = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/accounts/23634")
            .header("accept", "application/json")
            .header_missing("authorization");
        then.status(200).body(example("account_remote.json"));
    });
    let odd = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/accounts/a%2Fb%3Fc%2Bd%20%C3%A9");
        then.status(200).body(example("account_local.json"));
    });
    let c = client(&server);
    let a = accounts::get(&c, None, &AccountId::from("23634")).expect("found");
    assert_eq!(
        (a.id.as_str(), a.acct.as_str()),
        ("23634", "noiob@awoo.space")
    );
    let b = accounts::get(&c, None, &AccountId::from("a/b?c+d é")).expect("found");
    assert_eq!(b.acct, "Gargron");
    assert_eq!((numeric.calls(), odd.calls()), (1, 1));
}

#[test]
fn get_refuses_an_id_that_would_change_the_path() {
    let server = MockServer::start();
    let any = server.mock(|_, then| {
        then.status(200).body(example("account_local.json"));
    });
    for id in ["", ".", ".."] {
        let e = accounts::get(&client(&server), None, &AccountId::from(id)).expect_err(id);
        assert!(matches!(e, Error::InvalidInput(_)), "{id:?}: {e}");
    }
    assert_eq!(any.calls(), 0);
}

/// A server with `DISALLOW_UNAUTHENTICATED_API_ACCESS`: 401 without a token, the account with one.
fn auth_required_server<'a>(
    server: &'a MockServer,
    path: &'static str,
    body: &str,
) -> (httpmock::Mock<'a>, httpmock::Mock<'a>) {
    let refused = server.mock(|when, then| {
        when.method(GET).path(path).header_missing("authorization");
        then.status(401)
            .header("content-type", "application/json; charset=utf-8")
            .body(example("error_401_auth_required.json"));
    });
    let served = server.mock(|when, then| {
        when.method(GET)
            .path(path)
            .header("authorization", "Bearer user-token-1");
        then.status(200).body(body);
    });
    (refused, served)
}

#[test]
fn lookup_on_a_server_that_requires_a_token() {
    let server = MockServer::start();
    let (refused, served) = auth_required_server(&server, LOOKUP, &example("account_local.json"));
    let c = client(&server);

    let e =
        accounts::lookup(&c, None, &"@Gargron".parse().unwrap()).expect_err("401 without a token");
    let api = e.api_error().expect("an API error");
    assert_eq!(api.status(), 401);
    assert!(api.requires_authentication());
    assert!(e.is_unauthorized());
    assert!(
        e.to_string().contains("requires a user token"),
        "the message says what to do: {e}"
    );

    let token = AccessToken::new("user-token-1");
    let a = accounts::lookup(&c, Some(&token), &"@Gargron".parse().unwrap())
        .expect("works with a token");
    assert_eq!(a.id.as_str(), "1");
    assert_eq!((refused.calls(), served.calls()), (1, 1));
}

#[test]
fn get_on_a_server_that_requires_a_token() {
    let server = MockServer::start();
    let path = "/api/v1/accounts/1";
    let (refused, served) = auth_required_server(&server, path, &example("account_local.json"));
    let c = client(&server);
    let id = AccountId::from("1");

    let e = accounts::get(&c, None, &id).expect_err("401 without a token");
    assert!(e.api_error().is_some_and(|a| a.requires_authentication()));

    let token = AccessToken::new("user-token-1");
    let a = accounts::get(&c, Some(&token), &id).expect("works with a token");
    assert_eq!(a.acct, "Gargron");
    assert_eq!((refused.calls(), served.calls()), (1, 1));
}

#[test]
fn a_revoked_token_is_not_the_auth_required_case() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path(LOOKUP);
        then.status(401).body(example("error_401_revoked.json"));
    });
    let token = AccessToken::new("revoked");
    let e = accounts::lookup(&client(&server), Some(&token), &"alice".parse().unwrap())
        .expect_err("401");
    assert!(e.is_unauthorized());
    assert!(
        !e.api_error()
            .expect("an API error")
            .requires_authentication()
    );
}

#[test]
fn invalid_handles_send_no_request() {
    let server = MockServer::start();
    let any = server.mock(|_, then| {
        then.status(200).body(example("account_local.json"));
    });
    // `lookup` takes a parsed `Handle`: text that is not a handle never reaches a request.
    for bad in [
        "",
        "@",
        "@@alice",
        "@ alice",
        "al ice",
        "alice\n",
        "@alice\t@x.example",
        "@alice@",
        "@alice@x.example@evil.example",
        "alice@@x.example",
    ] {
        let e = bad.parse::<Handle>().expect_err(bad);
        assert!(matches!(e, Error::InvalidInput(_)), "{bad:?}: {e}");
        assert!(e.to_string().contains("not an account handle"), "{e}");
        assert!(Handle::parse(bad).is_err(), "{bad:?}");
    }
    assert_eq!(any.calls(), 0);
}

#[test]
fn handles_parse_into_parts() {
    let h = Handle::parse("@alice@mastodon.example").unwrap();
    assert_eq!(
        (h.username(), h.domain()),
        ("alice", Some("mastodon.example"))
    );
    assert_eq!(h.acct(), "alice@mastodon.example");
    assert_eq!(h.to_string(), "@alice@mastodon.example");
    assert_eq!(h, "alice@mastodon.example".parse::<Handle>().unwrap());

    let local = Handle::parse("alice").unwrap();
    assert_eq!((local.username(), local.domain()), ("alice", None));
    assert_eq!(
        (local.acct(), local.to_string().as_str()),
        ("alice", "@alice")
    );
}

#[test]
fn account_refs_tell_ids_from_handles() {
    assert_eq!(
        AccountRef::parse("109302").unwrap(),
        AccountRef::Id(AccountId::from("109302"))
    );
    assert_eq!(
        AccountRef::parse("01HV3X9ZK6").unwrap(),
        AccountRef::Id(AccountId::from("01HV3X9ZK6"))
    );
    assert_eq!(
        AccountRef::parse("@alice@x.example").unwrap(),
        AccountRef::Handle(Handle::parse("alice@x.example").unwrap())
    );
    assert_eq!(AccountRef::parse("@alice").unwrap().to_string(), "@alice");
    assert_eq!(AccountRef::parse("42").unwrap().to_string(), "42");
    for bad in ["", "1 2", "alice@x.example", "@", "@a@b@c"] {
        let e = AccountRef::parse(bad).expect_err(bad);
        assert!(matches!(e, Error::InvalidInput(_)), "{bad:?}: {e}");
    }
}

#[test]
fn resolve_looks_up_handles_only() {
    let server = MockServer::start();
    let m = lookup_mock(
        &server,
        "acct=noiob%40awoo.space",
        &example("account_remote.json"),
    );
    let c = client(&server);
    let by_id = accounts::resolve(&c, None, &"14715".parse().unwrap()).unwrap();
    assert_eq!(by_id.as_str(), "14715");
    assert_eq!(m.calls(), 0, "an id needs no request");
    let by_handle = accounts::resolve(&c, None, &"@noiob@awoo.space".parse().unwrap()).unwrap();
    assert_eq!(by_handle.as_str(), "23634");
    assert_eq!(m.calls(), 1);
}
