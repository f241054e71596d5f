//! The crontab line and systemd units of docs/cli.md, taken from the page as it stands (not
//! retyped), run against two loopback servers: one that answers, and one where nothing
//! listens. The file holds both servers' apps, with app tokens that have expired, and a user
//! on each. The live server's app token is renewed and both its tokens read `ok`; the dead
//! server's read `unavailable` (the app token with `renewal_failed`), and nothing else stops.
//! The metrics file the service writes is also kept for `.ci/run`, which passes it to
//! `promtool check metrics`.

use crate::cli_run;
use crate::hostile_server;
use crate::tmpdir;

use std::path::{Path, PathBuf};

use cli_run::{app_json, token_json};
use hostile_server::closed_port_url;
use httpmock::prelude::*;
use mastolite::store::Store;
use tmpdir::{TempDir, mode};

const APP: &str = r#"{"id":"5","name":"bot","website":null,"scopes":["read"],"redirect_uris":["urn:ietf:wg:oauth:2.0:oob"],"redirect_uri":"urn:ietf:wg:oauth:2.0:oob","vapid_key":"BCk"}"#;
const ACCOUNT: &str = r#"{"id":"1","username":"alice","acct":"alice","display_name":"","created_at":"2020-01-01T00:00:00.000Z","statuses_count":0,"followers_count":0,"following_count":0}"#;

fn cli_page() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/cli.md")).unwrap()
}

/// The command of docs/cli.md's crontab line (`*/5 * * * * COMMAND`).
fn crontab_command(page: &str) -> String {
    let line = page
        .lines()
        .find(|l| l.starts_with("*/5 * * * * "))
        .expect("docs/cli.md has a crontab line");
    line.splitn(6, ' ').nth(5).unwrap().to_owned()
}

/// docs/cli.md's systemd units: each `# /etc/systemd/system/NAME` comment in its `ini` block
/// and the lines up to the next one.
fn units(page: &str) -> Vec<(String, String)> {
    let start = page.find("```ini\n").expect("docs/cli.md has an ini block") + 7;
    let block = &page[start..start + page[start..].find("```").unwrap()];
    let mut units: Vec<(String, String)> = Vec::new();
    for line in block.lines() {
        if let Some(name) = line.strip_prefix("# /etc/systemd/system/") {
            units.push((name.to_owned(), String::new()));
        } else if let Some((_, text)) = units.last_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    units
}

/// The values of `key=` in a unit's text.
fn settings<'a>(unit: &'a str, key: &str) -> Vec<&'a str> {
    let prefix = format!("{key}=");
    unit.lines()
        .filter_map(|l| l.strip_prefix(prefix.as_str()))
        .collect()
}

/// The live server's answers: a new app token for `cid_a`, and 200 for it and for alice.
fn answer(live: &MockServer) -> [httpmock::Mock<'_>; 3] {
    let grant = live.mock(|when, then| {
        when.method(POST)
            .path("/oauth/token")
            .form_urlencoded_tuple("grant_type", "client_credentials")
            .form_urlencoded_tuple("client_id", "cid_a")
            .form_urlencoded_tuple("client_secret", "SECRET_cs_a");
        then.status(200).body(
            r#"{"access_token":"SECRET_new_a","token_type":"Bearer","scope":"read","created_at":1700000000,"expires_in":7200}"#,
        );
    });
    let app = live.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/apps/verify_credentials")
            .header("authorization", "Bearer SECRET_new_a");
        then.status(200).body(APP);
    });
    let user = live.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/accounts/verify_credentials")
            .header("authorization", "Bearer SECRET_alice");
        then.status(200).body(ACCOUNT);
    });
    [grant, app, user]
}

/// A credentials file at `path` with both servers' apps, their expired app tokens, alice on
/// the live server and carol on the dead one.
fn write_store(path: &Path, live: &str, dead: &str) {
    let (hl, hd) = (&live["http://".len()..], &dead["http://".len()..]);
    let text = format!(
        r#"{{"version":2,"servers":{{
          "{live}":{{"app":{},"app_token":{},"users":{{"alice@{hl}":{}}},"unnamed_user":null}},
          "{dead}":{{"app":{},"app_token":{},"users":{{"carol@{hd}":{}}},"unnamed_user":null}}}}}}"#,
        app_json("cid_a", "SECRET_cs_a"),
        token_json("SECRET_old_a", Some(1_000_000_000)),
        token_json("SECRET_alice", None),
        app_json("cid_b", "SECRET_cs_b"),
        token_json("SECRET_old_b", Some(1_000_000_000)),
        token_json("SECRET_carol", None),
    );
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    Store::from_json(&text).unwrap().save(path).unwrap();
}

fn no_secret(out: &cli_run::Out) {
    for secret in ["SECRET", "[redacted]"] {
        assert!(!out.stdout.contains(secret), "{out:?}");
        assert!(!out.stderr.contains(secret), "{out:?}");
    }
}

/// What both recipes must leave: the live server's new app token stored, the dead server's
/// old one kept.
fn renewed_in(store: &Path) {
    let text = std::fs::read_to_string(store).unwrap();
    assert!(text.contains("SECRET_new_a") && !text.contains("SECRET_old_a"));
    assert!(text.contains("SECRET_old_b"));
}

#[test]
fn the_crontab_line_checks_every_server_and_renews_where_it_can() {
    let command = crontab_command(&cli_page());
    let live = MockServer::start();
    let dead = closed_port_url();
    let mocks = answer(&live);
    let home = TempDir::new("recipe-cron");
    // cron runs the line with the crontab user's HOME: the file at its default place.
    let store = home.join(".config/mastolite/credentials.json");
    write_store(&store, &live.base_url(), &dead);
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_mastolite")).parent().unwrap();
    let mut sh = cli_run::program("/bin/sh", home.path());
    sh.env("PATH", format!("{}:/usr/bin:/bin", bin_dir.display()))
        .arg("-c")
        .arg(&command);
    let out = cli_run::run(sh, "");
    no_secret(&out);
    // 2: a server was unavailable, and no token is rejected.
    assert_eq!(out.code, 2, "{command}: {out:?}");
    assert_eq!(out.stdout, "", "{command}");
    let hd = &dead["http://".len()..];
    assert_eq!(
        out.stderr,
        format!(
            "mastolite: 2 of 4 tokens failed: {dead} app unavailable, {dead} user carol@{hd} unavailable\n"
        )
    );
    for (mock, calls) in mocks.iter().zip([1, 1, 1]) {
        mock.assert_calls(calls);
    }
    renewed_in(&store);
}

#[test]
fn the_systemd_units_as_written() {
    let units = units(&cli_page());
    let names: Vec<&str> = units.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["mastolite-check.service", "mastolite-check.timer"]);
    let (_, service) = &units[0];
    let (_, timer) = &units[1];
    assert_eq!(settings(timer, "OnCalendar"), ["*:0/5"]);
    assert_eq!(settings(service, "StateDirectory"), ["mastolite"]);
    assert_eq!(settings(service, "User"), ["mastolite"]);

    // The service's paths, under a folder of the test's own.
    let root = TempDir::new("recipe-systemd");
    let rooted = |s: &str| {
        s.replace("/var/lib/", &format!("{}/var/lib/", root.path().display()))
            .replace("/usr/local/bin/mastolite", env!("CARGO_BIN_EXE_mastolite"))
    };
    let live = MockServer::start();
    let dead = closed_port_url();
    let mocks = answer(&live);
    let mut store = None;
    let exec = settings(service, "ExecStart");
    assert_eq!(exec.len(), 1);
    let argv: Vec<String> = exec[0].split_whitespace().map(rooted).collect();
    let mut cmd = cli_run::program(&argv[0], root.path());
    cmd.args(&argv[1..]);
    for setting in settings(service, "Environment") {
        let (key, value) = setting.split_once('=').unwrap();
        let value = rooted(value);
        if key == "MASTOLITE_STORE" {
            store = Some(PathBuf::from(&value));
        }
        cmd.env(key, value);
    }
    let store = store.expect("the unit names the credentials file");
    write_store(&store, &live.base_url(), &dead);
    // ReadWritePaths: the textfile folder exists, made by the install line of docs/cli.md.
    let metrics = PathBuf::from(argv.last().unwrap());
    std::fs::create_dir_all(metrics.parent().unwrap()).unwrap();
    let out = cli_run::run(cmd, "");
    no_secret(&out);
    let success: Vec<i32> = settings(service, "SuccessExitStatus")
        .iter()
        .flat_map(|v| v.split_whitespace())
        .map(|n| n.parse().unwrap())
        .collect();
    assert_eq!(out.code, 2, "{argv:?}: {out:?}");
    assert!(success.contains(&out.code), "{success:?}");
    for (mock, calls) in mocks.iter().zip([1, 1, 1]) {
        mock.assert_calls(calls);
    }
    renewed_in(&store);
    let text = std::fs::read_to_string(&metrics).unwrap();
    assert_eq!(mode(&metrics), 0o644);
    let l = live.base_url();
    let (hl, hd) = (host_of(&l), host_of(&dead));
    for sample in [
        format!("mastolite_token_up{{server=\"{l}\",kind=\"app\",account=\"\"}} 1"),
        format!("mastolite_token_up{{server=\"{l}\",kind=\"user\",account=\"alice@{hl}\"}} 1"),
        format!(
            "mastolite_token_status{{server=\"{dead}\",kind=\"app\",account=\"\",status=\"unavailable\"}} 1"
        ),
        format!(
            "mastolite_token_status{{server=\"{dead}\",kind=\"user\",account=\"carol@{hd}\",status=\"unavailable\"}} 1"
        ),
        "mastolite_run_success 1".to_owned(),
    ] {
        assert!(text.lines().any(|line| line == sample), "{sample}\n{text}");
    }
    cli_run::keep_metrics("systemd-recipe", &text);
}

fn host_of(origin: &str) -> &str {
    &origin["http://".len()..]
}
