//! The credentials file: format, both JSON backends, atomic private writes, refusals.

mod tmpdir;

use mastolite::store::{Store, StoreErrorKind, StoredToken};
use mastolite::{Error, OOB, Token};
use tmpdir::{SAMPLE_SECRETS, TempDir, decode, names, store_fixture};

/// The file the active backend writes, and the one the other backend writes.
fn own_and_other() -> (&'static str, &'static str) {
    if mastolite::json_backend() == "serde_json" {
        ("credentials-v1.serde.json", "credentials-v1.miniserde.json")
    } else {
        ("credentials-v1.miniserde.json", "credentials-v1.serde.json")
    }
}

fn kind(err: &Error) -> StoreErrorKind {
    match err {
        Error::Store(e) => e.kind(),
        other => panic!("not a store error: {other:?}"),
    }
}

fn assert_sample_values(s: &Store) {
    assert_eq!(s.server, "https://mastodon.example");
    let app = s.app.as_ref().expect("app");
    assert_eq!(app.name, "cron \"checker\" \u{2713}\ttab");
    assert_eq!(app.client_id, "cid_x1");
    assert_eq!(app.client_secret.secret(), "SECRET_client_q9");
    assert_eq!(app.redirect_uris, [OOB, "https://app.example/cb?x=1&y=2"]);
    assert_eq!(app.scopes, ["read", "write:statuses"]);
    assert_eq!(app.website, None);
    let creds = s.app_credentials().expect("credentials");
    assert_eq!(creds.client_id, "cid_x1");
    assert_eq!(creds.redirect_uri, OOB);
    assert_eq!(app.registered_scopes().to_string(), "read write:statuses");
    let user = s.user_token.as_ref().expect("user token");
    assert_eq!(user.access_token.secret(), "SECRET_user_token_k7");
    assert_eq!(user.scope.as_deref(), Some("read write:statuses"));
    assert_eq!(user.created_at, Some(1_700_000_100));
    assert_eq!(user.expires_at, Some(1_900_000_000));
    assert_eq!(user.acct.as_deref(), Some("alice"));
    assert!(user.scopes().contains("write:statuses"));
}

#[test]
fn files_written_by_either_backend_decode_to_the_same_store() {
    let (own, other) = own_and_other();
    let mine = Store::from_json(&store_fixture(own)).unwrap();
    let theirs = Store::from_json(&store_fixture(other)).unwrap();
    assert_eq!(mine, theirs);
    assert_sample_values(&mine);
    let app_token = mine.app_token.as_ref().expect("app token");
    assert_eq!(app_token.access_token.secret(), "SECRET_app_token_z3");
    assert_eq!(app_token.scope.as_deref(), Some("read"));
    assert_eq!(app_token.created_at, Some(1_700_000_000));
    assert_eq!(app_token.expires_at, None);
    assert_eq!(app_token.acct, None);
    // This backend writes exactly its committed sample, byte for byte.
    assert_eq!(format!("{}\n", mine.to_json()), store_fixture(own));
}

#[test]
fn a_hand_edited_file_with_other_key_order_and_unknown_keys_is_read() {
    let s = Store::from_json(&store_fixture("credentials-v1.hand-edited.json")).unwrap();
    // The trailing slash of the server is dropped.
    assert_sample_values(&s);
    assert_eq!(s.app_token, None);
}

#[test]
fn save_then_load_round_trips_with_private_modes() {
    let dir = TempDir::new("store-save");
    let path = dir.join("nested/deeper/credentials.json");
    let store = Store::from_json(&store_fixture(own_and_other().0)).unwrap();
    store.save(&path).unwrap();
    assert_eq!(Store::load(&path).unwrap(), store);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        format!("{}\n", store.to_json())
    );
    // No temporary file is left behind.
    assert_eq!(names(&dir.join("nested/deeper")), ["credentials.json"]);
    #[cfg(unix)]
    {
        assert_eq!(tmpdir::mode(&path), 0o600);
        assert_eq!(tmpdir::mode(&dir.join("nested")), 0o700);
        assert_eq!(tmpdir::mode(&dir.join("nested/deeper")), 0o700);
    }

    // Saving again replaces the file and keeps it private.
    let mut changed = store.clone();
    changed.user_token = None;
    changed.save(&path).unwrap();
    let back = Store::load(&path).unwrap();
    assert_eq!(back.user_token, None);
    assert_eq!(back.app_token, store.app_token);
    assert_eq!(names(&dir.join("nested/deeper")), ["credentials.json"]);
    #[cfg(unix)]
    assert_eq!(tmpdir::mode(&path), 0o600);
}

#[cfg(unix)]
#[test]
fn save_keeps_an_existing_folder_and_follows_a_symlink() {
    let dir = TempDir::new("store-symlink");
    tmpdir::set_mode(dir.path(), 0o755);
    let real = dir.join("real.json");
    let link = dir.join("link.json");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let store = Store::new("https://mastodon.example");
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
}

#[cfg(unix)]
#[test]
fn a_file_that_group_or_others_can_read_or_write_is_refused() {
    let dir = TempDir::new("store-open");
    let path = dir.join("credentials.json");
    let text = store_fixture(own_and_other().0);
    std::fs::write(&path, &text).unwrap();
    for mode in [0o644, 0o640, 0o604, 0o620, 0o602] {
        tmpdir::set_mode(&path, mode);
        let err = Store::load(&path).unwrap_err();
        assert_eq!(kind(&err), StoreErrorKind::TooOpen, "mode {mode:o}");
        let msg = err.to_string();
        assert!(
            msg.contains(&format!("chmod 600 {}", path.display())),
            "{msg}"
        );
        assert!(msg.contains(&format!("{mode:04o}")), "{msg}");
        // The file is untouched, and the caller may opt out of the check.
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        assert_eq!(tmpdir::mode(&path), mode);
        assert!(Store::load_ignoring_permissions(&path).is_ok());
    }
    tmpdir::set_mode(&path, 0o400);
    assert!(Store::load(&path).is_ok());
}

#[test]
fn every_truncation_of_a_file_is_a_corrupt_error_and_never_a_panic() {
    let text = store_fixture(own_and_other().0);
    let text = text.trim_end();
    for end in (0..text.len()).filter(|&i| text.is_char_boundary(i)) {
        let err = Store::from_json(&text[..end]).unwrap_err();
        assert_eq!(kind(&err), StoreErrorKind::Corrupt, "prefix of {end} bytes");
        let msg = err.to_string();
        for s in SAMPLE_SECRETS {
            assert!(!msg.contains(s), "{msg}");
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
            r#"{"version":2,"server":"https://m.example"}"#,
            StoreErrorKind::UnsupportedVersion,
            "has format version 2, and this mastolite reads only version 1",
        ),
        (
            r#"{"version":1}"#,
            StoreErrorKind::Corrupt,
            "a field is missing or has the wrong type",
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
            r#"{"version":1,"server":"https://m.example","tokens":{"app":{"access_token":""}}}"#,
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
        assert_eq!(kind(&err), *want, "{text}");
        let msg = err.to_string();
        assert!(msg.contains(words), "{text}: {msg}");
        assert!(msg.starts_with("the credentials data "), "{msg}");
    }
}

#[test]
fn secrets_never_appear_in_errors_about_a_mistyped_field() {
    // A secret where a number belongs: serde_json's own message would quote it.
    let text = r#"{"version":1,"server":"https://m.example","tokens":{"app":{"access_token":"a","created_at":"SECRET_app_token_z3"}}}"#;
    let err = Store::from_json(text).unwrap_err();
    assert!(!err.to_string().contains("SECRET"), "{err}");
    assert!(!format!("{err:?}").contains("SECRET"), "{err:?}");
}

#[test]
fn a_corrupt_file_on_disk_is_reported_with_its_path_and_left_unchanged() {
    let dir = TempDir::new("store-corrupt");
    let path = dir.join("credentials.json");
    let full = store_fixture(own_and_other().0);
    let cut = &full[..full.len() / 2];
    std::fs::write(&path, cut).unwrap();
    #[cfg(unix)]
    tmpdir::set_mode(&path, 0o600);
    let err = Store::load(&path).unwrap_err();
    assert_eq!(kind(&err), StoreErrorKind::Corrupt);
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!(
            "the credentials file {} is corrupt",
            path.display()
        )),
        "{msg}"
    );
    assert!(msg.contains("left unchanged"), "{msg}");
    match &err {
        Error::Store(e) => assert_eq!(e.file(), Some(path.as_path())),
        _ => unreachable!(),
    }
    assert_eq!(std::fs::read_to_string(&path).unwrap(), cut);
}

#[test]
fn missing_oversized_non_utf8_and_folder_paths_are_typed_errors() {
    let dir = TempDir::new("store-odd");
    let missing = dir.join("none.json");
    let err = Store::load(&missing).unwrap_err();
    assert_eq!(kind(&err), StoreErrorKind::NotFound);
    assert_eq!(
        err.to_string(),
        format!("the credentials file {} does not exist", missing.display())
    );

    let big = dir.join("big.json");
    let mut text = String::from("{\"version\":1,\"server\":\"https://m.example\",\"x\":\"");
    text.push_str(&"a".repeat(mastolite::store::MAX_FILE_SIZE as usize));
    text.push_str("\"}");
    std::fs::write(&big, &text).unwrap();
    #[cfg(unix)]
    tmpdir::set_mode(&big, 0o600);
    let err = Store::load(&big).unwrap_err();
    assert_eq!(kind(&err), StoreErrorKind::Corrupt);
    assert!(err.to_string().contains("larger than 1 MiB"), "{err}");

    let bin = dir.join("bin.json");
    std::fs::write(&bin, b"{\"version\":1,\"server\":\"\xff\"}").unwrap();
    #[cfg(unix)]
    tmpdir::set_mode(&bin, 0o600);
    let err = Store::load(&bin).unwrap_err();
    assert!(err.to_string().contains("not UTF-8"), "{err}");

    let folder = dir.join("folder");
    std::fs::create_dir(&folder).unwrap();
    #[cfg(unix)]
    tmpdir::set_mode(&folder, 0o700);
    let err = Store::load(&folder).unwrap_err();
    assert_eq!(kind(&err), StoreErrorKind::Corrupt);
    assert!(err.to_string().contains("not a regular file"), "{err}");
}

#[test]
fn debug_output_of_a_store_hides_every_secret() {
    let store = Store::from_json(&store_fixture(own_and_other().0)).unwrap();
    for d in [format!("{store:?}"), format!("{store:#?}")] {
        for s in SAMPLE_SECRETS {
            assert!(!d.contains(s), "{d}");
        }
        assert!(d.contains("[redacted]"));
    }
}

#[test]
fn a_token_response_is_kept_with_its_expiry_counted_from_receipt() {
    let text = r#"{"access_token":"t","token_type":"Bearer","scope":"read","created_at":1000,"expires_in":3600}"#;
    let token: Token = decode(text);
    let stored = StoredToken::from_token(&token, 5000).with_acct("bob");
    assert_eq!(stored.access_token.secret(), "t");
    assert_eq!(stored.created_at, Some(1000));
    assert_eq!(stored.expires_at, Some(8600));
    assert_eq!(stored.acct.as_deref(), Some("bob"));
    assert!(!stored.is_expired_at(8599));
    assert!(stored.is_expired_at(8600));

    let plain: Token = decode(r#"{"access_token":"t","token_type":"Bearer","scope":"read"}"#);
    let stored = StoredToken::from_token(&plain, 5000);
    assert_eq!(stored.created_at, Some(5000));
    assert_eq!(stored.expires_at, None);
    assert!(!stored.is_expired_at(i64::MAX));
}
