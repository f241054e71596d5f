//! [`Client`]: the server's address, the ureq agent, and the rules every request follows.

use std::time::Duration;

use crate::error::Error;
use crate::origin::Origin;

mod retry;
mod send;
mod tls;

pub use retry::RetryPolicy;
pub(crate) use send::{Reply, Request, decode};
pub(crate) use tls::pem_certificates;

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
/// Plain http and loopback origins never go through a proxy, whatever the environment or a
/// caller-made agent says: such traffic is allowed in clear only because it never leaves the
/// machine. For https, the default agent takes its proxy from the environment (see
/// [`ClientBuilder::build`]). Plain-http `localhost` is reached at 127.0.0.1 (with `Host:
/// localhost`), so that no resolver, and no DNS search domain, is asked where it is.
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
    /// Plain http or loopback: never through a proxy.
    direct: bool,
    /// For plain-http `localhost`: the origin with 127.0.0.1 for the name, and the `Host`
    /// header that keeps the name.
    localhost: Option<(String, String)>,
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
///
/// # In a build script (`build.rs`)
///
/// Blocking calls, no async runtime and a small dependency tree make the crate usable from a build
/// script, for example to bake an account's details into a binary. Keep the call short and make the
/// build succeed offline: a few seconds of timeout, no retries, and fallback values with one
/// `cargo:warning=` line when the server cannot be reached.
///
/// ```rust,no_run
/// use std::time::Duration;
/// use mastolite::{accounts, Client, RetryPolicy};
///
/// fn lookup(server: &str, handle: &str) -> Result<(String, i64), mastolite::Error> {
///     let client = Client::builder(server)
///         .total_timeout(Duration::from_secs(5))
///         .retry(RetryPolicy::none())
///         .build()?;
///     let account = accounts::lookup(&client, None, &handle.parse()?)?;
///     Ok((account.display_name, account.followers_count))
/// }
///
/// println!("cargo:rerun-if-env-changed=MASTOLITE_SERVER");
/// println!("cargo:rerun-if-env-changed=MASTOLITE_HANDLE");
/// let found = match (std::env::var("MASTOLITE_SERVER"), std::env::var("MASTOLITE_HANDLE")) {
///     (Ok(server), Ok(handle)) => lookup(&server, &handle).map_err(|e| e.to_string()),
///     _ => Err("MASTOLITE_SERVER or MASTOLITE_HANDLE is not set".to_owned()),
/// };
/// let (name, followers) = found.unwrap_or_else(|why| {
///     // One line: a newline in server text would start a `cargo:` line of the server's choosing.
///     let why = why.replace(['\r', '\n'], " ");
///     println!("cargo:warning={why}; using fallback values");
///     ("(unknown)".to_owned(), 0)
/// });
/// // `{:?}` writes a Rust string literal: quotes, backslashes and newlines escaped.
/// let out = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("account.rs");
/// std::fs::write(out, format!("pub const DISPLAY_NAME: &str = {name:?};\npub const FOLLOWERS: i64 = {followers};\n")).unwrap();
/// ```
///
/// Cargo reads every line a build script prints that starts with `cargo:`, so server text never
/// reaches stdout as it is: it goes into the generated file through `{:?}`, and into the warning
/// with line breaks replaced (mastolite's error messages are one line already; the replacement
/// keeps the pattern safe for any text you add). A display name holding
/// `\ncargo:rustc-env=EVIL=1` stays a string; `tests/it/build_script.rs` checks that against the
/// example below.
///
/// The result, fallback included, is cached: Cargo runs the build script again only when an input
/// it was told about changes. Print `cargo:rerun-if-env-changed=NAME` for every variable the script
/// reads (here `MASTOLITE_SERVER` and `MASTOLITE_HANDLE`; the example also reads
/// `MASTOLITE_TOKEN`), so that a build after an offline one fetches again when you set or change
/// one; with the variables unchanged, `touch build.rs` (the example prints
/// `cargo:rerun-if-changed=build.rs`) or `cargo clean -p YOUR_CRATE` asks for a fresh fetch.
///
/// `examples/build-script`, in the crate's repository (a package of its own, so not in the
/// published crate), is a complete crate that does this (with
/// `mastolite` in `[build-dependencies]`, miniserde and rustls) and prints the values:
///
/// ```sh
/// cd examples/build-script
/// MASTOLITE_SERVER=https://mastodon.social MASTOLITE_HANDLE=@Gargron cargo run
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
    roots: Option<Vec<u8>>,
}

impl ClientBuilder {
    /// Uses a caller-made agent (for a proxy, other TLS settings, other timeouts). Every
    /// request still turns off redirects and reads error bodies itself, and still applies this
    /// builder's timeout. The agent's proxy is used for https to hosts that are not loopback,
    /// and never for plain http or loopback. The agent's TLS config is its own: with an agent,
    /// [`root_certificates_pem`](Self::root_certificates_pem) makes [`build`](Self::build) fail.
    pub fn agent(mut self, agent: ureq::Agent) -> Self {
        self.agent = Some(agent);
        self
    }
    /// Trusts only the certificates in `pem` (a private CA's, one or more `-----BEGIN
    /// CERTIFICATE-----` blocks) to sign servers' certificates. Defaults to the roots the TLS
    /// feature brings: the bundled webpki roots (rustls) or the platform's (native-tls).
    ///
    /// The certificates replace those roots, as curl's `--cacert` and OpenSSL's
    /// `SSL_CERT_FILE` do: to trust public servers too, give a bundle that holds their roots
    /// as well. They apply to the agent the builder makes; a caller-made
    /// [`agent`](Self::agent) sets its roots in its own `ureq::tls::TlsConfig`, and giving
    /// both is an error. The crate never reads `SSL_CERT_FILE` itself (the CLI does). Without
    /// the `rustls` and `native-tls` features the PEM is still checked, and https still fails
    /// with [`Error::TlsUnavailable`].
    ///
    /// ```
    /// let pem = b"-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n";
    /// let client = mastolite::Client::builder("https://mastodon.internal")
    ///     .root_certificates_pem(pem)
    ///     .build()?;
    /// # let _ = client;
    /// let err = mastolite::Client::builder("https://mastodon.internal")
    ///     .root_certificates_pem(b"not PEM")
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(err.to_string(), "invalid input: the root certificates' PEM was not used: \
    ///     it holds no certificate (no -----BEGIN CERTIFICATE----- line)");
    /// # Ok::<(), mastolite::Error>(())
    /// ```
    pub fn root_certificates_pem(mut self, pem: &[u8]) -> Self {
        self.roots = Some(pem.to_vec());
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
    /// Without a caller-made agent, an https origin that is not loopback goes through the
    /// proxy that `HTTPS_PROXY` names (else `https_proxy`, `ALL_PROXY`, `all_proxy`), unless
    /// `NO_PROXY` (or `no_proxy`) covers its host: a comma-separated list of host names, each
    /// covering itself and its subdomains, or `*` for every host. `HTTP_PROXY` is never read,
    /// and no variable is read when `REQUEST_METHOD` is set (a CGI program, whose `HTTP_*`
    /// variables come from the request). The tunnel carries TLS end to end.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the URL is not `https://host[:port]` (a bare host means
    /// https), has a path, query, fragment or user info, or is plain http to a host that is not
    /// loopback without [`allow_plain_http`](Self::allow_plain_http); when the proxy
    /// variable that applies holds no proxy URL; when the
    /// [`root_certificates_pem`](Self::root_certificates_pem) hold no certificate or a broken
    /// one, or come with a caller-made agent.
    pub fn build(self) -> Result<Client, Error> {
        let origin = Origin::parse(&self.url)?;
        let roots = match &self.roots {
            None => None,
            Some(_) if self.agent.is_some() => {
                return Err(Error::invalid(
                    "root certificates and a caller-made agent were both given: set the roots in the agent's TlsConfig",
                ));
            }
            Some(pem) => Some(tls::pem_certificates(pem).map_err(|why| {
                Error::invalid(format!("the root certificates' PEM was not used: {why}"))
            })?),
        };
        if !origin.https && !origin.loopback && !self.allow_http {
            return Err(Error::invalid(format!(
                "{} uses plain http; use https, or allow plain http explicitly",
                origin.text
            )));
        }
        let direct = !origin.https || origin.loopback;
        let host = host_of(&origin.text);
        let localhost = (!origin.https && host == "localhost").then(|| {
            let authority = &origin.text["http://".len()..];
            (
                origin.text.replacen("localhost", "127.0.0.1", 1),
                authority.to_owned(),
            )
        });
        let agent_preset = self.agent.is_none();
        let agent = match self.agent {
            Some(agent) => agent,
            None if direct => agent_with(self.timeout, None, roots),
            None => agent_with(
                self.timeout,
                env_proxy(host, &|name| std::env::var(name).ok())?,
                roots,
            ),
        };
        Ok(Client {
            https: origin.https,
            direct,
            localhost,
            origin: origin.text,
            agent_preset,
            agent,
            timeout: self.timeout,
            total_timeout: self.total_timeout,
            body_limit: self.body_limit,
            retry: self.retry,
        })
    }
}

/// The agent's settings when the caller gives none: no redirects, error statuses returned as
/// responses, small buffers (Mastodon's responses need no more), our user agent, and the TLS
/// provider that the features select (rustls first). It has no proxy: a [`Client`] built
/// without an agent picks its proxy for its own origin (see [`ClientBuilder::build`]).
pub fn default_agent() -> ureq::Agent {
    agent_with(DEFAULT_TIMEOUT, None, None)
}

/// The agent of [`default_agent`] with `timeout`, `proxy`, and `roots` (DER) in place of the
/// TLS feature's own roots.
fn agent_with(
    timeout: Duration,
    proxy: Option<ureq::Proxy>,
    roots: Option<Vec<Vec<u8>>>,
) -> ureq::Agent {
    let builder = ureq::Agent::config_builder()
        .proxy(proxy)
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(USER_AGENT)
        .timeout_global(Some(timeout))
        .input_buffer_size(16 * 1024)
        .output_buffer_size(16 * 1024)
        .max_response_header_size(16 * 1024);
    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    let builder = builder.tls_config(tls::tls_config(roots));
    #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
    let _ = roots;
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
            roots: None,
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
    /// elsewhere, and returns its path and query. The refused URL is the server's text: the
    /// request's secrets are redacted in it.
    pub(crate) fn check_same_origin<'r>(&self, req: &'r Request<'_>) -> Result<&'r str, Error> {
        match Origin::split(&req.target) {
            Ok((o, rest)) if o.text == self.origin => Ok(rest),
            _ => Err(Error::ForeignUrl(req.secrets().redact(&req.target))),
        }
    }

    /// The URL a request connects to, and the `Host` header it needs when that URL does not
    /// name the host (plain-http `localhost`, reached at 127.0.0.1).
    pub(crate) fn connect_url(&self, req: &Request<'_>) -> Result<(String, Option<&str>), Error> {
        let rest = if req.target.starts_with('/') {
            &req.target
        } else {
            self.check_same_origin(req)?
        };
        Ok(match &self.localhost {
            Some((base, host)) => (format!("{base}{rest}"), Some(host.as_str())),
            None => (format!("{}{rest}", self.origin), None),
        })
    }

    /// Plain http or loopback: never through a proxy.
    pub(crate) fn direct(&self) -> bool {
        self.direct
    }
}

/// The host of a normalised origin (`https://host[:port]`), brackets kept for IPv6.
fn host_of(origin: &str) -> &str {
    let authority = origin.split_once("://").map_or(origin, |(_, a)| a);
    match authority.rfind(':') {
        Some(i) if !authority[i..].contains(']') => &authority[..i],
        _ => authority,
    }
}

/// The proxy from the environment (read through `var`) for https to `host`: `HTTPS_PROXY`,
/// `https_proxy`, `ALL_PROXY` or `all_proxy`, the first set and not empty, unless `NO_PROXY`
/// or `no_proxy` covers the host or `REQUEST_METHOD` is set (CGI).
fn env_proxy(
    host: &str,
    var: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<ureq::Proxy>, Error> {
    if var("REQUEST_METHOD").is_some() {
        return Ok(None);
    }
    let set = |name: &str| var(name).filter(|v| !v.trim().is_empty());
    let Some((name, url)) = ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
        .into_iter()
        .find_map(|n| set(n).map(|v| (n, v)))
    else {
        return Ok(None);
    };
    if var("NO_PROXY")
        .or_else(|| var("no_proxy"))
        .is_some_and(|list| no_proxy_covers(&list, host))
    {
        return Ok(None);
    }
    // The value may hold a password: the message names the variable only.
    ureq::Proxy::new(url.trim())
        .map(Some)
        .map_err(|_| Error::invalid(format!("{name} holds no proxy URL that can be used")))
}

/// Whether a `NO_PROXY` list covers `host` (lower case): `*`, the host itself, or a domain it
/// is under (`example.com`, `.example.com` and `*.example.com` all cover `a.example.com`).
fn no_proxy_covers(list: &str, host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    list.split(',').map(str::trim).any(|entry| {
        let domain = entry.trim_start_matches('*').trim_start_matches('.');
        let domain = domain.trim_start_matches('[').trim_end_matches(']');
        entry == "*"
            || (!domain.is_empty()
                && (host.eq_ignore_ascii_case(domain)
                    || host.len() > domain.len()
                        && host.as_bytes()[host.len() - domain.len() - 1] == b'.'
                        && host[host.len() - domain.len()..].eq_ignore_ascii_case(domain)))
    })
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
    fn proxies_come_only_from_the_https_variables() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let host = |h: &str, pairs| {
            env_proxy(h, &env(pairs)).map(|p| p.map(|p| format!("{}:{}", p.host(), p.port())))
        };
        let http = &[
            ("HTTP_PROXY", "http://127.0.0.9:1"),
            ("http_proxy", "127.0.0.9:2"),
        ];
        assert_eq!(host("m.example", http).unwrap(), None);
        let https = &[
            ("HTTPS_PROXY", "http://127.0.0.9:3"),
            ("ALL_PROXY", "http://x:4"),
        ];
        assert_eq!(
            host("m.example", https).unwrap().as_deref(),
            Some("127.0.0.9:3")
        );
        let all = &[("all_proxy", "127.0.0.9:5")];
        assert_eq!(
            host("m.example", all).unwrap().as_deref(),
            Some("127.0.0.9:5")
        );
        let cgi = &[
            ("REQUEST_METHOD", "GET"),
            ("HTTPS_PROXY", "http://127.0.0.9:3"),
        ];
        assert_eq!(host("m.example", cgi).unwrap(), None);
        let no = &[
            ("HTTPS_PROXY", "http://127.0.0.9:3"),
            ("NO_PROXY", " other.example, .m.example"),
        ];
        assert_eq!(host("m.example", no).unwrap(), None);
        assert_eq!(host("a.m.example", no).unwrap(), None);
        assert_eq!(
            host("am.example", no).unwrap().as_deref(),
            Some("127.0.0.9:3")
        );
        let star = &[("HTTPS_PROXY", "http://127.0.0.9:3"), ("no_proxy", "*")];
        assert_eq!(host("m.example", star).unwrap(), None);
        let bad = &[("HTTPS_PROXY", "http://user:pw@[nope")];
        let e = host("m.example", bad).unwrap_err().to_string();
        assert_eq!(
            e,
            "invalid input: HTTPS_PROXY holds no proxy URL that can be used"
        );
    }

    #[test]
    fn no_proxy_lists() {
        assert!(no_proxy_covers("*", "m.example"));
        assert!(no_proxy_covers("example.com", "example.com"));
        assert!(no_proxy_covers("example.com", "a.b.example.com"));
        assert!(no_proxy_covers("*.example.com,", "a.example.com"));
        assert!(no_proxy_covers("EXAMPLE.com", "example.com"));
        assert!(!no_proxy_covers("example.com", "badexample.com"));
        assert!(!no_proxy_covers(", ,", "example.com"));
        assert!(no_proxy_covers("[2001:db8::1]", "[2001:db8::1]"));
    }

    #[test]
    fn localhost_is_reached_at_127_0_0_1_with_its_name_kept() {
        let c = Client::new("http://localhost:3000").unwrap();
        let req = Request::get("GET /x", "http://LOCALHOST:3000/api?q".to_owned(), None);
        let (url, host) = c.connect_url(&req).unwrap();
        assert_eq!(
            (url.as_str(), host),
            ("http://127.0.0.1:3000/api?q", Some("localhost:3000"))
        );
        let c = Client::new("http://localhost").unwrap();
        let req = Request::get("GET /x", "/api".to_owned(), None);
        let (url, host) = c.connect_url(&req).unwrap();
        assert_eq!(
            (url.as_str(), host),
            ("http://127.0.0.1/api", Some("localhost"))
        );
        assert!(c.direct());
        // https keeps the name: TLS checks it.
        let c = Client::new("https://localhost:8443").unwrap();
        let (url, host) = c.connect_url(&req).unwrap();
        assert_eq!((url.as_str(), host), ("https://localhost:8443/api", None));
        assert!(c.direct());
        assert!(!Client::new("https://m.example").unwrap().direct());
        assert_eq!(host_of("http://[::1]:80"), "[::1]");
        assert_eq!(host_of("https://[::1]"), "[::1]");
        assert_eq!(host_of("https://m.example:444"), "m.example");
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
