//! `mastolite login --with-token`: a token made elsewhere, read from stdin, checked as `check`
//! checks a token of unknown kind, and stored under the account it belongs to (or as the
//! server's app token) without any app; a token that is not ok is never stored.

use crate::cli_run;

use cli_run::Home;
use httpmock::prelude::*;
use mastolite::check::Kind;
use mastolite::store::Store;

const TOKEN: &str = "SECRET_imported_token";
const USER: &str = "/api/v1/accounts/verify_credentials";
const APP: &str = "/api/v1/apps/verify_credentials";
const ACCOUNT: &str = r#"{"id":"1","username":"alice","acct":"alice","display_name":"","created_at":"2020-01-01T00:00:00.000Z","statuses_count":0,"followers_count":0,"following_count":0}"#;
const APP_BODY: &str = r#"{"id":"5","name":"bot","website":null,"scopes":["read"],"redirect_uris":["urn:ietf:wg:oauth:2.0:oob"],"redirect_uri":"urn:ietf:wg:oauth:2.0:oob","vapid_key":"BCk"}"#;

/// `mastolite --server URL login --with-token EXTRA`, the token on stdin.
fn import(home: &Home, url: &str, extra: &[&str]) -> cli_run::Out {
    let mut args = vec!["--server", url, "login", "--with-token"];
    args.extend_from_slice(extra);
    home.run_stdin(&args, &format!("{TOKEN}\n"))
}

/// `path` answers `status` and `body` to the imported token.
fn answer<'a>(server: &'a MockServer, path: &str, status: u16, body: &str) -> httpmock::Mock<'a> {
    server.mock(|when, then| {
        when.method(GET)
            .path(path)
            .header("authorization", format!("Bearer {TOKEN}"));
        then.status(status).body(body);
    })
}

#[test]
fn a_user_token_is_stored_under_its_account_with_no_app() {
    let server = MockServer::start();
    let me = answer(&server, USER, 200, ACCOUNT);
    let home = Home::new("user");
    let url = server.base_url();
    let host = &url["http://".len()..];
    let out = home.run_stdin(
        &["--server", &url, "login", "--with-token"],
        &format!("  {TOKEN}\n"),
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        format!(
            "mastolite: the token of {url} is stored for alice@{host} in {}\n",
            home.store().display()
        )
    );
    // Checked once as `check` does, then asked for its account's name.
    me.assert_calls(2);
    let store = Store::load(home.store()).unwrap();
    let listed = store.list();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(
        (
            listed[0].kind,
            listed[0].account.as_deref(),
            listed[0].server.as_str()
        ),
        (
            Kind::User,
            Some(format!("alice@{host}").as_str()),
            url.as_str()
        )
    );
    let entry = store.server(&url).unwrap();
    assert!(entry.app().is_none());
    let client = mastolite::Client::new(&url).unwrap();
    let (name, stored) = store
        .user_token_for(&client, Some(&format!("alice@{host}")))
        .unwrap();
    assert_eq!(name, Some(format!("alice@{host}").as_str()));
    assert_eq!(stored.secret(), TOKEN);

    // The stored token is used as any other: `check` asks the server about it.
    let mut cmd = cli_run::command(home.dir.path());
    cmd.arg("--store").arg(home.store()).arg("check");
    let out = cli_run::run(cmd, "");
    assert_eq!((out.code, out.stdout.as_str()), (0, "ok\n"), "{out:?}");
    me.assert_calls(3);

    // Imported: marked so in the file, and never revoked with the stored app's credentials.
    let text = std::fs::read_to_string(home.store()).unwrap();
    assert!(
        text.contains(r#""expires_at":null,"imported":true}"#),
        "{text}"
    );
    let out = home.run_stdin(&["logout"], "");
    assert_eq!(out.code, 3, "{out:?}");
    assert_eq!(
        out.stderr,
        format!(
            "mastolite: the user token of alice@{host} was imported: only the owner of the app that made it can revoke it (in the server's settings); --local forgets it\n"
        )
    );
    // A second import of the same account replaces it only with --force.
    let out = import(&home, &url, &[]);
    assert_eq!(out.code, 3, "{out:?}");
    assert_eq!(
        out.stderr,
        format!(
            "mastolite: the credentials file already holds a token for alice@{host}; give --force to replace it\n"
        )
    );
    let out = import(&home, &url, &["--force"]);
    assert_eq!(out.code, 0, "{out:?}");
    let out = home.run_stdin(&["logout", "--local"], "");
    assert_eq!(out.code, 0, "{out:?}");
    assert!(Store::load(home.store()).unwrap().list().is_empty());
}

#[test]
fn a_token_whose_account_cannot_be_read_needs_account() {
    let server = MockServer::start();
    let scope = r#"{"error":"This action is outside the authorized scopes"}"#;
    let user = answer(&server, USER, 403, scope);
    let app = answer(&server, APP, 200, APP_BODY);
    let home = Home::new("account");
    let url = server.base_url();
    let host = &url["http://".len()..];
    let out = import(&home, &url, &[]);
    assert_eq!(out.code, 3, "{out:?}");
    assert_eq!(
        out.stderr,
        format!(
            "mastolite: the token works, but its account could not be read, so give --account NAME to store it under: GET {url}/api/v1/accounts/verify_credentials: status 403: This action is outside the authorized scopes\n"
        )
    );
    assert!(!home.store().exists());
    let name = format!("bot@{host}");
    let out = import(&home, &url, &["--account", &name]);
    assert_eq!(out.code, 0, "{out:?}");
    // Asked twice by the check (accounts, then apps), then once for the account's name.
    user.assert_calls(4);
    app.assert_calls(2);
    let listed = Store::load(home.store()).unwrap().list();
    assert_eq!(
        (listed[0].kind, listed[0].account.as_deref()),
        (Kind::User, Some(name.as_str()))
    );
}

#[test]
fn an_app_token_is_stored_as_the_servers_app_token() {
    let server = MockServer::start();
    let user = answer(
        &server,
        USER,
        422,
        r#"{"error":"This method requires an authenticated user"}"#,
    );
    let app = answer(&server, APP, 200, APP_BODY);
    let home = Home::new("app");
    let url = server.base_url();
    let out = import(&home, &url, &[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stderr,
        format!(
            "mastolite: the token of {url} is stored for the app token in {}\n",
            home.store().display()
        )
    );
    user.assert_calls(1);
    app.assert_calls(1);
    let listed = Store::load(home.store()).unwrap().list();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(
        (listed[0].kind, listed[0].account.as_deref()),
        (Kind::App, None)
    );
}

#[test]
fn a_token_that_is_not_ok_is_not_stored_and_exits_as_check_does() {
    let cases: &[(u16, &str, i32, &str)] = &[
        (
            401,
            r#"{"error":"The access token is invalid"}"#,
            1,
            "rejected: GET {url}/api/v1/accounts/verify_credentials: status 401: The access token is invalid",
        ),
        (
            403,
            r#"{"error":"Your login is currently disabled"}"#,
            1,
            "disabled (login_disabled): GET {url}/api/v1/accounts/verify_credentials: status 403: Your login is currently disabled",
        ),
    ];
    for (status, body, code, words) in cases {
        let server = MockServer::start();
        let me = answer(&server, USER, *status, body);
        let home = Home::new("refused");
        let url = server.base_url();
        let out = import(&home, &url, &[]);
        assert_eq!(out.code, *code, "{out:?}");
        assert_eq!(
            out.stderr,
            format!(
                "mastolite: the token was not stored: {}\n",
                words.replace("{url}", &url)
            )
        );
        me.assert_calls(1);
        assert!(!home.store().exists(), "nothing is written");
    }
}

#[test]
fn the_server_must_be_named_and_the_token_must_be_given() {
    let server = MockServer::start();
    let me = answer(&server, USER, 200, ACCOUNT);
    let home = Home::new("mistakes");
    // A file with one server: still not a server named for this token.
    let file = format!(
        r#"{{"version":2,"servers":{{"{}":{{"app":null,"app_token":null,"users":{{}},"unnamed_user":{{"access_token":"SECRET_other","scope":null,"created_at":1,"expires_at":null}}}}}}}}"#,
        server.base_url()
    );
    Store::from_json(&file).unwrap().save(home.store()).unwrap();
    let out = home.run_stdin(&["login", "--with-token"], &format!("{TOKEN}\n"));
    assert_eq!(out.code, 3, "{out:?}");
    assert_eq!(
        out.stderr,
        "mastolite: login --with-token needs --server URL (or MASTOLITE_SERVER): the token goes only to the server named\n"
    );
    let url = server.base_url();
    for (stdin, words) in [
        ("", "no token was read from stdin"),
        ("  \n", "no token was read from stdin"),
    ] {
        let out = home.run_stdin(&["--server", &url, "login", "--with-token"], stdin);
        assert_eq!(out.code, 3, "{out:?}");
        assert_eq!(out.stderr, format!("mastolite: {words}\n"));
    }
    let long = "SECRET_".to_owned() + &"x".repeat(5000) + "\n";
    let out = home.run_stdin(&["--server", &url, "login", "--with-token"], &long);
    assert_eq!(out.code, 3, "{out:?}");
    assert_eq!(
        out.stderr,
        "mastolite: the token read from stdin is longer than 4096 bytes\n"
    );
    me.assert_calls(0);
    let out = home.run_stdin(&["login", "--with-token", "--scopes", "read"], "");
    assert_eq!(out.code, 3, "{out:?}");
    assert!(
        out.stderr
            .contains("--with-token takes none of --scopes, --force-login, --lang and --no-pkce"),
        "{out:?}"
    );
}

#[test]
fn forget_revokes_the_apps_own_tokens_and_only_forgets_an_imported_one() {
    let server = MockServer::start();
    let url = server.base_url();
    let host = &url["http://".len()..];
    let home = Home::new("forget");
    let file = format!(
        r#"{{"version":2,"servers":{{"{url}":{{
          "app":{{"name":"bot","client_id":"cid","client_secret":"SECRET_cs","redirect_uris":["urn:ietf:wg:oauth:2.0:oob"],"scopes":["read"],"website":null}},
          "app_token":{{"access_token":"SECRET_own_app","scope":"read","created_at":1,"expires_at":null}},
          "users":{{"alice@{host}":{{"access_token":"{TOKEN}","scope":null,"created_at":1,"expires_at":null,"imported":true}}}},
          "unnamed_user":null}}}}}}"#
    );
    Store::from_json(&file).unwrap().save(home.store()).unwrap();
    let revoke = |token: &str| {
        let token = token.to_owned();
        server.mock(move |when, then| {
            when.method(POST)
                .path("/oauth/revoke")
                .form_urlencoded_tuple("client_id", "cid")
                .form_urlencoded_tuple("client_secret", "SECRET_cs")
                .form_urlencoded_tuple("token", token.as_str());
            then.status(200).body("{}");
        })
    };
    let own = revoke("SECRET_own_app");
    let imported = revoke(TOKEN);
    let out = home.run_stdin(&["forget"], "");
    assert_eq!(out.code, 0, "{out:?}");
    own.assert_calls(1);
    imported.assert_calls(0);
    assert!(Store::load(home.store()).unwrap().list().is_empty());
}
