//! A private temporary folder per test, removed when dropped (std only; no tempfile crate).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// A fresh folder under the system's temporary folder.
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl TempDir {
    /// Creates `<tmp>/mastolite-<label>-<pid>-<n>`, empty.
    pub fn new(label: &str) -> TempDir {
        static N: AtomicU32 = AtomicU32::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("mastolite-{label}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a temporary folder");
        TempDir(dir)
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// A path inside the folder.
    pub fn join(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The permission bits of a file or folder.
#[cfg(unix)]
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

/// Sets the permission bits of a file or folder.
#[cfg(unix)]
pub fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// Holds the lock of the credentials file `<dir>/credentials.json` the way another run does:
/// its own open lock file, locked, until the file is dropped.
pub fn hold_lock(dir: &Path) -> std::fs::File {
    let path = dir.join(".credentials.json.lock");
    let lock = std::fs::File::create(&path).unwrap();
    #[cfg(unix)]
    set_mode(&path, 0o600);
    lock.lock().unwrap();
    lock
}

/// The names in a folder, sorted.
pub fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// `tests/fixtures/store/<name>`, as text.
pub fn store_fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/store")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The secrets in the `tests/fixtures/store` samples; no output may contain them.
pub const SAMPLE_SECRETS: [&str; 3] = [
    "SECRET_client_q9",
    "SECRET_app_token_z3",
    "SECRET_user_token_k7",
];

/// Decodes JSON with the backend the crate uses.
#[cfg(feature = "serde")]
pub fn decode<T: serde::de::DeserializeOwned>(text: &str) -> T {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// Decodes JSON with the backend the crate uses.
#[cfg(all(feature = "miniserde", not(feature = "serde")))]
pub fn decode<T: miniserde::Deserialize>(text: &str) -> T {
    miniserde::json::from_str(text).unwrap_or_else(|_| panic!("cannot decode: {text}"))
}
