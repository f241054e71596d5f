//! Sending one request: its preparation, the retry loop, reading the answer under the caps,
//! and turning error statuses, redirects and undecodable bodies into errors that name the
//! server and carry no secret of the request.

use std::time::{Duration, Instant, SystemTime};

use super::Client;
use crate::error::{ApiError, DecodeError, Endpoint, Error, RedirectError, Site, TransportError};
use crate::ratelimit::{RateLimit, parse_retry_after};
use crate::redact::Secrets;
use crate::secret::AccessToken;
use crate::terminal::one_line;

/// How much of an error response's body is read, for its `error` and `error_description`.
const ERROR_BODY_LIMIT: u64 = 64 * 1024;
/// How many characters of an undecodable body a [`DecodeError`] keeps.
const EXCERPT_CHARS: usize = 120;
/// How many characters of a non-JSON error body, or of a `WWW-Authenticate` challenge, an
/// [`ApiError`] keeps.
const TEXT_CHARS: usize = 200;

/// GET or POST; the only methods these endpoints use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Post,
}

/// One request, before it is sent. No `Debug`: its form carries secrets.
pub(crate) struct Request<'a> {
    pub(crate) method: Method,
    /// A label such as `GET /api/v1/accounts/:id/followers`, used in errors.
    pub(crate) endpoint: Endpoint,
    /// Path and query (`/api/v1/...`), or an absolute URL already checked to be same-origin.
    pub(crate) target: String,
    pub(crate) token: Option<&'a AccessToken>,
    pub(crate) form: Vec<(&'a str, &'a str)>,
    /// The `Idempotency-Key` header: a POST that carries one is retried as a GET is.
    pub(crate) idempotency_key: Option<&'a str>,
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
    pub(crate) fn get(
        endpoint: impl Into<Endpoint>,
        target: String,
        token: Option<&'a AccessToken>,
    ) -> Self {
        Request {
            method: Method::Get,
            endpoint: endpoint.into(),
            target,
            token,
            form: Vec::new(),
            idempotency_key: None,
        }
    }

    pub(crate) fn post(
        endpoint: impl Into<Endpoint>,
        target: String,
        form: Vec<(&'a str, &'a str)>,
    ) -> Self {
        Request {
            method: Method::Post,
            endpoint: endpoint.into(),
            target,
            token: None,
            form,
            idempotency_key: None,
        }
    }

    /// Whether a failed attempt may be sent again: a GET, or a POST with an `Idempotency-Key`.
    fn retryable(&self) -> bool {
        self.method == Method::Get || self.idempotency_key.is_some()
    }

    /// Every secret this request carries: the bearer token and the secret form fields.
    pub(crate) fn secrets(&self) -> Secrets<'a> {
        let mut secrets = Secrets::none();
        if let Some(t) = self.token {
            secrets.push(t.secret());
        }
        for (k, v) in &self.form {
            if SECRET_FIELDS.contains(k) {
                secrets.push(v);
            }
        }
        secrets
    }
}

/// A 2xx response, its body read under the cap, with what [`decode`] needs to name the server
/// and redact the request's secrets. No `Debug`: a token or registration body is a secret.
pub(crate) struct Reply<'a> {
    pub(crate) status: u16,
    pub(crate) body: String,
    pub(crate) link: Option<String>,
    pub(crate) rate_limit: Option<RateLimit>,
    pub(crate) endpoint: Endpoint,
    pub(crate) origin: &'a str,
    pub(crate) secrets: Secrets<'a>,
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
    /// Sends a request, retrying GETs as the policy allows; only 2xx responses are `Ok`.
    pub(crate) fn send<'a>(&'a self, req: &Request<'a>) -> Result<Reply<'a>, Error> {
        if self.https && !cfg!(any(feature = "rustls", feature = "native-tls")) {
            return Err(Error::TlsUnavailable);
        }
        if let Some(t) = req.token {
            check_header_value(t.secret())?;
        }
        if let Some(key) = req.idempotency_key {
            check_header_value(key)?;
        }
        let secrets = req.secrets();
        let start = Instant::now();
        let mut attempt = 0;
        loop {
            let (timeout, limit) = match self.total_timeout {
                Some(total) => {
                    let left = total.saturating_sub(start.elapsed());
                    if left.is_zero() {
                        return Err(Error::Transport(Box::new(TransportError::new(
                            Site::new(&req.endpoint, &self.origin),
                            ureq::Error::Timeout(ureq::Timeout::Global),
                            &secrets,
                            total,
                        ))));
                    }
                    // The limit a timeout reports: the whole call's when it cut this one short.
                    if left < self.timeout {
                        (left, total)
                    } else {
                        (self.timeout, self.timeout)
                    }
                }
                None => (self.timeout, self.timeout),
            };
            let err = match self.attempt(req, &secrets, timeout, limit) {
                Ok(reply) => return Ok(reply),
                Err(e) => e,
            };
            if !req.retryable() {
                return Err(err);
            }
            let Some(wait) = self.retry.wait_after(&err, attempt, SystemTime::now()) else {
                return Err(err);
            };
            if let Some(total) = self.total_timeout
                && start.elapsed().saturating_add(wait) >= total
            {
                return Err(err);
            }
            std::thread::sleep(wait);
            attempt += 1;
        }
    }

    /// Applies the settings that correctness depends on (error statuses read as responses, no
    /// redirects, no proxy for plain http or loopback) and this attempt's timeout, unless our
    /// own agent already has them; then the `Host` header of plain-http `localhost`, the
    /// `Accept` header and the token, if any.
    fn prepare<B>(
        &self,
        b: ureq::RequestBuilder<B>,
        timeout: Duration,
        host: Option<&str>,
        auth: Option<&str>,
        idempotency_key: Option<&str>,
    ) -> ureq::RequestBuilder<B> {
        let b = if self.agent_preset && timeout == self.timeout {
            b
        } else {
            let c = b
                .config()
                .http_status_as_error(false)
                .max_redirects(0)
                .timeout_global(Some(timeout));
            // A caller-made agent may have a proxy: never for traffic allowed in clear.
            if self.direct() { c.proxy(None) } else { c }.build()
        };
        let b = match host {
            Some(h) => b.header("Host", h),
            None => b,
        };
        let b = b.header("Accept", "application/json");
        let b = match idempotency_key {
            Some(key) => b.header("Idempotency-Key", key),
            None => b,
        };
        match auth {
            Some(a) => b.header("Authorization", a),
            None => b,
        }
    }

    fn attempt<'a>(
        &'a self,
        req: &Request<'a>,
        secrets: &Secrets<'a>,
        timeout: Duration,
        limit: Duration,
    ) -> Result<Reply<'a>, Error> {
        let (url, host) = self.connect_url(req)?;
        let auth = req.token.map(|t| format!("Bearer {}", t.secret()));
        // Where this request went, for the one error an attempt can end in.
        let site = || Site::new(&req.endpoint, &self.origin);
        let transport =
            |e| Error::Transport(Box::new(TransportError::new(site(), e, secrets, limit)));
        let auth = auth.as_deref();
        let result = match req.method {
            Method::Get => self
                .prepare(self.agent.get(&url), timeout, host, auth, None)
                .call(),
            Method::Post => self
                .prepare(
                    self.agent.post(&url),
                    timeout,
                    host,
                    auth,
                    req.idempotency_key,
                )
                // Encoded by the crate's own form encoder, which the query strings use too:
                // ureq's `send_form` carries a second encoder (2 KB of code).
                .content_type("application/x-www-form-urlencoded")
                .send(crate::encode::query(&req.form)),
        };
        let mut resp = result.map_err(transport)?;
        let status = resp.status().as_u16();
        // The first value of each header we read, in one pass (a lookup by name hashes it).
        const NAMES: [&str; 6] = [
            "x-ratelimit-limit",
            "x-ratelimit-remaining",
            "x-ratelimit-reset",
            "link",
            "retry-after",
            "www-authenticate",
        ];
        let mut found: [Option<Option<&str>>; 6] = [None; 6];
        for (name, value) in resp.headers() {
            if let Some(i) = NAMES.iter().position(|n| *n == name.as_str()) {
                found[i].get_or_insert(value.to_str().ok());
            }
        }
        let [limit, remaining, reset, link, retry_after, challenge] = found.map(Option::flatten);
        let rate_limit = RateLimit::from_headers(limit, remaining, reset);
        let link = link.map(str::to_owned);
        let retry_after = retry_after.and_then(|v| parse_retry_after(v, SystemTime::now()));
        let www_authenticate = challenge.map(|c| one_line(&secrets.redact(c), TEXT_CHARS));
        if (300..400).contains(&status) {
            // Kept even when it is not ASCII, so that the error names the target.
            let location = resp
                .headers()
                .get("location")
                .map(|v| secrets.redact(&String::from_utf8_lossy(v.as_bytes())));
            return Err(Error::Redirect(Box::new(RedirectError {
                site: site(),
                status,
                location,
            })));
        }
        if (200..300).contains(&status) {
            // One buffer of the announced size (within the cap), not a chain of doublings that
            // leaves freed chunks behind on every page.
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
                Error::Decode(Box::new(DecodeError {
                    site: site(),
                    target: "UTF-8 text",
                    detail: None,
                    excerpt: None,
                }))
            })?;
            return Ok(Reply {
                status,
                body,
                link,
                rate_limit,
                endpoint: req.endpoint.clone(),
                origin: &self.origin,
                secrets: secrets.clone(),
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
        let (error, description, text) = match parsed {
            Some(b) => (
                b.error.map(|t| secrets.redact(&t)),
                b.error_description.map(|t| secrets.redact(&t)),
                None,
            ),
            // Not Mastodon's JSON (Takahē's `Invalid Bearer token`, a proxy's page): its start,
            // redacted and on one line. Only for GETs: the answer to a POST that fails to issue
            // a token or an app may hold what it was issuing.
            None if req.method == Method::Get => {
                let body = String::from_utf8_lossy(&bytes);
                let shown = one_line(&secrets.excerpt(body.trim(), TEXT_CHARS), usize::MAX);
                (None, None, Some(shown).filter(|t| !t.is_empty()))
            }
            None => (None, None, None),
        };
        Err(Error::Api(Box::new(ApiError {
            site: site(),
            status,
            error,
            description,
            text,
            www_authenticate,
            rate_limit,
            retry_after,
            hint: None,
        })))
    }
}

/// Decodes a success body as `T`. With `secret_body` (token responses) neither an excerpt of
/// the body nor the backend's detail is kept; otherwise the excerpt is redacted with the
/// request's secrets, so that an endpoint that echoes the request cannot put its token into
/// the error.
pub(crate) fn decode<T: crate::json::Decode>(
    reply: &Reply<'_>,
    target: &'static str,
    secret_body: bool,
) -> Result<T, Error> {
    crate::json::from_str(&reply.body).map_err(|detail| {
        let (detail, excerpt) = if secret_body {
            (None, None)
        } else {
            (
                detail.map(|d| reply.secrets.redact(&d)),
                Some(reply.secrets.excerpt(&reply.body, EXCERPT_CHARS)),
            )
        };
        Error::Decode(Box::new(DecodeError {
            site: Site::new(&reply.endpoint, reply.origin),
            target,
            detail,
            excerpt,
        }))
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

    fn reply<'a>(body: &str, secrets: Secrets<'a>) -> Reply<'a> {
        Reply {
            status: 200,
            body: body.to_owned(),
            link: None,
            rate_limit: None,
            endpoint: "POST /oauth/token".into(),
            origin: "https://m.example",
            secrets,
        }
    }

    #[test]
    fn decode_never_keeps_a_secret_body() {
        let body = r#"{"access_token":"SECRET","token_type":5}"#;
        let e = decode::<crate::Token>(&reply(body, Secrets::none()), "Token", true).unwrap_err();
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(
            shown.starts_with("POST https://m.example/oauth/token: the body is not a valid Token"),
            "{shown}"
        );
    }

    #[test]
    fn decode_excerpts_are_redacted() {
        let token = AccessToken::new("tok/en+SECRET-0123456789");
        let req = Request::get("GET /api/v1/x", "/api/v1/x".into(), Some(&token));
        let body = r#"<html>Authorization: Bearer tok\/en%2BSECRET-0123456789</html>"#;
        let e = decode::<crate::Application>(&reply(body, req.secrets()), "Application", false)
            .unwrap_err();
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(shown.contains("Bearer [redacted]</html>"), "{shown}");
    }

    #[test]
    fn request_secrets_are_the_token_and_secret_fields() {
        let form = vec![
            ("client_id", "public-client-id"),
            ("client_secret", "the-client-secret"),
            ("code", "the-code-value"),
            ("grant_type", "authorization_code"),
        ];
        let req = Request::post("POST /oauth/token", "/oauth/token".into(), form);
        assert_eq!(
            req.secrets()
                .redact("public-client-id the-client-secret the-code-value authorization_code"),
            "public-client-id [redacted] [redacted] authorization_code"
        );
    }
}
