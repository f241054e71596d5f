//! `examples/walkthrough.rs` against httpmock: the guide's requests in order, two pages of each
//! list and no more, and a failing step named in the error.

mod common;

#[allow(dead_code)] // `main` is the example's, not the test's
#[path = "../examples/walkthrough.rs"]
mod walkthrough;

use common::*;
use httpmock::prelude::*;
use mastolite::AccountId;
use mastolite::accounts::AccountRef;

const REGISTERED: &str = r#"{"id":"1","name":"mastolite walkthrough","website":null,"scopes":["read","write","push"],"redirect_uris":["urn:ietf:wg:oauth:2.0:oob"],"redirect_uri":"urn:ietf:wg:oauth:2.0:oob","client_id":"wcid","client_secret":"wsecret","client_secret_expires_at":0}"#;

/// `n` accounts with ids from `first`.
fn accounts(first: usize, n: usize) -> String {
    let ids: Vec<(String, String)> = (first..first + n)
        .map(|i| (i.to_string(), format!("user{i}@x.example")))
        .collect();
    let refs: Vec<(&str, &str)> = ids.iter().map(|(i, a)| (i.as_str(), a.as_str())).collect();
    accounts_json(&refs)
}

#[test]
fn the_guides_steps_in_order() {
    let server = MockServer::start();
    let register = server.mock(|when, then| {
        when.method(POST).path("/api/v1/apps").body(
            "client_name=mastolite+walkthrough&redirect_uris=urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob&scopes=read+write+push",
        );
        then.status(200).body(REGISTERED);
    });
    let token = server.mock(|when, then| {
        when.method(POST).path("/oauth/token").body(
            "grant_type=client_credentials&client_id=wcid&client_secret=wsecret&redirect_uri=urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob&scope=read",
        );
        then.status(200)
            .body(r#"{"access_token":"wtoken","token_type":"Bearer","scope":"read","created_at":1}"#);
    });
    let verify = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/apps/verify_credentials")
            .header("authorization", "Bearer wtoken");
        then.status(200)
            .body(r#"{"name":"mastolite walkthrough","website":null}"#);
    });
    let list = "/api/v1/accounts/14715/followers";
    let page = |query: &'static str, body: String, next: Option<&str>| {
        let link = next.map(|q| format!("<{}>; rel=\"next\"", server.url(format!("{list}?{q}"))));
        server.mock(move |when, then| {
            when.method(GET)
                .path(list)
                .is_true(move |req| req.uri().query() == Some(query))
                .header("authorization", "Bearer wtoken");
            let then = then.status(200).body(body);
            if let Some(l) = link {
                then.header("link", l);
            }
        })
    };
    let followers = [
        page("limit=40", accounts(1, 40), Some("limit=40&max_id=900")),
        page(
            "limit=40&max_id=900",
            accounts(41, 40),
            Some("limit=40&max_id=800"),
        ),
        page("limit=40&max_id=800", accounts(81, 40), None),
    ];
    let following = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/accounts/14715/following")
            .is_true(|req| req.uri().query() == Some("limit=40"))
            .header("authorization", "Bearer wtoken");
        then.status(200).body(accounts(500, 3));
    });

    let id = AccountRef::Id(AccountId::from("14715"));
    walkthrough::walk(&server.base_url(), Some(&id)).unwrap();

    register.assert();
    token.assert();
    verify.assert();
    // 80 followers are two pages of 40: the third page is never fetched.
    assert_eq!(followers.each_ref().map(|m| m.calls()), [1, 1, 0]);
    following.assert();
}

#[test]
fn a_handle_is_looked_up_before_the_lists() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST).path("/api/v1/apps");
        then.status(200).body(REGISTERED);
    });
    server.mock(|when, then| {
        when.method(POST).path("/oauth/token");
        then.status(200).body(r#"{"access_token":"wtoken"}"#);
    });
    server.mock(|when, then| {
        when.method(GET).path("/api/v1/apps/verify_credentials");
        then.status(200).body(r#"{"name":"mastolite walkthrough"}"#);
    });
    let lookup = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/accounts/lookup")
            .query_param("acct", "alice@x.example")
            .header("authorization", "Bearer wtoken");
        then.status(200).body(example("account_remote.json"));
    });
    let lists = ["followers", "following"].map(|list| {
        server.mock(move |when, then| {
            when.method(GET)
                .path(format!("/api/v1/accounts/23634/{list}"))
                .header("authorization", "Bearer wtoken");
            then.status(200).body(accounts(1, 2));
        })
    });
    let handle = AccountRef::parse("@alice@x.example").unwrap();
    walkthrough::walk(&server.base_url(), Some(&handle)).unwrap();
    lookup.assert();
    assert_eq!(lists.each_ref().map(|m| m.calls()), [1, 1]);
}

#[test]
fn without_an_account_id_it_stops_after_verifying() {
    let server = MockServer::start();
    let register = server.mock(|when, then| {
        when.method(POST).path("/api/v1/apps");
        then.status(200).body(REGISTERED);
    });
    let token = server.mock(|when, then| {
        when.method(POST).path("/oauth/token");
        then.status(200).body(r#"{"access_token":"wtoken"}"#);
    });
    let verify = server.mock(|when, then| {
        when.method(GET).path("/api/v1/apps/verify_credentials");
        then.status(200).body(r#"{"name":"mastolite walkthrough"}"#);
    });
    let lists = server.mock(|when, then| {
        when.path_prefix("/api/v1/accounts/");
        then.status(200).body("[]");
    });
    walkthrough::walk(&server.base_url(), None).unwrap();
    register.assert();
    token.assert();
    verify.assert();
    lists.assert_calls(0);
}

#[test]
fn a_failing_step_is_named() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST).path("/api/v1/apps");
        then.status(429).body(r#"{"error":"Too many requests"}"#);
    });
    let later = server.mock(|when, then| {
        when.path("/oauth/token");
        then.status(200).body("{}");
    });
    let (step, err) = walkthrough::walk(&server.base_url(), None).unwrap_err();
    assert_eq!(step, "registering the app");
    assert!(err.is_rate_limited());
    assert!(!err.to_string().contains('\n'));
    later.assert_calls(0);

    let (step, err) = walkthrough::walk("not a url/", None).unwrap_err();
    assert_eq!(step, "reading the server address");
    assert!(matches!(err, mastolite::Error::InvalidInput(_)), "{err:?}");
}
