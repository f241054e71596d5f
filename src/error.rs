//! The crate's one error type.

use std::fmt;
use std::time::Duration;

use crate::ratelimit::RateLimit;
use crate::terminal::Clean;

/// Everything that can go wrong in a call.
///
/// The shape is the same under every feature combination. Display messages are lowercase, name
/// the endpoint, and never contain a secret or a token endpoint's body.
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
    Transport(TransportError),
    /// A success response whose body did not have the expected shape.
    Decode(DecodeError),
    /// The server answered with a redirect. Redirects are never followed, so that a token is
    /// never sent to a host the caller did not name.
    Redirect(RedirectError),
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
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(&e.source),
            Error::Randomness(e) => Some(e),
            _ => None,
        }
    }
}

/// An error status from the server, with Mastodon's error body when it had one.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The endpoint, such as `POST /oauth/token`.
    pub endpoint: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// The body's `error`: an OAuth code (`invalid_grant`) or a sentence on `/api`.
    pub error: Option<String>,
    /// The body's `error_description`, sent by the OAuth endpoints.
    pub description: Option<String>,
    /// `X-RateLimit-*` headers of the response.
    pub rate_limit: Option<RateLimit>,
    /// The `Retry-After` header, as a wait from when the response arrived.
    pub retry_after: Option<Duration>,
}

impl ApiError {
    /// 401, 403, or an OAuth `invalid_client` / `unauthorized_client` code.
    pub fn is_unauthorized(&self) -> bool {
        self.status == 401
            || self.status == 403
            || matches!(
                self.error.as_deref(),
                Some("invalid_client" | "unauthorized_client")
            )
    }

    /// What the error means where the server's own text is misleading: `POST /oauth/revoke`
    /// answers 403 `unauthorized_client` when the app's client credentials are wrong, and a
    /// server that requires a token for public reads answers 401 (see
    /// [`requires_authentication`](Self::requires_authentication)).
    pub fn hint(&self) -> Option<&'static str> {
        if self.requires_authentication() {
            return Some(
                "this server requires a user token for this request (an app token is not enough)",
            );
        }
        (self.endpoint == "POST /oauth/revoke" && self.status == 403).then_some(
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
        write!(f, "{} failed with status {}", self.endpoint, self.status)?;
        match (&self.error, &self.description) {
            (Some(e), Some(d)) => write!(f, ": {} ({})", Clean(e), Clean(d)),
            (Some(e), None) => write!(f, ": {}", Clean(e)),
            (None, Some(d)) => write!(f, ": {}", Clean(d)),
            (None, None) => f.write_str(" and no error message"),
        }?;
        if let Some(hint) = self.hint() {
            write!(f, "; {hint}")?;
        }
        Ok(())
    }
}

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
#[derive(Debug)]
pub struct TransportError {
    pub(crate) endpoint: &'static str,
    pub(crate) kind: TransportKind,
    pub(crate) source: ureq::Error,
}

impl TransportError {
    pub(crate) fn new(endpoint: &'static str, source: ureq::Error) -> Self {
        let kind = match &source {
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
            other => {
                let text = other.to_string().to_ascii_lowercase();
                // The standard library reports a failed name lookup as an uncategorised I/O
                // error ("failed to lookup address information: ...").
                if text.contains("lookup address") || text.contains("name or service not known") {
                    TransportKind::Dns
                } else if text.contains("tls") || text.contains("certificate") {
                    TransportKind::Tls
                } else {
                    TransportKind::Protocol
                }
            }
        };
        Self {
            endpoint,
            kind,
            source,
        }
    }

    /// The endpoint, such as `GET /api/v1/apps/verify_credentials`.
    pub fn endpoint(&self) -> &'static str {
        self.endpoint
    }

    /// What failed.
    pub fn kind(&self) -> TransportKind {
        self.kind
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TransportKind::Dns => "cannot resolve the server's host name",
            TransportKind::Connect => "cannot connect to the server",
            TransportKind::Tls => "tls failure",
            TransportKind::Timeout => "timed out",
            TransportKind::BodyTooLarge => "response body exceeds the size limit",
            TransportKind::Protocol => "broken response",
        };
        write!(f, "{} {what}: {}", self.endpoint, self.source)
    }
}

/// A success response whose body could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub(crate) endpoint: &'static str,
    pub(crate) target: &'static str,
    pub(crate) detail: Option<String>,
    pub(crate) excerpt: Option<String>,
}

impl DecodeError {
    /// The endpoint whose response failed to decode.
    pub fn endpoint(&self) -> &'static str {
        self.endpoint
    }
    /// The type that was expected, such as `Account`.
    pub fn target(&self) -> &'static str {
        self.target
    }
    /// The JSON backend's message (serde_json gives one; miniserde does not).
    pub fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }
    /// The first characters of the body. Always `None` for token responses.
    pub fn excerpt(&self) -> Option<&str> {
        self.excerpt.as_deref()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} returned a body that is not a valid {}",
            self.endpoint, self.target
        )?;
        if let Some(d) = &self.detail {
            write!(f, " ({})", Clean(d))?;
        }
        if let Some(e) = &self.excerpt {
            write!(f, ": {}", Clean(e))?;
        }
        Ok(())
    }
}

/// A redirect that was not followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectError {
    pub(crate) endpoint: &'static str,
    pub(crate) status: u16,
    pub(crate) location: Option<String>,
}

impl RedirectError {
    /// The endpoint that answered with a redirect.
    pub fn endpoint(&self) -> &'static str {
        self.endpoint
    }
    /// The redirect status (301, 302, 303, 307 or 308).
    pub fn status(&self) -> u16 {
        self.status
    }
    /// The `Location` header, where the server wanted to send the request.
    pub fn location(&self) -> Option<&str> {
        self.location.as_deref()
    }
}

impl fmt::Display for RedirectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} answered {} with a redirect to {}, which is not followed; use that server's address",
            self.endpoint,
            self.status,
            Clean(self.location.as_deref().unwrap_or("nowhere"))
        )
    }
}

/// An error that the authorization server sent back to the redirect URI.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuthorizationError {
    /// The OAuth code, such as `access_denied`.
    pub error: String,
    /// The server's explanation.
    pub description: Option<String>,
}

impl AuthorizationError {
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

#[cfg(test)]
mod tests {
    use super::*;

    const fn assert_send_sync<T: Send + Sync + 'static>() {}
    const _: () = assert_send_sync::<Error>();

    #[test]
    fn api_error_display_names_endpoint_and_server_text() {
        let e = Error::Api(Box::new(ApiError {
            endpoint: "POST /oauth/token",
            status: 400,
            error: Some("invalid_grant".into()),
            description: Some("The provided authorization grant is invalid".into()),
            rate_limit: None,
            retry_after: None,
        }));
        assert_eq!(
            e.to_string(),
            "POST /oauth/token failed with status 400: invalid_grant (The provided authorization grant is invalid)"
        );
        assert!(!e.is_unauthorized());
        assert!(!e.is_transient());
        assert_eq!(e.status(), Some(400));
    }

    #[test]
    fn transport_kinds_of_io_errors() {
        let kind = |e: std::io::Error| TransportError::new("GET /x", ureq::Error::Io(e)).kind();
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
            "POST /api/v1/apps",
            ureq::Error::Io(std::io::Error::other(
                "failed to lookup address information: Name or service not known",
            )),
        );
        assert!(
            dns.to_string()
                .starts_with("POST /api/v1/apps cannot resolve the server's host name")
        );
    }
}
