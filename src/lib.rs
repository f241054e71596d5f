#![doc = include_str!("../README.md")]
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

pub use apps::NewApp;
pub use client::{
    Client, ClientBuilder, DEFAULT_BODY_LIMIT, DEFAULT_TIMEOUT, RetryPolicy, USER_AGENT,
    default_agent,
};
pub use entities::{
    Account, AccountId, AppCredentials, Application, CredentialAccount, CredentialApplication,
    CustomEmoji, FeatureApproval, Field, Role, RoleId, ServerMetadata, Source, Token, UserInfo,
};
pub use error::{
    ApiError, AuthorizationError, DecodeError, Error, RedirectError, TransportError, TransportKind,
};
pub use instance::Instance;
pub use oauth::OOB;
pub use pagination::{Items, Page, Pages, Range};
pub use ratelimit::RateLimit;
pub use scopes::Scopes;
pub use secret::{AccessToken, AuthorizationCode, ClientSecret, CsrfState, PkceVerifier};
pub use store_error::StoreError;
/// What the `mastolite` binary needs from the library and the library's users do not: the
/// records the CLI prints, their encoding with the compiled-in JSON backend, and the clock;
/// also the redaction that errors apply, with its step count, for the fuzz target and the
/// benchmark.
///
/// **Not covered by semver**: anything here may change or go in any release. Encode your own
/// values with the JSON crate you use.
#[doc(hidden)]
pub mod cli_support {
    pub use crate::clock::unix_now;
    pub use crate::json::{Encode, backend as json_backend, to_json};
    pub use crate::redact::redact_counting;

    /// The secret-free records the `mastolite` CLI prints (`--json`, `--jsonl`).
    pub mod output {
        pub use crate::output::*;
    }
}

/// The HTTP client this crate is built on, for callers who make their own [`ureq::Agent`].
pub use ureq;
