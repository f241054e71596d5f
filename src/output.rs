//! Records for printing, with no secret in them: what the `mastolite` command writes with
//! `--json`, and what a program can show or log in its place.
//!
//! Entities that hold no secret ([`Account`](crate::Account), [`Application`](crate::Application),
//! [`ServerMetadata`](crate::ServerMetadata), …) are printed as they are decoded. Those that do
//! ([`Token`], [`StoredApp`]) are printed through the views here, which leave the secret out.
//! Encode any of them with [`to_json`](crate::to_json).
//!
//! ```
//! use mastolite::cli_support::output::TokenView;
//! let token = mastolite::Token::new(mastolite::AccessToken::new("SECRET"));
//! let view = TokenView::new("https://mastodon.example", mastolite::check::Kind::App, &token, None);
//! let json = mastolite::cli_support::to_json(&view);
//! assert_eq!(
//!     json,
//!     r#"{"server":"https://mastodon.example","kind":"app","token_type":"Bearer","scope":null,"created_at":null,"expires_in":null,"acct":null}"#
//! );
//! assert!(!json.contains("SECRET"));
//! ```

use crate::Token;
use crate::instance::Instance;
use crate::kind::Kind;
use crate::store::StoredApp;

/// A registered app, without its client secret.
///
/// ```
/// let store = mastolite::store::Store::from_json(r#"{"version":1,"server":"https://m.example",
///   "app":{"name":"bot","client_id":"cid","client_secret":"SECRET",
///          "redirect_uris":["urn:ietf:wg:oauth:2.0:oob"],"scopes":["read"],"website":null}}"#)?;
/// let app = store.server("https://m.example").and_then(|s| s.app()).unwrap();
/// let view = mastolite::cli_support::output::AppView::from(app);
/// assert_eq!(view.client_id, "cid");
/// assert!(!mastolite::cli_support::to_json(&view).contains("SECRET"));
/// # Ok::<(), mastolite::StoreError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "miniserde", derive(miniserde::Serialize))]
pub struct AppView {
    /// The registered name.
    pub name: String,
    /// The client id.
    pub client_id: String,
    /// The registered redirect URIs.
    pub redirect_uris: Vec<String>,
    /// The registered scopes.
    pub scopes: Vec<String>,
    /// The app's website.
    pub website: Option<String>,
}

impl From<&StoredApp> for AppView {
    fn from(app: &StoredApp) -> Self {
        AppView {
            name: app.name.clone(),
            client_id: app.client_id.clone(),
            redirect_uris: app.redirect_uris.clone(),
            scopes: app.scopes.clone(),
            website: app.website.clone(),
        }
    }
}

/// A token response without the token itself (nor a refresh token).
///
/// ```
/// let token = mastolite::Token::new(mastolite::AccessToken::new("SECRET"));
/// let view = mastolite::cli_support::output::TokenView::new("https://mastodon.example", mastolite::check::Kind::User, &token, Some("alice".into()));
/// assert_eq!(view.kind, mastolite::check::Kind::User);
/// assert_eq!(view.token_type.as_deref(), Some("Bearer"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "miniserde", derive(miniserde::Serialize))]
pub struct TokenView {
    /// The server's origin.
    pub server: String,
    /// An app or a user token; encoded as `app` or `user`.
    pub kind: Kind,
    /// `Bearer`, as the server wrote it.
    pub token_type: Option<String>,
    /// The granted scopes, space-separated.
    pub scope: Option<String>,
    /// Unix seconds.
    pub created_at: Option<i64>,
    /// Seconds of validity, on servers whose tokens expire.
    pub expires_in: Option<i64>,
    /// The account of a user token, when it could be read.
    pub acct: Option<String>,
}

impl TokenView {
    /// The view of `token` from `server`, of the given kind (`app` or `user`), and its account
    /// if known.
    pub fn new(server: &str, kind: Kind, token: &Token, acct: Option<String>) -> Self {
        TokenView {
            server: server.to_owned(),
            kind,
            token_type: token.token_type.clone(),
            scope: token.scope.as_ref().map(ToString::to_string),
            created_at: token.created_at,
            expires_in: token.expires_in,
            acct,
        }
    }
}

/// The outcome of checking a token.
///
/// ```
/// use mastolite::check::{Detail, Kind, Outcome};
/// let report = mastolite::cli_support::output::CheckReport {
///     status: Outcome::Ok,
///     detail: Some(Detail::AppToken),
///     kind: Kind::App,
///     http_status: Some(401),
///     error: None,
/// };
/// assert_eq!(
///     mastolite::cli_support::to_json(&report),
///     r#"{"status":"ok","detail":"app_token","kind":"app","http_status":401,"error":null}"#
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "miniserde", derive(miniserde::Serialize))]
pub struct CheckReport {
    /// The outcome.
    pub status: crate::check::Outcome,
    /// What the answers proved beyond the outcome, where they did.
    pub detail: Option<crate::check::Detail>,
    /// The token's kind, as the answers proved it for a token of unknown kind.
    pub kind: crate::kind::Kind,
    /// The HTTP status of the answer, when there was one.
    pub http_status: Option<u16>,
    /// Why the check failed, on one line.
    pub error: Option<String>,
}

/// A revoked token.
///
/// ```
/// let r = mastolite::cli_support::output::Revoked { revoked: "user".into(), acct: Some("alice".into()) };
/// assert_eq!(mastolite::cli_support::to_json(&r), r#"{"revoked":"user","acct":"alice"}"#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "miniserde", derive(miniserde::Serialize))]
pub struct Revoked {
    /// `app`, `user`, or `server` (`forget`).
    pub revoked: String,
    /// The account of a user token, when it was known.
    pub acct: Option<String>,
}

/// The record `mastolite instance --json` prints: an [`Instance`]'s main fields, flat, with the
/// contact account as its handle (an [`Instance`] itself serializes with every field).
///
/// ```no_run
/// let client = mastolite::Client::new("https://mastodon.example")?;
/// let server = mastolite::instance::get(&client, None)?;
/// println!("{}", mastolite::cli_support::to_json(&mastolite::cli_support::output::InstanceView::from(&server)));
/// # Ok::<(), mastolite::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "miniserde", derive(miniserde::Serialize))]
pub struct InstanceView {
    /// The server's domain.
    pub domain: Option<String>,
    /// The server's name.
    pub title: Option<String>,
    /// The software version.
    pub version: Option<String>,
    /// 2 for `/api/v2/instance`, 1 for `/api/v1/instance`.
    pub api_version: u8,
    /// The source code of the software.
    pub source_url: Option<String>,
    /// The contact e-mail address.
    pub contact_email: Option<String>,
    /// The contact account's handle.
    pub contact_account: Option<String>,
    /// The longest post, in characters.
    pub max_characters: Option<u64>,
}

impl From<&Instance> for InstanceView {
    fn from(i: &Instance) -> Self {
        InstanceView {
            domain: i.domain.clone(),
            title: i.title.clone(),
            version: i.version.clone(),
            api_version: i.api_version,
            source_url: i.source_url.clone(),
            contact_email: i.contact_email.clone(),
            contact_account: i.contact_account.as_ref().and_then(|a| a.acct.clone()),
            max_characters: i.max_characters,
        }
    }
}

crate::json::encodable!(AppView, CheckReport, InstanceView, Revoked, TokenView);
