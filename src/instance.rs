//! The server's description: `GET /api/v2/instance`, or `GET /api/v1/instance` on servers
//! before Mastodon 4.0.
//!
//! Both versions are decoded leniently (every field may be missing or `null`) and folded into
//! one [`Instance`] value, so that callers need not care which version answered. Besides
//! Mastodon this reads what GoToSocial, Hollo, Pleroma and Akkoma send, including Pleroma's
//! `max_toot_chars` and `pleroma.vapid_public_key`.

use crate::client::{Client, Request, decode};
use crate::entities::AccountId;
use crate::error::Error;
use crate::secret::AccessToken;

const V2_EP: &str = "GET /api/v2/instance";
const V1_EP: &str = "GET /api/v1/instance";

/// The server's name, software version, contact and limits, from `/api/v2/instance` or, on
/// older servers, `/api/v1/instance`.
///
/// Every accessor returns `None` when the server did not say. Empty strings count as not said.
///
/// ```no_run
/// # let client = mastolite::Client::new("https://mastodon.example")?;
/// let server = mastolite::instance::get(&client, None)?;
/// println!(
///     "{} ({}) runs {}",
///     server.title().unwrap_or("?"),
///     server.domain().unwrap_or("?"),
///     server.version().unwrap_or("an unknown version"),
/// );
/// if let Some(n) = server.max_characters() {
///     println!("posts up to {n} characters");
/// }
/// # Ok::<(), mastolite::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instance {
    api_version: u8,
    domain: Option<String>,
    title: Option<String>,
    version: Option<String>,
    source_url: Option<String>,
    contact_email: Option<String>,
    contact_account: Option<ContactAccount>,
    streaming_url: Option<String>,
    vapid_public_key: Option<String>,
    max_characters: Option<u64>,
    max_featured_tags: Option<u64>,
    max_pinned_statuses: Option<u64>,
    max_profile_fields: Option<u64>,
}

impl Instance {
    /// An instance with nothing known (every accessor returns `None`) as if `/api/v2/instance`
    /// answered: for tests of code that takes an [`Instance`]. Add what the test needs with
    /// the `with_*` methods.
    ///
    /// ```
    /// use mastolite::Instance;
    /// let server = Instance::new()
    ///     .with_domain("social.example")
    ///     .with_version("4.5.0")
    ///     .with_max_characters(500);
    /// assert_eq!(server.domain(), Some("social.example"));
    /// assert_eq!(server.max_characters(), Some(500));
    /// assert_eq!(server.title(), None);
    /// ```
    pub fn new() -> Self {
        Instance {
            api_version: 2,
            domain: None,
            title: None,
            version: None,
            source_url: None,
            contact_email: None,
            contact_account: None,
            streaming_url: None,
            vapid_public_key: None,
            max_characters: None,
            max_featured_tags: None,
            max_pinned_statuses: None,
            max_profile_fields: None,
        }
    }

    /// Which endpoint answered: 2 for `/api/v2/instance`, 1 for `/api/v1/instance`.
    ///
    /// ```
    /// assert_eq!(mastolite::Instance::new().with_api_version(1).api_version(), 1);
    /// ```
    pub fn api_version(&self) -> u8 {
        self.api_version
    }
    /// The same instance, as if this endpoint version answered (1 or 2).
    ///
    /// ```
    /// assert_eq!(mastolite::Instance::new().api_version(), 2);
    /// ```
    #[must_use]
    pub fn with_api_version(mut self, version: u8) -> Self {
        self.api_version = version;
        self
    }
    /// The server's domain (v2 `domain`; v1 `uri`, with the scheme that Pleroma and Akkoma
    /// put there removed).
    ///
    /// ```
    /// let server = mastolite::Instance::new().with_domain("social.example");
    /// assert_eq!(server.domain(), Some("social.example"));
    /// ```
    pub fn domain(&self) -> Option<&str> {
        self.domain.as_deref()
    }
    /// The same instance with [`domain`](Self::domain) set.
    #[must_use]
    pub fn with_domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = Some(domain.into());
        self
    }
    /// The server's name.
    ///
    /// ```
    /// let server = mastolite::Instance::new().with_title("Social");
    /// assert_eq!(server.title(), Some("Social"));
    /// ```
    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }
    /// The same instance with [`title`](Self::title) set.
    #[must_use]
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }
    /// The software version as the server gives it: `4.5.0`, `0.17.0 git-abc123` on
    /// GoToSocial, `2.7.2 (compatible; Pleroma 2.5.0)` on Pleroma and Akkoma.
    ///
    /// ```
    /// let server = mastolite::Instance::new().with_version("4.5.0");
    /// assert_eq!(server.version(), Some("4.5.0"));
    /// ```
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }
    /// The same instance with [`version`](Self::version) set.
    #[must_use]
    pub fn with_version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }
    /// The source code of the server's software (v2 only).
    ///
    /// ```
    /// let server = mastolite::Instance::new().with_source_url("https://github.com/mastodon/mastodon");
    /// assert_eq!(server.source_url(), Some("https://github.com/mastodon/mastodon"));
    /// ```
    pub fn source_url(&self) -> Option<&str> {
        self.source_url.as_deref()
    }
    /// The same instance with [`source_url`](Self::source_url) set.
    #[must_use]
    pub fn with_source_url(mut self, source_url: impl Into<String>) -> Self {
        self.source_url = Some(source_url.into());
        self
    }
    /// The staff's e-mail address.
    ///
    /// ```
    /// let server = mastolite::Instance::new().with_contact_email("admin@social.example");
    /// assert_eq!(server.contact_email(), Some("admin@social.example"));
    /// ```
    pub fn contact_email(&self) -> Option<&str> {
        self.contact_email.as_deref()
    }
    /// The same instance with [`contact_email`](Self::contact_email) set.
    #[must_use]
    pub fn with_contact_email(mut self, contact_email: impl Into<String>) -> Self {
        self.contact_email = Some(contact_email.into());
        self
    }
    /// The account to contact about the server.
    ///
    /// ```
    /// use mastolite::{instance::ContactAccount, Instance};
    /// let server = Instance::new().with_contact_account(ContactAccount::new("admin"));
    /// assert_eq!(server.contact_account().unwrap().acct.as_deref(), Some("admin"));
    /// ```
    pub fn contact_account(&self) -> Option<&ContactAccount> {
        self.contact_account.as_ref()
    }
    /// The same instance with [`contact_account`](Self::contact_account) set.
    #[must_use]
    pub fn with_contact_account(mut self, contact_account: ContactAccount) -> Self {
        self.contact_account = Some(contact_account);
        self
    }
    /// The streaming API's address (v2 `configuration.urls.streaming`, v1
    /// `urls.streaming_api`).
    ///
    /// ```
    /// let server = mastolite::Instance::new().with_streaming_url("wss://social.example");
    /// assert_eq!(server.streaming_url(), Some("wss://social.example"));
    /// ```
    pub fn streaming_url(&self) -> Option<&str> {
        self.streaming_url.as_deref()
    }
    /// The same instance with [`streaming_url`](Self::streaming_url) set.
    #[must_use]
    pub fn with_streaming_url(mut self, streaming_url: impl Into<String>) -> Self {
        self.streaming_url = Some(streaming_url.into());
        self
    }
    /// The server's VAPID public key for Web Push (v2 `configuration.vapid.public_key`,
    /// Pleroma's `pleroma.vapid_public_key`).
    ///
    /// ```
    /// let server = mastolite::Instance::new().with_vapid_public_key("BCk-QqERU0q-CfYZjcuB6lnyyOYfJ2AifKqfeGIm7Z-HiTU5T9eTG5GxVA0_OH5mMlI4UkkDTpaZwozy0TzdZ2M=");
    /// assert_eq!(server.vapid_public_key(), Some("BCk-QqERU0q-CfYZjcuB6lnyyOYfJ2AifKqfeGIm7Z-HiTU5T9eTG5GxVA0_OH5mMlI4UkkDTpaZwozy0TzdZ2M="));
    /// ```
    pub fn vapid_public_key(&self) -> Option<&str> {
        self.vapid_public_key.as_deref()
    }
    /// The same instance with [`vapid_public_key`](Self::vapid_public_key) set.
    #[must_use]
    pub fn with_vapid_public_key(mut self, vapid_public_key: impl Into<String>) -> Self {
        self.vapid_public_key = Some(vapid_public_key.into());
        self
    }
    /// The longest post, in characters (`configuration.statuses.max_characters`, or
    /// Pleroma's `max_toot_chars`).
    ///
    /// ```
    /// let server = mastolite::Instance::new().with_max_characters(5);
    /// assert_eq!(server.max_characters(), Some(5));
    /// ```
    pub fn max_characters(&self) -> Option<u64> {
        self.max_characters
    }
    /// The same instance with [`max_characters`](Self::max_characters) set.
    #[must_use]
    pub fn with_max_characters(mut self, max_characters: u64) -> Self {
        self.max_characters = Some(max_characters);
        self
    }
    /// How many hashtags a profile may feature (`configuration.accounts.max_featured_tags`).
    ///
    /// ```
    /// let server = mastolite::Instance::new().with_max_featured_tags(5);
    /// assert_eq!(server.max_featured_tags(), Some(5));
    /// ```
    pub fn max_featured_tags(&self) -> Option<u64> {
        self.max_featured_tags
    }
    /// The same instance with [`max_featured_tags`](Self::max_featured_tags) set.
    #[must_use]
    pub fn with_max_featured_tags(mut self, max_featured_tags: u64) -> Self {
        self.max_featured_tags = Some(max_featured_tags);
        self
    }
    /// How many posts a profile may pin (`configuration.accounts.max_pinned_statuses`).
    ///
    /// ```
    /// let server = mastolite::Instance::new().with_max_pinned_statuses(5);
    /// assert_eq!(server.max_pinned_statuses(), Some(5));
    /// ```
    pub fn max_pinned_statuses(&self) -> Option<u64> {
        self.max_pinned_statuses
    }
    /// The same instance with [`max_pinned_statuses`](Self::max_pinned_statuses) set.
    #[must_use]
    pub fn with_max_pinned_statuses(mut self, max_pinned_statuses: u64) -> Self {
        self.max_pinned_statuses = Some(max_pinned_statuses);
        self
    }
    /// How many metadata fields a profile may have
    /// (`configuration.accounts.max_profile_fields`, or Pleroma's
    /// `pleroma.metadata.fields_limits.max_fields`).
    ///
    /// ```
    /// let server = mastolite::Instance::new().with_max_profile_fields(5);
    /// assert_eq!(server.max_profile_fields(), Some(5));
    /// ```
    pub fn max_profile_fields(&self) -> Option<u64> {
        self.max_profile_fields
    }
    /// The same instance with [`max_profile_fields`](Self::max_profile_fields) set.
    #[must_use]
    pub fn with_max_profile_fields(mut self, max_profile_fields: u64) -> Self {
        self.max_profile_fields = Some(max_profile_fields);
        self
    }
}

impl Default for Instance {
    fn default() -> Self {
        Self::new()
    }
}

crate::entities::entity! {
/// The account to contact about a server: the part of an [`Account`](crate::Account) that
/// every server sends, each field optional so that a partial account never fails the decode.
///
/// ```
/// # #[cfg(feature = "serde")] {
/// let a: mastolite::instance::ContactAccount =
///     serde_json::from_str(r#"{"id":"1","acct":"Gargron","display_name":"Eugen"}"#).unwrap();
/// assert_eq!(a.acct.as_deref(), Some("Gargron"));
/// assert_eq!(a.url, None);
/// # }
/// ```
pub struct ContactAccount {
    /// The account id.
    pub id: Option<AccountId>,
    /// The user name, without the domain.
    pub username: Option<String>,
    /// The handle without the leading `@`: `username` for local accounts.
    pub acct: Option<String>,
    /// The display name.
    pub display_name: Option<String>,
    /// The profile page.
    pub url: Option<String>,
}
}

impl ContactAccount {
    /// A contact account with the given `acct` and nothing else known: for tests of code
    /// that takes an [`Instance`]. Set more fields on the value it returns.
    ///
    /// ```
    /// let mut a = mastolite::instance::ContactAccount::new("admin");
    /// a.display_name = Some("The admin".to_owned());
    /// assert_eq!(a.acct.as_deref(), Some("admin"));
    /// ```
    pub fn new(acct: impl Into<String>) -> Self {
        ContactAccount {
            id: None,
            username: None,
            acct: Some(acct.into()),
            display_name: None,
            url: None,
        }
    }
}

// The wire shapes, v2 and v1, with only the fields read here. Every field is optional.
crate::entities::entity! { wire
    struct V2 {
        domain: Option<String>,
        title: Option<String>,
        version: Option<String>,
        source_url: Option<String>,
        contact: Option<V2Contact>,
        configuration: Option<Configuration>,
    }
    struct V2Contact {
        email: Option<String>,
        account: Option<ContactAccount>,
    }
    /// `configuration`: v2, and v1 from Mastodon 3.x (which has no `urls` or `vapid` in it).
    struct Configuration {
        urls: Option<Urls>,
        vapid: Option<Vapid>,
        accounts: Option<AccountLimits>,
        statuses: Option<StatusLimits>,
    }
    struct Urls {
        streaming: Option<String>,
    }
    struct Vapid {
        public_key: Option<String>,
    }
    struct AccountLimits {
        max_featured_tags: Option<i64>,
        max_pinned_statuses: Option<i64>,
        max_profile_fields: Option<i64>,
    }
    struct StatusLimits {
        max_characters: Option<i64>,
    }
    struct V1 {
        uri: Option<String>,
        title: Option<String>,
        version: Option<String>,
        email: Option<String>,
        contact_account: Option<ContactAccount>,
        urls: Option<V1Urls>,
        configuration: Option<Configuration>,
        max_toot_chars: Option<i64>,
        pleroma: Option<Pleroma>,
    }
    struct V1Urls {
        streaming_api: Option<String>,
    }
    /// Pleroma's and Akkoma's extras.
    struct Pleroma {
        vapid_public_key: Option<String>,
        metadata: Option<PleromaMetadata>,
    }
    struct PleromaMetadata {
        fields_limits: Option<FieldsLimits>,
    }
    struct FieldsLimits {
        max_fields: Option<i64>,
    }
}

/// `None` for a missing or empty string.
fn text(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

/// `None` for a missing or negative number.
fn count(n: Option<i64>) -> Option<u64> {
    n.and_then(|n| u64::try_from(n).ok())
}

impl Configuration {
    fn accounts(&self) -> Option<&AccountLimits> {
        self.accounts.as_ref()
    }
    fn max_characters(&self) -> Option<i64> {
        self.statuses.as_ref()?.max_characters
    }
}

impl From<V2> for Instance {
    fn from(v: V2) -> Instance {
        let (contact_email, contact_account) = match v.contact {
            Some(c) => (text(c.email), c.account),
            None => (None, None),
        };
        let config = v.configuration.as_ref();
        let limits = config.and_then(Configuration::accounts);
        Instance {
            api_version: 2,
            domain: text(v.domain),
            title: text(v.title),
            version: text(v.version),
            source_url: text(v.source_url),
            contact_email,
            contact_account,
            streaming_url: text(config.and_then(|c| c.urls.as_ref()?.streaming.clone())),
            vapid_public_key: text(config.and_then(|c| c.vapid.as_ref()?.public_key.clone())),
            max_characters: count(config.and_then(Configuration::max_characters)),
            max_featured_tags: count(limits.and_then(|l| l.max_featured_tags)),
            max_pinned_statuses: count(limits.and_then(|l| l.max_pinned_statuses)),
            max_profile_fields: count(limits.and_then(|l| l.max_profile_fields)),
        }
    }
}

impl From<V1> for Instance {
    fn from(v: V1) -> Instance {
        let config = v.configuration.as_ref();
        let limits = config.and_then(Configuration::accounts);
        let pleroma = v.pleroma.as_ref();
        // Pleroma and Akkoma put the server's URL in `uri`, Mastodon its domain.
        let domain = text(v.uri).map(|u| {
            let host = u.split_once("://").map_or(u.as_str(), |(_, h)| h);
            host.trim_end_matches('/').to_owned()
        });
        Instance {
            api_version: 1,
            domain,
            title: text(v.title),
            version: text(v.version),
            source_url: None,
            contact_email: text(v.email),
            contact_account: v.contact_account,
            streaming_url: text(v.urls.and_then(|u| u.streaming_api)),
            vapid_public_key: text(pleroma.and_then(|p| p.vapid_public_key.clone())),
            max_characters: count(
                config
                    .and_then(Configuration::max_characters)
                    .or(v.max_toot_chars),
            ),
            max_featured_tags: count(limits.and_then(|l| l.max_featured_tags)),
            max_pinned_statuses: count(limits.and_then(|l| l.max_pinned_statuses)),
            max_profile_fields: count(limits.and_then(|l| l.max_profile_fields).or_else(|| {
                pleroma?
                    .metadata
                    .as_ref()?
                    .fields_limits
                    .as_ref()?
                    .max_fields
            })),
        }
    }
}

/// The server's description: `GET /api/v2/instance`, and `GET /api/v1/instance` when the
/// first answers 404 (servers before Mastodon 4.0, Pleroma, Akkoma).
///
/// Public. A token is sent when given; servers in limited federation mode may require one.
/// Only a 404 leads to the v1 request: any other error is returned as it is.
///
/// ```no_run
/// # let client = mastolite::Client::new("https://mastodon.example")?;
/// let server = mastolite::instance::get(&client, None)?;
/// println!("{} {}", server.domain().unwrap_or("?"), server.version().unwrap_or("?"));
/// # Ok::<(), mastolite::Error>(())
/// ```
///
/// # Errors
/// [`Error::Api`] for an error status other than a v2 404 (and for any error of the v1
/// request); [`Error::Decode`] when a body is not an instance object; transport errors as for
/// every call.
pub fn get(client: &Client, token: Option<&AccessToken>) -> Result<Instance, Error> {
    match client.send(&Request::get(V2_EP, "/api/v2/instance".to_owned(), token)) {
        Ok(reply) => decode::<V2>(&reply, "Instance", false).map(Instance::from),
        Err(e) if e.status() == Some(404) => {
            let reply = client.send(&Request::get(V1_EP, "/api/v1/instance".to_owned(), token))?;
            decode::<V1>(&reply, "V1::Instance", false).map(Instance::from)
        }
        Err(e) => Err(e),
    }
}

crate::json::encodable!(ContactAccount);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_uri_with_a_scheme_becomes_a_domain() {
        let v1 = |uri: &str| V1 {
            uri: Some(uri.to_owned()),
            title: None,
            version: None,
            email: Some(String::new()),
            contact_account: None,
            urls: None,
            configuration: None,
            max_toot_chars: Some(-1),
            pleroma: None,
        };
        let i = Instance::from(v1("https://pleroma.example/"));
        assert_eq!(i.domain(), Some("pleroma.example"));
        assert_eq!(i.contact_email(), None, "empty means not given");
        assert_eq!(i.max_characters(), None, "negative means not given");
        assert_eq!(i.api_version(), 1);
        assert_eq!(
            Instance::from(v1("mastodon.example")).domain(),
            Some("mastodon.example")
        );
    }
}
