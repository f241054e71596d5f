//! What `oob_login` and `loopback_login` share: the command line, the app's credentials, and
//! the end of the login.

use std::process::ExitCode;

use mastolite::oauth::{self, AuthorizationRequest, AuthorizeOptions};
use mastolite::{AppCredentials, AuthorizationCode, Client, ClientSecret, Scopes, accounts, apps};

pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Runs `login(server, scopes)` with `<server> [scopes]` from argv, prints `@acct` on success,
/// and the error as one line with exit status 1 otherwise.
pub fn main(name: &str, login: fn(&str, &Scopes) -> Result<String>) -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(server) = args.next() else {
        eprintln!("usage: {name} <server> [scopes, default \"read\"]");
        eprintln!(
            "reuse an app: MASTOLITE_CLIENT_ID, MASTOLITE_CLIENT_SECRET, MASTOLITE_APP_SCOPES"
        );
        return ExitCode::from(2);
    };
    let result = args
        .next()
        .as_deref()
        .unwrap_or("read")
        .parse::<Scopes>()
        .map_err(Into::into)
        .and_then(|scopes| login(&server, &scopes));
    match result {
        Ok(acct) => {
            println!("@{acct}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The app's credentials with `redirect_uri`, and its registered scopes.
///
/// With `MASTOLITE_CLIENT_ID` and `MASTOLITE_CLIENT_SECRET` set, that app is reused (its
/// registered scopes from `MASTOLITE_APP_SCOPES`, else taken to be the requested ones).
/// Otherwise a new app is registered for `requested`; its secret is never printed.
fn app_credentials(
    client: &Client,
    requested: &Scopes,
    redirect_uri: &str,
) -> Result<(AppCredentials, Scopes)> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    if let (Some(id), Some(secret)) = (var("MASTOLITE_CLIENT_ID"), var("MASTOLITE_CLIENT_SECRET")) {
        let registered = match var("MASTOLITE_APP_SCOPES") {
            Some(s) => s.parse()?,
            None => requested.clone(),
        };
        let app = AppCredentials::new(id.trim(), ClientSecret::new(secret.trim()))
            .with_redirect_uri(redirect_uri);
        return Ok((app, registered));
    }
    let app = apps::create(
        client,
        &apps::NewApp::new("mastolite login example")
            .redirect_uri(redirect_uri)
            .scopes(requested.clone()),
    )?;
    eprintln!("registered a new app, client_id {}", app.client_id);
    let registered = app.scopes.as_deref().map_or_else(
        || requested.clone(),
        |s| s.iter().map(String::as_str).collect(),
    );
    Ok((
        app.credentials().with_redirect_uri(redirect_uri),
        registered,
    ))
}

/// The app's credentials and the authorize request for `redirect_uri`: the server's metadata
/// decides PKCE (S256 where advertised) and where the authorize page is.
pub fn start(
    client: &Client,
    requested: &Scopes,
    redirect_uri: &str,
) -> Result<(AppCredentials, AuthorizationRequest)> {
    let (app, registered) = app_credentials(client, requested, redirect_uri)?;
    let metadata = oauth::server_metadata(client)?;
    let request = oauth::authorize_url(
        client,
        &app,
        &registered,
        requested,
        Some(&metadata),
        &AuthorizeOptions::new(),
    )?;
    Ok((app, request))
}

/// Exchanges the code, warns about scopes the user did not grant, and returns the account's
/// `acct`.
pub fn finish(
    client: &Client,
    app: &AppCredentials,
    request: &AuthorizationRequest,
    code: &AuthorizationCode,
) -> Result<String> {
    let token = request.exchange(client, app, code)?;
    if let Err(missing) = oauth::granted_covers(&token, request.scopes()) {
        eprintln!("warning: the server did not grant {missing}");
    }
    Ok(accounts::verify_credentials(client, &token.access_token)?.acct)
}
