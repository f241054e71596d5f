//! `mastolite followers`/`following` print as pages arrive, in text, `--json` (one array) and
//! `--jsonl` (one object per line): a multi-page list is complete and in order, a failure after
//! the first page leaves what was printed with the usual one line on stderr and exit status, a
//! failure on the first page prints nothing, and `--max-items` closes the array. JSON output
//! escapes terminal controls. Built only with the `cli` feature.

use crate::cli_run;
use crate::common;
use crate::hostile_server;
use crate::tmpdir;

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::mpsc;
use std::time::Duration;

use cli_run::Out;
use httpmock::prelude::*;
use mastolite::Account;
use tmpdir::TempDir;

/// The binary with HOME in `home` and no MASTOLITE_* or XDG variable from the test's
/// environment: reads are anonymous.
fn mastolite(home: &TempDir, args: &[&str]) -> Command {
    let mut cmd = cli_run::command(home.path());
    cmd.args(args).stdin(Stdio::null());
    cmd
}

fn run(args: &[&str]) -> Out {
    let home = TempDir::new("cli-stream");
    let out = cli_run::run(mastolite(&home, args), "");
    if out.code == 0 {
        assert_eq!(out.stderr, "", "{args:?}: {out:?}");
    } else {
        assert_eq!(out.stderr.lines().count(), 1, "{args:?}: {out:?}");
        assert!(out.stderr.starts_with("mastolite: "), "{args:?}: {out:?}");
    }
    out
}

/// `followers 42 --limit 2 --all` against `base`, with the output options given.
fn all_pages(base: &str, format: &[&str]) -> Out {
    let mut args = vec!["--server", base];
    args.extend_from_slice(format);
    args.extend_from_slice(&["followers", "42", "--limit", "2", "--all"]);
    run(&args)
}

/// Accounts `first..first + n` as `(id, acct)`: `1, "u1"`, …
fn ids(first: u32, n: u32) -> Vec<(String, String)> {
    (first..first + n)
        .map(|i| (i.to_string(), format!("u{i}@other.example")))
        .collect()
}

fn page_body(accounts: &[(String, String)]) -> String {
    let pairs: Vec<(&str, &str)> = accounts
        .iter()
        .map(|(i, a)| (i.as_str(), a.as_str()))
        .collect();
    common::accounts_json(&pairs)
}

fn accts(accounts: &[Account]) -> Vec<String> {
    accounts.iter().map(|a| a.acct.clone()).collect()
}

fn expected(accounts: &[(String, String)]) -> Vec<String> {
    accounts.iter().map(|(_, a)| a.clone()).collect()
}

/// Three pages of followers of account 42 (2, 2 and 1 accounts), linked by `Link` headers with
/// the server's own cursors. The second page answers `second_status`: 200, or a failure.
fn three_pages(server: &MockServer, second_status: u16) -> [httpmock::Mock<'_>; 3] {
    let base = server.base_url();
    let path = "/api/v1/accounts/42/followers";
    let next = |cursor: &str| format!(r#"<{base}{path}?limit=2&max_id={cursor}>; rel="next""#);
    let first = server.mock(|when, then| {
        when.method(GET)
            .path(path)
            .query_param("limit", "2")
            .query_param_missing("max_id")
            .header_missing("authorization");
        then.status(200)
            .header("link", next("c900"))
            .body(page_body(&ids(1, 2)));
    });
    let second = server.mock(|when, then| {
        when.method(GET)
            .path(path)
            .query_param("limit", "2")
            .query_param("max_id", "c900");
        if second_status == 200 {
            then.status(200)
                .header("link", next("c800"))
                .body(page_body(&ids(3, 2)));
        } else {
            then.status(second_status)
                .body(r#"{"error":"The access token is invalid"}"#);
        }
    });
    let third = server.mock(|when, then| {
        when.method(GET)
            .path(path)
            .query_param("limit", "2")
            .query_param("max_id", "c800");
        then.status(200).body(page_body(&ids(5, 1)));
    });
    [first, second, third]
}

#[test]
fn a_multi_page_json_list_is_one_array_in_order() {
    let server = MockServer::start();
    let pages = three_pages(&server, 200);
    let base = server.base_url();
    let out = all_pages(&base, &["--json"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.starts_with('[') && out.stdout.ends_with("]\n"),
        "{out:?}"
    );
    assert_eq!(out.stdout.lines().count(), 1, "{out:?}");
    let all: Vec<Account> = common::decode("stdout", &out.stdout);
    assert_eq!(accts(&all), expected(&ids(1, 5)));
    assert_eq!(all[2].id.as_str(), "3");
    // The long form says the same.
    let again = all_pages(&base, &["--format", "json"]);
    assert_eq!(again.stdout, out.stdout);
    for page in &pages {
        page.assert_calls(2);
    }
}

#[test]
fn jsonl_prints_one_account_object_per_line() {
    let server = MockServer::start();
    let pages = three_pages(&server, 200);
    let base = server.base_url();
    for format in [
        &["--jsonl"][..],
        &["--format", "jsonl"],
        &["--format=jsonl"],
    ] {
        let out = all_pages(&base, format);
        assert_eq!(out.code, 0, "{out:?}");
        assert!(out.stdout.ends_with('\n'));
        let lines: Vec<Account> = out
            .stdout
            .lines()
            .map(|l| {
                assert!(l.starts_with('{') && l.ends_with('}'), "{l}");
                common::decode("a line of stdout", l)
            })
            .collect();
        assert_eq!(accts(&lines), expected(&ids(1, 5)), "{format:?}");
    }
    for page in &pages {
        page.assert_calls(3);
    }
}

#[test]
fn a_failure_after_the_first_page_leaves_the_array_open_with_the_usual_status() {
    for (status, code) in [(401, 1), (500, 2), (404, 4)] {
        let server = MockServer::start();
        let [first, second, third] = three_pages(&server, status);
        let base = server.base_url();
        let out = all_pages(&base, &["--json"]);
        assert_eq!(out.code, code, "{status}: {out:?}");
        assert!(out.stderr.contains(&status.to_string()), "{out:?}");
        // Page 1, complete items, no closing bracket, and the line ended.
        assert!(out.stdout.starts_with('['), "{out:?}");
        assert!(out.stdout.ends_with("}\n"), "{out:?}");
        assert_eq!(out.stdout.lines().count(), 1, "{out:?}");
        let printed: Vec<Account> =
            common::decode("stdout, closed", &format!("{}]", out.stdout.trim_end()));
        assert_eq!(accts(&printed), expected(&ids(1, 2)));
        first.assert_calls(1);
        second.assert_calls(1);
        third.assert_calls(0);

        let out = all_pages(&base, &["--jsonl"]);
        assert_eq!(out.code, code, "{out:?}");
        let lines: Vec<Account> = out
            .stdout
            .lines()
            .map(|l| common::decode("a line", l))
            .collect();
        assert_eq!(accts(&lines), expected(&ids(1, 2)));

        let out = all_pages(&base, &[]);
        assert_eq!(
            (out.code, out.stdout.as_str()),
            (code, "@u1@other.example\n@u2@other.example\n"),
            "{out:?}"
        );
    }
}

#[test]
fn a_failure_on_the_first_page_prints_nothing_on_stdout() {
    let server = MockServer::start();
    let rejected = server.mock(|when, then| {
        when.method(GET).path("/api/v1/accounts/42/followers");
        then.status(401)
            .body(r#"{"error":"This method requires an authenticated user"}"#);
    });
    let base = server.base_url();
    for args in [
        &["--json", "followers", "42", "--all"][..],
        &["--json", "followers", "42"],
        &["--jsonl", "followers", "42", "--all"],
        &["--format", "json", "followers", "42", "--max-items", "3"],
    ] {
        let mut full = vec!["--server", base.as_str()];
        full.extend_from_slice(args);
        let out = run(&full);
        assert_eq!(
            (out.code, out.stdout.as_str()),
            (1, ""),
            "{args:?}: {out:?}"
        );
        assert!(
            out.stderr.contains("requires an authenticated user"),
            "{out:?}"
        );
    }
    rejected.assert_calls(4);
}

#[test]
fn max_items_closes_the_array_and_fetches_no_further() {
    let server = MockServer::start();
    let [first, second, third] = three_pages(&server, 200);
    let base = server.base_url();
    let out = run(&[
        "--server",
        &base,
        "--json",
        "followers",
        "42",
        "--limit",
        "2",
        "--max-items",
        "3",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.ends_with("]\n"), "{out:?}");
    let all: Vec<Account> = common::decode("stdout", &out.stdout);
    assert_eq!(accts(&all), expected(&ids(1, 3)));
    let out = run(&[
        "--server",
        &base,
        "--jsonl",
        "followers",
        "42",
        "--limit",
        "2",
        "--max-items",
        "2",
    ]);
    assert_eq!(out.stdout.lines().count(), 2, "{out:?}");
    first.assert_calls(2);
    second.assert_calls(1);
    third.assert_calls(0);
}

#[test]
fn prometheus_is_a_usage_error_for_lists_and_nothing_is_sent() {
    let server = MockServer::start();
    let any = server.mock(|_, then| {
        then.status(599);
    });
    let base = server.base_url();
    for args in [
        &["followers", "42", "--format", "prometheus"][..],
        &["--format", "prometheus", "account", "42"],
        &["--format", "yaml", "followers", "42"],
    ] {
        let mut full = vec!["--server", base.as_str()];
        full.extend_from_slice(args);
        let out = run(&full);
        assert_eq!(
            (out.code, out.stdout.as_str()),
            (3, ""),
            "{args:?}: {out:?}"
        );
        assert!(out.stderr.contains("--format"), "{out:?}");
    }
    assert_eq!(any.calls(), 0);
}

/// A display name with ESC, a C1 CSI (U+009B) and a right-to-left override (U+202E), as the
/// server's JSON escapes them.
const HOSTILE_NAME: &str = r"\u001b]0;pwned\u0007\u009b2J\u202eevil";

fn hostile_account(id: &str) -> String {
    format!(
        r#"{{"id":"{id}","username":"mallory","acct":"mallory@evil.example","display_name":"{HOSTILE_NAME}","created_at":"2024-01-01T00:00:00.000Z","followers_count":0,"following_count":0,"statuses_count":0}}"#
    )
}

#[test]
fn json_output_escapes_terminal_controls() {
    let server = MockServer::start();
    let account = server.mock(|when, then| {
        when.method(GET).path("/api/v1/accounts/66");
        then.status(200).body(hostile_account("66"));
    });
    let list = server.mock(|when, then| {
        when.method(GET).path("/api/v1/accounts/66/followers");
        then.status(200).body(format!(
            "[{},{}]",
            hostile_account("67"),
            hostile_account("68")
        ));
    });
    let base = server.base_url();
    let escaped = r#""display_name":"\u001b]0;pwned\u0007\u009b2J\u202eevil""#;
    let unsafe_chars = ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}'];
    for args in [
        &["--json", "account", "66"][..],
        &["--jsonl", "account", "66"],
        &["--json", "followers", "66"],
        &["--jsonl", "followers", "66"],
    ] {
        let mut full = vec!["--server", base.as_str()];
        full.extend_from_slice(args);
        let out = run(&full);
        assert_eq!(out.code, 0, "{out:?}");
        assert!(!out.stdout.contains(unsafe_chars), "{args:?}: {out:?}");
        assert!(out.stdout.contains(escaped), "{args:?}: {}", out.stdout);
        for line in out.stdout.lines() {
            let accounts: Vec<Account> = if line.starts_with('[') {
                common::decode("a list", line)
            } else {
                vec![common::decode("an account", line)]
            };
            for a in accounts {
                assert_eq!(a.display_name, "\u{1b}]0;pwned\u{7}\u{9b}2J\u{202e}evil");
            }
        }
    }
    account.assert_calls(2);
    list.assert_calls(2);
}

/// Each page is printed before the next one is asked for: the server holds its answer to the
/// second request until the test has read the first page's accounts from the command's stdout.
#[test]
fn each_page_is_printed_before_the_next_is_fetched() {
    for (format, page_one_done) in [
        ("text", "@u2@other.example\n"),
        ("json", r#""acct":"u2@other.example""#),
        ("jsonl", r#""acct":"u2@other.example""#),
    ] {
        let (release, gate) = mpsc::channel::<()>();
        let gate = Mutex::new(gate);
        let server = hostile_server::Server::start(move |n, req, stream| {
            let host = req.header("host").unwrap_or_default().to_owned();
            let path = "/api/v1/accounts/42/followers";
            if n == 0 {
                let link = format!(r#"<http://{host}{path}?max_id=c900>; rel="next""#);
                let body = page_body(&ids(1, 2));
                let headers = [
                    ("Content-Type", "application/json"),
                    ("Link", link.as_str()),
                ];
                hostile_server::respond(stream, 200, &headers, body.as_bytes());
            } else {
                // Answered only once the test has seen page 1, or after a long while.
                let _ = gate.lock().unwrap().recv_timeout(Duration::from_secs(20));
                hostile_server::respond_json(stream, &page_body(&ids(3, 1)));
            }
        });
        let home = TempDir::new("cli-stream-gate");
        let url = server.url();
        let args = [
            "--server",
            &url,
            "--format",
            format,
            "followers",
            "42",
            "--all",
        ];
        let mut child = mastolite(&home, &args).spawn().expect("run mastolite");
        let mut stdout = child.stdout.take().unwrap();
        let (bytes, received) = mpsc::channel::<Vec<u8>>();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 || bytes.send(buf[..n].to_vec()).is_err() {
                    return;
                }
            }
        });
        let mut seen = Vec::new();
        while !String::from_utf8_lossy(&seen).contains(page_one_done) {
            match received.recv_timeout(Duration::from_secs(15)) {
                Ok(chunk) => seen.extend(chunk),
                Err(e) => panic!(
                    "{format}: page 1 was not printed while page 2 was pending ({e}): {:?}",
                    String::from_utf8_lossy(&seen)
                ),
            }
        }
        release.send(()).unwrap();
        assert!(child.wait().unwrap().success(), "{format}");
        assert_eq!(server.hits(), 2, "{format}");
        while let Ok(chunk) = received.recv_timeout(Duration::from_secs(15)) {
            seen.extend(chunk);
        }
        let text = String::from_utf8(seen).unwrap();
        match format {
            "text" => assert_eq!(
                text,
                "@u1@other.example\n@u2@other.example\n@u3@other.example\n"
            ),
            "json" => {
                let all: Vec<Account> = common::decode("stdout", &text);
                assert_eq!(accts(&all), expected(&ids(1, 3)));
            }
            _ => assert_eq!(text.lines().count(), 3, "{text}"),
        }
    }
}
