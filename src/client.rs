//! [`Client`]: the server's address, the ureq agent, and the rules every request follows.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use crate::error::{ApiError, DecodeError, Error, RedirectError, TransportError, TransportKind};
use crate::origin::Origin;
use crate::ratelimit::{RateLimit, parse_retry_after};
use crate::secret::AccessToken;

/// The default timeout of one request, from connecting to the end of the body.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default cap on a response body. The largest legitimate answer here, a page of 80
/// accounts with long profiles, stays well below it.
pub const DEFAULT_BODY_LIMIT: u64 = 4 * 1024 * 1024;
/// How much of an error response's body is read, for its `error` and `error_description`.
const ERROR_BODY_LIMIT: u64 = 64 * 1024;
/// The `User-Agent` of the default agent.
pub const USER_AGENT: &str = concat!("mastolite/", env!("CARGO_PKG_VERSION"));

/// When and how GET requests are retried.
///
/// By default a GET is retried at most twice on 429, 502, 503 and 504 and on connection
/// failures, waiting for `Retry-After` (seconds or an HTTP date) or for the rate-limit reset,
/// and otherwise backing off exponentially with jitter. A wait longer than
/// [`max_wait`](Self::max_wait) is not made: the error is returned at once. POST requests (app
/// registration, tokens, revocation) are never retried.
///
/// ```
/// use std::time::Duration;
/// use mastolite::RetryPolicy;
/// let patient = RetryPolicy::default().max_retries(5).max_wait(Duration::from_secs(120));
/// let never = RetryPolicy::none();
/// # let _ = (patient, never);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    max_wait: Duration,
    base_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            max_wait: Duration::from_secs(30),
            base_delay: Duration::from_millis(500),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }
    /// How many times a GET may be sent again after the first try (default 2).
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }
    /// The longest single wait before a retry (default 30 s). A server that asks for longer
    /// gets no retry.
    pub fn max_wait(mut self, d: Duration) -> Self {
        self.max_wait = d;
        self
    }
    /// The first backoff delay when the server gives no hint (default 500 ms); it doubles on
    /// each retry, with up to 50% jitter either way.
    pub fn base_delay(mut self, d: Duration) -> Self {
        self.base_delay = d;
        self
    }

    /// The wait before retry number `attempt + 1` after `err`, or `None` for no retry.
    fn wait_after(&self, err: &Error, attempt: u32, now: SystemTime) -> Option<Duration> {
        if attempt >= self.max_retries {
            return None;
        }
        let hinted = match err {
            Error::Api(e) if matches!(e.status, 429 | 502 | 503 | 504) => {
                // Mastodon's 429 has no Retry-After: wait for the window's reset. A reset that
                // is already past (a skewed clock) is no hint.
                e.retry_after.or_else(|| {
                    (e.status == 429)
                        .then(|| e.rate_limit?.wait_from(now))
                        .flatten()
                        .filter(|w| !w.is_zero())
                })
            }
            Error::Transport(t)
                if matches!(t.kind, TransportKind::Connect | TransportKind::Protocol) =>
            {
                None
            }
            _ => return None,
        };
        let wait = hinted.unwrap_or_else(|| {
            // base_delay * 2^attempt, jittered to [50%, 150%); saturates instead of panicking.
            let exp = self.base_delay.as_secs_f64() * 2f64.powi(attempt.min(64) as i32);
            Duration::try_from_secs_f64(exp * (0.5 + jitter())).unwrap_or(Duration::MAX)
        });
        (wait <= self.max_wait).then_some(wait)
    }
}

/// A number in [0, 1) that differs between calls; for backoff jitter only.
fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// A Mastodon server and how to talk to it.
///
/// Every endpoint function takes a `&Client`. It holds the server's origin (`https://host`), a
/// [`ureq::Agent`], and the rules that every request follows: https unless the host is loopback
/// or plain http was allowed, a timeout, a cap on the body size, no redirects, and a retry
/// policy for GET requests. A `Client` is cheap to share between threads.
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
#[derive(Debug)]
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
    last_rate_limit: Mutex<Option<RateLimit>>,
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
    /// call with a [`TransportKind::BodyTooLarge`] error, without reading it all.
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
            last_rate_limit: Mutex::new(None),
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
    let builder = builder.tls_config(tls_config());
    builder.build().into()
}

#[cfg(feature = "rustls")]
fn tls_config() -> ureq::tls::TlsConfig {
    ureq::tls::TlsConfig::builder()
        .provider(ureq::tls::TlsProvider::Rustls)
        .build()
}

// ureq never picks native-tls by itself: without this it would panic on the first https call.
#[cfg(all(feature = "native-tls", not(feature = "rustls")))]
fn tls_config() -> ureq::tls::TlsConfig {
    ureq::tls::TlsConfig::builder()
        .provider(ureq::tls::TlsProvider::NativeTls)
        .root_certs(ureq::tls::RootCerts::PlatformVerifier)
        .build()
}

/// GET or POST; the only methods these endpoints use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Post,
}

/// One request, before it is sent.
#[derive(Debug)]
pub(crate) struct Request<'a> {
    pub(crate) method: Method,
    /// A label such as `GET /api/v1/accounts/:id/followers`, used in errors.
    pub(crate) endpoint: &'static str,
    /// Path and query (`/api/v1/...`), or an absolute URL already checked to be same-origin.
    pub(crate) target: String,
    pub(crate) token: Option<&'a AccessToken>,
    pub(crate) form: Vec<(&'static str, &'a str)>,
}

/// Form fields whose values are secrets.
const SECRET_FIELDS: [&str; 5] = [
    "client_secret",
    "code",
    "code_verifier",
    "token",
    "refresh_token",
];

impl<'a> Request<'a> {
    /// Server text with every secret of this request replaced by `[redacted]`, so that a
    /// server that echoes the token or the client secret back (in an error message or a
    /// redirect) cannot put it into our errors and the logs they end up in.
    fn redact(&self, mut text: String) -> String {
        let form_secrets = self
            .form
            .iter()
            .filter(|(k, _)| SECRET_FIELDS.contains(k))
            .map(|(_, v)| *v);
        for secret in self
            .token
            .map(AccessToken::secret)
            .into_iter()
            .chain(form_secrets)
        {
            if !secret.is_empty() && text.contains(secret) {
                text = text.replace(secret, "[redacted]");
            }
        }
        text
    }

    pub(crate) fn get(
        endpoint: &'static str,
        target: String,
        token: Option<&'a AccessToken>,
    ) -> Self {
        Request {
            method: Method::Get,
            endpoint,
            target,
            token,
            form: Vec::new(),
        }
    }

    pub(crate) fn post(
        endpoint: &'static str,
        target: String,
        form: Vec<(&'static str, &'a str)>,
    ) -> Self {
        Request {
            method: Method::Post,
            endpoint,
            target,
            token: None,
            form,
        }
    }
}

/// A 2xx response, its body read under the cap.
#[derive(Debug)]
pub(crate) struct Reply {
    /// The 2xx status.
    pub(crate) status: u16,
    pub(crate) body: String,
    pub(crate) link: Option<String>,
    pub(crate) rate_limit: Option<RateLimit>,
}

/// The error body of Mastodon and of OAuth endpoints.
#[derive(Debug)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
struct ErrorBody {
    error: Option<String>,
    error_description: Option<String>,
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

    /// The rate-limit headers of the most recent response, success or error; `None` when it had
    /// none (Mastodon sends them on `/api/*` only, not on `/oauth/*`).
    ///
    /// This is how to read the rate limit after a call that returns a single entity; pages
    /// carry theirs in [`Page::rate_limit`](crate::Page::rate_limit) and errors in
    /// [`Error::rate_limit`]. A `Client` shared between threads reports whichever call
    /// finished last: give each thread its own client, sharing one agent
    /// (`Client::builder(url).agent(other.agent().clone())`), when that matters.
    ///
    /// ```no_run
    /// # let client = mastolite::Client::new("https://mastodon.example")?;
    /// # let token = mastolite::AccessToken::new("…");
    /// let me = mastolite::accounts::verify_credentials(&client, &token)?;
    /// if let Some(rl) = client.last_rate_limit() {
    ///     println!("{:?} of {:?} requests left", rl.remaining, rl.limit);
    /// }
    /// # let _ = me;
    /// # Ok::<(), mastolite::Error>(())
    /// ```
    pub fn last_rate_limit(&self) -> Option<RateLimit> {
        *self
            .last_rate_limit
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    /// The absolute URL of a path on this server.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{}", self.origin, path)
    }

    /// Checks that `url` is on this client's origin, so that a token is never sent elsewhere.
    pub(crate) fn check_same_origin(&self, url: &str) -> Result<(), Error> {
        match Origin::split(url) {
            Ok((o, _)) if o.text == self.origin => Ok(()),
            _ => Err(Error::ForeignUrl(url.to_owned())),
        }
    }

    /// Sends a request, retrying GETs as the policy allows; only 2xx responses are `Ok`.
    pub(crate) fn send(&self, req: &Request<'_>) -> Result<Reply, Error> {
        if self.https && !cfg!(any(feature = "rustls", feature = "native-tls")) {
            return Err(Error::TlsUnavailable);
        }
        if let Some(t) = req.token {
            check_header_value(t.secret())?;
        }
        let start = Instant::now();
        let mut attempt = 0;
        loop {
            let timeout = match self.total_timeout {
                Some(total) => {
                    let left = total.saturating_sub(start.elapsed());
                    if left.is_zero() {
                        return Err(Error::Transport(TransportError::new(
                            req.endpoint,
                            ureq::Error::Timeout(ureq::Timeout::Global),
                        )));
                    }
                    left.min(self.timeout)
                }
                None => self.timeout,
            };
            let result = self.attempt(req, timeout);
            let err = match result {
                Ok(reply) => return Ok(reply),
                Err(e) => e,
            };
            if req.method != Method::Get {
                return Err(err);
            }
            let Some(wait) = self.retry.wait_after(&err, attempt, SystemTime::now()) else {
                return Err(err);
            };
            if let Some(total) = self.total_timeout {
                if start.elapsed().saturating_add(wait) >= total {
                    return Err(err);
                }
            }
            std::thread::sleep(wait);
            attempt += 1;
        }
    }

    /// Applies the settings that correctness depends on (error statuses read as responses, no
    /// redirects) and this attempt's timeout, unless our own agent already has them; then the
    /// `Accept` header and the token, if any.
    fn prepare<B>(
        &self,
        b: ureq::RequestBuilder<B>,
        timeout: Duration,
        auth: Option<&str>,
    ) -> ureq::RequestBuilder<B> {
        let b = if self.agent_preset && timeout == self.timeout {
            b
        } else {
            b.config()
                .http_status_as_error(false)
                .max_redirects(0)
                .timeout_global(Some(timeout))
                .build()
        };
        let b = b.header("Accept", "application/json");
        match auth {
            Some(a) => b.header("Authorization", a),
            None => b,
        }
    }

    fn attempt(&self, req: &Request<'_>, timeout: Duration) -> Result<Reply, Error> {
        let url = if req.target.starts_with('/') {
            self.url(&req.target)
        } else {
            req.target.clone()
        };
        let auth = req.token.map(|t| format!("Bearer {}", t.secret()));
        let transport = |e| Error::Transport(TransportError::new(req.endpoint, e));
        let auth = auth.as_deref();
        let result = match req.method {
            Method::Get => self.prepare(self.agent.get(&url), timeout, auth).call(),
            Method::Post => self
                .prepare(self.agent.post(&url), timeout, auth)
                .send_form(req.form.iter().copied()),
        };
        let mut resp = result.map_err(transport)?;
        let status = resp.status().as_u16();
        // The first value of each header we read, in one pass (a lookup by name hashes it).
        const NAMES: [&str; 5] = [
            "x-ratelimit-limit",
            "x-ratelimit-remaining",
            "x-ratelimit-reset",
            "link",
            "retry-after",
        ];
        let mut found: [Option<Option<&str>>; 5] = [None; 5];
        for (name, value) in resp.headers() {
            if let Some(i) = NAMES.iter().position(|n| *n == name.as_str()) {
                found[i].get_or_insert(value.to_str().ok());
            }
        }
        let [limit, remaining, reset, link, retry_after] = found.map(Option::flatten);
        let rate_limit = RateLimit::from_headers(limit, remaining, reset);
        let link = link.map(str::to_owned);
        let retry_after = retry_after.and_then(|v| parse_retry_after(v, SystemTime::now()));
        *self
            .last_rate_limit
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = rate_limit;
        if (300..400).contains(&status) {
            // Kept even when it is not ASCII, so that the error names the target.
            let location = resp
                .headers()
                .get("location")
                .map(|v| req.redact(String::from_utf8_lossy(v.as_bytes()).into_owned()));
            return Err(Error::Redirect(RedirectError {
                endpoint: req.endpoint,
                status,
                location,
            }));
        }
        if (200..300).contains(&status) {
            // One buffer of the announced size (within the cap), not a chain of doublings.
            let announced = resp
                .body()
                .content_length()
                .unwrap_or(0)
                .min(self.body_limit);
            let mut bytes = Vec::with_capacity(usize::try_from(announced).unwrap_or(0));
            std::io::Read::read_to_end(
                &mut resp
                    .body_mut()
                    .with_config()
                    .limit(self.body_limit)
                    .reader(),
                &mut bytes,
            )
            .map_err(|e| transport(ureq::Error::from(e)))?;
            let body = String::from_utf8(bytes).map_err(|_| {
                Error::Decode(DecodeError {
                    endpoint: req.endpoint,
                    target: "UTF-8 text",
                    detail: None,
                    excerpt: None,
                })
            })?;
            return Ok(Reply {
                status,
                body,
                link,
                rate_limit,
            });
        }
        // An error body matters only for Mastodon's short JSON message. Read a little of it, and
        // keep the status even when the body is too long, cut off or late (an HTML 502 page).
        let bytes = resp
            .body_mut()
            .with_config()
            .limit(ERROR_BODY_LIMIT.min(self.body_limit))
            .read_to_vec()
            .unwrap_or_default();
        let parsed = std::str::from_utf8(&bytes)
            .ok()
            .filter(|b| b.trim_start().starts_with('{'))
            .and_then(|b| crate::json::from_str::<ErrorBody>(b).ok());
        let (error, description) = match parsed {
            Some(b) => (
                b.error.map(|t| req.redact(t)),
                b.error_description.map(|t| req.redact(t)),
            ),
            None => (None, None),
        };
        Err(Error::Api(Box::new(ApiError {
            endpoint: req.endpoint,
            status,
            error,
            description,
            rate_limit,
            retry_after,
        })))
    }
}

/// Decodes a success body as `T`. With `secret_body` (token responses) no excerpt of the body
/// is ever kept.
pub(crate) fn decode<T: crate::json::Decode>(
    endpoint: &'static str,
    target: &'static str,
    body: &str,
    secret_body: bool,
) -> Result<T, Error> {
    crate::json::from_str(body).map_err(|detail| {
        let excerpt = (!secret_body).then(|| {
            let mut s: String = body.chars().take(120).collect();
            if s.len() < body.len() {
                s.push('…');
            }
            s
        });
        // serde_json's message can quote a piece of the input; drop it for secret bodies.
        let detail = if secret_body { None } else { detail };
        Error::Decode(DecodeError {
            endpoint,
            target,
            detail,
            excerpt,
        })
    })
}

/// Rejects a value that cannot be sent in an HTTP header (a token pasted with a newline),
/// before ureq sees it.
fn check_header_value(v: &str) -> Result<(), Error> {
    if v.is_empty() || !v.bytes().all(|b| (0x21..0x7f).contains(&b)) {
        return Err(Error::invalid(
            "the access token is empty or has characters that cannot be sent in a header",
        ));
    }
    Ok(())
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
        assert!(
            c.check_same_origin("https://mastodon.example/api/v1/x?max_id=1")
                .is_ok()
        );
        assert!(
            c.check_same_origin("https://MASTODON.example:443/api")
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
                matches!(c.check_same_origin(bad), Err(Error::ForeignUrl(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn retry_waits_follow_hints_and_caps() {
        let p = RetryPolicy::default();
        let now = SystemTime::now();
        let api = |status, retry_after: Option<u64>| {
            Error::Api(Box::new(ApiError {
                endpoint: "GET /x",
                status,
                error: None,
                description: None,
                rate_limit: None,
                retry_after: retry_after.map(Duration::from_secs),
            }))
        };
        assert_eq!(
            p.wait_after(&api(503, Some(2)), 0, now),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            p.wait_after(&api(503, Some(120)), 0, now),
            None,
            "over the cap"
        );
        assert_eq!(p.wait_after(&api(404, None), 0, now), None);
        assert_eq!(
            p.wait_after(&api(503, Some(1)), 2, now),
            None,
            "out of retries"
        );
        let w = p.wait_after(&api(502, None), 1, now).unwrap();
        assert!(
            w >= Duration::from_millis(500) && w < Duration::from_millis(1500),
            "{w:?}"
        );
        assert_eq!(
            RetryPolicy::none().wait_after(&api(503, Some(1)), 0, now),
            None
        );
    }

    #[test]
    fn decode_never_keeps_a_secret_body() {
        let body = r#"{"access_token":"SECRET","token_type":5}"#;
        let e = decode::<crate::Token>("POST /oauth/token", "Token", body, true).unwrap_err();
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
    }
}
