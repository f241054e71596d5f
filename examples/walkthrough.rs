//! The steps of Mastodon's guide "Obtaining client app access", against a real server.
//!
//! ```sh
//! cargo run --example walkthrough -- https://mastodon.example [ACCOUNT_ID | @user[@domain]]
//! ```
//!
//! 1. Registers an app with the scopes `read write push` and the out-of-band redirect URI,
//!    and prints its `client_id`.
//! 2. Gets an app token with the client-credentials grant.
//! 3. Verifies the token and prints the app's name.
//! 4. Given an account id, or a handle (looked up first), prints up to 80 followers and 80
//!    accounts followed, one `@acct` a line, following the `Link` header from page to page.
//!
//! A failing step prints one line on stderr and exits with status 1; a missing server, or an
//! account that is neither an id nor a handle, prints the usage and exits with status 2.
//! Mastodon allows 5 registrations per 10 minutes from one address.

use std::process::ExitCode;

use mastolite::accounts::AccountRef;
use mastolite::scopes::{PUSH, READ, WRITE};
use mastolite::{Client, Error, OOB, Range, Scopes, accounts, apps, oauth};

const USAGE: &str =
    "usage: cargo run --example walkthrough -- https://mastodon.example [ACCOUNT_ID | @HANDLE]";
/// How many followers, and how many accounts followed, to print.
const SHOWN: usize = 80;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (server, id) = match args.as_slice() {
        [flag] if flag == "-h" || flag == "--help" => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        [server] => (server, None),
        [server, account] => match AccountRef::parse(account) {
            Ok(account) => (server, Some(account)),
            Err(e) => {
                eprintln!("walkthrough: {}\n{USAGE}", printable(&e.to_string()));
                return ExitCode::from(2);
            }
        },
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match walk(server, id.as_ref()) {
        Ok(()) => ExitCode::SUCCESS,
        Err((step, e)) => {
            eprintln!("walkthrough: {step}: {}", printable(&e.to_string()));
            ExitCode::FAILURE
        }
    }
}

/// A failed step: what was being done, and the error.
pub(crate) type Failed = (&'static str, Error);

pub(crate) fn walk(server: &str, account: Option<&AccountRef>) -> Result<(), Failed> {
    let at = |step: &'static str| move |e: Error| (step, e);
    let client = Client::new(server).map_err(at("reading the server address"))?;

    // 1. Register an application.
    let scopes = Scopes::new().with(READ).with(WRITE).with(PUSH);
    let app = apps::create(
        &client,
        &apps::NewApp::new("mastolite walkthrough")
            .redirect_uri(OOB)
            .scopes(scopes),
    )
    .map_err(at("registering the app"))?;
    println!("client_id: {}", printable(&app.client_id));

    // 2. Obtain an app token. Reading follower lists needs `read` only.
    let read = Scopes::new().with(READ);
    let token = oauth::client_credentials(&client, &app.credentials(), &read)
        .map_err(at("getting an app token"))?;

    // 3. Verify it.
    let verified = apps::verify_credentials(&client, &token.access_token)
        .map_err(at("verifying the app token"))?;
    println!("app: {}", printable(&verified.name));

    // 4. Read an account's relations, page by page; a handle is looked up first.
    if let Some(account) = account {
        let token = Some(&token.access_token);
        let id =
            &accounts::resolve(&client, token, account).map_err(at("looking up the account"))?;
        if let AccountRef::Handle(handle) = account {
            println!("{handle}: id {}", printable(id.as_str()));
        }
        let followers = accounts::followers_pages(&client, token, id, &page_size())
            .map_err(at("listing followers"))?;
        print_accounts("followers", followers.items()).map_err(at("listing followers"))?;
        let following = accounts::following_pages(&client, token, id, &page_size())
            .map_err(at("listing following"))?;
        print_accounts("following", following.items()).map_err(at("listing following"))?;
    }
    Ok(())
}

/// 40 a page, so that 80 accounts take two pages and the `Link` header is followed.
fn page_size() -> Range {
    Range::new().limit(40)
}

/// Prints up to [`SHOWN`] accounts under a heading, stopping at the first error.
fn print_accounts(
    heading: &str,
    items: impl Iterator<Item = Result<mastolite::Account, Error>>,
) -> Result<(), Error> {
    println!("{heading}:");
    for account in items.take(SHOWN) {
        println!("@{}", printable(&account?.acct));
    }
    Ok(())
}

/// Server-supplied text without control characters, so that it cannot rewrite the terminal.
fn printable(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
