//! Secret hygiene: every public flow runs with known secret values against servers that answer
//! with successes, with errors that echo every secret back, with redirects that carry them, and
//! with garbage. None of the secrets may show up in any `Debug` output, error `Display`, error
//! source chain, or log line; and every request must carry tokens only in the `Authorization`
//! header and secrets only in form bodies, never in a URL.
//!
//! A capturing `log` logger records every line, from this crate and from ureq, with the maximum
//! level at `Debug`: ureq redacts headers, URLs and `Location` in its debug lines, and nothing
//! may leak there. With `Trace` on, ureq shows URLs and `Location` in full and `ureq_proto`
//! dumps the raw bytes of every request head and response body (hex rows of 16 bytes, which
//! the check reassembles), `Authorization` header and token responses included: that is the
//! documented exception (SECURITY.md, "Reliability and security"), and the last test proves the
//! check would see it. The tests share the global logger, so they take turns.

#[allow(dead_code)]
#[path = "it/hostile_server.rs"]
mod hostile_server;

use std::net::TcpStream;
use std::sync::{Mutex, MutexGuard, Once};

use hostile_server::{Recorded, Server, account_json, respond};
use mastolite::{
    AccessToken, AccountId, AppCredentials, AuthorizationCode, Client, ClientSecret, PkceVerifier,
    Range, RetryPolicy, accounts, apps, oauth,
};

const CLIENT_SECRET: &str = "SECRET-client-7b1f0c";
const USER_TOKEN: &str = "SECRET-user-token-3c9d11";
const ISSUED_TOKEN: &str = "SECRET-issued-token-8e2a";
const REFRESH_TOKEN: &str = "SECRET-refresh-0e0e0e";
const CODE: &str = "SECRET-code-55aa01";
const VERIFIER: &str = "SECRET-verifier-0123456789abcdefghijklmnopqrstuvwxyz";
/// Every secret above shares this prefix, so a partial leak is caught too.
const MARK: &str = "SECRET-";

// ---------------------------------------------------------------------------------------------
// Capturing logger

struct Line {
    level: log::Level,
    target: String,
    text: String,
}

static LINES: Mutex<Vec<Line>> = Mutex::new(Vec::new());
/// Held by each test, so that the captured lines and the log level are its own.
static SERIAL: Mutex<()> = Mutex::new(());
/// Secrets made at run time (OAuth state, generated verifiers), checked like the constants.
static EXTRA: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Capture;

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        lock(&LINES).push(Line {
            level: record.level(),
            target: record.target().to_owned(),
            text: record.args().to_string(),
        });
    }
    fn flush(&self) {}
}

/// Locks, ignoring a poison left by another test's failed assertion.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Starts a test: takes its turn, installs the logger, clears what earlier tests left, and
/// sets the maximum log level.
fn begin(level: log::LevelFilter) -> MutexGuard<'static, ()> {
    static ONCE: Once = Once::new();
    let turn = lock(&SERIAL);
    ONCE.call_once(|| log::set_logger(&Capture).expect("the only logger"));
    log::set_max_level(level);
    lock(&LINES).clear();
    lock(&EXTRA).clear();
    turn
}

fn secrets() -> Vec<String> {
    let mut all: Vec<String> = [
        CLIENT_SECRET,
        USER_TOKEN,
        ISSUED_TOKEN,
        REFRESH_TOKEN,
        CODE,
        VERIFIER,
        MARK,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    all.extend(lock(&EXTRA).iter().cloned());
    all
}

/// Panics when `text` contains a secret; `what` says where the text came from.
fn assert_clean(what: &str, text: &str) {
    for s in secrets() {
        assert!(!text.contains(&s), "{what} leaks {s:?}: {text}");
    }
}

/// The bytes of a `ureq_proto` hex-dump row (`4745 5420 2f61 … GET./a…`), if it is one.
fn hex_row(text: &str) -> Option<Vec<u8>> {
    let groups: Vec<&str> = text.split(' ').take(8).collect();
    if groups.len() < 8 || !groups.iter().all(|g| g.len() == 4) {
        return None;
    }
    let mut bytes = Vec::new();
    for g in groups {
        for pair in [&g[..2], &g[2..]] {
            if pair == "--" {
                continue;
            }
            bytes.push(u8::from_str_radix(pair, 16).ok()?);
        }
    }
    Some(bytes)
}

/// Checks every captured line, with hex dumps reassembled per target and level. With
/// `except_ureq_trace`, lines of ureq at any level (its debug lines show more when trace is
/// on) are not checked but their dumps are returned, reassembled, as text.
fn assert_logs_clean(except_ureq_trace: bool) -> String {
    let lines = lock(&LINES);
    assert!(
        lines.iter().any(|l| l.target.starts_with("ureq")),
        "the logger saw ureq's lines"
    );
    let mut proto_trace_dump = Vec::new();
    let mut other_dumps: std::collections::BTreeMap<(String, log::Level), Vec<u8>> =
        Default::default();
    for l in lines.iter() {
        // The mock servers' own lines are the server's business, not the client's.
        if ["httpmock", "hyper", "tokio", "h2", "tower", "mio"]
            .iter()
            .any(|t| l.target.starts_with(t))
        {
            continue;
        }
        let exempt = except_ureq_trace && l.target.starts_with("ureq");
        match hex_row(&l.text) {
            Some(bytes) if exempt => proto_trace_dump.extend(bytes),
            None if exempt => {}
            Some(bytes) => other_dumps
                .entry((l.target.clone(), l.level))
                .or_default()
                .extend(bytes),
            None => assert_clean(&format!("log line [{} {}]", l.level, l.target), &l.text),
        }
    }
    for ((target, level), bytes) in other_dumps {
        assert_clean(
            &format!("hex dump [{level} {target}]"),
            &String::from_utf8_lossy(&bytes),
        );
    }
    String::from_utf8_lossy(&proto_trace_dump).into_owned()
}

// ---------------------------------------------------------------------------------------------
// A fake Mastodon that records every request

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Success answers, with secrets in the bodies where Mastodon puts them.
    Ok,
    /// Error statuses whose messages echo every secret of the request.
    Echo,
    /// Redirects to a URL that carries every secret of the request.
    Redirect,
    /// 200 answers that do not decode; those of the POST endpoints quote the secrets.
    Garbage,
}

/// The secrets a request carried: the bearer token and every form value.
fn carried(req: &Recorded) -> Vec<String> {
    let mut out: Vec<String> = req
        .header("authorization")
        .and_then(|a| a.strip_prefix("Bearer "))
        .map(str::to_owned)
        .into_iter()
        .collect();
    out.extend(form_pairs(&req.body).into_iter().map(|(_, v)| v));
    out
}

fn form_decode(s: &str) -> String {
    let s = s.replace('+', " ");
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        if let (b'%', Some(b)) = (bytes[i], hex) {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    String::from_utf8_lossy(body)
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (form_decode(k), form_decode(v))
        })
        .collect()
}

fn fake_mastodon(mode: Mode) -> Server {
    Server::start(move |_, req, s| answer(mode, req, s))
}

fn answer(mode: Mode, req: &Recorded, s: &mut TcpStream) {
    let path = req.target.split('?').next().unwrap_or_default();
    let echo = carried(req).join(" ");
    let json = [("Content-Type", "application/json; charset=utf-8")];
    match mode {
        Mode::Echo => {
            let status = if req.method == "POST" { 400 } else { 401 };
            let body = format!(
                r#"{{"error":"invalid_grant {echo}","error_description":"you sent {echo}"}}"#
            );
            let www = format!("Bearer error=\"invalid_token\", error_description=\"{echo}\"");
            return respond(
                s,
                status,
                &[json[0], ("WWW-Authenticate", &www)],
                body.as_bytes(),
            );
        }
        Mode::Redirect => {
            let to = format!("https://elsewhere.example/?{}", echo.replace(' ', "&x="));
            return respond(s, 302, &[("Location", &to)], b"");
        }
        Mode::Garbage if req.method == "POST" => {
            let body = format!(r#"{{"access_token":5,"client_secret":7,"name":"{echo}"}}"#);
            return respond(s, 200, &json, body.as_bytes());
        }
        Mode::Garbage => return respond(s, 200, &json, b"<html>not json</html>"),
        Mode::Ok => {}
    }
    let host = req.header("host").unwrap_or_default().to_owned();
    let body = match (req.method.as_str(), path) {
        ("POST", "/api/v1/apps") => format!(
            r#"{{"id":"1","name":"Test Application","website":null,"scopes":["read","write"],"redirect_uris":["urn:ietf:wg:oauth:2.0:oob"],"redirect_uri":"urn:ietf:wg:oauth:2.0:oob","vapid_key":"BCk","client_id":"the-client-id","client_secret":"{CLIENT_SECRET}","client_secret_expires_at":0}}"#
        ),
        ("POST", "/oauth/token") => format!(
            r#"{{"access_token":"{ISSUED_TOKEN}","token_type":"Bearer","scope":"read write","created_at":1700000000,"refresh_token":"{REFRESH_TOKEN}"}}"#
        ),
        ("POST", "/oauth/revoke") => "{}".to_owned(),
        ("GET", "/api/v1/apps/verify_credentials") => {
            r#"{"name":"Test Application","website":null,"scopes":["read"]}"#.to_owned()
        }
        ("GET", "/api/v1/accounts/verify_credentials") => account_json("7"),
        ("GET", "/api/v1/accounts/7/followers" | "/api/v1/accounts/7/following") => {
            if !req.target.contains("max_id") {
                let link = format!("<http://{host}{path}?max_id=100>; rel=\"next\"");
                let body = format!("[{}]", account_json("8"));
                return respond(s, 200, &[json[0], ("Link", &link)], body.as_bytes());
            }
            format!("[{}]", account_json("9"))
        }
        ("GET", "/.well-known/oauth-authorization-server") => format!(
            r#"{{"issuer":"http://{host}/","authorization_endpoint":"http://{host}/oauth/authorize","token_endpoint":"http://{host}/oauth/token","revocation_endpoint":"http://{host}/oauth/revoke","scopes_supported":["read","write","profile"],"response_types_supported":["code"],"grant_types_supported":["authorization_code","client_credentials"],"code_challenge_methods_supported":["S256"]}}"#
        ),
        ("GET", "/oauth/userinfo") => format!(
            r#"{{"iss":"http://{host}/","sub":"http://{host}/users/u7","name":"U","preferred_username":"u7","profile":"http://{host}/@u7","picture":"http://{host}/a.png"}}"#
        ),
        _ => return respond(s, 404, &json, br#"{"error":"Record not found"}"#),
    };
    respond(s, 200, &json, body.as_bytes());
}

/// Which form field may carry which secret.
fn allowed_in_form(key: &str, value: &str) -> bool {
    let extra = lock(&EXTRA);
    match key {
        "client_secret" => value == CLIENT_SECRET,
        "code" => value == CODE,
        "code_verifier" => value == VERIFIER || extra.iter().any(|e| e == value),
        "token" => value == USER_TOKEN || value == ISSUED_TOKEN,
        _ => false,
    }
}

/// Tokens only in `Authorization: Bearer`, secrets only as the values of their form fields,
/// nothing secret in any URL or other header.
fn assert_requests_clean(server: &Server) {
    let requests = server.requests();
    assert!(!requests.is_empty());
    for r in &requests {
        let what = format!("{} {}", r.method, r.target);
        assert_clean(&format!("the URL of {what}"), &r.target);
        assert_clean(&format!("the URL of {what}"), &form_decode(&r.target));
        for (name, value) in &r.headers {
            if name == "authorization" {
                let token = value.strip_prefix("Bearer ").expect("a bearer token");
                assert!(
                    token == USER_TOKEN || token == ISSUED_TOKEN,
                    "{what}: {value}"
                );
            } else {
                assert_clean(&format!("header {name} of {what}"), value);
            }
        }
        if r.method == "GET" {
            assert!(r.body.is_empty(), "{what} has a body");
            continue;
        }
        assert_eq!(
            r.header("content-type"),
            Some("application/x-www-form-urlencoded"),
            "{what}"
        );
        for (k, v) in form_pairs(&r.body) {
            assert_clean(&format!("a form key of {what}"), &k);
            if secrets().iter().any(|s| v.contains(s.as_str())) {
                assert!(allowed_in_form(&k, &v), "{what}: {k}={v}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Running the flows

/// Everything a caller could print about a result: its `Debug`, and for an error its `Display`,
/// `Debug`, and the `Display` and `Debug` of every source.
fn shown<T: std::fmt::Debug, E: std::error::Error>(
    what: &str,
    result: &Result<T, E>,
    out: &mut Vec<String>,
) {
    match result {
        Ok(v) => out.push(format!("{what} -> {v:?}")),
        Err(e) => {
            out.push(format!("{what} -> {e} / {e:?}"));
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                out.push(format!("{what} source -> {s} / {s:?}"));
                source = s.source();
            }
        }
    }
}

fn app_credentials() -> AppCredentials {
    let mut creds = AppCredentials::new("the-client-id", ClientSecret::new(CLIENT_SECRET));
    creds.redirect_uri = "http://127.0.0.1:7777/callback".to_owned();
    creds
}

/// What the flows showed, and which of them failed.
#[derive(Default)]
struct Shown {
    lines: Vec<String>,
    failed: Vec<&'static str>,
}

impl Shown {
    /// Records what a caller could print about the result of `flow`.
    fn result<T: std::fmt::Debug, E: std::error::Error>(
        &mut self,
        flow: &'static str,
        result: &Result<T, E>,
    ) {
        shown(flow, result, &mut self.lines);
        if result.is_err() {
            self.failed.push(flow);
        }
    }
    fn debug(&mut self, value: &dyn std::fmt::Debug) {
        self.lines.push(format!("{value:?}"));
    }
}

/// Runs every public flow against `server`: app registration, both token grants, the authorize
/// URL and its callback, both verify_credentials, followers and following, revoke, server
/// metadata, userinfo, and the credentials file.
fn run_flows(server: &Server) -> Shown {
    let client = Client::builder(&server.url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let token = AccessToken::new(USER_TOKEN);
    let id = AccountId::from("7");
    let mut out = Shown::default();
    out.debug(&client);
    out.debug(&token);
    out.debug(&app_credentials());

    let new_app = apps::NewApp::new("Test Application")
        .redirect_uri(mastolite::OOB)
        .scopes("read write".parse().unwrap());
    let registered = apps::create(&client, &new_app);
    out.result("apps::create", &registered);
    let grant = oauth::client_credentials(&client, &app_credentials(), &"read".parse().unwrap());
    out.result("oauth::client_credentials", &grant);

    let code = AuthorizationCode::new(CODE);
    let verifier = PkceVerifier::new(VERIFIER);
    out.debug(&code);
    out.debug(&verifier);
    let exchanged = oauth::exchange_code(
        &client,
        &app_credentials(),
        &code,
        mastolite::OOB,
        Some(PkceVerifier::new(VERIFIER)),
    );
    out.result("oauth::exchange_code", &exchanged);

    let metadata = oauth::server_metadata(&client);
    out.result("oauth::server_metadata", &metadata);
    let scopes: mastolite::Scopes = "read write".parse().unwrap();
    let mut options = oauth::AuthorizeOptions::new()
        .pkce(oauth::Pkce::Always)
        .registered(scopes.clone());
    if let Ok(m) = &metadata {
        options = options.metadata(m.clone());
    }
    let request = oauth::authorization_request(&client, &app_credentials(), &scopes, &options)
        .expect("a valid authorize request");
    {
        let mut extra = lock(&EXTRA);
        extra.push(request.state().secret().to_owned());
        extra.push(request.verifier().expect("PKCE").secret().to_owned());
    }
    out.debug(&request);
    let state = request.state().secret().to_owned();
    let callback = format!("http://127.0.0.1:7777/callback?code={CODE}&state={state}");
    let parsed = request.parse_callback(&callback);
    assert!(parsed.is_ok());
    out.result("parse_callback", &parsed);
    for bad in [
        format!("http://127.0.0.1:7777/callback?code={CODE}&state={state}x"),
        format!("?code={CODE}"),
        format!("?code={CODE}&code={CODE}&state={state}"),
        format!("?error=access_denied&error_description=no&state={state}"),
    ] {
        let r = request.parse_callback(&bad);
        assert!(r.is_err(), "{bad}");
        shown("parse_callback (refused)", &r, &mut out.lines);
    }
    if let Ok(code) = &parsed {
        let r = request.exchange(&client, &app_credentials(), code);
        out.result("AuthorizationRequest::exchange", &r);
    }

    let r = apps::verify_credentials(&client, &token);
    out.result("apps::verify_credentials", &r);
    let r = accounts::verify_credentials(&client, &token);
    out.result("accounts::verify_credentials", &r);
    let r = accounts::followers(&client, Some(&token), &id, &Range::new().limit(1));
    out.result("accounts::followers", &r);
    let pages = accounts::following_pages(&client, Some(&token), &id, &Range::new()).unwrap();
    out.debug(&pages);
    for page in pages {
        out.result("accounts::following_pages", &page);
    }
    let r = oauth::userinfo(&client, &token);
    out.result("oauth::userinfo", &r);
    let r = oauth::revoke(&client, &app_credentials(), &token);
    out.result("oauth::revoke", &r);

    if let (Ok(app), Ok(user)) = (&registered, &exchanged) {
        store_flows(app, &new_app, user, &mut out);
    }
    out
}

/// The credentials file: what it holds is redacted in `Debug`, and loading a broken or
/// too-open file full of secrets gives errors that quote none of them.
fn store_flows(
    app: &mastolite::CredentialApplication,
    new_app: &apps::NewApp,
    user: &mastolite::Token,
    out: &mut Shown,
) {
    use mastolite::store::{Store, StoredApp, StoredToken};
    let client = mastolite::Client::new("https://mastodon.example").unwrap();
    let mut store = Store::new();
    store.set_app(StoredApp::from_registration(&client, app, new_app));
    store
        .set_user_token(
            "alice",
            StoredToken::from_token(&client, user, 1_700_000_000),
        )
        .unwrap();
    out.debug(&store);
    let dir = std::env::temp_dir().join(format!("mastolite-secrets-{}", std::process::id()));
    let path = dir.join("credentials.json");
    let saved = store.save(&path);
    out.result("Store::save", &saved);
    let loaded = Store::load(&path);
    out.result("Store::load", &loaded);
    assert_eq!(loaded.as_ref().ok(), Some(&store));
    let text = store.to_json();
    assert!(text.contains(CLIENT_SECRET) && text.contains(ISSUED_TOKEN));
    for broken in [
        &text[..text.len() - 2],
        &text.replace("\"version\":2", "\"version\":\"2\""),
    ] {
        std::fs::write(&path, broken).unwrap();
        let r = Store::load(&path);
        assert!(r.is_err());
        shown("Store::load (broken)", &r, &mut out.lines);
        shown(
            "Store::from_json (broken)",
            &Store::from_json(broken),
            &mut out.lines,
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::write(&path, &text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let r = Store::load(&path);
        assert!(r.is_err());
        shown("Store::load (too open)", &r, &mut out.lines);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The network flows; in the error modes every one of them fails, except `revoke`, which reads
/// no body and so succeeds on a 200 of garbage.
const NETWORK_FLOWS: [&str; 11] = [
    "apps::create",
    "oauth::client_credentials",
    "oauth::exchange_code",
    "oauth::server_metadata",
    "AuthorizationRequest::exchange",
    "apps::verify_credentials",
    "accounts::verify_credentials",
    "accounts::followers",
    "accounts::following_pages",
    "oauth::userinfo",
    "oauth::revoke",
];

fn check_mode(mode: Mode) -> Vec<String> {
    let _turn = begin(log::LevelFilter::Debug);
    let server = fake_mastodon(mode);
    let shown = run_flows(&server);
    for s in &shown.lines {
        assert_clean(&format!("{mode:?}"), s);
    }
    assert_requests_clean(&server);
    assert_logs_clean(false);
    let mut expected: Vec<&str> = match mode {
        Mode::Ok => Vec::new(),
        Mode::Garbage => NETWORK_FLOWS[..10].to_vec(),
        Mode::Echo | Mode::Redirect => NETWORK_FLOWS.to_vec(),
    };
    let mut failed = shown.failed.clone();
    expected.sort_unstable();
    failed.sort_unstable();
    assert_eq!(failed, expected, "{:#?}", shown.lines);
    // Every network flow reached the server: nine distinct paths.
    let paths: std::collections::BTreeSet<String> = server
        .requests()
        .iter()
        .map(|r| r.target.split('?').next().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(paths.len(), 9, "{paths:?}");
    shown.lines
}

#[test]
fn successful_flows_leak_nothing() {
    let shown = check_mode(Mode::Ok);
    // The flows really ran and really received the secrets.
    assert!(
        shown.iter().any(|s| s.contains("ClientSecret([redacted])")),
        "{shown:#?}"
    );
    assert!(
        shown.iter().any(|s| s.contains("AccessToken([redacted])")),
        "{shown:#?}"
    );
}

#[test]
fn errors_that_echo_the_secrets_leak_nothing() {
    let shown = check_mode(Mode::Echo);
    assert!(
        shown.iter().any(|s| s.contains("invalid_grant [redacted]")),
        "the echo was redacted, not dropped: {shown:#?}"
    );
}

#[test]
fn redirects_that_carry_the_secrets_leak_nothing() {
    let shown = check_mode(Mode::Redirect);
    assert!(
        shown
            .iter()
            .any(|s| s.contains("redirect to https://elsewhere.example/?[redacted]")),
        "{shown:#?}"
    );
}

#[test]
fn bodies_that_do_not_decode_leak_nothing() {
    let shown = check_mode(Mode::Garbage);
    assert!(
        shown.iter().any(|s| s.contains("not a valid Token")),
        "{shown:#?}"
    );
}

#[test]
fn the_log_check_sees_ureqs_raw_dumps_at_trace_level() {
    let _turn = begin(log::LevelFilter::Trace);
    let server = fake_mastodon(Mode::Ok);
    let client = Client::new(&server.url()).unwrap();
    apps::verify_credentials(&client, &AccessToken::new(USER_TOKEN)).unwrap();
    let dump = assert_logs_clean(true);
    // The dump decoder works: the request line is there. The same dumps hold the bearer
    // token, which is why trace logging of ureq_proto must stay off in production.
    assert!(
        dump.contains("GET /api/v1/apps/verify_credentials HTTP/1.1"),
        "{dump}"
    );
    assert!(dump.contains(&format!("Bearer {USER_TOKEN}")));
}
