//! `mastolite login` against a server on Doorkeeper before 5.5 (Mastodon 3.3 and older): no
//! metadata document, and an `invalid_grant` for a `code_verifier` sent with a code issued
//! without a challenge. The failure names both causes and `--no-pkce`; `--no-pkce` sends no
//! challenge and no verifier; with a metadata document that lists S256 the message stays plain.

use crate::cli_run;

use std::sync::{Arc, Mutex};

use cli_run::{Home, Out, app_json, catch_all};
use httpmock::prelude::*;
use mastolite::{Client, PkceVerifier};

const CLIENT_SECRET: &str = "SECRET_cs_a";
const CODE: &str = "SECRET_code_7";
const USER_TOKEN: &str = "SECRET_user_7";
/// What Doorkeeper's token endpoint sends for a refused grant (400), byte for byte.
const INVALID_GRANT: &str = r#"{"error":"invalid_grant","error_description":"The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client."}"#;
const OOB_FORM: &str = "urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob";
const PROMPT: &str = "Open the URL above in a browser, approve, and paste the code shown here:\n";

/// A home whose credentials file holds the app `cid_a` (scope `read`) for `base`.
fn home(label: &str, base: &str) -> Home {
    let home = Home::new(label);
    home.write(&format!(
        r#"{{"version":2,"servers":{{"{base}":{{"app":{},"app_token":null,"users":{{}},"unnamed_user":null}}}}}}"#,
        app_json("cid_a", CLIENT_SECRET)
    ));
    home
}

/// The token request's form without the verifier, as the CLI sends it.
fn form() -> String {
    format!(
        "grant_type=authorization_code&code={CODE}&redirect_uri={OOB_FORM}&client_id=cid_a&client_secret={CLIENT_SECRET}"
    )
}

/// The value of `name` in the authorize URL that `login` printed on stdout.
fn url_param<'a>(out: &'a Out, name: &str) -> Option<&'a str> {
    let (_, query) = out.stdout.trim_end().split_once('?')?;
    query
        .split('&')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn no_metadata(server: &MockServer) -> httpmock::Mock<'_> {
    server.mock(|when, then| {
        when.method(GET)
            .path("/.well-known/oauth-authorization-server");
        then.status(404).body(r#"{"error":"Not Found"}"#);
    })
}

/// The invalid_grant line `login` ends with, the hint (if any) after it.
fn refused(base: &str, hint: &str) -> String {
    format!(
        "{PROMPT}mastolite: POST {base}/oauth/token: status 400: invalid_grant (The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.){hint}\n"
    )
}

#[test]
fn an_old_server_refusing_the_verifier_gets_a_hint_naming_both_causes_and_no_pkce() {
    let server = MockServer::start();
    let base = server.base_url();
    let meta = no_metadata(&server);
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&bodies);
    let token = server.mock(move |when, then| {
        when.method(POST)
            .path("/oauth/token")
            .header("content-type", "application/x-www-form-urlencoded")
            .form_urlencoded_tuple_exists("code_verifier")
            .is_true(move |req| {
                seen.lock().unwrap().push(req.body_string());
                true
            });
        then.status(400)
            .header("content-type", "application/json; charset=utf-8")
            .body(INVALID_GRANT);
    });
    let other = catch_all(&server);
    let home = home("old-server", &base);
    let out = home.run_stdin(&["login"], &format!("{CODE}\n"));
    assert_eq!(out.code, 4, "{out:?}");
    assert_eq!(
        out.stderr,
        refused(
            &base,
            "; either the code is wrong or expired, or the server is an old one that \
             refuses PKCE (Doorkeeper before 5.5, as in Mastodon 3.3 and older); to log in \
             without PKCE, run `mastolite login --no-pkce`"
        )
    );
    meta.assert();
    token.assert();
    other.assert_calls(0);
    // The form carried the verifier of the challenge in the URL, and nothing else.
    let challenge = url_param(&out, "code_challenge").expect("a challenge");
    assert_eq!(url_param(&out, "code_challenge_method"), Some("S256"));
    let body = bodies.lock().unwrap().pop().unwrap();
    let verifier = body
        .strip_prefix(&format!("{}&code_verifier=", form()))
        .unwrap_or_else(|| panic!("{body}"));
    assert_eq!(verifier.len(), 43, "{body}");
    assert_eq!(PkceVerifier::new(verifier).challenge(), challenge);
    // Nothing was retried, and nothing was stored.
    assert_eq!(home.load().server(&base).unwrap().user_count(), 0);
}

#[test]
fn no_pkce_sends_no_challenge_and_no_verifier_and_logs_in() {
    let server = MockServer::start();
    let base = server.base_url();
    let meta = no_metadata(&server);
    let good = server.mock(|when, then| {
        when.method(POST)
            .path("/oauth/token")
            .form_urlencoded_tuple_missing("code_verifier")
            .body(form());
        then.status(200).body(format!(
            r#"{{"access_token":"{USER_TOKEN}","token_type":"Bearer","scope":"read","created_at":1700000500}}"#
        ));
    });
    let wrong = server.mock(|when, then| {
        when.method(POST)
            .path("/oauth/token")
            .form_urlencoded_tuple_missing("code_verifier")
            .form_urlencoded_tuple("code", "wrong");
        then.status(400).body(INVALID_GRANT);
    });
    let me = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/accounts/verify_credentials")
            .header("authorization", format!("Bearer {USER_TOKEN}"));
        then.status(200).body(
            r#"{"id":"1","username":"alice","acct":"alice","display_name":"","created_at":"2020-01-01T00:00:00.000Z","statuses_count":0,"followers_count":0,"following_count":0}"#,
        );
    });
    let other = catch_all(&server);
    let home = home("no-pkce", &base);
    let out = home.run_stdin(&["login", "--no-pkce"], &format!("{CODE}\n"));
    assert_eq!(out.code, 0, "{out:?}");
    let url = out.stdout.trim_end();
    assert!(
        url.starts_with(&format!("{base}/oauth/authorize?")),
        "{url}"
    );
    assert!(url_param(&out, "state").is_some(), "{url}");
    assert!(!url.contains("code_challenge"), "{url}");
    good.assert();
    me.assert();
    let acct = format!("alice@{}", &base["http://".len()..]);
    assert_eq!(
        out.stderr,
        format!(
            "{PROMPT}mastolite: logged in as {acct}; the user token is stored in {}\n",
            home.store().display()
        )
    );
    let store = home.load();
    let client = Client::new(&base).unwrap();
    let (name, user) = store.user_entry_for(&client, None).unwrap();
    assert_eq!(name, Some(acct.as_str()));
    assert_eq!(user.access_token_for(&client).unwrap().secret(), USER_TOKEN);

    // Without a verifier, a refused code is only a refused code.
    let out = home.run_stdin(&["login", "--no-pkce"], "wrong\n");
    assert_eq!(out.code, 4, "{out:?}");
    assert_eq!(out.stderr, refused(&base, ""));
    wrong.assert();
    meta.assert_calls(2);
    other.assert_calls(0);
}

#[test]
fn with_a_metadata_document_listing_s256_invalid_grant_stays_plain() {
    let server = MockServer::start();
    let base = server.base_url();
    let meta = server.mock(|when, then| {
        when.method(GET)
            .path("/.well-known/oauth-authorization-server");
        then.status(200).body(format!(
            r#"{{"issuer":"{base}/","authorization_endpoint":"{base}/oauth/authorize","token_endpoint":"{base}/oauth/token","scopes_supported":["read","write"],"response_types_supported":["code"],"code_challenge_methods_supported":["S256"]}}"#
        ));
    });
    let token = server.mock(|when, then| {
        when.method(POST)
            .path("/oauth/token")
            .form_urlencoded_tuple_exists("code_verifier")
            .body_includes(form());
        then.status(400).body(INVALID_GRANT);
    });
    let other = catch_all(&server);
    let home = home("s256", &base);
    let out = home.run_stdin(&["login"], &format!("{CODE}\n"));
    assert_eq!(out.code, 4, "{out:?}");
    assert_eq!(out.stderr, refused(&base, ""));
    assert_eq!(url_param(&out, "code_challenge_method"), Some("S256"));
    meta.assert();
    token.assert();
    other.assert_calls(0);
}

#[test]
fn no_pkce_is_refused_with_with_token() {
    let home = Home::new("no-pkce-with-token");
    let out = home.run_stdin(
        &[
            "--server",
            "https://m.example",
            "login",
            "--with-token",
            "--no-pkce",
        ],
        "SECRET_tok\n",
    );
    assert_eq!(out.code, 3, "{out:?}");
    assert_eq!(
        out.stderr,
        "mastolite: --with-token takes none of --scopes, --force-login, --lang and --no-pkce; \
         usage: mastolite [OPTIONS] login [--scopes SCOPES] [--force-login] [--lang L] \
         [--no-pkce] | --with-token [--force] (see mastolite login --help)\n"
    );
}
