//! [`Client`]: the server's address, the ureq agent, and the rules every request follows.

use std::time::Duration;

use crate::error::Error;
use crate::origin::Origin;

mod retry;
mod send;
mod tls;

pub use retry::RetryPolicy;
pub(crate) use send::{Reply, Request, decode};

/// The default timeout of one request, from connecting to the end of the body.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default cap on a response body. The largest legitimate answer here, a page of 80
/// accounts with long profiles, stays well below it.
pub const DEFAULT_BODY_LIMIT: u64 = 4 * 1024 * 1024;
/// The `User-Agent` of the default agent.
pub const USER_AGENT: &str = concat!("mastolite/", env!("CARGO_PKG_VERSION"));

/// A Mastodon server and how to talk to it.
///
/// Every endpoint function takes a `&Client`. It holds the server's origin (`https://host`), a
/// [`ureq::Agent`], and the rules that every request follows: https unless the host is loopback
/// or plain http was allowed, a timeout, a cap on the body size, no redirects, and a retry
/// policy for GET requests.
///
/// A `Client` holds no state that calls change: share it between threads by reference, or
/// clone it (the clone shares the agent and its connection pool). Rate-limit information
/// comes with each result instead: [`Page::rate_limit`](crate::Page::rate_limit) and
/// [`Error::rate_limit`].
///
/// ```
/// let client = mastolite::Client::new("https://mastodon.example")?;
/// assert_eq!(client.origin(), "https://mastodon.example");
/// // A bare host name means https.
/// assert_eq!(mastolite::Client::new("mastodon.example")?.origin(), "https://mastodon.example");
/// // Plain http only on loopback, unless allowed by name.
/// assert!(mastolite::Client::new("http://mastodon.example").is_err());
/// assert!(mastolite::Client::new("http://127.0.0.1:3000").is_ok());
/// # Ok::<(), mastolite::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    origin: String,
    https: bool,
    agent: ureq::Agent,
    /// The agent is ours, made with `timeout`: it already has every setting a request needs,
    /// so requests skip ureq's per-request config (a copy of the whole config each time).
    agent_preset: bool,
    timeout: Duration,
    total_timeout: Option<Duration>,
    body_limit: u64,
    retry: RetryPolicy,
}

/// Builds a [`Client`] with settings other than the defaults.
///
/// ```
/// use std::time::Duration;
/// let client = mastolite::Client::builder("https://mastodon.example")
///     .timeout(Duration::from_secs(10))
///     .body_limit(1 << 20)
///     .retry(mastolite::RetryPolicy::none())
///     .build()?;
/// # let _ = client;
/// # Ok::<(), mastolite::Error>(())
/// ```
#[derive(Debug)]
#[must_use]
pub struct ClientBuilder {
    url: String,
    agent: Option<ureq::Agent>,
    timeout: Duration,
    total_timeout: Option<Duration>,
    body_limit: u64,
    allow_http: bool,
    retry: RetryPolicy,
}

impl ClientBuilder {
    /// Uses a caller-made agent (for a proxy, custom TLS roots, other timeouts). Every request
    /// still turns off redirects and reads error bodies itself, and still applies this
    /// builder's timeout.
    pub fn agent(mut self, agent: ureq::Agent) -> Self {
        self.agent = Some(agent);
        self
    }
    /// The timeout of one request (default 30 s), from connecting to the end of the body.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
    /// Bounds a whole call, retries and their waits included (default: none besides the
    /// per-request timeout and the retry policy).
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.total_timeout = Some(timeout);
        self
    }
    /// The largest response body accepted, in bytes (default 4 MiB). A larger body ends the
    /// call with a [`TransportKind::BodyTooLarge`](crate::TransportKind::BodyTooLarge) error, without reading it all.
    pub fn body_limit(mut self, bytes: u64) -> Self {
        self.body_limit = bytes;
        self
    }
    /// Allows plain `http://` to a host that is not loopback (a server behind a trusted
    /// TLS-terminating proxy). Tokens then cross the network unencrypted.
    pub fn allow_plain_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }
    /// The retry policy for GET requests.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Checks the URL and builds the client.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the URL is not `https://host[:port]` (a bare host means
    /// https), has a path, query, fragment or user info, or is plain http to a host that is not
    /// loopback without [`allow_plain_http`](Self::allow_plain_http).
    pub fn build(self) -> Result<Client, Error> {
        let origin = Origin::parse(&self.url)?;
        if !origin.https && !origin.loopback && !self.allow_http {
            return Err(Error::invalid(format!(
                "{} uses plain http; use https, or allow plain http explicitly",
                origin.text
            )));
        }
        Ok(Client {
            https: origin.https,
            origin: origin.text,
            agent_preset: self.agent.is_none(),
            agent: self
                .agent
                .unwrap_or_else(|| agent_with_timeout(self.timeout)),
            timeout: self.timeout,
            total_timeout: self.total_timeout,
            body_limit: self.body_limit,
            retry: self.retry,
        })
    }
}

/// The agent used when the caller gives none: no redirects, error statuses returned as
/// responses, small buffers (Mastodon's responses need no more), our user agent, and the TLS
/// provider that the features select (rustls first).
pub fn default_agent() -> ureq::Agent {
    agent_with_timeout(DEFAULT_TIMEOUT)
}

fn agent_with_timeout(timeout: Duration) -> ureq::Agent {
    let builder = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(USER_AGENT)
        .timeout_global(Some(timeout))
        .input_buffer_size(16 * 1024)
        .output_buffer_size(16 * 1024)
        .max_response_header_size(16 * 1024);
    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    let builder = builder.tls_config(tls::tls_config());
    builder.build().into()
}

impl Client {
    /// A client for the server at `url` with the default settings.
    ///
    /// # Errors
    /// As [`ClientBuilder::build`].
    ///
    /// ```
    /// let client = mastolite::Client::new("https://mastodon.example")?;
    /// # let _ = client;
    /// # Ok::<(), mastolite::Error>(())
    /// ```
    pub fn new(url: &str) -> Result<Client, Error> {
        Self::builder(url).build()
    }

    /// A builder for a client with other settings.
    pub fn builder(url: &str) -> ClientBuilder {
        ClientBuilder {
            url: url.to_owned(),
            agent: None,
            timeout: DEFAULT_TIMEOUT,
            total_timeout: None,
            body_limit: DEFAULT_BODY_LIMIT,
            allow_http: false,
            retry: RetryPolicy::default(),
        }
    }

    /// The server's origin: scheme, host and port, without a trailing slash.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The ureq agent that sends the requests.
    pub fn agent(&self) -> &ureq::Agent {
        &self.agent
    }

    /// The absolute URL of a path on this server.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{}", self.origin, path)
    }

    /// Checks that `req`'s target is on this client's origin, so that its token is never sent
    /// elsewhere. The refused URL is the server's text: the request's secrets are redacted in it.
    pub(crate) fn check_same_origin(&self, req: &Request<'_>) -> Result<(), Error> {
        match Origin::split(&req.target) {
            Ok((o, _)) if o.text == self.origin => Ok(()),
            _ => Err(Error::ForeignUrl(req.secrets().redact(&req.target))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_needs_loopback_or_opt_in() {
        assert!(Client::new("http://mastodon.example").is_err());
        assert!(Client::new("http://localhost:3000").is_ok());
        assert!(Client::new("http://127.0.0.2").is_ok());
        assert!(Client::new("http://[::1]").is_ok());
        assert!(
            Client::builder("http://mastodon.internal")
                .allow_plain_http(true)
                .build()
                .is_ok()
        );
    }

    #[test]
    fn same_origin_check() {
        let c = Client::new("https://mastodon.example").unwrap();
        let get = |url: &str| Request::get("GET /x", url.to_owned(), None);
        assert!(
            c.check_same_origin(&get("https://mastodon.example/api/v1/x?max_id=1"))
                .is_ok()
        );
        assert!(
            c.check_same_origin(&get("https://MASTODON.example:443/api"))
                .is_ok()
        );
        for bad in [
            "https://evil.example/api",
            "http://mastodon.example/api",
            "https://mastodon.example:444/api",
            "https://mastodon.example.evil.example/api",
            "https://mastodon.example@evil.example/api",
            "/relative",
        ] {
            assert!(
                matches!(c.check_same_origin(&get(bad)), Err(Error::ForeignUrl(u)) if u == bad),
                "{bad}"
            );
        }
    }
}
