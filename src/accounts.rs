//! Accounts: `verify_credentials`, `followers` and `following`.

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
    decode(EP, "CredentialAccount", &reply.body, false)
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
