//! The JSON entities of the endpoints this crate covers.
//!
//! Decoding is lenient and gives the same values under serde and miniserde: unknown fields are
//! ignored, every field that some real server leaves out or sends as `null` is an `Option`, and
//! ids are strings (a number where a string is expected is kept as its decimal text).
//! Entities are `#[non_exhaustive]`: new server fields are not breaking changes.

/// The one pattern for every entity's derive lines.
///
/// `entity! { /// docs  pub struct Name { /// docs  pub field: Type, … } }` declares a public,
/// `#[non_exhaustive]` entity that is `Clone`, `Debug`, `Default`, `PartialEq` and `Eq` and
/// implements the `Serialize` and `Deserialize` traits of every enabled JSON backend: callers
/// build one with `Default::default()` (or its `new`) and assign the fields they know.
/// `entity! { secret … }` does the same without `Default`, for entities that hold a secret
/// (an empty secret is never a valid one; their `new` takes it). `entity! { wire … struct
/// Name { … } }` declares a private wire shape that only decodes.
macro_rules! entity {
    (wire $($(#[$m:meta])* $v:vis struct $name:ident { $($(#[$fm:meta])* $field:ident : $ty:ty,)* })*) => {$(
        $(#[$m])*
        #[derive(Debug)]
        #[cfg_attr(feature = "serde", derive(serde::Deserialize))]
        #[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
        $v struct $name { $($(#[$fm])* $field: $ty,)* }
    )*};
    (secret $($body:tt)*) => {
        $crate::entities::entity!(@public (Clone, Debug, PartialEq, Eq) $($body)*);
    };
    (@public $derives:tt $($(#[$m:meta])* pub struct $name:ident { $($(#[$fm:meta])* pub $field:ident : $ty:ty,)* })*) => {$(
        $(#[$m])*
        #[derive $derives]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[cfg_attr(feature = "miniserde", derive(miniserde::Serialize, miniserde::Deserialize))]
        #[non_exhaustive]
        pub struct $name { $($(#[$fm])* pub $field: $ty,)* }
    )*};
    ($($body:tt)*) => {
        $crate::entities::entity!(@public (Clone, Debug, Default, PartialEq, Eq) $($body)*);
    };
}
pub(crate) use entity;

mod account;
mod application;
mod ids;
mod oauth;
mod token;

pub use account::{Account, CredentialAccount, CustomEmoji, FeatureApproval, Field, Role, Source};
pub use application::{AppCredentials, Application, CredentialApplication, OOB};
pub use ids::{AccountId, RoleId};
pub(crate) use oauth::MetadataDocument;
pub use oauth::{ServerMetadata, UserInfo};
pub use token::Token;
