//! Secret values: the client secret, tokens, the PKCE verifier, the OAuth `state` and the
//! authorization code.
//!
//! Each is its own type so that it cannot be printed by accident: `Debug` shows
//! `AccessToken([redacted])`, there is no `Display`, and the value is reached only through
//! [`secret()`](AccessToken::secret) or `into_secret()`. Only the two that appear in decoded
//! entities ([`ClientSecret`] and [`AccessToken`]) implement `PartialEq`, and compare in
//! constant time; [`CsrfState::matches`] does the same for a received `state`.

use std::fmt;

macro_rules! secret_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// `Debug` is redacted and there is no `Display`: read the value with
        #[doc = concat!("[`", stringify!($name), "::secret`].")]
        pub struct $name(String);

        impl $name {
            /// Wraps a secret value.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The secret itself. Never log it or put it in a URL.
            pub fn secret(&self) -> &str {
                &self.0
            }

            /// Consumes the wrapper and returns the secret. Never log it or put it in a URL.
            pub fn into_secret(self) -> String {
                self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }
    };
}

secret_type!(
    /// An app's `client_secret`, returned once by `POST /api/v1/apps`.
    ClientSecret
);
secret_type!(
    /// A bearer token from `POST /oauth/token`, sent only in the `Authorization` header.
    AccessToken
);
secret_type!(
    /// The one-time code that the authorize step hands back.
    AuthorizationCode
);
secret_type!(
    /// A PKCE `code_verifier` (RFC 7636): 43 to 128 unreserved characters.
    PkceVerifier
);
secret_type!(
    /// The OAuth `state` value that ties a callback to the request that started it.
    CsrfState
);

crate::json::string_codec!(ClientSecret);
crate::json::string_codec!(AccessToken);

impl CsrfState {
    /// Compares with a received value in constant time (for equal lengths).
    ///
    /// ```
    /// let state = mastolite::CsrfState::new("abc");
    /// assert!(state.matches("abc"));
    /// assert!(!state.matches("abd"));
    /// ```
    pub fn matches(&self, received: &str) -> bool {
        constant_time_eq(self.0.as_bytes(), received.as_bytes())
    }
}

/// Equality whose running time depends only on the lengths, not on where the bytes differ.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

// The two secrets of decoded entities: `Clone` (entities are), and equality for tests of
// decoded entities, in constant time.
macro_rules! entity_secret {
    ($($name:ident),*) => {$(
        impl Clone for $name {
            fn clone(&self) -> Self {
                Self(self.0.clone())
            }
        }
        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                constant_time_eq(self.0.as_bytes(), other.0.as_bytes())
            }
        }
        impl Eq for $name {}
    )*};
}
entity_secret!(ClientSecret, AccessToken);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted_for_every_secret_type() {
        let v = "s3cr3t-value";
        let all = [
            format!("{:?}", ClientSecret::new(v)),
            format!("{:?}", AccessToken::new(v)),
            format!("{:?}", AuthorizationCode::new(v)),
            format!("{:?}", PkceVerifier::new(v)),
            format!("{:?}", CsrfState::new(v)),
            format!("{:#?}", Some(AccessToken::new(v))),
        ];
        for d in &all {
            assert!(!d.contains(v), "{d}");
            assert!(d.contains("[redacted]"), "{d}");
        }
    }

    #[test]
    fn constant_time_eq_compares_bytes() {
        assert!(constant_time_eq(b"", b""));
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }
}
