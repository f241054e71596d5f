//! The credentials file: one server, the app registered there, and the tokens obtained for it.
//!
//! The file is JSON written through the crate's JSON backend, so a file written by a serde build
//! is read by a miniserde build and the other way round:
//!
//! ```json
//! {"version":1,"server":"https://mastodon.example",
//!  "app":{"name":"mastolite","client_id":"…","client_secret":"…",
//!         "redirect_uris":["urn:ietf:wg:oauth:2.0:oob"],"scopes":["read"],"website":null},
//!  "tokens":{"app":{"access_token":"…","scope":"read","created_at":1700000000,
//!                   "expires_at":null,"acct":null},
//!            "user":null}}
//! ```
//!
//! [`Store::save`] writes a temporary file in the same folder with mode 0600, flushes and syncs
//! it, then renames it over the old file, so a reader sees the old file or the new one, never a
//! mix. A missing folder is created with mode 0700. [`Store::load`] refuses a file that group or
//! others can read or change, and reports a corrupt or truncated file as
//! [`StoreErrorKind::Corrupt`] without touching it. Secrets stay in [`ClientSecret`] and
//! [`AccessToken`], whose `Debug` output is redacted; no error quotes the file.
//!
//! The default location is `$MASTOLITE_STORE`, else `$XDG_CONFIG_HOME/mastolite/credentials.json`,
//! else `~/.config/mastolite/credentials.json` ([`default_path`]).

use std::ffi::OsString;
use std::fmt;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use crate::apps::NewApp;
use crate::entities::{AppCredentials, CredentialApplication, Token};
use crate::error::Error;
use crate::origin::Origin;
use crate::scopes::Scopes;
use crate::secret::{AccessToken, ClientSecret};
use crate::terminal::Clean;

/// The format version this crate writes and reads.
pub const VERSION: u64 = 1;

/// The largest credentials file [`Store::load`] reads (1 MiB); a real one is under 2 KiB.
pub const MAX_FILE_SIZE: u64 = 1 << 20;

/// An app registered on the store's server: what `POST /api/v1/apps` returned, minus what the
/// server may change later.
///
/// ```
/// let store = mastolite::store::Store::from_json(r#"{"version":1,"server":"https://m.example",
///   "app":{"name":"bot","client_id":"cid","client_secret":"cs",
///          "redirect_uris":["urn:ietf:wg:oauth:2.0:oob"],"scopes":["read"],"website":null}}"#)?;
/// let app = store.app.unwrap();
/// assert_eq!(app.credentials().client_id, "cid");
/// assert_eq!(app.registered_scopes().to_string(), "read");
/// assert!(!format!("{app:?}").contains("\"cs\""));
/// # Ok::<(), mastolite::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "miniserde",
    derive(miniserde::Serialize, miniserde::Deserialize)
)]
#[non_exhaustive]
pub struct StoredApp {
    /// The registered name.
    pub name: String,
    /// The client id.
    pub client_id: String,
    /// The client secret.
    pub client_secret: ClientSecret,
    /// The registered redirect URIs, in order; the first is used for token requests.
    pub redirect_uris: Vec<String>,
    /// The registered scopes.
    pub scopes: Vec<String>,
    /// The app's website.
    pub website: Option<String>,
}

impl StoredApp {
    /// The app as registered: the server's redirect URIs and scopes where it sent them (4.3+),
    /// else the ones that were asked for.
    ///
    /// ```no_run
    /// use mastolite::{apps, store::{Store, StoredApp}, Client, OOB};
    /// let client = Client::new("https://mastodon.example")?;
    /// let new_app = apps::NewApp::new("bot").redirect_uri(OOB);
    /// let registered = apps::create(&client, &new_app)?;
    /// let mut store = Store::new(client.origin());
    /// store.app = Some(StoredApp::from_registration(&registered, &new_app));
    /// store.save(&mastolite::store::default_path()?)?;
    /// # Ok::<(), mastolite::Error>(())
    /// ```
    pub fn from_registration(app: &CredentialApplication, requested: &NewApp) -> Self {
        let mut redirect_uris = app.redirect_uris();
        if redirect_uris.is_empty() {
            redirect_uris = requested.redirect_uris().to_vec();
        }
        let scopes = match &app.scopes {
            Some(s) if !s.is_empty() => s,
            _ => requested.requested_scopes(),
        }
        .iter()
        .map(str::to_owned)
        .collect();
        StoredApp {
            name: app.name.clone(),
            client_id: app.client_id.clone(),
            client_secret: app.client_secret.clone(),
            redirect_uris,
            scopes,
            website: app.website.clone(),
        }
    }

    /// The client id and secret, with the first registered redirect URI (the out-of-band one
    /// when none is stored).
    pub fn credentials(&self) -> AppCredentials {
        let creds = AppCredentials::new(self.client_id.clone(), self.client_secret.clone());
        match self.redirect_uris.first() {
            Some(uri) => creds.with_redirect_uri(uri.clone()),
            None => creds,
        }
    }

    /// The registered scopes as a set.
    pub fn registered_scopes(&self) -> Scopes {
        self.scopes.iter().map(String::as_str).collect()
    }
}

/// A token kept in the store, with what is known about it.
///
/// ```
/// use mastolite::store::StoredToken;
/// let store = mastolite::store::Store::from_json(r#"{"version":1,"server":"https://m.example",
///   "tokens":{"user":{"access_token":"t","scope":"read","created_at":100,
///                     "expires_at":200,"acct":"alice"}}}"#)?;
/// let token: &StoredToken = store.user_token.as_ref().unwrap();
/// assert_eq!(token.acct.as_deref(), Some("alice"));
/// assert!(!token.is_expired_at(199));
/// assert!(token.is_expired_at(200));
/// # Ok::<(), mastolite::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "miniserde",
    derive(miniserde::Serialize, miniserde::Deserialize)
)]
#[non_exhaustive]
pub struct StoredToken {
    /// The bearer token.
    pub access_token: AccessToken,
    /// The granted scopes, space-separated, as the token endpoint said.
    pub scope: Option<String>,
    /// Unix seconds: the server's `created_at`, or when the token was received.
    pub created_at: Option<i64>,
    /// Unix seconds after which the token is no longer valid, for servers that send
    /// `expires_in` (counted from when the response arrived, as RFC 6749 says). Mastodon's
    /// tokens do not expire.
    pub expires_at: Option<i64>,
    /// The account a user token belongs to (`acct`), when known.
    pub acct: Option<String>,
}

impl StoredToken {
    /// Keeps a token that arrived at `received_at` (Unix seconds).
    ///
    /// ```
    /// let token = mastolite::Token::new(mastolite::AccessToken::new("t"));
    /// let stored = mastolite::store::StoredToken::from_token(&token, 1_700_000_000);
    /// assert_eq!(stored.created_at, Some(1_700_000_000));
    /// assert_eq!(stored.expires_at, None);
    /// ```
    pub fn from_token(token: &Token, received_at: i64) -> Self {
        StoredToken {
            access_token: token.access_token.clone(),
            scope: token.scope.as_ref().map(ToString::to_string),
            created_at: Some(token.created_at.unwrap_or(received_at)),
            expires_at: token.expires_at(received_at),
            acct: None,
        }
    }

    /// The same token, noted as belonging to `acct`.
    #[must_use]
    pub fn with_acct(mut self, acct: impl Into<String>) -> Self {
        self.acct = Some(acct.into());
        self
    }

    /// The granted scopes (empty when the server did not say).
    pub fn scopes(&self) -> Scopes {
        self.scope
            .as_deref()
            .map(Scopes::parse_lenient)
            .unwrap_or_default()
    }

    /// True when the token has an expiry and `now_unix` is at or past it.
    pub fn is_expired_at(&self, now_unix: i64) -> bool {
        self.expires_at.is_some_and(|at| now_unix >= at)
    }
}

/// The contents of a credentials file.
///
/// ```no_run
/// use mastolite::{oauth, store::{self, Store, StoredToken}, Client};
/// let path = store::default_path()?;
/// let mut store = Store::load(&path)?;
/// let client = Client::new(&store.server)?;
/// let app = store.app.as_ref().expect("registered").credentials();
/// let token = oauth::client_credentials(&client, &app, &"read".parse()?)?;
/// store.app_token = Some(StoredToken::from_token(&token, 1_700_000_000));
/// store.save(&path)?;
/// # Ok::<(), mastolite::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Store {
    /// The server's origin, such as `https://mastodon.example`.
    pub server: String,
    /// The registered app.
    pub app: Option<StoredApp>,
    /// The app token (client credentials).
    pub app_token: Option<StoredToken>,
    /// The user token (authorization code).
    pub user_token: Option<StoredToken>,
}

/// The file's layout, version 1.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "miniserde",
    derive(miniserde::Serialize, miniserde::Deserialize)
)]
struct FileV1 {
    version: u64,
    server: String,
    app: Option<StoredApp>,
    tokens: Option<Tokens>,
}

#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "miniserde",
    derive(miniserde::Serialize, miniserde::Deserialize)
)]
struct Tokens {
    app: Option<StoredToken>,
    user: Option<StoredToken>,
}

/// Read first, so that a newer format is reported as such rather than as corrupt.
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
struct Header {
    version: Option<u64>,
}

impl Store {
    /// An empty store for a server: pass [`Client::origin`](crate::Client::origin).
    pub fn new(server: impl Into<String>) -> Self {
        Store {
            server: server.into(),
            app: None,
            app_token: None,
            user_token: None,
        }
    }

    /// Parses a credentials file's text, normalising the server address (`https://host[:port]`).
    /// Never panics, whatever the input.
    ///
    /// ```
    /// use mastolite::store::{Store, StoreErrorKind};
    /// let s = Store::from_json(r#"{"version":1,"server":"https://m.example"}"#)?;
    /// assert_eq!(s.server, "https://m.example");
    /// let err = Store::from_json(r#"{"version":1,"serv"#).unwrap_err();
    /// assert!(matches!(err, mastolite::Error::Store(ref e) if e.kind() == StoreErrorKind::Corrupt));
    /// # Ok::<(), mastolite::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Store`] with [`StoreErrorKind::Corrupt`] for text that is empty, truncated, not
    /// JSON, or not in the expected shape (the message never quotes the text), and
    /// [`StoreErrorKind::UnsupportedVersion`] for a version other than [`VERSION`].
    pub fn from_json(text: &str) -> Result<Store, Error> {
        if text.trim().is_empty() {
            return Err(StoreError::corrupt("the file is empty").into());
        }
        let header: Header = crate::json::from_str(text).map_err(|_| {
            StoreError::corrupt(
                "it is not a complete JSON object with a version number; it may be truncated",
            )
        })?;
        match header.version {
            Some(VERSION) => {}
            Some(v) => {
                return Err(StoreError::new(StoreErrorKind::UnsupportedVersion)
                    .detail(v.to_string())
                    .into());
            }
            None => return Err(StoreError::corrupt("it has no \"version\" number").into()),
        }
        let file: FileV1 = crate::json::from_str(text).map_err(|_| {
            StoreError::corrupt("a field is missing or has the wrong type for version 1")
        })?;
        let Ok(origin) = Origin::parse(&file.server) else {
            return Err(StoreError::corrupt("\"server\" is not a server address").into());
        };
        if let Some(app) = &file.app {
            if app.client_id.is_empty() || app.client_secret.secret().is_empty() {
                return Err(StoreError::corrupt("the app's client id or secret is empty").into());
            }
        }
        let (app_token, user_token) = match file.tokens {
            Some(t) => (t.app, t.user),
            None => (None, None),
        };
        for t in app_token.iter().chain(&user_token) {
            if t.access_token.secret().is_empty() {
                return Err(StoreError::corrupt("a token is empty").into());
            }
        }
        Ok(Store {
            server: origin.text,
            app: file.app,
            app_token,
            user_token,
        })
    }

    /// The file's text: compact JSON, [`VERSION`] first, with the secrets in it.
    ///
    /// ```
    /// let store = mastolite::store::Store::new("https://m.example");
    /// let text = store.to_json();
    /// assert_eq!(text, r#"{"version":1,"server":"https://m.example","app":null,"tokens":{"app":null,"user":null}}"#);
    /// assert_eq!(mastolite::store::Store::from_json(&text)?, store);
    /// # Ok::<(), mastolite::Error>(())
    /// ```
    pub fn to_json(&self) -> String {
        crate::json::to_string(&FileV1 {
            version: VERSION,
            server: self.server.clone(),
            app: self.app.clone(),
            tokens: Some(Tokens {
                app: self.app_token.clone(),
                user: self.user_token.clone(),
            }),
        })
    }

    /// Reads a credentials file, refusing one that group or others can read or change (Unix).
    ///
    /// ```no_run
    /// let store = mastolite::store::Store::load(&mastolite::store::default_path()?)?;
    /// println!("{}", store.server);
    /// # Ok::<(), mastolite::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Store`] with [`StoreErrorKind::NotFound`], [`Io`](StoreErrorKind::Io),
    /// [`TooOpen`](StoreErrorKind::TooOpen) (the message says `chmod 600 <path>`),
    /// [`Corrupt`](StoreErrorKind::Corrupt) (also for a file over [`MAX_FILE_SIZE`]) or
    /// [`UnsupportedVersion`](StoreErrorKind::UnsupportedVersion).
    pub fn load(path: &Path) -> Result<Store, Error> {
        Self::read(path, true)
    }

    /// Reads a credentials file without checking its permissions: only for files that are
    /// protected otherwise (a secrets mount, a private container).
    ///
    /// # Errors
    /// As [`load`](Self::load), without `TooOpen`.
    ///
    /// ```no_run
    /// let store = mastolite::store::Store::load_ignoring_permissions("/run/secrets/mastolite".as_ref())?;
    /// # let _ = store;
    /// # Ok::<(), mastolite::Error>(())
    /// ```
    pub fn load_ignoring_permissions(path: &Path) -> Result<Store, Error> {
        Self::read(path, false)
    }

    fn read(path: &Path, check_mode: bool) -> Result<Store, Error> {
        let at = |e: StoreError| Error::Store(e.path(path));
        let file = match fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(at(StoreError::new(StoreErrorKind::NotFound)));
            }
            Err(e) => return Err(at(StoreError::io("read", e))),
        };
        let meta = file.metadata().map_err(|e| at(StoreError::io("read", e)))?;
        if !meta.is_file() {
            return Err(at(StoreError::corrupt("it is not a regular file")));
        }
        #[cfg(unix)]
        if check_mode {
            use std::os::unix::fs::PermissionsExt;
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(at(
                    StoreError::new(StoreErrorKind::TooOpen).detail(format!("{mode:04o}"))
                ));
            }
        }
        #[cfg(not(unix))]
        let _ = check_mode;
        let mut bytes = Vec::new();
        file.take(MAX_FILE_SIZE + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| at(StoreError::io("read", e)))?;
        if bytes.len() as u64 > MAX_FILE_SIZE {
            return Err(at(StoreError::corrupt("it is larger than 1 MiB")));
        }
        let text = String::from_utf8(bytes)
            .map_err(|_| at(StoreError::corrupt("it is not UTF-8 text")))?;
        Store::from_json(&text).map_err(|e| match e {
            Error::Store(s) => at(s),
            other => other,
        })
    }

    /// Writes the store atomically: a temporary file with mode 0600 in the same folder, flushed
    /// and synced, then renamed over `path` (the folder is created with mode 0700 when
    /// missing). A symbolic link at `path` is followed, so the file it points to is replaced.
    ///
    /// It replaces whatever `path` holds: load the file first, so that a corrupt one stops
    /// the program before anything is written.
    ///
    /// ```no_run
    /// let path = mastolite::store::default_path()?;
    /// mastolite::store::Store::new("https://mastodon.example").save(&path)?;
    /// # Ok::<(), mastolite::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Store`] with [`StoreErrorKind::Io`] when the folder, the temporary file or the
    /// rename fails; the temporary file is removed then.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        let at = |e: StoreError| Error::Store(e.path(path));
        let target = resolve_links(path).map_err(|e| at(StoreError::io("resolve", e)))?;
        let Some(name) = target.file_name() else {
            let e = io::Error::new(io::ErrorKind::InvalidInput, "the path names no file");
            return Err(at(StoreError::io("write", e)));
        };
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        if !dir.is_dir() {
            create_private_dir(dir).map_err(|e| at(StoreError::io("create the folder of", e)))?;
        }
        let mut tmp_name = OsString::from(".");
        tmp_name.push(name);
        tmp_name.push(format!(".{}.{}.tmp", std::process::id(), unique()));
        let tmp = dir.join(tmp_name);
        let mut text = self.to_json();
        text.push('\n');
        let written = write_private(&tmp, text.as_bytes()).and_then(|()| fs::rename(&tmp, &target));
        if let Err(e) = written {
            let _ = fs::remove_file(&tmp);
            return Err(at(StoreError::io("write", e)));
        }
        // Make the rename itself durable; not every platform can sync a folder.
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    /// The app's client credentials, when an app is stored.
    pub fn app_credentials(&self) -> Option<AppCredentials> {
        self.app.as_ref().map(StoredApp::credentials)
    }
}

/// Follows symbolic links at `path` (even dangling ones) to the file that a write replaces.
fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = fs::read_link(&p)?;
                // An absolute target replaces the folder; a relative one is taken from it.
                p = match p.parent() {
                    Some(dir) => dir.join(target),
                    None => target,
                };
            }
            _ => return Ok(p),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// A number that differs between calls in one process, for temporary file names.
fn unique() -> u128 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    nanos ^ u128::from(COUNTER.fetch_add(1, Ordering::Relaxed))
}

fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Creates `path` (which must not exist) with mode 0600, writes `bytes`, and syncs it.
fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    #[cfg(unix)]
    {
        // The umask may have taken bits away, never added any; set the mode exactly.
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(bytes)?;
    file.flush()?;
    file.sync_all()
}

/// Where the credentials file lives: `$MASTOLITE_STORE`, else
/// `$XDG_CONFIG_HOME/mastolite/credentials.json` (when that is an absolute path), else
/// `$HOME/.config/mastolite/credentials.json`. Empty variables count as unset.
///
/// ```
/// let path = mastolite::store::default_path();
/// # let _ = path;
/// ```
///
/// # Errors
/// [`Error::Store`] with [`StoreErrorKind::NoLocation`] when none of the three is set.
pub fn default_path() -> Result<PathBuf, Error> {
    default_path_from(|name| std::env::var_os(name))
}

fn default_path_from(var: impl Fn(&str) -> Option<OsString>) -> Result<PathBuf, Error> {
    let set = |name: &str| var(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(p) = set("MASTOLITE_STORE") {
        return Ok(p);
    }
    if let Some(x) = set("XDG_CONFIG_HOME").filter(|p| p.is_absolute()) {
        return Ok(x.join("mastolite").join("credentials.json"));
    }
    if let Some(home) = set("HOME") {
        return Ok(home
            .join(".config")
            .join("mastolite")
            .join("credentials.json"));
    }
    Err(StoreError::new(StoreErrorKind::NoLocation).into())
}

/// What went wrong with the credentials file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreErrorKind {
    /// There is no file at the path.
    NotFound,
    /// Reading, writing, or creating the folder failed.
    Io,
    /// Group or others can read or change the file.
    TooOpen,
    /// The file is empty, truncated, not JSON, not in the expected shape, or too large.
    Corrupt,
    /// The file has a format version this crate does not read.
    UnsupportedVersion,
    /// No path was given and none of `MASTOLITE_STORE`, `XDG_CONFIG_HOME`, `HOME` is set.
    NoLocation,
}

/// An error about the credentials file. Its message names the file and says what to do, and
/// never quotes the file's contents.
///
/// ```
/// let err = mastolite::store::Store::from_json("").unwrap_err();
/// assert_eq!(err.to_string(), "the credentials data is corrupt or truncated (the file is empty); \
///     it was left unchanged: repair it or move it away");
/// ```
#[derive(Debug)]
pub struct StoreError {
    kind: StoreErrorKind,
    path: Option<PathBuf>,
    detail: Option<String>,
    source: Option<io::Error>,
}

impl StoreError {
    fn new(kind: StoreErrorKind) -> Self {
        StoreError {
            kind,
            path: None,
            detail: None,
            source: None,
        }
    }

    fn corrupt(why: &str) -> Self {
        Self::new(StoreErrorKind::Corrupt).detail(why.to_owned())
    }

    fn io(action: &str, e: io::Error) -> Self {
        StoreError {
            source: Some(e),
            ..Self::new(StoreErrorKind::Io).detail(action.to_owned())
        }
    }

    fn detail(mut self, detail: String) -> Self {
        self.detail = Some(detail);
        self
    }

    fn path(mut self, path: &Path) -> Self {
        self.path = Some(path.to_path_buf());
        self
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

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        Error::Store(e)
    }
}

/// A path as a shell word: bare when it is made of safe characters, else single-quoted.
fn shell_word(path: &Path) -> String {
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
        let path = self.path.as_deref().map(shell_word);
        match &path {
            Some(p) => write!(f, "the credentials file {}", Clean(p))?,
            None => f.write_str("the credentials data")?,
        }
        let detail = self.detail.as_deref().unwrap_or("");
        match self.kind {
            StoreErrorKind::NotFound => f.write_str(" does not exist"),
            StoreErrorKind::Io => {
                write!(f, ": cannot {detail} it")?;
                match &self.source {
                    Some(e) => write!(f, ": {}", Clean(&e.to_string())),
                    None => Ok(()),
                }
            }
            StoreErrorKind::TooOpen => write!(
                f,
                " can be read or changed by group or others (mode {detail}); run `chmod 600 {}`",
                Clean(path.as_deref().unwrap_or("<file>"))
            ),
            StoreErrorKind::Corrupt => write!(
                f,
                " is corrupt or truncated ({detail}); it was left unchanged: repair it or move it away"
            ),
            StoreErrorKind::UnsupportedVersion => write!(
                f,
                " has format version {detail}, and this mastolite reads only version {VERSION}"
            ),
            StoreErrorKind::NoLocation => f.write_str(
                " has no location: set MASTOLITE_STORE, XDG_CONFIG_HOME or HOME, or give a path",
            ),
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

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn default_path_prefers_mastolite_store_then_xdg_then_home() {
        let all = [
            ("MASTOLITE_STORE", "/s/creds.json"),
            ("XDG_CONFIG_HOME", "/x"),
            ("HOME", "/h"),
        ];
        assert_eq!(
            default_path_from(env(&all)).unwrap(),
            Path::new("/s/creds.json")
        );
        assert_eq!(
            default_path_from(env(&all[1..])).unwrap(),
            Path::new("/x/mastolite/credentials.json")
        );
        assert_eq!(
            default_path_from(env(&all[2..])).unwrap(),
            Path::new("/h/.config/mastolite/credentials.json")
        );
        // Empty values count as unset; a relative XDG_CONFIG_HOME is ignored, as the spec says.
        let odd = [
            ("MASTOLITE_STORE", ""),
            ("XDG_CONFIG_HOME", "rel"),
            ("HOME", "/h"),
        ];
        assert_eq!(
            default_path_from(env(&odd)).unwrap(),
            Path::new("/h/.config/mastolite/credentials.json")
        );
        let err = default_path_from(env(&[])).unwrap_err();
        assert!(matches!(&err, Error::Store(e) if e.kind() == StoreErrorKind::NoLocation));
        assert!(err.to_string().contains("MASTOLITE_STORE"), "{err}");
    }

    #[test]
    fn shell_word_quotes_only_when_needed() {
        assert_eq!(shell_word(Path::new("/a/b.json")), "/a/b.json");
        assert_eq!(shell_word(Path::new("/a b/c")), "'/a b/c'");
        assert_eq!(shell_word(Path::new("/it's")), r"'/it'\''s'");
    }

    #[test]
    fn stored_token_expiry_counts_from_receipt() {
        let mut token = Token::new(AccessToken::new("t"));
        token.created_at = Some(10);
        token.expires_in = Some(100);
        let stored = StoredToken::from_token(&token, 50);
        assert_eq!(stored.created_at, Some(10));
        assert_eq!(stored.expires_at, Some(150));
        assert!(!stored.is_expired_at(149));
        assert!(stored.is_expired_at(150));
    }
}
