//! The credentials file: any number of servers, each with the app registered there, its app
//! token, and the user tokens of its accounts.
//!
//! The file is JSON written through the crate's JSON backend, so a file written by a serde build
//! is read by a miniserde build and the other way round, and both write the same bytes:
//!
//! ```json
//! {"version":2,"servers":{"https://mastodon.example":{
//!   "app":{"name":"mastolite","client_id":"…","client_secret":"…",
//!          "redirect_uris":["urn:ietf:wg:oauth:2.0:oob"],"scopes":["read"],"website":null},
//!   "app_token":{"access_token":"…","scope":"read","created_at":1700000000,"expires_at":null},
//!   "users":{"alice@mastodon.example":{"access_token":"…","scope":"read",
//!            "created_at":1700000100,"expires_at":null}},
//!   "unnamed_user":null}}}
//! ```
//!
//! Servers are keyed by origin and accounts by their name, `username@host[:port]` in lower
//! case ([`account_name`]). A version-1 file (one server) is read as it is and written as
//! version 2 by the next save; its user token becomes `acct@host`, or stays unnamed when the
//! file did not say whose it is.
//!
//! **Every secret is bound to the server that issued it.** A [`StoredApp`] and a
//! [`StoredToken`] carry their origin, and hand their secret out only for a [`Client`] of that
//! origin ([`StoredApp::credentials_for`], [`StoredToken::access_token_for`],
//! [`Store::app_credentials_for`], [`Store::user_token_for`]); for another server they return an
//! [`OriginMismatch`](StoreErrorKind::OriginMismatch) error naming both.
//!
//! Files: [`Store::update`] takes an advisory lock on a sibling lock file, reads the file, applies
//! one change and writes it back, so concurrent programs lose nothing. The lock file is opened
//! without following a link, must be a regular file of the current user, and is waited for at
//! most [`LOCK_WAIT`] ([`Store::update_waiting`] takes another deadline). Writes go to an
//! exclusive temporary file with mode 0600 in the same folder, synced, then renamed over the old
//! file. [`Store::load`] takes no lock; it refuses a file that group or others can read or
//! change, a file or symbolic link owned by another user than the current one or root, and
//! anything but a regular file (without blocking on a FIFO), judged on the opened file, not on
//! the path. No error quotes the file or a secret.
//!
//! What loading refuses is never written: a write refuses an empty client id, client secret or
//! token, one longer than [`MAX_SECRET_LEN`], a server whose entry would take more than
//! [`MAX_SERVER_SIZE`], and a file over [`MAX_FILE_SIZE`], with an
//! [`Unstorable`](StoreErrorKind::Unstorable) error naming the server. So a server that issues
//! a hostile value cannot make the file unreadable for the others.
//!
//! The default location is `$MASTOLITE_STORE`, else `$XDG_CONFIG_HOME/mastolite/credentials.json`,
//! else `~/.config/mastolite/credentials.json` ([`default_path`]).
//!
//! # Example
//!
//! Programs can use it through the library's `store` module. Every stored secret carries the
//! origin of the server that issued it, and the store hands it out only for a `Client` of that
//! origin: for any other server the call fails, naming both, before anything is sent.
//!
//! ```rust,no_run
//! use mastolite::store::{self, Store, StoredToken};
//!
//! let path = store::default_path()?;
//! let store = Store::load(&path)?;
//! for server in store.servers() {
//!     let client = mastolite::Client::new(server.origin())?;
//!     if let Ok(token) = store.app_token_for(&client) {
//!         println!("{}", mastolite::apps::verify_credentials(&client, token)?.name);
//!     }
//! }
//!
//! // A change: under the file's lock, re-read, changed, written back.
//! let client = mastolite::Client::new("https://mastodon.example")?;
//! let app = store.app_credentials_for(&client)?;
//! let token = mastolite::oauth::client_credentials(&client, &app, &"read".parse()?)?;
//! Store::update(&path, |s| {
//!     s.set_app_token(StoredToken::from_token(&client, &token, 1_700_000_000));
//!     Ok::<_, store::StoreError>(())
//! })?;
//! # Ok::<(), mastolite::Error>(())
//! ```

mod file;
pub(crate) mod fs;

use crate::kind::Kind;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::PathBuf;

use crate::apps::NewApp;
use crate::client::Client;
use crate::entities::{AppCredentials, CredentialApplication, Token};
use crate::origin::Origin;
use crate::scopes::Scopes;
use crate::secret::{AccessToken, ClientSecret};

pub use crate::store_error::{StoreError, StoreErrorKind};

/// The format version this crate writes. It reads this one and every earlier one.
pub const VERSION: u64 = 2;

/// The largest credentials file [`Store::load`] reads (1 MiB), and so the largest one a write
/// makes.
pub const MAX_FILE_SIZE: u64 = 1 << 20;

/// The longest client id, client secret or token a write stores (4 KiB). Real ones are a few dozen
/// characters (Mastodon's 43); a server that sends more is refused before the file changes.
pub const MAX_SECRET_LEN: usize = 4096;

/// The most bytes one server's entry may take in the file (64 KiB: an app and a few hundred
/// accounts), so that no server can fill the file's [`MAX_FILE_SIZE`] for the others.
pub const MAX_SERVER_SIZE: usize = 64 << 10;

/// How long [`Store::update`] and [`Store::save`] wait for the lock that another writer holds
/// (10 s) before they give up with [`Locked`](StoreErrorKind::Locked).
pub const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// How an unnamed user token (carried over from a version-1 file) is listed.
pub const UNNAMED: &str = "(unnamed)";

/// An app registered on a server: what `POST /api/v1/apps` returned, minus what the server may
/// change later, bound to that server's origin.
///
/// ```
/// let store = mastolite::store::Store::from_json(r#"{"version":1,"server":"https://m.example",
///   "app":{"name":"bot","client_id":"cid","client_secret":"cs",
///          "redirect_uris":["urn:ietf:wg:oauth:2.0:oob"],"scopes":["read"],"website":null}}"#)?;
/// let app = store.server("https://m.example").unwrap().app().unwrap();
/// assert_eq!(app.client_id, "cid");
/// assert_eq!(app.origin(), "https://m.example");
/// assert_eq!(app.registered_scopes().to_string(), "read");
/// assert!(!format!("{app:?}").contains("\"cs\""));
/// # Ok::<(), mastolite::store::StoreError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoredApp {
    origin: String,
    /// The registered name.
    pub name: String,
    /// The client id.
    pub client_id: String,
    client_secret: ClientSecret,
    /// The registered redirect URIs, in order; the first is used for token requests.
    pub redirect_uris: Vec<String>,
    /// The registered scopes.
    pub scopes: Vec<String>,
    /// The app's website.
    pub website: Option<String>,
}

impl StoredApp {
    /// The app as `client`'s server registered it: the server's redirect URIs and scopes where
    /// it sent them (4.3+), else the ones that were asked for.
    ///
    /// ```no_run
    /// use mastolite::{apps, store::{self, Store, StoredApp}, Client, OOB};
    /// let client = Client::new("https://mastodon.example")?;
    /// let new_app = apps::NewApp::new("bot").redirect_uri(OOB);
    /// let registered = apps::create(&client, &new_app)?;
    /// let app = StoredApp::from_registration(&client, &registered, &new_app);
    /// Store::update(store::default_path()?, |s| {
    ///     s.set_app(app);
    ///     Ok::<_, mastolite::Error>(())
    /// })?;
    /// # Ok::<(), mastolite::Error>(())
    /// ```
    pub fn from_registration(
        client: &Client,
        app: &CredentialApplication,
        requested: &NewApp,
    ) -> Self {
        let mut redirect_uris = app.all_redirect_uris();
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
            origin: client.origin().to_owned(),
            name: app.name.clone(),
            client_id: app.client_id.clone(),
            client_secret: app.client_secret.clone(),
            redirect_uris,
            scopes,
            website: app.website.clone(),
        }
    }

    /// The server the app is registered on.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The client id and secret, with the first registered redirect URI (the out-of-band one
    /// when none is stored), for a client of the app's own server.
    ///
    /// ```
    /// # let store = mastolite::store::Store::from_json(r#"{"version":1,"server":"https://m.example",
    /// #   "app":{"name":"bot","client_id":"cid","client_secret":"cs","redirect_uris":[],"scopes":[],"website":null}}"#)?;
    /// let app = store.server("https://m.example").unwrap().app().unwrap();
    /// let own = mastolite::Client::new("https://m.example")?;
    /// assert_eq!(app.credentials_for(&own)?.client_secret.secret(), "cs");
    /// let other = mastolite::Client::new("https://other.example")?;
    /// let err = app.credentials_for(&other).unwrap_err();
    /// assert!(err.to_string().contains("https://m.example"));
    /// assert!(err.to_string().contains("https://other.example"));
    /// # Ok::<(), mastolite::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`StoreErrorKind::OriginMismatch`] when `client` talks to another server.
    pub fn credentials_for(&self, client: &Client) -> Result<AppCredentials, StoreError> {
        same_origin(&self.origin, client, "the app's client secret")?;
        let mut creds = AppCredentials::new(self.client_id.clone(), self.client_secret.clone());
        if let Some(uri) = self.redirect_uris.first() {
            creds.redirect_uri = uri.clone();
        }
        Ok(creds)
    }

    /// The registered scopes as a set.
    pub fn registered_scopes(&self) -> Scopes {
        self.scopes.iter().map(String::as_str).collect()
    }
}

/// A token kept in the store, with what is known about it, bound to the server that issued it.
///
/// ```
/// let client = mastolite::Client::new("https://m.example")?;
/// let token = mastolite::Token::new(mastolite::AccessToken::new("t"));
/// let stored = mastolite::store::StoredToken::from_token(&client, &token, 1_700_000_000);
/// assert_eq!(stored.created_at, Some(1_700_000_000));
/// assert_eq!(stored.expires_at, None);
/// assert_eq!(stored.access_token_for(&client)?.secret(), "t");
/// # Ok::<(), mastolite::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoredToken {
    origin: String,
    access_token: AccessToken,
    /// The granted scopes, space-separated: the valid scopes the token endpoint named, each
    /// once, in its order.
    pub scope: Option<String>,
    /// Unix seconds: the server's `created_at`, or when the token was received.
    pub created_at: Option<i64>,
    /// Unix seconds after which the token is no longer valid, for servers that send
    /// `expires_in` (counted from when the response arrived, as RFC 6749 says). Mastodon's
    /// tokens do not expire.
    pub expires_at: Option<i64>,
    /// Made elsewhere and imported (`mastolite login --with-token`): its app is not the
    /// stored one, so it is never revoked with the stored app's credentials.
    pub imported: bool,
}

impl StoredToken {
    /// Keeps a token that `client`'s server sent at `received_at` (Unix seconds).
    ///
    /// ```
    /// let client = mastolite::Client::new("https://m.example")?;
    /// let mut token = mastolite::Token::new(mastolite::AccessToken::new("t"));
    /// token.expires_in = Some(7200);
    /// let stored = mastolite::store::StoredToken::from_token(&client, &token, 1_000);
    /// assert_eq!(stored.expires_at, Some(8_200));
    /// assert_eq!(stored.origin(), "https://m.example");
    /// # Ok::<(), mastolite::Error>(())
    /// ```
    pub fn from_token(client: &Client, token: &Token, received_at: i64) -> Self {
        StoredToken {
            origin: client.origin().to_owned(),
            access_token: token.access_token.clone(),
            scope: token.scope.as_ref().map(ToString::to_string),
            created_at: Some(token.created_at.unwrap_or(received_at)),
            expires_at: token.expires_at(received_at),
            imported: false,
        }
    }

    /// The server that issued the token.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The token, for a client of the server that issued it.
    ///
    /// ```
    /// let a = mastolite::Client::new("https://a.example")?;
    /// let b = mastolite::Client::new("https://b.example")?;
    /// let token = mastolite::Token::new(mastolite::AccessToken::new("t"));
    /// let stored = mastolite::store::StoredToken::from_token(&a, &token, 0);
    /// assert!(stored.access_token_for(&a).is_ok());
    /// assert_eq!(stored.access_token_for(&b).unwrap_err().kind(),
    ///            mastolite::store::StoreErrorKind::OriginMismatch);
    /// # Ok::<(), mastolite::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`StoreErrorKind::OriginMismatch`] when `client` talks to another server.
    pub fn access_token_for(&self, client: &Client) -> Result<&AccessToken, StoreError> {
        same_origin(&self.origin, client, "the token")?;
        Ok(&self.access_token)
    }

    /// The token, for code in this crate that keeps it together with [`origin`](Self::origin)
    /// and sends it only there (the token checks of [`crate::check`]).
    pub(crate) fn bound_token(&self) -> &AccessToken {
        &self.access_token
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

fn same_origin(stored: &str, client: &Client, what: &str) -> Result<(), StoreError> {
    if stored == client.origin() {
        return Ok(());
    }
    Err(StoreError::new(
        StoreErrorKind::OriginMismatch,
        format!(
            "the stored credentials are for {stored}, not for {}: {what} goes only to the server that issued it",
            client.origin()
        ),
    ))
}

/// What the store holds for one server.
///
/// ```
/// let store = mastolite::store::Store::from_json(r#"{"version":2,"servers":{"https://m.example":
///   {"users":{"alice@m.example":{"access_token":"t"}}}}}"#)?;
/// let server = store.server("https://M.example/").unwrap();
/// assert_eq!(server.origin(), "https://m.example");
/// assert!(server.app().is_none());
/// assert_eq!(server.users().map(|(name, _)| name).collect::<Vec<_>>(), [Some("alice@m.example")]);
/// # Ok::<(), mastolite::store::StoreError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerEntry {
    origin: String,
    app: Option<StoredApp>,
    app_token: Option<StoredToken>,
    users: BTreeMap<String, StoredToken>,
    unnamed_user: Option<StoredToken>,
}

impl ServerEntry {
    fn new(origin: String) -> Self {
        ServerEntry {
            origin,
            app: None,
            app_token: None,
            users: BTreeMap::new(),
            unnamed_user: None,
        }
    }

    /// The server's origin, such as `https://mastodon.example`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// [`Missing`](StoreErrorKind::Missing): this server holds no `what` (an app, an app token).
    fn missing(&self, what: &str) -> StoreError {
        StoreError::new(
            StoreErrorKind::Missing,
            format!("no {what} is stored for {}", self.origin),
        )
    }

    /// The registered app.
    pub fn app(&self) -> Option<&StoredApp> {
        self.app.as_ref()
    }

    /// The app token (client credentials).
    pub fn app_token(&self) -> Option<&StoredToken> {
        self.app_token.as_ref()
    }

    /// The user tokens in order of account name, the unnamed one (from a version-1 file) last
    /// with the name `None`.
    pub fn users(&self) -> impl Iterator<Item = (Option<&str>, &StoredToken)> {
        self.users
            .iter()
            .map(|(n, t)| (Some(n.as_str()), t))
            .chain(self.unnamed_user.iter().map(|t| (None, t)))
    }

    /// The user token of an account, by name (any case).
    pub fn user(&self, account: &str) -> Option<&StoredToken> {
        self.users.get(&account.to_ascii_lowercase())
    }

    /// How many user tokens are stored, the unnamed one included.
    pub fn user_count(&self) -> usize {
        self.users.len() + usize::from(self.unnamed_user.is_some())
    }

    /// True when nothing is stored for the server.
    pub fn is_empty(&self) -> bool {
        self.app.is_none() && self.app_token.is_none() && self.user_count() == 0
    }

    fn names(&self) -> String {
        let names: Vec<&str> = self.users().map(|(n, _)| n.unwrap_or(UNNAMED)).collect();
        names.join(", ")
    }
}

/// The contents of a credentials file.
///
/// ```no_run
/// use mastolite::{oauth, store::{self, Store, StoredToken}, Client};
/// let path = store::default_path()?;
/// let client = Client::new("https://mastodon.example")?;
/// let app = Store::load(&path)?.app_credentials_for(&client)?;
/// let token = oauth::client_credentials(&client, &app, &"read".parse()?)?;
/// Store::update(&path, |s| {
///     s.set_app_token(StoredToken::from_token(&client, &token, 1_700_000_000));
///     Ok::<_, store::StoreError>(())
/// })?;
/// # Ok::<(), mastolite::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Store {
    servers: BTreeMap<String, ServerEntry>,
}

impl Store {
    /// An empty store.
    pub fn new() -> Self {
        Store::default()
    }

    /// True when the store holds no server.
    pub fn is_empty(&self) -> bool {
        self.servers.is_empty()
    }

    /// Every server, in order of origin.
    pub fn servers(&self) -> impl Iterator<Item = &ServerEntry> {
        self.servers.values()
    }

    /// The entry of a server, given as an origin or URL in any spelling
    /// (`https://Mastodon.example/` finds `https://mastodon.example`).
    pub fn server(&self, origin: &str) -> Option<&ServerEntry> {
        let origin = Origin::parse(origin).ok()?;
        self.servers.get(&origin.text)
    }

    /// The entry of the server that stores the user token of `account` (any case).
    ///
    /// ```
    /// let store = mastolite::store::Store::from_json(r#"{"version":2,"servers":{"https://m.example":
    ///   {"users":{"alice@m.example":{"access_token":"t"}}}}}"#)?;
    /// assert_eq!(store.server_of("Alice@M.example").unwrap().origin(), "https://m.example");
    /// assert!(store.server_of("bob@m.example").is_none());
    /// # Ok::<(), mastolite::store::StoreError>(())
    /// ```
    pub fn server_of(&self, account: &str) -> Option<&ServerEntry> {
        let account = account.to_ascii_lowercase();
        self.servers
            .values()
            .find(|e| e.users.contains_key(&account))
    }

    /// The entry of `client`'s server, or the error that says nothing is stored for it.
    ///
    /// # Errors
    /// [`StoreErrorKind::UnknownServer`]: "no credentials stored for …".
    pub fn server_for(&self, client: &Client) -> Result<&ServerEntry, StoreError> {
        self.servers.get(client.origin()).ok_or_else(|| {
            StoreError::new(
                StoreErrorKind::UnknownServer,
                format!("no credentials stored for {}", client.origin()),
            )
        })
    }

    /// The app's client credentials for `client`'s server.
    ///
    /// ```
    /// let store = mastolite::store::Store::from_json(r#"{"version":1,"server":"https://m.example",
    ///   "app":{"name":"bot","client_id":"cid","client_secret":"cs","redirect_uris":[],"scopes":[],"website":null}}"#)?;
    /// let own = mastolite::Client::new("https://m.example")?;
    /// assert_eq!(store.app_credentials_for(&own)?.client_id, "cid");
    /// let other = mastolite::Client::new("https://other.example")?;
    /// assert_eq!(store.app_credentials_for(&other).unwrap_err().to_string(),
    ///            "no credentials stored for https://other.example");
    /// # Ok::<(), mastolite::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`UnknownServer`](StoreErrorKind::UnknownServer) or
    /// [`Missing`](StoreErrorKind::Missing) (no app registered there).
    pub fn app_credentials_for(&self, client: &Client) -> Result<AppCredentials, StoreError> {
        let entry = self.server_for(client)?;
        let app = entry.app.as_ref().ok_or_else(|| entry.missing("app"))?;
        app.credentials_for(client)
    }

    /// The app token stored for `client`'s server.
    ///
    /// # Errors
    /// [`UnknownServer`](StoreErrorKind::UnknownServer) or
    /// [`Missing`](StoreErrorKind::Missing) (no app token stored there).
    ///
    /// ```
    /// let store = mastolite::store::Store::from_json(r#"{"version":2,"servers":{"https://m.example":
    ///   {"app_token":{"access_token":"t"}}}}"#)?;
    /// let client = mastolite::Client::new("https://m.example")?;
    /// assert_eq!(store.app_token_for(&client)?.secret(), "t");
    /// # Ok::<(), mastolite::Error>(())
    /// ```
    pub fn app_token_for(&self, client: &Client) -> Result<&AccessToken, StoreError> {
        let entry = self.server_for(client)?;
        let token = entry
            .app_token
            .as_ref()
            .ok_or_else(|| entry.missing("app token"))?;
        token.access_token_for(client)
    }

    /// A user token for `client`'s server: the named account's (any case), or the only one
    /// stored there when `account` is `None`. Returns the account name too (`None` for an
    /// unnamed token from a version-1 file).
    ///
    /// ```
    /// let store = mastolite::store::Store::from_json(r#"{"version":2,"servers":{"https://m.example":
    ///   {"users":{"alice@m.example":{"access_token":"ta"},"bob@m.example":{"access_token":"tb"}}}}}"#)?;
    /// let client = mastolite::Client::new("https://m.example")?;
    /// let (name, token) = store.user_token_for(&client, Some("BOB@m.example"))?;
    /// assert_eq!((name, token.secret()), (Some("bob@m.example"), "tb"));
    /// let err = store.user_token_for(&client, None).unwrap_err();
    /// assert_eq!(err.kind(), mastolite::store::StoreErrorKind::Ambiguous);
    /// assert!(err.to_string().contains("alice@m.example, bob@m.example"));
    /// # Ok::<(), mastolite::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`UnknownServer`](StoreErrorKind::UnknownServer);
    /// [`OriginMismatch`](StoreErrorKind::OriginMismatch) when the account belongs to another
    /// server; [`UnknownAccount`](StoreErrorKind::UnknownAccount);
    /// [`Ambiguous`](StoreErrorKind::Ambiguous) when several are stored and none is named;
    /// [`Missing`](StoreErrorKind::Missing) when none is stored.
    pub fn user_token_for(
        &self,
        client: &Client,
        account: Option<&str>,
    ) -> Result<(Option<&str>, &AccessToken), StoreError> {
        let (name, token) = self.user_entry_for(client, account)?;
        Ok((name, token.access_token_for(client)?))
    }

    /// As [`user_token_for`](Self::user_token_for), the stored token with what is known
    /// about it (its expiry, its scopes).
    ///
    /// # Errors
    /// As [`user_token_for`](Self::user_token_for).
    pub fn user_entry_for(
        &self,
        client: &Client,
        account: Option<&str>,
    ) -> Result<(Option<&str>, &StoredToken), StoreError> {
        let entry = self.server_for(client)?;
        let origin = &entry.origin;
        if let Some(account) = account {
            let wanted = account.to_ascii_lowercase();
            if let Some((n, t)) = entry.users.get_key_value(&wanted) {
                return Ok((Some(n.as_str()), t));
            }
            if wanted.contains('@') && account_host(&wanted) != origin_host(origin) {
                return Err(StoreError::new(
                    StoreErrorKind::OriginMismatch,
                    format!(
                        "the account {} belongs to another server than {origin}",
                        crate::terminal::Clean(&wanted)
                    ),
                ));
            }
            let known = if entry.user_count() == 0 {
                "none".to_owned()
            } else {
                entry.names()
            };
            return Err(StoreError::new(
                StoreErrorKind::UnknownAccount,
                format!(
                    "no account {} is stored for {origin} (stored: {known})",
                    crate::terminal::Clean(&wanted)
                ),
            ));
        }
        let mut users = entry.users();
        match (users.next(), users.next()) {
            (Some(one), None) => Ok(one),
            (None, _) => Err(StoreError::new(
                StoreErrorKind::Missing,
                format!("no user token is stored for {origin}"),
            )),
            (Some(_), Some(_)) => Err(StoreError::new(
                StoreErrorKind::Ambiguous,
                format!(
                    "several accounts are stored for {origin}: {}; choose one",
                    entry.names()
                ),
            )),
        }
    }

    fn entry_mut(&mut self, origin: &str) -> &mut ServerEntry {
        self.servers
            .entry(origin.to_owned())
            .or_insert_with(|| ServerEntry::new(origin.to_owned()))
    }

    /// Stores an app for its own server, replacing the one stored there (if any) and keeping
    /// the tokens; returns the replaced app.
    pub fn set_app(&mut self, app: StoredApp) -> Option<StoredApp> {
        self.entry_mut(&app.origin.clone()).app.replace(app)
    }

    /// Stores the app token of its own server; returns the replaced one.
    pub fn set_app_token(&mut self, token: StoredToken) -> Option<StoredToken> {
        self.entry_mut(&token.origin.clone())
            .app_token
            .replace(token)
    }

    /// Stores the user token of `account` on the token's server, replacing that account's
    /// token (and an unnamed token that is the same token). Returns the account's name as
    /// stored: `username@host[:port]` in lower case.
    ///
    /// ```
    /// let client = mastolite::Client::new("https://m.example")?;
    /// let token = mastolite::Token::new(mastolite::AccessToken::new("t"));
    /// let mut store = mastolite::store::Store::new();
    /// let name = store.set_user_token("Alice", mastolite::store::StoredToken::from_token(&client, &token, 0))?;
    /// assert_eq!(name, "alice@m.example");
    /// assert!(store.server("https://m.example").unwrap().user("ALICE@m.example").is_some());
    /// # Ok::<(), mastolite::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`InvalidAccount`](StoreErrorKind::InvalidAccount) when `account` (`alice`, or
    /// `alice@host` of the token's server) does not make a valid name.
    pub fn set_user_token(
        &mut self,
        account: &str,
        token: StoredToken,
    ) -> Result<String, StoreError> {
        let user = match account.split_once('@') {
            Some((user, host)) if host.eq_ignore_ascii_case(origin_host(&token.origin)) => user,
            Some(_) => {
                return Err(StoreError::new(
                    StoreErrorKind::InvalidAccount,
                    format!(
                        "the account {} is not on {}",
                        crate::terminal::Clean(account),
                        token.origin
                    ),
                ));
            }
            None => account,
        };
        let name = account_name(user, &token.origin)?;
        let entry = self.entry_mut(&token.origin.clone());
        if entry
            .unnamed_user
            .as_ref()
            .is_some_and(|u| u.access_token.secret() == token.access_token.secret())
        {
            entry.unnamed_user = None;
        }
        entry.users.insert(name.clone(), token);
        Ok(name)
    }

    /// Stores a user token whose account could not be read (it is listed as
    /// [`UNNAMED`], and selected when it is its server's only user token); returns the
    /// unnamed token it replaces.
    pub fn set_unnamed_user(&mut self, token: StoredToken) -> Option<StoredToken> {
        self.entry_mut(&token.origin.clone())
            .unnamed_user
            .replace(token)
    }

    /// Every stored credential, without its secret: by server, the app token first (or, for
    /// an app that has no app token, a row with `token` false), then the user tokens by
    /// account name.
    ///
    /// ```
    /// let store = mastolite::store::Store::from_json(r#"{"version":2,"servers":{"https://m.example":
    ///   {"app_token":{"access_token":"t","scope":"read","created_at":5},
    ///    "users":{"alice@m.example":{"access_token":"u","scope":"read write","created_at":6,"expires_at":99}}},
    ///   "https://n.example":{"app":{"name":"bot","client_id":"c","client_secret":"s",
    ///     "redirect_uris":["urn:ietf:wg:oauth:2.0:oob"],"scopes":["read"]}}}}"#)?;
    /// let listed = store.list();
    /// assert_eq!(mastolite::cli_support::to_json(&listed), concat!(
    ///     r#"[{"server":"https://m.example","kind":"app","account":null,"scopes":["read"],"obtained_at":5,"expires_at":null,"token":true},"#,
    ///     r#"{"server":"https://m.example","kind":"user","account":"alice@m.example","scopes":["read","write"],"obtained_at":6,"expires_at":99,"token":true},"#,
    ///     r#"{"server":"https://n.example","kind":"app","account":null,"scopes":[],"obtained_at":null,"expires_at":null,"token":false}]"#));
    /// # Ok::<(), mastolite::store::StoreError>(())
    /// ```
    pub fn list(&self) -> Vec<Credential> {
        let row = |e: &ServerEntry, kind: Kind, account: Option<&str>, t: Option<&StoredToken>| {
            Credential {
                server: e.origin.clone(),
                kind,
                account: account.map(str::to_owned),
                scopes: t
                    .and_then(|t| t.scope.as_deref())
                    .unwrap_or_default()
                    .split_ascii_whitespace()
                    .map(str::to_owned)
                    .collect(),
                obtained_at: t.and_then(|t| t.created_at),
                expires_at: t.and_then(|t| t.expires_at),
                token: t.is_some(),
            }
        };
        let mut out = Vec::new();
        for e in self.servers.values() {
            if e.app.is_some() || e.app_token.is_some() {
                out.push(row(e, Kind::App, None, e.app_token.as_ref()));
            }
            out.extend(e.users().map(|(name, t)| row(e, Kind::User, name, Some(t))));
        }
        out
    }

    /// Removes the app token of a server; returns it.
    pub fn remove_app_token(&mut self, origin: &str) -> Option<StoredToken> {
        let origin = Origin::parse(origin).ok()?.text;
        self.servers.get_mut(&origin)?.app_token.take()
    }

    /// Removes a user token of a server: the named account's, or the unnamed one for `None`.
    pub fn remove_user(&mut self, origin: &str, account: Option<&str>) -> Option<StoredToken> {
        let origin = Origin::parse(origin).ok()?.text;
        let entry = self.servers.get_mut(&origin)?;
        match account {
            Some(a) => crate::small::take_key(&mut entry.users, &a.to_ascii_lowercase()),
            None => entry.unnamed_user.take(),
        }
    }

    /// Removes a server with its app and every token; returns what was stored.
    pub fn remove_server(&mut self, origin: &str) -> Option<ServerEntry> {
        let origin = Origin::parse(origin).ok()?.text;
        crate::small::take_key(&mut self.servers, &origin)
    }

    /// Parses a credentials file's text (version 1 or 2). Never panics, whatever the input.
    ///
    /// ```
    /// use mastolite::store::{Store, StoreErrorKind};
    /// let s = Store::from_json(r#"{"version":1,"server":"https://m.example/"}"#)?;
    /// assert!(s.server("https://m.example").is_some());
    /// let err = Store::from_json(r#"{"version":1,"serv"#).unwrap_err();
    /// assert_eq!(err.kind(), StoreErrorKind::Corrupt);
    /// let err = Store::from_json(r#"{"version":3}"#).unwrap_err();
    /// assert_eq!(err.kind(), StoreErrorKind::UnsupportedVersion);
    /// # Ok::<(), mastolite::store::StoreError>(())
    /// ```
    ///
    /// # Errors
    /// [`StoreErrorKind::Corrupt`] for text that is empty, truncated, not JSON, or not in the
    /// expected shape (the message never quotes the text), and
    /// [`StoreErrorKind::UnsupportedVersion`] for a version newer than [`VERSION`].
    pub fn from_json(text: &str) -> Result<Store, StoreError> {
        file::parse(text)
    }

    /// The file's text: compact JSON, version 2, with the secrets in it.
    ///
    /// ```
    /// let v1 = r#"{"version":1,"server":"https://m.example","tokens":{"user":{"access_token":"t","acct":"alice"}}}"#;
    /// let store = mastolite::store::Store::from_json(v1)?;
    /// assert_eq!(store.to_json(), concat!(r#"{"version":2,"servers":{"https://m.example":{"app":null,"app_token":null,"#,
    ///     r#""users":{"alice@m.example":{"access_token":"t","scope":null,"created_at":null,"expires_at":null}},"unnamed_user":null}}}"#));
    /// # Ok::<(), mastolite::store::StoreError>(())
    /// ```
    pub fn to_json(&self) -> String {
        file::write(self)
    }
}

/// One stored token, or an app that has no app token, described without its secret: what
/// [`Store::list`] returns, and what `mastolite accounts --json` prints.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "miniserde", derive(miniserde::Serialize))]
#[non_exhaustive]
pub struct Credential {
    /// The server's origin.
    pub server: String,
    /// An app or a user token; encoded as `app` or `user`.
    pub kind: Kind,
    /// The account of a user token (`None` for app tokens and an unnamed user token).
    pub account: Option<String>,
    /// The granted scopes.
    pub scopes: Vec<String>,
    /// Unix seconds: when the token was obtained, when known.
    pub obtained_at: Option<i64>,
    /// Unix seconds: when the token expires, when known.
    pub expires_at: Option<i64>,
    /// False for an app that has no app token (its client credentials alone): then `kind` is
    /// `App`, `scopes` is empty and the times are `None`.
    pub token: bool,
}

/// The name of an account: `username@host[:port]` of `origin`, in lower case.
///
/// ```
/// use mastolite::store::account_name;
/// assert_eq!(account_name("Alice", "https://Mastodon.example")?, "alice@mastodon.example");
/// assert_eq!(account_name("bot_1", "http://127.0.0.1:3000")?, "bot_1@127.0.0.1:3000");
/// assert!(account_name("a b", "https://m.example").is_err());
/// assert!(account_name("", "https://m.example").is_err());
/// # Ok::<(), mastolite::store::StoreError>(())
/// ```
///
/// # Errors
/// [`StoreErrorKind::InvalidAccount`] when the user name is empty or has a character other
/// than `a-z`, `0-9`, `_`, `.`, `-` (in any case), or `origin` is not a server address.
pub fn account_name(username: &str, origin: &str) -> Result<String, StoreError> {
    let invalid = || {
        StoreError::new(
            StoreErrorKind::InvalidAccount,
            format!(
                "\"{}\" is not a valid account name (letters, digits, `_`, `.` and `-`)",
                crate::terminal::Clean(username)
            ),
        )
    };
    let origin = Origin::parse(origin).map_err(|_| invalid())?.text;
    let user = username.to_ascii_lowercase();
    if user.is_empty()
        || user.len() > 100
        || !user
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_.-".contains(&b))
    {
        return Err(invalid());
    }
    Ok(format!("{user}@{}", origin_host(&origin)))
}

/// Validates a stored name: `user@host[:port]`, lowercased.
fn parse_account_name(name: &str) -> Result<String, StoreError> {
    let (user, host) = name
        .split_once('@')
        .ok_or_else(|| StoreError::new(StoreErrorKind::InvalidAccount, "no host"))?;
    account_name(user, &format!("https://{host}")).map(|n| {
        format!(
            "{}@{}",
            n.split('@').next().unwrap_or_default(),
            host.to_ascii_lowercase()
        )
    })
}

/// `host[:port]` of an account name.
fn account_host(name: &str) -> &str {
    name.split_once('@').map_or("", |(_, h)| h)
}

/// `host[:port]` of an origin.
fn origin_host(origin: &str) -> &str {
    origin.split_once("://").map_or(origin, |(_, h)| h)
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
/// [`StoreErrorKind::NoLocation`] when none of the three is set.
pub fn default_path() -> Result<PathBuf, StoreError> {
    default_path_from(|name| std::env::var_os(name))
}

fn default_path_from(var: impl Fn(&str) -> Option<OsString>) -> Result<PathBuf, StoreError> {
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
    Err(StoreError::new(StoreErrorKind::NoLocation, ""))
}

crate::json::encodable!(Credential);

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

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
        assert_eq!(err.kind(), StoreErrorKind::NoLocation);
        assert!(err.to_string().contains("MASTOLITE_STORE"), "{err}");
    }

    #[test]
    fn stored_token_expiry_counts_from_receipt() {
        let client = Client::new("https://m.example").unwrap();
        let mut token = Token::new(AccessToken::new("t"));
        token.created_at = Some(10);
        token.expires_in = Some(100);
        let stored = StoredToken::from_token(&client, &token, 50);
        assert_eq!(stored.created_at, Some(10));
        assert_eq!(stored.expires_at, Some(150));
        assert!(!stored.is_expired_at(149));
        assert!(stored.is_expired_at(150));
    }

    #[test]
    fn account_names_are_validated_and_lowercased() {
        assert_eq!(
            parse_account_name("Alice@M.Example:3000").unwrap(),
            "alice@m.example:3000"
        );
        for bad in [
            "alice",
            "@m.example",
            "a b@m.example",
            "a@",
            "a@b/c",
            "ä@m.example",
        ] {
            assert!(parse_account_name(bad).is_err(), "{bad}");
        }
        assert_eq!(account_host("a@h:1"), "h:1");
        assert_eq!(origin_host("http://h:1"), "h:1");
    }
}
