//! The credentials store's error type. It sits below both [`store`](crate::store) and the
//! crate's [`Error`](crate::Error), which wraps it as [`Error::Store`](crate::Error::Store), so
//! that the core error module does not depend on the store.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use crate::terminal::Clean;

/// What went wrong with the credentials file, or with a lookup in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreErrorKind {
    /// There is no file at the path.
    NotFound,
    /// Reading, writing, locking, or creating the folder failed.
    Io,
    /// Group or others can read or change the file.
    TooOpen,
    /// The path is not a regular file (a folder, a FIFO, a device); or the file, a symbolic
    /// link on the way, or the lock file belongs to another user; or the lock file is a link.
    Unsafe,
    /// Another run held the file's lock for longer than the writer would wait.
    Locked,
    /// A write would store what loading refuses (an empty or oversized secret, an oversized
    /// server entry or file); nothing was written.
    Unstorable,
    /// The file is empty, truncated, not JSON, not in the expected shape, or too large.
    Corrupt,
    /// The file has a format version newer than this crate reads.
    UnsupportedVersion,
    /// No path was given and none of `MASTOLITE_STORE`, `XDG_CONFIG_HOME`, `HOME` is set.
    NoLocation,
    /// The store holds nothing for the server asked about.
    UnknownServer,
    /// The store holds no account of that name.
    UnknownAccount,
    /// Several user tokens (or servers) are stored, and none was chosen.
    Ambiguous,
    /// The server is stored, but not the app or token asked for.
    Missing,
    /// A stored secret was asked for on behalf of another server than the one that issued it.
    OriginMismatch,
    /// An account name is not `username@host[:port]` with `username` made of `a-z`, `0-9`,
    /// `_`, `.` and `-`.
    InvalidAccount,
}

/// An error about the credentials file or a lookup in it. Its message names the file or the
/// servers involved and says what to do, and never quotes the file's contents or a secret.
///
/// ```
/// use mastolite::store::{Store, StoreErrorKind};
/// let err = Store::from_json("").unwrap_err();
/// assert_eq!(err.kind(), StoreErrorKind::Corrupt);
/// assert_eq!(err.to_string(), "the credentials data is corrupt or truncated (the file is empty); \
///     it was left unchanged: repair it or move it away");
/// ```
#[derive(Debug)]
pub struct StoreError {
    kind: StoreErrorKind,
    path: Option<PathBuf>,
    detail: String,
    source: Option<io::Error>,
}

impl StoreError {
    pub(crate) fn new(kind: StoreErrorKind, detail: impl Into<String>) -> Self {
        StoreError {
            kind,
            path: None,
            detail: detail.into(),
            source: None,
        }
    }

    pub(crate) fn corrupt(why: &str) -> Self {
        Self::new(StoreErrorKind::Corrupt, why)
    }

    pub(crate) fn io(action: &str, e: io::Error) -> Self {
        StoreError {
            source: Some(e),
            ..Self::new(StoreErrorKind::Io, action)
        }
    }

    pub(crate) fn unsafe_path(why: &str) -> Self {
        Self::new(StoreErrorKind::Unsafe, why)
    }

    pub(crate) fn at(mut self, path: &Path) -> Self {
        if self.path.is_none() {
            self.path = Some(path.to_path_buf());
        }
        self
    }

    /// What the message says after the file's name, for the kinds that carry a reason.
    pub(crate) fn detail(&self) -> &str {
        &self.detail
    }

    /// What went wrong.
    pub fn kind(&self) -> StoreErrorKind {
        self.kind
    }

    /// The file, when the error came from reading or writing one.
    pub fn file(&self) -> Option<&Path> {
        self.path.as_deref()
    }
}

/// A path as a shell word: bare when it is made of safe characters, else single-quoted.
pub(crate) fn shell_word(path: &Path) -> String {
    let text = path.to_string_lossy();
    let safe = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-+~,:@%".contains(&b));
    if safe {
        text.into_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use StoreErrorKind as K;
        let detail = Clean(&self.detail);
        if matches!(
            self.kind,
            K::UnknownServer
                | K::UnknownAccount
                | K::Ambiguous
                | K::Missing
                | K::OriginMismatch
                | K::InvalidAccount
        ) {
            // Lookups: the detail is the whole message.
            return write!(f, "{detail}");
        }
        let path = self.path.as_deref().map(shell_word);
        match &path {
            Some(p) => write!(f, "the credentials file {}", Clean(p))?,
            None => f.write_str("the credentials data")?,
        }
        match self.kind {
            K::NotFound => f.write_str(" does not exist"),
            // The cause is returned by `source()`, not repeated here.
            K::Io => write!(f, ": cannot {detail} it"),
            K::TooOpen => write!(
                f,
                " can be read or changed by group or others (mode {detail}); run `chmod 600 {}`",
                Clean(path.as_deref().unwrap_or("<file>"))
            ),
            K::Unsafe => write!(f, " was not used: {detail}"),
            // The detail is the wait in whole seconds.
            K::Locked => write!(
                f,
                " is locked by another run; try again (waited {detail} s)"
            ),
            K::Unstorable => write!(f, " was left unchanged: {detail}"),
            K::Corrupt => write!(
                f,
                " is corrupt or truncated ({detail}); it was left unchanged: repair it or move it away"
            ),
            // The detail names the file's version and the newest one this build reads.
            K::UnsupportedVersion => {
                write!(f, " has format version {detail}: use a newer mastolite")
            }
            K::NoLocation => f.write_str(
                " has no location: set MASTOLITE_STORE, XDG_CONFIG_HOME or HOME, or give a path",
            ),
            _ => Ok(()),
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_word_quotes_only_when_needed() {
        assert_eq!(shell_word(Path::new("/a/b.json")), "/a/b.json");
        assert_eq!(shell_word(Path::new("/a b/c")), "'/a b/c'");
        assert_eq!(shell_word(Path::new("/it's")), r"'/it'\''s'");
    }

    #[test]
    fn an_io_error_prints_its_action_and_returns_its_cause() {
        let e = StoreError::io("write", io::Error::other("disk full")).at(Path::new("/c.json"));
        assert_eq!(
            e.to_string(),
            "the credentials file /c.json: cannot write it"
        );
        let cause = std::error::Error::source(&e).expect("a cause");
        assert_eq!(cause.to_string(), "disk full");
    }
}
