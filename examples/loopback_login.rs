//! Loopback login (RFC 8252): the browser comes back to a one-shot listener on 127.0.0.1.
//!
//! ```sh
//! cargo run --example loopback_login -- https://mastodon.example "read write"
//! ```
//!
//! It listens on `127.0.0.1` with a port the OS picks, registers an app with the redirect URI
//! `http://127.0.0.1:PORT/callback` (or reuses the one in `MASTOLITE_CLIENT_ID` /
//! `MASTOLITE_CLIENT_SECRET`: Mastodon matches loopback redirect URIs on any port, so an app
//! registered with `http://127.0.0.1/callback` serves every run), prints the authorize URL
//! with a fresh `state` and a PKCE challenge (unless the server's metadata rules S256 out), and
//! waits up to five minutes in all for the browser's redirect to `/callback`: a connection
//! that trickles its request cannot hold the wait past that, and a callback with a wrong
//! `state` gets an error page while the wait goes on. It exchanges the code with the
//! verifier, answers the browser with a short page, and prints `@acct`.
//! Errors are printed as one line, with exit status 1.

mod login_common;

use std::net::TcpListener;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use mastolite::terminal::sanitize;
use mastolite::{Client, Scopes};

/// How long the user has to approve in the browser.
const WAIT: Duration = Duration::from_secs(300);

fn login(server: &str, requested: &Scopes) -> login_common::Result<String> {
    let client = Client::new(server)?;
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let redirect_uri = format!(
        "http://127.0.0.1:{}/callback",
        listener.local_addr()?.port()
    );
    let (app, request) = login_common::start(&client, requested, &redirect_uri)?;
    if request.verifier().is_none() {
        eprintln!("note: the server's metadata rules PKCE (S256) out; logging in without it");
    }
    eprintln!(
        "Open this page in your browser and approve:\n\n{}\n",
        sanitize(request.url())
    );

    let (mut browser, outcome) =
        login_common::wait_for_callback(&listener, Instant::now() + WAIT, &request)?;
    let result = outcome
        .map_err(Into::into)
        .and_then(|code| login_common::finish(&client, &app, request, &code));
    let page = match &result {
        Ok(_) => (
            "200 OK",
            "Signed in. You can close this tab and go back to the terminal.",
        ),
        Err(_) => ("400 Bad Request", "Sign-in failed. The terminal says why."),
    };
    // The browser's page is a courtesy: the login's outcome does not depend on it.
    let _ = login_common::respond(&mut browser, page.0, page.1);
    result
}

fn main() -> ExitCode {
    login_common::main("loopback_login", login)
}
