use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// Wraps an id as the server gave it.
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }
            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(s)
            }
        }

        crate::json::string_codec!($name, lenient);
        crate::json::encodable!($name);
    };
}

id_type!(
    /// An account id. Opaque text: numeric on Mastodon, a 26-character ULID on GoToSocial,
    /// a flake id on Pleroma. Never parse it as a number.
    ///
    /// ```
    /// let id = mastolite::AccountId::from("109302");
    /// assert_eq!(id.to_string(), "109302");
    /// ```
    AccountId
);
id_type!(
    /// A role id: a string on Mastodon (`"-99"` for the built-in role), a number elsewhere.
    ///
    /// ```
    /// let id = mastolite::RoleId::new("-99");
    /// assert_eq!(id.as_str(), "-99");
    /// ```
    RoleId
);
