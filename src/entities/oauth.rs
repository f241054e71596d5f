use crate::scopes::Scopes;

/// Declares [`ServerMetadata`] and the private shape of the server's document (the same
/// fields without `discovered`), so that the field list is written once.
macro_rules! server_metadata {
    ($(#[$m:meta])* { $($(#[$fm:meta])* $field:ident : $ty:ty,)* }) => {
        super::entity! {
        $(#[$m])*
        pub struct ServerMetadata {
            $($(#[$fm])* pub $field: $ty,)*
            /// True when the server published this document; false for
            /// [`ServerMetadata::classic`], the fallback for servers before 4.3.
            pub discovered: bool,
        }
        }

        super::entity! { wire
        /// `GET /.well-known/oauth-authorization-server` as the server sends it.
        pub(crate) struct MetadataDocument {
            $($field: $ty,)*
        }
        }

        impl From<MetadataDocument> for ServerMetadata {
            fn from(d: MetadataDocument) -> Self {
                ServerMetadata { $($field: d.$field,)* discovered: true }
            }
        }
    };
}

server_metadata!(
    /// The server's OAuth metadata (RFC 8414), from `GET /.well-known/oauth-authorization-server`
    /// on Mastodon 4.3+, or the classic endpoints for older servers.
    ///
    /// Decide what the server can do from these fields, not from its version string: PKCE
    /// where [`supports_pkce_s256`](Self::supports_pkce_s256), the `profile` scope where
    /// [`supported_scopes`](Self::supported_scopes) lists it, userinfo where
    /// `userinfo_endpoint` is set. Every field is optional, and unknown fields are ignored.
    ///
    /// [`oauth::server_metadata`](crate::oauth::server_metadata) decodes the server's
    /// document. This type's own JSON form (for a cache) adds `discovered`, so decode a
    /// server's document through that function, not directly into this type.
    ///
    /// ```
    /// let old = mastolite::ServerMetadata::classic("https://mastodon.example");
    /// assert!(!old.discovered);
    /// assert!(!old.supports_pkce_s256());
    /// assert!(old.supports_grant("client_credentials"));
    /// assert_eq!(old.authorization_endpoint.as_deref(), Some("https://mastodon.example/oauth/authorize"));
    /// assert_eq!(old.supported_scopes(), None);
    /// ```
    {
        /// The server's root URL, with a trailing slash on Mastodon.
        issuer: Option<String>,
        /// A link to the server's API documentation.
        service_documentation: Option<String>,
        /// Where the browser goes to authorize (`…/oauth/authorize`).
        authorization_endpoint: Option<String>,
        /// `…/oauth/token`.
        token_endpoint: Option<String>,
        /// `…/oauth/revoke`.
        revocation_endpoint: Option<String>,
        /// `…/oauth/userinfo`, on Mastodon 4.4+ only.
        userinfo_endpoint: Option<String>,
        /// `…/api/v1/apps` (Mastodon's own field; there is no RFC 7591 endpoint).
        app_registration_endpoint: Option<String>,
        /// Every scope the server supports, in the server's order (entries that are not
        /// valid scope tokens are dropped).
        scopes_supported: Option<Scopes>,
        /// `["code"]` on Mastodon.
        response_types_supported: Option<Vec<String>>,
        /// `["query", "fragment", "form_post"]` on Mastodon.
        response_modes_supported: Option<Vec<String>>,
        /// `authorization_code` and `client_credentials` (and `password` on 4.3).
        grant_types_supported: Option<Vec<String>>,
        /// `client_secret_basic` and `client_secret_post` on Mastodon.
        token_endpoint_auth_methods_supported: Option<Vec<String>>,
        /// `["S256"]` on Mastodon 4.3+.
        code_challenge_methods_supported: Option<Vec<String>>,
    }
);

impl ServerMetadata {
    /// The classic Mastodon endpoints under `origin` (`https://host`), for servers that
    /// answer 404 for the metadata document (before 4.3). `discovered` is false, PKCE is not
    /// known to be supported, no scope list or userinfo endpoint is known, and the grants
    /// are the two every version supports (`authorization_code`, `client_credentials`).
    ///
    /// ```
    /// let m = mastolite::ServerMetadata::classic("https://mastodon.example/");
    /// assert_eq!(m.token_endpoint.as_deref(), Some("https://mastodon.example/oauth/token"));
    /// assert_eq!(m.userinfo_endpoint, None);
    /// ```
    pub fn classic(origin: &str) -> Self {
        let origin = origin.trim().trim_end_matches('/');
        let at = |path: &str| Some(format!("{origin}{path}"));
        let list = |items: &[&str]| Some(items.iter().map(|s| (*s).to_owned()).collect());
        ServerMetadata {
            issuer: None,
            service_documentation: None,
            authorization_endpoint: at("/oauth/authorize"),
            token_endpoint: at("/oauth/token"),
            revocation_endpoint: at("/oauth/revoke"),
            userinfo_endpoint: None,
            app_registration_endpoint: at("/api/v1/apps"),
            scopes_supported: None,
            response_types_supported: list(&["code"]),
            response_modes_supported: None,
            grant_types_supported: list(&["authorization_code", "client_credentials"]),
            token_endpoint_auth_methods_supported: None,
            code_challenge_methods_supported: None,
            discovered: false,
        }
    }

    /// True when the server advertises the `S256` PKCE method.
    pub fn supports_pkce_s256(&self) -> bool {
        listed(&self.code_challenge_methods_supported, crate::pkce::S256)
    }

    /// True when the server lists this grant type (`authorization_code`,
    /// `client_credentials`, `password`, …). False when it lists none.
    pub fn supports_grant(&self, grant_type: &str) -> bool {
        listed(&self.grant_types_supported, grant_type)
    }

    /// The scopes the server supports, or `None` when it did not say (servers before 4.3).
    pub fn supported_scopes(&self) -> Option<&Scopes> {
        self.scopes_supported.as_ref()
    }
}

fn listed(list: &Option<Vec<String>>, item: &str) -> bool {
    list.as_ref().is_some_and(|v| v.iter().any(|s| s == item))
}

super::entity! {
/// The signed-in user's claims, from `GET /oauth/userinfo` (Mastodon 4.4+, token with the
/// `profile` scope). Every field is optional.
///
/// ```
/// # #[cfg(feature = "serde")] {
/// let u: mastolite::UserInfo = serde_json::from_str(
///     r#"{"iss":"https://social.example/","sub":"https://social.example/users/alice",
///         "name":"","preferred_username":"alice"}"#,
/// ).unwrap();
/// assert_eq!(u.preferred_username.as_deref(), Some("alice"));
/// assert_eq!(u.picture, None);
/// # }
/// ```
pub struct UserInfo {
    /// The issuer: the server's root URL, as in the metadata's `issuer`.
    pub iss: Option<String>,
    /// The user's ActivityPub actor URI (not the account id); globally unique.
    pub sub: Option<String>,
    /// The display name; may be empty and may hold `:shortcode:` emoji.
    pub name: Option<String>,
    /// The local username, without the domain.
    pub preferred_username: Option<String>,
    /// The profile page URL.
    pub profile: Option<String>,
    /// The avatar URL (the server's default image when the user has none).
    pub picture: Option<String>,
}
}

crate::json::encodable!(ServerMetadata, UserInfo);
