//! Small things of the command line, run with the real binary: "did you mean" for a mistyped
//! command or option, help text within 80 columns, `token --all` lines that name their
//! server, and the messages for a handle or a non-ASCII host name given as the server.

use crate::cli_run;

use std::process::Stdio;

use cli_run::{Home, app_json, token_json};
use httpmock::prelude::*;

const SECRET_A: &str = "SECRET_client_a";
const SECRET_B: &str = "SECRET_client_b";
const FRESH: &str = "SECRET_fresh";

/// The usage line of a command as the errors end with it.
fn usage(command: &str) -> String {
    let out = Home::new("usage").run(&[command, "--help"]);
    let first = out
        .stdout
        .split("\n\n")
        .next()
        .unwrap()
        .replace("\n      ", "");
    format!(
        "usage: {} (see mastolite {command} --help)",
        first.strip_prefix("usage: ").unwrap()
    )
}

#[test]
fn a_mistyped_command_or_option_gets_the_closest_name() {
    let home = Home::new("did-you-mean");
    let top = "usage: mastolite [OPTIONS] COMMAND [ARGS] (see mastolite --help)";
    let token = usage("token");
    let check = usage("check");
    let cases: &[(&[&str], String)] = &[
        (
            &["regsiter"],
            format!("unknown command \"regsiter\"; did you mean \"register\"? {top}"),
        ),
        (
            &["folowers", "@a"],
            format!("unknown command \"folowers\"; did you mean \"followers\"? {top}"),
        ),
        (
            &["help", "chekc"],
            format!("no command \"chekc\"; did you mean \"check\"? {top}"),
        ),
        (
            &["token", "--scope", "read"],
            format!("unknown option --scope for token; did you mean --scopes? {token}"),
        ),
        (
            &["token", "--scope=read"],
            format!("unknown option --scope for token; did you mean --scopes? {token}"),
        ),
        (
            &["check", "--jsno"],
            format!("unknown option --jsno for check; did you mean --json? {check}"),
        ),
        (
            &["--sever", "https://m.example", "check"],
            format!("unknown option --sever; did you mean --server? {top}"),
        ),
        (
            &["--hlep"],
            format!("unknown option --hlep; did you mean --help? {top}"),
        ),
        // Options of a command are not offered before it is named.
        (
            &["--scope", "read", "token"],
            format!("unknown option --scope; {top}"),
        ),
        // Nothing close: no guess.
        (
            &["frobnicate"],
            format!("unknown command \"frobnicate\"; {top}"),
        ),
        (
            &["check", "--frob"],
            format!("unknown option --frob for check; {check}"),
        ),
        (
            &["logout", "--all"],
            format!("unknown option --all for logout; {}", usage("logout")),
        ),
        // What is echoed is made safe; the guess is one of the tool's own names.
        (
            &["regis\u{1b}[2Jter"],
            format!("unknown command \"regis [2Jter\"; {top}"),
        ),
        (
            &["regis\u{1b}ter"],
            format!("unknown command \"regis ter\"; did you mean \"register\"? {top}"),
        ),
    ];
    for (args, line) in cases {
        let out = home.run(args);
        assert_eq!(
            (out.code, out.stdout.as_str(), out.stderr.as_str()),
            (3, "", format!("mastolite: {line}\n").as_str()),
            "{args:?}"
        );
    }
}

/// The commands the top-level help lists.
fn commands(help: &str) -> Vec<String> {
    let list = help.split("\ncommands:\n").nth(1).unwrap();
    let list = list.split("\n\n").next().unwrap();
    list.lines()
        .filter(|l| !l.starts_with("   "))
        .map(|l| l.split_whitespace().next().unwrap().to_owned())
        .collect()
}

#[test]
fn every_help_text_fits_80_columns() {
    let home = Home::new("help-width");
    let help = home.run(&["--help"]).stdout;
    let names = commands(&help);
    assert_eq!(
        names,
        [
            "register",
            "token",
            "login",
            "verify",
            "check",
            "logout",
            "revoke",
            "forget",
            "accounts",
            "followers",
            "following",
            "metadata",
            "account",
            "instance"
        ]
    );
    let mut texts = vec![("--help".to_owned(), help)];
    for name in &names {
        let out = home.run(&[name, "--help"]);
        assert_eq!(out.code, 0, "{out:?}");
        assert_eq!(home.run(&["help", name]).stdout, out.stdout);
        texts.push((name.clone(), out.stdout));
    }
    for (name, text) in &texts {
        for line in text.lines() {
            assert!(
                line.chars().count() <= 80,
                "{name}: {} columns: {line}",
                line.chars().count()
            );
            assert_eq!(line.trim_end(), line, "{name}: trailing space: {line:?}");
        }
    }
    // Wrapped lines stay under their column: a description's next line under the description.
    let check = &texts.iter().find(|(n, _)| n == "check").unwrap().1;
    assert!(
        check.contains(
            "  --renew                with --all: first renew each app token that has expired\n                         or expires within 15 minutes, as `token` does (one that\n                         could not be: renewal_failed)\n"
        ),
        "{check}"
    );
    assert!(check.starts_with(
        "usage: mastolite [OPTIONS] check [--all [--jobs N] [--renew]] [--output FILE]\n\nFor cron: checks the token"
    ));
    // A closed stdout ends the help quietly (no panic, status 0).
    let mut child = cli_run::command(home.dir.path())
        .arg("--help")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).as_ref()
        ),
        (Some(0), "")
    );
}

#[test]
fn the_top_level_help_shows_user_where_it_goes_and_documents_proxies() {
    let help = Home::new("help-user").run(&["--help"]).stdout;
    assert!(help.starts_with(
        "mastolite: Mastodon client-app access for scripts and cron jobs\n\n\
         usage: mastolite [--server URL] [--account NAME] [--store PATH] [--json]\n                 \
         [--format FORMAT] [--timeout SECONDS] [--allow-http] COMMAND\n                 \
         [ARGS]\n\ncommands:\n"
    ), "{help}");
    for line in [
        "  verify    [--app | --user]\n",
        "  logout    [--account NAME | --app | --user] [--server URL] [--local]\n",
        "  revoke    [--account NAME | --app | --user] [--server URL] [--local]\n",
        "  forget    [--local]\n",
    ] {
        assert!(help.contains(line), "{line}{help}");
    }
    // --user is a command's option, not a global one.
    let global = help
        .split("\noptions (before or after the command):\n")
        .nth(1)
        .unwrap();
    assert!(!global.split("\n\n").next().unwrap().contains("--user"));
    let environment = help.split("\nenvironment:\n").nth(1).unwrap();
    let environment = environment.split("\n\n").next().unwrap();
    assert!(environment.ends_with(
        "  HTTPS_PROXY            the proxy for https (else https_proxy, ALL_PROXY,\n                         \
         all_proxy: the first one set); the tunnel carries TLS\n                         \
         end to end. HTTP_PROXY is never read. Never used for\n                         \
         plain http or loopback addresses, nor under CGI\n                         \
         (REQUEST_METHOD set)\n  \
         NO_PROXY               (or no_proxy) host names that go without the proxy,\n                         \
         comma-separated, each with its subdomains; * for every\n                         \
         host"
    ), "{environment}");
    let logout = Home::new("help-logout").run(&["logout", "--help"]).stdout;
    assert!(logout.starts_with(
        "usage: mastolite [OPTIONS] logout [--account NAME | --app | --user]\n       [--server URL] [--local]\n\n"
    ), "{logout}");
    assert!(logout.contains("\n  --user                 a user token (the --account one, or the server's only\n                         one)\n"), "{logout}");
}

/// A credentials file with two servers, each with its app and an app token.
fn two_servers(a: &str, b: &str, b_expires: Option<i64>) -> String {
    format!(
        r#"{{"version":2,"servers":{{"{a}":{{"app":{},"app_token":{},"users":{{}}}},"{b}":{{"app":{},"app_token":{},"users":{{}}}}}}}}"#,
        app_json("cid_a", SECRET_A),
        token_json("SECRET_app_a", Some(1_000_000_000)),
        app_json("cid_b", SECRET_B),
        token_json("SECRET_app_b", b_expires),
    )
}

#[test]
fn token_all_names_each_server_on_its_line_or_in_its_object() {
    let (a, b) = (MockServer::start(), MockServer::start());
    let grant_a = a.mock(|when, then| {
        when.method(POST)
            .path("/oauth/token")
            .form_urlencoded_tuple("client_id", "cid_a")
            .form_urlencoded_tuple("client_secret", SECRET_A);
        then.status(200).body(format!(
            r#"{{"access_token":"{FRESH}","token_type":"Bearer","scope":"read","created_at":1700000900}}"#
        ));
    });
    let refuse_b = b.mock(|when, then| {
        when.method(POST).path("/oauth/token");
        then.status(401).body(
            r#"{"error":"invalid_client","error_description":"Client authentication failed"}"#,
        );
    });
    let (ua, ub) = (a.base_url(), b.base_url());
    let home = Home::new("token-all");
    // A's app token expired long ago, B's does not expire.
    home.write(&two_servers(&ua, &ub, None));
    let out = home.run(&["token", "--all", "--if-expired"]);
    // The servers come in the file's order.
    let mut lines = [
        format!("{ua}: app token stored (scopes: read)\n"),
        format!("{ub}: the app token is still valid (does not expire); nothing done\n"),
    ];
    lines.sort();
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (0, lines.concat().as_str(), ""),
        "{out:?}"
    );
    grant_a.assert_calls(1);
    refuse_b.assert_calls(0);
    // B refuses: its line on stderr names it too, and A's is renewed all the same.
    let out = home.run(&["token", "--all"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (
            1,
            format!("{ua}: app token stored (scopes: read)\n").as_str()
        ),
        "{out:?}"
    );
    assert_eq!(
        out.stderr,
        format!(
            "mastolite: {ub}: POST {ub}/oauth/token: status 401: invalid_client (Client authentication failed)\n"
        )
    );
    grant_a.assert_calls(2);
    refuse_b.assert_calls(1);
    // Without --all, one server and no prefix.
    let out = home.run(&["--server", &ua, "token"]);
    assert_eq!(out.stdout, "app token stored (scopes: read)\n");
    // --json: one array of the tokens stored, each naming its server, closed after B's
    // failure; --jsonl: one object per line; an --if-expired run that renews nothing: [].
    let stored = format!(
        r#"{{"server":"{ua}","kind":"app","token_type":"Bearer","scope":"read","created_at":1700000900,"expires_in":null,"acct":null}}"#
    );
    let out = home.run(&["--json", "token", "--all"]);
    assert_eq!(
        (out.code, out.stdout.clone()),
        (1, format!("[{stored}]\n")),
        "{out:?}"
    );
    let out = home.run(&["--jsonl", "token", "--all"]);
    assert_eq!((out.code, out.stdout.clone()), (1, format!("{stored}\n")));
    let out = home.run(&["--json", "--server", &ub, "token", "--if-expired"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""), "{out:?}");
    // A's renewed token does not expire, nor does B's.
    let out = home.run(&["--json", "token", "--all", "--if-expired"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "[]\n"), "{out:?}");
    grant_a.assert_calls(5);
}

#[test]
fn a_handle_or_a_host_name_that_is_not_ascii_as_the_server_says_what_to_give() {
    let home = Home::new("server-forms");
    let cases = [
        (
            "@alice@mastodon.social",
            "\"@alice@mastodon.social\" looks like a handle, not a server address; the server is https://mastodon.social",
        ),
        (
            "Alice@Mastodon.Social",
            "\"Alice@Mastodon.Social\" looks like a handle, not a server address; the server is https://mastodon.social",
        ),
        (
            "https://bücher.example",
            "the host name of https://bücher.example is not ASCII; use its xn-- (punycode) form, https://xn--bcher-kva.example",
        ),
        (
            "München.EXAMPLE:8443",
            "the host name of https://München.EXAMPLE:8443 is not ASCII; use its xn-- (punycode) form, https://xn--mnchen-3ya.example:8443",
        ),
        // Lower case outside ASCII needs Unicode's tables: no form is offered.
        (
            "https://MÜNCHEN.example",
            "the host name of https://MÜNCHEN.example is not ASCII; use its xn-- (punycode) form",
        ),
        (
            "https://alice@mastodon.social",
            "user info is not allowed in the server address: https://alice@mastodon.social",
        ),
    ];
    for (server, message) in cases {
        for command in ["instance", "register"] {
            let out = home.run(&["--server", server, command]);
            assert_eq!(
                (out.code, out.stdout.as_str(), out.stderr.as_str()),
                (
                    3,
                    "",
                    format!("mastolite: invalid input: {message}\n").as_str()
                ),
                "{server} {command}"
            );
        }
    }
    // MASTOLITE_SERVER says the same.
    let out = home.run_env(
        &["instance"],
        &[("MASTOLITE_SERVER", "@alice@mastodon.social")],
    );
    assert_eq!(
        out.stderr,
        format!("mastolite: invalid input: {}\n", cases[0].1)
    );
    assert!(!home.store().exists());
}
