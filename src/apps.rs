//! Apps: `POST /api/v1/apps` and `GET /api/v1/apps/verify_credentials`.

use crate::client::{Client, Request, decode};
use crate::entities::{Application, CredentialApplication};
use crate::error::Error;
use crate::scopes::Scopes;
use crate::secret::AccessToken;

/// What to register: a name, redirect URIs, scopes and a website.
///
/// ```
/// use mastolite::{apps::NewApp, OOB};
/// let app = NewApp::new("Test Application")
///     .redirect_uri(OOB)
///     .scopes("read write push".parse()?)
///     .website("https://myapp.example");
/// # let _ = app;
/// # Ok::<(), mastolite::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct NewApp {
    name: String,
    redirect_uris: Vec<String>,
    scopes: Scopes,
    website: Option<String>,
}

impl NewApp {
    /// An app with this name (at most 60 characters), no redirect URI yet, and the scope
    /// `read`.
    ///
    /// ```
    /// let app = mastolite::apps::NewApp::new("Test Application");
    /// assert_eq!(app.name(), "Test Application");
    /// assert_eq!(app.requested_scopes().to_string(), "read");
    /// assert!(app.redirect_uris().is_empty());
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        NewApp {
            name: name.into(),
            redirect_uris: Vec::new(),
            scopes: Scopes::new().with(crate::scopes::READ),
            website: None,
        }
    }
    /// Adds a redirect URI: [`OOB`](crate::OOB) for codes the user pastes, or a URL the browser
    /// is sent to. Call it once per URI.
    pub fn redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.redirect_uris.push(uri.into());
        self
    }
    /// The scopes the app may ask for later (default `read`).
    pub fn scopes(mut self, scopes: Scopes) -> Self {
        self.scopes = scopes;
        self
    }
    /// The app's website, shown to users.
    pub fn website(mut self, url: impl Into<String>) -> Self {
        self.website = Some(url.into());
        self
    }

    /// The registered name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The redirect URIs, in order.
    pub fn redirect_uris(&self) -> &[String] {
        &self.redirect_uris
    }
    /// The requested scopes.
    pub fn requested_scopes(&self) -> &Scopes {
        &self.scopes
    }

    /// Checks what Mastodon would refuse with a 422, and builds the form.
    fn form(&self) -> Result<(String, String, String), Error> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 60 {
            return Err(Error::invalid("the app name must have 1 to 60 characters"));
        }
        if self.redirect_uris.is_empty() {
            return Err(Error::invalid(
                "an app needs at least one redirect URI (mastolite::OOB for pasted codes)",
            ));
        }
        for uri in &self.redirect_uris {
            if uri.is_empty()
                || uri.contains(char::is_whitespace)
                || uri.contains('#')
                || !uri.contains(':')
            {
                return Err(Error::invalid(format!(
                    "{:?} is not a valid redirect URI (absolute, no spaces, no fragment)",
                    crate::terminal::Clean(uri).to_string()
                )));
            }
        }
        if self.scopes.is_empty() {
            return Err(Error::invalid("an app needs at least one scope"));
        }
        let uris = self.redirect_uris.join("\n");
        if uris.len() > 2000 {
            return Err(Error::invalid(
                "the redirect URIs exceed 2,000 characters in all",
            ));
        }
        Ok((name.to_owned(), uris, self.scopes.to_string()))
    }
}

/// Registers an app: `POST /api/v1/apps`.
///
/// `scopes` goes as one space-separated string (Mastodon silently ignores an array), and the
/// redirect URIs as one string separated by newlines, which every version accepts. Keep the
/// returned `client_id` and `client_secret`: there is no way to read the secret again, and
/// Mastodon allows 5 registrations per 10 minutes per IP address.
///
/// ```no_run
/// use mastolite::{apps, Client, OOB};
/// let client = Client::new("https://mastodon.example")?;
/// let app = apps::create(&client, &apps::NewApp::new("Test Application")
///     .redirect_uri(OOB)
///     .scopes("read write push".parse()?)
///     .website("https://myapp.example"))?;
/// println!("client_id {}", app.client_id);
/// # Ok::<(), mastolite::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidInput`] for a name, URI or scope list that the server would refuse;
/// [`Error::Api`] with status 422 for what the server refuses anyway, 429 when throttled;
/// transport and decode errors as for every call.
pub fn create(client: &Client, app: &NewApp) -> Result<CredentialApplication, Error> {
    const EP: &str = "POST /api/v1/apps";
    let (name, uris, scopes) = app.form()?;
    let mut form = vec![
        ("client_name", name.as_str()),
        ("redirect_uris", uris.as_str()),
        ("scopes", scopes.as_str()),
    ];
    if let Some(w) = &app.website {
        form.push(("website", w.as_str()));
    }
    let reply = client.send(&Request::post(EP, "/api/v1/apps".to_owned(), form))?;
    // The body holds the client secret: never quote it in an error.
    decode(&reply, "CredentialApplication", true)
}

/// Checks a token and returns its app: `GET /api/v1/apps/verify_credentials`.
///
/// Works with app and user tokens. `scopes` in the answer are the app's registered scopes,
/// not the token's. GoToSocial has no such endpoint (404); check a user token with
/// [`accounts::verify_credentials`](crate::accounts::verify_credentials) there.
///
/// ```no_run
/// # let client = mastolite::Client::new("https://mastodon.example")?;
/// # let token = mastolite::AccessToken::new("…");
/// let app = mastolite::apps::verify_credentials(&client, &token)?;
/// println!("{}", app.name);
/// # Ok::<(), mastolite::Error>(())
/// ```
///
/// # Errors
/// [`Error::Api`] with 401 for a missing, unknown or revoked token, 403 for a suspended user;
/// transport and decode errors as for every call.
pub fn verify_credentials(client: &Client, token: &AccessToken) -> Result<Application, Error> {
    const EP: &str = "GET /api/v1/apps/verify_credentials";
    let reply = client.send(&Request::get(
        EP,
        "/api/v1/apps/verify_credentials".to_owned(),
        Some(token),
    ))?;
    decode(&reply, "Application", false)
}
