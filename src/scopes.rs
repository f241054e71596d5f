//! OAuth scopes: parse, display, and subset checks.
//!
//! Scopes travel as one space-separated string everywhere (`scopes` at registration, `scope`
//! at the OAuth endpoints). [`Scopes`] keeps them in order without duplicates, knows every
//! scope Mastodon accepts, and accepts unknown ones from newer servers.

use std::fmt;
use std::str::FromStr;

use crate::error::Error;

/// `read`: every `read:*` scope.
pub const READ: &str = "read";
/// `write`: every `write:*` scope.
pub const WRITE: &str = "write";
/// `push`: Web Push subscriptions.
pub const PUSH: &str = "push";
/// `profile` (4.3+): only `verify_credentials` and `/oauth/userinfo`. Not covered by `read`.
pub const PROFILE: &str = "profile";
/// `follow`: deprecated since 3.5; covers the follow, block and mute scopes.
pub const FOLLOW: &str = "follow";

/// Every scope that current Mastodon accepts, in the order of its documentation.
pub(crate) const KNOWN: &[&str] = &[
    "read",
    "read:accounts",
    "read:blocks",
    "read:bookmarks",
    "read:collections",
    "read:favourites",
    "read:filters",
    "read:follows",
    "read:lists",
    "read:mutes",
    "read:notifications",
    "read:search",
    "read:statuses",
    "write",
    "write:accounts",
    "write:blocks",
    "write:bookmarks",
    "write:collections",
    "write:conversations",
    "write:favourites",
    "write:filters",
    "write:follows",
    "write:lists",
    "write:media",
    "write:mutes",
    "write:notifications",
    "write:reports",
    "write:statuses",
    "push",
    "profile",
    "follow",
    "admin:read",
    "admin:read:accounts",
    "admin:read:canonical_email_blocks",
    "admin:read:domain_allows",
    "admin:read:domain_blocks",
    "admin:read:email_domain_blocks",
    "admin:read:ip_blocks",
    "admin:read:reports",
    "admin:write",
    "admin:write:accounts",
    "admin:write:canonical_email_blocks",
    "admin:write:domain_allows",
    "admin:write:domain_blocks",
    "admin:write:email_domain_blocks",
    "admin:write:ip_blocks",
    "admin:write:reports",
];

/// Scopes that servers once knew and now reject (`read:reports` until 2.5, `crypto` 3.2 to
/// 4.2, `read:me` in a 4.3 pre-release).
pub(crate) const REMOVED: &[&str] = &["read:reports", "crypto", "read:me"];

/// What `follow` covers, besides being itself.
const FOLLOW_COVERS: &[&str] = &[
    "read:blocks",
    "read:follows",
    "read:mutes",
    "write:blocks",
    "write:follows",
    "write:mutes",
];

/// How a server treats a scope, as far as this crate knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScopeStatus {
    /// Accepted by current Mastodon.
    Known,
    /// Accepted, but deprecated (`follow`).
    Deprecated,
    /// Once existed; current servers reject it.
    Removed,
    /// Not known to this crate; perhaps from a newer server.
    Unknown,
}

/// The status of one scope.
///
/// ```
/// use mastolite::scopes::{status, ScopeStatus};
/// assert_eq!(status("read:accounts"), ScopeStatus::Known);
/// assert_eq!(status("follow"), ScopeStatus::Deprecated);
/// assert_eq!(status("crypto"), ScopeStatus::Removed);
/// assert_eq!(status("write:widgets"), ScopeStatus::Unknown);
/// ```
pub fn status(scope: &str) -> ScopeStatus {
    if scope == FOLLOW {
        ScopeStatus::Deprecated
    } else if KNOWN.contains(&scope) {
        ScopeStatus::Known
    } else if REMOVED.contains(&scope) {
        ScopeStatus::Removed
    } else {
        ScopeStatus::Unknown
    }
}

/// True when holding `held` grants `wanted`: the same scope, `read` for any `read:*`, `write`
/// for any `write:*`, `admin:read`/`admin:write` for their sub-scopes, and `follow` for the
/// scopes it covers.
///
/// ```
/// use mastolite::scopes::covers;
/// assert!(covers("read", "read:accounts"));
/// assert!(!covers("read", "profile"));
/// assert!(!covers("read:accounts", "read"));
/// assert!(covers("follow", "write:follows"));
/// ```
pub fn covers(held: &str, wanted: &str) -> bool {
    if held == wanted {
        return true;
    }
    match held {
        "read" | "write" | "admin:read" | "admin:write" => wanted
            .strip_prefix(held)
            .is_some_and(|rest| rest.starts_with(':') && rest.len() > 1),
        "follow" => FOLLOW_COVERS.contains(&wanted),
        _ => false,
    }
}

/// A set of scopes, in the order given, without duplicates.
///
/// ```
/// use mastolite::Scopes;
/// let app: Scopes = "read write push".parse()?;
/// let asked: Scopes = "read:accounts write:statuses".parse()?;
/// assert_eq!(app.to_string(), "read write push");
/// assert!(asked.is_subset_of(&app));
/// assert!(!asked.is_literal_subset_of(&app));
/// let granted: Scopes = "read".parse()?;
/// assert_eq!(asked.missing_from(&granted).to_string(), "write:statuses");
/// # Ok::<(), mastolite::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Scopes(Vec<String>);

impl Scopes {
    /// No scopes.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses a space-separated list, dropping any token that is not a valid scope token.
    /// Used for what servers send; callers' input goes through [`FromStr`].
    pub fn parse_lenient(s: &str) -> Self {
        let mut out = Scopes::new();
        for t in s.split_ascii_whitespace().filter(|t| valid_token(t)) {
            out.insert(t);
        }
        out
    }

    /// Adds a scope (no effect when it is already there).
    pub fn insert(&mut self, scope: &str) {
        if !self.contains(scope) {
            self.0.push(scope.to_owned());
        }
    }

    /// Builder form of [`insert`](Self::insert).
    ///
    /// ```
    /// let s = mastolite::Scopes::new().with("read").with("push");
    /// assert_eq!(s.to_string(), "read push");
    /// ```
    #[must_use]
    pub fn with(mut self, scope: &str) -> Self {
        self.insert(scope);
        self
    }

    /// True when this exact scope string is in the set.
    pub fn contains(&self, scope: &str) -> bool {
        self.0.iter().any(|s| s == scope)
    }

    /// True when some scope in the set grants `scope` (see [`covers`]).
    pub fn grants(&self, scope: &str) -> bool {
        self.0.iter().any(|held| covers(held, scope))
    }

    /// True when `other` grants every scope here, with `read` covering `read:*`, `write`
    /// covering `write:*` (see [`covers`]). Use it to check granted scopes.
    pub fn is_subset_of(&self, other: &Scopes) -> bool {
        self.0.iter().all(|s| other.grants(s))
    }

    /// True when every scope here appears in `other` as the same string. Mastodon checks the
    /// scopes requested at authorize and for client credentials this way against the app's
    /// registered scopes.
    pub fn is_literal_subset_of(&self, other: &Scopes) -> bool {
        self.0.iter().all(|s| other.contains(s))
    }

    /// The scopes here that `granted` does not grant.
    pub fn missing_from(&self, granted: &Scopes) -> Scopes {
        Scopes(
            self.0
                .iter()
                .filter(|s| !granted.grants(s))
                .cloned()
                .collect(),
        )
    }

    /// The scopes here that current servers reject or this crate does not know, with their
    /// status.
    pub fn unusual(&self) -> Vec<(&str, ScopeStatus)> {
        self.iter()
            .map(|s| (s, status(s)))
            .filter(|(_, st)| *st != ScopeStatus::Known)
            .collect()
    }

    /// True when there are no scopes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Number of scopes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The scopes, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

/// RFC 6749 §3.3: `scope-token = 1*( %x21 / %x23-5B / %x5D-7E )`.
fn valid_token(t: &str) -> bool {
    !t.is_empty()
        && t.bytes()
            .all(|b| b == 0x21 || (0x23..=0x5b).contains(&b) || (0x5d..=0x7e).contains(&b))
}

impl FromStr for Scopes {
    type Err = Error;

    /// Parses a space-separated list. Unknown scopes are accepted; characters that RFC 6749
    /// forbids in a scope (quotes, backslashes, control characters, non-ASCII) are not.
    fn from_str(s: &str) -> Result<Self, Error> {
        let mut out = Scopes::new();
        for t in s.split_ascii_whitespace() {
            if !valid_token(t) {
                return Err(Error::invalid(format!(
                    "{:?} is not a valid OAuth scope",
                    crate::terminal::Clean(t).to_string()
                )));
            }
            out.insert(t);
        }
        Ok(out)
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(s)?;
        }
        Ok(())
    }
}

impl<'a> FromIterator<&'a str> for Scopes {
    fn from_iter<I: IntoIterator<Item = &'a str>>(iter: I) -> Self {
        let mut out = Scopes::new();
        for s in iter {
            out.insert(s);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_scope_is_known() {
        assert_eq!(KNOWN.len(), 47);
        for s in KNOWN {
            assert!(valid_token(s));
            assert_ne!(status(s), ScopeStatus::Unknown);
        }
    }

    #[test]
    fn parse_dedups_and_rejects_bad_tokens() {
        let s: Scopes = "  read  write read\tpush ".parse().unwrap();
        assert_eq!(s.to_string(), "read write push");
        assert!("read \"write\"".parse::<Scopes>().is_err());
        assert!("réad".parse::<Scopes>().is_err());
        assert_eq!(
            Scopes::parse_lenient("read \"x\" push").to_string(),
            "read push"
        );
    }

    #[test]
    fn hierarchy() {
        let app: Scopes = "read write:statuses profile".parse().unwrap();
        assert!(Scopes::parse_lenient("read:accounts read:follows").is_subset_of(&app));
        assert!(!Scopes::parse_lenient("write").is_subset_of(&app));
        assert!(!Scopes::parse_lenient("readx:accounts").is_subset_of(&app));
        assert!(!Scopes::parse_lenient("read:").is_subset_of(&Scopes::parse_lenient("read")));
        assert!(covers("admin:read", "admin:read:accounts"));
        assert!(!covers("admin:read", "admin:write:accounts"));
        assert_eq!(
            Scopes::parse_lenient("read profile push")
                .missing_from(&app)
                .to_string(),
            "push"
        );
    }
}
