//! `mastolite::api`: protected requests to any endpoint keep the typed endpoints' rules: the
//! exact request, the token only to the client's origin, no redirect, secrets redacted in
//! errors, retries only where a request may be sent twice, the body limit, and paging.

use crate::hostile_server;

use std::time::Duration;

use hostile_server::{Server, respond};
use mastolite::{AccessToken, Client, Error, RetryPolicy, TransportKind, api};

const TOKEN: &str = "api-test-token-6f1c";
const STATUS: &str = r#"{"id":"1","content":"<p>Hello</p>"}"#;

fn token() -> AccessToken {
    AccessToken::new(TOKEN)
}

fn client(server: &Server) -> Client {
    Client::builder(&server.url())
        .retry(RetryPolicy::default().base_delay(Duration::from_millis(20)))
        .build()
        .unwrap()
}

/// A status, its headers and its body.
type Answer = (u16, Vec<(&'static str, String)>, String);

/// A server that answers request `n` with `answers[n]`, then with the last one.
fn answering(answers: Vec<Answer>) -> Server {
    Server::start(move |n, _, s| {
        let (status, headers, body) = &answers[n.min(answers.len() - 1)];
        let h: Vec<(&str, &str)> = headers.iter().map(|(a, b)| (*a, b.as_str())).collect();
        respond(s, *status, &h, body.as_bytes());
    })
}

fn ok(body: &str) -> Answer {
    (200, Vec::new(), body.to_owned())
}

#[test]
fn a_get_sends_the_path_query_token_and_accept_and_returns_the_answer() {
    let server = answering(vec![(
        200,
        vec![
            ("X-RateLimit-Limit", "300".into()),
            ("X-RateLimit-Remaining", "299".into()),
            ("X-RateLimit-Reset", "2030-01-01T00:00:00.000Z".into()),
            (
                "Link",
                "<https://x.example/next>; rel=\"next\", <https://x.example/prev>; rel=\"prev\""
                    .into(),
            ),
        ],
        "[]".to_owned(),
    )]);
    let c = client(&server);
    let answer = api::get(
        &c,
        "/api/v1/notifications",
        Some(&token()),
        &[("limit", "5"), ("types[]", "mention")],
    )
    .unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, "[]");
    assert_eq!(answer.next.as_deref(), Some("https://x.example/next"));
    assert_eq!(answer.prev.as_deref(), Some("https://x.example/prev"));
    let rl = answer.rate_limit.expect("rate-limit headers");
    assert_eq!((rl.limit, rl.remaining), (Some(300), Some(299)));

    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(r.method, "GET");
    assert_eq!(
        r.target,
        "/api/v1/notifications?limit=5&types%5B%5D=mention"
    );
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(r.header("accept"), Some("application/json"));
    assert_eq!(r.header("idempotency-key"), None);
    assert!(r.body.is_empty());

    // Without a token, no Authorization header.
    api::get(&c, "/api/v1/trends/tags", None, &[]).unwrap();
    let r = &server.requests()[1];
    assert_eq!(
        (r.target.as_str(), r.header("authorization")),
        ("/api/v1/trends/tags", None)
    );
}

#[test]
fn a_post_sends_its_form_and_token_and_is_never_retried() {
    let server = answering(vec![
        (503, Vec::new(), "{\"error\":\"busy\"}".into()),
        ok(STATUS),
    ]);
    let c = client(&server);
    let form = [
        ("status", "Hello, world & more"),
        ("visibility", "unlisted"),
    ];
    let e = api::post_form(&c, "/api/v1/statuses", &token(), &form).unwrap_err();
    assert_eq!(e.status(), Some(503));
    assert_eq!(
        e.to_string(),
        format!("POST {}/api/v1/statuses: status 503: busy", server.url())
    );
    let reqs = server.requests();
    assert_eq!(
        reqs.len(),
        1,
        "a POST without an Idempotency-Key is sent once"
    );
    let r = &reqs[0];
    assert_eq!(
        (r.method.as_str(), r.target.as_str()),
        ("POST", "/api/v1/statuses")
    );
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(
        r.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        r.body_text(),
        "status=Hello%2C+world+%26+more&visibility=unlisted"
    );
    assert_eq!(r.header("idempotency-key"), None);
}

#[test]
fn a_post_with_an_idempotency_key_sends_it_and_is_retried() {
    let server = answering(vec![
        (503, Vec::new(), "{\"error\":\"busy\"}".into()),
        ok(STATUS),
    ]);
    let c = client(&server);
    let answer = api::post_form_idempotent(
        &c,
        "/api/v1/statuses",
        &token(),
        &[("status", "once")],
        "key-0001",
    )
    .unwrap();
    assert_eq!((answer.status, answer.body.as_str()), (200, STATUS));
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2, "retried once after the 503");
    for r in &reqs {
        assert_eq!(r.header("idempotency-key"), Some("key-0001"));
        assert_eq!(r.body_text(), "status=once");
    }
    // A key that cannot be a header value is refused before anything is sent.
    let e = api::post_form_idempotent(&c, "/api/v1/statuses", &token(), &[], "a\nb").unwrap_err();
    assert!(matches!(e, Error::InvalidInput(_)), "{e:?}");
    assert_eq!(server.hits(), 2);
}

#[test]
fn a_get_is_retried_on_503() {
    let server = answering(vec![(503, Vec::new(), String::new()), ok("{}")]);
    let answer = api::get(&client(&server), "/api/v1/instance", None, &[]).unwrap();
    assert_eq!(answer.body, "{}");
    assert_eq!(server.hits(), 2);
}

#[test]
fn paths_that_could_name_another_server_are_refused_before_any_request() {
    let server = answering(vec![ok("{}")]);
    let c = client(&server);
    for path in [
        "https://evil.example/api/v1/x",
        "@evil.example/x",
        "api/v1/x",
        "/a b",
    ] {
        let e = api::get(&c, path, Some(&token()), &[]).unwrap_err();
        assert!(matches!(e, Error::InvalidInput(_)), "{path}: {e:?}");
        assert!(!e.to_string().contains(TOKEN));
        let e = api::post_form(&c, path, &token(), &[]).unwrap_err();
        assert!(matches!(e, Error::InvalidInput(_)), "{path}: {e:?}");
    }
    assert_eq!(server.hits(), 0);
}

#[test]
fn a_redirect_is_not_followed() {
    let server = answering(vec![(
        302,
        vec![("Location", "https://elsewhere.example/api/v1/x".into())],
        String::new(),
    )]);
    let e = api::get(&client(&server), "/api/v1/x", Some(&token()), &[]).unwrap_err();
    let Error::Redirect(r) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(r.status(), 302);
    assert_eq!(r.location(), Some("https://elsewhere.example/api/v1/x"));
    assert_eq!(server.hits(), 1);
}

#[test]
fn an_echoed_token_or_secret_is_redacted_in_errors() {
    let echo =
        format!(r#"{{"error":"bad token {TOKEN}","error_description":"secret s3cr3t-f0rm"}}"#);
    let server = answering(vec![(422, Vec::new(), echo)]);
    let c = client(&server);
    let e = api::post_form(
        &c,
        "/api/v1/things",
        &token(),
        &[("client_secret", "s3cr3t-f0rm"), ("name", "x")],
    )
    .unwrap_err();
    let text = format!("{e} {e:?}");
    assert!(!text.contains(TOKEN), "{text}");
    assert!(!text.contains("s3cr3t-f0rm"), "{text}");
    let api_err = e.api_error().expect("an API error");
    assert_eq!(api_err.status(), 422);
    assert_eq!(api_err.error(), Some("bad token [redacted]"));
    assert_eq!(api_err.endpoint(), "POST /api/v1/things");
}

#[test]
fn a_body_over_the_limit_is_a_transport_error() {
    let server = answering(vec![ok(&"x".repeat(4096))]);
    let c = Client::builder(&server.url())
        .body_limit(1024)
        .build()
        .unwrap();
    let e = api::get(&c, "/api/v1/big", None, &[]).unwrap_err();
    let Error::Transport(t) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(t.kind(), TransportKind::BodyTooLarge);
    assert_eq!(t.endpoint(), "GET /api/v1/big");
}

#[test]
fn pages_follow_same_origin_links_and_refuse_a_foreign_next() {
    let server = Server::start(|n, req, s| {
        let base = format!("http://{}", req.header("host").unwrap_or("127.0.0.1"));
        match n {
            0 => respond(
                s,
                200,
                &[(
                    "Link",
                    &format!("<{base}/api/v1/accounts/1/statuses?max_id=9>; rel=\"next\""),
                )],
                b"[{\"id\":\"10\"}]",
            ),
            _ => respond(
                s,
                200,
                &[(
                    "Link",
                    "<https://evil.example/api/v1/accounts/1/statuses?max_id=8>; rel=\"next\"",
                )],
                b"[{\"id\":\"9\"}]",
            ),
        }
    });
    let c = client(&server);
    let tok = token();
    let got: Vec<_> = api::pages(
        &c,
        "/api/v1/accounts/1/statuses",
        Some(&tok),
        &[("limit", "1")],
    )
    .unwrap()
    .collect();
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[0].as_ref().unwrap().body, "[{\"id\":\"10\"}]");
    assert_eq!(got[1].as_ref().unwrap().body, "[{\"id\":\"9\"}]");
    let Err(Error::ForeignUrl(url)) = &got[2] else {
        panic!("{:?}", got[2])
    };
    assert_eq!(
        url,
        "https://evil.example/api/v1/accounts/1/statuses?max_id=8"
    );
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(
        targets,
        [
            "/api/v1/accounts/1/statuses?limit=1",
            "/api/v1/accounts/1/statuses?max_id=9"
        ]
    );
}

#[test]
fn pages_stop_at_an_empty_page_and_at_a_cycle() {
    // An endless chain of empty pages ends after the first.
    let server = Server::start(|_, req, s| {
        let next = format!(
            "<http://{}/api/v1/n?page=x>; rel=\"next\"",
            req.header("host").unwrap()
        );
        respond(s, 200, &[("Link", &next)], b" [] ");
    });
    let c = client(&server);
    assert_eq!(api::pages(&c, "/api/v1/n", None, &[]).unwrap().count(), 1);
    assert_eq!(server.hits(), 1);

    // A link back to the page itself ends the walk without fetching it again.
    let server = Server::start(|_, req, s| {
        let next = format!(
            "<http://{}/api/v1/n>; rel=\"next\"",
            req.header("host").unwrap()
        );
        respond(s, 200, &[("Link", &next)], b"[1]");
    });
    let c = client(&server);
    let pages: Vec<_> = api::pages(&c, "/api/v1/n", None, &[]).unwrap().collect();
    assert_eq!(pages.len(), 1);
    assert_eq!(server.hits(), 1);
}

#[test]
fn the_debug_output_of_an_answer_shows_no_body() {
    let server = answering(vec![ok(r#"{"client_secret":"do-not-show"}"#)]);
    let answer = api::get(&client(&server), "/api/v1/apps/x", None, &[]).unwrap();
    let debug = format!("{answer:?}");
    assert!(!debug.contains("do-not-show"), "{debug}");
    assert!(debug.contains("<31 bytes>"), "{debug}");
}

/// `examples/post_status.rs`, which `cargo test` builds beside the tests, run with no server:
/// it stores a token for the local demo server and posts a status there, offline.
#[test]
fn the_post_status_example_posts_offline_against_the_demo_server() {
    let exe = std::env::current_exe().unwrap();
    let example = exe
        .parent()
        .and_then(|deps| deps.parent())
        .map(|dir| {
            dir.join("examples")
                .join(format!("post_status{}", std::env::consts::EXE_SUFFIX))
        })
        .unwrap();
    assert!(
        example.exists(),
        "cargo test builds the examples: {}",
        example.display()
    );
    let out = std::process::Command::new(&example)
        .env("MASTOLITE_STORE", "/nonexistent/never-read.json")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = stdout.trim_end();
    assert!(
        line.starts_with("posted as mastodonpy_test@127.0.0.1:"),
        "{line}"
    );
    assert!(line.contains(" after a token check (ok): "), "{line}");
    assert!(
        line.ends_with("/@mastodonpy_test/113997400000000001"),
        "{line}"
    );
    assert!(out.stderr.is_empty());
    // With a server but no credentials file, one line names the missing file.
    let out = std::process::Command::new(&example)
        .args(["http://127.0.0.1:9", "hi"])
        .env("MASTOLITE_STORE", "/nonexistent/credentials.json")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "post_status: the credentials file /nonexistent/credentials.json does not exist\n"
    );
}
