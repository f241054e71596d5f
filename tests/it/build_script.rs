//! Builds `examples/build-script` (its own crate, with mastolite as a build dependency) against
//! an httpmock server, then against a closed port, and runs the binary to read what its
//! `build.rs` baked in. The first run compiles the example's dependencies (about a minute);
//! later runs only rerun its build script. Where the example is absent (the published package
//! leaves it out), the test says so and passes.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant, SystemTime};

use httpmock::prelude::*;

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/build-script");

/// A target dir of its own inside the main one, so that the example's dependencies are compiled
/// once and kept.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"))
        .join("build-script-test")
}

/// `cargo build` of the example with these `MASTOLITE_*` variables (and no others).
fn build(vars: &[(&str, &str)]) -> Output {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.arg("build")
        .current_dir(EXAMPLE)
        .env("CARGO_TARGET_DIR", target_dir())
        .env("CARGO_TERM_COLOR", "never")
        .env_remove("MASTOLITE_SERVER")
        .env_remove("MASTOLITE_HANDLE")
        .env_remove("MASTOLITE_TOKEN");
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("cargo runs");
    assert!(
        out.status.success(),
        "the example's build failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The example's build-script warnings in cargo's output.
fn warnings(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.starts_with("warning: mastolite-build-script-example"))
        .map(str::to_owned)
        .collect()
}

/// What the built binary prints.
fn run_binary() -> String {
    let exe = target_dir().join("debug").join(format!(
        "mastolite-build-script-example{}",
        std::env::consts::EXE_SUFFIX
    ));
    let out = Command::new(&exe)
        .output()
        .expect("the example binary runs");
    assert!(out.status.success());
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn build_script_bakes_the_account_in_or_falls_back() {
    // The published package leaves the example crate out.
    if !std::path::Path::new(EXAMPLE).join("Cargo.toml").exists() {
        eprintln!("skipped: examples/build-script is not part of this copy of the crate");
        return;
    }
    // A token unique to this run: it makes the build script run again, and the mock checks it.
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .expect("after 1970")
        .as_nanos();
    let token = format!("build-token-{nanos}");
    let server = MockServer::start();
    let lookup = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/accounts/lookup")
            .query_param("acct", "alice@mastodon.example")
            .header("authorization", format!("Bearer {token}"));
        then.status(200).body(
            r#"{"id":"7","username":"alice","acct":"alice@mastodon.example",
                "display_name":"Alice \"the \\ tester\" ✨","created_at":"2023-01-01T00:00:00.000Z",
                "statuses_count":3,"followers_count":1234,"following_count":5}"#,
        );
    });

    let out = build(&[
        ("MASTOLITE_SERVER", &server.base_url()),
        ("MASTOLITE_HANDLE", "@alice@mastodon.example"),
        ("MASTOLITE_TOKEN", &token),
    ]);
    assert_eq!(lookup.calls(), 1, "build.rs looked the account up once");
    assert_eq!(warnings(&out), Vec::<String>::new());
    assert_eq!(
        run_binary(),
        "handle: @alice@mastodon.example\n\
         display name: Alice \"the \\ tester\" ✨\n\
         followers: 1234\n\
         fetched at build time: true\n"
    );
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains(&token),
        "the token never shows in the build output"
    );

    // Server text with a newline and a `cargo:` line in it stays data: in the baked string, and
    // on the warning's one line.
    let payload = "\ncargo:warning=INJECTED\ncargo:rustc-env=EVIL=1\n";
    let hostile = MockServer::start();
    hostile.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/accounts/lookup")
            .query_param("acct", "mallory");
        then.status(200).body(format!(
            r#"{{"id":"8","username":"mallory","acct":"mallory","display_name":{:?},
                "created_at":"2023-01-01T00:00:00.000Z","followers_count":1,"following_count":0,"statuses_count":0}}"#,
            format!("Mallory{payload}")
        ));
    });
    hostile.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/accounts/lookup")
            .query_param("acct", "eve");
        then.status(404).body(format!(
            r#"{{"error":{:?}}}"#,
            format!("Record not found{payload}")
        ));
    });
    let out = build(&[
        ("MASTOLITE_SERVER", &hostile.base_url()),
        ("MASTOLITE_HANDLE", "@mallory"),
        ("MASTOLITE_TOKEN", &format!("{token}-2")),
    ]);
    assert_eq!(warnings(&out), Vec::<String>::new());
    assert_eq!(
        run_binary(),
        format!(
            "handle: @mallory\n\
             display name: Mallory{payload}\n\
             followers: 1\n\
             fetched at build time: true\n"
        )
    );
    let out = build(&[
        ("MASTOLITE_SERVER", &hostile.base_url()),
        ("MASTOLITE_HANDLE", "@eve"),
    ]);
    let w = warnings(&out);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].contains("Record not found"), "{}", w[0]);
    assert!(w[0].ends_with("using fallback values"), "{}", w[0]);

    // A port that nobody listens on: the build still succeeds, quickly, with one warning.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = closed.local_addr().expect("an address").port();
    drop(closed);
    let started = Instant::now();
    let out = build(&[
        ("MASTOLITE_SERVER", &format!("http://127.0.0.1:{port}")),
        ("MASTOLITE_HANDLE", "@alice@mastodon.example"),
    ]);
    assert!(started.elapsed() < Duration::from_secs(60));
    let w = warnings(&out);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].contains("cannot connect"), "{}", w[0]);
    assert!(w[0].ends_with("using fallback values"), "{}", w[0]);
    assert_eq!(
        run_binary(),
        "handle: @alice@mastodon.example\n\
         display name: (unknown)\n\
         followers: 0\n\
         fetched at build time: false\n"
    );
}
