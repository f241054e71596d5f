use super::ids::{AccountId, RoleId};

entity! {
    /// An account, as followers, following and lookups return it, and the signed-in user's
    /// own account from `GET /api/v1/accounts/verify_credentials` (a [`CredentialAccount`]),
    /// where `source` and `role` are set as well.
    ///
    /// ```
    /// # #[cfg(feature = "serde")] {
    /// let a: mastolite::Account = serde_json::from_str(r#"{
    ///   "id":"1","username":"gargron","acct":"Gargron","display_name":"Eugen",
    ///   "created_at":"2016-03-16T00:00:00.000Z","statuses_count":1,
    ///   "followers_count":2,"following_count":3,"discoverable":null}"#).unwrap();
    /// assert_eq!(a.acct, "Gargron");
    /// assert_eq!(a.discoverable, None);
    /// assert_eq!(a.source, None);
    /// # }
    /// ```
    pub struct Account {
        /// The account id (opaque text).
        pub id: AccountId,
        /// The username, without the domain.
        pub username: String,
        /// `username` for local accounts, `username@domain` for remote ones.
        pub acct: String,
        /// The profile page.
        pub url: Option<String>,
        /// The ActivityPub actor id (4.2+).
        pub uri: Option<String>,
        /// The display name; may be empty, may contain `:shortcode:` emoji.
        pub display_name: String,
        /// The bio, as HTML.
        pub note: Option<String>,
        /// The avatar URL (a default image when unset).
        pub avatar: Option<String>,
        /// The avatar as a still image.
        pub avatar_static: Option<String>,
        /// The avatar's alt text (4.6+).
        pub avatar_description: Option<String>,
        /// The header image URL.
        pub header: Option<String>,
        /// The header as a still image.
        pub header_static: Option<String>,
        /// The header's alt text (4.6+).
        pub header_description: Option<String>,
        /// Whether the account approves followers by hand.
        pub locked: Option<bool>,
        /// Profile metadata fields (2.4+).
        pub fields: Option<Vec<Field>>,
        /// Custom emoji used in the name and bio (2.4+).
        pub emojis: Option<Vec<CustomEmoji>>,
        /// Whether the account is automated (2.4+).
        pub bot: Option<bool>,
        /// Whether the account is a group actor (3.1+).
        pub group: Option<bool>,
        /// Whether the account is featured in the directory; `null` when never set.
        pub discoverable: Option<bool>,
        /// Whether public posts may be indexed by search (4.3+).
        pub indexable: Option<bool>,
        /// Whether the account opted out of search engine indexing (local accounts).
        pub noindex: Option<bool>,
        /// The account it moved to, present only when it has moved.
        pub moved: Option<Box<Account>>,
        /// Present and `true` for memorial accounts.
        pub memorial: Option<bool>,
        /// Present and `true` for suspended accounts.
        pub suspended: Option<bool>,
        /// Present and `true` for silenced accounts.
        pub limited: Option<bool>,
        /// When the account was created (rounded to midnight UTC since 3.4).
        pub created_at: String,
        /// The day of the last post (`YYYY-MM-DD`, a full datetime on old servers), or `null`.
        pub last_status_at: Option<String>,
        /// Number of posts (forks may send -1 to hide it).
        pub statuses_count: i64,
        /// Number of followers.
        pub followers_count: i64,
        /// Number of accounts followed.
        pub following_count: i64,
        /// Whether the follower and following lists are hidden (4.3+); `null` when never set.
        pub hide_collections: Option<bool>,
        /// Profile tab preference (4.6+).
        pub show_media: Option<bool>,
        /// Profile tab preference (4.6+).
        pub show_media_replies: Option<bool>,
        /// Profile tab preference (4.6+).
        pub show_featured: Option<bool>,
        /// The highlighted role (4.1+; absent for remote accounts).
        pub roles: Option<Vec<Role>>,
        /// Who may feature this account (4.6+).
        pub feature_approval: Option<FeatureApproval>,
        /// Whether e-mail subscriptions are on (4.6+, only where the server enables them).
        pub email_subscriptions: Option<bool>,
        /// Present and `true` when the handle is not valid (4.7+).
        pub invalid_handle: Option<bool>,
        /// The plain-text profile and default posting settings: only in the signed-in user's
        /// own account (verify_credentials).
        pub source: Option<Source>,
        /// The user's full role: only in the signed-in user's own account (4.0+).
        pub role: Option<Role>,
    }
}

/// The signed-in user's own account, from `GET /api/v1/accounts/verify_credentials`: an
/// [`Account`] whose `source` and `role` are set. One type, so that both decode with the same
/// code.
pub type CredentialAccount = Account;

impl Account {
    /// An account with the given id, username and `acct`, and every other field as
    /// `Default` leaves it (zero counts, empty display name and creation date, `None` for the
    /// optional ones): for tests of code that takes accounts. Set more fields on the value it
    /// returns.
    ///
    /// ```
    /// let mut a = mastolite::Account::new("1", "alice", "alice@social.example");
    /// a.display_name = "Alice".to_owned();
    /// a.followers_count = 3;
    /// assert_eq!(a.id.as_str(), "1");
    /// assert_eq!(a.bot, None);
    /// ```
    pub fn new(
        id: impl Into<AccountId>,
        username: impl Into<String>,
        acct: impl Into<String>,
    ) -> Self {
        Account {
            id: id.into(),
            username: username.into(),
            acct: acct.into(),
            ..Default::default()
        }
    }
}

entity! {
    /// A profile metadata field.
    pub struct Field {
        /// The label.
        pub name: String,
        /// The value: HTML in `Account::fields`, plain text in `Source::fields`.
        pub value: String,
        /// When the link in `value` was verified (`rel="me"`), or `null`.
        pub verified_at: Option<String>,
    }
}

entity! {
    /// A custom emoji.
    pub struct CustomEmoji {
        /// The name between colons.
        pub shortcode: String,
        /// The image URL.
        pub url: String,
        /// A still image URL.
        pub static_url: String,
        /// Whether it is shown in the picker.
        pub visible_in_picker: Option<bool>,
        /// The picker category, when the server loaded it.
        pub category: Option<String>,
        /// Whether it is featured (4.6+).
        pub featured: Option<bool>,
    }
}

entity! {
    /// A role: the highlighted one in `Account::roles`, the full one in `CredentialAccount::role`.
    pub struct Role {
        /// The role id (`"-99"` for the built-in role everyone has).
        pub id: RoleId,
        /// The name (empty for the built-in role).
        pub name: String,
        /// A hex colour or empty.
        pub color: Option<String>,
        /// The permission bitmask as decimal text (full role only).
        pub permissions: Option<String>,
        /// Whether the role is shown on the profile (full role only).
        pub highlighted: Option<bool>,
        /// The collection limit (4.6+, full role only).
        pub collection_limit: Option<i64>,
    }
}

entity! {
    /// Who may feature an account (4.6+).
    pub struct FeatureApproval {
        /// Audiences approved automatically.
        pub automatic: Option<Vec<String>>,
        /// Audiences approved by hand.
        pub manual: Option<Vec<String>>,
        /// The requesting user's status.
        pub current_user: Option<String>,
    }
}

entity! {
    /// The signed-in user's profile source and defaults.
    pub struct Source {
        /// Default post visibility: `public`, `unlisted`, `private` or `direct`.
        pub privacy: Option<String>,
        /// Whether media is marked sensitive by default.
        pub sensitive: Option<bool>,
        /// Default post language (ISO 639-1), empty, or `null`.
        pub language: Option<String>,
        /// The bio as plain text.
        pub note: Option<String>,
        /// Profile fields with plain-text values.
        pub fields: Option<Vec<Field>>,
        /// Pending follow requests (capped at 40 by Mastodon).
        pub follow_requests_count: Option<i64>,
        /// Whether follower lists are hidden.
        pub hide_collections: Option<bool>,
        /// Whether the account is in the directory.
        pub discoverable: Option<bool>,
        /// Whether public posts may be indexed.
        pub indexable: Option<bool>,
        /// Domains allowed to credit this account (4.4+).
        pub attribution_domains: Option<Vec<String>>,
        /// Default quote policy (4.5+).
        pub quote_policy: Option<String>,
    }
}

crate::json::encodable!(Account, Field, CustomEmoji, Role, FeatureApproval, Source);
