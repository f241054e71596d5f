//! The credentials file: both versions under both JSON backends, lookups, secrets bound to
//! their origin, atomic private writes under a lock, and refusals of hostile paths.

use crate::tmpdir;

use std::path::Path;
use std::time::Duration;

use mastolite::store::{Store, StoreError, StoreErrorKind, StoredToken};
use mastolite::{AccessToken, Client, OOB, Token};
use tmpdir::{SAMPLE_SECRETS, TempDir, decode, names, store_fixture};

/// The secrets of `credentials-v2.multi.json`, beyond the samples.
const MULTI_SECRETS: [&str; 4] = [
    "SECRET_bob_token_b2",
    "SECRET_local_client_l1",
    "SECRET_carol_token_c3",
    "SECRET_unnamed_token_u4",
];

fn client(origin: &str) -> Client {
    Client::new(origin).unwrap()
}

fn token(secret: &str) -> Token {
    Token::new(AccessToken::new(secret))
}

/// Writes `text` as a private file.
fn write_private(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    #[cfg(unix)]
    tmpdir::set_mode(path, 0o600);
}

fn assert_sample_values(s: &Store) {
    let server = s.server("https://mastodon.example").expect("server");
    assert_eq!(server.origin(), "https://mastodon.example");
    let app = server.app().expect("app");
    assert_eq!(app.name, "cron \"checker\" \u{2713}\ttab");
    assert_eq!(app.client_id, "cid_x1");
    assert_eq!(app.redirect_uris, [OOB, "https://app.example/cb?x=1&y=2"]);
    assert_eq!(app.scopes, ["read", "write:statuses"]);
    assert_eq!(app.website, None);
    assert_eq!(app.origin(), "https://mastodon.example");
    let own = client("https://mastodon.example");
    let creds = s.app_credentials_for(&own).expect("credentials");
    assert_eq!(creds.client_id, "cid_x1");
    assert_eq!(creds.client_secret.secret(), "SECRET_client_q9");
    assert_eq!(creds.redirect_uri, OOB);
    assert_eq!(app.registered_scopes().to_string(), "read write:statuses");
    let (name, user) = s.user_entry_for(&own, None).expect("user token");
    assert_eq!(name, Some("alice@mastodon.example"));
    assert_eq!(
        user.access_token_for(&own).unwrap().secret(),
        "SECRET_user_token_k7"
    );
    assert_eq!(user.scope.as_deref(), Some("read write:statuses"));
    assert_eq!(user.created_at, Some(1_700_000_100));
    assert_eq!(user.expires_at, Some(1_900_000_000));
    assert!(user.scopes().contains("write:statuses"));
}

#[test]
fn version_1_files_written_by_either_backend_read_the_same_and_write_version_2() {
    let serde = Store::from_json(&store_fixture("credentials-v1.serde.json")).unwrap();
    let mini = Store::from_json(&store_fixture("credentials-v1.miniserde.json")).unwrap();
    assert_eq!(serde, mini);
    assert_sample_values(&serde);
    let own = client("https://mastodon.example");
    assert_eq!(
        serde.app_token_for(&own).unwrap().secret(),
        "SECRET_app_token_z3"
    );
    let app_token = serde.server(own.origin()).unwrap().app_token().unwrap();
    assert_eq!(app_token.scope.as_deref(), Some("read"));
    assert_eq!(app_token.created_at, Some(1_700_000_000));
    assert_eq!(app_token.expires_at, None);
    // Whichever backend is compiled in writes exactly the committed version-2 text, which
    // reads back to the same store.
    let v2 = store_fixture("credentials-v2.json");
    assert_eq!(format!("{}\n", serde.to_json()), v2);
    assert_eq!(Store::from_json(&v2).unwrap(), serde);
}

#[test]
fn a_hand_edited_version_1_file_with_other_key_order_and_unknown_keys_is_read() {
    let s = Store::from_json(&store_fixture("credentials-v1.hand-edited.json")).unwrap();
    // The trailing slash of the server is dropped.
    assert_sample_values(&s);
    assert!(
        s.server("https://mastodon.example")
            .unwrap()
            .app_token()
            .is_none()
    );
}

#[test]
fn a_version_1_file_on_disk_is_upgraded_by_the_next_save_losing_nothing() {
    let dir = TempDir::new("store-upgrade");
    let path = dir.join("credentials.json");
    write_private(&path, &store_fixture("credentials-v1.serde.json"));
    let before = Store::load(&path).unwrap();
    // A change that touches nothing else: a second server's app token.
    let other = client("https://other.example");
    Store::update(&path, |s| {
        s.set_app_token(StoredToken::from_token(&other, &token("other"), 5));
        Ok::<_, StoreError>(())
    })
    .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with(r#"{"version":2,"servers":{"#), "{text}");
    let after = Store::load(&path).unwrap();
    assert_sample_values(&after);
    assert_eq!(
        after.server("https://mastodon.example"),
        before.server("https://mastodon.example")
    );
    assert_eq!(after.app_token_for(&other).unwrap().secret(), "other");
}

#[test]
fn a_version_1_user_token_without_acct_stays_unnamed_until_named() {
    let v1 = r#"{"version":1,"server":"https://m.example","tokens":{"user":{"access_token":"u","scope":"read","created_at":5,"expires_at":null,"acct":null}}}"#;
    let mut s = Store::from_json(v1).unwrap();
    let own = client("https://m.example");
    let server = s.server("https://m.example").unwrap();
    assert_eq!(server.user_count(), 1);
    assert_eq!(server.users().next().map(|(n, _)| n), Some(None));
    // The only user token of its server is selected without a name.
    let (name, t) = s.user_token_for(&own, None).unwrap();
    assert_eq!((name, t.secret()), (None, "u"));
    // It survives a round trip as the unnamed one.
    let again = Store::from_json(&s.to_json()).unwrap();
    assert_eq!(again, s);
    assert!(
        s.to_json()
            .contains(r#""unnamed_user":{"access_token":"u""#)
    );
    // Naming it (the first user-token call that succeeds) moves it under its name.
    let stored = s
        .user_entry_for(&own, None)
        .map(|(_, t)| t.clone())
        .unwrap();
    assert_eq!(
        s.set_user_token("Alice", stored).unwrap(),
        "alice@m.example"
    );
    let server = s.server("https://m.example").unwrap();
    assert_eq!(server.user_count(), 1);
    assert_eq!(
        server.users().map(|(n, _)| n).collect::<Vec<_>>(),
        [Some("alice@m.example")]
    );
    assert!(s.to_json().contains(r#""unnamed_user":null"#));
}

#[test]
fn two_servers_and_three_accounts_are_found_by_origin_and_by_name_in_any_case() {
    let s = Store::from_json(&store_fixture("credentials-v2.multi.json")).unwrap();
    let origins: Vec<&str> = s.servers().map(|e| e.origin()).collect();
    assert_eq!(
        origins,
        ["http://127.0.0.1:3000", "https://mastodon.example"]
    );
    let masto = client("https://mastodon.example");
    let local = client("http://127.0.0.1:3000");
    let (name, t) = s
        .user_token_for(&masto, Some("BOB@Mastodon.Example"))
        .unwrap();
    assert_eq!(
        (name, t.secret()),
        (Some("bob@mastodon.example"), "SECRET_bob_token_b2")
    );
    assert_eq!(
        s.server_of("Carol@127.0.0.1:3000").unwrap().origin(),
        "http://127.0.0.1:3000"
    );
    assert_eq!(
        s.server_of("alice@mastodon.example").unwrap().origin(),
        masto.origin()
    );
    assert!(s.server_of("carol@mastodon.example").is_none());
    assert_eq!(
        s.app_credentials_for(&local)
            .unwrap()
            .client_secret
            .secret(),
        "SECRET_local_client_l1"
    );
    let entry = s.server("HTTP://127.0.0.1:3000/").unwrap();
    let users: Vec<Option<&str>> = entry.users().map(|(n, _)| n).collect();
    assert_eq!(users, [Some("carol@127.0.0.1:3000"), None]);

    // Lookup errors say what is stored, and never hand out another server's secret.
    type Lookup<'a> = Result<(Option<&'a str>, &'a AccessToken), StoreError>;
    let cases: Vec<(Lookup, StoreErrorKind, &str)> = vec![
        (
            s.user_token_for(&masto, None),
            StoreErrorKind::Ambiguous,
            "several accounts are stored for https://mastodon.example: alice@mastodon.example, bob@mastodon.example; choose one",
        ),
        (
            s.user_token_for(&masto, Some("carol@127.0.0.1:3000")),
            StoreErrorKind::OriginMismatch,
            "the account carol@127.0.0.1:3000 belongs to another server than https://mastodon.example",
        ),
        (
            s.user_token_for(&masto, Some("dave@mastodon.example")),
            StoreErrorKind::UnknownAccount,
            "no account dave@mastodon.example is stored for https://mastodon.example (stored: alice@mastodon.example, bob@mastodon.example)",
        ),
        (
            s.user_token_for(&local, None),
            StoreErrorKind::Ambiguous,
            "carol@127.0.0.1:3000, (unnamed)",
        ),
        (
            s.user_token_for(&client("https://third.example"), None),
            StoreErrorKind::UnknownServer,
            "no credentials stored for https://third.example",
        ),
    ];
    for (result, kind, words) in cases {
        let err = result.unwrap_err();
        assert_eq!(err.kind(), kind, "{err}");
        assert!(err.to_string().contains(words), "{err}");
    }
    let err = s.app_token_for(&local).unwrap_err();
    assert_eq!(err.kind(), StoreErrorKind::Missing);
    assert_eq!(
        err.to_string(),
        "no app token is stored for http://127.0.0.1:3000"
    );
}

#[test]
fn a_stored_secret_is_handed_out_only_for_its_own_origin() {
    let s = Store::from_json(&store_fixture("credentials-v2.multi.json")).unwrap();
    let masto = s.server("https://mastodon.example").unwrap();
    let local = client("http://127.0.0.1:3000");
    let err = masto.app().unwrap().credentials_for(&local).unwrap_err();
    assert_eq!(err.kind(), StoreErrorKind::OriginMismatch);
    assert_eq!(
        err.to_string(),
        "the stored credentials are for https://mastodon.example, not for http://127.0.0.1:3000: \
         the app's client secret goes only to the server that issued it"
    );
    for (_, t) in masto.users() {
        let err = t.access_token_for(&local).unwrap_err();
        assert_eq!(err.kind(), StoreErrorKind::OriginMismatch);
        assert!(
            err.to_string().contains("https://mastodon.example"),
            "{err}"
        );
        assert!(err.to_string().contains("http://127.0.0.1:3000"), "{err}");
    }
    let err = masto
        .app_token()
        .unwrap()
        .access_token_for(&local)
        .unwrap_err();
    assert_eq!(err.kind(), StoreErrorKind::OriginMismatch);
    // A token set through the store lands under the server that issued it.
    let mut s = s;
    s.set_app_token(StoredToken::from_token(&local, &token("fresh"), 1));
    assert_eq!(s.app_token_for(&local).unwrap().secret(), "fresh");
    assert!(
        s.set_user_token(
            "eve@mastodon.example",
            StoredToken::from_token(&local, &token("x"), 1)
        )
        .is_err()
    );
}

#[test]
fn a_newer_version_is_refused_with_a_clear_message() {
    let err = Store::from_json(r#"{"version":3,"servers":{}}"#).unwrap_err();
    assert_eq!(err.kind(), StoreErrorKind::UnsupportedVersion);
    assert_eq!(
        err.to_string(),
        "the credentials data has format version 3, and this mastolite reads versions 1 to 2: use a newer mastolite"
    );
}

/// The `store` module's example, in a function that returns the crate's one error type: `?`
/// takes store errors and API errors alike.
fn first_app_name(path: &Path) -> Result<Option<String>, mastolite::Error> {
    let store = Store::load(path)?;
    for server in store.servers() {
        let client = Client::new(server.origin())?;
        if let Ok(token) = store.app_token_for(&client) {
            return Ok(Some(
                mastolite::apps::verify_credentials(&client, token)?.name,
            ));
        }
    }
    Ok(None)
}

#[test]
fn question_mark_takes_a_store_error_into_the_one_error_type() {
    let dir = TempDir::new("store-question-mark");
    let missing = dir.join("none.json");
    let err = first_app_name(&missing).unwrap_err();
    let mastolite::Error::Store(store_err) = &err else {
        panic!("not a store error: {err:?}");
    };
    assert_eq!(store_err.kind(), StoreErrorKind::NotFound);
    // The message is the store error's own, and the I/O cause is the next link of the chain.
    assert_eq!(
        err.to_string(),
        format!("the credentials file {} does not exist", missing.display())
    );
    assert_eq!(
        std::error::Error::source(&err).map(|c| c.to_string()),
        std::error::Error::source(&**store_err).map(|c| c.to_string())
    );
    // An empty store: no request, no app.
    let empty = dir.join("empty.json");
    Store::default().save(&empty).unwrap();
    assert_eq!(first_app_name(&empty).unwrap(), None);
}

#[test]
fn save_then_load_round_trips_with_private_modes() {
    let dir = TempDir::new("store-save");
    let path = dir.join("nested/deeper/credentials.json");
    let store = Store::from_json(&store_fixture("credentials-v2.multi.json")).unwrap();
    store.save(&path).unwrap();
    assert_eq!(Store::load(&path).unwrap(), store);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        format!("{}\n", store.to_json())
    );
    // No temporary file is left behind; the lock file stays, private and empty.
    let folder = dir.join("nested/deeper");
    assert_eq!(
        names(&folder),
        [".credentials.json.lock", "credentials.json"]
    );
    #[cfg(unix)]
    {
        assert_eq!(tmpdir::mode(&path), 0o600);
        assert_eq!(tmpdir::mode(&folder.join(".credentials.json.lock")), 0o600);
        assert_eq!(tmpdir::mode(&dir.join("nested")), 0o700);
        assert_eq!(tmpdir::mode(&folder), 0o700);
    }
    // Removing an account keeps everything else.
    Store::update(&path, |s| {
        assert!(
            s.remove_user("https://mastodon.example", Some("ALICE@mastodon.example"))
                .is_some()
        );
        Ok::<_, StoreError>(())
    })
    .unwrap();
    let back = Store::load(&path).unwrap();
    let masto = back.server("https://mastodon.example").unwrap();
    assert_eq!(masto.user_count(), 1);
    assert!(masto.user("bob@mastodon.example").is_some());
    assert_eq!(
        back.server("http://127.0.0.1:3000"),
        store.server("http://127.0.0.1:3000")
    );
    assert_eq!(
        names(&folder),
        [".credentials.json.lock", "credentials.json"]
    );
}

#[test]
fn a_failed_change_writes_nothing() {
    let dir = TempDir::new("store-failed-change");
    let path = dir.join("credentials.json");
    let text = store_fixture("credentials-v2.json");
    write_private(&path, &text);
    let r: Result<(), StoreError> = Store::update(&path, |s| {
        s.remove_server("https://mastodon.example");
        Err(mastolite::store::account_name("", "https://m.example").unwrap_err())
    });
    assert_eq!(r.unwrap_err().kind(), StoreErrorKind::InvalidAccount);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn concurrent_updates_of_different_entries_lose_nothing() {
    let dir = TempDir::new("store-concurrent");
    let path = dir.join("credentials.json");
    let server = client("https://m.example");
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let path = path.clone();
            std::thread::spawn(move || {
                let server = client("https://m.example");
                for round in 0..5 {
                    Store::update(&path, |s| {
                        let t =
                            StoredToken::from_token(&server, &token(&format!("t{i}-{round}")), 1);
                        s.set_user_token(&format!("user{i}"), t).map(drop)
                    })
                    .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let s = Store::load(&path).unwrap();
    let entry = s.server("https://m.example").unwrap();
    assert_eq!(entry.user_count(), 8);
    for i in 0..8 {
        let (_, t) = s
            .user_token_for(&server, Some(&format!("user{i}@m.example")))
            .unwrap();
        assert_eq!(t.secret(), format!("t{i}-4"));
    }
    assert_eq!(
        names(dir.path()),
        [".credentials.json.lock", "credentials.json"]
    );
}

#[test]
fn a_login_that_read_the_file_long_ago_keeps_the_app_token_stored_meanwhile() {
    let dir = TempDir::new("store-lost-update");
    let path = dir.join("credentials.json");
    write_private(&path, &store_fixture("credentials-v2.json"));
    let own = client("https://mastodon.example");
    // `login` reads the file, then waits for its code...
    let at_start = Store::load(&path).unwrap();
    assert!(at_start.app_credentials_for(&own).is_ok());
    // ...while `token` stores a fresh app token...
    Store::update(&path, |s| {
        s.set_app_token(StoredToken::from_token(&own, &token("fresh-app"), 2));
        Ok::<_, StoreError>(())
    })
    .unwrap();
    // ...and then stores only its own change.
    Store::update(&path, |s| {
        s.set_user_token("bob", StoredToken::from_token(&own, &token("bob-user"), 3))
            .map(drop)
    })
    .unwrap();
    let s = Store::load(&path).unwrap();
    assert_eq!(s.app_token_for(&own).unwrap().secret(), "fresh-app");
    assert_eq!(
        s.user_token_for(&own, Some("bob@mastodon.example"))
            .unwrap()
            .1
            .secret(),
        "bob-user"
    );
    assert_eq!(
        s.user_token_for(&own, Some("alice@mastodon.example"))
            .unwrap()
            .1
            .secret(),
        "SECRET_user_token_k7"
    );
}

#[test]
fn stale_temporary_files_from_killed_runs_are_removed_by_the_next_save() {
    let dir = TempDir::new("store-stale");
    let path = dir.join("credentials.json");
    write_private(&path, &store_fixture("credentials-v2.json"));
    // What a run killed between creating its temporary file and the rename leaves.
    for stale in [
        ".credentials.json.4242.17.tmp",
        ".credentials.json.1.99999999.tmp",
    ] {
        write_private(&dir.join(stale), "{\"SECRET_app_token_z3\"");
    }
    // Files that only look alike are not ours to remove.
    for other in [
        ".credentials.json.x.1.tmp",
        ".other.json.1.2.tmp",
        "notes.tmp",
    ] {
        std::fs::write(dir.join(other), "keep").unwrap();
    }
    Store::update(&path, |_| Ok::<_, StoreError>(())).unwrap();
    assert_eq!(
        names(dir.path()),
        [
            ".credentials.json.lock",
            ".credentials.json.x.1.tmp",
            ".other.json.1.2.tmp",
            "credentials.json",
            "notes.tmp"
        ]
    );
}

#[test]
fn a_failed_write_leaves_no_temporary_file() {
    let dir = TempDir::new("store-failed-write");
    // A folder where the file should be: the rename fails.
    let path = dir.join("credentials.json");
    std::fs::create_dir(&path).unwrap();
    let err = Store::new().save(&path).unwrap_err();
    assert_eq!(err.kind(), StoreErrorKind::Unsafe, "{err}");
    assert_eq!(
        names(dir.path()),
        [".credentials.json.lock", "credentials.json"]
    );
}

#[cfg(unix)]
mod unix {
    use super::*;
    use std::os::unix::fs::{MetadataExt, lchown, symlink};
    use std::sync::mpsc;

    fn me() -> u32 {
        let dir = TempDir::new("store-uid");
        std::fs::write(dir.join("f"), "").unwrap();
        std::fs::metadata(dir.join("f")).unwrap().uid()
    }

    /// Runs `f` on a thread and fails the test if it has not finished in 10 seconds, so that
    /// a hang is a failure and not a stuck test run.
    fn within_10s<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(f());
        });
        rx.recv_timeout(Duration::from_secs(10))
            .expect("the call blocked")
    }

    #[test]
    fn a_fifo_at_the_path_is_refused_without_blocking() {
        let dir = TempDir::new("store-fifo");
        let path = dir.join("credentials.json");
        let made = std::process::Command::new("mkfifo").arg(&path).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("skipped: mkfifo is not available");
            return;
        }
        let p = path.clone();
        let err = within_10s(move || Store::load(&p).unwrap_err());
        assert_eq!(err.kind(), StoreErrorKind::Unsafe);
        assert!(
            err.to_string()
                .ends_with("was not used: it is not a regular file"),
            "{err}"
        );
        let p = path.clone();
        let err = within_10s(move || Store::load_ignoring_permissions(&p).unwrap_err());
        assert_eq!(err.kind(), StoreErrorKind::Unsafe);
        let p = path.clone();
        let err = within_10s(move || Store::update(&p, |_| Ok::<_, StoreError>(())).unwrap_err());
        assert_eq!(err.kind(), StoreErrorKind::Unsafe);
        let kind = std::fs::symlink_metadata(&path).unwrap().file_type();
        assert!(std::os::unix::fs::FileTypeExt::is_fifo(&kind));
    }

    #[test]
    fn a_file_that_group_or_others_can_read_or_write_is_refused() {
        let dir = TempDir::new("store-open");
        let path = dir.join("credentials.json");
        let text = store_fixture("credentials-v2.json");
        std::fs::write(&path, &text).unwrap();
        for mode in [0o644, 0o640, 0o604, 0o620, 0o602] {
            tmpdir::set_mode(&path, mode);
            let err = Store::load(&path).unwrap_err();
            assert_eq!(err.kind(), StoreErrorKind::TooOpen, "mode {mode:o}");
            let msg = err.to_string();
            assert!(
                msg.contains(&format!("chmod 600 {}", path.display())),
                "{msg}"
            );
            assert!(msg.contains(&format!("{mode:04o}")), "{msg}");
            assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
            assert_eq!(tmpdir::mode(&path), mode);
            assert!(Store::load_ignoring_permissions(&path).is_ok());
            // A writer refuses it too, and writes nothing.
            let r = Store::update(&path, |_| Ok::<_, StoreError>(()));
            assert_eq!(r.unwrap_err().kind(), StoreErrorKind::TooOpen);
            assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        }
        tmpdir::set_mode(&path, 0o400);
        assert!(Store::load(&path).is_ok());
    }

    #[test]
    fn an_own_symlink_is_followed_and_its_target_replaced() {
        let dir = TempDir::new("store-symlink");
        tmpdir::set_mode(dir.path(), 0o755);
        let real = dir.join("real.json");
        let link = dir.join("link.json");
        symlink(&real, &link).unwrap();
        // A dangling link of one's own (a dotfile manager before the first save) is created.
        let store = Store::from_json(&store_fixture("credentials-v2.json")).unwrap();
        store.save(&link).unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(tmpdir::mode(&real), 0o600);
        assert_eq!(tmpdir::mode(dir.path()), 0o755);
        assert_eq!(Store::load(&link).unwrap(), store);
        // The lock sits beside the real file.
        assert_eq!(
            names(dir.path()),
            [".real.json.lock", "link.json", "real.json"]
        );
    }

    /// Tests that need another user's files: only as root, which can give files away.
    fn as_root() -> bool {
        if me() == 0 {
            return true;
        }
        eprintln!("skipped: needs root to make files owned by another user");
        false
    }

    const OTHER: u32 = 4242;

    #[test]
    fn another_users_symlink_is_not_followed_for_reading_or_writing() {
        if !as_root() {
            return;
        }
        let dir = TempDir::new("store-foreign-link");
        let real = dir.join("real.json");
        write_private(&real, &store_fixture("credentials-v2.json"));
        let link = dir.join("credentials.json");
        symlink(&real, &link).unwrap();
        lchown(&link, Some(OTHER), Some(OTHER)).unwrap();
        let err = Store::load(&link).unwrap_err();
        assert_eq!(err.kind(), StoreErrorKind::Unsafe);
        assert!(
            err.to_string()
                .contains("symbolic link owned by another user"),
            "{err}"
        );
        let before = std::fs::read(&real).unwrap();
        let err = Store::new().save(&link).unwrap_err();
        assert_eq!(err.kind(), StoreErrorKind::Unsafe);
        let r = Store::update(&link, |_| Ok::<_, StoreError>(()));
        assert_eq!(r.unwrap_err().kind(), StoreErrorKind::Unsafe);
        assert_eq!(std::fs::read(&real).unwrap(), before);
        // A link owned by root is trusted (system-wide configuration).
        lchown(&link, Some(0), Some(0)).unwrap();
        assert!(Store::load(&link).is_ok());
    }

    #[test]
    fn another_users_dangling_symlink_cannot_make_a_write_create_a_file() {
        if !as_root() {
            return;
        }
        let dir = TempDir::new("store-dangling");
        let chosen = dir.join("chosen-by-someone-else");
        let link = dir.join("credentials.json");
        symlink(&chosen, &link).unwrap();
        lchown(&link, Some(OTHER), Some(OTHER)).unwrap();
        let r = Store::update(&link, |s| {
            s.set_app_token(StoredToken::from_token(
                &client("https://m.example"),
                &token("SECRET"),
                1,
            ));
            Ok::<_, StoreError>(())
        });
        assert_eq!(r.unwrap_err().kind(), StoreErrorKind::Unsafe);
        assert!(!chosen.exists());
        assert_eq!(
            names(dir.path()),
            [".chosen-by-someone-else.lock", "credentials.json"]
        );
    }

    #[test]
    fn a_write_through_an_own_link_to_another_users_file_is_refused() {
        if !as_root() {
            return;
        }
        let dir = TempDir::new("store-foreign-target");
        let real = dir.join("theirs.json");
        write_private(&real, &store_fixture("credentials-v2.json"));
        std::os::unix::fs::chown(&real, Some(OTHER), Some(OTHER)).unwrap();
        let link = dir.join("credentials.json");
        symlink(&real, &link).unwrap();
        let before = std::fs::read(&real).unwrap();
        let err = Store::new().save(&link).unwrap_err();
        assert_eq!(err.kind(), StoreErrorKind::Unsafe);
        assert!(err.to_string().contains("belongs to another user"), "{err}");
        assert_eq!(std::fs::read(&real).unwrap(), before);
        assert_eq!(
            names(dir.path()),
            [".theirs.json.lock", "credentials.json", "theirs.json"]
        );
    }
}

#[test]
fn every_truncation_of_a_file_is_a_corrupt_error_and_never_a_panic() {
    for fixture in ["credentials-v1.serde.json", "credentials-v2.json"] {
        let text = store_fixture(fixture);
        let text = text.trim_end();
        for end in (0..text.len()).filter(|&i| text.is_char_boundary(i)) {
            let err = Store::from_json(&text[..end]).unwrap_err();
            assert_eq!(err.kind(), StoreErrorKind::Corrupt, "prefix of {end} bytes");
            let msg = err.to_string();
            for s in SAMPLE_SECRETS {
                assert!(!msg.contains(s), "{msg}");
            }
        }
    }
}

#[test]
fn malformed_files_give_clear_typed_errors() {
    let cases: &[(&str, StoreErrorKind, &str)] = &[
        ("", StoreErrorKind::Corrupt, "the file is empty"),
        ("  \n", StoreErrorKind::Corrupt, "the file is empty"),
        (
            "[1,2]",
            StoreErrorKind::Corrupt,
            "not a complete JSON object with a version number",
        ),
        (
            "null",
            StoreErrorKind::Corrupt,
            "not a complete JSON object with a version number",
        ),
        ("{\"version\":1,", StoreErrorKind::Corrupt, "truncated"),
        ("{}", StoreErrorKind::Corrupt, "no \"version\""),
        (
            r#"{"version":"1","server":"https://m.example"}"#,
            StoreErrorKind::Corrupt,
            "not a complete JSON object with a version number",
        ),
        (
            r#"{"version":1}"#,
            StoreErrorKind::Corrupt,
            "wrong type for version 1",
        ),
        (
            r#"{"version":2}"#,
            StoreErrorKind::Corrupt,
            "wrong type for version 2",
        ),
        (
            r#"{"version":1,"server":"https://m.example","app":{"name":"x"}}"#,
            StoreErrorKind::Corrupt,
            "a field is missing or has the wrong type",
        ),
        (
            r#"{"version":1,"server":"ftp://m.example"}"#,
            StoreErrorKind::Corrupt,
            "\"server\" is not a server address",
        ),
        (
            r#"{"version":2,"servers":{"ftp://m.example":{}}}"#,
            StoreErrorKind::Corrupt,
            "a server is not a server address",
        ),
        (
            r#"{"version":2,"servers":{"https://m.example":{},"https://M.example/":{}}}"#,
            StoreErrorKind::Corrupt,
            "a server is stored twice",
        ),
        (
            r#"{"version":2,"servers":{"https://m.example":{"users":{"alice@other.example":{"access_token":"t"}}}}}"#,
            StoreErrorKind::Corrupt,
            "an account name is not username@host of its server",
        ),
        (
            r#"{"version":2,"servers":{"https://m.example":{"users":{"a b@m.example":{"access_token":"t"}}}}}"#,
            StoreErrorKind::Corrupt,
            "an account name is not username@host",
        ),
        (
            r#"{"version":2,"servers":{"https://m.example":{"users":{"Al@m.example":{"access_token":"t"},"al@m.example":{"access_token":"u"}}}}}"#,
            StoreErrorKind::Corrupt,
            "an account is stored twice",
        ),
        (
            r#"{"version":1,"server":"https://m.example","tokens":{"app":{"access_token":""}}}"#,
            StoreErrorKind::Corrupt,
            "a token is empty",
        ),
        (
            r#"{"version":2,"servers":{"https://m.example":{"app_token":{"access_token":""}}}}"#,
            StoreErrorKind::Corrupt,
            "a token is empty",
        ),
        (
            r#"{"version":1,"server":"https://m.example","tokens":{"app":{"access_token":12345}}}"#,
            StoreErrorKind::Corrupt,
            "a field is missing or has the wrong type",
        ),
        (
            r#"{"version":1,"server":"https://m.example","app":{"name":"x","client_id":"","client_secret":"s","redirect_uris":[],"scopes":[],"website":null}}"#,
            StoreErrorKind::Corrupt,
            "client id or secret is empty",
        ),
    ];
    for (text, want, words) in cases {
        let err = Store::from_json(text).unwrap_err();
        assert_eq!(err.kind(), *want, "{text}");
        let msg = err.to_string();
        assert!(msg.contains(words), "{text}: {msg}");
        assert!(msg.starts_with("the credentials data "), "{msg}");
    }
}

#[test]
fn secrets_never_appear_in_errors_about_a_mistyped_field() {
    // A secret where a number belongs: serde_json's own message would quote it.
    for text in [
        r#"{"version":1,"server":"https://m.example","tokens":{"app":{"access_token":"a","created_at":"SECRET_app_token_z3"}}}"#,
        r#"{"version":2,"servers":{"https://m.example":{"app_token":{"access_token":"a","created_at":"SECRET_app_token_z3"}}}}"#,
    ] {
        let err = Store::from_json(text).unwrap_err();
        assert!(!err.to_string().contains("SECRET"), "{err}");
        assert!(!format!("{err:?}").contains("SECRET"), "{err:?}");
    }
}

#[test]
fn a_corrupt_file_on_disk_is_reported_with_its_path_and_left_unchanged() {
    let dir = TempDir::new("store-corrupt");
    let path = dir.join("credentials.json");
    let full = store_fixture("credentials-v2.json");
    let cut = &full[..full.len() / 2];
    write_private(&path, cut);
    let err = Store::load(&path).unwrap_err();
    assert_eq!(err.kind(), StoreErrorKind::Corrupt);
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!(
            "the credentials file {} is corrupt",
            path.display()
        )),
        "{msg}"
    );
    assert!(msg.contains("left unchanged"), "{msg}");
    assert_eq!(err.file(), Some(path.as_path()));
    // A writer stops as well, and writes nothing.
    let r = Store::update(&path, |_| Ok::<_, StoreError>(()));
    assert_eq!(r.unwrap_err().kind(), StoreErrorKind::Corrupt);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), cut);
}

#[test]
fn missing_oversized_non_utf8_and_folder_paths_are_typed_errors() {
    let dir = TempDir::new("store-odd");
    let missing = dir.join("none.json");
    let err = Store::load(&missing).unwrap_err();
    assert_eq!(err.kind(), StoreErrorKind::NotFound);
    assert_eq!(
        err.to_string(),
        format!("the credentials file {} does not exist", missing.display())
    );
    // Loading takes no lock and creates nothing.
    assert!(names(dir.path()).is_empty());

    let big = dir.join("big.json");
    let mut text = String::from("{\"version\":2,\"servers\":{},\"x\":\"");
    text.push_str(&"a".repeat(mastolite::store::MAX_FILE_SIZE as usize));
    text.push_str("\"}");
    write_private(&big, &text);
    let err = Store::load(&big).unwrap_err();
    assert_eq!(err.kind(), StoreErrorKind::Corrupt);
    assert!(err.to_string().contains("larger than 1 MiB"), "{err}");

    let bin = dir.join("bin.json");
    std::fs::write(&bin, b"{\"version\":2,\"servers\":{\"\xff\":{}}}").unwrap();
    #[cfg(unix)]
    tmpdir::set_mode(&bin, 0o600);
    let err = Store::load(&bin).unwrap_err();
    assert!(err.to_string().contains("not UTF-8"), "{err}");

    let folder = dir.join("folder");
    std::fs::create_dir(&folder).unwrap();
    #[cfg(unix)]
    tmpdir::set_mode(&folder, 0o700);
    let err = Store::load(&folder).unwrap_err();
    assert_eq!(err.kind(), StoreErrorKind::Unsafe);
    assert!(err.to_string().contains("not a regular file"), "{err}");
}

#[test]
fn debug_output_of_a_store_hides_every_secret() {
    let store = Store::from_json(&store_fixture("credentials-v2.multi.json")).unwrap();
    for d in [format!("{store:?}"), format!("{store:#?}")] {
        for s in SAMPLE_SECRETS.iter().chain(&MULTI_SECRETS) {
            assert!(!d.contains(s), "{d}");
        }
        assert!(d.contains("[redacted]"));
    }
}

#[test]
fn a_token_response_is_kept_with_its_expiry_counted_from_receipt() {
    let server = client("https://m.example");
    let text = r#"{"access_token":"t","token_type":"Bearer","scope":"read","created_at":1000,"expires_in":3600}"#;
    let t: Token = decode(text);
    let stored = StoredToken::from_token(&server, &t, 5000);
    assert_eq!(stored.access_token_for(&server).unwrap().secret(), "t");
    assert_eq!(stored.origin(), "https://m.example");
    assert_eq!(stored.created_at, Some(1000));
    assert_eq!(stored.expires_at, Some(8600));
    assert!(!stored.is_expired_at(8599));
    assert!(stored.is_expired_at(8600));

    let plain: Token = decode(r#"{"access_token":"t","token_type":"Bearer","scope":"read"}"#);
    let stored = StoredToken::from_token(&server, &plain, 5000);
    assert_eq!(stored.created_at, Some(5000));
    assert_eq!(stored.expires_at, None);
    assert!(!stored.is_expired_at(i64::MAX));
}
