//! The `mastolite` binary, run as a process against httpmock: every command, every exit
//! status, the credentials file's modes and refusals, `--json` output, and no secret in any
//! output. Built only with the `cli` feature.

use crate::cli_run;
use crate::tmpdir;

use std::path::Path;
use std::time::Duration;

use cli_run::{Home, catch_all};
use httpmock::prelude::*;
use mastolite::store::Store;
use mastolite::{Account, Application, CredentialAccount, OOB, ServerMetadata};
use tmpdir::{decode, store_fixture};

const CLIENT_SECRET: &str = "SECRET_cs_1";
const APP_TOKEN: &str = "SECRET_app_tok";
const USER_TOKEN: &str = "SECRET_user_tok";
const ENV_TOKEN: &str = "SECRET_env_tok";
const CODE: &str = "SECRET_code_9";

const APP_CREATED: &str = r#"{"id":"5","name":"bot","website":"https://bot.example","scopes":["read","write"],"redirect_uris":["urn:ietf:wg:oauth:2.0:oob"],"redirect_uri":"urn:ietf:wg:oauth:2.0:oob","vapid_key":"BCk","client_id":"cid_1","client_secret":"SECRET_cs_1","client_secret_expires_at":0}"#;
const APP_VERIFIED: &str = r#"{"id":"5","name":"bot","website":"https://bot.example","scopes":["read","write"],"redirect_uris":["urn:ietf:wg:oauth:2.0:oob"],"redirect_uri":"urn:ietf:wg:oauth:2.0:oob","vapid_key":"BCk"}"#;
const INVALID: &str = r#"{"error":"The access token is invalid"}"#;

fn account_json(id: &str, acct: &str) -> String {
    format!(
        r#"{{"id":"{id}","username":"{user}","acct":"{acct}","display_name":"Name {id}","created_at":"2020-01-01T00:00:00.000Z","statuses_count":3,"followers_count":2,"following_count":1}}"#,
        user = acct.split('@').next().unwrap()
    )
}

/// Writes `<home>/credentials.json` for `server` with the app, and the tokens asked for.
fn write_store(home: &Home, server: &str, app_token: bool, user: Option<&str>) {
    write_store_at(&home.store(), server, app_token, user, None);
}

fn write_store_at(
    path: &Path,
    server: &str,
    app_token: bool,
    user_acct: Option<&str>,
    expires_at: Option<i64>,
) {
    let expires = expires_at.map_or("null".to_owned(), |e| e.to_string());
    let app_tok = if app_token {
        format!(
            r#"{{"access_token":"{APP_TOKEN}","scope":"read write","created_at":1700000000,"expires_at":{expires},"acct":null}}"#
        )
    } else {
        "null".into()
    };
    let user_tok = match user_acct {
        Some(a) => format!(
            r#"{{"access_token":"{USER_TOKEN}","scope":"read","created_at":1700000500,"expires_at":{expires},"acct":"{a}"}}"#
        ),
        None => "null".into(),
    };
    let text = format!(
        r#"{{"version":1,"server":"{server}","app":{{"name":"bot","client_id":"cid_1","client_secret":"{CLIENT_SECRET}","redirect_uris":["{OOB}"],"scopes":["read","write"],"website":null}},"tokens":{{"app":{app_tok},"user":{user_tok}}}}}"#
    );
    Store::from_json(&text).unwrap().save(path).unwrap();
}

/// A mock that answers `method path` (any query, headers and body) with `status` and `body`.
fn answer<'a>(
    server: &'a MockServer,
    method: httpmock::Method,
    path: &str,
    status: u16,
    body: impl Into<String>,
) -> httpmock::Mock<'a> {
    let body = body.into();
    server.mock(|when, then| {
        when.method(method).path(path);
        then.status(status).body(body);
    })
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

// ---------------------------------------------------------------- help and usage

#[test]
fn help_for_the_command_and_for_every_subcommand() {
    let home = Home::bare("help");
    let out = home.run(&["--help"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.starts_with("mastolite: "), "{}", out.stdout);
    for name in [
        "register",
        "token",
        "login",
        "verify",
        "check",
        "revoke",
        "followers",
        "following",
        "metadata",
        "account",
        "instance",
    ] {
        assert!(out.stdout.contains(&format!("\n  {name}")), "{name}");
        for args in [[name, "--help"], ["help", name]] {
            let out = home.run(&args);
            assert_eq!(out.code, 0, "{args:?}");
            assert!(
                out.stdout
                    .starts_with(&format!("usage: mastolite [OPTIONS] {name}")),
                "{}",
                out.stdout
            );
            assert_eq!(out.stderr, "");
        }
    }
    let out = home.run(&["--version"]);
    assert_eq!(
        out.stdout,
        format!("mastolite {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn usage_errors_exit_3_with_a_usage_line_and_send_nothing() {
    let server = MockServer::start();
    let any = catch_all(&server);
    let home = Home::bare("usage");
    write_store(&home, &server.base_url(), true, Some("alice"));
    let base = server.base_url();
    let store = home.store_arg();
    let with = |args: &[&str]| {
        let mut full = vec!["--server", base.as_str(), "--store", store.as_str()];
        full.extend_from_slice(args);
        home.run(&full)
    };
    // The command line itself is wrong.
    let bad_lines: &[&[&str]] = &[
        &[],
        &["frobnicate"],
        &["check", "--frob"],
        &["token", "--scopes"],
        &["followers"],
        &["followers", "1", "--limit", "0"],
        &["following", "1", "--max-items", "many"],
        &["check", "--timeout", "0"],
        &["verify", "--app", "--user"],
        &["token", "SECRET_app_tok"],
    ];
    for args in bad_lines {
        let out = with(args);
        assert_eq!(
            (out.code, out.stdout.as_str()),
            (3, ""),
            "{args:?}: {out:?}"
        );
        assert!(
            out.stderr.contains("; usage: mastolite [OPTIONS] "),
            "{out:?}"
        );
    }
    // Values checked before any request: handles, ids, scopes.
    let bad_values: &[(&[&str], &str)] = &[
        (&["followers", "@"], "not an account handle (it is empty)"),
        (&["followers", "@al ice"], "it has spaces"),
        (
            &["following", "@alice@b.example@c.example"],
            "more than one @ after the first",
        ),
        (&["account", "@alice@"], "the domain is empty"),
        (
            &["account", "alice@b.example"],
            "write a handle with a leading @",
        ),
        (
            &["token", "--scopes", "re\"ad"],
            "is not a valid OAuth scope",
        ),
    ];
    for (args, words) in bad_values {
        let out = with(args);
        assert_eq!(
            (out.code, out.stdout.as_str()),
            (3, ""),
            "{args:?}: {out:?}"
        );
        assert!(out.stderr.contains(words), "{args:?}: {out:?}");
    }
    assert_eq!(any.calls(), 0);
}

// ---------------------------------------------------------------- register

#[test]
fn register_creates_a_private_store_and_prints_name_and_client_id() {
    let server = MockServer::start();
    let create = server.mock(|when, then| {
        when.method(POST)
            .path("/api/v1/apps")
            .header("content-type", "application/x-www-form-urlencoded")
            .form_urlencoded_tuple("client_name", "bot")
            .form_urlencoded_tuple("redirect_uris", format!("{OOB}\nhttps://bot.example/cb"))
            .form_urlencoded_tuple("scopes", "read write")
            .form_urlencoded_tuple("website", "https://bot.example");
        then.status(200)
            .header("content-type", "application/json")
            .body(APP_CREATED);
    });
    let home = Home::bare("register");
    let path = home.dir.join("new/sub/credentials.json");
    let out = home.run(&[
        "--server",
        &server.base_url(),
        "--store",
        path.to_str().unwrap(),
        "register",
        "--name",
        "bot",
        "--redirect-uri",
        OOB,
        "--redirect-uri",
        "https://bot.example/cb",
        "--scopes",
        "read write",
        "--website",
        "https://bot.example",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "bot (client_id cid_1)\n");
    assert_eq!(out.stderr, "");
    create.assert();
    #[cfg(unix)]
    {
        assert_eq!(tmpdir::mode(&path), 0o600);
        assert_eq!(tmpdir::mode(&home.dir.join("new")), 0o700);
        assert_eq!(tmpdir::mode(&home.dir.join("new/sub")), 0o700);
    }
    let store = Store::load(&path).unwrap();
    let entry = store.server(&server.base_url()).unwrap();
    assert_eq!(store.servers().count(), 1);
    let app = entry.app().unwrap();
    assert_eq!(app.client_id, "cid_1");
    let client = mastolite::Client::new(&server.base_url()).unwrap();
    assert_eq!(
        app.credentials_for(&client).unwrap().client_secret.secret(),
        CLIENT_SECRET
    );
    assert_eq!(app.redirect_uris, [OOB]);
    assert_eq!(app.scopes, ["read", "write"]);
    assert_eq!(entry.app_token(), None);

    // A second registration would lose the first app's secret: refused, nothing sent.
    let out = home.run(&[
        "--server",
        &server.base_url(),
        "--store",
        path.to_str().unwrap(),
        "register",
    ]);
    assert_eq!(out.code, 3);
    assert!(
        out.stderr.contains("already holds the app \"bot\""),
        "{out:?}"
    );
    create.assert_calls(1);
}

#[test]
fn register_json_and_the_default_locations() {
    let server = MockServer::start();
    let create = server.mock(|when, then| {
        when.method(POST)
            .path("/api/v1/apps")
            .form_urlencoded_tuple("client_name", "mastolite")
            .form_urlencoded_tuple("redirect_uris", OOB)
            .form_urlencoded_tuple("scopes", "read");
        then.status(200).body(APP_CREATED);
    });
    let home = Home::bare("register-default");
    // ~/.config/mastolite/credentials.json
    let out = home.run(&["--json", "register", "--server", &server.base_url()]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stdout,
        format!(
            "{}\n",
            r#"{"name":"bot","client_id":"cid_1","redirect_uris":["urn:ietf:wg:oauth:2.0:oob"],"scopes":["read","write"],"website":"https://bot.example"}"#
        )
    );
    let default = home.dir.join(".config/mastolite/credentials.json");
    assert!(
        Store::load(&default)
            .unwrap()
            .servers()
            .all(|e| e.app().is_some())
    );
    #[cfg(unix)]
    assert_eq!(tmpdir::mode(&home.dir.join(".config/mastolite")), 0o700);

    // $XDG_CONFIG_HOME/mastolite/credentials.json, and $MASTOLITE_SERVER.
    let xdg = home.dir.join("xdg");
    let out = home.run_env(
        &["register"],
        &[
            ("XDG_CONFIG_HOME", xdg.to_str().unwrap()),
            ("MASTOLITE_SERVER", &server.base_url()),
        ],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(Store::load(xdg.join("mastolite/credentials.json")).is_ok());

    // $MASTOLITE_STORE wins over both.
    let own = home.dir.join("own.json");
    let out = home.run_env(
        &["--server", &server.base_url(), "register"],
        &[
            ("XDG_CONFIG_HOME", xdg.to_str().unwrap()),
            ("MASTOLITE_STORE", own.to_str().unwrap()),
        ],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(Store::load(&own).is_ok());
    create.assert_calls(3);
}

#[test]
fn register_failures_map_to_exit_statuses_and_write_nothing() {
    let server = MockServer::start();
    let mut refused = server.mock(|when, then| {
        when.method(POST).path("/api/v1/apps");
        then.status(422)
            .body(r#"{"error":"Validation failed: Application name can't be blank"}"#);
    });
    let home = Home::bare("register-fail");
    let args = [
        "--server",
        &server.base_url(),
        "--store",
        &home.store_arg(),
        "register",
    ];
    let out = home.run(&args);
    assert_eq!(out.code, 4);
    assert_eq!(
        out.stderr,
        format!(
            "mastolite: POST {base}/api/v1/apps: status 422: Validation failed: Application name can't be blank\n",
            base = server.base_url()
        )
    );
    assert!(!home.store().exists());
    refused.delete();
    let throttled = answer(
        &server,
        POST,
        "/api/v1/apps",
        429,
        r#"{"error":"Too many requests"}"#,
    );
    let out = home.run(&args);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("429: Too many requests"), "{out:?}");
    assert!(!home.store().exists());

    // Bad input is refused before any request.
    let out = home.run(&[
        "--server",
        &server.base_url(),
        "--store",
        &home.store_arg(),
        "register",
        "--name",
        "",
    ]);
    assert_eq!(out.code, 3);
    assert!(
        out.stderr
            .contains("the app name must have 1 to 60 characters"),
        "{out:?}"
    );
    throttled.assert_calls(1);

    // No server at all.
    let out = home.run(&["--store", &home.store_arg(), "register"]);
    assert_eq!(out.code, 3);
    assert!(out.stderr.contains("no server"), "{out:?}");
}

// ---------------------------------------------------------------- token

#[test]
fn token_stores_an_app_token() {
    let server = MockServer::start();
    let grant = server.mock(|when, then| {
        when.method(POST)
            .path("/oauth/token")
            .form_urlencoded_tuple("grant_type", "client_credentials")
            .form_urlencoded_tuple("client_id", "cid_1")
            .form_urlencoded_tuple("client_secret", CLIENT_SECRET)
            .form_urlencoded_tuple("redirect_uri", OOB)
            .form_urlencoded_tuple("scope", "read write");
        then.status(200).body(format!(
            r#"{{"access_token":"{APP_TOKEN}","token_type":"Bearer","scope":"read write","created_at":1700000000}}"#
        ));
    });
    let home = Home::bare("token");
    write_store(&home, &server.base_url(), false, None);
    let out = home.run(&["--store", &home.store_arg(), "token"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "app token stored (scopes: read write)\n");
    let store = Store::load(home.store()).unwrap();
    let client = mastolite::Client::new(&server.base_url()).unwrap();
    let t = store
        .server(&server.base_url())
        .unwrap()
        .app_token()
        .unwrap();
    assert_eq!(t.access_token_for(&client).unwrap().secret(), APP_TOKEN);
    assert_eq!(t.scope.as_deref(), Some("read write"));
    assert_eq!(t.created_at, Some(1_700_000_000));
    #[cfg(unix)]
    assert_eq!(tmpdir::mode(&home.store()), 0o600);

    let out = home.run(&["--store", &home.store_arg(), "--json", "token"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stdout,
        format!(
            "{{\"server\":\"{}\",\"kind\":\"app\",\"token_type\":\"Bearer\",\"scope\":\"read write\",\"created_at\":1700000000,\"expires_in\":null,\"acct\":null}}\n",
            server.base_url()
        )
    );
    grant.assert_calls(2);
}

#[test]
fn token_rejected_client_and_missing_store_or_app() {
    let server = MockServer::start();
    let _grant = server.mock(|when, then| {
        when.method(POST)
            .path("/oauth/token")
            .form_urlencoded_tuple("scope", "read");
        then.status(401).body(
            r#"{"error":"invalid_client","error_description":"Client authentication failed due to unknown client."}"#,
        );
    });
    let home = Home::bare("token-fail");
    write_store(&home, &server.base_url(), false, None);
    let out = home.run(&["--store", &home.store_arg(), "token", "--scopes", "read"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        format!(
            "mastolite: POST {base}/oauth/token: status 401: invalid_client (Client authentication failed due to unknown client.)\n",
            base = server.base_url()
        )
    );
    let stored = Store::load(home.store()).unwrap();
    assert_eq!(stored.server(&server.base_url()).unwrap().app_token(), None);

    let missing = home.dir.join("none.json");
    let out = home.run(&["--store", missing.to_str().unwrap(), "token"]);
    assert_eq!(out.code, 3);
    assert!(out.stderr.contains("does not exist"), "{out:?}");

    let empty = home.dir.join("empty.json");
    Store::new().save(&empty).unwrap();
    let out = home.run(&["--store", empty.to_str().unwrap(), "token"]);
    assert_eq!(out.code, 3);
    assert!(out.stderr.contains("holds no server"), "{out:?}");
}

// ---------------------------------------------------------------- login

fn metadata_doc(base: &str) -> String {
    format!(
        r#"{{"issuer":"{base}/","authorization_endpoint":"{base}/oauth/authorize","token_endpoint":"{base}/oauth/token","revocation_endpoint":"{base}/oauth/revoke","scopes_supported":["read","write","push","profile"],"response_types_supported":["code"],"grant_types_supported":["authorization_code","client_credentials"],"code_challenge_methods_supported":["S256"]}}"#
    )
}

#[test]
fn login_prints_the_url_alone_reads_the_code_and_stores_the_user_token() {
    let server = MockServer::start();
    let base = server.base_url();
    let meta = server.mock(|when, then| {
        when.method(GET)
            .path("/.well-known/oauth-authorization-server");
        then.status(200).body(metadata_doc(&base));
    });
    let exchange = server.mock(|when, then| {
        when.method(POST)
            .path("/oauth/token")
            .form_urlencoded_tuple("grant_type", "authorization_code")
            .form_urlencoded_tuple("code", CODE)
            .form_urlencoded_tuple("redirect_uri", OOB)
            .form_urlencoded_tuple("client_id", "cid_1")
            .form_urlencoded_tuple("client_secret", CLIENT_SECRET)
            .form_urlencoded_tuple_exists("code_verifier");
        then.status(200).body(format!(
            r#"{{"access_token":"{USER_TOKEN}","token_type":"Bearer","scope":"read","created_at":1700000500}}"#
        ));
    });
    let me = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/accounts/verify_credentials")
            .header("authorization", bearer(USER_TOKEN));
        then.status(200).body(account_json("1", "alice"));
    });
    let home = Home::bare("login");
    write_store(&home, &base, true, None);
    let out = home.run_full(
        &[
            "--store",
            &home.store_arg(),
            "login",
            "--scopes",
            "read",
            "--force-login",
            "--lang",
            "de",
        ],
        &[],
        &format!("  {CODE}  \n"),
    );
    assert_eq!(out.code, 0, "{out:?}");
    // stdout is the URL alone, on one line.
    assert_eq!(out.stdout.lines().count(), 1, "{out:?}");
    let url = out.stdout.trim_end();
    let (endpoint, query) = url.split_once('?').unwrap();
    assert_eq!(endpoint, format!("{base}/oauth/authorize"));
    let params: Vec<(&str, &str)> = query
        .split('&')
        .map(|p| p.split_once('=').unwrap())
        .collect();
    let get = |k: &str| params.iter().find(|(n, _)| *n == k).map(|(_, v)| *v);
    assert_eq!(get("response_type"), Some("code"));
    assert_eq!(get("client_id"), Some("cid_1"));
    assert_eq!(
        get("redirect_uri"),
        Some("urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob")
    );
    assert_eq!(get("scope"), Some("read"));
    assert_eq!(get("code_challenge_method"), Some("S256"));
    assert_eq!(get("force_login"), Some("true"));
    assert_eq!(get("lang"), Some("de"));
    assert!(get("state").is_some_and(|s| s.len() >= 20));
    assert!(get("code_challenge").is_some_and(|s| s.len() == 43));
    // Prompts and the result go to stderr.
    assert!(out.stderr.contains("paste the code"), "{out:?}");
    assert!(
        out.stderr
            .contains(&format!("logged in as alice@{}", &base[7..])),
        "{out:?}"
    );
    meta.assert();
    exchange.assert();
    me.assert();
    let store = Store::load(home.store()).unwrap();
    let client = mastolite::Client::new(&base).unwrap();
    let (name, user) = store.user_entry_for(&client, None).unwrap();
    assert_eq!(user.access_token_for(&client).unwrap().secret(), USER_TOKEN);
    assert_eq!(name, Some(format!("alice@{}", &base[7..]).as_str()));
    assert_eq!(user.scope.as_deref(), Some("read"));
    // The app token is kept.
    assert!(store.app_token_for(&client).is_ok());
    #[cfg(unix)]
    assert_eq!(tmpdir::mode(&home.store()), 0o600);
}

#[test]
fn login_json_and_its_failures() {
    let server = MockServer::start();
    let base = server.base_url();
    let _meta = server.mock(|when, then| {
        when.method(GET)
            .path("/.well-known/oauth-authorization-server");
        then.status(404).body(r#"{"error":"Not Found"}"#);
    });
    let bad_code = server.mock(|when, then| {
        when.method(POST)
            .path("/oauth/token")
            .form_urlencoded_tuple("code", "wrong");
        then.status(400).body(
            r#"{"error":"invalid_grant","error_description":"The provided authorization grant is invalid"}"#,
        );
    });
    let good = server.mock(|when, then| {
        // A server without metadata gets a PKCE challenge all the same, so a verifier too.
        when.method(POST)
            .path("/oauth/token")
            .form_urlencoded_tuple("code", CODE)
            .form_urlencoded_tuple_exists("code_verifier");
        then.status(200).body(format!(
            r#"{{"access_token":"{USER_TOKEN}","token_type":"Bearer","scope":"read write","created_at":1700000500}}"#
        ));
    });
    let _me = answer(
        &server,
        GET,
        "/api/v1/accounts/verify_credentials",
        200,
        account_json("1", "alice"),
    );
    let home = Home::bare("login-json");
    write_store(&home, &base, false, None);
    let store = home.store_arg();

    let out = home.run_full(
        &["--store", &store, "--json", "login"],
        &[],
        &format!("{CODE}\n"),
    );
    assert_eq!(out.code, 0, "{out:?}");
    // Exactly one JSON document on stdout; the URL and the prompt go to stderr.
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{out:?}");
    let url = out.stderr.lines().next().unwrap();
    assert!(
        url.starts_with(&format!("{base}/oauth/authorize?")),
        "{out:?}"
    );
    assert!(url.contains("&code_challenge_method=S256"), "{out:?}");
    assert_eq!(
        lines[0],
        format!(
            r#"{{"server":"{}","kind":"user","token_type":"Bearer","scope":"read write","created_at":1700000500,"expires_in":null,"acct":"alice@{}"}}"#,
            base,
            &base[7..]
        )
    );
    good.assert();

    // No code on stdin: nothing is exchanged.
    let out = home.run_full(&["--store", &store, "login"], &[], "");
    assert_eq!(out.code, 3);
    assert!(
        out.stderr
            .ends_with("mastolite: no code was read from stdin\n"),
        "{out:?}"
    );

    // A wrong code: the server's words, status 4. The server has no metadata document and
    // PKCE was sent, so it may also be an old server that refuses PKCE: both are named.
    let out = home.run_full(&["--store", &store, "login"], &[], "wrong\n");
    assert_eq!(out.code, 4);
    assert!(
        out.stderr.ends_with(
            &format!("mastolite: POST {base}/oauth/token: status 400: invalid_grant (The provided authorization grant is invalid); either the code is wrong or expired, or the server is an old one that refuses PKCE (Doorkeeper before 5.5, as in Mastodon 3.3 and older); to log in without PKCE, run `mastolite login --no-pkce`\n", base = server.base_url())
        ),
        "{out:?}"
    );
    bad_code.assert();
    good.assert_calls(1);
}

// ---------------------------------------------------------------- verify

#[test]
fn verify_app_and_user_with_stored_and_environment_tokens() {
    let server = MockServer::start();
    let app = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/apps/verify_credentials")
            .header("authorization", bearer(APP_TOKEN));
        then.status(200).body(APP_VERIFIED);
    });
    let user = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/accounts/verify_credentials")
            .header("authorization", bearer(USER_TOKEN));
        then.status(200).body(account_json("1", "alice"));
    });
    let env_app = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/apps/verify_credentials")
            .header("authorization", bearer(ENV_TOKEN));
        then.status(200).body(APP_VERIFIED);
    });
    let home = Home::bare("verify");
    write_store(&home, &server.base_url(), true, None);
    let s = home.store_arg();

    // Only an app token: --app by default.
    let out = home.run(&["--store", &s, "verify"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "bot\n"), "{out:?}");
    let out = home.run(&["--store", &s, "verify", "--app", "--json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let decoded: Application = decode(out.stdout.trim_end());
    assert_eq!(decoded.name, "bot");
    assert_eq!(decoded.website.as_deref(), Some("https://bot.example"));
    assert_eq!(decoded.scopes, Some("read write".parse().unwrap()));
    app.assert_calls(2);

    let out = home.run(&["--store", &s, "verify", "--user"]);
    assert_eq!(out.code, 3);
    assert!(
        out.stderr.contains("no user token is stored for"),
        "{out:?}"
    );

    // With a user token, --user is the default.
    write_store(&home, &server.base_url(), true, Some("alice"));
    let out = home.run(&["--store", &s, "verify"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "@alice\n"), "{out:?}");
    let out = home.run(&["--store", &s, "--json", "verify"]);
    let me: CredentialAccount = decode(out.stdout.trim_end());
    assert_eq!(me.acct, "alice");
    assert_eq!(me.followers_count, 2);
    user.assert_calls(2);

    // MASTOLITE_TOKEN, no credentials file at all.
    let out = home.run_env(
        &["--server", &server.base_url(), "verify"],
        &[("MASTOLITE_TOKEN", ENV_TOKEN)],
    );
    assert_eq!((out.code, out.stdout.as_str()), (0, "bot\n"), "{out:?}");
    env_app.assert_calls(1);
    app.assert_calls(2);
}

#[test]
fn verify_rejected_and_refused() {
    let server = MockServer::start();
    let _app = answer(
        &server,
        GET,
        "/api/v1/apps/verify_credentials",
        401,
        INVALID,
    );
    let _user = server.mock(|when, then| {
        when.method(GET).path("/api/v1/accounts/verify_credentials");
        then.status(422)
            .body(r#"{"error":"This method requires an authenticated user"}"#);
    });
    let home = Home::bare("verify-fail");
    write_store(&home, &server.base_url(), true, Some("alice"));
    let out = home.run(&["--store", &home.store_arg(), "verify", "--app"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        format!(
            "mastolite: GET {base}/api/v1/apps/verify_credentials: status 401: The access token is invalid\n",
            base = server.base_url()
        )
    );
    let out = home.run(&["--store", &home.store_arg(), "verify", "--user"]);
    assert_eq!(out.code, 4);
    assert!(
        out.stderr.contains("requires an authenticated user"),
        "{out:?}"
    );
}

// ---------------------------------------------------------------- check

#[test]
fn check_ok_prints_ok_and_nothing_else() {
    let server = MockServer::start();
    let app = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/apps/verify_credentials")
            .header("authorization", bearer(APP_TOKEN));
        then.status(200).body(APP_VERIFIED);
    });
    let home = Home::bare("check-ok");
    write_store(&home, &server.base_url(), true, None);
    let out = home.run(&["--store", &home.store_arg(), "check"]);
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (0, "ok\n", "")
    );
    let out = home.run(&["--store", &home.store_arg(), "check", "--json"]);
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stdout,
        "{\"status\":\"ok\",\"detail\":null,\"kind\":\"app\",\"http_status\":200,\"error\":null}\n"
    );
    assert_eq!(out.stderr, "");
    app.assert_calls(2);
}

#[test]
fn check_reports_rejected_transient_and_refused_by_exit_status() {
    let server = MockServer::start();
    let mut m = server.mock(|when, then| {
        when.method(GET).path("/api/v1/apps/verify_credentials");
        then.status(401)
            .body(r#"{"error":"The access token was revoked"}"#);
    });
    let home = Home::bare("check-fail");
    write_store(&home, &server.base_url(), true, None);
    let s = home.store_arg();
    let out = home.run(&["--store", &s, "check"]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        format!(
            "mastolite: rejected: the app token: GET {base}/api/v1/apps/verify_credentials: status 401: The access token was revoked\n",
            base = server.base_url()
        )
    );
    let out = home.run(&["--store", &s, "check", "--json"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stdout,
        format!(
            "{{\"status\":\"rejected\",\"detail\":null,\"kind\":\"app\",\"http_status\":401,\"error\":\"the app token: GET {base}/api/v1/apps/verify_credentials: status 401: The access token was revoked\"}}\n",
            base = server.base_url()
        )
    );
    m.delete();

    let mut m = server.mock(|when, then| {
        when.method(GET).path("/api/v1/apps/verify_credentials");
        then.status(403)
            .body(r#"{"error":"Your login is currently disabled"}"#);
    });
    assert_eq!(home.run(&["--store", &s, "check"]).code, 1);
    m.delete();

    let mut m = answer(
        &server,
        GET,
        "/api/v1/apps/verify_credentials",
        500,
        "<html>oops</html>",
    );
    let out = home.run(&["--store", &s, "--json", "check"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stdout,
        format!(
            "{{\"status\":\"unavailable\",\"detail\":null,\"kind\":\"app\",\"http_status\":500,\"error\":\"the app token: GET {base}/api/v1/apps/verify_credentials: status 500: <html>oops</html>\"}}\n",
            base = server.base_url()
        )
    );
    assert!(
        out.stderr.starts_with("mastolite: unavailable: "),
        "{out:?}"
    );
    m.delete();

    // 404 at both endpoints: refused for another reason.
    let both = server.mock(|when, then| {
        when.method(GET).path_suffix("/verify_credentials");
        then.status(404).body(r#"{"error":"Record not found"}"#);
    });
    let out = home.run(&["--store", &s, "--json", "check"]);
    assert_eq!(out.code, 4);
    assert!(
        out.stdout.starts_with(
            "{\"status\":\"refused\",\"detail\":null,\"kind\":\"app\",\"http_status\":404,"
        ),
        "{out:?}"
    );
    both.assert_calls(2);
}

#[test]
fn check_asks_about_a_user_token_where_its_account_is_seen() {
    let server = MockServer::start();
    let app = answer(
        &server,
        GET,
        "/api/v1/apps/verify_credentials",
        404,
        r#"{"error":"404: Not Found"}"#,
    );
    let account = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/accounts/verify_credentials")
            .header("authorization", bearer(USER_TOKEN));
        then.status(200).body(account_json("01F8", "alice"));
    });
    let home = Home::bare("check-gts");
    write_store(&home, &server.base_url(), true, Some("alice"));
    let out = home.run(&["--store", &home.store_arg(), "check"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "ok\n"), "{out:?}");
    assert_eq!(app.calls(), 0);
    account.assert();
}

#[test]
fn check_reports_an_expired_stored_token_without_asking() {
    let server = MockServer::start();
    let mut any = catch_all(&server);
    let home = Home::bare("check-expired");
    write_store_at(
        &home.store(),
        &server.base_url(),
        true,
        None,
        Some(1_000_000_000),
    );
    let out = home.run(&["--store", &home.store_arg(), "check"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "mastolite: expired: the app token expired at 2001-09-09 01:46:40 UTC\n"
    );
    let out = home.run(&["--store", &home.store_arg(), "--json", "check"]);
    assert_eq!(
        out.stdout,
        "{\"status\":\"expired\",\"detail\":null,\"kind\":\"app\",\"http_status\":null,\"error\":\"the app token expired at 2001-09-09 01:46:40 UTC\"}\n"
    );
    // verify says the same.
    let out = home.run(&["--store", &home.store_arg(), "verify"]);
    assert_eq!(out.code, 1);
    assert_eq!(any.calls(), 0);
    any.delete();

    // A token that expires later is used.
    let app = answer(
        &server,
        GET,
        "/api/v1/apps/verify_credentials",
        200,
        APP_VERIFIED,
    );
    write_store_at(
        &home.store(),
        &server.base_url(),
        true,
        None,
        Some(i64::MAX / 2),
    );
    assert_eq!(home.run(&["--store", &home.store_arg(), "check"]).code, 0);
    app.assert();
}

#[test]
fn check_never_runs_longer_than_its_timeout_plus_a_second() {
    let server = MockServer::start();
    let _slow = server.mock(|when, then| {
        when.method(GET).path("/api/v1/apps/verify_credentials");
        then.status(200)
            .delay(Duration::from_secs(5))
            .body(APP_VERIFIED);
    });
    let home = Home::bare("check-slow");
    write_store(&home, &server.base_url(), true, None);
    let out = home.run(&["--store", &home.store_arg(), "--timeout", "1", "check"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("timed out after 1 s"), "{out:?}");
    assert!(out.elapsed < Duration::from_secs(2), "{:?}", out.elapsed);

    // The fallback request shares the same budget.
    let server = MockServer::start();
    let _missing = server.mock(|when, then| {
        when.method(GET).path("/api/v1/apps/verify_credentials");
        then.status(404)
            .delay(Duration::from_millis(600))
            .body("{}");
    });
    let _slow = server.mock(|when, then| {
        when.method(GET).path("/api/v1/accounts/verify_credentials");
        then.status(200)
            .delay(Duration::from_secs(5))
            .body(account_json("1", "alice"));
    });
    write_store(&home, &server.base_url(), true, Some("alice"));
    let out = home.run(&["--store", &home.store_arg(), "--timeout", "1", "check"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.elapsed < Duration::from_secs(2), "{:?}", out.elapsed);

    // Nothing listening: a transient failure, also bounded.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    // (The stored token goes only to its own server: this check uses MASTOLITE_TOKEN.)
    // No credentials file: its only server would bind MASTOLITE_TOKEN.
    let out = home.run_env(
        &[
            "--server",
            &format!("http://127.0.0.1:{port}"),
            "--timeout",
            "1",
            "check",
        ],
        &[("MASTOLITE_TOKEN", ENV_TOKEN)],
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("unavailable"), "{out:?}");
    assert!(out.elapsed < Duration::from_secs(2), "{:?}", out.elapsed);
}

#[test]
fn check_without_a_token_is_a_local_error() {
    let home = Home::bare("check-none");
    let out = home.run(&["--server", "http://127.0.0.1:9", "check"]);
    assert_eq!(out.code, 3);
    assert!(out.stderr.contains("does not exist"), "{out:?}");
    let out = home.run(&["--server", "http://127.0.0.1:9", "--json", "check"]);
    assert_eq!((out.code, out.stdout.as_str()), (3, ""));
    write_store(&home, "http://127.0.0.1:9", false, None);
    let out = home.run(&["--store", &home.store_arg(), "check"]);
    assert_eq!(out.code, 3);
    assert!(
        out.stderr
            .contains("no app token is stored for http://127.0.0.1:9"),
        "{out:?}"
    );
}

// ---------------------------------------------------------------- revoke

#[test]
fn revoke_removes_the_token_from_the_store() {
    let server = MockServer::start();
    let revoke_user = server.mock(|when, then| {
        when.method(POST)
            .path("/oauth/revoke")
            .form_urlencoded_tuple("client_id", "cid_1")
            .form_urlencoded_tuple("client_secret", CLIENT_SECRET)
            .form_urlencoded_tuple("token", USER_TOKEN);
        then.status(200).body("{}");
    });
    let revoke_app = server.mock(|when, then| {
        when.method(POST)
            .path("/oauth/revoke")
            .form_urlencoded_tuple("token", APP_TOKEN);
        then.status(200).body("{}");
    });
    let home = Home::bare("revoke");
    write_store(&home, &server.base_url(), true, Some("alice"));
    let s = home.store_arg();
    let out = home.run(&["--store", &s, "revoke"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (
            0,
            format!(
                "revoked and forgot the user token of alice@{}\n",
                &server.base_url()[7..]
            )
            .as_str()
        ),
        "{out:?}"
    );
    let store = Store::load(home.store()).unwrap();
    let entry = store.server(&server.base_url()).unwrap();
    assert_eq!(entry.user_count(), 0);
    assert!(entry.app_token().is_some());
    revoke_user.assert();

    let out = home.run(&["--store", &s, "--json", "revoke", "--app"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "{\"revoked\":\"app\",\"acct\":null}\n");
    let stored = Store::load(home.store()).unwrap();
    assert_eq!(stored.server(&server.base_url()).unwrap().app_token(), None);
    revoke_app.assert();
    #[cfg(unix)]
    assert_eq!(tmpdir::mode(&home.store()), 0o600);

    let out = home.run(&["--store", &s, "revoke", "--user"]);
    assert_eq!(out.code, 3);
    assert!(
        out.stderr.contains("no user token is stored for"),
        "{out:?}"
    );
}

#[test]
fn revoke_refused_keeps_the_token() {
    let server = MockServer::start();
    let _revoke = answer(
        &server,
        POST,
        "/oauth/revoke",
        403,
        r#"{"error":"unauthorized_client","error_description":"You are not authorized to revoke this token"}"#,
    );
    let home = Home::bare("revoke-fail");
    write_store(&home, &server.base_url(), true, None);
    let before = std::fs::read_to_string(home.store()).unwrap();
    let out = home.run(&["--store", &home.store_arg(), "revoke"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.starts_with(&format!(
            "mastolite: POST {base}/oauth/revoke: status 403: unauthorized_client",
            base = server.base_url()
        )),
        "{out:?}"
    );
    assert_eq!(std::fs::read_to_string(home.store()).unwrap(), before);
}

// ---------------------------------------------------------------- followers and following

#[test]
fn followers_one_page_all_pages_and_max_items() {
    let server = MockServer::start();
    let base = server.base_url();
    let first = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/accounts/42/followers")
            .query_param("limit", "2")
            .query_param_missing("max_id")
            .header("authorization", bearer(USER_TOKEN));
        then.status(200)
            .header(
                "link",
                format!(
                    r#"<{base}/api/v1/accounts/42/followers?limit=2&max_id=900>; rel="next", <{base}/api/v1/accounts/42/followers?limit=2&since_id=990>; rel="prev""#
                ),
            )
            .body(format!("[{},{}]", account_json("1", "a"), account_json("2", "b@other.example")));
    });
    let second = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/accounts/42/followers")
            .query_param("max_id", "900")
            .header("authorization", bearer(USER_TOKEN));
        then.status(200)
            .body(format!("[{}]", account_json("3", "c")));
    });
    let home = Home::bare("followers");
    write_store(&home, &base, true, Some("alice"));
    let s = home.store_arg();

    let out = home.run(&["--store", &s, "followers", "42", "--limit", "2"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "@a\n@b@other.example\n"),
        "{out:?}"
    );
    second.assert_calls(0);

    let out = home.run(&["--store", &s, "followers", "42", "--limit", "2", "--all"]);
    assert_eq!(out.stdout, "@a\n@b@other.example\n@c\n", "{out:?}");
    second.assert_calls(1);

    let out = home.run(&[
        "--store",
        &s,
        "followers",
        "42",
        "--limit",
        "2",
        "--max-items",
        "2",
    ]);
    assert_eq!(out.stdout, "@a\n@b@other.example\n", "{out:?}");
    second.assert_calls(1);

    let out = home.run(&[
        "--store",
        &s,
        "--json",
        "followers",
        "42",
        "--limit",
        "2",
        "--all",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    let all: Vec<Account> = decode(out.stdout.trim_end());
    let accts: Vec<&str> = all.iter().map(|a| a.acct.as_str()).collect();
    assert_eq!(accts, ["a", "b@other.example", "c"]);
    assert_eq!(out.stdout.lines().count(), 1);
    first.assert_calls(4);
}

#[test]
fn following_by_handle_looks_the_account_up_first() {
    let server = MockServer::start();
    let lookup = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/accounts/lookup")
            .query_param("acct", "alice@other.example")
            .header("authorization", bearer(ENV_TOKEN));
        then.status(200)
            .body(account_json("77", "alice@other.example"));
    });
    let following = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/accounts/77/following")
            .header("authorization", bearer(ENV_TOKEN));
        then.status(200)
            .body(format!("[{}]", account_json("5", "bob")));
    });
    let home = Home::bare("following");
    let out = home.run_env(
        &[
            "--server",
            &server.base_url(),
            "following",
            "@alice@other.example",
        ],
        &[("MASTOLITE_TOKEN", ENV_TOKEN)],
    );
    assert_eq!((out.code, out.stdout.as_str()), (0, "@bob\n"), "{out:?}");
    lookup.assert();
    following.assert();
}

#[test]
fn followers_without_a_store_are_anonymous_and_errors_map_to_statuses() {
    let server = MockServer::start();
    let anonymous = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/accounts/42/followers")
            .header_missing("authorization");
        then.status(200).body("[]");
    });
    let unknown = answer(
        &server,
        GET,
        "/api/v1/accounts/9/following",
        404,
        r#"{"error":"Record not found"}"#,
    );
    let required = server.mock(|when, then| {
        when.method(GET).path("/api/v1/accounts/lookup");
        then.status(401)
            .body(r#"{"error":"This method requires an authenticated user"}"#);
    });
    let home = Home::bare("followers-anon");
    let base = server.base_url();
    let out = home.run(&["--server", &base, "followers", "42"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""), "{out:?}");
    anonymous.assert();
    let out = home.run(&["--server", &base, "--json", "followers", "42"]);
    assert_eq!(out.stdout, "[]\n");

    let out = home.run(&["--server", &base, "following", "9"]);
    assert_eq!(out.code, 4);
    assert_eq!(
        out.stderr,
        format!(
            "mastolite: GET {base}/api/v1/accounts/:id/following: status 404: Record not found\n",
            base = server.base_url()
        )
    );
    unknown.assert();
    let out = home.run(&["--server", &base, "followers", "@alice"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("requires an authenticated user"),
        "{out:?}"
    );
    required.assert();
}

#[test]
fn a_stored_token_goes_only_to_its_own_server() {
    let own = MockServer::start();
    let any_own = catch_all(&own);
    let other = MockServer::start();
    let anonymous = other.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/accounts/1/followers")
            .header_missing("authorization");
        then.status(200).body("[]");
    });
    let home = Home::bare("followers-other");
    write_store(&home, &own.base_url(), true, Some("alice"));
    let out = home.run(&[
        "--store",
        &home.store_arg(),
        "--server",
        &other.base_url(),
        "followers",
        "1",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    anonymous.assert();
    assert_eq!(any_own.calls(), 0);
}

// ---------------------------------------------------------------- metadata, account, instance

#[test]
fn metadata_discovered_and_classic() {
    let server = MockServer::start();
    let base = server.base_url();
    let mut doc = server.mock(|when, then| {
        when.method(GET)
            .path("/.well-known/oauth-authorization-server");
        then.status(200).body(metadata_doc(&base));
    });
    let home = Home::bare("metadata");
    let out = home.run(&["--server", &base, "metadata"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stdout,
        format!(
            "discovered: yes\nissuer: {base}/\nauthorization_endpoint: {base}/oauth/authorize\ntoken_endpoint: {base}/oauth/token\nrevocation_endpoint: {base}/oauth/revoke\nscopes_supported: read write push profile\ngrant_types_supported: authorization_code client_credentials\ncode_challenge_methods_supported: S256\n"
        )
    );
    let out = home.run(&["--server", &base, "--json", "metadata"]);
    let m: ServerMetadata = decode(out.stdout.trim_end());
    assert!(m.discovered);
    assert!(m.supports_pkce_s256());
    doc.assert_calls(2);
    doc.delete();

    let _old = server.mock(|when, then| {
        when.method(GET)
            .path("/.well-known/oauth-authorization-server");
        then.status(404).body(r#"{"error":"Not Found"}"#);
    });
    let out = home.run(&["--server", &base, "metadata"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.starts_with("discovered: no"), "{out:?}");
    assert!(
        out.stdout
            .contains(&format!("token_endpoint: {base}/oauth/token\n"))
    );
}

#[test]
fn account_by_id_and_by_handle() {
    let server = MockServer::start();
    let by_id = answer(
        &server,
        GET,
        "/api/v1/accounts/109",
        200,
        account_json("109", "gargron"),
    );
    let by_handle = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/accounts/lookup")
            .query_param("acct", "gargron");
        then.status(200).body(account_json("109", "gargron"));
    });
    let home = Home::bare("account");
    let base = server.base_url();
    let out = home.run(&["--server", &base, "account", "109"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (
            0,
            "@gargron (Name 109) id 109: 2 followers, 1 following, 3 posts\n"
        ),
        "{out:?}"
    );
    let out = home.run(&["--server", &base, "--json", "account", "@gargron"]);
    let a: Account = decode(out.stdout.trim_end());
    assert_eq!((a.id.as_str(), a.acct.as_str()), ("109", "gargron"));
    by_id.assert();
    by_handle.assert();
}

#[test]
fn instance_name_and_version() {
    let server = MockServer::start();
    let v2 = answer(
        &server,
        GET,
        "/api/v2/instance",
        200,
        r#"{"domain":"mastodon.example","title":"Example Social","version":"4.3.2","source_url":"https://github.com/mastodon/mastodon","configuration":{"statuses":{"max_characters":500}},"contact":{"email":"staff@mastodon.example","account":null}}"#,
    );
    let home = Home::bare("instance");
    let base = server.base_url();
    let out = home.run(&["--server", &base, "instance"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "Example Social (mastodon.example) 4.3.2\n"),
        "{out:?}"
    );
    let out = home.run(&["--server", &base, "--json", "instance"]);
    assert_eq!(
        out.stdout,
        "{\"domain\":\"mastodon.example\",\"title\":\"Example Social\",\"version\":\"4.3.2\",\"api_version\":2,\"source_url\":\"https://github.com/mastodon/mastodon\",\"contact_email\":\"staff@mastodon.example\",\"contact_account\":null,\"max_characters\":500}\n"
    );
    v2.assert_calls(2);
}

// ---------------------------------------------------------------- the credentials file

#[cfg(unix)]
#[test]
fn a_too_open_store_is_refused_with_the_fix_and_left_alone() {
    let server = MockServer::start();
    let any = catch_all(&server);
    let home = Home::bare("too-open");
    write_store(&home, &server.base_url(), true, None);
    tmpdir::set_mode(&home.store(), 0o644);
    let before = std::fs::read_to_string(home.store()).unwrap();
    let (base, store) = (server.base_url(), home.store_arg());
    for args in [
        &["check"][..],
        &["verify"],
        &["token"],
        &["register"],
        &["followers", "1"],
    ] {
        let mut full = vec!["--server", base.as_str(), "--store", store.as_str()];
        full.extend_from_slice(args);
        let out = home.run(&full);
        assert_eq!(out.code, 3, "{args:?}");
        assert_eq!(
            out.stderr,
            format!(
                "mastolite: the credentials file {p} can be read or changed by group or others (mode 0644); run `chmod 600 {p}`\n",
                p = home.store().display()
            )
        );
    }
    assert_eq!(std::fs::read_to_string(home.store()).unwrap(), before);
    assert_eq!(tmpdir::mode(&home.store()), 0o644);
    assert_eq!(any.calls(), 0);
}

#[test]
fn a_corrupt_store_is_reported_and_never_overwritten() {
    let server = MockServer::start();
    let any = catch_all(&server);
    let home = Home::bare("corrupt");
    write_store(&home, &server.base_url(), true, None);
    let full = std::fs::read_to_string(home.store()).unwrap();
    let cut = &full[..full.len() - 20];
    std::fs::write(home.store(), cut).unwrap();
    let (base, store) = (server.base_url(), home.store_arg());
    for args in [
        &["check"][..],
        &["token"],
        &["register"],
        &["revoke"],
        &["login"],
    ] {
        let mut all = vec!["--server", base.as_str(), "--store", store.as_str()];
        all.extend_from_slice(args);
        let out = home.run_full(&all, &[], "code\n");
        assert_eq!(out.code, 3, "{args:?}");
        assert!(
            out.stderr.starts_with(&format!(
                "mastolite: the credentials file {} is corrupt or truncated",
                home.store().display()
            )),
            "{out:?}"
        );
        assert!(out.stderr.contains("left unchanged"), "{out:?}");
    }
    assert_eq!(std::fs::read_to_string(home.store()).unwrap(), cut);
    assert_eq!(any.calls(), 0);
}

#[test]
fn a_store_written_by_either_json_backend_is_read() {
    let server = MockServer::start();
    let app = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/apps/verify_credentials")
            .header("authorization", "Bearer SECRET_app_token_z3");
        then.status(200).body(APP_VERIFIED);
    });
    let user = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/apps/verify_credentials")
            .header("authorization", "Bearer SECRET_user_token_k7");
        then.status(200).body(APP_VERIFIED);
    });
    let home = Home::bare("cross");
    for name in ["credentials-v1.serde.json", "credentials-v1.miniserde.json"] {
        let path = home.dir.join(name);
        // The file's server is the mock: stored secrets go only to their own server.
        let text = store_fixture(name).replace("https://mastodon.example", &server.base_url());
        std::fs::write(&path, text).unwrap();
        #[cfg(unix)]
        tmpdir::set_mode(&path, 0o600);
        let p = path.to_str().unwrap();
        let out = home.run(&[
            "--store",
            p,
            "--server",
            &server.base_url(),
            "verify",
            "--app",
        ]);
        assert_eq!(
            (out.code, out.stdout.as_str()),
            (0, "bot\n"),
            "{name}: {out:?}"
        );
        // check uses the user token, which the file also holds.
        let out = home.run(&["--store", p, "--server", &server.base_url(), "check"]);
        assert_eq!(
            (out.code, out.stdout.as_str()),
            (0, "ok\n"),
            "{name}: {out:?}"
        );
    }
    app.assert_calls(2);
    user.assert_calls(2);
}

#[test]
fn login_refuses_a_hostile_authorization_endpoint() {
    // A same-origin endpoint whose path carries an OSC sequence (retitles the terminal), a CSI
    // (clears the screen), a C1 CSI and a bidi override; one with lines of its own for stdout
    // (finding 8 of issue 17); one with U+2028, a line break to logs and JSON consumers.
    let cases = [
        "/oauth/authorize\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}1m\u{202e}x",
        "/oauth/authorize\nmastolite: paste the client secret below",
        "/oauth/authorize\u{2028}x",
        "/oauth/authorize x",
    ];
    let shown = [
        "/oauth/authorize ]0;pwned  [2J 1m x",
        "/oauth/authorize mastolite: paste the client secret below",
        "/oauth/authorize x",
        "/oauth/authorize x",
    ];
    for (path, shown) in cases.into_iter().zip(shown) {
        let server = MockServer::start();
        let base = server.base_url();
        let hostile = format!("{base}{path}");
        let doc = metadata_doc(&base).replace(
            &format!("\"{base}/oauth/authorize\""),
            &format!(
                "\"{}\"",
                hostile
                    .replace('\u{1b}', "\\u001b")
                    .replace('\u{7}', "\\u0007")
                    .replace('\n', "\\n")
            ),
        );
        server.mock(|when, then| {
            when.method(GET)
                .path("/.well-known/oauth-authorization-server");
            then.status(200).body(doc);
        });
        let home = Home::bare("login_hostile");
        write_store(&home, &base, true, None);
        let out = home.run_full(&["--store", &home.store_arg(), "login"], &[], "");
        assert_eq!((out.code, out.stdout.as_str()), (3, ""), "{out:?}");
        assert_eq!(
            out.stderr,
            format!(
                "mastolite: invalid input: the server metadata's authorization endpoint \"{base}{shown}\" has spaces or control characters\n"
            )
        );
    }
}
