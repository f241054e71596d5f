//! Whether a token is an app token or a user token: a bottom-layer type that the store, the
//! checks and the CLI's records share. Public as [`check::Kind`](crate::check::Kind).

use std::fmt;

/// Whether a token is an app token (client credentials) or a user token, or not known (a
/// token from the environment, until a check's answers prove which).
///
/// Shown as `app`, `user` or `unknown`, and ordered apps first.
///
/// ```
/// use mastolite::check::Kind;
/// assert_eq!(Kind::User.to_string(), "user");
/// assert!(Kind::App < Kind::User);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Kind {
    /// An app token.
    App,
    /// A user token.
    User,
    /// Not known: a check asks as for a user token first, and its report names the kind the
    /// server's answers proved.
    Unknown,
}

impl Kind {
    /// `"app"`, `"user"` or `"unknown"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Kind::App => "app",
            Kind::User => "user",
            Kind::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

crate::json::serialize_as_str!(Kind);
