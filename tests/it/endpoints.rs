//! Every endpoint function against httpmock: the exact method, path, query, headers and form
//! body of each request, the decoded values, Link pagination, error statuses and bodies,
//! redirects, and what never appears in an error.

use crate::common;

use std::time::Duration;

use common::*;
use httpmock::prelude::*;
use httpmock::{Mock, When};
use mastolite::apps::NewApp;
use mastolite::{
    AccessToken, AccountId, AppCredentials, AuthorizationCode, ClientSecret, Error, OOB,
    PkceVerifier, Range, accounts, apps, oauth,
};

const TOKEN: &str = "user-token-123";
const OOB_FORM: &str = "urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob";

fn token() -> AccessToken {
    AccessToken::new(TOKEN)
}

fn creds() -> AppCredentials {
    AppCredentials::new("the-client-id", ClientSecret::new("the-client-secret"))
}

/// A POST of exactly `body` as a form to `path`, with our user agent and no token.
fn form_post(when: When, path: &str, body: &str) -> When {
    when.method(POST)
        .path(path)
        .is_true(|req| req.uri().query().is_none())
        .header("user-agent", USER_AGENT)
        .header("content-type", FORM)
        .header("accept", "application/json")
        .header_missing("authorization")
        .body(body)
}

/// A GET of `path` with exactly `query` (or none), our user agent, no body, and the bearer
/// token when one is given (and no Authorization header otherwise).
fn get(when: When, path: &str, query: Option<&'static str>, token: Option<&str>) -> When {
    let when = when
        .method(GET)
        .path(path)
        .is_true(move |req| req.uri().query() == query)
        .header("user-agent", USER_AGENT)
        .header("accept", "application/json")
        .header_missing("content-type")
        .is_true(|req| req.body_ref().is_empty());
    match token {
        Some(t) => when.header("authorization", format!("Bearer {t}")),
        None => when.header_missing("authorization"),
    }
}

fn json(then: httpmock::Then, status: u16, body: impl Into<String>) -> httpmock::Then {
    then.status(status)
        .header("content-type", "application/json; charset=utf-8")
        .body(body.into())
}

/// A mock answering 200 with `response` to exactly this form POST (see [`form_post`]).
fn on_form<'a>(
    server: &'a MockServer,
    path: &str,
    body: &str,
    response: impl Into<String>,
) -> Mock<'a> {
    let response = response.into();
    server.mock(|when, then| {
        form_post(when, path, body);
        json(then, 200, response);
    })
}

/// A mock answering 200 with `response` to exactly this GET (see [`get`]).
fn on_get<'a>(
    server: &'a MockServer,
    path: &str,
    query: Option<&'static str>,
    token: Option<&str>,
    response: impl Into<String>,
) -> Mock<'a> {
    let response = response.into();
    server.mock(|when, then| {
        get(when, path, query, token);
        json(then, 200, response);
    })
}

// ---- apps ---------------------------------------------------------------------------------

#[test]
fn create_app_posts_the_guides_form() {
    let server = MockServer::start();
    let m = on_form(
        &server,
        "/api/v1/apps",
        &format!(
            "client_name=Test+Application&redirect_uris={OOB_FORM}&scopes=read+write+push&website=https%3A%2F%2Fmyapp.example"
        ),
        example("application.json"),
    );
    let app = apps::create(
        &client(&server),
        &NewApp::new("Test Application")
            .redirect_uri(OOB)
            .scopes("read write push".parse().unwrap())
            .website("https://myapp.example"),
    )
    .unwrap();
    m.assert();
    assert_eq!(app.id.as_deref(), Some("563419"));
    assert_eq!(app.name, "Test Application");
    assert_eq!(app.client_id, "TWhM-tNSuncnqN7DBJmoyeLnk6K3iJJ71KKXxgL1hPM");
    assert_eq!(
        app.client_secret.secret(),
        "ZEaFUFmF0umgBX1qKJDjaU99Q31lDkOU8NutzTOoliw"
    );
    let creds = app.credentials();
    assert_eq!(creds.client_id, app.client_id);
    assert_eq!(creds.redirect_uri, OOB);
}

#[test]
fn create_app_sends_several_redirect_uris_as_one_field_and_no_empty_website() {
    let server = MockServer::start();
    let m = on_form(
        &server,
        "/api/v1/apps",
        "client_name=Two&redirect_uris=https%3A%2F%2Fapp.example%2Fcallback%0Ahttps%3A%2F%2Fapp.example%2Fregister&scopes=read+profile",
        example("credential_application.json"),
    );
    let app = apps::create(
        &client(&server),
        &NewApp::new("  Two ")
            .redirect_uri("https://app.example/callback")
            .redirect_uri("https://app.example/register")
            .scopes("read profile".parse().unwrap()),
    )
    .unwrap();
    m.assert();
    assert_eq!(
        app.credentials().redirect_uri,
        "https://app.example/callback"
    );
    assert_eq!(
        app.scopes.unwrap().iter().collect::<Vec<_>>(),
        ["read", "write", "push"]
    );
}

#[test]
fn create_app_refuses_what_the_server_would_refuse_without_a_request() {
    let server = MockServer::start();
    let any = server.mock(|when, then| {
        when.any_request();
        then.status(500);
    });
    let client = client(&server);
    for app in [
        NewApp::new("no redirect uri"),
        NewApp::new("").redirect_uri(OOB),
        NewApp::new("x".repeat(61)).redirect_uri(OOB),
        NewApp::new("fragment").redirect_uri("https://app.example/cb#frag"),
        NewApp::new("no scopes")
            .redirect_uri(OOB)
            .scopes(mastolite::Scopes::new()),
    ] {
        let err = apps::create(&client, &app).unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)), "{app:?}: {err:?}");
    }
    any.assert_calls(0);
}

#[test]
fn verify_app_credentials_sends_the_bearer_token() {
    let server = MockServer::start();
    let m = server.mock(|when, then| {
        get(when, "/api/v1/apps/verify_credentials", None, Some(TOKEN));
        json(
            then,
            200,
            example("app_verify_credentials_legacy_pre_4_3.json"),
        );
    });
    let app = apps::verify_credentials(&client(&server), &token()).unwrap();
    m.assert();
    assert_eq!(app.name, "Test Application");
    assert_eq!(app.id, None);
    assert_eq!(app.website.as_deref(), Some("https://app.example"));
}

// ---- oauth --------------------------------------------------------------------------------

#[test]
fn client_credentials_always_sends_scope_and_redirect_uri() {
    let server = MockServer::start();
    let m = on_form(
        &server,
        "/oauth/token",
        &format!(
            "grant_type=client_credentials&client_id=the-client-id&client_secret=the-client-secret&redirect_uri={OOB_FORM}&scope=read+write%3Aaccounts"
        ),
        example("token.json"),
    );
    let token = oauth::client_credentials(
        &client(&server),
        &creds(),
        &"read write:accounts".parse().unwrap(),
    )
    .unwrap();
    m.assert();
    assert_eq!(
        token.access_token.secret(),
        "ZA-Yj3aBD8U8Cm7lKUp-lm9O9BmDgdhHzDeqsY8tlL0"
    );
    assert_eq!(token.token_type.as_deref(), Some("Bearer"));
    assert_eq!(token.created_at, Some(1573979017));
}

#[test]
fn client_credentials_sends_the_apps_own_redirect_uri() {
    let server = MockServer::start();
    let m = on_form(
        &server,
        "/oauth/token",
        "grant_type=client_credentials&client_id=the-client-id&client_secret=the-client-secret&redirect_uri=https%3A%2F%2Fapp.example%2Fcallback&scope=read",
        r#"{"access_token":"app-token","token_type":"Bearer","scope":"read","created_at":5}"#,
    );
    let mut creds = creds();
    creds.redirect_uri = "https://app.example/callback".to_owned();
    let token =
        oauth::client_credentials(&client(&server), &creds, &"read".parse().unwrap()).unwrap();
    m.assert();
    assert_eq!(token.access_token.secret(), "app-token");
    assert!(token.scopes().contains("read"));

    let err =
        oauth::client_credentials(&client(&server), &creds, &mastolite::Scopes::new()).unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
    m.assert_calls(1);
}

#[test]
fn exchange_code_without_a_verifier() {
    let server = MockServer::start();
    let m = on_form(
        &server,
        "/oauth/token",
        &format!(
            "grant_type=authorization_code&code=the-code&redirect_uri={OOB_FORM}&client_id=the-client-id&client_secret=the-client-secret"
        ),
        r#"{"access_token":"user-token","token_type":"Bearer","scope":"read write","created_at":1700000000}"#,
    );
    // A pasted code keeps no surrounding whitespace.
    let code = AuthorizationCode::new(" the-code\n");
    let token = oauth::exchange_code(&client(&server), &creds(), &code, OOB, None).unwrap();
    m.assert();
    assert_eq!(token.access_token.secret(), "user-token");
    assert_eq!(token.scopes().iter().collect::<Vec<_>>(), ["read", "write"]);

    let empty = AuthorizationCode::new("  ");
    let err = oauth::exchange_code(&client(&server), &creds(), &empty, OOB, None).unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
    m.assert_calls(1);
}

#[test]
fn exchange_code_with_a_verifier() {
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let server = MockServer::start();
    let m = on_form(
        &server,
        "/oauth/token",
        &format!(
            "grant_type=authorization_code&code=abc&redirect_uri=https%3A%2F%2Fapp.example%2Fcallback&client_id=the-client-id&client_secret=the-client-secret&code_verifier={verifier}"
        ),
        r#"{"access_token":"pkce-token","token_type":"Bearer","scope":"profile","created_at":1}"#,
    );
    let token = oauth::exchange_code(
        &client(&server),
        &creds(),
        &AuthorizationCode::new("abc"),
        "https://app.example/callback",
        Some(PkceVerifier::new(verifier)),
    )
    .unwrap();
    m.assert();
    assert_eq!(token.access_token.secret(), "pkce-token");
    assert_eq!(token.scope, Some("profile".parse().unwrap()));
}

// ---- accounts -----------------------------------------------------------------------------

#[test]
fn verify_account_credentials_sends_the_bearer_token() {
    let server = MockServer::start();
    let m = on_get(
        &server,
        "/api/v1/accounts/verify_credentials",
        None,
        Some(TOKEN),
        example("credential_account.json"),
    );
    let me = accounts::verify_credentials(&client(&server), &token()).unwrap();
    m.assert();
    assert_eq!(me.id, AccountId::from("14715"));
    assert_eq!(me.acct, "trwnh");
    let source = me.source.unwrap();
    assert_eq!(source.privacy.as_deref(), Some("public"));
    assert_eq!(source.language.as_deref(), Some(""));
    assert_eq!(me.role.unwrap().id.as_str(), "-99");
}

#[test]
fn followers_sends_the_range_and_no_token_when_none_is_given() {
    let server = MockServer::start();
    let link = example("followers_page.link_header.txt");
    let link = link.trim().strip_prefix("Link: ").unwrap().to_owned();
    let m = server.mock(|when, then| {
        get(
            when,
            "/api/v1/accounts/14715/followers",
            Some("limit=80&max_id=7486870&since_id=1&min_id=2"),
            None,
        );
        json(then, 200, example("followers_page.json")).header("link", link);
    });
    let range = Range::new()
        .limit(80)
        .max_id("7486870")
        .since_id("1")
        .min_id("2");
    let page =
        accounts::followers(&client(&server), None, &AccountId::from("14715"), &range).unwrap();
    m.assert();
    assert_eq!(
        page.items
            .iter()
            .map(|a| a.acct.as_str())
            .collect::<Vec<_>>(),
        ["Gargron", "noiob@awoo.space"]
    );
    assert_eq!(
        page.next.as_deref(),
        Some("https://mastodon.example/api/v1/accounts/14715/followers?limit=2&max_id=7486869")
    );
    assert_eq!(
        page.prev.as_deref(),
        Some("https://mastodon.example/api/v1/accounts/14715/followers?limit=2&since_id=7489740")
    );
}

#[test]
fn following_sends_the_token_when_given() {
    let server = MockServer::start();
    let m = on_get(
        &server,
        "/api/v1/accounts/109302/following",
        None,
        Some(TOKEN),
        accounts_json(&[("7", "bob@b.example")]),
    );
    let token = token();
    let page = accounts::following(
        &client(&server),
        Some(&token),
        &AccountId::from("109302"),
        &Range::new(),
    )
    .unwrap();
    m.assert();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].id.as_str(), "7");
    assert_eq!(page.items[0].username, "bob");
    assert_eq!((page.next, page.prev), (None, None));
}

#[test]
fn account_ids_are_percent_encoded_in_paths() {
    let server = MockServer::start();
    let odd = on_get(
        &server,
        "/api/v1/accounts/a%2Fb%20c%3Fd%23%C3%A9%25/followers",
        Some("limit=1"),
        None,
        "[]",
    );
    let ulid = on_get(
        &server,
        "/api/v1/accounts/01ARZ3NDEKTSV4RRFFQ69G5FAV/following",
        None,
        None,
        "[]",
    );
    let client = client(&server);
    let page = accounts::followers(
        &client,
        None,
        &AccountId::from("a/b c?d#é%"),
        &Range::new().limit(1),
    )
    .unwrap();
    assert!(page.items.is_empty());
    accounts::following(
        &client,
        None,
        &AccountId::from("01ARZ3NDEKTSV4RRFFQ69G5FAV"),
        &Range::new(),
    )
    .unwrap();
    odd.assert();
    ulid.assert();
}

#[test]
fn ids_and_limits_that_would_change_the_request_are_refused() {
    let server = MockServer::start();
    let any = server.mock(|when, then| {
        when.any_request();
        json(then, 200, "[]");
    });
    let client = client(&server);
    for id in ["", ".", ".."] {
        let err =
            accounts::followers(&client, None, &AccountId::from(id), &Range::new()).unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)), "{id:?}: {err:?}");
        let err = accounts::following_pages(&client, None, &AccountId::from(id), &Range::new())
            .unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)), "{id:?}: {err:?}");
    }
    let err = accounts::followers(&client, None, &AccountId::from("1"), &Range::new().limit(0))
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
    any.assert_calls(0);
}

// ---- pagination ---------------------------------------------------------------------------

const LIST: &str = "/api/v1/accounts/42/followers";

/// Three pages of followers, linked by `next` URLs on the mock server's own origin.
struct ThreePages<'a> {
    pages: [httpmock::Mock<'a>; 3],
}

fn three_pages<'a>(server: &'a MockServer, list: &'static str) -> ThreePages<'a> {
    let url = |q: &str| server.url(format!("{list}?{q}"));
    let link = |next: Option<String>, prev: String| {
        let mut l = String::new();
        if let Some(n) = next {
            l.push_str(&format!("<{n}>; rel=\"next\", "));
        }
        l.push_str(&format!("<{prev}>; rel=\"prev\""));
        l
    };
    let page = |query: &'static str, next: Option<String>, prev: String, items: &[(&str, &str)]| {
        let body = accounts_json(items);
        let link = link(next, prev);
        server.mock(move |when, then| {
            get(when, list, Some(query), Some(TOKEN));
            json(then, 200, body).header("link", link);
        })
    };
    ThreePages {
        pages: [
            page(
                "limit=2",
                Some(url("limit=2&max_id=30")),
                url("limit=2&since_id=50"),
                &[("101", "a"), ("102", "b@x.example")],
            ),
            page(
                "limit=2&max_id=30",
                Some(url("limit=2&max_id=20")),
                url("limit=2&since_id=29"),
                &[("103", "c"), ("104", "d")],
            ),
            page(
                "limit=2&max_id=20",
                None,
                url("limit=2&since_id=19"),
                &[("105", "e")],
            ),
        ],
    }
}

impl ThreePages<'_> {
    fn calls(&self) -> [usize; 3] {
        [
            self.pages[0].calls(),
            self.pages[1].calls(),
            self.pages[2].calls(),
        ]
    }
}

fn accts(items: &[mastolite::Account]) -> Vec<&str> {
    items.iter().map(|a| a.acct.as_str()).collect()
}

/// The followers of account 42, two a page.
fn followers_of_42<'a>(
    client: &'a mastolite::Client,
    token: Option<&'a AccessToken>,
) -> mastolite::Pages<'a, mastolite::Account> {
    accounts::followers_pages(
        client,
        token,
        &AccountId::from("42"),
        &Range::new().limit(2),
    )
    .expect("a valid id and limit")
}

/// The first page of [`LIST`]: two accounts and a `next` link to `next`.
fn first_page<'a>(server: &'a MockServer, next: &str, token: Option<&'static str>) -> Mock<'a> {
    let link = format!("<{next}>; rel=\"next\"");
    server.mock(move |when, then| {
        get(when, LIST, Some("limit=2"), token);
        json(then, 200, accounts_json(&[("1", "a"), ("2", "b")])).header("link", link);
    })
}

#[test]
fn pages_follow_the_link_header_to_the_end() {
    let server = MockServer::start();
    let pages = three_pages(&server, LIST);
    let token = token();
    let client = client(&server);
    let all: Vec<_> = followers_of_42(&client, Some(&token))
        .map(Result::unwrap)
        .collect();
    assert_eq!(pages.calls(), [1, 1, 1]);
    assert_eq!(all.len(), 3);
    assert_eq!(accts(&all[0].items), ["a", "b@x.example"]);
    assert_eq!(accts(&all[1].items), ["c", "d"]);
    assert_eq!(accts(&all[2].items), ["e"]);
    assert_eq!(
        all[0].next.as_deref(),
        Some(server.url(format!("{LIST}?limit=2&max_id=30")).as_str())
    );
    assert_eq!(all[2].next, None);
    assert_eq!(
        all[2].prev.as_deref(),
        Some(server.url(format!("{LIST}?limit=2&since_id=19")).as_str())
    );
}

#[test]
fn items_flatten_every_page_of_following() {
    let server = MockServer::start();
    let pages = three_pages(&server, "/api/v1/accounts/42/following");
    let token = token();
    let client = client(&server);
    let ids: Vec<String> = accounts::following_pages(
        &client,
        Some(&token),
        &AccountId::from("42"),
        &Range::new().limit(2),
    )
    .unwrap()
    .items()
    .map(|a| a.unwrap().id.to_string())
    .collect();
    assert_eq!(ids, ["101", "102", "103", "104", "105"]);
    assert_eq!(pages.calls(), [1, 1, 1]);
}

#[test]
fn items_take_fetches_no_more_pages_than_needed() {
    let server = MockServer::start();
    let pages = three_pages(&server, LIST);
    let token = token();
    let client = client(&server);
    let walk = || followers_of_42(&client, Some(&token)).items();
    assert_eq!(walk().take(2).count(), 2);
    assert_eq!(pages.calls(), [1, 0, 0]);
    let three: Vec<_> = walk().take(3).map(|a| a.unwrap().acct).collect();
    assert_eq!(three, ["a", "b@x.example", "c"]);
    assert_eq!(pages.calls(), [2, 1, 0]);
    // And by pages.
    let two_pages = followers_of_42(&client, Some(&token)).take(2).count();
    assert_eq!(two_pages, 2);
    assert_eq!(pages.calls(), [3, 2, 0]);
}

#[test]
fn a_link_to_another_origin_is_refused() {
    let server = MockServer::start();
    let elsewhere = MockServer::start();
    let foreign = elsewhere.url(format!("{LIST}?limit=2&max_id=30"));
    let trap = elsewhere.mock(|when, then| {
        when.any_request();
        json(then, 200, "[]");
    });
    let first = first_page(&server, &foreign, Some(TOKEN));
    let token = token();
    let client = client(&server);
    let mut pages = followers_of_42(&client, Some(&token));
    let page = pages.next().unwrap().unwrap();
    assert_eq!(page.next.as_deref(), Some(foreign.as_str()));
    let err = pages.next().unwrap().unwrap_err();
    match &err {
        Error::ForeignUrl(url) => assert_eq!(url, &foreign),
        other => panic!("expected ForeignUrl, got {other:?}"),
    }
    assert!(err.to_string().contains(&foreign), "{err}");
    assert!(pages.next().is_none());
    first.assert_calls(1);
    trap.assert_calls(0);
}

#[test]
fn iteration_stops_after_an_error_status() {
    let server = MockServer::start();
    let next = server.url(format!("{LIST}?limit=2&max_id=30"));
    let first = first_page(&server, &next, None);
    let failing = server.mock(|when, then| {
        get(when, LIST, Some("limit=2&max_id=30"), None);
        json(then, 500, r#"{"error":"boom"}"#);
    });
    let client = client(&server);
    let mut items = followers_of_42(&client, None).items();
    assert_eq!(items.next().unwrap().unwrap().acct, "a");
    assert_eq!(items.next().unwrap().unwrap().acct, "b");
    let err = items.next().unwrap().unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert!(items.next().is_none());
    assert!(items.next().is_none());
    first.assert_calls(1);
    failing.assert_calls(1);
}

#[test]
fn iteration_stops_after_a_page_that_does_not_decode() {
    let server = MockServer::start();
    let second = server.url(format!("{LIST}?limit=2&max_id=30"));
    let third = server.url(format!("{LIST}?limit=2&max_id=20"));
    let first = first_page(&server, &second, None);
    let broken = server.mock(|when, then| {
        get(when, LIST, Some("limit=2&max_id=30"), None);
        json(then, 200, r#"[{"id":"3"}]"#).header("link", format!("<{third}>; rel=\"next\""));
    });
    let never = server.mock(|when, then| {
        get(when, LIST, Some("limit=2&max_id=20"), None);
        json(then, 200, accounts_json(&[("5", "e")]));
    });
    let client = client(&server);
    let mut pages = followers_of_42(&client, None);
    assert_eq!(pages.next().unwrap().unwrap().items.len(), 2);
    let err = pages.next().unwrap().unwrap_err();
    match &err {
        Error::Decode(d) => {
            assert_eq!(d.target(), "Vec<Account>");
            assert_eq!(d.endpoint(), "GET /api/v1/accounts/:id/followers");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert!(pages.next().is_none());
    first.assert_calls(1);
    broken.assert_calls(1);
    never.assert_calls(0);
}

// ---- errors -------------------------------------------------------------------------------

/// Serves one error answer to `GET /api/v1/apps/verify_credentials` and returns the error.
fn error_for(status: u16, content_type: &str, body: &str, headers: &[(&str, &str)]) -> Error {
    let server = MockServer::start();
    let (content_type, body) = (content_type.to_owned(), body.to_owned());
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let m = server.mock(move |when, then| {
        get(when, "/api/v1/apps/verify_credentials", None, Some(TOKEN));
        let mut then = then.status(status).body(body);
        if !content_type.is_empty() {
            then = then.header("content-type", content_type);
        }
        for (k, v) in headers {
            then = then.header(k, v);
        }
    });
    let err = apps::verify_credentials(&client(&server), &token()).unwrap_err();
    m.assert_calls(1);
    err
}

#[test]
fn error_statuses_carry_the_servers_message() {
    for status in [401, 403, 404, 422, 429, 500, 502, 503] {
        let message = format!("message for {status}");
        for description in [None, Some(format!("described {status}"))] {
            let body = match &description {
                None => format!(r#"{{"error":"{message}"}}"#),
                Some(d) => format!(r#"{{"error":"{message}","error_description":"{d}"}}"#),
            };
            let err = error_for(status, "application/json; charset=utf-8", &body, &[]);
            let api = err.api_error().unwrap_or_else(|| panic!("{err:?}"));
            assert_eq!(api.status(), status);
            assert_eq!(api.error(), Some(message.as_str()));
            assert_eq!(api.description(), description.as_deref());
            assert_eq!(api.endpoint(), "GET /api/v1/apps/verify_credentials");
            assert_eq!(err.status(), Some(status));
            assert_eq!(
                err.is_unauthorized(),
                matches!(status, 401 | 403),
                "{status}"
            );
            assert_eq!(err.is_rate_limited(), status == 429, "{status}");
            assert_eq!(
                err.is_transient(),
                status == 429 || status >= 500,
                "{status}"
            );
            let expected = match &description {
                None => format!(
                    "GET {}/api/v1/apps/verify_credentials: status {status}: {message}",
                    api.origin()
                ),
                Some(d) => format!(
                    "GET {}/api/v1/apps/verify_credentials: status {status}: {message} ({d})",
                    api.origin()
                ),
            };
            assert!(err.to_string().starts_with(&expected), "{err}");
        }
    }
}

#[test]
fn a_rate_limited_answer_keeps_its_wait() {
    let err = error_for(
        429,
        "application/json",
        r#"{"error":"Too many requests"}"#,
        &[
            ("retry-after", "120"),
            ("x-ratelimit-limit", "300"),
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", "2026-08-01T13:50:00.037659Z"),
        ],
    );
    assert!(err.is_rate_limited() && err.is_transient());
    let api = err.api_error().unwrap();
    assert_eq!(api.retry_after(), Some(Duration::from_secs(120)));
    let rl = err.rate_limit().unwrap();
    assert_eq!((rl.limit, rl.remaining), (Some(300), Some(0)));
}

#[test]
fn bodies_that_are_not_mastodon_errors_still_give_the_status() {
    let html = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body>\r\n</html>";
    for (status, ctype, body) in [
        (502, "text/html", html),
        (503, "", ""),
        (500, "text/plain", "Internal Server Error"),
        (500, "application/json", r#"{"error":{"nested":true}}"#),
        (404, "application/json", r#"["not","an","object"]"#),
        (401, "application/json", r#"{"error":"cut off"#),
    ] {
        let err = error_for(status, ctype, body, &[]);
        let api = err.api_error().unwrap_or_else(|| panic!("{body}: {err:?}"));
        assert_eq!(api.status(), status, "{body}");
        assert_eq!((api.error(), api.description()), (None, None), "{body}");
        assert_eq!(err.is_transient(), status >= 500, "{body}");
        assert_eq!(err.is_unauthorized(), status == 401, "{body}");
        // The start of the body, on one line, stands in for the message.
        let text: String = body.trim().replace(['\r', '\n'], " ");
        let said = if text.is_empty() {
            assert_eq!(api.text(), None);
            " without an error message".to_owned()
        } else {
            assert_eq!(api.text(), Some(text.as_str()), "{body}");
            format!(": {text}")
        };
        assert_eq!(
            err.to_string(),
            format!(
                "GET {}/api/v1/apps/verify_credentials: status {status}{said}",
                api.origin()
            )
        );
    }
}

#[test]
fn oauth_errors_carry_the_description() {
    let server = MockServer::start();
    let grant = example("error_oauth_invalid_grant.json");
    let m = server.mock(|when, then| {
        when.method(POST)
            .path("/oauth/token")
            .body_includes("grant_type=authorization_code");
        json(then, 400, grant);
    });
    let client_error = example("error_oauth_invalid_client.json");
    let c = server.mock(|when, then| {
        when.method(POST)
            .path("/oauth/token")
            .body_includes("grant_type=client_credentials");
        json(then, 401, client_error);
    });
    let client = client(&server);
    let err = oauth::exchange_code(
        &client,
        &creds(),
        &AuthorizationCode::new("used-code"),
        OOB,
        None,
    )
    .unwrap_err();
    m.assert();
    let api = err.api_error().unwrap();
    assert_eq!(api.status(), 400);
    assert_eq!(api.error(), Some("invalid_grant"));
    assert!(
        api.description()
            .unwrap()
            .starts_with("The provided authorization grant is invalid")
    );
    assert!(!err.is_unauthorized());
    assert!(!err.is_transient());
    assert!(
        err.to_string().starts_with(&format!(
            "POST {}/oauth/token: status 400: invalid_grant (The provided",
            client.origin()
        )),
        "{err}"
    );

    let err = oauth::client_credentials(&client, &creds(), &"read".parse().unwrap()).unwrap_err();
    c.assert();
    let api = err.api_error().unwrap();
    assert_eq!((api.status(), api.error()), (401, Some("invalid_client")));
    assert!(
        api.description()
            .unwrap()
            .starts_with("Client authentication failed")
    );
    assert!(err.is_unauthorized());
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("the-client-secret"), "{shown}");
}

#[test]
fn an_invalid_client_code_is_unauthorized_whatever_the_status() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST).path("/oauth/token");
        json(
            then,
            400,
            r#"{"error":"invalid_client","error_description":"no"}"#,
        );
    });
    let err = oauth::client_credentials(&client(&server), &creds(), &"read".parse().unwrap())
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert!(err.is_unauthorized());
}

/// A secret-looking value that must never be shown.
const LEAK: &str = "SECRET-VALUE-4f9c";

#[test]
fn token_and_registration_bodies_never_appear_in_errors() {
    let server = MockServer::start();
    let client = client(&server);
    let check = |err: &Error| {
        let shown = format!("{err} | {err:?} | {err:#?}");
        assert!(!shown.contains(LEAK), "{shown}");
        assert!(!shown.contains("the-client-secret"), "{shown}");
        assert!(!shown.contains("the-code"), "{shown}");
    };
    // A 200 token answer that does not decode: the token is in it.
    for body in [
        format!(r#"{{"access_token":"{LEAK}","token_type":7}}"#),
        format!(r#"{{"access_token":"{LEAK}""#),
        format!("access_token={LEAK}&token_type=bearer"),
        format!(r#"{{"token_type":"Bearer","access_token":["{LEAK}"]}}"#),
    ] {
        let mut m = server.mock(|when, then| {
            when.method(POST).path("/oauth/token");
            json(then, 200, body.clone());
        });
        let err =
            oauth::client_credentials(&client, &creds(), &"read".parse().unwrap()).unwrap_err();
        match &err {
            Error::Decode(d) => {
                assert_eq!((d.target(), d.endpoint()), ("Token", "POST /oauth/token"));
                assert_eq!((d.excerpt(), d.detail()), (None, None), "{body}");
            }
            other => panic!("{body}: expected a decode error, got {other:?}"),
        }
        check(&err);
        let err = oauth::exchange_code(
            &client,
            &creds(),
            &AuthorizationCode::new("the-code"),
            OOB,
            None,
        )
        .unwrap_err();
        assert!(matches!(err, Error::Decode(_)), "{err:?}");
        check(&err);
        m.assert_calls(2);
        m.delete();
    }
    // A registration answer that does not decode: the client secret is in it.
    let mut m = server.mock(|when, then| {
        when.method(POST).path("/api/v1/apps");
        json(
            then,
            200,
            format!(r#"{{"client_id":"cid","client_secret":"{LEAK}"}}"#),
        );
    });
    let err = apps::create(&client, &NewApp::new("x").redirect_uri(OOB)).unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
    check(&err);
    m.assert();
    m.delete();
    // An error status whose body is not JSON: nothing of it is kept.
    server.mock(|when, then| {
        when.method(POST).path("/oauth/token");
        then.status(500)
            .header("content-type", "text/plain")
            .body(format!("crash while issuing {LEAK}"));
    });
    let err = oauth::client_credentials(&client, &creds(), &"read".parse().unwrap()).unwrap_err();
    assert_eq!(err.status(), Some(500));
    check(&err);
}

#[test]
fn other_decode_errors_show_an_excerpt() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/api/v1/apps/verify_credentials");
        json(then, 200, r#"{"website":"https://x.example"}"#);
    });
    let err = apps::verify_credentials(&client(&server), &token()).unwrap_err();
    let Error::Decode(d) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(d.target(), "Application");
    assert_eq!(d.excerpt(), Some(r#"{"website":"https://x.example"}"#));
    assert!(!format!("{err} {err:?}").contains(TOKEN));
}

// ---- redirects and TLS ------------------------------------------------------------------

#[test]
fn redirects_are_not_followed() {
    let server = MockServer::start();
    let target = server.url("/moved/verify_credentials");
    let followed = server.mock(|when, then| {
        when.path("/moved/verify_credentials");
        json(then, 200, example("app_verify_credentials.json"));
    });
    let location = target.clone();
    let redirect = server.mock(move |when, then| {
        when.method(GET).path("/api/v1/apps/verify_credentials");
        then.status(302).header("location", location);
    });
    let post_redirect = server.mock(|when, then| {
        when.method(POST).path("/oauth/token");
        then.status(307)
            .header("location", "https://elsewhere.example/oauth/token");
    });
    let client = client(&server);

    let err = apps::verify_credentials(&client, &token()).unwrap_err();
    let Error::Redirect(r) = &err else {
        panic!("expected a redirect error, got {err:?}")
    };
    assert_eq!(r.status(), 302);
    assert_eq!(r.location(), Some(target.as_str()));
    assert_eq!(r.endpoint(), "GET /api/v1/apps/verify_credentials");
    assert_eq!(err.status(), Some(302));
    assert!(err.to_string().contains(&target), "{err}");
    assert!(!format!("{err} {err:?}").contains(TOKEN));

    let err = oauth::client_credentials(&client, &creds(), &"read".parse().unwrap()).unwrap_err();
    let Error::Redirect(r) = &err else {
        panic!("expected a redirect error, got {err:?}")
    };
    assert_eq!(r.status(), 307);
    assert_eq!(r.location(), Some("https://elsewhere.example/oauth/token"));

    redirect.assert_calls(1);
    post_redirect.assert_calls(1);
    followed.assert_calls(0);
}

#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
#[test]
fn https_without_a_tls_feature_fails_before_connecting() {
    // Nothing listens on port 9 of the loopback: a connection attempt would fail otherwise.
    for url in ["https://mastodon.example", "https://127.0.0.1:9"] {
        let client = mastolite::Client::new(url).unwrap();
        let err = apps::verify_credentials(&client, &token()).unwrap_err();
        assert!(matches!(err, Error::TlsUnavailable), "{url}: {err:?}");
        let err = apps::create(&client, &NewApp::new("x").redirect_uri(OOB)).unwrap_err();
        assert!(matches!(err, Error::TlsUnavailable), "{url}: {err:?}");
        let err =
            accounts::followers(&client, None, &AccountId::from("1"), &Range::new()).unwrap_err();
        assert!(matches!(err, Error::TlsUnavailable), "{url}: {err:?}");
        assert!(err.to_string().contains("rustls"), "{err}");
    }
}
