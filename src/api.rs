//! Protected requests to any other endpoint of the Mastodon API, for the calls this crate has no
//! typed function for: post a status, read notifications, page through an account's statuses.
//!
//! Each call keeps every rule the typed endpoints follow. The path is joined to the client's
//! origin, so a token goes only to the server the [`Client`] names; https is required unless
//! the server is on loopback; no redirect is followed; the request's secrets (the token, and
//! form fields such as `client_secret` or `token`) are redacted in every error; a success body
//! is read within the client's body limit; GETs are retried on 429 and 5xx as the client's
//! [`RetryPolicy`](crate::RetryPolicy) says, and a POST only when it carries an
//! `Idempotency-Key` ([`post_form_idempotent`]), which Mastodon honours on
//! `POST /api/v1/statuses`. Every failure is the crate's one [`Error`].
//!
//! The answer is a [`Response`]: the status, the body as text, the `Link` pages and the
//! rate-limit state. Decoding the body into your own types is your JSON crate's job. With
//! serde and serde_json:
//!
//! ```no_run
//! # #[cfg(feature = "serde")]
//! # fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use mastolite::{AccessToken, Client, api};
//!
//! #[derive(serde::Deserialize)]
//! struct Notification {
//!     id: String,
//!     r#type: String,
//! }
//!
//! let client = Client::new("https://mastodon.example")?;
//! let token = AccessToken::new(std::env::var("MASTOLITE_TOKEN")?);
//! let answer = api::get(&client, "/api/v1/notifications", Some(&token), &[("limit", "5")])?;
//! let notifications: Vec<Notification> = serde_json::from_str(&answer.body)?;
//! for n in &notifications {
//!     println!("{} {}", n.id, n.r#type);
//! }
//! # Ok(()) }
//! ```
//!
//! With miniserde, posting a status once even when the request has to be sent again:
//!
//! ```no_run
//! # #[cfg(feature = "miniserde")]
//! # fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use mastolite::{AccessToken, Client, api};
//!
//! #[derive(miniserde::Deserialize)]
//! struct Status {
//!     id: String,
//!     url: Option<String>,
//! }
//!
//! let client = Client::new("https://mastodon.example")?;
//! let token = AccessToken::new(std::env::var("MASTOLITE_TOKEN")?);
//! let form = [("status", "Hello from mastolite"), ("visibility", "unlisted")];
//! let answer = api::post_form_idempotent(&client, "/api/v1/statuses", &token, &form, "hello-1")?;
//! let status: Status = miniserde::json::from_str(&answer.body)?;
//! println!("posted {} at {:?}", status.id, status.url);
//! # Ok(()) }
//! ```
//!
//! # Posting with a stored token
//!
//! The store, the check and the call share one error type. `examples/post_status.rs` (in the
//! [crate's source](https://docs.rs/crate/mastolite/latest/source/examples/post_status.rs))
//! checks a stored user token and then posts a status with it; it runs offline against the demo
//! server with `cargo run --example post_status`.
//!
//! ```rust,no_run
//! use mastolite::{api, store::{self, Store}, Client};
//!
//! fn post(text: &str) -> Result<String, mastolite::Error> {
//!     let client = Client::new("https://mastodon.example")?;
//!     let store = Store::load(store::default_path()?)?;
//!     let (_, token) = store.user_token_for(&client, None)?;
//!     let answer = api::post_form_idempotent(
//!         &client, "/api/v1/statuses", token, &[("status", text)], "a-key-for-this-text",
//!     )?;
//!     Ok(answer.body)
//! }
//! ```

use std::fmt;

use crate::client::{Client, Reply, Request};
use crate::encode;
use crate::error::{Endpoint, Error};
use crate::pagination::{Links, Walk, links_of};
use crate::ratelimit::RateLimit;
use crate::secret::AccessToken;

/// A 2xx answer to a [`get`] or a POST: its status, its body as text, its `Link` pages and its
/// rate-limit state.
///
/// `Debug` shows the body's length, not the body: an answer may hold a secret (a registered
/// app's `client_secret`, a token).
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Response {
    /// The HTTP status, from 200 to 299.
    pub status: u16,
    /// The body, read within the client's [body limit](crate::ClientBuilder::body_limit).
    pub body: String,
    /// The `Link` header's `rel="next"` URL, as the server sent it.
    pub next: Option<String>,
    /// The `Link` header's `rel="prev"` URL, as the server sent it.
    pub prev: Option<String>,
    /// The `X-RateLimit-*` headers, when the server sent them.
    pub rate_limit: Option<RateLimit>,
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .field("next", &self.next)
            .field("prev", &self.prev)
            .field("rate_limit", &self.rate_limit)
            .finish()
    }
}

impl Response {
    fn of(reply: Reply<'_>, links: Links) -> Response {
        Response {
            status: reply.status,
            body: reply.body,
            next: links.next,
            prev: links.prev,
            rate_limit: reply.rate_limit,
        }
    }
}

/// `GET path?query`, with the token when one is given. Retried on 429 and 5xx as the client's
/// retry policy allows.
///
/// `path` starts with `/` (`/api/v1/notifications`); `query` pairs are form-encoded and added to
/// any query `path` already has.
///
/// ```no_run
/// # fn run() -> Result<(), mastolite::Error> {
/// let client = mastolite::Client::new("https://mastodon.example")?;
/// let answer = mastolite::api::get(&client, "/api/v1/trends/tags", None, &[("limit", "3")])?;
/// println!("{} ({} bytes)", answer.status, answer.body.len());
/// # Ok(()) }
/// ```
///
/// # Errors
/// [`Error::InvalidInput`] for a path that does not start with `/` or holds a space, a control
/// character or a `#`; otherwise as any call: [`Error::Api`] for an error status,
/// [`Error::Redirect`], [`Error::Transport`], [`Error::TlsUnavailable`].
pub fn get(
    client: &Client,
    path: &str,
    token: Option<&AccessToken>,
    query: &[(&str, &str)],
) -> Result<Response, Error> {
    let (endpoint, target) = target("GET", path, query)?;
    let reply = client.send(&Request::get(endpoint, target, token))?;
    let links = links_of(&reply);
    Ok(Response::of(reply, links))
}

/// `POST path` with a form body and the token. Never retried: a POST that failed may still have
/// taken effect. Use [`post_form_idempotent`] where the endpoint honours an `Idempotency-Key`.
///
/// # Errors
/// As [`get`].
pub fn post_form(
    client: &Client,
    path: &str,
    token: &AccessToken,
    form: &[(&str, &str)],
) -> Result<Response, Error> {
    post(client, path, token, form, None)
}

/// `POST path` with a form body, the token and an `Idempotency-Key` header: the server performs
/// the request once for each key (Mastodon keeps a key for an hour on `POST /api/v1/statuses`),
/// so this POST is retried as a GET is.
///
/// # Errors
/// As [`get`]; [`Error::InvalidInput`] also for a key that cannot be sent in a header.
pub fn post_form_idempotent(
    client: &Client,
    path: &str,
    token: &AccessToken,
    form: &[(&str, &str)],
    idempotency_key: &str,
) -> Result<Response, Error> {
    post(client, path, token, form, Some(idempotency_key))
}

fn post(
    client: &Client,
    path: &str,
    token: &AccessToken,
    form: &[(&str, &str)],
    idempotency_key: Option<&str>,
) -> Result<Response, Error> {
    let (endpoint, target) = target("POST", path, &[])?;
    let mut req = Request::post(endpoint, target, form.to_vec());
    req.token = Some(token);
    req.idempotency_key = idempotency_key;
    let reply = client.send(&req)?;
    let links = links_of(&reply);
    Ok(Response::of(reply, links))
}

/// The pages of any list endpoint (`/api/v1/accounts/:id/statuses`, `/api/v1/notifications`),
/// following each answer's `next` link by the rules of [`pagination::Pages`]: a link on another
/// origin is refused with [`Error::ForeignUrl`], a link back to a page already fetched ends
/// the walk, and so do the first error and an empty page (a body of `[]`).
///
/// ```no_run
/// # fn run() -> Result<(), mastolite::Error> {
/// let client = mastolite::Client::new("https://mastodon.example")?;
/// let token = mastolite::AccessToken::new("…");
/// let path = "/api/v1/accounts/109302/statuses";
/// for page in mastolite::api::pages(&client, path, Some(&token), &[("limit", "40")])?.take(3) {
///     println!("{} bytes", page?.body.len());
/// }
/// # Ok(()) }
/// ```
///
/// [`pagination::Pages`]: crate::Pages
///
/// # Errors
/// [`Error::InvalidInput`] for a path [`get`] refuses; each page's failure comes from the
/// iterator.
pub fn pages<'a>(
    client: &'a Client,
    path: &str,
    token: Option<&'a AccessToken>,
    query: &[(&str, &str)],
) -> Result<Pages<'a>, Error> {
    let (endpoint, target) = target("GET", path, query)?;
    Ok(Pages {
        walk: Walk::new(client, token, endpoint, target),
    })
}

/// The pages of a list, from [`pages`]: each item is one page's [`Response`].
#[derive(Debug)]
#[must_use = "iterators do nothing until used"]
pub struct Pages<'a> {
    walk: Walk<'a>,
}

impl Iterator for Pages<'_> {
    type Item = Result<Response, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let (reply, links) = match self.walk.step()? {
            Ok(step) => step,
            Err(e) => return Some(Err(e)),
        };
        if reply.body.trim() == "[]" {
            self.walk.done = true;
        }
        Some(Ok(Response::of(reply, links)))
    }
}

impl std::iter::FusedIterator for Pages<'_> {}

/// The label errors name (`GET /api/v1/notifications`) and the path with its query. The path
/// must start with `/`, so that it can only name a resource of the client's own origin.
fn target(method: &str, path: &str, query: &[(&str, &str)]) -> Result<(Endpoint, String), Error> {
    if !path.starts_with('/') {
        return Err(Error::invalid(
            "an API path starts with `/`, such as /api/v1/notifications (the client names the server)",
        ));
    }
    if path.chars().any(|c| c.is_control() || c == ' ' || c == '#') {
        return Err(Error::invalid(
            "an API path holds no space, control character or `#`",
        ));
    }
    let bare = path.split('?').next().unwrap_or(path);
    let endpoint = Endpoint::Owned(format!("{method} {bare}"));
    if query.is_empty() {
        return Ok((endpoint, path.to_owned()));
    }
    let sep = if path.contains('?') { '&' } else { '?' };
    Ok((endpoint, format!("{path}{sep}{}", encode::query(query))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_on_the_client_origin() {
        for bad in [
            "api/v1/x",
            "@evil.example/api",
            "https://evil.example/api",
            "/a b",
            "/a\nb",
            "/a#b",
            "",
        ] {
            assert!(
                matches!(target("GET", bad, &[]), Err(Error::InvalidInput(_))),
                "{bad:?}"
            );
        }
        let (ep, t) = target(
            "GET",
            "/api/v1/notifications",
            &[("limit", "5"), ("q", "a b")],
        )
        .unwrap();
        assert_eq!(ep, "GET /api/v1/notifications");
        assert_eq!(t, "/api/v1/notifications?limit=5&q=a+b");
        let (ep, t) = target("GET", "/api/v1/x?a=1", &[("b", "2")]).unwrap();
        assert_eq!(
            (ep.as_ref(), t.as_str()),
            ("GET /api/v1/x", "/api/v1/x?a=1&b=2")
        );
    }
}
