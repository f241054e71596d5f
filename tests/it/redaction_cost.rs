//! Finding 3 of issue 17, end to end: a server that issues a 16,000-character token and
//! answers with a 64 KiB error body that nearly spells it everywhere cannot make redaction
//! outlast the budget `check` promises (`--timeout` plus one second). The old matcher took
//! 41 s for a 4,000-character token; its cost is counted in steps by the unit tests of
//! `src/redact.rs`.

use crate::cli_run;
use crate::tmpdir;

use std::time::Duration;

use httpmock::prelude::*;

#[test]
fn check_with_a_huge_token_and_a_hostile_body_keeps_its_budget() {
    let token = "a".repeat(15_999) + "b";
    let body = format!(
        "{{\"error\":\"{}\",\"error_description\":\"{}{token}\"}}",
        "a".repeat(32 * 1024),
        "a".repeat(16 * 1024)
    );
    let server = MockServer::start();
    let rejected = server.mock(|when, then| {
        when.method(GET).path_includes("verify_credentials");
        then.status(401)
            .header("content-type", "application/json")
            .body(body);
    });
    let home = tmpdir::TempDir::new("redaction-cost");
    let mut cmd = cli_run::command(home.path());
    cmd.args(["--server", &server.base_url(), "--timeout", "2", "check"])
        .env("MASTOLITE_TOKEN", &token);
    let out = cli_run::run(cmd, "");
    assert_eq!((out.code, out.stdout.as_str()), (1, ""), "{out:?}");
    assert!(out.stderr.starts_with("mastolite: rejected: "), "{out:?}");
    assert!(!out.stderr.contains(&token[15_000..]), "{out:?}");
    assert!(out.elapsed < Duration::from_secs(3), "{:?}", out.elapsed);
    assert!(rejected.calls() >= 1);
}
