//! `mastolite check --all` and `check --format …` as a process against httpmock: one line per
//! token in a stable order, every result and the exit-status order, `--json`, `jsonl`, the
//! Prometheus text parsed line by line, and the atomic `--output` file.

use crate::cli_run;
use crate::hostile_server;
use crate::tmpdir;

use cli_run::{Home, app_json, host, token_json};
use hostile_server::closed_port_url;
use httpmock::prelude::*;
use mastolite::store::Store;
use tmpdir::{mode, names, set_mode};

const APP_TOKEN: &str = "SECRET_app_tok";
const USER_TOKEN: &str = "SECRET_user_tok";
/// A token that cannot be sent in a header: the check cannot be tried.
const BAD_TOKEN: &str = "SECRET_bad\ntok";
const APP: &str = r#"{"id":"5","name":"bot","website":null,"scopes":["read"],"redirect_uris":["urn:ietf:wg:oauth:2.0:oob"],"redirect_uri":"urn:ietf:wg:oauth:2.0:oob","vapid_key":"BCk"}"#;
const PATH: &str = "/api/v1/apps/verify_credentials";

/// A credentials file for `server` with an app token and a user token (of `acct`).
fn write(home: &Home, server: &str, app: Option<(&str, Option<i64>)>, user: Option<(&str, &str)>) {
    let token = |t: &str, expires_at: Option<i64>, acct: Option<&str>| {
        let json = |v: Option<&str>| v.map_or("null".to_owned(), quote);
        format!(
            r#"{{"access_token":{},"scope":"read","created_at":1700000000,"expires_at":{},"acct":{}}}"#,
            quote(t),
            expires_at.map_or("null".to_owned(), |e| e.to_string()),
            json(acct)
        )
    };
    let app = app.map_or("null".to_owned(), |(t, e)| token(t, e, None));
    let user = user.map_or("null".to_owned(), |(t, a)| token(t, None, Some(a)));
    let text = format!(
        r#"{{"version":1,"server":"{server}","app":null,"tokens":{{"app":{app},"user":{user}}}}}"#
    );
    home.write(&text);
}

/// Every outcome's name, in the order the metrics and the perfdata list them.
const OUTCOMES: [&str; 7] = [
    "ok",
    "rejected",
    "disabled",
    "expired",
    "unavailable",
    "refused",
    "error",
];

/// A JSON string literal.
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Answers `token` at the app endpoint with `status` and `body`.
fn answer<'a>(server: &'a MockServer, token: &str, status: u16, body: &str) -> httpmock::Mock<'a> {
    server.mock(|when, then| {
        when.method(GET)
            .path(PATH)
            .header("authorization", format!("Bearer {token}"));
        then.status(status)
            .header("x-ratelimit-remaining", "299")
            .body(body);
    })
}

/// The lines with each latency (`12ms`) written as `Nms`.
fn without_latency(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| {
            l.split(' ')
                .map(|w| match w.strip_suffix("ms") {
                    Some(n) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => "Nms",
                    _ => w,
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// A monitoring plugin's output: its status line split at the perfdata, and the other lines
/// without latencies.
fn plugin_output(stdout: &str) -> (&str, &str, Vec<String>) {
    let mut lines = stdout.lines();
    let (head, perf) = lines.next().unwrap().split_once(" | ").unwrap();
    let rest: Vec<&str> = lines.collect();
    (head, perf, without_latency(&rest.join("\n")))
}

/// JSON with the values of `latency_ms` and `checked_at` written as 0.
fn without_times(json: &str) -> String {
    let mut out = json.to_owned();
    for key in ["\"latency_ms\":", "\"checked_at\":"] {
        let mut from = 0;
        while let Some(i) = out[from..].find(key) {
            let start = from + i + key.len();
            let end = start + out[start..].bytes().take_while(u8::is_ascii_digit).count();
            out.replace_range(start..end, "0");
            from = start;
        }
    }
    out
}

#[test]
fn every_token_one_line_in_a_stable_order() {
    let server = MockServer::start();
    let app = answer(&server, APP_TOKEN, 200, APP);
    let user = answer(&server, USER_TOKEN, 200, APP);
    let home = Home::new("ok");
    write(
        &home,
        &server.base_url(),
        Some((APP_TOKEN, None)),
        Some((USER_TOKEN, "Alice")),
    );
    for jobs in ["1", "8"] {
        let out = home.run(&["check", "--all", "--jobs", jobs]);
        assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{out:?}");
        let base = server.base_url();
        let h = host(&server);
        assert_eq!(
            without_latency(&out.stdout),
            [
                format!("{base} app - ok Nms"),
                format!("{base} user alice@{h} ok Nms"),
            ]
        );
    }
    app.assert_calls(2);
    user.assert_calls(2);
}

/// (app token's answer, user token's answer, exit status); `None` for an expired app token.
type Case = (
    Option<(u16, &'static str)>,
    (u16, &'static str),
    i32,
    [&'static str; 2],
);

#[test]
fn each_result_and_the_exit_status_order() {
    let cases: &[Case] = &[
        (
            Some((401, r#"{"error":"revoked"}"#)),
            (200, APP),
            1,
            ["rejected", "ok"],
        ),
        (None, (503, "down"), 1, ["expired", "unavailable"]),
        (Some((0, "")), (404, "{}"), 3, ["error", "refused"]),
        (Some((0, "")), (401, "{}"), 1, ["error", "rejected"]),
        (Some((400, "{}")), (503, ""), 4, ["refused", "unavailable"]),
        (Some((429, "{}")), (200, APP), 2, ["unavailable", "ok"]),
        (Some((200, "<html>")), (200, APP), 2, ["unavailable", "ok"]),
        (Some((302, "")), (200, APP), 4, ["refused", "ok"]),
        (Some((200, APP)), (200, APP), 0, ["ok", "ok"]),
    ];
    for (app, user, code, results) in cases {
        let server = MockServer::start();
        let home = Home::new("results");
        let app_token = match app {
            None => Some((APP_TOKEN, Some(1_000_000_000))),
            Some((0, _)) => Some((BAD_TOKEN, None)),
            Some(_) => Some((APP_TOKEN, None)),
        };
        write(
            &home,
            &server.base_url(),
            app_token,
            Some((USER_TOKEN, "bob")),
        );
        if let Some((status, body)) = app.filter(|(s, _)| *s != 0) {
            answer(&server, APP_TOKEN, status, body);
        }
        answer(&server, USER_TOKEN, user.0, user.1);
        let out = home.run(&["check", "--all"]);
        assert_eq!(out.code, *code, "{results:?}: {out:?}");
        let got: Vec<&str> = out
            .stdout
            .lines()
            .map(|l| l.split(' ').nth(3).unwrap())
            .collect();
        assert_eq!(got, results, "{out:?}");
        let failed = results.iter().filter(|r| **r != "ok").count();
        if failed == 0 {
            assert_eq!(out.stderr, "");
            continue;
        }
        let base = server.base_url();
        let mut parts = Vec::new();
        if results[0] != "ok" {
            parts.push(format!("{base} app {}", results[0]));
        }
        if results[1] != "ok" {
            parts.push(format!("{base} user bob@{} {}", host(&server), results[1]));
        }
        assert_eq!(
            out.stderr,
            format!(
                "mastolite: {failed} of 2 tokens failed: {}\n",
                parts.join(", ")
            )
        );
    }
}

#[test]
fn lines_keep_server_text_printable_and_say_when_a_token_expired() {
    let server = MockServer::start();
    answer(
        &server,
        USER_TOKEN,
        401,
        "{\"error\":\"bad \\u001b[2J\\u202e token\"}",
    );
    let home = Home::new("text");
    write(
        &home,
        &server.base_url(),
        Some((APP_TOKEN, Some(1_000_000_000))),
        Some((USER_TOKEN, "bob")),
    );
    let out = home.run(&["check", "--all"]);
    assert_eq!(out.code, 1);
    assert!(!out.stdout.contains(['\u{1b}', '\u{202e}']), "{out:?}");
    let base = server.base_url();
    assert_eq!(
        without_latency(&out.stdout),
        [
            format!("{base} app - expired Nms expired at 2001-09-09 01:46:40 UTC"),
            format!(
                "{base} user bob@{} rejected Nms GET {base}/api/v1/apps/verify_credentials: status 401: bad  [2J  token",
                host(&server)
            ),
        ]
    );
}

#[test]
fn json_and_jsonl() {
    let server = MockServer::start();
    answer(&server, APP_TOKEN, 200, APP);
    answer(&server, USER_TOKEN, 503, "");
    let home = Home::new("json");
    write(
        &home,
        &server.base_url(),
        Some((APP_TOKEN, None)),
        Some((USER_TOKEN, "bob")),
    );
    let base = server.base_url();
    let h = host(&server);
    let app = format!(
        r#"{{"server":"{base}","kind":"app","account":null,"status":"ok","detail":null,"http_status":200,"latency_ms":0,"rate_limit_remaining":299,"error":null,"expires_at":null,"checked_at":0}}"#
    );
    let user = format!(
        r#"{{"server":"{base}","kind":"user","account":"bob@{h}","status":"unavailable","detail":null,"http_status":503,"latency_ms":0,"rate_limit_remaining":299,"error":"GET {base}/api/v1/apps/verify_credentials: status 503 without an error message","expires_at":null,"checked_at":0}}"#
    );
    for args in [
        &["check", "--all", "--json"][..],
        &["--format", "json", "check", "--all"],
    ] {
        let out = home.run(args);
        assert_eq!(out.code, 2);
        assert_eq!(without_times(&out.stdout), format!("[{app},{user}]\n"));
        assert!(out.stderr.starts_with("mastolite: 1 of 2 tokens failed: "));
    }
    let out = home.run(&["check", "--all", "--format", "jsonl"]);
    assert_eq!(out.code, 2);
    assert_eq!(without_times(&out.stdout), format!("{app}\n{user}\n"));
    // A single check stays one object.
    let out = home.run(&["check", "--json"]);
    assert_eq!(
        out.stdout,
        format!(
            "{{\"status\":\"unavailable\",\"detail\":null,\"kind\":\"user\",\"http_status\":503,\"error\":\"the user token of bob@{}: GET {}/api/v1/apps/verify_credentials: status 503 without an error message\"}}\n",
            host(&server),
            server.base_url()
        )
    );
}

/// One sample line: name, labels (unescaped) and value.
#[derive(Debug, PartialEq)]
struct Sample {
    name: String,
    labels: Vec<(String, String)>,
    value: String,
}

/// Parses a sample line of the exposition format, unescaping label values.
fn parse_sample(line: &str) -> Sample {
    let Some(open) = line.find('{') else {
        let (name, value) = line.split_once(' ').expect("a space before the value");
        assert!(value.parse::<f64>().is_ok(), "{line}");
        let (name, value) = (name.to_owned(), value.to_owned());
        return Sample {
            name,
            labels: Vec::new(),
            value,
        };
    };
    let name = line[..open].to_owned();
    let mut labels = Vec::new();
    let mut rest = &line[open + 1..];
    loop {
        let eq = rest.find("=\"").expect("label=\"");
        let key = rest[..eq].to_owned();
        let mut value = String::new();
        let mut chars = rest[eq + 2..].char_indices();
        let end = loop {
            match chars.next().expect("closing quote") {
                (_, '\\') => match chars.next().expect("escape").1 {
                    'n' => value.push('\n'),
                    c @ ('\\' | '"') => value.push(c),
                    c => panic!("bad escape \\{c} in {line}"),
                },
                (i, '"') => break eq + 2 + i + 1,
                (_, '\n') => panic!("raw newline in {line}"),
                (_, c) => value.push(c),
            }
        };
        labels.push((key, value));
        rest = &rest[end..];
        match rest.as_bytes().first() {
            Some(b',') => rest = &rest[1..],
            Some(b'}') => break,
            _ => panic!("bad labels in {line}"),
        }
    }
    let value = rest[1..]
        .strip_prefix(' ')
        .expect("space before the value")
        .to_owned();
    assert!(value.parse::<f64>().is_ok(), "{line}");
    Sample {
        name,
        labels,
        value,
    }
}

const FAMILIES: [&str; 6] = [
    "mastolite_token_up",
    "mastolite_check_status_code",
    "mastolite_check_duration_seconds",
    "mastolite_ratelimit_remaining",
    "mastolite_token_expiry_timestamp_seconds",
    "mastolite_check_timestamp_seconds",
];

#[test]
fn prometheus_text_line_by_line() {
    let server = MockServer::start();
    answer(&server, USER_TOKEN, 401, "{}");
    let home = Home::new("prom");
    // Account names are validated before they are stored (`[a-z0-9_.-]+@host`), so no label
    // value here needs escaping; the escaping itself has a unit test in the binary.
    let acct = "Alice";
    write(
        &home,
        &server.base_url(),
        Some((APP_TOKEN, Some(1_000_000_000))),
        Some((USER_TOKEN, acct)),
    );
    let out = home.run(&["check", "--all", "--format", "prometheus"]);
    cli_run::keep_metrics("check-all", &out.stdout);
    assert_eq!(out.code, 1);
    let account = format!("{}@{}", acct.to_lowercase(), host(&server));
    let labels = |kind: &str, account: &str| {
        vec![
            ("server".to_owned(), server.base_url()),
            ("kind".to_owned(), kind.to_owned()),
            ("account".to_owned(), account.to_owned()),
        ]
    };
    let mut lines = out.stdout.lines();
    let mut samples = Vec::new();
    for name in FAMILIES {
        let help = lines.next().unwrap();
        assert!(help.starts_with(&format!("# HELP {name} ")), "{help}");
        assert!(help.len() > name.len() + 10, "{help}");
        assert_eq!(lines.next().unwrap(), format!("# TYPE {name} gauge"));
        // The app token expired: no request, so no rate limit for it; the user token has no
        // known expiry.
        let expected_kinds: &[&str] = match name {
            "mastolite_ratelimit_remaining" => &["user"],
            "mastolite_token_expiry_timestamp_seconds" => &["app"],
            _ => &["app", "user"],
        };
        for kind in expected_kinds {
            let s = parse_sample(lines.next().unwrap());
            assert_eq!(s.name, name);
            let account = if *kind == "app" { "" } else { &account };
            assert_eq!(s.labels, labels(kind, account));
            samples.push((name, *kind, s.value));
        }
    }
    // Each token's outcome as a state set: one sample per outcome, 1 for its own.
    assert_eq!(
        lines.next().unwrap(),
        "# HELP mastolite_token_status The check's outcome, as a state set: 1 for the token's outcome, 0 for the others."
    );
    assert_eq!(lines.next().unwrap(), "# TYPE mastolite_token_status gauge");
    for (kind, current) in [("app", "expired"), ("user", "rejected")] {
        for status in OUTCOMES {
            let s = parse_sample(lines.next().unwrap());
            let account = if kind == "app" { "" } else { &account };
            let mut expected = labels(kind, account);
            expected.push(("status".to_owned(), status.to_owned()));
            assert_eq!(
                (s.name.as_str(), &s.labels),
                ("mastolite_token_status", &expected)
            );
            assert_eq!(
                s.value,
                if status == current { "1" } else { "0" },
                "{kind} {status}"
            );
        }
    }
    // The run's own families.
    let rest: Vec<&str> = lines.collect();
    assert_eq!(rest.len(), 9, "{rest:?}");
    assert_eq!(
        rest[1..3],
        [
            "# TYPE mastolite_run_success gauge",
            "mastolite_run_success 1"
        ]
    );
    assert_eq!(rest[4], "# TYPE mastolite_run_timestamp_seconds gauge");
    let at: i64 = rest[5]
        .strip_prefix("mastolite_run_timestamp_seconds ")
        .unwrap()
        .parse()
        .unwrap();
    assert!(at > 1_700_000_000, "{at}");
    assert_eq!(
        rest[7..],
        [
            "# TYPE mastolite_build_info gauge",
            &format!(
                "mastolite_build_info{{version=\"{}\"}} 1",
                env!("CARGO_PKG_VERSION")
            ),
        ]
    );
    let value = |name: &str, kind: &str| {
        samples
            .iter()
            .find(|(n, k, _)| *n == name && *k == kind)
            .map(|(_, _, v)| v.clone())
            .unwrap()
    };
    assert_eq!(value("mastolite_token_up", "app"), "0");
    assert_eq!(value("mastolite_token_up", "user"), "0");
    assert_eq!(value("mastolite_check_status_code", "app"), "0");
    assert_eq!(value("mastolite_check_status_code", "user"), "401");
    assert_eq!(value("mastolite_check_duration_seconds", "app"), "0.000");
    assert_eq!(
        value("mastolite_token_expiry_timestamp_seconds", "app"),
        "1000000000"
    );
    assert_eq!(value("mastolite_ratelimit_remaining", "user"), "299");
    let at: i64 = value("mastolite_check_timestamp_seconds", "user")
        .parse()
        .unwrap();
    assert!(at > 1_700_000_000);

    // Healthy: up 1 and the rate limit.
    let server = MockServer::start();
    answer(&server, APP_TOKEN, 200, APP);
    write(&home, &server.base_url(), Some((APP_TOKEN, None)), None);
    let out = home.run(&["check", "--all", "--format=prometheus"]);
    assert_eq!(out.code, 0);
    let samples: Vec<Sample> = out
        .stdout
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(parse_sample)
        .collect();
    let names: Vec<&str> = samples.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            FAMILIES[0],
            FAMILIES[1],
            FAMILIES[2],
            FAMILIES[3],
            FAMILIES[5],
            "mastolite_token_status",
            "mastolite_token_status",
            "mastolite_token_status",
            "mastolite_token_status",
            "mastolite_token_status",
            "mastolite_token_status",
            "mastolite_token_status",
            "mastolite_run_success",
            "mastolite_run_timestamp_seconds",
            "mastolite_build_info",
        ]
    );
    assert_eq!(samples[5].value, "1");
    assert_eq!(samples[6].value, "0");
    assert_eq!(samples[0].value, "1");
    assert_eq!(samples[1].value, "200");
    assert_eq!(samples[3].value, "299");
    // A single check speaks the same format.
    let single = home.run(&["check", "--format", "prometheus"]);
    assert_eq!(single.code, 0);
    assert_eq!(single.stdout.lines().count(), out.stdout.lines().count());
}

#[test]
fn a_run_that_fails_before_any_check_still_writes_metrics_that_say_so() {
    let home = Home::new("prom-failed");
    let out_file = home.dir.join("mastolite.prom");
    std::fs::write(&out_file, "mastolite_token_up 1\n").unwrap();
    // A corrupt credentials file: nothing can be checked.
    std::fs::write(home.store(), "{not json").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(home.store(), std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let file = out_file.to_str().unwrap();
    for args in [
        &["check", "--all", "--format", "prometheus", "--output", file][..],
        &["check", "--format", "prometheus", "--output", file],
    ] {
        let out = home.run(args);
        assert_eq!(out.code, 3, "{out:?}");
        assert_eq!(out.stdout, "");
        let text = std::fs::read_to_string(&out_file).unwrap();
        cli_run::keep_metrics(&format!("failed-run-{}", args.len()), &text);
        let samples: Vec<Sample> = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(parse_sample)
            .collect();
        let got: Vec<(&str, &str)> = samples
            .iter()
            .map(|s| (s.name.as_str(), s.value.as_str()))
            .filter(|(n, _)| *n != "mastolite_run_timestamp_seconds")
            .collect();
        assert_eq!(
            got,
            [
                ("mastolite_run_success", "0"),
                ("mastolite_build_info", "1")
            ]
        );
        assert!(
            text.contains("\nmastolite_run_timestamp_seconds 1"),
            "{text}"
        );
    }
    // Other formats leave the file alone.
    std::fs::write(&out_file, "kept\n").unwrap();
    let out = home.run(&["check", "--all", "--json", "--output", file]);
    assert_eq!(out.code, 3);
    assert_eq!(std::fs::read_to_string(&out_file).unwrap(), "kept\n");
}

#[test]
fn output_file_is_replaced_atomically_and_readable_by_the_collector() {
    let server = MockServer::start();
    answer(&server, APP_TOKEN, 200, APP);
    answer(&server, USER_TOKEN, 401, "{}");
    let home = Home::new("output");
    write(
        &home,
        &server.base_url(),
        Some((APP_TOKEN, None)),
        Some((USER_TOKEN, "bob")),
    );
    let metrics = home.dir.join("mastolite.prom");
    std::fs::write(&metrics, "old").unwrap();
    set_mode(&metrics, 0o600);
    let path = metrics.to_str().unwrap();
    let out = home.run(&["check", "--all", "--format", "prometheus", "--output", path]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout, "");
    assert!(out.stderr.starts_with("mastolite: 1 of 2 tokens failed"));
    let written = std::fs::read_to_string(&metrics).unwrap();
    let shown = home
        .run(&["check", "--all", "--format", "prometheus"])
        .stdout;
    let shape = |t: &str| -> Vec<String> {
        t.lines()
            .map(|l| l.rsplit_once(' ').map_or(l, |(head, _)| head).to_owned())
            .collect()
    };
    assert_eq!(shape(&written), shape(&shown));
    assert!(written.contains("mastolite_token_up{"));
    assert!(!written.contains("SECRET"));
    assert_eq!(mode(&metrics), 0o644);
    // No temp file stays beside it (the credentials file's lock file is not a temp file).
    assert_eq!(
        names(home.dir.path()),
        [
            ".credentials.json.lock",
            "credentials.json",
            "mastolite.prom"
        ]
    );

    // A folder that does not exist: a local error, nothing left behind.
    let missing = home.dir.join("nope/m.prom");
    let out = home.run(&["check", "--all", "--output", missing.to_str().unwrap()]);
    assert_eq!(out.code, 3);
    assert!(out.stderr.contains("cannot write"), "{out:?}");
    assert_eq!(
        names(home.dir.path()),
        [
            ".credentials.json.lock",
            "credentials.json",
            "mastolite.prom"
        ]
    );
}

#[test]
fn nothing_to_check_is_a_local_error() {
    let home = Home::new("empty");
    write(&home, "https://m.example", None, None);
    let out = home.run(&["check", "--all"]);
    assert_eq!((out.code, out.stdout.as_str()), (3, ""));
    assert!(out.stderr.contains("holds no token to check"), "{out:?}");
    let out = home.run(&["check", "--jobs", "2"]);
    assert_eq!(out.code, 3);
    assert!(out.stderr.contains("--jobs goes with --all"), "{out:?}");
}

#[test]
fn nagios_status_line_perfdata_and_plugin_exit_codes() {
    // (the user token's answer, the plugin state, its exit code, the summary)
    let cases = [
        (200, "OK", 0, "2 tokens accepted"),
        (
            401,
            "CRITICAL",
            2,
            "1 of 2 tokens rejected, disabled or expired",
        ),
        (410, "WARNING", 1, "1 of 2 tokens refused"),
        (503, "UNKNOWN", 3, "1 of 2 tokens could not be checked"),
    ];
    for (status, state, code, summary) in cases {
        let server = MockServer::start();
        answer(&server, APP_TOKEN, 200, APP);
        let body = if status == 200 { APP } else { "{}" };
        answer(&server, USER_TOKEN, status, body);
        let home = Home::new("nagios");
        write(
            &home,
            &server.base_url(),
            Some((APP_TOKEN, None)),
            Some((USER_TOKEN, "bob")),
        );
        for args in [
            &["check", "--all", "--format", "nagios"][..],
            &["--format=nagios", "check", "--all"],
        ] {
            let out = home.run(args);
            assert_eq!(out.code, code, "{status}: {out:?}");
            let mut lines = out.stdout.lines();
            let first = lines.next().unwrap();
            let (head, perf) = first.split_once(" | ").unwrap();
            assert_eq!(head, format!("MASTOLITE {state} - {summary}"));
            let counts = |o: &str| match (o, status) {
                ("ok", 200) => 2,
                ("ok", _) => 1,
                ("rejected", 401) | ("refused", 410) | ("unavailable", 503) => 1,
                _ => 0,
            };
            let fields: Vec<&str> = perf.split(' ').collect();
            let outcomes = OUTCOMES;
            assert_eq!(fields.len(), 8, "{perf}");
            for (field, o) in fields.iter().zip(outcomes) {
                assert_eq!(*field, format!("{o}={};;;0", counts(o)));
            }
            let time = fields[7]
                .strip_prefix("time=")
                .unwrap()
                .strip_suffix("s;;;0")
                .unwrap();
            assert!(time.parse::<f64>().unwrap() < 10.0, "{time}");
            // Then one line per token that is not ok.
            let rest: Vec<&str> = lines.collect();
            assert_eq!(rest.len(), usize::from(status != 200), "{rest:?}");
            if let Some(line) = rest.first() {
                assert!(
                    line.starts_with(&format!("{} user bob@", server.base_url())),
                    "{line}"
                );
            }
        }
        // A single check speaks the same format.
        let out = home.run(&["check", "--format", "nagios"]);
        assert_eq!(out.code, code, "{out:?}");
        assert!(
            out.stdout.starts_with(&format!("MASTOLITE {state} - ")),
            "{out:?}"
        );
    }
    // A run that fails here, and a bad command line: UNKNOWN, with a line on stdout.
    let home = Home::new("nagios-local");
    std::fs::write(home.store(), "{not json").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(home.store(), std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let out = home.run(&["check", "--all", "--format", "nagios"]);
    assert_eq!(out.code, 3);
    assert!(out.stdout.starts_with("MASTOLITE UNKNOWN - "), "{out:?}");
    assert_eq!(out.stdout.lines().count(), 1);
    for args in [
        &["check", "--format", "nagios", "--output", "x.txt"][..],
        &["--format", "nagios", "verify"],
    ] {
        let out = home.run(args);
        assert_eq!(out.code, 3, "{out:?}");
        assert!(out.stdout.starts_with("MASTOLITE UNKNOWN - "), "{out:?}");
    }
}

#[test]
fn renew_replaces_expired_app_tokens_and_a_dead_server_reads_unavailable() {
    let live = MockServer::start();
    let dead = closed_port_url();
    let home = Home::new("renew");
    let (a, ha) = (live.base_url(), host(&live));
    let file = format!(
        r#"{{"version":2,"servers":{{
          "{a}":{{"app":{app_a},"app_token":{old_a},"users":{{"alice@{ha}":{alice}}},"unnamed_user":null}},
          "{dead}":{{"app":{app_b},"app_token":{old_b},"users":{{}},"unnamed_user":null}}}}}}"#,
        app_a = app_json("cid_a", "SECRET_cs_a"),
        app_b = app_json("cid_b", "SECRET_cs_b"),
        old_a = token_json("SECRET_old_a", Some(1_000_000_000)),
        old_b = token_json("SECRET_old_b", Some(1_000_000_000)),
        alice = token_json(USER_TOKEN, None),
    );
    Store::from_json(&file).unwrap().save(home.store()).unwrap();
    let grant = live.mock(|when, then| {
        when.method(POST)
            .path("/oauth/token")
            .header("content-type", "application/x-www-form-urlencoded")
            .form_urlencoded_tuple("grant_type", "client_credentials")
            .form_urlencoded_tuple("client_id", "cid_a")
            .form_urlencoded_tuple("client_secret", "SECRET_cs_a")
            .form_urlencoded_tuple("scope", "read");
        then.status(200).body(
            r#"{"access_token":"SECRET_new_a","token_type":"Bearer","scope":"read","created_at":1700000000,"expires_in":7200}"#,
        );
    });
    let renewed = answer(&live, "SECRET_new_a", 200, APP);
    let user = live.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/accounts/verify_credentials")
            .header("authorization", format!("Bearer {USER_TOKEN}"));
        then.status(200)
            .body(r#"{"id":"1","username":"alice","acct":"alice","display_name":"","created_at":"2020-01-01T00:00:00.000Z","statuses_count":0,"followers_count":0,"following_count":0}"#);
    });
    let before = mastolite::cli_support::unix_now();
    let out = home.run(&["check", "--all", "--renew"]);
    assert_eq!(out.code, 2, "{out:?}");
    grant.assert_calls(1);
    renewed.assert_calls(1);
    user.assert_calls(1);
    let lines = without_latency(&out.stdout);
    assert!(lines.contains(&format!("{a} app - ok Nms")), "{out:?}");
    assert!(
        lines.contains(&format!("{a} user alice@{ha} ok Nms")),
        "{out:?}"
    );
    let dead_line = lines
        .iter()
        .find(|l| l.starts_with(&dead))
        .expect("the dead server's line");
    let expected = format!(
        "{dead} app - unavailable Nms (renewal_failed) the app token expired and renewing it failed: POST {dead}/oauth/token: "
    );
    assert!(dead_line.starts_with(&expected), "{dead_line}");
    assert_eq!(
        out.stderr,
        format!("mastolite: 1 of 3 tokens failed: {dead} app unavailable\n")
    );
    // The new token is stored with its expiry; the dead server's stays as it was.
    let text = std::fs::read_to_string(home.store()).unwrap();
    let stored = Store::from_json(&text).unwrap();
    let listed: Vec<_> = stored
        .list()
        .into_iter()
        .filter(|c| c.kind == mastolite::check::Kind::App)
        .collect();
    assert_eq!(listed.len(), 2, "{listed:?}");
    let expiry = |origin: &str| {
        listed
            .iter()
            .find(|c| c.server == origin)
            .unwrap()
            .expires_at
    };
    let new_expiry = expiry(&a).unwrap();
    assert!(
        (before + 7200..=before + 7210).contains(&new_expiry),
        "{new_expiry}"
    );
    assert_eq!(expiry(&dead), Some(1_000_000_000));
    assert!(text.contains("SECRET_new_a") && !text.contains("SECRET_old_a"));
    assert!(text.contains("SECRET_old_b"));

    // Once renewed, the next run has nothing to renew on the live server.
    let out = home.run(&["check", "--all", "--renew", "--format", "prometheus"]);
    assert_eq!(out.code, 2, "{out:?}");
    grant.assert_calls(1);
    renewed.assert_calls(2);
    assert!(out.stdout.contains(&format!(
        "mastolite_token_status{{server=\"{dead}\",kind=\"app\",account=\"\",status=\"unavailable\"}} 1\n"
    )), "{}", out.stdout);
}

/// A server of a version 2 credentials file: its origin, its app token (no app) and its
/// users (`name@host` and token).
type V2Server<'a> = (&'a str, Option<&'a str>, &'a [(&'a str, &'a str)]);

/// A version 2 credentials file of `servers`.
fn write_v2(home: &Home, servers: &[V2Server]) {
    let entries: Vec<String> = servers
        .iter()
        .map(|(origin, app_token, users)| {
            let users: Vec<String> = users
                .iter()
                .map(|(name, token)| format!("{}:{}", quote(name), token_json(token, None)))
                .collect();
            format!(
                r#""{origin}":{{"app":null,"app_token":{},"users":{{{}}},"unnamed_user":null}}"#,
                app_token.map_or("null".to_owned(), |t| token_json(t, None)),
                users.join(",")
            )
        })
        .collect();
    let file = format!(r#"{{"version":2,"servers":{{{}}}}}"#, entries.join(","));
    Store::from_json(&file).unwrap().save(home.store()).unwrap();
}

/// `path` answering `token` with `status` and the JSON `body`, after `delay`.
fn endpoint<'a>(
    server: &'a MockServer,
    path: &str,
    token: &str,
    status: u16,
    body: &str,
    delay: std::time::Duration,
) -> httpmock::Mock<'a> {
    server.mock(|when, then| {
        when.method(GET)
            .path(path)
            .header("authorization", format!("Bearer {token}"));
        then.status(status)
            .header("content-type", "application/json; charset=utf-8")
            .delay(delay)
            .body(body);
    })
}

const ACCOUNT_PATH: &str = "/api/v1/accounts/verify_credentials";

#[test]
fn check_all_gives_each_token_the_budget_of_a_single_check() {
    use std::time::Duration;
    let server = MockServer::start();
    let wait = Duration::from_millis(800);
    let first = endpoint(&server, ACCOUNT_PATH, USER_TOKEN, 404, "{}", wait);
    let fallback = endpoint(&server, PATH, USER_TOKEN, 200, APP, wait);
    let home = Home::new("budget");
    let (base, h) = (server.base_url(), host(&server));
    write_v2(
        &home,
        &[(&base, None, &[(&format!("alice@{h}"), USER_TOKEN)])],
    );
    let out = home.run(&["--timeout", "1", "check", "--all"]);
    // The fallback has 0.2 s left of the token's 1 s, and its answer comes after 0.8 s:
    // without the budget it would arrive, and the token read `ok` after 1.6 s.
    assert_eq!(out.code, 2, "{out:?}");
    first.assert_calls(1);
    fallback.assert_calls(1);
    let lines = without_latency(&out.stdout);
    assert_eq!(lines.len(), 1, "{out:?}");
    let expected = format!(
        "{base} user alice@{h} unavailable Nms GET {base}/api/v1/apps/verify_credentials: "
    );
    assert_eq!(
        lines[0],
        format!("{expected}timed out after 1 s"),
        "{out:?}"
    );
    assert_eq!(
        out.stderr,
        format!("mastolite: 1 of 1 tokens failed: {base} user alice@{h} unavailable\n")
    );
    assert!(
        out.elapsed < Duration::from_millis(1900),
        "{:?}",
        out.elapsed
    );
}

/// With `--format nagios`, the renewals of `--renew` fit in the run's `--timeout` too: two
/// servers whose token endpoint never answers cost one budget, not two, and the renewal that
/// found no time left reads `unavailable` (UNKNOWN) without a request.
#[test]
fn nagios_renewals_end_within_the_timeout() {
    use hostile_server::{Server, wait_for_hangup};
    use std::time::Duration;
    let (one, two) = (
        Server::start(|_, _, s| wait_for_hangup(s)),
        Server::start(|_, _, s| wait_for_hangup(s)),
    );
    // The file keeps its servers in order, and they are renewed in it.
    let (one, two) = if one.url() < two.url() {
        (one, two)
    } else {
        (two, one)
    };
    let (a, b) = (one.url(), two.url());
    let home = Home::new("nagios-renew");
    home.write(&format!(
        r#"{{"version":2,"servers":{{"{a}":{{"app":{},"app_token":{},"users":{{}}}},"{b}":{{"app":{},"app_token":{},"users":{{}}}}}}}}"#,
        app_json("cid_a", "SECRET_cs_a"),
        token_json("SECRET_old_a", Some(1_000_000_000)),
        app_json("cid_b", "SECRET_cs_b"),
        token_json("SECRET_old_b", Some(1_000_000_000)),
    ));
    let args = [
        "--timeout",
        "1",
        "check",
        "--all",
        "--renew",
        "--format",
        "nagios",
    ];
    let out = home.run(&args);
    // One budget, not two: without the run's deadline about 2 s.
    assert!(
        out.elapsed < Duration::from_millis(1800),
        "{:?}",
        out.elapsed
    );
    assert_eq!(out.code, 3, "{out:?}");
    let (head, perf, rest) = plugin_output(&out.stdout);
    assert_eq!(
        head,
        "MASTOLITE UNKNOWN - 2 of 2 tokens could not be checked"
    );
    assert!(
        perf.starts_with("ok=0;;;0 rejected=0;;;0 disabled=0;;;0 expired=0;;;0 unavailable=2;;;0"),
        "{perf}"
    );
    assert_eq!(
        rest,
        [
            format!(
                "{a} app - unavailable Nms (renewal_failed) the app token expired and renewing it failed: POST {a}/oauth/token: timed out after 1 s"
            ),
            format!(
                "{b} app - unavailable Nms (renewal_failed) the app token expired and was not renewed: the run's --timeout had passed"
            ),
        ],
        "{out:?}"
    );
    assert_eq!((one.hits(), two.hits()), (1, 0));
    // Nothing was renewed: the file is as it was.
    assert!(
        String::from_utf8(home.bytes())
            .unwrap()
            .contains("SECRET_old_b")
    );
}

/// With `--format nagios`, a renewal waits for a lock another run holds only until the run's
/// `--timeout`, not `--timeout` plus 5 s.
#[test]
fn nagios_renewals_wait_for_the_lock_only_until_the_timeout() {
    use std::time::Duration;
    let live = MockServer::start();
    let grant = live.mock(|when, then| {
        when.method(POST).path("/oauth/token");
        then.status(200).body(
            r#"{"access_token":"SECRET_new_a","token_type":"Bearer","scope":"read","created_at":1700000000}"#,
        );
    });
    let a = live.base_url();
    let home = Home::new("nagios-lock");
    home.write(&format!(
        r#"{{"version":2,"servers":{{"{a}":{{"app":{},"app_token":{},"users":{{}}}}}}}}"#,
        app_json("cid_a", "SECRET_cs_a"),
        token_json("SECRET_old_a", Some(1_000_000_000)),
    ));
    // Another run holds the lock.
    let lock = tmpdir::hold_lock(home.dir.path());
    let out = home.run(&[
        "--timeout",
        "1",
        "check",
        "--all",
        "--renew",
        "--format",
        "nagios",
    ]);
    drop(lock);
    // Without the run's deadline, the lock is waited for 6 s.
    assert!(
        out.elapsed < Duration::from_millis(1800),
        "{:?}",
        out.elapsed
    );
    grant.assert_calls(1);
    let (head, perf, rest) = plugin_output(&out.stdout);
    assert_eq!(
        (out.code, head),
        (3, "MASTOLITE UNKNOWN - 1 of 1 tokens could not be checked"),
        "{out:?}"
    );
    assert!(
        perf.contains(" unavailable=0;;;0 refused=0;;;0 error=1;;;0 "),
        "{perf}"
    );
    let locked = format!(
        "{a} app - error Nms (renewal_failed) the app token expired and renewing it failed: the credentials file {} is locked by another run; try again (waited ",
        home.store().display()
    );
    assert_eq!(rest.len(), 1, "{out:?}");
    assert!(
        rest[0].starts_with(&locked) && rest[0].ends_with(" s)"),
        "{out:?}"
    );
    assert!(
        String::from_utf8(home.bytes())
            .unwrap()
            .contains("SECRET_old_a")
    );
}

#[test]
fn nagios_ends_the_whole_run_within_the_timeout() {
    use hostile_server::{Server, wait_for_hangup};
    use std::time::Duration;
    // A server that never answers, and four tokens checked one at a time.
    let server = Server::start(|_, _, s| wait_for_hangup(s));
    let base = server.url();
    let h = base.trim_start_matches("http://").to_owned();
    let home = Home::new("nagios-deadline");
    let names: Vec<String> = ["a", "b", "c", "d"]
        .iter()
        .map(|n| format!("{n}@{h}"))
        .collect();
    let users: Vec<(&str, &str)> = names
        .iter()
        .zip(["SECRET_a", "SECRET_b", "SECRET_c", "SECRET_d"])
        .map(|(n, t)| (n.as_str(), t))
        .collect();
    write_v2(&home, &[(&base, None, &users)]);
    let out = home.run(&[
        "--timeout",
        "1",
        "check",
        "--all",
        "--jobs",
        "1",
        "--format",
        "nagios",
    ]);
    // One budget, not four: without the run's deadline about 4 s.
    assert!(
        out.elapsed < Duration::from_millis(2500),
        "{:?}",
        out.elapsed
    );
    assert_eq!(out.code, 3, "{out:?}");
    let (head, perf, rest) = plugin_output(&out.stdout);
    assert_eq!(
        head,
        "MASTOLITE UNKNOWN - 4 of 4 tokens could not be checked"
    );
    let (counts, time) = perf.rsplit_once(" time=").unwrap();
    assert_eq!(
        counts,
        "ok=0;;;0 rejected=0;;;0 disabled=0;;;0 expired=0;;;0 unavailable=4;;;0 refused=0;;;0 error=0;;;0"
    );
    let time: f64 = time.strip_suffix("s;;;0").unwrap().parse().unwrap();
    assert!((0.9..2.5).contains(&time), "{time}");
    assert_eq!(rest.len(), 4, "{out:?}");
    // The first check ran into the deadline; the others were never started.
    let timed_out = format!("{base} user a@{h} unavailable Nms GET {base}{ACCOUNT_PATH}: ");
    assert!(
        rest[0].starts_with(&timed_out) && rest[0].ends_with("timed out after 1 s"),
        "{out:?}"
    );
    for (line, n) in rest[1..].iter().zip(["b", "c", "d"]) {
        assert_eq!(
            *line,
            format!(
                "{base} user {n}@{h} unavailable Nms {}",
                mastolite::check::NOT_CHECKED
            )
        );
    }
    assert_eq!(server.hits(), 1);
    assert_eq!(
        out.stderr,
        "mastolite: MASTOLITE UNKNOWN - 4 of 4 tokens could not be checked\n"
    );
}

#[test]
fn a_mixed_file_gives_each_token_its_outcome_exit_status_and_metrics() {
    let zero = std::time::Duration::ZERO;
    // A GoToSocial server, whose app token has no user…
    let gts = MockServer::start();
    let gts_app = endpoint(
        &gts,
        PATH,
        APP_TOKEN,
        401,
        r#"{"error":"Unauthorized: user not supplied or not authorized"}"#,
        zero,
    );
    // … and a Mastodon with a disabled account, a revoked token, a bot token without `read`
    // (4.2: neither endpoint lets it in) and one with `read` but not `read:accounts` (4.3).
    let masto = MockServer::start();
    let scope = r#"{"error":"This action is outside the authorized scopes"}"#;
    let mocks = [
        endpoint(
            &masto,
            ACCOUNT_PATH,
            "SECRET_dis",
            403,
            r#"{"error":"Your login is currently disabled"}"#,
            zero,
        ),
        endpoint(
            &masto,
            ACCOUNT_PATH,
            "SECRET_rev",
            401,
            r#"{"error":"The access token was revoked"}"#,
            zero,
        ),
        endpoint(&masto, ACCOUNT_PATH, "SECRET_old", 403, scope, zero),
        endpoint(&masto, PATH, "SECRET_old", 403, scope, zero),
        endpoint(&masto, ACCOUNT_PATH, "SECRET_sco", 403, scope, zero),
        endpoint(&masto, PATH, "SECRET_sco", 200, APP, zero),
    ];
    let (a, b, hb) = (gts.base_url(), masto.base_url(), host(&masto));
    let home = Home::new("mixed");
    let users = [
        (format!("dis@{hb}"), "SECRET_dis"),
        (format!("rev@{hb}"), "SECRET_rev"),
        (format!("old@{hb}"), "SECRET_old"),
        (format!("sco@{hb}"), "SECRET_sco"),
    ];
    let users: Vec<(&str, &str)> = users.iter().map(|(n, t)| (n.as_str(), *t)).collect();
    write_v2(&home, &[(&a, Some(APP_TOKEN), &[]), (&b, None, &users)]);

    // Text: one line each, sorted by server, kind and account.
    let out = home.run(&["check", "--all"]);
    assert_eq!(out.code, 1, "{out:?}");
    let gts_lines = vec![format!("{a} app - ok Nms (app_token)")];
    let masto_lines = vec![
        format!(
            "{b} user dis@{hb} disabled Nms (login_disabled) GET {b}{ACCOUNT_PATH}: status 403: Your login is currently disabled"
        ),
        format!("{b} user old@{hb} ok Nms (scope_limited)"),
        format!(
            "{b} user rev@{hb} rejected Nms GET {b}{ACCOUNT_PATH}: status 401: The access token was revoked"
        ),
        format!("{b} user sco@{hb} ok Nms (scope_limited)"),
    ];
    let expected: Vec<String> = if a < b {
        [gts_lines, masto_lines].concat()
    } else {
        [masto_lines, gts_lines].concat()
    };
    assert_eq!(without_latency(&out.stdout), expected, "{out:?}");
    assert_eq!(
        out.stderr,
        format!(
            "mastolite: 2 of 5 tokens failed: {b} user dis@{hb} disabled, {b} user rev@{hb} rejected\n"
        )
    );

    // Prometheus: each token's state and `up`.
    let out = home.run(&["check", "--all", "--format", "prometheus"]);
    assert_eq!(out.code, 1, "{out:?}");
    cli_run::keep_metrics("mixed", &out.stdout);
    let tokens = [
        (&a, "app", String::new(), "ok"),
        (&b, "user", format!("dis@{hb}"), "disabled"),
        (&b, "user", format!("old@{hb}"), "ok"),
        (&b, "user", format!("rev@{hb}"), "rejected"),
        (&b, "user", format!("sco@{hb}"), "ok"),
    ];
    for (server, kind, account, status) in &tokens {
        let labels = format!("server=\"{server}\",kind=\"{kind}\",account=\"{account}\"");
        for o in OUTCOMES {
            let sample = format!(
                "mastolite_token_status{{{labels},status=\"{o}\"}} {}\n",
                u8::from(o == *status)
            );
            assert!(out.stdout.contains(&sample), "{sample}{}", out.stdout);
        }
        let up = format!(
            "mastolite_token_up{{{labels}}} {}\n",
            u8::from(*status == "ok")
        );
        assert!(out.stdout.contains(&up), "{up}{}", out.stdout);
    }
    assert_eq!(out.stdout.matches("mastolite_token_up{").count(), 5);
    assert!(out.stdout.contains("\nmastolite_run_success 1\n"));

    // Nagios: CRITICAL, the counts, and the tokens that are not ok.
    let out = home.run(&["check", "--all", "--format", "nagios"]);
    assert_eq!(out.code, 2, "{out:?}");
    let lines = without_latency(&out.stdout);
    let (head, perf) = lines[0].split_once(" | ").unwrap();
    assert_eq!(
        head,
        "MASTOLITE CRITICAL - 2 of 5 tokens rejected, disabled or expired"
    );
    assert!(perf.starts_with(
        "ok=3;;;0 rejected=1;;;0 disabled=1;;;0 expired=0;;;0 unavailable=0;;;0 refused=0;;;0 error=0;;;0 time="
    ), "{perf}");
    let not_ok: Vec<&String> = expected
        .iter()
        .filter(|l| l.contains(" disabled ") || l.contains(" rejected "))
        .collect();
    assert_eq!(lines[1..].iter().collect::<Vec<_>>(), not_ok);
    assert_eq!(
        out.stderr,
        "mastolite: MASTOLITE CRITICAL - 2 of 5 tokens rejected, disabled or expired\n"
    );

    gts_app.assert_calls(3);
    for (i, m) in mocks.iter().enumerate() {
        // Each endpoint once a run; the disabled and the revoked tokens need no fallback.
        assert_eq!(m.calls(), 3, "mock {i}");
    }
}
