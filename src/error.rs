//! The crate's one error type.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use crate::ratelimit::RateLimit;
use crate::redact::Secrets;
use crate::store_error::StoreError;
use crate::terminal::Clean;

/// The endpoint a request went to, as errors name it: `GET /api/v1/accounts/:id/followers` for
/// the typed calls (a template), the method and path for [`api`](crate::api) calls.
pub(crate) type Endpoint = Cow<'static, str>;

/// Everything that can go wrong in a call.
///
/// The shape is the same under every feature combination. Display messages are lowercase and
/// one line; an error of a request starts with its method, the server's origin and the path
/// template (`GET https://mastodon.example/api/v1/accounts/:id/followers: …`). No message
/// contains a secret of the request, in any encoding a server may echo it in, or a token
/// endpoint's body. Each payload's message includes its cause, so [`source`] never repeats it.
///
/// [`source`]: std::error::Error::source
///
/// ```
/// # fn run() -> Result<(), mastolite::Error> {
/// let client = mastolite::Client::new("https://mastodon.example")?;
/// let token = mastolite::AccessToken::new("…");
/// match mastolite::apps::verify_credentials(&client, &token) {
///     Ok(app) => println!("{}", app.name),
///     Err(e) if e.is_unauthorized() => eprintln!("token rejected: {e}"),
///     Err(e) if e.is_transient() => eprintln!("try again later: {e}"),
///     Err(e) => return Err(e),
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with a status other than 2xx.
    Api(Box<ApiError>),
    /// The request did not complete: connection, DNS, TLS, timeout, protocol, or a body over
    /// the size cap.
    Transport(Box<TransportError>),
    /// A success response whose body did not have the expected shape.
    Decode(Box<DecodeError>),
    /// The server answered with a redirect. Redirects are never followed, so that a token is
    /// never sent to a host the caller did not name.
    Redirect(Box<RedirectError>),
    /// A pagination link pointed to another origin than the client's server, and was refused.
    ForeignUrl(String),
    /// An https URL was used, but the crate was built without the `rustls` and `native-tls`
    /// features.
    TlsUnavailable,
    /// The `state` in an OAuth callback differs from the one that was sent.
    StateMismatch,
    /// The OAuth callback carried an error (for example `access_denied`).
    Authorization(AuthorizationError),
    /// Caller input rejected before any request was sent.
    InvalidInput(String),
    /// The operating system's random source failed, so no PKCE verifier or OAuth `state`
    /// could be made.
    Randomness(std::io::Error),
    /// The credentials file, or a lookup in it, failed. Match on
    /// [`StoreError::kind`] to tell a missing file from an unsafe or corrupt one.
    Store(Box<StoreError>),
}

impl Error {
    pub(crate) fn invalid(msg: impl Into<String>) -> Self {
        Error::InvalidInput(msg.into())
    }

    /// The HTTP status, when the server answered with an error status or a redirect.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Redirect(e) => Some(e.status),
            _ => None,
        }
    }

    /// The server's error details, when it answered with an error status.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(&**e),
            _ => None,
        }
    }

    /// True when the server rejected the credentials: 401, or 403 (missing scope, disabled
    /// login, or bad client credentials at `/oauth/revoke`), or an OAuth `invalid_client`.
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, Error::Api(e) if e.is_unauthorized())
    }

    /// True for 429 Too Many Requests.
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Error::Api(e) if e.status == 429)
    }

    /// True when trying again later may succeed: transport failures, 429, 502, 503 and 504
    /// (and any other 5xx).
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Transport(t) => t.kind != TransportKind::BodyTooLarge,
            Error::Api(e) => e.status == 429 || e.status >= 500,
            _ => false,
        }
    }

    /// Rate-limit headers that came with the error response, if any.
    pub fn rate_limit(&self) -> Option<&RateLimit> {
        self.api_error().and_then(|e| e.rate_limit.as_ref())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => e.fmt(f),
            Error::Transport(e) => e.fmt(f),
            Error::Decode(e) => e.fmt(f),
            Error::Redirect(e) => e.fmt(f),
            Error::ForeignUrl(url) => write!(
                f,
                "refused to follow a pagination link to another server: {}",
                Clean(url)
            ),
            Error::TlsUnavailable => f.write_str(
                "https needs the `rustls` or `native-tls` feature, and this build has neither",
            ),
            Error::StateMismatch => f.write_str(
                "the OAuth callback's state does not match the request: the callback is not ours",
            ),
            Error::Authorization(e) => e.fmt(f),
            Error::InvalidInput(msg) => write!(f, "invalid input: {msg}"),
            Error::Randomness(e) => {
                write!(f, "cannot read the operating system's random source: {e}")
            }
            Error::Store(e) => e.fmt(f),
        }
    }
}

/// `source()` is `None` but for [`Error::Store`]: each other payload's `Display` already
/// includes the text of what caused it, so that one line says everything and a walk of the chain
/// never repeats a text. A store error's message leaves its I/O cause out, and `source()` returns
/// that cause.
impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Store(e) => std::error::Error::source(e),
            _ => None,
        }
    }
}

/// `?` takes a store error into the crate's one error type.
impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        Error::Store(Box::new(e))
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(Box::new(e))
    }
}

/// Where a request went: its endpoint and the server's origin, held by each error of a
/// request and shown first in its message as `GET https://host/api/v1/...` (the path as a
/// template, such as `/api/v1/accounts/:id/followers`, never with the query).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Site {
    pub(crate) endpoint: Endpoint,
    pub(crate) origin: String,
}

impl Site {
    pub(crate) fn new(endpoint: &Endpoint, origin: &str) -> Self {
        Site {
            endpoint: endpoint.clone(),
            origin: origin.to_owned(),
        }
    }
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.endpoint.split_once(' '), self.origin.is_empty()) {
            (Some((method, path)), false) => {
                write!(f, "{method} {}{}", Clean(&self.origin), Clean(path))
            }
            (_, true) if self.endpoint.is_empty() => f.write_str("a request"),
            (_, true) => write!(f, "{}", Clean(&self.endpoint)),
            (None, false) => write!(f, "{} {}", Clean(&self.origin), Clean(&self.endpoint)),
        }
    }
}

/// The `endpoint` and `origin` getters of each error that holds a [`Site`].
macro_rules! site_getters {
    ($($error:ty),*) => {$(
        impl $error {
            /// The endpoint, such as `GET /api/v1/accounts/:id/followers` (a template, without
            /// the query).
            pub fn endpoint(&self) -> &str {
                &self.site.endpoint
            }
            /// The server's origin, such as `https://mastodon.example`.
            pub fn origin(&self) -> &str {
                &self.site.origin
            }
        }
    )*};
}
site_getters!(ApiError, TransportError, DecodeError, RedirectError);

/// An error status from the server, with Mastodon's error body when it had one.
///
/// Build one in a test of code that handles errors:
///
/// ```
/// use std::time::Duration;
/// use mastolite::{ApiError, Error};
/// let e: Error = ApiError::new(429)
///     .with_endpoint("GET /api/v1/apps/verify_credentials")
///     .with_origin("https://mastodon.example")
///     .with_error("Too many requests")
///     .with_retry_after(Duration::from_secs(30))
///     .into();
/// assert!(e.is_rate_limited() && e.is_transient());
/// assert_eq!(
///     e.to_string(),
///     "GET https://mastodon.example/api/v1/apps/verify_credentials: status 429: Too many requests; retry in 30 s"
/// );
/// assert_eq!(e.api_error().unwrap().retry_after(), Some(Duration::from_secs(30)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub(crate) site: Site,
    pub(crate) status: u16,
    pub(crate) error: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) text: Option<String>,
    pub(crate) www_authenticate: Option<String>,
    pub(crate) rate_limit: Option<RateLimit>,
    pub(crate) retry_after: Option<Duration>,
    /// A hint set where the error was made, which [`ApiError::hint`] gives before its own.
    pub(crate) hint: Option<&'static str>,
}

/// The body of Takahē's answer to a bogus or revoked token (400, `text/html`): its
/// `api/views/base.py` raises it for any bearer token it cannot find.
const TAKAHE_INVALID_TOKEN: &str = "Invalid Bearer token";

impl ApiError {
    /// An error with this status and nothing else: no endpoint, origin, message or headers.
    ///
    /// ```
    /// let e = mastolite::ApiError::new(401);
    /// assert!(e.is_unauthorized());
    /// assert_eq!(e.to_string(), "a request: status 401 without an error message");
    /// ```
    pub fn new(status: u16) -> Self {
        ApiError {
            site: Site::default(),
            status,
            error: None,
            description: None,
            text: None,
            www_authenticate: None,
            rate_limit: None,
            retry_after: None,
            hint: None,
        }
    }
    /// Sets the endpoint, such as `POST /oauth/token`.
    #[must_use]
    pub fn with_endpoint(mut self, endpoint: &'static str) -> Self {
        self.site.endpoint = Cow::Borrowed(endpoint);
        self
    }
    /// Sets the server's origin, such as `https://mastodon.example`.
    #[must_use]
    pub fn with_origin(mut self, origin: impl Into<String>) -> Self {
        self.site.origin = origin.into();
        self
    }
    /// Sets the body's `error`.
    #[must_use]
    pub fn with_error(mut self, error: impl Into<String>) -> Self {
        self.error = Some(error.into());
        self
    }
    /// Sets the body's `error_description`.
    #[must_use]
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
    /// Sets the text of a body that is not JSON.
    #[must_use]
    pub fn with_text(mut self, text: impl Into<String>) -> Self {
        self.text = Some(text.into());
        self
    }
    /// Sets the `WWW-Authenticate` header.
    #[must_use]
    pub fn with_www_authenticate(mut self, challenge: impl Into<String>) -> Self {
        self.www_authenticate = Some(challenge.into());
        self
    }
    /// Sets the rate-limit headers.
    #[must_use]
    pub fn with_rate_limit(mut self, rate_limit: RateLimit) -> Self {
        self.rate_limit = Some(rate_limit);
        self
    }
    /// Sets the `Retry-After` wait.
    #[must_use]
    pub fn with_retry_after(mut self, wait: Duration) -> Self {
        self.retry_after = Some(wait);
        self
    }
    /// Sets the hint that [`hint`](Self::hint) gives and the message ends with, such as
    /// [`oauth::PKCE_REFUSED_HINT`](crate::oauth::PKCE_REFUSED_HINT) or a program's own words
    /// for it. Defaults to none (the hint then follows from the status and the endpoint).
    #[must_use]
    pub fn with_hint(mut self, hint: &'static str) -> Self {
        self.hint = Some(hint);
        self
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }
    /// The body's `error`: an OAuth code (`invalid_grant`) or a sentence on `/api`. Any secret
    /// of the request that the server echoed in it is replaced by `[redacted]`.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }
    /// The body's `error_description`, sent by the OAuth endpoints; redacted like
    /// [`error`](Self::error).
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
    /// The start of a body that is not JSON (an HTML error page, Takahē's
    /// `Invalid Bearer token`): at most 200 characters, on one line, redacted like
    /// [`error`](Self::error).
    pub fn text(&self) -> Option<&str> {
        self.text.as_deref()
    }
    /// The `WWW-Authenticate` header (`Bearer error="insufficient_scope"`, …): at most 200
    /// characters, on one line, redacted like [`error`](Self::error).
    pub fn www_authenticate(&self) -> Option<&str> {
        self.www_authenticate.as_deref()
    }
    /// `X-RateLimit-*` headers of the response.
    pub fn rate_limit(&self) -> Option<&RateLimit> {
        self.rate_limit.as_ref()
    }
    /// The `Retry-After` header, as a wait from when the response arrived.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// 401, 403, an OAuth `invalid_client` / `unauthorized_client` code, or Takahē's
    /// 400 `Invalid Bearer token`.
    pub fn is_unauthorized(&self) -> bool {
        self.status == 401
            || self.status == 403
            || matches!(
                self.error.as_deref(),
                Some("invalid_client" | "unauthorized_client")
            )
            || (self.status == 400 && self.text.as_deref() == Some(TAKAHE_INVALID_TOKEN))
    }

    /// What the error means where the server's own text is misleading: `POST /oauth/revoke`
    /// answers 403 `unauthorized_client` when the app's client credentials are wrong, a
    /// server that requires a token for public reads answers 401 (see
    /// [`requires_authentication`](Self::requires_authentication)), and an `invalid_grant`
    /// after a PKCE login on a server without a metadata document may come from an old server
    /// that refuses PKCE ([`oauth::PKCE_REFUSED_HINT`](crate::oauth::PKCE_REFUSED_HINT)).
    pub fn hint(&self) -> Option<&'static str> {
        if self.hint.is_some() {
            return self.hint;
        }
        if self.requires_authentication() {
            return Some(
                "this server requires a user token for this request (an app token is not enough)",
            );
        }
        (self.site.endpoint == "POST /oauth/revoke" && self.status == 403).then_some(
            "the app's client credentials (client_id or client_secret) were rejected, \
             or the token belongs to another app",
        )
    }

    /// True when the server requires a token for a method that is otherwise public
    /// (401 `This method requires an authenticated user`).
    pub fn requires_authentication(&self) -> bool {
        self.status == 401
            && self
                .error
                .as_deref()
                .is_some_and(|e| e.contains("requires an authenticated user"))
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: status {}", self.site, self.status)?;
        match (&self.error, &self.description, &self.text) {
            // Mitra repeats its code as the description: said once.
            (Some(e), Some(d), _) if e != d => write!(f, ": {} ({})", Clean(e), Clean(d)),
            (Some(e), _, _) | (None, Some(e), _) | (None, None, Some(e)) => {
                write!(f, ": {}", Clean(e))
            }
            (None, None, None) => f.write_str(" without an error message"),
        }?;
        if let Some(wait) = self.retry_after {
            write!(f, "; retry in {} s", wait.as_secs())?;
        }
        if let Some(hint) = self.hint() {
            write!(f, "; {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// What kind of transport failure happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// The host name did not resolve.
    Dns,
    /// The TCP connection failed.
    Connect,
    /// The TLS handshake or certificate check failed.
    Tls,
    /// A timeout expired.
    Timeout,
    /// The response body was larger than the client's cap.
    BodyTooLarge,
    /// The server broke the HTTP protocol, or an I/O error happened mid-response.
    Protocol,
}

/// A request that did not complete.
///
/// Its `Display` says what failed in plain words (`cannot resolve mastodon.example`,
/// `timed out after 30 s`) and, for the other kinds, adds the text of the underlying
/// [`ureq::Error`] with the request's secrets redacted. [`ureq_error`](Self::ureq_error)
/// returns that error for code that wants to inspect it.
pub struct TransportError {
    pub(crate) site: Site,
    pub(crate) kind: TransportKind,
    pub(crate) hint: Option<&'static str>,
    /// The time limit that ran out, for a timeout.
    pub(crate) limit: Duration,
    /// The cause's text, redacted.
    text: String,
    cause: ureq::Error,
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("site", &self.site)
            .field("kind", &self.kind)
            .field("hint", &self.hint)
            .field("cause", &self.text)
            .finish()
    }
}

/// The hint of a TLS failure that looks like plain http on the other end.
const PLAIN_HTTP_HINT: &str = "the server may speak plain http on this port";

/// The hint of a certificate whose issuer is not among the roots.
const UNKNOWN_ISSUER_HINT: &str = "the certificate is signed by an authority that is not trusted; for a private CA, trust its certificate with --ca-file PEM (CLI) or ClientBuilder::root_certificates_pem";

impl TransportError {
    /// Classifies `cause`, from a request to `site` that carried `secrets` and had `limit` to
    /// complete.
    pub(crate) fn new(
        site: Site,
        cause: ureq::Error,
        secrets: &Secrets<'_>,
        limit: Duration,
    ) -> Self {
        let https = site.origin.starts_with("https://");
        let shown = secrets.redact(&cause.to_string());
        let text = shown.to_ascii_lowercase();
        let mut hint = None;
        let kind = match &cause {
            ureq::Error::HostNotFound => TransportKind::Dns,
            ureq::Error::ConnectionFailed => TransportKind::Connect,
            ureq::Error::Timeout(_) => TransportKind::Timeout,
            ureq::Error::BodyExceedsLimit(_) => TransportKind::BodyTooLarge,
            ureq::Error::Tls(_) => TransportKind::Tls,
            ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                TransportKind::Timeout
            }
            ureq::Error::Io(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::ConnectionRefused
                        | std::io::ErrorKind::HostUnreachable
                        | std::io::ErrorKind::NetworkUnreachable
                        | std::io::ErrorKind::AddrNotAvailable
                ) =>
            {
                TransportKind::Connect
            }
            // The standard library reports a failed name lookup as an uncategorised I/O error
            // ("failed to lookup address information: ...").
            _ if text.contains("lookup address") || text.contains("name or service not known") => {
                TransportKind::Dns
            }
            // A TLS client that gets a plain-http answer to its hello: rustls sees a record
            // that is not TLS ("corrupt message", "invalid content type"), native TLS libraries
            // a "wrong version number" or "unknown protocol".
            _ if https
                && [
                    "corrupt message",
                    "invalidcontenttype",
                    "invalid content type",
                    "wrong version number",
                    "unknown protocol",
                    "record overflow",
                ]
                .iter()
                .any(|t| text.contains(t)) =>
            {
                hint = Some(PLAIN_HTTP_HINT);
                TransportKind::Tls
            }
            // rustls's `UnknownIssuer`; OpenSSL's "unable to get local issuer certificate" and
            // "self-signed certificate in certificate chain".
            _ if [
                "unknownissuer",
                "local issuer",
                "self signed",
                "self-signed",
            ]
            .iter()
            .any(|t| text.contains(t)) =>
            {
                hint = Some(UNKNOWN_ISSUER_HINT);
                TransportKind::Tls
            }
            _ if text.contains("tls")
                || text.contains("certificate")
                || text.contains("handshake")
                || text.contains("rustls") =>
            {
                TransportKind::Tls
            }
            _ => TransportKind::Protocol,
        };
        Self {
            site,
            kind,
            hint,
            limit,
            text: shown,
            cause,
        }
    }

    /// What failed.
    pub fn kind(&self) -> TransportKind {
        self.kind
    }

    /// A likely explanation, such as `the server may speak plain http on this port` for an
    /// https request answered in plain http, or what to do about a certificate that no trusted
    /// authority signed.
    pub fn hint(&self) -> Option<&'static str> {
        self.hint
    }

    /// ureq's error. Where its text is part of this error's `Display`, any secret of the
    /// request is redacted there; printed on its own, it is not.
    pub fn ureq_error(&self) -> &ureq::Error {
        &self.cause
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.site)?;
        // A failed lookup and a timeout say all there is in our words; ureq's text for them
        // ("io: failed to lookup address information: ...", "timeout: global") is left to
        // `ureq_error`.
        let what = match self.kind {
            TransportKind::Dns => {
                let host = self.site.origin.split_once("://").map_or("", |(_, h)| h);
                let host = match host.rsplit_once(':') {
                    Some((h, port)) if !port.ends_with(']') => h,
                    _ => host,
                };
                return write!(f, "cannot resolve {}", Clean(host));
            }
            TransportKind::Timeout => {
                // In tenths of a second: a deadline's 0.999 s reads as the 1 s it was.
                let tenths =
                    self.limit.as_secs() * 10 + u64::from(self.limit.subsec_millis() + 50) / 100;
                return match tenths % 10 {
                    0 => write!(f, "timed out after {} s", tenths / 10),
                    d => write!(f, "timed out after {}.{d} s", tenths / 10),
                };
            }
            TransportKind::Connect => "cannot connect to the server",
            TransportKind::Tls => "tls failure",
            TransportKind::BodyTooLarge => "response body exceeds the size limit",
            TransportKind::Protocol => "broken response",
        };
        f.write_str(what)?;
        if let Some(hint) = self.hint {
            write!(f, " ({hint})")?;
        }
        write!(f, ": {}", Clean(&self.text))
    }
}

impl std::error::Error for TransportError {}

/// A success response whose body could not be decoded.
///
/// Neither its `Display` nor its `Debug` quotes a secret: the excerpt of the body is redacted
/// with the request's secrets (and absent for token responses), and the JSON backend's detail
/// says where and what kind of value failed, never the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub(crate) site: Site,
    pub(crate) target: &'static str,
    pub(crate) detail: Option<String>,
    pub(crate) excerpt: Option<String>,
}

impl DecodeError {
    /// The type that was expected, such as `Account`.
    pub fn target(&self) -> &'static str {
        self.target
    }
    /// The JSON backend's message, without the values it quoted (serde_json gives one;
    /// miniserde does not).
    pub fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }
    /// The first characters of the body, secrets of the request replaced by `[redacted]`.
    /// Always `None` for token responses.
    pub fn excerpt(&self) -> Option<&str> {
        self.excerpt.as_deref()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: the body is not a valid {}", self.site, self.target)?;
        if let Some(d) = &self.detail {
            write!(f, " ({})", Clean(d))?;
        }
        if let Some(e) = &self.excerpt {
            write!(f, ": {}", Clean(e))?;
        }
        Ok(())
    }
}

impl std::error::Error for DecodeError {}

/// A redirect that was not followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectError {
    pub(crate) site: Site,
    pub(crate) status: u16,
    pub(crate) location: Option<String>,
}

impl RedirectError {
    /// The redirect status (301, 302, 303, 307 or 308).
    pub fn status(&self) -> u16 {
        self.status
    }
    /// The `Location` header, where the server wanted to send the request, with any secret
    /// of the request replaced by `[redacted]`.
    pub fn location(&self) -> Option<&str> {
        self.location.as_deref()
    }
}

impl fmt::Display for RedirectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: answered {} with a redirect to {}, which is not followed; use that server's address",
            self.site,
            self.status,
            Clean(self.location.as_deref().unwrap_or("nowhere"))
        )
    }
}

impl std::error::Error for RedirectError {}

/// An error that the authorization server sent back to the redirect URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationError {
    error: String,
    description: Option<String>,
}

impl AuthorizationError {
    /// An error with this OAuth code, such as `access_denied`, for tests of code that handles
    /// a declined authorization.
    pub fn new(error: impl Into<String>) -> Self {
        AuthorizationError {
            error: error.into(),
            description: None,
        }
    }
    /// Sets the server's explanation.
    #[must_use]
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
    pub(crate) fn from_callback(error: String, description: Option<String>) -> Self {
        AuthorizationError { error, description }
    }
    /// The OAuth code, such as `access_denied`.
    pub fn error(&self) -> &str {
        &self.error
    }
    /// The server's explanation.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
    /// True when the user declined the request.
    pub fn is_access_denied(&self) -> bool {
        self.error == "access_denied"
    }
}

impl fmt::Display for AuthorizationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "authorization failed: {}", Clean(&self.error))?;
        if let Some(d) = &self.description {
            write!(f, " ({})", Clean(d))?;
        }
        Ok(())
    }
}

impl std::error::Error for AuthorizationError {}

#[cfg(test)]
mod tests {
    use super::*;

    const fn assert_send_sync<T: Send + Sync + 'static>() {}
    const _: () = assert_send_sync::<Error>();

    #[test]
    fn api_error_display_names_endpoint_and_server_text() {
        let e: Error = ApiError::new(400)
            .with_endpoint("POST /oauth/token")
            .with_origin("https://mastodon.example")
            .with_error("invalid_grant")
            .with_description("The provided authorization grant is invalid")
            .into();
        assert_eq!(
            e.to_string(),
            "POST https://mastodon.example/oauth/token: status 400: invalid_grant (The provided authorization grant is invalid)"
        );
        assert!(!e.is_unauthorized());
        assert!(!e.is_transient());
        assert_eq!(e.status(), Some(400));
    }

    #[test]
    fn transport_kinds_of_io_errors() {
        let none = Secrets::none();
        let kind = |e: std::io::Error| {
            TransportError::new(
                Site::new(&Endpoint::Borrowed("GET /x"), "https://m.example"),
                ureq::Error::Io(e),
                &none,
                Duration::from_secs(30),
            )
            .kind()
        };
        assert_eq!(
            kind(std::io::Error::other(
                "failed to lookup address information: Name or service not known"
            )),
            TransportKind::Dns
        );
        assert_eq!(
            kind(std::io::ErrorKind::ConnectionRefused.into()),
            TransportKind::Connect
        );
        assert_eq!(
            kind(std::io::ErrorKind::NetworkUnreachable.into()),
            TransportKind::Connect
        );
        assert_eq!(
            kind(std::io::ErrorKind::TimedOut.into()),
            TransportKind::Timeout
        );
        assert_eq!(
            kind(std::io::ErrorKind::ConnectionReset.into()),
            TransportKind::Protocol
        );
        let dns = TransportError::new(
            Site::new(
                &Endpoint::Borrowed("POST /api/v1/apps"),
                "https://m.example",
            ),
            ureq::Error::Io(std::io::Error::other(
                "failed to lookup address information: Name or service not known",
            )),
            &none,
            Duration::from_secs(30),
        );
        assert_eq!(
            dns.to_string(),
            "POST https://m.example/api/v1/apps: cannot resolve m.example"
        );
        let at = |origin: &str, cause, limit| {
            let site = Site::new(&Endpoint::Borrowed("GET /x"), origin);
            TransportError::new(site, cause, &none, limit).to_string()
        };
        assert_eq!(
            at(
                "http://[::1]:8080",
                ureq::Error::HostNotFound,
                Duration::ZERO
            ),
            "GET http://[::1]:8080/x: cannot resolve [::1]"
        );
        assert_eq!(
            at(
                "https://m.example:8443",
                ureq::Error::HostNotFound,
                Duration::ZERO
            ),
            "GET https://m.example:8443/x: cannot resolve m.example"
        );
        let timeout = || ureq::Error::Timeout(ureq::Timeout::Global);
        assert_eq!(
            at("https://m.example", timeout(), Duration::from_secs(30)),
            "GET https://m.example/x: timed out after 30 s"
        );
        assert_eq!(
            at("https://m.example", timeout(), Duration::from_millis(2500)),
            "GET https://m.example/x: timed out after 2.5 s"
        );
        assert_eq!(
            at("https://m.example", timeout(), Duration::from_millis(999)),
            "GET https://m.example/x: timed out after 1 s"
        );
        for text in [
            "invalid peer certificate: UnknownIssuer",
            "error:0A000086:SSL routines:tls_post_process_server_certificate:certificate verify failed:ssl/statem/statem_clnt.c:2091: (unable to get local issuer certificate)",
        ] {
            let cause = ureq::Error::Io(std::io::Error::new(std::io::ErrorKind::InvalidData, text));
            let site = Site::new(&Endpoint::Borrowed("GET /x"), "https://m.example");
            let e = TransportError::new(site, cause, &none, Duration::ZERO);
            assert_eq!(
                (e.kind(), e.hint()),
                (TransportKind::Tls, Some(UNKNOWN_ISSUER_HINT))
            );
            assert_eq!(
                e.to_string(),
                format!("GET https://m.example/x: tls failure ({UNKNOWN_ISSUER_HINT}): io: {text}")
            );
        }
    }
}
