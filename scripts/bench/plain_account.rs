//! An account as a user of raw serde_json or miniserde would write it: every field of
//! `mastolite::Account`, plain types, derived decoding. Shared by the decode benchmark and the
//! raw-ureq baseline (`#[path]`), each deriving for the backends its features enable.

macro_rules! plain {
    ($(struct $name:ident { $($field:ident : $ty:ty,)* })*) => {$(
        #[cfg_attr(feature = "serde", derive(serde::Deserialize))]
        #[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
        #[allow(dead_code)]
        pub struct $name { $(pub $field: $ty,)* }
    )*};
}

plain! {
    struct PlainAccount {
        id: String, username: String, acct: String, url: Option<String>, uri: Option<String>,
        display_name: String, note: Option<String>, avatar: Option<String>,
        avatar_static: Option<String>, avatar_description: Option<String>,
        header: Option<String>, header_static: Option<String>,
        header_description: Option<String>, locked: Option<bool>,
        fields: Option<Vec<PlainField>>, emojis: Option<Vec<PlainEmoji>>, bot: Option<bool>,
        group: Option<bool>, discoverable: Option<bool>, indexable: Option<bool>,
        noindex: Option<bool>, moved: Option<Box<PlainAccount>>, memorial: Option<bool>,
        suspended: Option<bool>, limited: Option<bool>, created_at: String,
        last_status_at: Option<String>, statuses_count: i64, followers_count: i64,
        following_count: i64, hide_collections: Option<bool>, show_media: Option<bool>,
        show_media_replies: Option<bool>, show_featured: Option<bool>,
        roles: Option<Vec<PlainRole>>, feature_approval: Option<PlainFeatureApproval>,
        email_subscriptions: Option<bool>, invalid_handle: Option<bool>,
    }
    struct PlainField { name: String, value: String, verified_at: Option<String>, }
    struct PlainEmoji {
        shortcode: String, url: String, static_url: String, visible_in_picker: Option<bool>,
        category: Option<String>, featured: Option<bool>,
    }
    struct PlainRole {
        id: String, name: String, color: Option<String>, permissions: Option<String>,
        highlighted: Option<bool>, collection_limit: Option<i64>,
    }
    struct PlainFeatureApproval {
        automatic: Option<Vec<String>>, manual: Option<Vec<String>>,
        current_user: Option<String>,
    }
}
