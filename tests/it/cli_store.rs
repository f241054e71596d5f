//! The `mastolite` binary with a credentials file of several servers and accounts: selection,
//! `accounts`, `logout`, `token --if-expired`, the version-1 upgrade, and no stored secret ever
//! sent to another server. Built only with the `cli` feature.

use crate::cli_run;
use crate::hostile_server;
use crate::tmpdir;

use std::io::{BufRead, BufReader, Write};
use std::process::Command;
use std::time::Duration;

use cli_run::{Home, catch_all, host};
use hostile_server::closed_port_url;
use httpmock::prelude::*;
use mastolite::Client;
use mastolite::store::Store;
use tmpdir::store_fixture;

const SECRET_A: &str = "SECRET_client_a";
const SECRET_B: &str = "SECRET_client_b";
const APP_A: &str = "SECRET_app_a";
const APP_B: &str = "SECRET_app_b";
const ALICE: &str = "SECRET_alice";
const BOB: &str = "SECRET_bob";
const CAROL: &str = "SECRET_carol";
const FRESH: &str = "SECRET_fresh";
const NEW_USER: &str = "SECRET_new_user";
const ENV_TOKEN: &str = "SECRET_env";
const CODE: &str = "SECRET_code";
const SECRET_B_NEW: &str = "SECRET_client_b_new";
const SECRET_C: &str = "SECRET_client_c";

fn app_json(cid: &str, secret: &str) -> String {
    format!(
        r#"{{"name":"bot","client_id":"{cid}","client_secret":"{secret}","redirect_uris":["urn:ietf:wg:oauth:2.0:oob"],"scopes":["read","write"],"website":null}}"#
    )
}

fn token_json(secret: &str, created: i64, expires: Option<i64>) -> String {
    let expires = expires.map_or("null".to_owned(), |e| e.to_string());
    format!(
        r#"{{"access_token":"{secret}","scope":"read write","created_at":{created},"expires_at":{expires}}}"#
    )
}

/// Server A: app, app token, alice and bob. Server B: app and carol, and an app token when
/// its expiry is given.
fn two_servers(a: &MockServer, b: &MockServer, app_b_expires: Option<i64>) -> String {
    two_servers_at(&a.base_url(), &b.base_url(), app_b_expires)
}

fn two_servers_at(a: &str, b: &str, app_b_expires: Option<i64>) -> String {
    let (ha, hb) = (&a["http://".len()..], &b["http://".len()..]);
    let app_token_b = match app_b_expires {
        Some(e) => token_json(APP_B, 1_700_000_000, Some(e)),
        None => "null".into(),
    };
    format!(
        r#"{{"version":2,"servers":{{
          "{a}":{{"app":{app_a},"app_token":{tok_a},"users":{{
              "alice@{ha}":{alice},"bob@{ha}":{bob}}},"unnamed_user":null}},
          "{b}":{{"app":{app_b},"app_token":{app_token_b},"users":{{"carol@{hb}":{carol}}},"unnamed_user":null}}}}}}"#,
        app_a = app_json("cid_a", SECRET_A),
        app_b = app_json("cid_b", SECRET_B),
        tok_a = token_json(APP_A, 1_700_000_000, None),
        alice = token_json(ALICE, 1_700_000_100, None),
        bob = token_json(BOB, 1_700_000_200, Some(4_000_000_000)),
        carol = token_json(CAROL, 1_700_000_300, None),
    )
}

fn account_json(id: &str, username: &str) -> String {
    format!(
        r#"{{"id":"{id}","username":"{username}","acct":"{username}","display_name":"","created_at":"2020-01-01T00:00:00.000Z","statuses_count":0,"followers_count":0,"following_count":0}}"#
    )
}

/// `GET /api/v1/accounts/verify_credentials` with `token`, answering `username`.
fn me<'a>(server: &'a MockServer, token: &str, username: &str) -> httpmock::Mock<'a> {
    let body = account_json("1", username);
    server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/accounts/verify_credentials")
            .header("authorization", format!("Bearer {token}"));
        then.status(200).body(body);
    })
}

/// A mock that answers anything, to count what reached a server.
#[test]
fn two_servers_and_three_accounts_select_by_server_and_account() {
    let (a, b, c) = (
        MockServer::start(),
        MockServer::start(),
        MockServer::start(),
    );
    let home = Home::new("select");
    home.write(&two_servers(&a, &b, None));
    let (ha, hb) = (host(&a), host(&b));
    let bob = me(&a, BOB, "bob");
    let carol = me(&b, CAROL, "carol");
    let app_a = a.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/apps/verify_credentials")
            .header("authorization", format!("Bearer {APP_A}"));
        then.status(200).body(r#"{"name":"bot"}"#);
    });
    let env_b = me(&b, ENV_TOKEN, "envuser");
    let stray_c = catch_all(&c);
    let before = home.bytes();

    let out = home.run(&["--account", &format!("BOB@{ha}"), "verify"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "@bob\n"), "{out:?}");
    let out = home.run_env(
        &["verify"],
        &[("MASTOLITE_ACCOUNT", &format!("carol@{hb}"))],
    );
    assert_eq!((out.code, out.stdout.as_str()), (0, "@carol\n"), "{out:?}");
    // The only user of B needs no --account.
    let out = home.run(&["--server", &b.base_url(), "verify"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "@carol\n"), "{out:?}");
    let out = home.run(&["--server", &a.base_url(), "verify", "--app"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "bot\n"), "{out:?}");
    // MASTOLITE_TOKEN goes to the server named with it.
    let out = home.run_env(
        &["--server", &b.base_url(), "verify", "--user"],
        &[("MASTOLITE_TOKEN", ENV_TOKEN)],
    );
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "@envuser\n"),
        "{out:?}"
    );
    bob.assert_calls(1);
    carol.assert_calls(2);
    app_a.assert_calls(1);
    env_b.assert_calls(1);

    // Every selection error: status 3, one line, before any request.
    // Arguments, environment, and the start of the one stderr line.
    type Case<'a> = (Vec<String>, Vec<(&'a str, String)>, String);
    let cases: Vec<Case> = vec![
        (
            vec!["verify".into()],
            vec![],
            format!(
                "mastolite: the credentials file holds several servers ({}, {}): choose one with --server URL or --account NAME",
                a.base_url().min(b.base_url()),
                a.base_url().max(b.base_url())
            ),
        ),
        (
            vec!["--server".into(), a.base_url(), "verify".into()],
            vec![],
            format!(
                "mastolite: several accounts are stored for {}: alice@{ha}, bob@{ha}; choose one",
                a.base_url()
            ),
        ),
        (
            vec!["--server".into(), a.base_url(), "--account".into(), format!("carol@{hb}"), "verify".into()],
            vec![],
            format!(
                "mastolite: the account carol@{hb} is stored for {}, not for {}",
                b.base_url(),
                a.base_url()
            ),
        ),
        (
            vec!["--account".into(), format!("dave@{ha}"), "verify".into()],
            vec![],
            format!("mastolite: no account dave@{ha} is stored (servers: "),
        ),
        (
            vec!["--server".into(), a.base_url(), "--account".into(), format!("dave@{ha}"), "verify".into()],
            vec![],
            format!(
                "mastolite: no account dave@{ha} is stored for {} (stored: alice@{ha}, bob@{ha})",
                a.base_url()
            ),
        ),
        (
            vec!["--server".into(), c.base_url(), "verify".into()],
            vec![],
            format!("mastolite: no credentials stored for {} (the credentials file holds: ", c.base_url()),
        ),
        (
            vec!["verify".into()],
            vec![("MASTOLITE_TOKEN", ENV_TOKEN.to_owned())],
            "mastolite: MASTOLITE_TOKEN goes only to the server named with it: give --server URL or set MASTOLITE_SERVER".into(),
        ),
        (
            vec!["--server".into(), b.base_url(), "verify".into(), "--app".into()],
            vec![],
            format!("mastolite: no app token is stored for {}; run `mastolite token`", b.base_url()),
        ),
    ];
    for (args, env, want) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let out = home.run_env(&args, &env);
        assert_eq!(out.code, 3, "{args:?}: {out:?}");
        assert!(
            out.stderr.starts_with(&want),
            "{args:?}: {out:?}\nwant: {want}"
        );
        assert_eq!(out.stdout, "");
    }
    bob.assert_calls(1);
    carol.assert_calls(2);
    app_a.assert_calls(1);
    stray_c.assert_calls(0);
    assert_eq!(home.bytes(), before);
}

#[test]
fn accounts_lists_every_token_without_a_secret() {
    let (a, b) = (MockServer::start(), MockServer::start());
    let stray = (catch_all(&a), catch_all(&b));
    let home = Home::new("accounts");
    home.write(&two_servers(&a, &b, Some(1_000_000_000)));
    let (ha, hb) = (host(&a), host(&b));
    let out = home.run(&["accounts"]);
    assert_eq!(out.code, 0, "{out:?}");
    let mut want = vec![
        format!(
            "{} app - scopes: read write; obtained 2023-11-14 22:13:20 UTC; no expiry known",
            a.base_url()
        ),
        format!(
            "{} user alice@{ha} scopes: read write; obtained 2023-11-14 22:15:00 UTC; no expiry known",
            a.base_url()
        ),
        format!(
            "{} user bob@{ha} scopes: read write; obtained 2023-11-14 22:16:40 UTC; expires 2096-10-02 07:06:40 UTC",
            a.base_url()
        ),
    ];
    let mut of_b = vec![
        format!(
            "{} app - scopes: read write; obtained 2023-11-14 22:13:20 UTC; expired 2001-09-09 01:46:40 UTC",
            b.base_url()
        ),
        format!(
            "{} user carol@{hb} scopes: read write; obtained 2023-11-14 22:18:20 UTC; no expiry known",
            b.base_url()
        ),
    ];
    if b.base_url() < a.base_url() {
        of_b.append(&mut want);
        want = of_b;
    } else {
        want.append(&mut of_b);
    }
    assert_eq!(out.stdout, want.join("\n") + "\n");

    let out = home.run(&["accounts", "--json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let rows: Vec<String> = vec![
        format!(
            r#"{{"server":"{}","kind":"app","account":null,"scopes":["read","write"],"obtained_at":1700000000,"expires_at":null,"token":true}}"#,
            a.base_url()
        ),
        format!(
            r#"{{"server":"{}","kind":"user","account":"alice@{ha}","scopes":["read","write"],"obtained_at":1700000100,"expires_at":null,"token":true}}"#,
            a.base_url()
        ),
        format!(
            r#"{{"server":"{}","kind":"user","account":"bob@{ha}","scopes":["read","write"],"obtained_at":1700000200,"expires_at":4000000000,"token":true}}"#,
            a.base_url()
        ),
    ];
    let rows_b: Vec<String> = vec![
        format!(
            r#"{{"server":"{}","kind":"app","account":null,"scopes":["read","write"],"obtained_at":1700000000,"expires_at":1000000000,"token":true}}"#,
            b.base_url()
        ),
        format!(
            r#"{{"server":"{}","kind":"user","account":"carol@{hb}","scopes":["read","write"],"obtained_at":1700000300,"expires_at":null,"token":true}}"#,
            b.base_url()
        ),
    ];
    let all = if b.base_url() < a.base_url() {
        [rows_b, rows].concat()
    } else {
        [rows, rows_b].concat()
    };
    assert_eq!(out.stdout, format!("[{}]\n", all.join(",")));
    // --jsonl: the same objects, one per line.
    let out = home.run(&["accounts", "--jsonl"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, format!("{}\n", all.join("\n")).as_str()),
        "{out:?}"
    );
    stray.0.assert_calls(0);
    stray.1.assert_calls(0);
}

#[test]
fn accounts_lists_apps_without_a_token_and_is_never_silent() {
    let (a, b, c) = (
        MockServer::start(),
        MockServer::start(),
        MockServer::start(),
    );
    let stray = [catch_all(&a), catch_all(&b), catch_all(&c)];
    let home = Home::new("accounts-apps");
    let hb = host(&b);
    // A: an app alone. B: an app without an app token, and carol. C: an empty entry.
    home.write(&format!(
        r#"{{"version":2,"servers":{{
          "{a}":{{"app":{app_a},"app_token":null,"users":{{}},"unnamed_user":null}},
          "{b}":{{"app":{app_b},"app_token":null,"users":{{"carol@{hb}":{carol}}},"unnamed_user":null}},
          "{c}":{{"app":null,"app_token":null,"users":{{}},"unnamed_user":null}}}}}}"#,
        a = a.base_url(),
        b = b.base_url(),
        c = c.base_url(),
        app_a = app_json("cid_a", SECRET_A),
        app_b = app_json("cid_b", SECRET_B),
        carol = token_json(CAROL, 1_700_000_300, None),
    ));
    let mut text = vec![
        (
            a.base_url(),
            vec![format!("{} app - (no token)", a.base_url())],
        ),
        (
            b.base_url(),
            vec![
                format!("{} app - (no token)", b.base_url()),
                format!(
                    "{} user carol@{hb} scopes: read write; obtained 2023-11-14 22:18:20 UTC; no expiry known",
                    b.base_url()
                ),
            ],
        ),
    ];
    text.sort();
    let text: Vec<String> = text.into_iter().flat_map(|(_, l)| l).collect();
    let out = home.run(&["accounts"]);
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (0, format!("{}\n", text.join("\n")).as_str(), ""),
        "{out:?}"
    );
    let app_row = |server: &MockServer| {
        format!(
            r#"{{"server":"{}","kind":"app","account":null,"scopes":[],"obtained_at":null,"expires_at":null,"token":false}}"#,
            server.base_url()
        )
    };
    let mut rows = vec![
        (a.base_url(), vec![app_row(&a)]),
        (
            b.base_url(),
            vec![
                app_row(&b),
                format!(
                    r#"{{"server":"{}","kind":"user","account":"carol@{hb}","scopes":["read","write"],"obtained_at":1700000300,"expires_at":null,"token":true}}"#,
                    b.base_url()
                ),
            ],
        ),
    ];
    rows.sort();
    let rows: Vec<String> = rows.into_iter().flat_map(|(_, r)| r).collect();
    let out = home.run(&["--json", "accounts"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, format!("[{}]\n", rows.join(",")).as_str()),
        "{out:?}"
    );

    // Nothing stored: a missing file, a file without servers, a file of empty entries.
    let missing = home.dir.join("none.json");
    let empty = home.dir.join("empty.json");
    Store::new().save(&empty).unwrap();
    let hollow = home.dir.join("hollow.json");
    Store::from_json(&format!(
        r#"{{"version":2,"servers":{{"{}":{{}}}}}}"#,
        c.base_url()
    ))
    .unwrap()
    .save(&hollow)
    .unwrap();
    for path in [&missing, &empty, &hollow] {
        let path = path.to_str().unwrap();
        for format in ["--format=text", "--json", "--jsonl"] {
            let out = home.run(&["--store", path, format, "accounts"]);
            assert_eq!(
                (out.code, out.stdout.as_str(), out.stderr.as_str()),
                (
                    3,
                    "",
                    format!("mastolite: no credentials stored in {path}\n").as_str()
                ),
                "{path} {format}"
            );
        }
    }
    assert!(!missing.exists());
    for s in stray {
        s.assert_calls(0);
    }
}

#[test]
fn a_version_1_file_is_used_as_it_is_and_written_back_as_version_2() {
    let a = MockServer::start();
    let grant = a.mock(|when, then| {
        when.method(POST)
            .path("/oauth/token")
            .form_urlencoded_tuple("grant_type", "client_credentials")
            .form_urlencoded_tuple("client_id", "cid_x1")
            .form_urlencoded_tuple("client_secret", "SECRET_client_q9");
        then.status(200).body(format!(
            r#"{{"access_token":"{FRESH}","token_type":"Bearer","scope":"read","created_at":1700000900}}"#
        ));
    });
    let alice = me(&a, "SECRET_user_token_k7", "alice");
    let home = Home::new("v1");
    let v1 = store_fixture("credentials-v1.serde.json")
        .replace("https://mastodon.example", &a.base_url());
    std::fs::write(home.store(), &v1).unwrap();
    #[cfg(unix)]
    tmpdir::set_mode(&home.store(), 0o600);
    // Reading leaves it as it is.
    let out = home.run(&["verify"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "@alice\n"), "{out:?}");
    let out = home.run(&["--account", &format!("alice@{}", host(&a)), "verify"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(std::fs::read_to_string(home.store()).unwrap(), v1);
    alice.assert_calls(2);
    // A change writes version 2, keeping everything else.
    let out = home.run(&["token"]);
    assert_eq!(out.code, 0, "{out:?}");
    grant.assert();
    let text = std::fs::read_to_string(home.store()).unwrap();
    assert!(text.starts_with(r#"{"version":2,"servers":{"#), "{text}");
    let client = Client::new(&a.base_url()).unwrap();
    let s = home.load();
    assert_eq!(s.app_token_for(&client).unwrap().secret(), FRESH);
    let (name, t) = s.user_token_for(&client, None).unwrap();
    assert_eq!(name, Some(format!("alice@{}", host(&a)).as_str()));
    assert_eq!(t.secret(), "SECRET_user_token_k7");
    assert_eq!(
        s.app_credentials_for(&client)
            .unwrap()
            .client_secret
            .secret(),
        "SECRET_client_q9"
    );
}

fn revoke_mock<'a>(
    server: &'a MockServer,
    cid: &str,
    secret: &str,
    token: &str,
    status: u16,
) -> httpmock::Mock<'a> {
    server.mock(|when, then| {
        when.method(POST)
            .path("/oauth/revoke")
            .header("authorization", format!("Bearer {token}"))
            .form_urlencoded_tuple("client_id", cid)
            .form_urlencoded_tuple("client_secret", secret)
            .form_urlencoded_tuple("token", token);
        then.status(status).body(if status == 200 {
            "{}"
        } else {
            r#"{"error":"unauthorized_client","error_description":"You are not authorized to revoke this token"}"#
        });
    })
}

#[test]
fn logout_revokes_then_forgets_and_a_refusal_changes_nothing() {
    let a = MockServer::start();
    // The second server is gone: nothing listens on its port.
    let gone_url = closed_port_url();
    let home = Home::new("logout");
    home.write(&two_servers_at(&a.base_url(), &gone_url, None));
    let (ha, hb) = (host(&a), gone_url["http://".len()..].to_owned());
    let bob = revoke_mock(&a, "cid_a", SECRET_A, BOB, 200);
    let out = home.run(&["logout", "--account", &format!("bob@{ha}")]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (
            0,
            format!("revoked and forgot the user token of bob@{ha}\n").as_str()
        ),
        "{out:?}"
    );
    bob.assert();
    let client_a = Client::new(&a.base_url()).unwrap();
    let s = home.load();
    assert_eq!(s.user_token_for(&client_a, None).unwrap().1.secret(), ALICE);
    assert_eq!(s.list().iter().filter(|c| c.token).count(), 3);

    // The server refuses: the file stays as it was, and the status says why.
    let refused = revoke_mock(&a, "cid_a", SECRET_A, ALICE, 403);
    let before = home.bytes();
    let out = home.run(&["--server", &a.base_url(), "logout"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr
            .contains(&format!("POST {}/oauth/revoke: status 403", a.base_url())),
        "{out:?}"
    );
    refused.assert();
    assert_eq!(home.bytes(), before);

    // `revoke` is the same command: the app token, JSON output.
    let app = revoke_mock(&a, "cid_a", SECRET_A, APP_A, 200);
    let out = home.run(&["--server", &a.base_url(), "--json", "revoke", "--app"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "{\"revoked\":\"app\",\"acct\":null}\n"),
        "{out:?}"
    );
    app.assert();
    assert!(home.load().app_token_for(&client_a).is_err());

    // An unreachable server: an error and no change, unless --local.
    let before = home.bytes();
    let gone = format!("carol@{hb}");
    let out = home.run(&["--timeout", "2", "logout", "--account", &gone]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(home.bytes(), before);
    let out = home.run(&["logout", "--account", &gone, "--local"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, format!("forgot the user token of {gone}\n").as_str()),
        "{out:?}"
    );
    let s = home.load();
    assert!(
        s.list()
            .iter()
            .all(|c| c.account.as_deref() != Some(gone.as_str()))
    );
    assert_eq!(s.list().iter().filter(|c| c.token).count(), 1);
}

#[test]
fn forget_revokes_every_token_then_forgets_the_server() {
    let (a, b) = (MockServer::start(), MockServer::start());
    let home = Home::new("forget");
    let file = two_servers(&a, &b, None);
    home.write(&file);
    // One request per token, each with the app's credentials and the token as bearer.
    let revokes = [APP_A, ALICE, BOB].map(|t| revoke_mock(&a, "cid_a", SECRET_A, t, 200));
    let out = home.run(&["--server", &a.base_url(), "forget"]);
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (
            0,
            format!(
                "revoked and forgot {}: 3 token(s) and its app\n",
                a.base_url()
            )
            .as_str(),
            ""
        ),
        "{out:?}"
    );
    for r in &revokes {
        r.assert_calls(1);
    }
    // The other server is untouched.
    let mut want = Store::from_json(&file).unwrap();
    want.remove_server(&a.base_url());
    assert_eq!(home.load(), want);
    assert_eq!(home.load().servers().count(), 1);

    // One server left: commands need no --server again.
    let mut carol = me(&b, CAROL, "carol");
    let out = home.run(&["verify"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "@carol\n"), "{out:?}");
    carol.assert();
    carol.delete();

    // --local asks the server nothing; the only server needs no --server either.
    let stray = catch_all(&b);
    let out = home.run(&["--json", "forget", "--local"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "{\"revoked\":\"server\",\"acct\":null}\n"),
        "{out:?}"
    );
    stray.assert_calls(0);
    assert!(home.load().is_empty());
    let out = home.run(&["accounts"]);
    assert_eq!(
        (out.code, out.stderr),
        (
            3,
            format!(
                "mastolite: no credentials stored in {}\n",
                home.store().display()
            )
        )
    );
    for r in &revokes {
        r.assert_calls(1);
    }
}

#[test]
fn forget_keeps_what_it_could_not_revoke() {
    let a = MockServer::start();
    let gone = closed_port_url();
    let home = Home::new("forget-fails");
    let file = two_servers_at(&a.base_url(), &gone, None);
    home.write(&file);
    let before = home.bytes();
    let local = " (--local forgets the server without asking it)\n";

    // An account does not pick the server to forget, even from the environment.
    let ha = host(&a);
    let out = home.run_env(&["forget"], &[("MASTOLITE_ACCOUNT", &format!("bob@{ha}"))]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            3,
            "mastolite: forget takes a whole server: unset MASTOLITE_ACCOUNT and name the server with --server URL\n"
        ),
        "{out:?}"
    );
    assert_eq!(home.bytes(), before);

    // The server is down (named by MASTOLITE_SERVER): nothing was revoked, nothing is removed.
    let out = home.run_env(
        &["--timeout", "2", "forget"],
        &[("MASTOLITE_SERVER", &gone)],
    );
    assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{out:?}");
    assert!(
        out.stderr
            .starts_with(&format!("mastolite: POST {gone}/oauth/revoke: ")),
        "{out:?}"
    );
    assert!(
        out.stderr.ends_with(&format!(
            "; revoked and forgot 0 token(s), kept the other 1 and the app{local}"
        )),
        "{out:?}"
    );
    assert_eq!(home.bytes(), before);

    // The server refuses the second token: the first was revoked and is removed; the second
    // and the third (which is not asked about) and the app stay.
    let app = revoke_mock(&a, "cid_a", SECRET_A, APP_A, 200);
    let alice = revoke_mock(&a, "cid_a", SECRET_A, ALICE, 403);
    let bob = revoke_mock(&a, "cid_a", SECRET_A, BOB, 200);
    let out = home.run(&["--server", &a.base_url(), "forget"]);
    assert_eq!((out.code, out.stdout.as_str()), (1, ""), "{out:?}");
    assert!(
        out.stderr.starts_with(&format!(
            "mastolite: POST {}/oauth/revoke: status 403: unauthorized_client",
            a.base_url()
        )),
        "{out:?}"
    );
    assert!(
        out.stderr.ends_with(&format!(
            "; revoked and forgot 1 token(s), kept the other 2 and the app{local}"
        )),
        "{out:?}"
    );
    app.assert_calls(1);
    alice.assert_calls(1);
    bob.assert_calls(0);
    let mut want = Store::from_json(&file).unwrap();
    want.remove_app_token(&a.base_url());
    assert_eq!(home.load(), want);
    assert!(home.load().server(&a.base_url()).unwrap().app().is_some());
    assert_eq!(home.load().server(&a.base_url()).unwrap().user_count(), 2);

    // --local forgets the server that is gone, and only it.
    let out = home.run(&["--server", &gone, "forget", "--local"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (
            0,
            format!("forgot {gone}: 1 token(s) and its app\n").as_str()
        ),
        "{out:?}"
    );
    want.remove_server(&gone);
    assert_eq!(home.load(), want);

    // Tokens without an app cannot be revoked: nothing is removed unless --local.
    let no_app = format!(
        r#"{{"version":2,"servers":{{"{}":{{"app":null,"app_token":null,"users":{{"alice@{ha}":{}}}}}}}}}"#,
        a.base_url(),
        token_json(ALICE, 1_700_000_100, None),
    );
    home.write(&no_app);
    let before = home.bytes();
    let out = home.run(&["forget"]);
    assert_eq!(
        (out.code, out.stderr),
        (
            3,
            format!(
                "mastolite: no app is stored for {}, so its tokens cannot be revoked; nothing was removed{local}",
                a.base_url()
            )
        )
    );
    assert_eq!(home.bytes(), before);
    let out = home.run(&["forget", "--local"]);
    assert_eq!(
        (out.code, out.stdout),
        (0, format!("forgot {}: 1 token(s)\n", a.base_url()))
    );
    assert!(home.load().is_empty());
    app.assert_calls(1);
    alice.assert_calls(1);
    bob.assert_calls(0);
}

#[test]
fn token_if_expired_decides_from_the_file_and_all_renews_each_server_that_needs_it() {
    let (a, b) = (MockServer::start(), MockServer::start());
    let grant_a = catch_all(&a);
    let grant_b = b.mock(|when, then| {
        when.method(POST)
            .path("/oauth/token")
            .form_urlencoded_tuple("client_id", "cid_b")
            .form_urlencoded_tuple("client_secret", SECRET_B);
        then.status(200).body(format!(
            r#"{{"access_token":"{FRESH}","token_type":"Bearer","scope":"read write","created_at":1700000900,"expires_in":7200}}"#
        ));
    });
    let home = Home::new("if-expired");
    // A's app token has no expiry; B's expired long ago.
    home.write(&two_servers(&a, &b, Some(1_000_000_000)));
    let out = home.run(&["--server", &a.base_url(), "token", "--if-expired"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stdout,
        format!(
            "{}: the app token is still valid (does not expire); nothing done\n",
            a.base_url()
        )
    );
    let out = home.run(&["token", "--all", "--if-expired"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("app token stored (scopes: read write)"),
        "{out:?}"
    );
    grant_a.assert_calls(0);
    grant_b.assert_calls(1);
    let client_b = Client::new(&b.base_url()).unwrap();
    let s = home.load();
    assert_eq!(s.app_token_for(&client_b).unwrap().secret(), FRESH);
    let expires = s
        .server(&b.base_url())
        .unwrap()
        .app_token()
        .unwrap()
        .expires_at
        .unwrap();
    assert!(expires > 1_700_000_000, "{expires}");
    // Now both are valid: nothing is asked.
    let out = home.run(&["token", "--all", "--if-expired"]);
    assert_eq!(out.code, 0, "{out:?}");
    grant_a.assert_calls(0);
    grant_b.assert_calls(1);
}

#[test]
fn no_stored_secret_reaches_another_server_and_the_file_stays_unchanged() {
    let a = MockServer::start();
    let other = MockServer::start();
    let mut stray = catch_all(&other);
    let home = Home::new("boundary");
    let ha = host(&a);
    home.write(&format!(
        r#"{{"version":2,"servers":{{"{}":{{"app":{},"app_token":{},"users":{{"alice@{ha}":{}}}}}}}}}"#,
        a.base_url(),
        app_json("cid_a", SECRET_A),
        token_json(APP_A, 1_700_000_000, None),
        token_json(ALICE, 1_700_000_100, None),
    ));
    let before = home.bytes();
    let commands: [&[&str]; 9] = [
        &["check"],
        &["verify"],
        &["verify", "--app"],
        &["token"],
        &["login"],
        &["logout"],
        &["revoke", "--app"],
        &["logout", "--account", "alice"],
        &["register", "--force"],
    ];
    let want = format!(
        "mastolite: no credentials stored for {} (the credentials file holds: {})",
        other.base_url(),
        a.base_url()
    );
    for command in commands {
        for by_env in [false, true] {
            let mut args: Vec<&str> = Vec::new();
            let mut env = Vec::new();
            let url = other.base_url();
            if by_env {
                env.push(("MASTOLITE_SERVER", url.as_str()));
            } else {
                args.extend(["--server", url.as_str()]);
            }
            args.extend(command);
            let out = home.run_full(&args, &env, &format!("{CODE}\n"));
            assert_eq!(out.code, 3, "{args:?}: {out:?}");
            let line = out.stderr.lines().last().unwrap_or_default();
            if command == ["register", "--force"] {
                assert_eq!(
                    line,
                    format!(
                        "mastolite: --force replaces a stored app, and none is stored for {} (the credentials file holds: {})",
                        other.base_url(),
                        a.base_url()
                    )
                );
            } else {
                assert_eq!(format!("{line}\n"), format!("{want}\n"), "{args:?}");
            }
            assert_eq!(out.stdout, "");
            assert_eq!(home.bytes(), before, "{args:?}");
        }
    }
    stray.assert_calls(0);
    stray.delete();
    // A stored token is not sent with public reads to the other server either.
    let instance = other.mock(|when, then| {
        when.method(GET)
            .path("/api/v2/instance")
            .header_missing("authorization");
        then.status(200)
            .body(r#"{"domain":"other","title":"Other","version":"4.3.0"}"#);
    });
    let out = home.run(&["--server", &other.base_url(), "instance"]);
    assert_eq!(out.code, 0, "{out:?}");
    instance.assert();
}

/// `POST /api/v1/apps` answering an app with `cid` and `secret`.
fn created<'a>(server: &'a MockServer, cid: &str, secret: &str) -> httpmock::Mock<'a> {
    let body = format!(
        r#"{{"id":"5","name":"bot","scopes":["read"],"redirect_uris":["urn:ietf:wg:oauth:2.0:oob"],"client_id":"{cid}","client_secret":"{secret}"}}"#
    );
    server.mock(|when, then| {
        when.method(POST).path("/api/v1/apps");
        then.status(200).body(body);
    })
}

#[test]
fn register_adds_a_second_server_and_force_replaces_an_app_after_revoking_its_tokens() {
    let (a, b) = (MockServer::start(), MockServer::start());
    let home = Home::new("register");
    home.write(&two_servers(&a, &b, None));
    let c = MockServer::start();
    let create_c = created(&c, "cid_c", SECRET_C);
    let out = home.run(&["--server", &c.base_url(), "register"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "bot (client_id cid_c)\n"),
        "{out:?}"
    );
    create_c.assert();
    assert_eq!(home.load().servers().count(), 3);

    // An app already stored for B: refused without --force, nothing sent.
    let mut stray_b = catch_all(&b);
    let before = home.bytes();
    let out = home.run(&["--server", &b.base_url(), "register"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("give --force to replace it"), "{out:?}");
    stray_b.assert_calls(0);
    assert_eq!(home.bytes(), before);
    stray_b.delete();

    // --force: every token of the old app is revoked, then forgotten, then the new app stored.
    let revoke_carol = revoke_mock(&b, "cid_b", SECRET_B, CAROL, 200);
    let create_b = created(&b, "cid_b2", SECRET_B_NEW);
    let out = home.run(&[
        "--server",
        &b.base_url(),
        "register",
        "--force",
        "--scopes",
        "read",
    ]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "bot (client_id cid_b2)\n"),
        "{out:?}"
    );
    revoke_carol.assert();
    create_b.assert();
    let s = home.load();
    let entry = s.server(&b.base_url()).unwrap();
    assert_eq!(entry.app().unwrap().client_id, "cid_b2");
    assert_eq!(entry.user_count(), 0);
    assert!(entry.app_token().is_none());
    // The other servers are untouched.
    assert_eq!(s.server(&a.base_url()).unwrap().user_count(), 2);
}

#[test]
fn a_token_stored_while_login_waits_for_its_code_is_kept() {
    let a = MockServer::start();
    let _meta = a.mock(|when, then| {
        when.method(GET)
            .path("/.well-known/oauth-authorization-server");
        then.status(404);
    });
    let _exchange = a.mock(|when, then| {
        when.method(POST)
            .path("/oauth/token")
            .form_urlencoded_tuple("grant_type", "authorization_code")
            .form_urlencoded_tuple("code", CODE);
        then.status(200).body(format!(
            r#"{{"access_token":"{NEW_USER}","token_type":"Bearer","scope":"read","created_at":1700000500}}"#
        ));
    });
    let _grant = a.mock(|when, then| {
        when.method(POST)
            .path("/oauth/token")
            .form_urlencoded_tuple("grant_type", "client_credentials");
        then.status(200).body(format!(
            r#"{{"access_token":"{FRESH}","token_type":"Bearer","scope":"read","created_at":1700000600}}"#
        ));
    });
    let _me = me(&a, NEW_USER, "dave");
    let home = Home::new("login-race");
    let ha = host(&a);
    home.write(&format!(
        r#"{{"version":2,"servers":{{"{}":{{"app":{},"app_token":null,"users":{{"alice@{ha}":{}}}}}}}}}"#,
        a.base_url(),
        app_json("cid_a", SECRET_A),
        token_json(ALICE, 1_700_000_100, None),
    ));
    let mut login = home.command(&["login"], &[]).spawn().unwrap();
    // Wait until login has read the file and printed its URL.
    let mut stdout = BufReader::new(login.stdout.take().unwrap());
    let mut url = String::new();
    stdout.read_line(&mut url).unwrap();
    assert!(
        url.starts_with(&format!("{}/oauth/authorize?", a.base_url())),
        "{url}"
    );
    // Meanwhile another run stores an app token.
    let out = home.run(&["token"]);
    assert_eq!(out.code, 0, "{out:?}");
    login
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{CODE}\n").as_bytes())
        .unwrap();
    let status = login.wait().unwrap();
    assert!(status.success());
    let client = Client::new(&a.base_url()).unwrap();
    let s = home.load();
    assert_eq!(s.app_token_for(&client).unwrap().secret(), FRESH);
    assert_eq!(
        s.user_token_for(&client, Some(&format!("dave@{ha}")))
            .unwrap()
            .1
            .secret(),
        NEW_USER
    );
    assert_eq!(
        s.user_token_for(&client, Some(&format!("alice@{ha}")))
            .unwrap()
            .1
            .secret(),
        ALICE
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_as_the_credentials_file_fails_at_once_whatever_the_timeout() {
    let home = Home::new("fifo");
    let made = Command::new("mkfifo").arg(home.store()).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    let started = std::time::Instant::now();
    let out = home.run(&["--timeout", "86400", "verify"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(
        out.stderr
            .contains("was not used: it is not a regular file"),
        "{out:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn plain_http_to_a_non_loopback_host_names_the_opt_in() {
    let home = Home::new("http");
    let out = home.run(&["--server", "http://mastodon.example", "instance"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("--allow-http"), "{out:?}");
}

#[test]
fn an_unnamed_version_1_user_token_is_named_by_its_first_successful_use() {
    let a = MockServer::start();
    let alice = me(&a, ALICE, "Alice");
    let home = Home::new("unnamed");
    std::fs::write(
        home.store(),
        format!(
            r#"{{"version":1,"server":"{}","app":{},"tokens":{{"app":null,"user":{{"access_token":"{ALICE}","scope":"read","created_at":1700000100,"expires_at":null,"acct":null}}}}}}"#,
            a.base_url(),
            app_json("cid_a", SECRET_A)
        ),
    )
    .unwrap();
    #[cfg(unix)]
    tmpdir::set_mode(&home.store(), 0o600);
    let out = home.run(&["accounts"]);
    assert_eq!(
        out.stdout,
        format!(
            "{0} app - (no token)\n{0} user (unnamed) scopes: read; obtained 2023-11-14 22:15:00 UTC; no expiry known\n",
            a.base_url()
        )
    );
    let out = home.run(&["verify"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "@Alice\n"), "{out:?}");
    alice.assert();
    let client = Client::new(&a.base_url()).unwrap();
    let s = home.load();
    let (name, t) = s.user_token_for(&client, None).unwrap();
    assert_eq!(name, Some(format!("alice@{}", host(&a)).as_str()));
    assert_eq!(t.secret(), ALICE);
    assert_eq!(s.list().iter().filter(|c| c.token).count(), 1);
}

#[test]
fn a_missing_explicit_store_is_an_error_only_for_commands_that_need_credentials() {
    let a = MockServer::start();
    let instance = a.mock(|when, then| {
        when.method(GET)
            .path("/api/v2/instance")
            .header_missing("authorization");
        then.status(200)
            .body(r#"{"domain":"a","title":"A","version":"4.3.0"}"#);
    });
    let home = Home::new("missing-store");
    let missing = home.dir.join("none.json");
    let missing = missing.to_str().unwrap();
    let out = home.run(&["--store", missing, "--server", &a.base_url(), "instance"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "A (a) 4.3.0\n"),
        "{out:?}"
    );
    instance.assert();
    for command in ["verify", "token", "login", "logout"] {
        let out = home.run(&["--store", missing, "--server", &a.base_url(), command]);
        assert_eq!(out.code, 3, "{command}: {out:?}");
        assert!(out.stderr.contains("does not exist"), "{command}: {out:?}");
    }
    let out = home.run(&["--store", missing, "--server", &a.base_url(), "accounts"]);
    assert_eq!(
        (out.code, out.stderr),
        (
            3,
            format!("mastolite: no credentials stored in {missing}\n")
        )
    );
    assert!(!home.dir.join("none.json").exists());
}
