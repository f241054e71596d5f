use crate::scopes::Scopes;
use crate::secret::AccessToken;

super::entity! { secret
/// A token from `POST /oauth/token`.
///
/// Mastodon's tokens never expire and come without a refresh token; other servers may send
/// `expires_in`. A `refresh_token` in the answer is not kept: this crate has no refresh grant.
/// The `Debug` output never shows the token.
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
}
}

impl Token {
    /// A token made from a value the caller already holds (from a credentials file or an
    /// environment variable, or for a test): type `Bearer`, and nothing else known. Set what
    /// is known on the value it returns.
    ///
    /// ```
    /// use mastolite::{AccessToken, Token};
    /// let mut t = Token::new(AccessToken::new("abc"));
    /// t.scope = Some("read write".parse()?);
    /// t.created_at = Some(1_700_000_000);
    /// t.expires_in = Some(7200);
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
        }
    }

    /// The granted scopes (empty when the server did not say).
    pub fn scopes(&self) -> Scopes {
        self.scope.clone().unwrap_or_default()
    }

    /// Unix seconds at which the token expires, for a response that arrived at `received_unix`
    /// with `expires_in`; `None` for tokens without an expiry (all of Mastodon's).
    ///
    /// `expires_in` counts from the response (RFC 6749), not from `created_at`: with token
    /// reuse, Mastodon's Doorkeeper hands back an old token with the seconds it has left.
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
