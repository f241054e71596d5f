//! The walkthrough (`examples/walkthrough`, a package of its own in the workspace) run as a user
//! runs it: against httpmock (the guide's requests in order, two pages of each list and no more,
//! a failing step named, no secret printed) and with no server (its local demo). It is built
//! once, in a target dir of its own. The published package leaves the walkthrough out; there
//! these tests say so and pass.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use common::*;
use httpmock::prelude::*;

const REGISTERED: &str = r#"{"id":"1","name":"mastolite walkthrough","website":null,"scopes":["read","write","push"],"redirect_uris":["urn:ietf:wg:oauth:2.0:oob"],"redirect_uri":"urn:ietf:wg:oauth:2.0:oob","client_id":"wcid","client_secret":"wsecret","client_secret_expires_at":0}"#;

const MANIFEST: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/walkthrough/Cargo.toml"
);

/// The built walkthrough, or `None` (with a note on stderr) when this copy of the crate does not
/// hold it.
fn walkthrough() -> Option<&'static Path> {
    static BUILT: OnceLock<Option<PathBuf>> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            if !Path::new(MANIFEST).exists() {
                eprintln!("skipped: examples/walkthrough is not part of this copy of the crate");
                return None;
            }
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"))
                .join("walkthrough-test");
            let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
            let out = Command::new(cargo)
                .args(["build", "--locked", "--manifest-path", MANIFEST])
                .env("CARGO_TARGET_DIR", &target)
                .env("CARGO_TERM_COLOR", "never")
                .output()
                .expect("cargo runs");
            assert!(
                out.status.success(),
                "the walkthrough's build failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            Some(
                target
                    .join("debug")
                    .join(format!("walkthrough{}", std::env::consts::EXE_SUFFIX)),
            )
        })
        .as_deref()
}

/// Runs the walkthrough with these arguments; `None` when it is not there.
fn run(args: &[&str]) -> Option<Output> {
    let exe = walkthrough()?;
    Some(
        Command::new(exe)
            .args(args)
            .output()
            .expect("the walkthrough runs"),
    )
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8 output")
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("UTF-8 output")
}

/// `n` accounts with ids from `first`.
fn accounts(first: usize, n: usize) -> String {
    let ids: Vec<(String, String)> = (first..first + n)
        .map(|i| (i.to_string(), format!("user{i}@x.example")))
        .collect();
    let refs: Vec<(&str, &str)> = ids.iter().map(|(i, a)| (i.as_str(), a.as_str())).collect();
    accounts_json(&refs)
}

/// The register, token and verify mocks every run meets first.
fn first_steps(server: &MockServer) -> [httpmock::Mock<'_>; 3] {
    let register = server.mock(|when, then| {
        when.method(POST).path("/api/v1/apps").header("content-type", FORM).body(
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
    [register, token, verify]
}

#[test]
fn the_guides_steps_in_order() {
    let server = MockServer::start();
    let first = first_steps(&server);
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

    let Some(out) = run(&[&server.base_url(), "14715"]) else {
        return;
    };
    let text = stdout(&out);
    assert!(out.status.success(), "{text}\n{}", stderr(&out));
    for mock in &first {
        mock.assert();
    }
    // 80 followers are two pages of 40: the third page is never fetched.
    assert_eq!(followers.each_ref().map(|m| m.calls()), [1, 1, 0]);
    following.assert();

    // Each request is printed, in order, and then what came back.
    let base = server.base_url();
    let requests: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("> "))
        .collect();
    assert_eq!(
        requests,
        [
            format!("POST {base}/api/v1/apps"),
            format!("POST {base}/oauth/token"),
            format!("GET {base}/api/v1/apps/verify_credentials"),
            format!("GET {base}{list}?limit=40"),
            format!("GET {base}{list}?limit=40&max_id=900"),
            format!("GET {base}/api/v1/accounts/14715/following?limit=40"),
        ]
    );
    assert!(text.contains("client_id: wcid"), "{text}");
    assert!(text.contains("app: mastolite walkthrough"), "{text}");
    let accts: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix('@'))
        .collect();
    assert_eq!(accts.len(), 83, "{text}");
    assert_eq!(accts[0], "user1@x.example");
    assert_eq!(accts[79], "user80@x.example");
    assert_eq!(accts[80], "user500@x.example");
    assert!(!text.contains("Local demo"), "{text}");
    for secret in ["wsecret", "wtoken"] {
        assert!(!text.contains(secret) && !stderr(&out).contains(secret));
    }
}

#[test]
fn a_handle_is_looked_up_before_the_lists() {
    let server = MockServer::start();
    first_steps(&server);
    let lookup = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/accounts/lookup")
            .query_param("acct", "alice@x.example")
            .header("authorization", "Bearer wtoken");
        then.status(200).body(
            r#"{"id":"23634","username":"alice","acct":"alice@x.example","display_name":"Alice","created_at":"2024-01-01T00:00:00.000Z","followers_count":2,"following_count":2,"statuses_count":0}"#,
        );
    });
    let lists = ["followers", "following"].map(|list| {
        server.mock(move |when, then| {
            when.method(GET)
                .path(format!("/api/v1/accounts/23634/{list}"))
                .header("authorization", "Bearer wtoken");
            then.status(200).body(accounts(1, 2));
        })
    });
    let Some(out) = run(&[&server.base_url(), "@alice@x.example"]) else {
        return;
    };
    let text = stdout(&out);
    assert!(out.status.success(), "{text}\n{}", stderr(&out));
    lookup.assert();
    assert_eq!(lists.each_ref().map(|m| m.calls()), [1, 1]);
    let base = server.base_url();
    assert!(
        text.contains(&format!(
            "> GET {base}/api/v1/accounts/lookup?acct=alice%40x.example\n"
        )),
        "{text}"
    );
    assert!(
        text.contains("< @alice@x.example: id 23634, \"Alice\", 2 followers\n"),
        "{text}"
    );
}

#[test]
fn without_an_account_it_stops_after_verifying() {
    let server = MockServer::start();
    let first = first_steps(&server);
    let lists = server.mock(|when, then| {
        when.path_prefix("/api/v1/accounts/");
        then.status(200).body("[]");
    });
    let Some(out) = run(&[&server.base_url()]) else {
        return;
    };
    assert!(out.status.success(), "{}", stderr(&out));
    for mock in &first {
        mock.assert();
    }
    lists.assert_calls(0);
}

#[test]
fn a_failing_step_is_named_and_server_text_is_sanitized() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST).path("/api/v1/apps");
        then.status(200).body(
            r#"{"id":"1","name":"x","client_id":"evil\u001b]0;owned\u0007\u202eid","client_secret":"s"}"#,
        );
    });
    server.mock(|when, then| {
        when.method(POST).path("/oauth/token");
        then.status(429)
            .body(r#"{"error":"Too many requests\u001b[2J"}"#);
    });
    let later = server.mock(|when, then| {
        when.path("/api/v1/apps/verify_credentials");
        then.status(200).body("{}");
    });
    let Some(out) = run(&[&server.base_url()]) else {
        return;
    };
    assert_eq!(out.status.code(), Some(1));
    later.assert_calls(0);
    let (text, err) = (stdout(&out), stderr(&out));
    assert!(
        text.contains(r"client_id: evil\u{1b}]0;owned\u{7}\u{202e}id "),
        "{text}"
    );
    assert!(
        err.starts_with("walkthrough: getting an app token: "),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    for output in [&text, &err] {
        assert!(
            !output.contains(['\u{1b}', '\u{7}', '\u{202e}']),
            "{output:?}"
        );
    }

    let out = run(&["not a url/"]).expect("built above");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("walkthrough: reading the server address: "),
        "{}",
        stderr(&out)
    );

    let out = run(&["https://mastodon.example", "not an account!"]).expect("built above");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("usage:"), "{}", stderr(&out));
}

#[test]
fn with_no_server_it_runs_the_local_demo() {
    let Some(out) = run(&[]) else {
        return;
    };
    let text = stdout(&out);
    assert!(out.status.success(), "{text}\n{}", stderr(&out));
    assert!(text.starts_with("Local demo: "), "{text}");
    let base = text
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .expect("the demo names its address")
        .trim_end_matches(',');
    let requests: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("> "))
        .collect();
    let id = "113997362795514921";
    assert_eq!(
        requests,
        [
            format!("POST {base}/api/v1/apps"),
            format!("POST {base}/oauth/token"),
            format!("GET {base}/api/v1/apps/verify_credentials"),
            format!("GET {base}/api/v1/accounts/lookup?acct=mastodonpy_test"),
            format!("GET {base}/api/v1/accounts/{id}/followers?limit=40"),
            format!("GET {base}/api/v1/accounts/{id}/followers?limit=40&max_id=4207"),
            format!("GET {base}/api/v1/accounts/{id}/following?limit=40"),
        ]
    );
    for step in [
        "1. Register an application",
        "2. Obtain an app token (client credentials)",
        "3. Verify the app token",
        "4. Look up @mastodonpy_test",
        "5. List the account's followers, page by page",
        "6. List the accounts it follows",
        "< client_id: dSqEHsXYueL3gn3LbghhdtDXqqa9es7Ydchk8qWmIA0",
        "< app: mastolite walkthrough",
        "< 3 accounts; the next page is in the Link header",
        "< 2 accounts; no next page",
        "@yoko@art.example",
    ] {
        assert!(text.contains(step), "{step:?} missing:\n{text}");
    }
    // The recorded secrets stay unprinted.
    assert!(!text.contains("nUEMHt2lM0OT2tPILQfrX10Wn9NAsH86FdIHwJmqCyg"));
    assert!(!text.contains("bt8hghc2YHTT8t-ZY_AT2KXkT1WHVtj6riU8zbWyV9Y"));
}
