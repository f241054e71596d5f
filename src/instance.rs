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
/// Every field is `None` when the server did not say; empty strings count as not said.
/// [`Default`] gives an instance with nothing known, as if `/api/v2/instance` answered: set
/// the fields a test needs on it.
///
/// ```no_run
/// # let client = mastolite::Client::new("https://mastodon.example")?;
/// let server = mastolite::instance::get(&client, None)?;
/// println!(
///     "{} ({}) runs {}",
///     server.title.as_deref().unwrap_or("?"),
///     server.domain.as_deref().unwrap_or("?"),
///     server.version.as_deref().unwrap_or("an unknown version"),
/// );
/// if let Some(n) = server.max_characters {
///     println!("posts up to {n} characters");
/// }
/// # Ok::<(), mastolite::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "miniserde", derive(miniserde::Serialize))]
#[non_exhaustive]
pub struct Instance {
    /// Which endpoint answered: 2 for `/api/v2/instance`, 1 for `/api/v1/instance`.
    pub api_version: u8,
    /// The server's domain (v2 `domain`; v1 `uri`, with the scheme that Pleroma and Akkoma
    /// put there removed).
    pub domain: Option<String>,
    /// The server's name.
    pub title: Option<String>,
    /// The software version as the server gives it: `4.5.0`, `0.17.0 git-abc123` on
    /// GoToSocial, `2.7.2 (compatible; Pleroma 2.5.0)` on Pleroma and Akkoma.
    pub version: Option<String>,
    /// The source code of the server's software (v2 only).
    pub source_url: Option<String>,
    /// The staff's e-mail address.
    pub contact_email: Option<String>,
    /// The account to contact about the server.
    pub contact_account: Option<ContactAccount>,
    /// The streaming API's address (v2 `configuration.urls.streaming`, v1
    /// `urls.streaming_api`).
    pub streaming_url: Option<String>,
    /// The server's VAPID public key for Web Push (v2 `configuration.vapid.public_key`,
    /// Pleroma's `pleroma.vapid_public_key`).
    pub vapid_public_key: Option<String>,
    /// The longest post, in characters (`configuration.statuses.max_characters`, or
    /// Pleroma's `max_toot_chars`).
    pub max_characters: Option<u64>,
    /// How many hashtags a profile may feature (`configuration.accounts.max_featured_tags`).
    pub max_featured_tags: Option<u64>,
    /// How many posts a profile may pin (`configuration.accounts.max_pinned_statuses`).
    pub max_pinned_statuses: Option<u64>,
    /// How many metadata fields a profile may have
    /// (`configuration.accounts.max_profile_fields`, or Pleroma's
    /// `pleroma.metadata.fields_limits.max_fields`).
    pub max_profile_fields: Option<u64>,
}

impl Default for Instance {
    /// Nothing known, as if `/api/v2/instance` answered.
    ///
    /// ```
    /// let mut server = mastolite::Instance::default();
    /// server.domain = Some("social.example".to_owned());
    /// server.max_characters = Some(500);
    /// assert_eq!((server.api_version, server.title), (2, None));
    /// ```
    fn default() -> Self {
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
    pub fn new(acct: impl Into<String>) -> Self {
        ContactAccount {
            acct: Some(acct.into()),
            ..Default::default()
        }
    }
}

// The wire shape, with only the fields read here: one struct for the v2 and the v1 answer,
// each having some of its fields (every field is optional), so that one decoder serves both.
crate::entities::entity! { wire
    struct Wire {
        /// v2.
        domain: Option<String>,
        title: Option<String>,
        version: Option<String>,
        /// v2.
        source_url: Option<String>,
        /// v2.
        contact: Option<V2Contact>,
        configuration: Option<Configuration>,
        /// v1: the domain (Mastodon) or the server's URL (Pleroma, Akkoma).
        uri: Option<String>,
        /// v1.
        email: Option<String>,
        /// v1.
        contact_account: Option<ContactAccount>,
        /// v1.
        urls: Option<V1Urls>,
        /// v1, Pleroma and Akkoma.
        max_toot_chars: Option<i64>,
        /// v1, Pleroma and Akkoma.
        pleroma: Option<Pleroma>,
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

impl Wire {
    /// The instance the answer of `api_version` (2 or 1) describes.
    fn into_instance(self, api_version: u8) -> Instance {
        let config = self.configuration.as_ref();
        let limits = config.and_then(Configuration::accounts);
        let pleroma = self.pleroma.as_ref();
        let (domain, source_url, contact_email, contact_account, streaming_url) =
            if api_version == 2 {
                let (email, account) = match self.contact {
                    Some(c) => (c.email, c.account),
                    None => (None, None),
                };
                let streaming = config.and_then(|c| c.urls.as_ref()?.streaming.clone());
                (self.domain, self.source_url, email, account, streaming)
            } else {
                // Pleroma and Akkoma put the server's URL in `uri`, Mastodon its domain.
                let domain = text(self.uri).map(|u| {
                    let host = u.split_once("://").map_or(u.as_str(), |(_, h)| h);
                    host.trim_end_matches('/').to_owned()
                });
                let streaming = self.urls.and_then(|u| u.streaming_api);
                (domain, None, self.email, self.contact_account, streaming)
            };
        let vapid_public_key = if api_version == 2 {
            config.and_then(|c| c.vapid.as_ref()?.public_key.clone())
        } else {
            pleroma.and_then(|p| p.vapid_public_key.clone())
        };
        let mut max_characters = config.and_then(Configuration::max_characters);
        let mut max_profile_fields = limits.and_then(|l| l.max_profile_fields);
        if api_version == 1 {
            max_characters = max_characters.or(self.max_toot_chars);
            max_profile_fields = max_profile_fields.or_else(|| {
                pleroma?
                    .metadata
                    .as_ref()?
                    .fields_limits
                    .as_ref()?
                    .max_fields
            });
        }
        Instance {
            api_version,
            domain: text(domain),
            title: text(self.title),
            version: text(self.version),
            source_url: text(source_url),
            contact_email: text(contact_email),
            contact_account,
            streaming_url: text(streaming_url),
            vapid_public_key: text(vapid_public_key),
            max_characters: count(max_characters),
            max_featured_tags: count(limits.and_then(|l| l.max_featured_tags)),
            max_pinned_statuses: count(limits.and_then(|l| l.max_pinned_statuses)),
            max_profile_fields: count(max_profile_fields),
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
/// println!(
///     "{} {}",
///     server.domain.as_deref().unwrap_or("?"),
///     server.version.as_deref().unwrap_or("?")
/// );
/// # Ok::<(), mastolite::Error>(())
/// ```
///
/// # Errors
/// [`Error::Api`] for an error status other than a v2 404 (and for any error of the v1
/// request); [`Error::Decode`] when a body is not an instance object; transport errors as for
/// every call.
pub fn get(client: &Client, token: Option<&AccessToken>) -> Result<Instance, Error> {
    match client.send(&Request::get(V2_EP, "/api/v2/instance".to_owned(), token)) {
        Ok(reply) => decode::<Wire>(&reply, "Instance", false).map(|w| w.into_instance(2)),
        Err(e) if e.status() == Some(404) => {
            let reply = client.send(&Request::get(V1_EP, "/api/v1/instance".to_owned(), token))?;
            decode::<Wire>(&reply, "V1::Instance", false).map(|w| w.into_instance(1))
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
        let v1 = |uri: &str| Wire {
            domain: None,
            title: None,
            version: None,
            source_url: None,
            contact: None,
            configuration: None,
            uri: Some(uri.to_owned()),
            email: Some(String::new()),
            contact_account: None,
            urls: None,
            max_toot_chars: Some(-1),
            pleroma: None,
        };
        let i = v1("https://pleroma.example/").into_instance(1);
        assert_eq!(i.domain.as_deref(), Some("pleroma.example"));
        assert_eq!(i.contact_email, None, "empty means not given");
        assert_eq!(i.max_characters, None, "negative means not given");
        assert_eq!(i.api_version, 1);
        assert_eq!(
            v1("mastodon.example").into_instance(1).domain.as_deref(),
            Some("mastodon.example")
        );
    }
}
