//! Accounts: `verify_credentials`, `lookup` by handle, `get` by id, `followers` and `following`.
//!
//! # Public reads: accounts by handle, and the server
//!
//! People know accounts by their handle, not by the id that `followers` and `following` take.
//! `accounts::lookup` finds an account by handle (`@alice` on the server itself,
//! `@alice@other.example` for a remote account it knows), `accounts::get` by id, and
//! `accounts::resolve` turns either into an id. Handles are checked before any request.
//! `instance::get` describes the server: domain, title, software version, contact and limits,
//! from `/api/v2/instance` or, on older servers and Pleroma or Akkoma, `/api/v1/instance`.
//!
//! ```rust,no_run
//! use mastolite::accounts::{self, AccountRef};
//! use mastolite::{instance, Client};
//!
//! let client = Client::new("https://mastodon.example")?;
//! let server = instance::get(&client, None)?;
//! println!(
//!     "{} runs {}",
//!     server.domain.as_deref().unwrap_or("?"),
//!     server.version.as_deref().unwrap_or("?")
//! );
//!
//! let alice = accounts::lookup(&client, None, &"@alice@other.example".parse()?)?;
//! println!("{}: {} followers", alice.display_name, alice.followers_count);
//!
//! // An id, or a handle that starts with `@`, as a user would type either.
//! let who: AccountRef = "@alice@other.example".parse()?;
//! let id = accounts::resolve(&client, None, &who)?;
//! let page = accounts::followers(&client, None, &id, &Default::default())?;
//! # let _ = page;
//! # Ok::<(), mastolite::Error>(())
//! ```
//!
//! These reads are public, but a server can require a token for them
//! (`DISALLOW_UNAUTHENTICATED_API_ACCESS`, or limited federation mode). It then answers 401, and
//! `error.api_error().is_some_and(|e| e.requires_authentication())` is true: call again with a
//! user's token (an app token is not enough there).

use crate::client::{Client, Request, decode};
use crate::entities::{Account, AccountId, CredentialAccount};
use crate::error::Error;
use crate::pagination::{Page, Pages, Range, fetch_page};
use crate::secret::AccessToken;

/// The signed-in user's account: `GET /api/v1/accounts/verify_credentials`.
///
/// Needs a user token with `profile` (4.3+), `read` or `read:accounts`. An app token gets 422
/// `This method requires an authenticated user`.
///
/// ```no_run
/// # let client = mastolite::Client::new("https://mastodon.example")?;
/// # let token = mastolite::AccessToken::new("…");
/// let me = mastolite::accounts::verify_credentials(&client, &token)?;
/// println!("@{}", me.acct);
/// # Ok::<(), mastolite::Error>(())
/// ```
///
/// # Errors
/// [`Error::Api`] with 401 (bad token), 403 (scope, disabled, unconfirmed or unapproved
/// user), 422 (app token); transport and decode errors as for every call.
pub fn verify_credentials(
    client: &Client,
    token: &AccessToken,
) -> Result<CredentialAccount, Error> {
    const EP: &str = "GET /api/v1/accounts/verify_credentials";
    let reply = client.send(&Request::get(
        EP,
        "/api/v1/accounts/verify_credentials".to_owned(),
        Some(token),
    ))?;
    decode(&reply, "CredentialAccount", false)
}

const FOLLOWERS_EP: &str = "GET /api/v1/accounts/:id/followers";
const FOLLOWING_EP: &str = "GET /api/v1/accounts/:id/following";

fn list_target(id: &AccountId, list: &str, range: &Range) -> Result<String, Error> {
    let id = crate::encode::path_segment("the account id", id.as_str())?;
    let query = range.query()?;
    Ok(if query.is_empty() {
        format!("/api/v1/accounts/{id}/{list}")
    } else {
        format!("/api/v1/accounts/{id}/{list}?{query}")
    })
}

/// One page of the accounts that follow `id`: `GET /api/v1/accounts/:id/followers`.
///
/// Public on Mastodon 4.0+; servers that require authentication need a token with `read` or
/// `read:accounts`. The page's `next` link leads to older followers; take cursors only from it
/// (they are follow-record ids). An empty page also comes back for hidden lists, suspended
/// accounts and blocked viewers.
///
/// ```no_run
/// # let client = mastolite::Client::new("https://mastodon.example")?;
/// let id = mastolite::AccountId::from("14715");
/// let page = mastolite::accounts::followers(&client, None, &id, &mastolite::Range::new().limit(80))?;
/// for a in &page.items {
///     println!("@{}", a.acct);
/// }
/// # Ok::<(), mastolite::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidInput`] for an empty id or a limit of 0; [`Error::Api`] with 401 when the
/// server requires a token, 403 for a token without the scope, 404 for an unknown account.
pub fn followers(
    client: &Client,
    token: Option<&AccessToken>,
    id: &AccountId,
    range: &Range,
) -> Result<Page<Account>, Error> {
    let req = Request::get(FOLLOWERS_EP, list_target(id, "followers", range)?, token);
    fetch_page(client, &req, "Vec<Account>")
}

/// One page of the accounts that `id` follows: `GET /api/v1/accounts/:id/following`.
///
/// Behaves as [`followers`].
///
/// ```no_run
/// # let client = mastolite::Client::new("https://mastodon.example")?;
/// let id = mastolite::AccountId::from("14715");
/// let page = mastolite::accounts::following(&client, None, &id, &Default::default())?;
/// println!("{} accounts, more: {}", page.items.len(), page.next.is_some());
/// # Ok::<(), mastolite::Error>(())
/// ```
///
/// # Errors
/// As [`followers`].
pub fn following(
    client: &Client,
    token: Option<&AccessToken>,
    id: &AccountId,
    range: &Range,
) -> Result<Page<Account>, Error> {
    let req = Request::get(FOLLOWING_EP, list_target(id, "following", range)?, token);
    fetch_page(client, &req, "Vec<Account>")
}

/// Every follower of `id`, page by page, following the `Link` header.
///
/// ```no_run
/// # let client = mastolite::Client::new("https://mastodon.example")?;
/// let id = mastolite::AccountId::from("14715");
/// for page in mastolite::accounts::followers_pages(&client, None, &id, &mastolite::Range::new().limit(80))?.take(5) {
///     println!("{} accounts", page?.items.len());
/// }
/// # Ok::<(), mastolite::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidInput`] at once for an empty id or a limit of 0; each page then yields its
/// own result, as [`followers`].
pub fn followers_pages<'a>(
    client: &'a Client,
    token: Option<&'a AccessToken>,
    id: &AccountId,
    range: &Range,
) -> Result<Pages<'a, Account>, Error> {
    let first = list_target(id, "followers", range)?;
    Ok(Pages::new(
        client,
        token,
        FOLLOWERS_EP,
        "Vec<Account>",
        first,
    ))
}

/// Every account `id` follows, page by page, following the `Link` header.
///
/// ```no_run
/// # let client = mastolite::Client::new("https://mastodon.example")?;
/// let id = mastolite::AccountId::from("14715");
/// let all: Result<Vec<_>, _> = mastolite::accounts::following_pages(&client, None, &id, &Default::default())?
///     .items()
///     .take(400)
///     .collect();
/// # let _ = all;
/// # Ok::<(), mastolite::Error>(())
/// ```
///
/// # Errors
/// As [`followers_pages`].
pub fn following_pages<'a>(
    client: &'a Client,
    token: Option<&'a AccessToken>,
    id: &AccountId,
    range: &Range,
) -> Result<Pages<'a, Account>, Error> {
    let first = list_target(id, "following", range)?;
    Ok(Pages::new(
        client,
        token,
        FOLLOWING_EP,
        "Vec<Account>",
        first,
    ))
}

const LOOKUP_EP: &str = "GET /api/v1/accounts/lookup";
const GET_EP: &str = "GET /api/v1/accounts/:id";

/// An account's handle, `@username` or `@username@domain`, checked before any request.
///
/// The leading `@` is optional when parsing. Parsing refuses an empty handle, spaces or control
/// characters, an empty user name or domain, and more than one `@` after the first.
///
/// ```
/// use mastolite::accounts::Handle;
/// let h = Handle::parse("@alice@mastodon.example")?;
/// assert_eq!(h.username(), "alice");
/// assert_eq!(h.domain(), Some("mastodon.example"));
/// assert_eq!(h.acct(), "alice@mastodon.example");
/// assert_eq!(h.to_string(), "@alice@mastodon.example");
/// assert_eq!(Handle::parse("alice")?.to_string(), "@alice");
/// assert!(Handle::parse("@alice@mastodon.example@evil.example").is_err());
/// assert!(Handle::parse("@ alice").is_err());
/// # Ok::<(), mastolite::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Handle {
    /// `username` or `username@domain`, as `acct` in the lookup query.
    acct: String,
    /// Where the `@` before the domain is in `acct`.
    at: Option<usize>,
}

impl Handle {
    /// Parses `@username`, `@username@domain`, or the same without the leading `@`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the text is not a handle.
    pub fn parse(text: &str) -> Result<Handle, Error> {
        let bad = |why: &str| {
            Error::invalid(format!(
                "not an account handle ({why}): \"{}\"",
                crate::terminal::Clean(text)
            ))
        };
        let acct = text.strip_prefix('@').unwrap_or(text);
        if acct.is_empty() {
            return Err(bad("it is empty"));
        }
        if acct.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad("it has spaces or control characters"));
        }
        let at = acct.find('@');
        let (user, domain) = match at {
            Some(i) => (&acct[..i], Some(&acct[i + 1..])),
            None => (acct, None),
        };
        if user.is_empty() {
            return Err(bad("the user name is empty"));
        }
        match domain {
            Some("") => Err(bad("the domain is empty")),
            Some(d) if d.contains('@') => Err(bad("more than one @ after the first")),
            _ => Ok(Handle {
                acct: acct.to_owned(),
                at,
            }),
        }
    }

    /// The user name, without `@` or domain.
    pub fn username(&self) -> &str {
        &self.acct[..self.at.unwrap_or(self.acct.len())]
    }

    /// The domain, or `None` for a handle of the server's own account.
    pub fn domain(&self) -> Option<&str> {
        self.at.map(|i| &self.acct[i + 1..])
    }

    /// `username` or `username@domain`: what [`lookup`] sends as `acct`.
    pub fn acct(&self) -> &str {
        &self.acct
    }
}

impl std::fmt::Display for Handle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "@{}", self.acct)
    }
}

impl std::str::FromStr for Handle {
    type Err = Error;
    fn from_str(s: &str) -> Result<Handle, Error> {
        Handle::parse(s)
    }
}

/// An account named by its id or by its handle, as a user types it: text that starts with `@`
/// is a handle, anything else an id.
///
/// ```
/// use mastolite::accounts::AccountRef;
/// assert!(matches!(AccountRef::parse("109302")?, AccountRef::Id(_)));
/// assert!(matches!(AccountRef::parse("@alice@mastodon.example")?, AccountRef::Handle(_)));
/// // An id never has an `@`: this is a handle without its leading `@`.
/// assert!(AccountRef::parse("alice@mastodon.example").is_err());
/// # Ok::<(), mastolite::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AccountRef {
    /// An account id, used as it is.
    Id(AccountId),
    /// A handle, looked up with [`lookup`].
    Handle(Handle),
}

impl AccountRef {
    /// Parses an id or an `@`-prefixed handle.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an invalid handle, and for an id that is empty, has spaces
    /// or control characters, or has an `@` (a handle missing its leading `@`).
    pub fn parse(text: &str) -> Result<AccountRef, Error> {
        if text.starts_with('@') {
            return Handle::parse(text).map(AccountRef::Handle);
        }
        let why = if text.is_empty() {
            "it is empty"
        } else if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            "it has spaces or control characters"
        } else if text.contains('@') {
            "it has an @; write a handle with a leading @, as @user@domain"
        } else {
            return Ok(AccountRef::Id(AccountId::from(text)));
        };
        Err(Error::invalid(format!(
            "not an account id ({why}): \"{}\"",
            crate::terminal::Clean(text)
        )))
    }
}

impl std::fmt::Display for AccountRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AccountRef::Id(id) => id.fmt(f),
            AccountRef::Handle(h) => h.fmt(f),
        }
    }
}

impl std::str::FromStr for AccountRef {
    type Err = Error;
    fn from_str(s: &str) -> Result<AccountRef, Error> {
        AccountRef::parse(s)
    }
}

/// The account with this handle: `GET /api/v1/accounts/lookup?acct=…`.
///
/// The handle is parsed and checked before any request: [`Handle::parse`], or `str::parse`, takes
/// `@user`, `@user@domain`, or the same without the leading `@`. The server answers only for accounts it already knows:
/// a remote account that nobody there follows or has seen gives 404. Public (3.4+), but servers
/// that require authentication answer 401 without a user token; see
/// [`ApiError::requires_authentication`](crate::ApiError::requires_authentication).
///
/// ```no_run
/// # let client = mastolite::Client::new("https://mastodon.example")?;
/// let alice = mastolite::accounts::lookup(&client, None, &"@alice@other.example".parse()?)?;
/// println!("{} has {} followers", alice.id, alice.followers_count);
/// # Ok::<(), mastolite::Error>(())
/// ```
///
/// # Errors
/// [`Error::Api`] with 404 for an unknown account, 401 when the server requires a token.
pub fn lookup(
    client: &Client,
    token: Option<&AccessToken>,
    handle: &Handle,
) -> Result<Account, Error> {
    let query = crate::encode::query(&[("acct", handle.acct())]);
    let req = Request::get(LOOKUP_EP, format!("/api/v1/accounts/lookup?{query}"), token);
    decode(&client.send(&req)?, "Account", false)
}

/// The account with this id: `GET /api/v1/accounts/:id`.
///
/// Public, with the same note about servers that require a token as [`lookup`].
///
/// ```no_run
/// # let client = mastolite::Client::new("https://mastodon.example")?;
/// let a = mastolite::accounts::get(&client, None, &mastolite::AccountId::from("14715"))?;
/// println!("@{}: {}", a.acct, a.display_name);
/// # Ok::<(), mastolite::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidInput`] for an empty id (or `.`, `..`); [`Error::Api`] with 404 for an
/// unknown account, 401 when the server requires a token.
pub fn get(client: &Client, token: Option<&AccessToken>, id: &AccountId) -> Result<Account, Error> {
    let id = crate::encode::path_segment("the account id", id.as_str())?;
    let req = Request::get(GET_EP, format!("/api/v1/accounts/{id}"), token);
    decode(&client.send(&req)?, "Account", false)
}

/// The id of an account given by id or handle: a handle is looked up with [`lookup`], an id is
/// returned as it is, with no request.
///
/// ```no_run
/// # let client = mastolite::Client::new("https://mastodon.example")?;
/// use mastolite::accounts::{self, AccountRef};
/// let who: AccountRef = "@alice@mastodon.example".parse()?;
/// let id = accounts::resolve(&client, None, &who)?;
/// let page = accounts::followers(&client, None, &id, &Default::default())?;
/// # let _ = page;
/// # Ok::<(), mastolite::Error>(())
/// ```
///
/// # Errors
/// As [`lookup`] for a handle; none for an id.
pub fn resolve(
    client: &Client,
    token: Option<&AccessToken>,
    account: &AccountRef,
) -> Result<AccountId, Error> {
    match account {
        AccountRef::Id(id) => Ok(id.clone()),
        AccountRef::Handle(h) => lookup(client, token, h).map(|a| a.id),
    }
}
