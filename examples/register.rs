//! Registers an app: `POST /api/v1/apps`, and prints what to keep.
//!
//! ```sh
//! cargo run --example register -- https://mastodon.example ["App name"]
//! MASTOLITE_SERVER=https://mastodon.example cargo run --example register
//! ```
//!
//! The app gets the out-of-band redirect URI and the scopes `read write push`. The client
//! secret is printed because this is the only time the server shows it: keep the output
//! somewhere private. Errors are one line on stderr, with exit status 1; a missing server
//! prints the usage and exits with status 2.

use std::process::ExitCode;

use mastolite::{Client, Error, OOB, apps};

const USAGE: &str =
    "usage: cargo run --example register -- [SERVER] [APP_NAME]  (or MASTOLITE_SERVER=SERVER)";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(server) = args
        .next()
        .or_else(|| std::env::var("MASTOLITE_SERVER").ok())
    else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let name = args
        .next()
        .unwrap_or_else(|| "mastolite example".to_owned());
    match register(&server, &name) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("register: {}", printable(&e.to_string()));
            ExitCode::FAILURE
        }
    }
}

fn register(server: &str, name: &str) -> Result<(), Error> {
    let client = Client::new(server)?;
    let app = apps::create(
        &client,
        &apps::NewApp::new(name)
            .redirect_uri(OOB)
            .scopes("read write push".parse()?),
    )?;
    let creds = app.credentials();
    println!("client_id: {}", printable(&creds.client_id));
    println!("client_secret: {}", printable(creds.client_secret.secret()));
    println!("redirect_uri: {}", printable(&creds.redirect_uri));
    if let Some(scopes) = &app.scopes {
        println!("scopes: {}", printable(&scopes.to_string()));
    }
    Ok(())
}

/// Server-supplied text without control characters, so that it cannot rewrite the terminal.
fn printable(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
