use crate::scopes::Scopes;
use crate::secret::ClientSecret;

/// The out-of-band redirect URI: the server shows the code and the user pastes it into the app.
pub const OOB: &str = "urn:ietf:wg:oauth:2.0:oob";

macro_rules! application_struct {
    ([$($secret:ident)?] $(#[$m:meta])* $name:ident { $($(#[$fm:meta])* $extra:ident : $ty:ty,)* }) => {
        entity! { $($secret)?
        $(#[$m])*
        pub struct $name {
            /// The app's id (absent from app verify_credentials before Mastodon 4.3).
            pub id: Option<String>,
            /// The app's name, shown on the consent screen.
            pub name: String,
            /// The app's website, `null` when empty.
            pub website: Option<String>,
            /// The registered scopes (4.3+).
            pub scopes: Option<Scopes>,
            /// The registered redirect URIs (4.3+).
            pub redirect_uris: Option<Vec<String>>,
            /// Deprecated in 4.3: every redirect URI joined by whitespace.
            pub redirect_uri: Option<String>,
            /// Deprecated in 4.3: the server's Web Push key.
            pub vapid_key: Option<String>,
            $($(#[$fm])* pub $extra: $ty,)*
        }
        }

        impl $name {
            /// Every redirect URI of the app, whichever field the server used: the field
            /// `redirect_uris` (Mastodon 4.3 and later), or else the older `redirect_uri`
            /// split on whitespace.
            pub fn all_redirect_uris(&self) -> Vec<String> {
                match (&self.redirect_uris, &self.redirect_uri) {
                    (Some(v), _) => v.clone(),
                    (None, Some(s)) => s.split_whitespace().map(str::to_owned).collect(),
                    (None, None) => Vec::new(),
                }
            }
        }
    };
}

application_struct!([]
    /// An app, as `GET /api/v1/apps/verify_credentials` returns it.
    ///
    /// ```
    /// # #[cfg(feature = "serde")] {
    /// let app: mastolite::Application = serde_json::from_str(
    ///     r#"{"name":"test app","website":null,"redirect_uri":"urn:ietf:wg:oauth:2.0:oob"}"#,
    /// ).unwrap();
    /// assert_eq!(app.name, "test app");
    /// assert_eq!(app.all_redirect_uris(), ["urn:ietf:wg:oauth:2.0:oob"]);
    /// # }
    /// ```
    Application {}
);

application_struct!([secret]
    /// A newly registered app, from `POST /api/v1/apps`: an [`Application`] with its client
    /// credentials. Keep `client_id` and `client_secret`: the secret cannot be fetched again.
    ///
    /// ```
    /// # #[cfg(feature = "serde")] {
    /// let app: mastolite::CredentialApplication = serde_json::from_str(
    ///     r#"{"id":"1","name":"x","website":null,"redirect_uri":"urn:ietf:wg:oauth:2.0:oob",
    ///         "client_id":"cid","client_secret":"cs"}"#,
    /// ).unwrap();
    /// let creds = app.credentials();
    /// assert_eq!(creds.client_id, "cid");
    /// assert!(!format!("{creds:?}").contains("cs\""));
    /// # }
    /// ```
    CredentialApplication {
        /// The app's client id.
        client_id: String,
        /// The app's client secret.
        client_secret: ClientSecret,
        /// Always 0 on Mastodon 4.4+ (never expires); absent before.
        client_secret_expires_at: Option<i64>,
    }
);

impl CredentialApplication {
    /// The client id and secret, as the token and revoke endpoints take them.
    ///
    /// Their redirect URI is the app's first registered one ([`OOB`](OOB) when the
    /// server lists none).
    pub fn credentials(&self) -> AppCredentials {
        let redirect_uri = self
            .all_redirect_uris()
            .into_iter()
            .next()
            .unwrap_or_else(|| OOB.to_owned());
        AppCredentials {
            client_id: self.client_id.clone(),
            client_secret: self.client_secret.clone(),
            redirect_uri,
        }
    }
}

/// An app's client id and secret, and the registered redirect URI that token requests name:
/// what `POST /oauth/token` and `POST /oauth/revoke` need.
///
/// ```
/// let mut creds = mastolite::AppCredentials::new("cid", mastolite::ClientSecret::new("secret"));
/// assert_eq!(creds.redirect_uri, mastolite::OOB);
/// creds.redirect_uri = "http://127.0.0.1:8080/callback".to_owned();
/// assert!(!format!("{creds:?}").contains("secret\""));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AppCredentials {
    /// The client id.
    pub client_id: String,
    /// The client secret.
    pub client_secret: ClientSecret,
    /// A redirect URI the app registered; sent with client-credentials requests (GoToSocial
    /// requires it) and checked against the one used at authorize for code exchanges.
    pub redirect_uri: String,
}

impl AppCredentials {
    /// Credentials from stored values, with the out-of-band redirect URI (assign
    /// `redirect_uri` when the app registered another).
    pub fn new(client_id: impl Into<String>, client_secret: ClientSecret) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret,
            redirect_uri: OOB.to_owned(),
        }
    }
}

crate::json::encodable!(Application);
