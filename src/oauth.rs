//! OAuth 2: the authorize URL with PKCE and `state`, the callback, token grants, revocation,
//! server metadata and userinfo.
//!
//! Mastodon enables two grants: `client_credentials` (an app token, no user) and
//! `authorization_code` (a user token, with PKCE on 4.3+). Tokens do not expire and there are
//! no refresh tokens.
//!
//! A user login goes: [`server_metadata`] (what the server supports),
//! [`authorization_request`] (the page the user opens, with a fresh `state` and a PKCE
//! challenge), then either [`AuthorizationRequest::parse_callback`] on the redirect the
//! browser lands on, or a code the user pastes ([`OOB`]), and finally
//! [`AuthorizationRequest::exchange`] for the token. A web app that keeps no state between
//! the redirect and the callback stores what the request's getters give and rebuilds it with
//! [`AuthorizationRequest::resume`].
//!
//! # Three ways to a token
//!
//! Three ways to a token. Mastodon's tokens never expire and come without a refresh token; each
//! ends only when it is revoked. [`server_metadata`] says what the server supports (4.3+;
//! older servers answer 404 and get the classic endpoints): decide from it, not from the version
//! string. Scopes are one type, `Scopes`, whether an app *registered* them, a login *requested*
//! them, a token was *granted* them or a server *supported* them; it compares as a set
//! (`"read write"` equals `"write read"`), prints in the order first given, and handles a server's
//! 100,000 scopes in milliseconds (O(n log n)).
//!
//! # Client credentials: an app token
//!
//! For calls that need no user (`apps::verify_credentials`; followers, following and lookups on
//! servers that answer them to anyone). A server that requires authentication for its whole API
//! wants a user token instead. `scope` is always sent, and must be among the app's registered
//! scopes.
//!
//! ```rust,no_run
//! use mastolite::{apps, oauth, Client, OOB};
//!
//! let client = Client::new("https://mastodon.example")?;
//! let app = apps::create(&client, &apps::NewApp::new("My bot")
//!     .redirect_uri(OOB)
//!     .scopes("read".parse()?))?;
//! let token = oauth::client_credentials(&client, &app.credentials(), &"read".parse()?)?;
//! println!("app: {}", apps::verify_credentials(&client, &token.access_token)?.name);
//! # Ok::<(), mastolite::Error>(())
//! ```
//!
//! # Out-of-band: the user pastes a code
//!
//! The app registers the redirect URI `OOB` (`urn:ietf:wg:oauth:2.0:oob`). The user opens the
//! authorize URL, approves, and the server shows a code to paste; no `state` comes back in this
//! mode. `oauth::authorization_request` takes the app, the requested scopes and
//! `AuthorizeOptions` (the registered scopes, the server's metadata, `force_login`, `lang`, PKCE).
//! It checks the requested scopes against the registered ones (as strings, as Mastodon does)
//! before building anything, and adds a PKCE `S256` challenge on every server unless its
//! metadata document exists and does not list `S256` (`Pkce::Never` turns it off, for
//! servers on Doorkeeper before 5.5, as Mastodon 3.3 and older, which refuse it; an
//! `invalid_grant` then says so in `PKCE_REFUSED_HINT`). `exchange` consumes the request and
//! sends the matching verifier, so a request is exchanged once.
//!
//! ```rust,no_run
//! use mastolite::oauth::{self, AuthorizeOptions};
//! use mastolite::{accounts, apps, AuthorizationCode, Client, Scopes, OOB};
//!
//! let client = Client::new("https://mastodon.example")?;
//! let scopes: Scopes = "read write".parse()?;
//! let app = apps::create(&client, &apps::NewApp::new("My app")
//!     .redirect_uri(OOB)
//!     .scopes(scopes.clone()))?;
//! let creds = app.credentials();
//! let options = AuthorizeOptions::new()
//!     .registered(scopes.clone())
//!     .metadata(oauth::server_metadata(&client)?);
//! let request = oauth::authorization_request(&client, &creds, &scopes, &options)?;
//! println!("Open {} and paste the code here:", request.url());
//! let mut line = String::new();
//! std::io::stdin().read_line(&mut line).expect("stdin");
//! let token = request.exchange(&client, &creds, &AuthorizationCode::new(line.trim()))?;
//! if let Err(missing) = oauth::granted_covers(&token, &scopes) {
//!     eprintln!("{missing}"); // or `?`: an `insufficient_scope` Error::Authorization
//! }
//! println!("@{}", accounts::verify_credentials(&client, &token.access_token)?.acct);
//! # Ok::<(), mastolite::Error>(())
//! ```
//!
//! # Loopback with PKCE: the browser comes back to the app
//!
//! The native-app flow of RFC 8252: listen once on `127.0.0.1` with a port the OS picks, register
//! that redirect URI (Mastodon matches loopback redirect URIs on any port), and take the
//! redirect. `parse_callback` compares `state` in constant time (`Error::StateMismatch` otherwise)
//! and turns a refusal into `Error::Authorization` (`access_denied` with its description).
//!
//! ```rust,no_run
//! use std::io::{BufRead, BufReader, Write};
//! use std::net::TcpListener;
//! use mastolite::oauth::{self, AuthorizeOptions};
//! use mastolite::{apps, Client, Scopes};
//!
//! let client = Client::new("https://mastodon.example")?;
//! let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
//! let redirect = format!("http://127.0.0.1:{}/callback", listener.local_addr().expect("addr").port());
//! let scopes: Scopes = "read".parse()?;
//! let app = apps::create(&client, &apps::NewApp::new("My app")
//!     .redirect_uri(&redirect)
//!     .scopes(scopes.clone()))?;
//! let creds = app.credentials();
//! let options = AuthorizeOptions::new().registered(scopes.clone())
//!     .metadata(oauth::server_metadata(&client)?);
//! let request = oauth::authorization_request(&client, &creds, &scopes, &options)?;
//! println!("Open {}", request.url());
//!
//! let (mut browser, _) = listener.accept().expect("accept");
//! let mut line = String::new(); // GET /callback?code=…&state=… HTTP/1.1
//! BufReader::new(&browser).read_line(&mut line).expect("read");
//! let code = request.parse_callback(line.split(' ').nth(1).unwrap_or(""))?;
//! let token = request.exchange(&client, &creds, &code)?;
//! browser.write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nSigned in.").expect("write");
//! # let _ = token;
//! # Ok::<(), mastolite::Error>(())
//! ```
//!
//! # A web app that keeps no state between redirect and callback
//!
//! `AuthorizationRequest`'s getters give the state, the PKCE verifier, the redirect URI and the
//! scopes to keep server-side (the state and the verifier are secrets); at the callback,
//! `AuthorizationRequest::resume` rebuilds the request, which checks the callback and
//! exchanges the code as above. The documentation of `resume` has a complete handler pair.
//!
//! `examples/oob_login.rs` and `examples/loopback_login.rs` are complete versions; both print
//! server text through `mastolite::terminal::sanitize`, and the second keeps one deadline across
//! every read (a client that trickles bytes cannot stall it), answers other requests and
//! callbacks with a wrong `state` with an error page and keeps waiting, and answers the browser
//! with a short HTML page. Both print `@acct`:
//!
//! ```sh
//! cargo run --example loopback_login -- https://mastodon.example "read write"
//! ```
//!
//! When the token is no longer needed, `oauth::revoke(&client, &creds, &token.access_token)`
//! revokes it. It sends the token as its own bearer too, which Mitra requires and other servers
//! ignore. The server answers 200 also for a token it does not know, so revoking twice is
//! safe; a 403 means the app's client credentials are wrong (or the token is another app's). With
//! the `profile` scope on 4.4+, `oauth::userinfo` returns the user's claims.

use crate::client::{Client, Request, decode};
use crate::entities::{AppCredentials, MetadataDocument, ServerMetadata, Token, UserInfo};
use crate::error::{AuthorizationError, Error};
use crate::origin::Origin;
use crate::scopes::Scopes;
use crate::secret::{AccessToken, AuthorizationCode, CsrfState, PkceVerifier};

pub use crate::entities::OOB;

const TOKEN_EP: &str = "POST /oauth/token";

/// Refuses an empty scope list before a token or an authorize URL asks for it.
fn some_scope(scopes: &Scopes) -> Result<(), Error> {
    if scopes.is_empty() {
        return Err(Error::invalid(
            "ask for at least one scope: the server's default fails for apps without `read`",
        ));
    }
    Ok(())
}
const REVOKE_EP: &str = "POST /oauth/revoke";
const METADATA_EP: &str = "GET /.well-known/oauth-authorization-server";
const USERINFO_EP: &str = "GET /oauth/userinfo";

/// Posts a grant to `/oauth/token` and decodes the token, never quoting the body in an error.
fn token_request(client: &Client, form: Vec<(&'static str, &str)>) -> Result<Token, Error> {
    let reply = client.send(&Request::post(TOKEN_EP, "/oauth/token".to_owned(), form))?;
    decode(&reply, "Token", true)
}

/// Gets an app token: `POST /oauth/token` with `grant_type=client_credentials`.
///
/// `scope` is always sent (the server's default fails for apps registered without `read`), and
/// so is the app's `redirect_uri`, as Mastodon's guide does and GoToSocial requires. The scopes
/// must be a subset of the app's registered scopes. Mastodon hands back the same token for the
/// same app and scopes.
///
/// ```no_run
/// use mastolite::{apps, oauth, Client, OOB};
/// let client = Client::new("https://mastodon.example")?;
/// let app = apps::create(&client, &apps::NewApp::new("Test").redirect_uri(OOB))?;
/// let token = oauth::client_credentials(&client, &app.credentials(), &"read".parse()?)?;
/// let me = apps::verify_credentials(&client, &token.access_token)?;
/// println!("{}", me.name);
/// # Ok::<(), mastolite::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidInput`] for an empty scope set; [`Error::Api`] with 400 `invalid_scope`
/// for scopes the app did not register, 401 `invalid_client` for wrong credentials.
pub fn client_credentials(
    client: &Client,
    app: &AppCredentials,
    scopes: &Scopes,
) -> Result<Token, Error> {
    some_scope(scopes)?;
    let scope = scopes.to_string();
    token_request(
        client,
        vec![
            ("grant_type", "client_credentials"),
            ("client_id", &app.client_id),
            ("client_secret", app.client_secret.secret()),
            ("redirect_uri", &app.redirect_uri),
            ("scope", &scope),
        ],
    )
}

/// Exchanges an authorization code for a user token: `POST /oauth/token` with
/// `grant_type=authorization_code`.
///
/// `redirect_uri` must be the one used at authorize ([`OOB`] for a pasted code), and
/// `verifier` the PKCE verifier when the authorize URL carried a challenge (and `None`
/// otherwise: a verifier for a code issued without PKCE fails with `invalid_grant`). The token
/// carries exactly the scopes the user approved. [`AuthorizationRequest::exchange`] fills in
/// both from the request that made the authorize URL.
///
/// ```no_run
/// # let client = mastolite::Client::new("https://mastodon.example")?;
/// # let creds = mastolite::AppCredentials::new("id", mastolite::ClientSecret::new("s"));
/// let code = mastolite::AuthorizationCode::new("pasted code");
/// let token = mastolite::oauth::exchange_code(&client, &creds, &code, mastolite::OOB, None)?;
/// // With PKCE, the verifier kept from the authorize step is given up here.
/// let verifier = mastolite::PkceVerifier::new("kept from the authorize step");
/// let token = mastolite::oauth::exchange_code(&client, &creds, &code, mastolite::OOB, Some(verifier))?;
/// # let _ = token;
/// # Ok::<(), mastolite::Error>(())
/// ```
///
/// # Errors
/// [`Error::Api`] with 400 `invalid_grant` for a wrong, used or expired code, or a verifier
/// that does not match; 400 `invalid_request` when a PKCE code comes without its verifier;
/// 401 `invalid_client` for wrong app credentials.
pub fn exchange_code(
    client: &Client,
    app: &AppCredentials,
    code: &AuthorizationCode,
    redirect_uri: &str,
    verifier: Option<PkceVerifier>,
) -> Result<Token, Error> {
    let code = code.secret().trim();
    if code.is_empty() {
        return Err(Error::invalid("the authorization code is empty"));
    }
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect_uri),
        ("client_id", app.client_id.as_str()),
        ("client_secret", app.client_secret.secret()),
    ];
    if let Some(v) = &verifier {
        form.push(("code_verifier", v.secret()));
    }
    token_request(client, form)
}

/// When the authorize URL carries a PKCE challenge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Pkce {
    /// On every server, unless its metadata document exists and does not list `S256`.
    /// Servers without PKCE ignore the unknown parameters (RFC 6749 §3.1 and §3.2), and the
    /// OAuth security BCP (RFC 9700 §2.1.1) asks every client to use it; so GoToSocial and
    /// Mastodon before 4.3, which publish no metadata document, get a challenge too.
    #[default]
    Auto,
    /// Always, even when the server's metadata lists other methods only.
    Always,
    /// Never. Choose it for a server that refuses PKCE: Doorkeeper before 5.5 (as in Mastodon
    /// 3.3 and older) fails the code exchange with `invalid_grant` when a `code_verifier` comes
    /// for a code issued without a challenge, although its authorize page ignores the
    /// challenge. Such a server publishes no metadata document, so [`Pkce::Auto`] sends PKCE;
    /// an `invalid_grant` from [`AuthorizationRequest::exchange`] then carries
    /// [`PKCE_REFUSED_HINT`]. A wrong or expired code fails the same way: the hint cannot tell
    /// which, so ask the user for a new code with `Never` rather than retrying by yourself.
    Never,
}

/// The hint of an `invalid_grant` answer to [`AuthorizationRequest::exchange`] after a
/// verifier was sent to a server without a metadata document (see [`Pkce::Never`]); it is
/// [`ApiError::hint`](crate::ApiError::hint) and ends the error's message. A program that
/// names the remedy in its own words replaces it with
/// [`ApiError::with_hint`](crate::ApiError::with_hint).
pub const PKCE_REFUSED_HINT: &str = "either the code is wrong or expired, or the server is an \
    old one that refuses PKCE (Doorkeeper before 5.5, as in Mastodon 3.3 and older); to log in \
    without PKCE, ask for a new code with `Pkce::Never`";

/// What [`authorization_request`] needs besides the app and the requested scopes: the app's
/// registered scopes, the server's metadata, `force_login`, `lang`, and when to use PKCE.
///
/// ```
/// use mastolite::oauth::{AuthorizeOptions, Pkce};
/// use mastolite::ServerMetadata;
/// let options = AuthorizeOptions::new()
///     .registered("read write".parse()?)
///     .metadata(ServerMetadata::classic("https://mastodon.example"))
///     .force_login(true)
///     .lang("de")
///     .pkce(Pkce::Always);
/// # let _ = options;
/// # Ok::<(), mastolite::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[must_use]
pub struct AuthorizeOptions {
    registered: Option<Scopes>,
    metadata: Option<ServerMetadata>,
    force_login: bool,
    lang: Option<String>,
    pkce: Pkce,
}

impl AuthorizeOptions {
    /// No registered scopes or metadata, no `force_login`, no `lang`, and [`Pkce::Auto`].
    pub fn new() -> Self {
        Self::default()
    }
    /// The scopes the app registered. The requested scopes must then be among them, compared
    /// as strings as Mastodon does (`read` does not cover `read:accounts` here); without
    /// them, the server checks and shows its error page in the browser.
    pub fn registered(mut self, scopes: Scopes) -> Self {
        self.registered = Some(scopes);
        self
    }
    /// The server's metadata (from [`server_metadata`]): its `authorization_endpoint` is used
    /// (it must be on the client's origin), its supported scopes are checked, and
    /// [`Pkce::Auto`] follows its `code_challenge_methods_supported`. Without it, the URL is
    /// `{origin}/oauth/authorize`.
    pub fn metadata(mut self, metadata: ServerMetadata) -> Self {
        self.metadata = Some(metadata);
        self
    }
    /// Shows the consent screen even when the user already authorized the app, so that they
    /// can switch accounts (Mastodon 2.6+).
    pub fn force_login(mut self, force: bool) -> Self {
        self.force_login = force;
        self
    }
    /// The language of the login and consent pages, one of Mastodon's locale codes (`en`,
    /// `de`, `pt-BR`, …; 3.5+). Unknown codes are ignored by the server.
    pub fn lang(mut self, lang: impl Into<String>) -> Self {
        self.lang = Some(lang.into());
        self
    }
    /// When to send a PKCE challenge (default [`Pkce::Auto`]).
    pub fn pkce(mut self, pkce: Pkce) -> Self {
        self.pkce = pkce;
        self
    }
}

/// The authorize URL, and what the callback and the code exchange need from it: the `state`,
/// the PKCE verifier, the redirect URI and the requested scopes. Keep it until the code is
/// exchanged; [`exchange`](Self::exchange) consumes it, so a request is exchanged at most
/// once.
///
/// `Debug` shows neither the state (it is redacted in the URL too) nor the verifier.
#[must_use = "the state and the PKCE verifier are needed to finish the login"]
pub struct AuthorizationRequest {
    url: String,
    state: CsrfState,
    verifier: Option<PkceVerifier>,
    redirect_uri: String,
    scopes: Scopes,
    /// A verifier is sent, and no metadata document says the server knows PKCE.
    pkce_unconfirmed: bool,
}

impl std::fmt::Debug for AuthorizationRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthorizationRequest")
            .field("url", &self.url.replace(self.state.secret(), "[redacted]"))
            .field("state", &self.state)
            .field("verifier", &self.verifier)
            .field("redirect_uri", &self.redirect_uri)
            .field("scopes", &self.scopes)
            .field("pkce_unconfirmed", &self.pkce_unconfirmed)
            .finish()
    }
}

impl AuthorizationRequest {
    /// The URL to open in the user's browser (empty for a request rebuilt with
    /// [`resume`](Self::resume): the browser was sent there already).
    pub fn url(&self) -> &str {
        &self.url
    }
    /// The `state` sent in the URL.
    pub fn state(&self) -> &CsrfState {
        &self.state
    }
    /// The PKCE verifier, when the URL carries a challenge.
    pub fn verifier(&self) -> Option<&PkceVerifier> {
        self.verifier.as_ref()
    }
    /// The redirect URI sent in the URL; the code exchange sends it again.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }
    /// The requested scopes.
    pub fn scopes(&self) -> &Scopes {
        &self.scopes
    }

    /// Rebuilds a stored login, for a web app that answers the callback in another process or
    /// after a restart: [`state`](Self::state), [`verifier`](Self::verifier),
    /// [`redirect_uri`](Self::redirect_uri) and [`scopes`](Self::scopes) give what to keep (the
    /// state and the verifier are secrets: keep them server-side or encrypted). The rebuilt
    /// request checks the callback and exchanges the code; its [`url`](Self::url) is empty.
    /// Its `invalid_grant` carries no [`PKCE_REFUSED_HINT`]: it cannot know whether the
    /// server had a metadata document.
    ///
    /// ```no_run
    /// use mastolite::oauth::{self, AuthorizationRequest, AuthorizeOptions};
    /// use mastolite::{AppCredentials, Client, CsrfState, PkceVerifier, Scopes};
    /// use std::collections::HashMap;
    ///
    /// /// What the server keeps per browser session (a database row, an encrypted cookie).
    /// struct Saved { state: String, verifier: Option<String>, redirect_uri: String, scopes: String }
    ///
    /// // GET /login: send the browser to the server, keep what the callback needs.
    /// fn login(client: &Client, app: &AppCredentials, sessions: &mut HashMap<String, Saved>,
    ///          session: &str) -> Result<String, mastolite::Error> {
    ///     let request = oauth::authorization_request(client, app, &"read".parse()?,
    ///         &AuthorizeOptions::new())?;
    ///     sessions.insert(session.to_owned(), Saved {
    ///         state: request.state().secret().to_owned(),
    ///         verifier: request.verifier().map(|v| v.secret().to_owned()),
    ///         redirect_uri: request.redirect_uri().to_owned(),
    ///         scopes: request.scopes().to_string(),
    ///     });
    ///     Ok(request.url().to_owned()) // answer with a 303 to this URL
    /// }
    ///
    /// // GET /callback?code=…&state=…: rebuild the request, check the state, exchange.
    /// fn callback(client: &Client, app: &AppCredentials, sessions: &mut HashMap<String, Saved>,
    ///             session: &str, target: &str) -> Result<mastolite::Token, mastolite::Error> {
    ///     let saved = sessions.remove(session).ok_or(mastolite::Error::StateMismatch)?;
    ///     let request = AuthorizationRequest::resume(
    ///         CsrfState::new(saved.state),
    ///         saved.verifier.map(PkceVerifier::new),
    ///         saved.redirect_uri,
    ///         saved.scopes.parse::<Scopes>()?,
    ///     );
    ///     let code = request.parse_callback(target)?;
    ///     request.exchange(client, app, &code)
    /// }
    /// ```
    pub fn resume(
        state: CsrfState,
        verifier: Option<PkceVerifier>,
        redirect_uri: impl Into<String>,
        scopes: Scopes,
    ) -> Self {
        AuthorizationRequest {
            url: String::new(),
            state,
            verifier,
            redirect_uri: redirect_uri.into(),
            scopes,
            pkce_unconfirmed: false,
        }
    }

    /// Reads the redirect that the browser landed on: a full URL
    /// (`http://127.0.0.1:7777/callback?code=…&state=…`), a path with a query, or a bare
    /// query (`code=…&state=…`).
    ///
    /// The `state` must be there and match, compared in constant time. For [`OOB`] requests
    /// the server drops `state`, so a missing one is accepted there (a present one is still
    /// checked); usually the user just pastes the code, and [`exchange`](Self::exchange)
    /// takes it as it is.
    ///
    /// ```no_run
    /// # use mastolite::{oauth, Client, Error, Scopes};
    /// # let client = Client::new("https://mastodon.example")?;
    /// # let mut app = mastolite::AppCredentials::new("id", mastolite::ClientSecret::new("s"));
    /// # app.redirect_uri = "http://127.0.0.1:7777/callback".to_owned();
    /// # let scopes: Scopes = "read".parse()?;
    /// let request = oauth::authorization_request(&client, &app, &scopes,
    ///     &oauth::AuthorizeOptions::new().registered(scopes.clone()))?;
    /// # let landed_on = String::new();
    /// match request.parse_callback(&landed_on) {
    ///     Ok(code) => { let token = request.exchange(&client, &app, &code)?; let _ = token; }
    ///     Err(Error::Authorization(e)) if e.is_access_denied() => println!("declined"),
    ///     Err(e) => return Err(e),
    /// }
    /// # Ok::<(), Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::StateMismatch`] when `state` is missing or differs (the callback is not an
    /// answer to this request); [`Error::Authorization`] when the server sent an `error`
    /// (`access_denied` when the user declined), with its description;
    /// [`Error::InvalidInput`] when there is neither `code` nor `error`, or a parameter is
    /// repeated.
    pub fn parse_callback(&self, callback: &str) -> Result<AuthorizationCode, Error> {
        let params = CallbackParams::parse(callback)?;
        let state_ok = match &params.state {
            Some(s) => self.state.matches(s),
            None => self.redirect_uri == OOB,
        };
        if let Some(error) = params.error {
            // A forged error can only make the login fail, so a missing state is no reason
            // to hide the server's message; a wrong one is.
            if params.state.is_some() && !state_ok {
                return Err(Error::StateMismatch);
            }
            return Err(Error::Authorization(AuthorizationError::from_callback(
                error,
                params.error_description,
            )));
        }
        let Some(code) = params.code.filter(|c| !c.is_empty()) else {
            return Err(Error::invalid(
                "the callback carries neither a code nor an error",
            ));
        };
        if !state_ok {
            return Err(Error::StateMismatch);
        }
        Ok(AuthorizationCode::new(code))
    }

    /// Exchanges the code for a user token, sending this request's redirect URI and, when
    /// the URL carried a challenge, the PKCE verifier (see [`exchange_code`]). The request
    /// is consumed: a code is exchanged once, and so is a verifier.
    ///
    /// When a verifier was sent and the options held no metadata document (the server
    /// answered 404, or none was given), an `invalid_grant` carries [`PKCE_REFUSED_HINT`]:
    /// the code may be wrong or expired, or the server may refuse PKCE. Nothing is retried.
    ///
    /// ```no_run
    /// # use mastolite::{oauth, Client, Scopes};
    /// # let client = Client::new("https://mastodon.example")?;
    /// # let app = mastolite::AppCredentials::new("id", mastolite::ClientSecret::new("s"));
    /// # let scopes: Scopes = "read".parse()?;
    /// let request = oauth::authorization_request(&client, &app, &scopes,
    ///     &oauth::AuthorizeOptions::new())?;
    /// println!("open {} and paste the code here", request.url());
    /// let mut line = String::new();
    /// std::io::stdin().read_line(&mut line).expect("stdin");
    /// let token = request.exchange(&client, &app, &mastolite::AuthorizationCode::new(line.trim()))?;
    /// # let _ = token;
    /// # Ok::<(), mastolite::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`exchange_code`].
    pub fn exchange(
        self,
        client: &Client,
        app: &AppCredentials,
        code: &AuthorizationCode,
    ) -> Result<Token, Error> {
        let unconfirmed = self.pkce_unconfirmed;
        exchange_code(client, app, code, &self.redirect_uri, self.verifier).map_err(|e| match e {
            Error::Api(a) if unconfirmed && a.error() == Some("invalid_grant") => {
                Error::Api(Box::new((*a).with_hint(PKCE_REFUSED_HINT)))
            }
            e => e,
        })
    }
}

/// The parameters of a callback that this crate reads.
#[derive(Default)]
struct CallbackParams {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

impl CallbackParams {
    fn parse(callback: &str) -> Result<Self, Error> {
        let s = callback.trim();
        let s = s.split_once('#').map_or(s, |(before, _)| before);
        let query = match s.split_once('?') {
            Some((_, q)) => q,
            // A URL or a path without a query carries nothing.
            None if s.contains("://") || s.starts_with('/') => "",
            None => s,
        };
        let mut out = CallbackParams::default();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let slot = match crate::encode::form_decode(key).as_str() {
                "code" => &mut out.code,
                "state" => &mut out.state,
                "error" => &mut out.error,
                "error_description" => &mut out.error_description,
                _ => continue,
            };
            if slot.is_some() {
                // RFC 6749 §3.1: parameters must not be repeated. Which copy would be ours?
                return Err(Error::invalid(
                    "the callback repeats a parameter (code, state, error or error_description)",
                ));
            }
            *slot = Some(crate::encode::form_decode(value));
        }
        Ok(out)
    }
}

/// Builds the request for the authorize page (`GET /oauth/authorize`): its URL, with a fresh
/// random `state` and, as [`AuthorizeOptions::pkce`] says, a PKCE `S256` challenge (by
/// default on every server whose metadata does not rule it out).
///
/// `app` gives the `client_id` and the redirect URI ([`OOB`] for a code the user pastes, or
/// a URL the app registered). `requested` must not be empty; `scope` is always sent. The
/// options carry the app's registered scopes (checked as strings, as Mastodon does) and the
/// server's metadata (its authorize endpoint and supported scopes).
///
/// Nothing is sent to the server. The returned [`AuthorizationRequest`] holds the URL, the
/// state and the verifier.
///
/// ```no_run
/// use mastolite::{apps, oauth, Client, OOB};
/// let client = Client::new("https://mastodon.example")?;
/// let registered: mastolite::Scopes = "read write".parse()?;
/// let app = apps::create(&client, &apps::NewApp::new("Test").redirect_uri(OOB)
///     .scopes(registered.clone()))?;
/// let options = oauth::AuthorizeOptions::new()
///     .registered(registered)
///     .metadata(oauth::server_metadata(&client)?)
///     .force_login(true);
/// let request = oauth::authorization_request(&client, &app.credentials(), &"read".parse()?,
///     &options)?;
/// println!("open {}", request.url());
/// # Ok::<(), mastolite::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidInput`] for an empty scope set, scopes the app did not register or the
/// server does not list, an empty client id or redirect URI, a `lang` that is not a locale
/// code, or a metadata authorization endpoint on another origin or with whitespace or control
/// characters in it; [`Error::Randomness`] when
/// the operating system's random source fails.
pub fn authorization_request(
    client: &Client,
    app: &AppCredentials,
    requested: &Scopes,
    options: &AuthorizeOptions,
) -> Result<AuthorizationRequest, Error> {
    some_scope(requested)?;
    if let Some(registered) = &options.registered {
        let missing = requested.literal_difference(registered);
        if !missing.is_empty() {
            return Err(Error::invalid(format!(
                "the app did not register the scopes \"{}\" (it registered \"{}\", and Mastodon \
                 compares scopes as strings)",
                shortened(&missing),
                shortened(registered)
            )));
        }
    }
    let metadata = options.metadata.as_ref();
    if let Some(supported) = metadata.and_then(|m| m.scopes_supported.as_ref()) {
        let unknown = requested.literal_difference(supported);
        if !unknown.is_empty() {
            return Err(Error::invalid(format!(
                "the server does not support the scopes \"{}\"",
                shortened(&unknown)
            )));
        }
    }
    if app.client_id.trim().is_empty() {
        return Err(Error::invalid("the client id is empty"));
    }
    let redirect_uri = app.redirect_uri.as_str();
    if redirect_uri.is_empty() || redirect_uri.contains(char::is_whitespace) {
        return Err(Error::invalid(
            "the redirect URI must be one registered URI, without spaces",
        ));
    }
    if let Some(lang) = &options.lang {
        let ok = !lang.is_empty()
            && lang.len() <= 35
            && lang
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !ok {
            return Err(Error::invalid(format!(
                "{:?} is not a locale code such as en or pt-BR",
                crate::terminal::Clean(lang).to_string()
            )));
        }
    }
    let endpoint = authorize_endpoint(client, metadata)?;
    let use_pkce = match options.pkce {
        Pkce::Always => true,
        Pkce::Never => false,
        // Only a published document that does not list S256 rules PKCE out.
        Pkce::Auto => metadata.is_none_or(|m| !m.discovered || m.supports_pkce_s256()),
    };
    let state = CsrfState::generate()?;
    let verifier = if use_pkce {
        Some(PkceVerifier::generate()?)
    } else {
        None
    };
    let challenge = verifier.as_ref().map(PkceVerifier::challenge);
    let scope = requested.to_string();
    let mut params = vec![
        ("response_type", "code"),
        ("client_id", app.client_id.as_str()),
        ("redirect_uri", redirect_uri),
        ("scope", scope.as_str()),
        ("state", state.secret()),
    ];
    if let Some(c) = &challenge {
        params.push(("code_challenge", c));
        params.push(("code_challenge_method", crate::pkce::S256));
    }
    if options.force_login {
        params.push(("force_login", "true"));
    }
    if let Some(lang) = &options.lang {
        params.push(("lang", lang));
    }
    let sep = if endpoint.contains('?') { '&' } else { '?' };
    let url = format!("{endpoint}{sep}{}", crate::encode::query(&params));
    Ok(AuthorizationRequest {
        url,
        state,
        pkce_unconfirmed: verifier.is_some() && !metadata.is_some_and(|m| m.discovered),
        verifier,
        redirect_uri: redirect_uri.to_owned(),
        scopes: requested.clone(),
    })
}

/// Scopes in an error message, cut (by [`Clean`](crate::terminal::Clean)) so that a server
/// that lists 100,000 scopes does not make a megabyte of error text.
fn shortened(scopes: &Scopes) -> String {
    crate::terminal::Clean(&scopes.to_string()).to_string()
}

/// The metadata's authorization endpoint when it is on the client's origin, else the classic
/// path. One with whitespace or control characters is refused: the URL is printed alone on a
/// line, and a server must not be able to add lines of its own.
fn authorize_endpoint(client: &Client, metadata: Option<&ServerMetadata>) -> Result<String, Error> {
    let Some(url) = metadata.and_then(|m| m.authorization_endpoint.as_deref()) else {
        return Ok(client.url("/oauth/authorize"));
    };
    if url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || crate::terminal::is_unsafe(c))
    {
        return Err(Error::invalid(format!(
            "the server metadata's authorization endpoint {:?} has spaces or control characters",
            crate::terminal::Clean(url).to_string(),
        )));
    }
    match Origin::split(url) {
        Ok((origin, rest)) if origin.text == client.origin() && !rest.contains('#') => {
            Ok(url.to_owned())
        }
        _ => Err(Error::invalid(format!(
            "the server metadata's authorization endpoint {:?} is not on {}",
            crate::terminal::Clean(url).to_string(),
            client.origin()
        ))),
    }
}

/// Checks that a token grants what was asked for: `Ok(())`, or the scopes it lacks.
///
/// The token's `scope` is what the server granted (for a code exchange, what the user
/// approved). `read` covers every `read:*` and `write` every `write:*` (see
/// [`scopes::covers`](crate::scopes::covers)). A token whose response named no scopes is
/// taken to grant none. `?` turns the error into an [`Error::Authorization`] with the code
/// `insufficient_scope`.
///
/// ```
/// use mastolite::{AccessToken, Token};
/// let mut token = Token::new(AccessToken::new("x"));
/// token.scope = Some("read write:statuses".parse()?);
/// assert_eq!(mastolite::oauth::granted_covers(&token, &"read:accounts".parse()?), Ok(()));
/// let missing = mastolite::oauth::granted_covers(&token, &"read push".parse()?).unwrap_err();
/// assert_eq!(missing.scopes().to_string(), "push");
/// assert_eq!(missing.to_string(), "the server did not grant the scopes \"push\"");
/// # Ok::<(), mastolite::Error>(())
/// ```
///
/// # Errors
/// [`MissingScopes`] with the requested scopes that the token does not grant.
pub fn granted_covers(token: &Token, requested: &Scopes) -> Result<(), MissingScopes> {
    let missing = requested.missing_from(&token.scopes());
    if missing.is_empty() {
        Ok(())
    } else {
        Err(MissingScopes(missing))
    }
}

/// The requested scopes that a token was not granted, from [`granted_covers`].
///
/// `?` converts it into [`Error::Authorization`] with the OAuth code `insufficient_scope`
/// (RFC 6750 §3.1) and the missing scopes as its description.
///
/// ```
/// use mastolite::{AccessToken, Error, Token};
/// fn check(token: &Token) -> Result<(), Error> {
///     mastolite::oauth::granted_covers(token, &"read".parse()?)?;
///     Ok(())
/// }
/// match check(&Token::new(AccessToken::new("x"))) {
///     Err(Error::Authorization(e)) => assert_eq!(e.error(), "insufficient_scope"),
///     other => panic!("{other:?}"),
/// }
/// # Ok::<(), Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingScopes(Scopes);

impl MissingScopes {
    /// The scopes that were asked for and not granted.
    pub fn scopes(&self) -> &Scopes {
        &self.0
    }
}

impl std::fmt::Display for MissingScopes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the server did not grant the scopes \"{}\"",
            shortened(&self.0)
        )
    }
}

impl std::error::Error for MissingScopes {}

impl From<MissingScopes> for Error {
    fn from(m: MissingScopes) -> Self {
        Error::Authorization(
            AuthorizationError::new("insufficient_scope").with_description(m.to_string()),
        )
    }
}

/// Revokes a token: `POST /oauth/revoke` with the app's `client_id` and `client_secret` and
/// the `token`, as a form, and the token itself as `Authorization: Bearer`.
///
/// The header is what Mitra asks for: it answers 401 to client credentials alone (RFC 7009's
/// form) and 200 when the request also carries the token being revoked. Mastodon and the
/// servers that follow RFC 7009 read the form and ignore the header. The token goes only to
/// the client's server, which issued it.
///
/// The server answers 200 `{}` also for a token it does not know (already revoked, or never
/// issued), so revoking twice is safe and `Ok` does not prove the token existed. Revoking a
/// token that Mastodon handed to several logins (it reuses tokens for the same app, user and
/// scopes) ends all of them.
///
/// ```no_run
/// # let client = mastolite::Client::new("https://mastodon.example")?;
/// # let app = mastolite::AppCredentials::new("id", mastolite::ClientSecret::new("s"));
/// # let token = mastolite::AccessToken::new("…");
/// match mastolite::oauth::revoke(&client, &app, &token) {
///     Ok(()) => println!("revoked (or already unknown to the server)"),
///     Err(e) if e.is_unauthorized() => eprintln!("{e}"),
///     Err(e) => return Err(e),
/// }
/// # Ok::<(), mastolite::Error>(())
/// ```
///
/// # Errors
/// [`Error::Api`] with 403 `unauthorized_client` when the client id or secret is wrong, or
/// the token belongs to another app (not 401: [`Error::is_unauthorized`] is true and the
/// message says so); [`Error::InvalidInput`] for an empty token, or one with characters that
/// cannot be sent in a header.
pub fn revoke(client: &Client, app: &AppCredentials, token: &AccessToken) -> Result<(), Error> {
    if token.secret().trim().is_empty() {
        return Err(Error::invalid("the token to revoke is empty"));
    }
    let mut request = Request::post(
        REVOKE_EP,
        "/oauth/revoke".to_owned(),
        vec![
            ("client_id", app.client_id.as_str()),
            ("client_secret", app.client_secret.secret()),
            ("token", token.secret()),
        ],
    );
    request.token = Some(token);
    client.send(&request)?;
    Ok(())
}

/// The server's OAuth metadata: `GET /.well-known/oauth-authorization-server` (RFC 8414,
/// Mastodon 4.3+).
///
/// A server that answers 404 (Mastodon before 4.3, GoToSocial) gets
/// [`ServerMetadata::classic`]: the classic endpoints and `discovered` false. Given to
/// [`AuthorizeOptions::metadata`], a discovered document that does not list `S256` turns
/// PKCE off; the classic fallback does not.
///
/// ```no_run
/// # let client = mastolite::Client::new("https://mastodon.example")?;
/// let m = mastolite::oauth::server_metadata(&client)?;
/// if !m.discovered {
///     println!("no metadata document: the classic endpoints, no profile scope");
/// }
/// println!("PKCE: {}", m.supports_pkce_s256());
/// # Ok::<(), mastolite::Error>(())
/// ```
///
/// # Errors
/// [`Error::Api`] for an error status other than 404; transport and decode errors as for
/// every call.
pub fn server_metadata(client: &Client) -> Result<ServerMetadata, Error> {
    let request = Request::get(
        METADATA_EP,
        "/.well-known/oauth-authorization-server".to_owned(),
        None,
    );
    match client.send(&request) {
        Ok(reply) => {
            decode::<MetadataDocument>(&reply, "ServerMetadata", false).map(ServerMetadata::from)
        }
        Err(e) if e.status() == Some(404) => Ok(ServerMetadata::classic(client.origin())),
        Err(e) => Err(e),
    }
}

/// The signed-in user's claims: `GET /oauth/userinfo` (Mastodon 4.4+).
///
/// Needs a user token with the `profile` scope: `read` is not accepted (403). Servers before
/// 4.4 answer 404; check the metadata's `userinfo_endpoint` first.
///
/// ```no_run
/// # let client = mastolite::Client::new("https://mastodon.example")?;
/// # let token = mastolite::AccessToken::new("…");
/// let me = mastolite::oauth::userinfo(&client, &token)?;
/// println!("{:?} is {:?}", me.preferred_username, me.sub);
/// # Ok::<(), mastolite::Error>(())
/// ```
///
/// # Errors
/// [`Error::Api`] with 401 for a bad token, 403 without the `profile` scope, 422 for an app
/// token, 404 on servers before 4.4; transport and decode errors as for every call.
pub fn userinfo(client: &Client, token: &AccessToken) -> Result<UserInfo, Error> {
    let reply = client.send(&Request::get(
        USERINFO_EP,
        "/oauth/userinfo".to_owned(),
        Some(token),
    ))?;
    decode(&reply, "UserInfo", false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(redirect_uri: &str) -> AuthorizationRequest {
        AuthorizationRequest {
            url: "https://m.example/oauth/authorize?state=st4te".to_owned(),
            state: CsrfState::new("st4te"),
            verifier: None,
            redirect_uri: redirect_uri.to_owned(),
            scopes: Scopes::new().with("read"),
            pkce_unconfirmed: false,
        }
    }

    #[test]
    fn callback_forms() {
        let r = request("http://127.0.0.1:9/cb");
        for cb in [
            "http://127.0.0.1:9/cb?code=c%2Fd+e&state=st4te",
            "/cb?state=st4te&code=c%2Fd+e#frag",
            "?code=c%2Fd+e&state=st4te",
            "code=c%2Fd+e&state=st4te&extra=1",
        ] {
            assert_eq!(r.parse_callback(cb).unwrap().secret(), "c/d e", "{cb}");
        }
        assert!(matches!(
            r.parse_callback("code=x&state=st4tf"),
            Err(Error::StateMismatch)
        ));
        assert!(matches!(
            r.parse_callback("code=x"),
            Err(Error::StateMismatch)
        ));
        assert!(matches!(
            r.parse_callback("code=x&state=st4te&state=st4te"),
            Err(Error::InvalidInput(_))
        ));
        assert!(matches!(
            r.parse_callback("http://127.0.0.1:9/cb"),
            Err(Error::InvalidInput(_))
        ));
        assert!(matches!(
            r.parse_callback("state=st4te&code="),
            Err(Error::InvalidInput(_))
        ));
        // OOB: the server drops the state.
        let oob = request(OOB);
        assert_eq!(oob.parse_callback("code=abc").unwrap().secret(), "abc");
        assert!(matches!(
            oob.parse_callback("code=abc&state=nope"),
            Err(Error::StateMismatch)
        ));
    }

    #[test]
    fn callback_errors() {
        let r = request("http://127.0.0.1:9/cb");
        let e = r
            .parse_callback("error=access_denied&error_description=The+user+said+no&state=st4te")
            .unwrap_err();
        match &e {
            Error::Authorization(a) => {
                assert!(a.is_access_denied());
                assert_eq!(a.description(), Some("The user said no"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            e.to_string(),
            "authorization failed: access_denied (The user said no)"
        );
        assert!(matches!(
            r.parse_callback("error=access_denied&state=other"),
            Err(Error::StateMismatch)
        ));
        assert!(matches!(
            r.parse_callback("error=server_error"),
            Err(Error::Authorization(_))
        ));
    }

    #[test]
    fn debug_hides_state_and_verifier() {
        let mut r = request(OOB);
        r.verifier = Some(PkceVerifier::new("v3rifier"));
        let d = format!("{r:?}");
        assert!(!d.contains("st4te") && !d.contains("v3rifier"), "{d}");
        assert!(d.contains("state=[redacted]"), "{d}");
    }
}
