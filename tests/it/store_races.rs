//! The credentials file against a hostile server and a second local user: values that loading
//! would refuse are never written (so one server cannot spoil the file for the others), a held
//! lock is waited for until a deadline, `register` registers under the lock, and a lock file or
//! credentials file of another user is refused. The races themselves (a link or a FIFO swapped
//! in between a check and an open) are tested on the open functions in `src/store/fs.rs`.
#![cfg(unix)]

use crate::cli_run;
use crate::tmpdir;

use std::os::unix::fs::{MetadataExt, chown};
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use mastolite::store::{
    MAX_SECRET_LEN, MAX_SERVER_SIZE, Store, StoreError, StoreErrorKind, StoredToken,
};
use mastolite::{AccessToken, Client, Token};
use tmpdir::TempDir;

/// The user that plays "someone else" (nobody).
const OTHER: u32 = 65534;

fn me() -> u32 {
    let dir = TempDir::new("races-uid");
    std::fs::write(dir.join("f"), "").unwrap();
    std::fs::metadata(dir.join("f")).unwrap().uid()
}

/// True when the test can give files away (root). Otherwise it skips with a message, except
/// under `CI=true`, where a skip is a failure.
fn as_root(test: &str) -> bool {
    if me() == 0 {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{test} needs root to make files of another user, and CI=true does not skip"
    );
    eprintln!("skipped {test}: needs root to make files of another user");
    false
}

/// A private credentials file holding `text` (version 2 JSON).
fn write_private(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    tmpdir::set_mode(path, 0o600);
}

/// Server B with an app token: the server a poisoning attempt on A must leave usable.
fn server_b(origin: &str) -> String {
    format!(
        r#"{{"version":2,"servers":{{"{origin}":{{"app":null,"app_token":{{"access_token":"SECRET_b","scope":"read","created_at":1,"expires_at":null}},"users":{{}},"unnamed_user":null}}}}}}"#
    )
}

fn token(origin: &str, secret: &str) -> StoredToken {
    let client = Client::new(origin).unwrap();
    StoredToken::from_token(&client, &Token::new(AccessToken::new(secret)), 1)
}

/// Checks that a write was refused as unstorable with `detail`, leaving the file byte for
/// byte as it was (`before`) and still loadable.
fn unstorable(path: &Path, before: &[u8], written: Result<(), StoreError>, detail: &str) {
    let err = written.unwrap_err();
    assert_eq!(err.kind(), StoreErrorKind::Unstorable, "{err}");
    assert_eq!(
        err.to_string(),
        format!(
            "the credentials file {} was left unchanged: {detail}",
            path.display()
        )
    );
    assert_eq!(std::fs::read(path).unwrap(), before);
    assert!(Store::load(path).is_ok());
}

/// Runs `Store::update` storing `stored` as an app token, and checks that it is refused.
fn refused(path: &Path, stored: StoredToken, detail: &str) {
    let before = std::fs::read(path).unwrap();
    let written = Store::update(path, |s| {
        s.set_app_token(stored);
        Ok::<_, StoreError>(())
    });
    unstorable(path, &before, written, detail);
}

#[test]
fn an_empty_or_oversized_secret_is_refused_naming_its_server_and_nothing_is_written() {
    let dir = TempDir::new("races-poison");
    let path = dir.join("credentials.json");
    let b = "https://b.example";
    write_private(&path, &server_b(b));
    let a = "https://a.example";
    refused(
        &path,
        token(a, ""),
        "the access token from https://a.example is empty",
    );
    refused(
        &path,
        token(a, &"x".repeat(5 * 1024)),
        "the access token from https://a.example has 5120 bytes, more than the 4096 a secret may have",
    );
    // The limit itself is stored.
    let longest = "y".repeat(MAX_SECRET_LEN);
    Store::update(&path, |s| {
        s.set_app_token(token(a, &longest));
        Ok::<_, StoreError>(())
    })
    .unwrap();
    let store = Store::load(&path).unwrap();
    let own = Client::new(a).unwrap();
    assert_eq!(store.app_token_for(&own).unwrap().secret(), longest);
    let other = Client::new(b).unwrap();
    assert_eq!(store.app_token_for(&other).unwrap().secret(), "SECRET_b");
}

/// A version-2 file whose servers each hold an app named with `name_len` bytes.
fn servers_with_long_names(count: usize, name_len: usize) -> String {
    let name = "n".repeat(name_len);
    let servers: Vec<String> = (0..count)
        .map(|i| {
            format!(
                r#""https://s{i}.example":{{"app":{{"name":"{name}","client_id":"cid","client_secret":"cs","redirect_uris":[],"scopes":[],"website":null}}}}"#
            )
        })
        .collect();
    format!(r#"{{"version":2,"servers":{{{}}}}}"#, servers.join(","))
}

#[test]
fn no_server_can_take_more_than_its_share_and_no_write_makes_a_file_that_load_refuses() {
    let dir = TempDir::new("races-size");
    let path = dir.join("credentials.json");
    write_private(&path, &server_b("https://b.example"));
    // One server's entry over its share: refused, naming it.
    let big = Store::from_json(&servers_with_long_names(1, MAX_SERVER_SIZE)).unwrap();
    let app = big
        .server("https://s0.example")
        .unwrap()
        .app()
        .unwrap()
        .clone();
    let before = std::fs::read(&path).unwrap();
    let written = Store::update(&path, |s| {
        s.set_app(app);
        Ok::<_, StoreError>(())
    });
    unstorable(
        &path,
        &before,
        written,
        "what is stored for https://s0.example would take 65688 bytes, more than the 65536 one server may take",
    );
    // Seventeen servers within their share, over 1 MiB together: refused too.
    let many = Store::from_json(&servers_with_long_names(17, 63 * 1024)).unwrap();
    let written = many.save(&path);
    unstorable(&path, &before, written, "it would be larger than 1 MiB");
    // Sixteen fit, and load reads what was written.
    let fits = Store::from_json(&servers_with_long_names(16, 63 * 1024)).unwrap();
    fits.save(&path).unwrap();
    assert_eq!(Store::load(&path).unwrap(), fits);
}

#[test]
fn a_lock_held_by_another_run_ends_in_an_error_at_the_deadline_and_nothing_is_written() {
    let dir = TempDir::new("races-held");
    let path = dir.join("credentials.json");
    write_private(&path, &server_b("https://b.example"));
    let before = std::fs::read(&path).unwrap();
    let holder = tmpdir::hold_lock(dir.path());
    let p = path.clone();
    let started = Instant::now();
    // Each result comes through a channel read with a timeout: a wait without a deadline
    // fails the test instead of hanging it.
    let (tx, waiter) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(Store::update_waiting(
            &p,
            Duration::from_millis(1500),
            |s| {
                s.remove_server("https://b.example");
                Ok::<_, StoreError>(())
            },
        ));
    });
    // The default wait (LOCK_WAIT, 10 s) applies to `update` and `save`.
    let p = path.clone();
    let (tx, saver) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(Store::new().save(&p));
    });
    let bound = Duration::from_secs(20);
    let err = waiter
        .recv_timeout(bound)
        .expect("no deadline")
        .unwrap_err();
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(1500), "{waited:?}");
    assert!(waited < Duration::from_secs(5), "{waited:?}");
    assert_eq!(err.kind(), StoreErrorKind::Locked);
    assert_eq!(
        err.to_string(),
        format!(
            "the credentials file {} is locked by another run; try again (waited 2 s)",
            path.display()
        )
    );
    let err = saver.recv_timeout(bound).expect("no deadline").unwrap_err();
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(10), "{waited:?}");
    assert!(waited < Duration::from_secs(14), "{waited:?}");
    assert!(err.to_string().ends_with("(waited 10 s)"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    drop(holder);
    Store::update(&path, |_| Ok::<_, StoreError>(())).unwrap();
}

#[test]
fn a_lock_file_another_user_made_and_holds_is_refused_at_once() {
    if !as_root("a_lock_file_another_user_made_and_holds_is_refused_at_once") {
        return;
    }
    let dir = TempDir::new("races-foreign-lock");
    tmpdir::set_mode(dir.path(), 0o1777);
    let path = dir.join("credentials.json");
    write_private(&path, &server_b("https://b.example"));
    let before = std::fs::read(&path).unwrap();
    let lock = dir.join(".credentials.json.lock");
    let holder = tmpdir::hold_lock(dir.path());
    tmpdir::set_mode(&lock, 0o666);
    chown(&lock, Some(OTHER), Some(OTHER)).unwrap();
    let started = Instant::now();
    let err = Store::update(&path, |_| Ok::<_, StoreError>(())).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(err.kind(), StoreErrorKind::Unsafe);
    assert_eq!(
        err.to_string(),
        format!(
            "the credentials file {} was not used: its lock file {} belongs to another user; remove it",
            path.display(),
            lock.display()
        )
    );
    let err = Store::new().save(&path).unwrap_err();
    assert_eq!(err.kind(), StoreErrorKind::Unsafe);
    assert_eq!(std::fs::read(&path).unwrap(), before);
    drop(holder);
}

#[test]
fn a_credentials_file_of_another_user_is_refused_for_reading_unless_asked_not_to_check() {
    if !as_root("a_credentials_file_of_another_user_is_refused_for_reading") {
        return;
    }
    let dir = TempDir::new("races-foreign-file");
    let path = dir.join("credentials.json");
    write_private(&path, &server_b("https://b.example"));
    chown(&path, Some(OTHER), Some(OTHER)).unwrap();
    let err = Store::load(&path).unwrap_err();
    assert_eq!(err.kind(), StoreErrorKind::Unsafe);
    assert_eq!(
        err.to_string(),
        format!(
            "the credentials file {p} was not used: it belongs to another user (uid 65534), who could change what it holds; if you trust it, run `chown 0 {p}`",
            p = path.display()
        )
    );
    // A writer reads it first, and refuses it as well.
    let r = Store::update(&path, |_| Ok::<_, StoreError>(()));
    assert_eq!(r.unwrap_err().kind(), StoreErrorKind::Unsafe);
    // The documented opt-in still reads it.
    let store = Store::load_ignoring_permissions(&path).unwrap();
    assert!(store.server("https://b.example").is_some());
    // Root's own files are trusted, as they are for links.
    chown(&path, Some(0), Some(0)).unwrap();
    assert!(Store::load(&path).is_ok());
}

mod cli {
    use super::*;
    use cli_run::Out;
    use httpmock::prelude::*;
    use std::process::Command;

    /// Runs `mastolite --store <dir>/credentials.json ARGS`, killing it (and failing) if it
    /// has not ended within 30 seconds: a hang is a failure, not a stuck test run.
    fn run(dir: &TempDir, args: &[&str]) -> Out {
        let mut cmd: Command = cli_run::command(dir.path());
        cmd.arg("--store")
            .arg(dir.join("credentials.json"))
            .args(args);
        let started = Instant::now();
        let mut child = cmd.spawn().unwrap();
        drop(child.stdin.take());
        while child.try_wait().unwrap().is_none() {
            if started.elapsed() > Duration::from_secs(30) {
                let _ = child.kill();
                let _ = child.wait();
                panic!("mastolite {args:?} hung");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let out = cli_run::out(child.wait_with_output().unwrap(), started.elapsed());
        for s in ["SECRET", "POISONED"] {
            assert!(!out.stdout.contains(s), "{out:?}");
            assert!(!out.stderr.contains(s), "{out:?}");
        }
        out
    }

    #[test]
    fn poisoning_attempts_by_one_server_leave_the_file_working_for_the_others() {
        let (a, b) = (MockServer::start(), MockServer::start());
        let dir = TempDir::new("races-cli-hostile");
        let path = dir.join("credentials.json");
        write_private(&path, &server_b(&b.base_url()));
        let before = std::fs::read(&path).unwrap();
        // A registers an app with an empty secret.
        let apps = a.mock(|when, then| {
            when.method(POST).path("/api/v1/apps");
            then.status(200).body(
                r#"{"id":"5","name":"bot","scopes":["read"],"redirect_uris":["urn:ietf:wg:oauth:2.0:oob"],"client_id":"cid_a","client_secret":""}"#,
            );
        });
        let out = run(&dir, &["--server", &a.base_url(), "register"]);
        assert_eq!(out.code, 3, "{out:?}");
        assert!(out.stderr.contains(&a.base_url()), "{out:?}");
        apps.assert();
        assert_eq!(std::fs::read(&path).unwrap(), before);
        // With an app of A stored, A issues a 5 KiB app token.
        let mut store = Store::load(&path).unwrap();
        let app = Store::from_json(&format!(
            r#"{{"version":1,"server":"{}","app":{{"name":"bot","client_id":"cid_a","client_secret":"SECRET_a","redirect_uris":[],"scopes":["read"],"website":null}}}}"#,
            a.base_url()
        ))
        .unwrap()
        .server(&a.base_url())
        .unwrap()
        .app()
        .unwrap()
        .clone();
        store.set_app(app);
        store.save(&path).unwrap();
        let before = std::fs::read(&path).unwrap();
        let long = format!("POISONED{}", "x".repeat(5 * 1024));
        let issued = a.mock(|when, then| {
            when.method(POST).path("/oauth/token");
            then.status(200).body(format!(
                r#"{{"access_token":"{long}","token_type":"Bearer","scope":"read","created_at":1700000900}}"#
            ));
        });
        let out = run(&dir, &["--server", &a.base_url(), "token"]);
        assert_eq!(out.code, 3, "{out:?}");
        assert!(out.stderr.contains(&a.base_url()), "{out:?}");
        issued.assert();
        assert_eq!(std::fs::read(&path).unwrap(), before);
        // B's token is still read and checked.
        let verified = b.mock(|when, then| {
            when.method(GET)
                .path("/api/v1/apps/verify_credentials")
                .header("authorization", "Bearer SECRET_b");
            then.status(200)
                .body(r#"{"name":"bot","website":null,"scopes":["read"]}"#);
        });
        let out = run(&dir, &["check", "--all"]);
        assert_eq!(out.code, 0, "{out:?}");
        assert!(
            out.stdout
                .starts_with(&format!("{} app - ok ", b.base_url())),
            "{out:?}"
        );
        verified.assert();
    }

    #[test]
    fn register_waits_for_the_lock_before_it_registers_so_no_issued_secret_is_lost() {
        let server = MockServer::start();
        let apps = server.mock(|when, then| {
            when.method(POST).path("/api/v1/apps");
            then.status(200).body(
                r#"{"id":"5","name":"bot","scopes":["read"],"redirect_uris":["urn:ietf:wg:oauth:2.0:oob"],"client_id":"cid","client_secret":"SECRET_new"}"#,
            );
        });
        let dir = TempDir::new("races-cli-register");
        let holder = tmpdir::hold_lock(dir.path());
        let out = run(
            &dir,
            &["--server", &server.base_url(), "--timeout", "1", "register"],
        );
        // --timeout 1 plus 5 s.
        assert!(out.elapsed >= Duration::from_secs(6), "{out:?}");
        assert!(out.elapsed < Duration::from_secs(15), "{out:?}");
        assert_eq!(out.code, 3, "{out:?}");
        assert_eq!(
            out.stderr,
            format!(
                "mastolite: the credentials file {} is locked by another run; try again (waited 6 s)\n",
                dir.join("credentials.json").display()
            )
        );
        // Nothing was registered: the server issued no secret that could be lost.
        apps.assert_calls(0);
        drop(holder);
        let out = run(&dir, &["--server", &server.base_url(), "register"]);
        assert_eq!(out.code, 0, "{out:?}");
        apps.assert_calls(1);
        let store = Store::load(dir.join("credentials.json")).unwrap();
        let own = Client::new(&server.base_url()).unwrap();
        assert_eq!(
            store
                .app_credentials_for(&own)
                .unwrap()
                .client_secret
                .secret(),
            "SECRET_new"
        );
    }

    #[test]
    fn a_credentials_file_of_another_user_sends_no_token() {
        if !as_root("a_credentials_file_of_another_user_sends_no_token") {
            return;
        }
        let server = MockServer::start();
        let verified = server.mock(|when, then| {
            when.any_request();
            then.status(200)
                .body(r#"{"name":"bot","website":null,"scopes":["read"]}"#);
        });
        let dir = TempDir::new("races-cli-foreign");
        let path = dir.join("credentials.json");
        write_private(&path, &server_b(&server.base_url()));
        chown(&path, Some(OTHER), Some(OTHER)).unwrap();
        let out = run(&dir, &["check"]);
        assert_eq!(out.code, 3, "{out:?}");
        assert!(
            out.stderr
                .contains("belongs to another user (uid 65534), who could change what it holds"),
            "{out:?}"
        );
        verified.assert_calls(0);
    }
}
