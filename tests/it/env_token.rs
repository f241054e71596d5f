//! `MASTOLITE_TOKEN` is bound to its own server: `MASTOLITE_SERVER`, else the credentials
//! file's only server. `--server` naming another server gets no token: public reads go without
//! it (with a note on stderr), other commands exit 3 naming both servers, and nothing reaches
//! the other server with the token.

use crate::cli_run;
use crate::tmpdir;

use httpmock::prelude::*;
use tmpdir::TempDir;

const TOKEN: &str = "SECRET_env_bound_tok";
const INSTANCE: &str = r#"{"domain":"b.example","title":"B","version":"4.3.0"}"#;

/// Runs the binary with `env` added; no output may show the token.
fn run(home: &TempDir, args: &[&str], env: &[(&str, &str)]) -> cli_run::Out {
    let mut cmd = cli_run::command(home.path());
    cmd.args(args).envs(env.iter().copied());
    let out = cli_run::run(cmd, "");
    assert!(!out.stdout.contains(TOKEN), "{out:?}");
    assert!(!out.stderr.contains(TOKEN), "{out:?}");
    out
}

/// Any request that carries an `Authorization` header, to prove none arrived.
fn with_token(server: &MockServer) -> httpmock::Mock<'_> {
    server.mock(|when, then| {
        when.header_exists("authorization");
        then.status(599);
    })
}

/// `GET /api/v2/instance` without a token.
fn anonymous_instance(server: &MockServer) -> httpmock::Mock<'_> {
    server.mock(|when, then| {
        when.method(GET)
            .path("/api/v2/instance")
            .header_missing("authorization");
        then.status(200).body(INSTANCE);
    })
}

/// Finding 2: with `MASTOLITE_SERVER=A` and A's token exported, `--server B` sends B nothing
/// with the token (today's code sent A's token to B).
#[test]
fn mastolite_server_binds_the_token() {
    let (a, b) = (MockServer::start(), MockServer::start());
    let home = TempDir::new("env-token-bound");
    let (ua, ub) = (a.base_url(), b.base_url());
    let env = [
        ("MASTOLITE_SERVER", ua.as_str()),
        ("MASTOLITE_TOKEN", TOKEN),
    ];
    let stolen = with_token(&b);
    let anonymous = anonymous_instance(&b);

    // A public read goes to B without the token, and says so.
    let out = run(&home, &["--server", &ub, "instance"], &env);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "B (b.example) 4.3.0\n");
    assert_eq!(
        out.stderr,
        format!(
            "mastolite: note: MASTOLITE_TOKEN is for {ua}, not {ub}: reading without a token\n"
        )
    );
    anonymous.assert_calls(1);

    // Commands that need the token exit 3, naming both servers, before any request.
    for command in ["verify", "check"] {
        let out = run(&home, &["--server", &ub, command], &env);
        assert_eq!((out.code, out.stdout.as_str()), (3, ""), "{out:?}");
        assert_eq!(
            out.stderr,
            format!(
                "mastolite: MASTOLITE_TOKEN is for {ua}, not {ub}, and is not sent there; set MASTOLITE_SERVER={ub} to send it, or unset MASTOLITE_TOKEN to use a stored token\n"
            ),
            "{command}"
        );
    }
    stolen.assert_calls(0);
    anonymous.assert_calls(1);

    // Naming the token's own server (in any spelling of its origin) sends it.
    let own = a.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/apps/verify_credentials")
            .header("authorization", format!("Bearer {TOKEN}"));
        then.status(200).body(r#"{"name":"bot"}"#);
    });
    let out = run(&home, &["--server", &format!("{ua}/"), "verify"], &env);
    assert_eq!((out.code, out.stdout.as_str()), (0, "bot\n"), "{out:?}");
    let out = run(&home, &["verify"], &env);
    assert_eq!((out.code, out.stdout.as_str()), (0, "bot\n"), "{out:?}");
    own.assert_calls(2);
}

/// The credentials file's only server binds the token as `MASTOLITE_SERVER` does; with
/// neither, `--server` names the token's server.
#[test]
fn the_only_stored_server_binds_the_token_and_else_server_names_it() {
    let (a, b) = (MockServer::start(), MockServer::start());
    let home = TempDir::new("env-token-file");
    let (ua, ub) = (a.base_url(), b.base_url());
    let store = home.join("credentials.json");
    std::fs::write(
        &store,
        format!(
            r#"{{"version":2,"servers":{{"{ua}":{{"app":{{"name":"bot","client_id":"cid","client_secret":"SECRET_cs_env","redirect_uris":["urn:ietf:wg:oauth:2.0:oob"],"scopes":["read"],"website":null}},"app_token":null,"users":{{}},"unnamed_user":null}}}}}}"#
        ),
    )
    .unwrap();
    tmpdir::set_mode(&store, 0o600);
    let store = store.to_str().unwrap().to_owned();
    let mut stolen = with_token(&b);
    let anonymous = anonymous_instance(&b);
    let env = [("MASTOLITE_TOKEN", TOKEN)];

    let out = run(
        &home,
        &["--store", &store, "--server", &ub, "instance"],
        &env,
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stderr,
        format!(
            "mastolite: note: MASTOLITE_TOKEN is for {ua}, not {ub}: reading without a token\n"
        )
    );
    let out = run(&home, &["--store", &store, "--server", &ub, "verify"], &env);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(
        out.stderr.starts_with(&format!(
            "mastolite: MASTOLITE_TOKEN is for {ua}, not {ub},"
        )),
        "{out:?}"
    );
    stolen.assert_calls(0);
    anonymous.assert_calls(1);
    stolen.delete();

    // No MASTOLITE_SERVER and no credentials file: --server names the token's server.
    let sent = b.mock(|when, then| {
        when.method(GET)
            .path("/api/v2/instance")
            .header("authorization", format!("Bearer {TOKEN}"));
        then.status(200).body(INSTANCE);
    });
    let out = run(&home, &["--server", &ub, "instance"], &env);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{out:?}");
    sent.assert_calls(1);
}
