use super::ids::{AccountId, RoleId};

macro_rules! entity {
    ($(#[$m:meta])* $name:ident { $($(#[$fm:meta])* $field:ident : $ty:ty,)* }) => {
        $(#[$m])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[cfg_attr(feature = "miniserde", derive(miniserde::Serialize, miniserde::Deserialize))]
        #[non_exhaustive]
        pub struct $name {
            $($(#[$fm])* pub $field: $ty,)*
        }
    };
}

macro_rules! account_struct {
    ($(#[$m:meta])* $name:ident { $($(#[$fm:meta])* $extra:ident : $ty:ty,)* }) => {
        entity!(
            $(#[$m])*
            $name {
                /// The account id (opaque text).
                id: AccountId,
                /// The username, without the domain.
                username: String,
                /// `username` for local accounts, `username@domain` for remote ones.
                acct: String,
                /// The profile page.
                url: Option<String>,
                /// The ActivityPub actor id (4.2+).
                uri: Option<String>,
                /// The display name; may be empty, may contain `:shortcode:` emoji.
                display_name: String,
                /// The bio, as HTML.
                note: Option<String>,
                /// The avatar URL (a default image when unset).
                avatar: Option<String>,
                /// The avatar as a still image.
                avatar_static: Option<String>,
                /// The avatar's alt text (4.6+).
                avatar_description: Option<String>,
                /// The header image URL.
                header: Option<String>,
                /// The header as a still image.
                header_static: Option<String>,
                /// The header's alt text (4.6+).
                header_description: Option<String>,
                /// Whether the account approves followers by hand.
                locked: Option<bool>,
                /// Profile metadata fields (2.4+).
                fields: Option<Vec<Field>>,
                /// Custom emoji used in the name and bio (2.4+).
                emojis: Option<Vec<CustomEmoji>>,
                /// Whether the account is automated (2.4+).
                bot: Option<bool>,
                /// Whether the account is a group actor (3.1+).
                group: Option<bool>,
                /// Whether the account is featured in the directory; `null` when never set.
                discoverable: Option<bool>,
                /// Whether public posts may be indexed by search (4.3+).
                indexable: Option<bool>,
                /// Whether the account opted out of search engine indexing (local accounts).
                noindex: Option<bool>,
                /// The account it moved to, present only when it has moved.
                moved: Option<Box<Account>>,
                /// Present and `true` for memorial accounts.
                memorial: Option<bool>,
                /// Present and `true` for suspended accounts.
                suspended: Option<bool>,
                /// Present and `true` for silenced accounts.
                limited: Option<bool>,
                /// When the account was created (rounded to midnight UTC since 3.4).
                created_at: String,
                /// The day of the last post (`YYYY-MM-DD`, a full datetime on old servers), or `null`.
                last_status_at: Option<String>,
                /// Number of posts (forks may send -1 to hide it).
                statuses_count: i64,
                /// Number of followers.
                followers_count: i64,
                /// Number of accounts followed.
                following_count: i64,
                /// Whether the follower and following lists are hidden (4.3+); `null` when never set.
                hide_collections: Option<bool>,
                /// Profile tab preference (4.6+).
                show_media: Option<bool>,
                /// Profile tab preference (4.6+).
                show_media_replies: Option<bool>,
                /// Profile tab preference (4.6+).
                show_featured: Option<bool>,
                /// The highlighted role (4.1+; absent for remote accounts).
                roles: Option<Vec<Role>>,
                /// Who may feature this account (4.6+).
                feature_approval: Option<FeatureApproval>,
                /// Whether e-mail subscriptions are on (4.6+, only where the server enables them).
                email_subscriptions: Option<bool>,
                /// Present and `true` when the handle is not valid (4.7+).
                invalid_handle: Option<bool>,
                $($(#[$fm])* $extra: $ty,)*
            }
        );
    };
}

account_struct!(
    /// An account, as followers, following and lookups return it.
    ///
    /// ```
    /// # #[cfg(feature = "serde")] {
    /// let a: mastolite::Account = serde_json::from_str(r#"{
    ///   "id":"1","username":"gargron","acct":"Gargron","display_name":"Eugen",
    ///   "created_at":"2016-03-16T00:00:00.000Z","statuses_count":1,
    ///   "followers_count":2,"following_count":3,"discoverable":null}"#).unwrap();
    /// assert_eq!(a.acct, "Gargron");
    /// assert_eq!(a.discoverable, None);
    /// # }
    /// ```
    Account {}
);

account_struct!(
    /// The signed-in user's own account, from `GET /api/v1/accounts/verify_credentials`:
    /// an [`Account`] with `source` and `role`.
    CredentialAccount {
        /// The plain-text profile and default posting settings.
        source: Option<Source>,
        /// The user's full role.
        role: Option<Role>,
    }
);

entity!(
    /// A profile metadata field.
    Field {
        /// The label.
        name: String,
        /// The value: HTML in `Account::fields`, plain text in `Source::fields`.
        value: String,
        /// When the link in `value` was verified (`rel="me"`), or `null`.
        verified_at: Option<String>,
    }
);

entity!(
    /// A custom emoji.
    CustomEmoji {
        /// The name between colons.
        shortcode: String,
        /// The image URL.
        url: String,
        /// A still image URL.
        static_url: String,
        /// Whether it is shown in the picker.
        visible_in_picker: Option<bool>,
        /// The picker category, when the server loaded it.
        category: Option<String>,
        /// Whether it is featured (4.6+).
        featured: Option<bool>,
    }
);

entity!(
    /// A role: the highlighted one in `Account::roles`, the full one in `CredentialAccount::role`.
    Role {
        /// The role id (`"-99"` for the built-in role everyone has).
        id: RoleId,
        /// The name (empty for the built-in role).
        name: String,
        /// A hex colour or empty.
        color: Option<String>,
        /// The permission bitmask as decimal text (full role only).
        permissions: Option<String>,
        /// Whether the role is shown on the profile (full role only).
        highlighted: Option<bool>,
        /// The collection limit (4.6+, full role only).
        collection_limit: Option<i64>,
    }
);

entity!(
    /// Who may feature an account (4.6+).
    FeatureApproval {
        /// Audiences approved automatically.
        automatic: Option<Vec<String>>,
        /// Audiences approved by hand.
        manual: Option<Vec<String>>,
        /// The requesting user's status.
        current_user: Option<String>,
    }
);

entity!(
    /// The signed-in user's profile source and defaults.
    Source {
        /// Default post visibility: `public`, `unlisted`, `private` or `direct`.
        privacy: Option<String>,
        /// Whether media is marked sensitive by default.
        sensitive: Option<bool>,
        /// Default post language (ISO 639-1), empty, or `null`.
        language: Option<String>,
        /// The bio as plain text.
        note: Option<String>,
        /// Profile fields with plain-text values.
        fields: Option<Vec<Field>>,
        /// Pending follow requests (capped at 40 by Mastodon).
        follow_requests_count: Option<i64>,
        /// Whether follower lists are hidden.
        hide_collections: Option<bool>,
        /// Whether the account is in the directory.
        discoverable: Option<bool>,
        /// Whether public posts may be indexed.
        indexable: Option<bool>,
        /// Domains allowed to credit this account (4.4+).
        attribution_domains: Option<Vec<String>>,
        /// Default quote policy (4.5+).
        quote_policy: Option<String>,
    }
);
