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
mod encode;
pub mod entities;
mod error;
pub mod instance;
mod json;
pub mod oauth;
mod origin;
pub mod output;
pub mod pagination;
pub mod pkce;
pub mod ratelimit;
mod redact;
pub mod scopes;
mod secret;
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
pub use json::backend as json_backend;
pub use json::{Encode, to_json};
pub use oauth::OOB;
pub use pagination::{Items, Page, Pages, Range};
pub use ratelimit::RateLimit;
pub use scopes::Scopes;
pub use secret::{
    AccessToken, AuthorizationCode, ClientSecret, CsrfState, PkceVerifier, RefreshToken,
};
pub use store_error::StoreError;
/// The HTTP client this crate is built on, for callers who make their own [`ureq::Agent`].
pub use ureq;
