//! Proxies: plain http and loopback never go through one, whatever the environment or a
//! caller-made agent says; https takes its proxy from `HTTPS_PROXY`/`ALL_PROXY` only; and
//! plain-http `localhost` is reached at 127.0.0.1 with its `Host` header kept. The proxies here
//! are listeners on 127.0.0.1 that record the first line of every connection and close it.

use crate::cli_run;
use crate::tmpdir;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use httpmock::prelude::*;

const TOKEN: &str = "SECRET_proxy_tok";
const APP_VERIFIED: &str = r#"{"id":"5","name":"bot","website":null,"scopes":["read"],"redirect_uris":[],"redirect_uri":"urn:ietf:wg:oauth:2.0:oob","vapid_key":"BCk"}"#;
const ACCOUNT: &str = r#"{"id":"1","username":"bot","acct":"bot","display_name":"Bot","created_at":"2020-01-01T00:00:00.000Z","statuses_count":0,"followers_count":0,"following_count":0}"#;

/// A proxy that answers every connection with 403 after reading its first line.
struct FakeProxy {
    url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl FakeProxy {
    fn start() -> FakeProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut line = String::new();
                let _ = BufReader::new(&stream).read_line(&mut line);
                record.lock().unwrap().push(line.trim_end().to_owned());
                let _ = stream.write_all(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n");
            }
        });
        FakeProxy { url, seen }
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }

    /// Every proxy variable, in both cases, naming this proxy.
    fn everywhere(&self) -> Vec<(&'static str, String)> {
        [
            "HTTPS_PROXY",
            "https_proxy",
            "ALL_PROXY",
            "all_proxy",
            "HTTP_PROXY",
            "http_proxy",
        ]
        .into_iter()
        .map(|n| (n, self.url.clone()))
        .collect()
    }
}

/// A server that answers both token checks.
fn server() -> MockServer {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/apps/verify_credentials")
            .header("authorization", format!("Bearer {TOKEN}"));
        then.status(200)
            .header("content-type", "application/json")
            .body(APP_VERIFIED);
    });
    server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/accounts/verify_credentials")
            .header("authorization", format!("Bearer {TOKEN}"));
        then.status(200)
            .header("content-type", "application/json")
            .body(ACCOUNT);
    });
    server
}

fn check(server: &str, env: &[(&'static str, String)]) -> cli_run::Out {
    let home = tmpdir::TempDir::new("proxy");
    let mut cmd = cli_run::command(home.path());
    cmd.args(["--server", server, "--timeout", "5", "check"])
        .env("MASTOLITE_TOKEN", TOKEN)
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .env_remove("REQUEST_METHOD")
        .envs(env.iter().map(|(k, v)| (k, v.as_str())));
    let out = cli_run::run(cmd, "");
    assert!(
        !out.stdout.contains(TOKEN) && !out.stderr.contains(TOKEN),
        "{out:?}"
    );
    out
}

/// Finding 1: with every proxy variable set, `check` of a plain-http loopback server talks to
/// the server, and the proxy sees no connection (ureq used to send `CONNECT 127.0.0.1:PORT`
/// and the token through it).
#[test]
fn loopback_never_goes_through_a_proxy() {
    let proxy = FakeProxy::start();
    let server = server();
    let out = check(&server.base_url(), &proxy.everywhere());
    assert_eq!((out.code, out.stdout.as_str()), (0, "ok\n"), "{out:?}");
    assert_eq!(proxy.seen(), Vec::<String>::new());
    // `localhost` too, reached at 127.0.0.1 with its name in the `Host` header.
    let server = MockServer::start();
    let port = server.address().port();
    let named = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/apps/verify_credentials")
            .header("host", format!("localhost:{port}"));
        then.status(200)
            .header("content-type", "application/json")
            .body(APP_VERIFIED);
    });
    let out = check(&format!("http://localhost:{port}"), &proxy.everywhere());
    assert_eq!((out.code, out.stdout.as_str()), (0, "ok\n"), "{out:?}");
    named.assert_calls(1);
    assert_eq!(proxy.seen(), Vec::<String>::new());
}

/// https to a host that is not loopback goes through the proxy `HTTPS_PROXY` names (a
/// `CONNECT` tunnel: the proxy never sees the request, only where it goes). Without a TLS
/// feature, https fails before any connection.
#[cfg(any(feature = "rustls", feature = "native-tls"))]
#[test]
fn https_uses_the_https_proxy_variable() {
    let proxy = FakeProxy::start();
    let out = check(
        "https://mastodon.example",
        &[("HTTPS_PROXY", proxy.url.clone())],
    );
    assert_eq!(out.code, 2, "{out:?}");
    let seen = proxy.seen();
    assert!(!seen.is_empty());
    for line in seen {
        assert_eq!(line, "CONNECT mastodon.example:443 HTTP/1.1");
    }
}

/// A caller-made agent keeps its proxy for https, but not for plain http or loopback.
#[test]
fn a_caller_made_agent_has_no_proxy_for_loopback() {
    let proxy = FakeProxy::start();
    let server = server();
    let agent: mastolite::ureq::Agent = mastolite::ureq::Agent::config_builder()
        .proxy(Some(mastolite::ureq::Proxy::new(&proxy.url).unwrap()))
        .build()
        .into();
    let client = mastolite::Client::builder(&server.base_url())
        .agent(agent)
        .build()
        .unwrap();
    let app = mastolite::apps::verify_credentials(&client, &mastolite::AccessToken::new(TOKEN))
        .expect("the server answers directly");
    assert_eq!(app.name, "bot");
    assert_eq!(proxy.seen(), Vec::<String>::new());
}
