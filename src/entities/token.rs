use crate::scopes::Scopes;
use crate::secret::{AccessToken, RefreshToken};

super::entity! {
/// A token from `POST /oauth/token`.
///
/// Mastodon's tokens never expire and come without a refresh token; other servers may send
/// `expires_in` and `refresh_token`. The `Debug` output never shows the token.
///
/// ```
/// # #[cfg(feature = "serde")] {
/// let t: mastolite::Token = serde_json::from_str(
///     r#"{"access_token":"abc","token_type":"Bearer","scope":"read write","created_at":1573979017}"#,
/// ).unwrap();
/// assert_eq!(t.access_token.secret(), "abc");
/// assert!(t.scopes().contains("read"));
/// assert!(!format!("{t:?}").contains("abc"));
/// # }
/// ```
pub struct Token {
    /// The bearer token.
    pub access_token: AccessToken,
    /// `Bearer` (`bearer` on Mastodon 2.0 to 2.4).
    pub token_type: Option<String>,
    /// The granted scopes (`scope` on the wire: a space-separated string), or `None` when the
    /// server did not say.
    pub scope: Option<Scopes>,
    /// Unix seconds. With Mastodon's token reuse it can be far in the past.
    pub created_at: Option<i64>,
    /// Seconds of validity from `created_at`, on servers whose tokens expire.
    pub expires_in: Option<i64>,
    /// A refresh token, on servers that issue them (Mastodon does not).
    pub refresh_token: Option<RefreshToken>,
}
}

impl Token {
    /// A token made from a value the caller already holds (from a credentials file or an
    /// environment variable, or for a test): type `Bearer`, and nothing else known. Add what
    /// is known with the `with_*` methods.
    ///
    /// ```
    /// use mastolite::{AccessToken, Token};
    /// let t = Token::new(AccessToken::new("abc"))
    ///     .with_scopes("read write".parse()?)
    ///     .with_created_at(1_700_000_000)
    ///     .with_expires_in(7200);
    /// assert_eq!(t.access_token.secret(), "abc");
    /// assert!(t.scopes().contains("write"));
    /// assert_eq!(t.expires_at(1_700_000_000), Some(1_700_007_200));
    /// # Ok::<(), mastolite::Error>(())
    /// ```
    pub fn new(access_token: AccessToken) -> Self {
        Token {
            access_token,
            token_type: Some("Bearer".to_owned()),
            scope: None,
            created_at: None,
            expires_in: None,
            refresh_token: None,
        }
    }

    /// The same token with its granted scopes.
    ///
    /// ```
    /// let t = mastolite::Token::new(mastolite::AccessToken::new("a")).with_scopes("read".parse()?);
    /// assert_eq!(t.scope, Some("read".parse()?));
    /// # Ok::<(), mastolite::Error>(())
    /// ```
    #[must_use]
    pub fn with_scopes(mut self, scopes: Scopes) -> Self {
        self.scope = Some(scopes);
        self
    }

    /// The same token with its creation time (Unix seconds).
    ///
    /// ```
    /// let t = mastolite::Token::new(mastolite::AccessToken::new("a")).with_created_at(10);
    /// assert_eq!(t.created_at, Some(10));
    /// ```
    #[must_use]
    pub fn with_created_at(mut self, unix: i64) -> Self {
        self.created_at = Some(unix);
        self
    }

    /// The same token with its validity in seconds, as `expires_in` gives it.
    ///
    /// ```
    /// let t = mastolite::Token::new(mastolite::AccessToken::new("a")).with_expires_in(60);
    /// assert!(t.is_expired_at(0, 60));
    /// ```
    #[must_use]
    pub fn with_expires_in(mut self, seconds: i64) -> Self {
        self.expires_in = Some(seconds);
        self
    }

    /// The same token with a refresh token.
    ///
    /// ```
    /// use mastolite::{AccessToken, RefreshToken, Token};
    /// let t = Token::new(AccessToken::new("a")).with_refresh_token(RefreshToken::new("r"));
    /// assert_eq!(t.refresh_token.unwrap().secret(), "r");
    /// ```
    #[must_use]
    pub fn with_refresh_token(mut self, refresh_token: RefreshToken) -> Self {
        self.refresh_token = Some(refresh_token);
        self
    }

    /// The granted scopes (empty when the server did not say).
    ///
    /// ```
    /// let t = mastolite::Token::new(mastolite::AccessToken::new("a"));
    /// assert!(t.scopes().is_empty());
    /// ```
    pub fn scopes(&self) -> Scopes {
        self.scope.clone().unwrap_or_default()
    }

    /// Unix seconds at which the token expires, for a response that arrived at `received_unix`
    /// with `expires_in`; `None` for tokens without an expiry (all of Mastodon's).
    ///
    /// `expires_in` counts from the response (RFC 6749), not from `created_at`: with token
    /// reuse, Mastodon's Doorkeeper hands back an old token with the seconds it has left.
    ///
    /// ```
    /// let t = mastolite::Token::new(mastolite::AccessToken::new("a"));
    /// assert_eq!(t.expires_at(100), None);
    /// ```
    pub fn expires_at(&self, received_unix: i64) -> Option<i64> {
        Some(received_unix.saturating_add(self.expires_in?))
    }

    /// True when the token has an expiry and `now_unix` is at or past it, for a response that
    /// arrived at `received_unix`.
    ///
    /// ```
    /// # #[cfg(feature = "serde")] {
    /// let t: mastolite::Token = serde_json::from_str(
    ///     r#"{"access_token":"a","created_at":10,"expires_in":50}"#).unwrap();
    /// assert_eq!(t.expires_at(100), Some(150));
    /// assert!(!t.is_expired_at(100, 149));
    /// assert!(t.is_expired_at(100, 150));
    /// # }
    /// ```
    pub fn is_expired_at(&self, received_unix: i64, now_unix: i64) -> bool {
        self.expires_at(received_unix)
            .is_some_and(|at| now_unix >= at)
    }
}
