//! OAuth 2: tokens from `POST /oauth/token`.
//!
//! Mastodon enables two grants: `client_credentials` (an app token, no user) and
//! `authorization_code` (a user token, with PKCE on 4.3+). Tokens do not expire and there are
//! no refresh tokens.

use crate::client::{Client, Request, decode};
use crate::entities::{AppCredentials, Token};
use crate::error::Error;
use crate::scopes::Scopes;
use crate::secret::{AuthorizationCode, PkceVerifier};

/// The out-of-band redirect URI: the server shows the code and the user pastes it into the app.
pub const OOB: &str = "urn:ietf:wg:oauth:2.0:oob";

const TOKEN_EP: &str = "POST /oauth/token";

/// Posts a grant to `/oauth/token` and decodes the token, never quoting the body in an error.
fn token_request(client: &Client, form: Vec<(&'static str, &str)>) -> Result<Token, Error> {
    let reply = client.send(&Request::post(TOKEN_EP, "/oauth/token".to_owned(), form))?;
    decode(TOKEN_EP, "Token", &reply.body, true)
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
    if scopes.is_empty() {
        return Err(Error::invalid(
            "ask for at least one scope: the server's default fails for apps without `read`",
        ));
    }
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
/// carries exactly the scopes the user approved.
///
/// ```no_run
/// # let client = mastolite::Client::new("https://mastodon.example")?;
/// # let creds = mastolite::AppCredentials::new("id", mastolite::ClientSecret::new("s"));
/// let code = mastolite::AuthorizationCode::new("pasted code");
/// let token = mastolite::oauth::exchange_code(&client, &creds, &code, mastolite::OOB, None)?;
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
    verifier: Option<&PkceVerifier>,
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
    if let Some(v) = verifier {
        form.push(("code_verifier", v.secret()));
    }
    token_request(client, form)
}
