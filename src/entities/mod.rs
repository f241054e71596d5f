//! The JSON entities of the endpoints this crate covers.
//!
//! Decoding is lenient and gives the same values under serde and miniserde: unknown fields are
//! ignored, every field that some real server leaves out or sends as `null` is an `Option`, and
//! ids are strings (a number where a string is expected is kept as its decimal text).
//! Entities are `#[non_exhaustive]`: new server fields are not breaking changes.

mod account;
mod application;
mod ids;
mod oauth;
mod token;

pub use account::{Account, CredentialAccount, CustomEmoji, FeatureApproval, Field, Role, Source};
pub use application::{AppCredentials, Application, CredentialApplication};
pub use ids::{AccountId, RoleId};
pub(crate) use oauth::MetadataDocument;
pub use oauth::{ServerMetadata, UserInfo};
pub use token::Token;
