//! Running the `mastolite` binary from a test: a private HOME, none of the test's own
//! `MASTOLITE_*` or XDG variables, and the output as text. Each CLI test file adds the checks
//! that every run of its own must pass.
#![allow(dead_code)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// One run of the binary.
#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

/// `mastolite` with HOME at `home`, no variable that would pick a store, server, account or
/// token, and piped stdin, stdout and stderr. The caller adds the arguments.
pub fn command(home: &Path) -> Command {
    program(env!("CARGO_BIN_EXE_mastolite"), home)
}

/// [`command`] for another program (`sh` running a line that calls `mastolite`).
pub fn program(program: impl AsRef<std::ffi::OsStr>, home: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.env("HOME", home)
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("MASTOLITE_STORE")
        .env_remove("MASTOLITE_SERVER")
        .env_remove("MASTOLITE_ACCOUNT")
        .env_remove("MASTOLITE_TOKEN")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Runs `cmd` to its end with `stdin` as its input and returns what it printed.
pub fn run(mut cmd: Command, stdin: &str) -> Out {
    let started = Instant::now();
    let mut child = cmd.spawn().expect("run mastolite");
    // The command may exit without reading its input: a closed pipe is fine.
    if let Some(mut input) = child.stdin.take() {
        let _ = input.write_all(stdin.as_bytes());
    }
    let output = child.wait_with_output().expect("wait for mastolite");
    out(output, started.elapsed())
}

/// The text of a finished run.
pub fn out(output: Output, elapsed: Duration) -> Out {
    Out {
        code: output
            .status
            .code()
            .expect("exited, not killed by a signal"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        elapsed,
    }
}

/// Keeps a metrics file a test wrote, as `<target tmp>/metrics/NAME.prom`, for `.ci/run`'s
/// `promtool check metrics`.
pub fn keep_metrics(name: &str, text: &str) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("metrics");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.prom")), text).unwrap();
}

/// The text of a version 2 app entry with the scope `read`, for a credentials file.
pub fn app_json(client_id: &str, secret: &str) -> String {
    format!(
        r#"{{"name":"bot","client_id":"{client_id}","client_secret":"{secret}","redirect_uris":["urn:ietf:wg:oauth:2.0:oob"],"scopes":["read"],"website":null}}"#
    )
}

/// The text of a version 2 token with the scope `read`.
pub fn token_json(token: &str, expires_at: Option<i64>) -> String {
    format!(
        r#"{{"access_token":"{token}","scope":"read","created_at":1700000000,"expires_at":{}}}"#,
        expires_at.map_or("null".to_owned(), |e| e.to_string())
    )
}
