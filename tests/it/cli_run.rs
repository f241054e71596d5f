//! Running the `mastolite` binary from a test: a private HOME, none of the test's own
//! `MASTOLITE_*`, XDG or `SSL_CERT_FILE` variables, the output as text, and the checks every
//! run must pass ([`check`]: no secret in the output, one line on stderr).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use httpmock::MockServer;
use mastolite::store::Store;

use crate::tmpdir::TempDir;

/// One run of the binary.
#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

/// `mastolite` with HOME at `home`, no variable that would pick a store, server, account,
/// token or CA file, and piped stdin, stdout and stderr. The caller adds the arguments.
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
        .env_remove("SSL_CERT_FILE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// What no output may contain: every secret the CLI tests write starts with `SECRET` (the
/// `tmpdir::SAMPLE_SECRETS` too), and `[redacted]` would show that one was near.
pub const NEVER: [&str; 2] = ["SECRET", "[redacted]"];

/// The checks every run of `args` must pass: nothing of [`NEVER`] nor of `more` in stdout or
/// stderr; on success at most one line on stderr (a note), on failure exactly one, starting
/// `mastolite: `. An interactive `login` prompts on stderr first, so its lines are not counted.
pub fn check(args: &[&str], out: &Out, more: &[&str]) {
    for never in NEVER.iter().chain(more) {
        assert!(!out.stdout.contains(never), "{args:?} stdout: {out:?}");
        assert!(!out.stderr.contains(never), "{args:?} stderr: {out:?}");
    }
    if args.contains(&"login") && !args.contains(&"--with-token") {
        return;
    }
    if out.code == 0 {
        assert!(out.stderr.lines().count() <= 1, "{args:?}: {out:?}");
    } else {
        assert_eq!(out.stderr.lines().count(), 1, "{args:?}: one line: {out:?}");
        assert!(out.stderr.starts_with("mastolite: "), "{args:?}: {out:?}");
    }
}

/// A test's own home: HOME points here, no `MASTOLITE_*` or XDG variable leaks in, and every
/// run passes [`check`].
pub struct Home {
    pub dir: TempDir,
    /// Whether runs start with `--store <home>/credentials.json`.
    store_flag: bool,
}

impl Home {
    /// A home whose runs are `mastolite --store <home>/credentials.json ARGS`.
    pub fn new(label: &str) -> Home {
        Home {
            dir: TempDir::new(&format!("cli-{label}")),
            store_flag: true,
        }
    }

    /// A home whose runs are `mastolite ARGS`: the test names the store, or lets the default
    /// one be found.
    pub fn bare(label: &str) -> Home {
        Home {
            store_flag: false,
            ..Home::new(label)
        }
    }

    /// `<home>/credentials.json`.
    pub fn store(&self) -> PathBuf {
        self.dir.join("credentials.json")
    }

    /// [`Home::store`] as an argument.
    pub fn store_arg(&self) -> String {
        self.store().to_str().unwrap().to_owned()
    }

    /// The command for `args` with `env` added, not yet run.
    pub fn command(&self, args: &[&str], env: &[(&str, &str)]) -> Command {
        let mut cmd = command(self.dir.path());
        if self.store_flag {
            cmd.arg("--store").arg(self.store());
        }
        cmd.args(args).envs(env.iter().copied());
        cmd
    }

    /// Saves `text`, a credentials file's JSON, as [`Home::store`].
    pub fn write(&self, text: &str) {
        Store::from_json(text).unwrap().save(self.store()).unwrap();
    }

    /// The bytes of [`Home::store`].
    pub fn bytes(&self) -> Vec<u8> {
        std::fs::read(self.store()).unwrap()
    }

    /// [`Home::store`], loaded.
    pub fn load(&self) -> Store {
        Store::load(self.store()).unwrap()
    }

    pub fn run(&self, args: &[&str]) -> Out {
        self.run_full(args, &[], "")
    }

    pub fn run_stdin(&self, args: &[&str], stdin: &str) -> Out {
        self.run_full(args, &[], stdin)
    }

    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Out {
        self.run_full(args, env, "")
    }

    /// Runs `args` with `env` added and `stdin` as input; the output has passed [`check`].
    pub fn run_full(&self, args: &[&str], env: &[(&str, &str)], stdin: &str) -> Out {
        let out = run(self.command(args, env), stdin);
        check(args, &out, &[]);
        out
    }
}

/// `host:port` of a mock.
pub fn host(server: &MockServer) -> String {
    server.base_url()["http://".len()..].to_owned()
}

/// A mock answering anything else with 599, to count what no test expected.
pub fn catch_all(server: &MockServer) -> httpmock::Mock<'_> {
    server.mock(|_, then| {
        then.status(599);
    })
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
