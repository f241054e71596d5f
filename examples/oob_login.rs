//! Out-of-band login: the user approves in a browser and pastes the code the server shows.
//!
//! ```sh
//! cargo run --example oob_login -- https://mastodon.example "read write"
//! ```
//!
//! It registers an app with the redirect URI `urn:ietf:wg:oauth:2.0:oob` (or reuses the one
//! in `MASTOLITE_CLIENT_ID` / `MASTOLITE_CLIENT_SECRET`, registered with that URI, whose
//! scopes `MASTOLITE_APP_SCOPES` names), discovers the server's OAuth metadata, prints the
//! authorize URL (with PKCE unless the server's metadata rules it out), reads the pasted code from
//! stdin, exchanges it, and prints `@acct` from `verify_credentials`. Errors are printed as one
//! line, with exit status 1.

// The loopback listener in it is for loopback_login.
#[allow(dead_code)]
mod login_common;

use std::process::ExitCode;

use mastolite::terminal::sanitize;
use mastolite::{AuthorizationCode, Client, OOB, Scopes};

fn login(server: &str, requested: &Scopes) -> login_common::Result<String> {
    let client = Client::new(server)?;
    let (app, request) = login_common::start(&client, requested, OOB)?;
    eprintln!(
        "Open this page, approve, and paste the code it shows:\n\n{}\n",
        sanitize(request.url())
    );
    eprint!("code: ");
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    // The whole `/oauth/authorize/native?code=…` address works as well as the bare code.
    let code = if line.contains("code=") {
        request.parse_callback(&line)?
    } else {
        AuthorizationCode::new(line.trim())
    };
    login_common::finish(&client, &app, request, &code)
}

fn main() -> ExitCode {
    login_common::main("oob_login", login)
}
