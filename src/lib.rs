//! Blocking, dependency-light access to the Mastodon API as a registered client app: register
//! an app ([`apps`]), get tokens with client credentials or an authorization code with PKCE
//! ([`oauth`]), check them ([`check`]), keep them in a credentials file ([`store`]), and read
//! accounts, followers and following through Link-header pagination ([`accounts`]). Any other
//! endpoint goes through [`api`] under the same rules. No async runtime: free functions over
//! [ureq] taking a [`Client`], one error type ([`Error`]), a choice of JSON backend (`serde` or
//! `miniserde`) and of TLS backend (`rustls`, `native-tls`, or none), for small static
//! binaries, build scripts and cron jobs.
//!
//! ```no_run
//! use mastolite::{apps, oauth, Client, OOB};
//!
//! let client = Client::new("https://mastodon.example")?;
//! let app = apps::create(&client, &apps::NewApp::new("My bot").redirect_uri(OOB).scopes("read".parse()?))?;
//! let token = oauth::client_credentials(&client, &app.credentials(), &"read".parse()?)?;
//! println!("app: {}", apps::verify_credentials(&client, &token.access_token)?.name);
//! # Ok::<(), mastolite::Error>(())
//! ```
//!
//! Guides: the OAuth flows in [`oauth`], public reads in [`accounts`], the credentials file in
//! [`store`], token checks for cron in [`check`], use from `build.rs` in
//! [`ClientBuilder`](ClientBuilder#in-a-build-script-buildrs). The features, the
//! `mastolite` command and the versioning policy are in the
//! [README](https://docs.rs/crate/mastolite/latest/source/README.md); the defaults, limits and
//! security promises in
//! [SECURITY.md](https://docs.rs/crate/mastolite/latest/source/SECURITY.md).
//!
//! [ureq]: https://docs.rs/ureq
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]
#![warn(clippy::missing_errors_doc, clippy::missing_panics_doc)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod accounts;
pub mod api;
pub mod apps;
pub mod check;
mod client;
mod clock;
mod encode;
pub mod entities;
mod error;
pub mod instance;
mod json;
mod kind;
pub mod oauth;
mod origin;
mod output;
pub mod pagination;
pub mod pkce;
pub mod ratelimit;
mod redact;
pub mod scopes;
mod secret;
mod small;
pub mod store;
mod store_error;
pub mod terminal;

#[doc(inline)]
pub use apps::NewApp;
pub use client::{
    Client, ClientBuilder, DEFAULT_BODY_LIMIT, DEFAULT_TIMEOUT, RetryPolicy, USER_AGENT,
    default_agent,
};
#[doc(inline)]
pub use entities::{
    Account, AccountId, AppCredentials, Application, CredentialAccount, CredentialApplication,
    CustomEmoji, FeatureApproval, Field, Role, RoleId, ServerMetadata, Source, Token, UserInfo,
};
pub use error::{
    ApiError, AuthorizationError, DecodeError, Error, RedirectError, TransportError, TransportKind,
};
#[doc(inline)]
pub use instance::Instance;
#[doc(inline)]
pub use oauth::OOB;
#[doc(inline)]
pub use pagination::{Items, Page, Pages, Range};
#[doc(inline)]
pub use ratelimit::RateLimit;
#[doc(inline)]
pub use scopes::Scopes;
pub use secret::{AccessToken, AuthorizationCode, ClientSecret, CsrfState, PkceVerifier};
pub use store_error::StoreError;
/// What the `mastolite` binary needs from the library and the library's users do not: the
/// records the CLI prints, their encoding with the compiled-in JSON backend, and the clock;
/// also the redaction that errors apply, with its step count, for the fuzz target and the
/// benchmark; and the careful reading of `--ca-file`.
///
/// **Not covered by semver**: anything here may change or go in any release. Encode your own
/// values with the JSON crate you use.
#[doc(hidden)]
pub mod cli_support {
    pub use crate::clock::unix_now;
    pub use crate::json::{Encode, backend as json_backend, to_json};
    pub use crate::redact::redact_counting;
    pub use crate::store::fs::read_ca_file;

    /// The secret-free records the `mastolite` CLI prints (`--json`, `--jsonl`).
    pub mod output {
        pub use crate::output::*;
    }
}

/// The HTTP client this crate is built on, for callers who make their own [`ureq::Agent`].
pub use ureq;

/// The README's and SECURITY.md's code blocks, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
#[doc = include_str!("../SECURITY.md")]
pub struct ReadmeDoctests;
