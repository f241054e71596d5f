//! OAuth scopes: parse, display, and subset checks.
//!
//! Scopes travel as one space-separated string in requests (`scopes` at registration, `scope`
//! at the OAuth endpoints) and as a string or an array in answers. [`Scopes`] is the one type
//! for all of them: the scopes an app *registered*, those a login *requested*, those a token
//! was *granted*, and those a server *supported*. It compares as a set, knows every scope
//! Mastodon accepts, and accepts unknown ones from newer servers.
//!
//! ```
//! use mastolite::Scopes;
//! let registered: Scopes = "read write push".parse()?;
//! let requested: Scopes = "write read".parse()?;
//! assert!(requested.is_literal_subset_of(&registered));
//! assert_eq!(requested, "read write".parse()?);
//! # Ok::<(), mastolite::Error>(())
//! ```

use std::fmt;
use std::hash::{Hash, Hasher};
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
fn follow_covers(scope: &str) -> bool {
    matches!(
        scope,
        "read:blocks"
            | "read:follows"
            | "read:mutes"
            | "write:blocks"
            | "write:follows"
            | "write:mutes"
    )
}

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
        "follow" => follow_covers(wanted),
        _ => false,
    }
}

/// A set of scopes.
///
/// Scopes compare as a set: `"read write"` equals `"write read"`, and a scope given twice
/// counts once. [`Display`](fmt::Display) and [`iter`](Self::iter) keep the order in which
/// each scope was first given (so `"read write push"` prints as written), which makes the
/// `scope` parameter this crate sends the same from run to run.
///
/// Parsing, decoding and collecting n scopes is O(n log n), and so are the subset checks, so
/// that a server that sends 100,000 scopes costs milliseconds, not seconds. One
/// [`insert`](Self::insert) is a binary search plus a shift of the sorted index: build large
/// sets with `collect` or `parse`, not in a loop of inserts.
///
/// ```
/// use mastolite::Scopes;
/// let app: Scopes = "read write push".parse()?;
/// let asked: Scopes = "read:accounts write:statuses".parse()?;
/// assert_eq!(app.to_string(), "read write push");
/// assert_eq!(app, "push write read read".parse()?);
/// assert!(asked.is_subset_of(&app));
/// assert!(!asked.is_literal_subset_of(&app));
/// let granted: Scopes = "read".parse()?;
/// assert_eq!(asked.missing_from(&granted).to_string(), "write:statuses");
/// # Ok::<(), mastolite::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct Scopes {
    /// Each scope once, in the order first given, separated by single spaces: the
    /// [`Display`](fmt::Display) form, and one allocation for any number of scopes.
    text: String,
    /// Where each scope is in `text`, in the order first given.
    spans: Vec<(usize, usize)>,
    /// Indices into `spans`, sorted by scope: binary search for lookups, and an order-free
    /// view for comparison and hashing.
    sorted: Vec<usize>,
}

impl fmt::Debug for Scopes {
    /// `Scopes("read write")`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Scopes").field(&self.to_string()).finish()
    }
}

impl PartialEq for Scopes {
    /// Set equality: the order in which the scopes were given does not matter.
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.sorted_iter().eq(other.sorted_iter())
    }
}

impl Eq for Scopes {}

impl Hash for Scopes {
    /// Hashes the scopes in sorted order, as equality ignores the order.
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_usize(self.len());
        for scope in self.sorted_iter() {
            scope.hash(state);
        }
    }
}

impl Scopes {
    /// No scopes.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses a space-separated list, dropping any token that is not a valid scope token.
    /// Used for what servers send; callers' input goes through [`FromStr`].
    ///
    /// ```
    /// let s = mastolite::Scopes::parse_lenient("read \"bad\" push read");
    /// assert_eq!(s.to_string(), "read push");
    /// ```
    pub fn parse_lenient(s: &str) -> Self {
        Scopes::collect(
            s.split_ascii_whitespace().filter(|t| valid_token(t)),
            s.len(),
        )
    }

    /// The set of `scopes`, each once, in the order first given; O(n log n). `text_len` is
    /// what the text of the scopes will likely take.
    fn collect<'a>(scopes: impl Iterator<Item = &'a str>, text_len: usize) -> Self {
        let mut scopes = scopes;
        let mut set = Scopes::new();
        set.text.reserve(text_len);
        while let Some(scope) = scopes.next() {
            set.insert(scope);
            if set.len() == SMALL {
                // Insertion would be quadratic from here on: one sort of them all.
                let mut all: Vec<&str> = set.iter().collect();
                for scope in scopes {
                    all.push(scope);
                }
                return Scopes::from_strs(&all);
            }
        }
        set
    }

    /// The `i`th scope in the order first given.
    fn get(&self, i: usize) -> &str {
        let (start, end) = self.spans[i];
        &self.text[start..end]
    }

    /// The scopes in sorted order.
    fn sorted_iter(&self) -> impl Iterator<Item = &str> {
        self.sorted.iter().map(|&i| self.get(i))
    }

    /// Where `scope` is, or would be, in `sorted`.
    fn find(&self, scope: &str) -> Result<usize, usize> {
        self.sorted.binary_search_by(|&i| self.get(i).cmp(scope))
    }

    /// Appends `scope`, known not to be here yet, to the order first given.
    fn push(&mut self, scope: &str) {
        if !self.text.is_empty() {
            self.text.push(' ');
        }
        let start = self.text.len();
        self.text.push_str(scope);
        self.spans.push((start, self.text.len()));
    }

    /// The set of `items` without repeats, keeping each scope's first place: one sort, so
    /// O(n log n).
    fn from_strs(items: &[&str]) -> Self {
        // Stable, so that the first of equal scopes comes first. Not `sort_by`: crate::small.
        let by_scope = crate::small::sorted_indices(items.len(), &|a, b| items[a] < items[b]);
        let mut keep = vec![false; items.len()];
        let mut previous: Option<&str> = None;
        for &i in &by_scope {
            if previous != Some(items[i]) {
                keep[i] = true;
                previous = Some(items[i]);
            }
        }
        // Each kept item's index among the kept ones.
        let mut new_index = vec![0; items.len()];
        let mut kept = 0;
        for (i, &k) in keep.iter().enumerate() {
            new_index[i] = kept;
            kept += usize::from(k);
        }
        let mut set = Scopes {
            sorted: by_scope
                .into_iter()
                .filter(|&i| keep[i])
                .map(|i| new_index[i])
                .collect(),
            ..Scopes::default()
        };
        for (item, _) in items.iter().zip(keep).filter(|&(_, k)| k) {
            set.push(item);
        }
        set
    }

    /// Adds a scope (no effect when it is already there).
    pub fn insert(&mut self, scope: &str) {
        if let Err(at) = self.find(scope) {
            self.sorted.insert(at, self.spans.len());
            self.push(scope);
        }
    }

    /// Builder form of [`insert`](Self::insert).
    #[must_use]
    pub fn with(mut self, scope: &str) -> Self {
        self.insert(scope);
        self
    }

    /// True when this exact scope string is in the set.
    ///
    /// ```
    /// let s = mastolite::Scopes::new().with("read");
    /// assert!(s.contains("read"));
    /// assert!(!s.contains("read:accounts"));
    /// ```
    pub fn contains(&self, scope: &str) -> bool {
        self.find(scope).is_ok()
    }

    /// True when some scope in the set grants `scope` (see [`covers`]).
    ///
    /// ```
    /// let s = mastolite::Scopes::new().with("read").with("follow");
    /// assert!(s.grants("read:accounts"));
    /// assert!(s.grants("write:follows"));
    /// assert!(!s.grants("write:statuses"));
    /// ```
    pub fn grants(&self, scope: &str) -> bool {
        if self.contains(scope) {
            return true;
        }
        // The scopes that can cover `scope` besides itself: its parent, and `follow`.
        let parent = ["admin:read", "admin:write", "read", "write"]
            .into_iter()
            .find(|p| covers(p, scope));
        parent.is_some_and(|p| self.contains(p)) || (follow_covers(scope) && self.contains(FOLLOW))
    }

    /// True when `other` grants every scope here, with `read` covering `read:*`, `write`
    /// covering `write:*` (see [`covers`]). Use it to check granted scopes.
    ///
    /// ```
    /// let granted: mastolite::Scopes = "read write:statuses".parse()?;
    /// assert!("read:accounts write:statuses".parse::<mastolite::Scopes>()?.is_subset_of(&granted));
    /// assert!(!"push".parse::<mastolite::Scopes>()?.is_subset_of(&granted));
    /// # Ok::<(), mastolite::Error>(())
    /// ```
    pub fn is_subset_of(&self, other: &Scopes) -> bool {
        self.iter().all(|s| other.grants(s))
    }

    /// True when every scope here appears in `other` as the same string. Mastodon checks the
    /// scopes requested at authorize and for client credentials this way against the app's
    /// registered scopes.
    ///
    /// ```
    /// let registered: mastolite::Scopes = "read write".parse()?;
    /// assert!("write read".parse::<mastolite::Scopes>()?.is_literal_subset_of(&registered));
    /// assert!(!"read:accounts".parse::<mastolite::Scopes>()?.is_literal_subset_of(&registered));
    /// # Ok::<(), mastolite::Error>(())
    /// ```
    pub fn is_literal_subset_of(&self, other: &Scopes) -> bool {
        self.iter().all(|s| other.contains(s))
    }

    /// The scopes here that `granted` does not grant, in this set's order.
    ///
    /// ```
    /// let requested: mastolite::Scopes = "read push profile".parse()?;
    /// let granted: mastolite::Scopes = "read".parse()?;
    /// assert_eq!(requested.missing_from(&granted).to_string(), "push profile");
    /// # Ok::<(), mastolite::Error>(())
    /// ```
    pub fn missing_from(&self, granted: &Scopes) -> Scopes {
        self.iter().filter(|s| !granted.grants(s)).collect()
    }

    /// The scopes here that are not in `other` as the same string, in this set's order.
    ///
    /// ```
    /// let requested: mastolite::Scopes = "read read:accounts".parse()?;
    /// let registered: mastolite::Scopes = "read".parse()?;
    /// assert_eq!(requested.literal_difference(&registered).to_string(), "read:accounts");
    /// # Ok::<(), mastolite::Error>(())
    /// ```
    pub fn literal_difference(&self, other: &Scopes) -> Scopes {
        self.iter().filter(|s| !other.contains(s)).collect()
    }

    /// The scopes here that current servers reject or this crate does not know, with their
    /// status.
    ///
    /// ```
    /// use mastolite::scopes::ScopeStatus;
    /// let s: mastolite::Scopes = "read follow crypto".parse()?;
    /// assert_eq!(s.unusual(), [("follow", ScopeStatus::Deprecated), ("crypto", ScopeStatus::Removed)]);
    /// # Ok::<(), mastolite::Error>(())
    /// ```
    pub fn unusual(&self) -> Vec<(&str, ScopeStatus)> {
        self.iter()
            .map(|s| (s, status(s)))
            .filter(|(_, st)| *st != ScopeStatus::Known)
            .collect()
    }

    /// True when there are no scopes.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Number of scopes.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// The scopes, in the order first given.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            text: &self.text,
            spans: self.spans.iter(),
        }
    }
}

/// RFC 6749 §3.3: `scope-token = 1*( %x21 / %x23-5B / %x5D-7E )`.
fn valid_token(t: &str) -> bool {
    !t.is_empty()
        && t.bytes()
            .all(|b| matches!(b, 0x21 | 0x23..=0x5b | 0x5d..=0x7e))
}

impl FromStr for Scopes {
    type Err = Error;

    /// Parses a space-separated list. Unknown scopes are accepted; characters that RFC 6749
    /// forbids in a scope (quotes, backslashes, control characters, non-ASCII) are not.
    fn from_str(s: &str) -> Result<Self, Error> {
        if let Some(t) = s.split_ascii_whitespace().find(|t| !valid_token(t)) {
            return Err(Error::invalid(format!(
                "{:?} is not a valid OAuth scope",
                crate::terminal::Clean(t).to_string()
            )));
        }
        Ok(Scopes::parse_lenient(s))
    }
}

impl fmt::Display for Scopes {
    /// The scopes separated by single spaces, in the order first given: the form of OAuth's
    /// `scope` parameter.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Up to this many scopes, [`Scopes`] are collected by insertion, with no temporary buffer:
/// the usual sets of two to five scopes cost a few allocations, not a sort's worth.
const SMALL: usize = 32;

impl<'a> FromIterator<&'a str> for Scopes {
    /// The set of the given scopes, each once, in the order first given; O(n log n).
    fn from_iter<I: IntoIterator<Item = &'a str>>(iter: I) -> Self {
        Scopes::collect(iter.into_iter(), 0)
    }
}

impl<'a> IntoIterator for &'a Scopes {
    type Item = &'a str;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// The scopes of a [`Scopes`], in the order first given, from [`Scopes::iter`].
///
/// ```
/// let s: mastolite::Scopes = "write read".parse()?;
/// let mut it = s.iter();
/// assert_eq!(it.len(), 2);
/// assert_eq!(it.next_back(), Some("read"));
/// assert_eq!(it.next(), Some("write"));
/// assert_eq!(it.next(), None);
/// # Ok::<(), mastolite::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "iterators do nothing until used"]
pub struct Iter<'a> {
    text: &'a str,
    spans: std::slice::Iter<'a, (usize, usize)>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        self.spans
            .next()
            .map(|&(start, end)| &self.text[start..end])
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.spans.size_hint()
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.spans
            .next_back()
            .map(|&(start, end)| &self.text[start..end])
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl std::iter::FusedIterator for Iter<'_> {}

// JSON: an array of strings, in the order first given; decoded from that or from a
// space-separated string (OAuth's `scope`). Entries that are not valid scope tokens are
// dropped, as in [`Scopes::parse_lenient`].

#[cfg(feature = "serde")]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl serde::Serialize for Scopes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

#[cfg(feature = "serde")]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl<'de> serde::Deserialize<'de> for Scopes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Scopes;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("scopes as a string or an array of strings")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Scopes, E> {
                Ok(Scopes::parse_lenient(v))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Scopes, A::Error> {
                // An entry may hold several scopes: read them all as one list.
                let mut text = String::new();
                while let Some(item) = seq.next_element::<String>()? {
                    text.push_str(&item);
                    text.push(' ');
                }
                Ok(Scopes::parse_lenient(&text))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(feature = "miniserde")]
#[cfg_attr(docsrs, doc(cfg(feature = "miniserde")))]
impl miniserde::Serialize for Scopes {
    fn begin(&self) -> miniserde::ser::Fragment<'_> {
        miniserde::ser::Fragment::Seq(Box::new(ScopeSeq {
            iter: self.iter(),
            current: "",
        }))
    }
}

/// The array of scopes, one string at a time.
#[cfg(feature = "miniserde")]
struct ScopeSeq<'a> {
    iter: Iter<'a>,
    current: &'a str,
}

#[cfg(feature = "miniserde")]
impl miniserde::ser::Seq for ScopeSeq<'_> {
    fn next(&mut self) -> Option<&dyn miniserde::Serialize> {
        self.current = self.iter.next()?;
        Some(&self.current)
    }
}

#[cfg(feature = "miniserde")]
const _: () = {
    use miniserde::de::{Seq, Visitor};

    miniserde::make_place!(Place);

    /// The array form: each element, which must be a string, is appended to `text`; an
    /// entry may hold several scopes, so the whole is then read as one list.
    struct Items<'a> {
        out: &'a mut Option<Scopes>,
        text: String,
    }

    impl Visitor for Items<'_> {
        fn string(&mut self, s: &str) -> miniserde::Result<()> {
            self.text.push_str(s);
            self.text.push(' ');
            Ok(())
        }
    }

    impl Seq for Items<'_> {
        fn element(&mut self) -> miniserde::Result<&mut dyn Visitor> {
            Ok(self)
        }
        fn finish(&mut self) -> miniserde::Result<()> {
            *self.out = Some(Scopes::parse_lenient(&self.text));
            Ok(())
        }
    }

    impl Visitor for Place<Scopes> {
        fn string(&mut self, s: &str) -> miniserde::Result<()> {
            self.out = Some(Scopes::parse_lenient(s));
            Ok(())
        }
        fn seq(&mut self) -> miniserde::Result<Box<dyn Seq + '_>> {
            Ok(Box::new(Items {
                out: &mut self.out,
                text: String::new(),
            }))
        }
    }

    impl miniserde::Deserialize for Scopes {
        fn begin(out: &mut Option<Self>) -> &mut dyn Visitor {
            Place::new(out)
        }
    }
};

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

    #[test]
    fn json_is_an_array_and_reads_strings_too() {
        let s: Scopes = "write read write".parse().unwrap();
        assert_eq!(crate::json::to_string(&s), r#"["write","read"]"#);
        let from_array: Scopes = crate::json::from_str(r#"["write","read","bad\"one"]"#).unwrap();
        let from_string: Scopes = crate::json::from_str(r#""write read""#).unwrap();
        assert_eq!(from_array.iter().collect::<Vec<_>>(), ["write", "read"]);
        assert_eq!(from_string.iter().collect::<Vec<_>>(), ["write", "read"]);
        assert!(crate::json::from_str::<Scopes>("[1]").is_err());
    }

    #[test]
    fn scopes_compare_as_sets() {
        use std::collections::hash_map::DefaultHasher;
        let a: Scopes = "read write push".parse().unwrap();
        let b: Scopes = "push write read write".parse().unwrap();
        assert_eq!(a, b);
        assert_eq!(
            b.to_string(),
            "push write read",
            "Display keeps the first-given order"
        );
        let hash = |s: &Scopes| {
            let mut h = DefaultHasher::new();
            s.hash(&mut h);
            h.finish()
        };
        assert_eq!(hash(&a), hash(&b));
        assert_ne!(a, "read write".parse().unwrap());
        assert_ne!(a, "read write push profile".parse().unwrap());
        assert_eq!(Scopes::new(), Scopes::parse_lenient("\"bad\""));
    }

    #[test]
    fn grants_matches_covers_for_every_pair() {
        let all: Vec<&str> = KNOWN
            .iter()
            .chain(REMOVED)
            .copied()
            .chain(["read:", "admin:read:", "readx:accounts", "write:widgets"])
            .collect();
        for held in &all {
            let set = Scopes::new().with(held);
            for wanted in &all {
                assert_eq!(set.grants(wanted), covers(held, wanted), "{held} {wanted}");
            }
        }
    }

    /// Correctness on inputs large enough that the old quadratic code would have needed
    /// minutes; the speed itself is measured by scripts/bench/scopes, not here.
    #[test]
    fn small_and_large_sets_are_collected_alike() {
        // Around the switch from insertion to one sort, with repeats on both sides of it.
        for n in 0..3 * SMALL {
            let items: Vec<String> = (0..n).map(|i| format!("read:x{}", (i * 7) % 41)).collect();
            let set: Scopes = items.iter().map(String::as_str).collect();
            let mut first: Vec<&str> = Vec::new();
            for item in &items {
                if !first.contains(&item.as_str()) {
                    first.push(item);
                }
            }
            assert_eq!(set.iter().collect::<Vec<_>>(), first, "{n}");
            assert_eq!(set, Scopes::from_strs(&first), "{n}");
            assert!(first.iter().all(|s| set.contains(s)), "{n}");
        }
    }

    #[test]
    fn large_sets_keep_order_dedup_and_subsets() {
        let n = 100_000;
        let text: String = (0..n)
            .map(|i| format!("read:x{i} write:x{i} read:x{i} "))
            .collect();
        let all = Scopes::parse_lenient(&text);
        assert_eq!(all.len(), 2 * n);
        assert_eq!(all.iter().nth(2), Some("read:x1"));
        let reversed: Scopes = all.iter().rev().collect();
        assert_eq!(reversed, all);
        assert!(reversed.is_literal_subset_of(&all));
        let read_write = Scopes::new().with("read").with("write");
        assert!(all.is_subset_of(&read_write));
        let only_read = Scopes::new().with("read");
        let missing = all.missing_from(&only_read);
        assert_eq!(missing.len(), n);
        assert!(missing.iter().all(|s| s.starts_with("write:")));
        let expected: Vec<String> = (0..n).map(|i| format!("read:x{i} write:x{i}")).collect();
        assert_eq!(all.to_string(), expected.join(" "));
    }
}
