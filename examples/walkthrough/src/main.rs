//! The steps of Mastodon's guide "Obtaining client app access", one request at a time, each
//! printed with its result.
//!
//! ```sh
//! cargo run -p walkthrough                          # offline: against a local demo server
//! cargo run -p walkthrough -- https://mastodon.example [ACCOUNT_ID | @user[@domain]]
//! ```
//!
//! 1. Registers an app with the scopes `read write push` and the out-of-band redirect URI,
//!    and prints its `client_id`.
//! 2. Gets an app token with the client-credentials grant.
//! 3. Verifies the token and prints the app's name.
//! 4. Given an account id, or a handle (looked up first), prints up to 80 followers and 80
//!    accounts followed, one `@acct` a line, following the `Link` header from page to page.
//!
//! With no argument it starts [`demo::DemoServer`], a stand-in for a Mastodon 4.x server on
//! 127.0.0.1, and runs every step (with the demo's account) against it: nothing leaves the
//! machine. Secrets (the client secret, the token) are never printed, and everything the server
//! sends goes through [`mastolite::terminal::sanitize`] before it reaches the terminal.
//!
//! A failing step prints one line on stderr and exits with status 1; an account that is neither
//! an id nor a handle, or too many arguments, prints the usage and exits with status 2.
//! Mastodon allows 5 registrations per 10 minutes from one address.

#![forbid(unsafe_code)]

// The demo server lives beside the examples, where `examples/post_status.rs` reaches it too.
#[path = "../../demo/mod.rs"]
mod demo;

use std::process::ExitCode;

use mastolite::accounts::AccountRef;
use mastolite::scopes::{PUSH, READ, WRITE};
use mastolite::terminal::sanitize;
use mastolite::{Account, Client, Error, OOB, Page, Range, Scopes, accounts, apps, oauth};

const USAGE: &str = "usage: cargo run -p walkthrough [-- https://mastodon.example [ACCOUNT_ID | @HANDLE]]\n\
     With no server, the steps run against a local demo server.";
/// The app the walkthrough registers.
const APP_NAME: &str = "mastolite walkthrough";
/// How many followers, and how many accounts followed, to print.
const SHOWN: usize = 80;
/// Accounts asked for in one page: 80 accounts take two pages, so the `Link` header is followed.
const PAGE: u32 = 40;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (server, account) = match args.as_slice() {
        [flag] if flag == "-h" || flag == "--help" => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        [] => return run_demo(),
        [server] => (server, None),
        [server, account] => match AccountRef::parse(account) {
            Ok(account) => (server, Some(account)),
            Err(e) => {
                eprintln!("walkthrough: {}\n{USAGE}", one_line(&e.to_string()));
                return ExitCode::from(2);
            }
        },
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    finish(walk(server, account.as_ref()))
}

/// The steps against the built-in demo server, with the demo's account.
fn run_demo() -> ExitCode {
    let server = match demo::DemoServer::start() {
        Ok(server) => server,
        Err(e) => {
            eprintln!("walkthrough: cannot start the local demo server: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "Local demo: no server was given, so the steps run against {}, a stand-in for a \
         Mastodon 4.x server in this program (127.0.0.1 only, with answers recorded from real \
         servers). Nothing leaves this machine.\n\
         To run the same steps against a real server: \
         cargo run -p walkthrough -- https://mastodon.example @user@domain",
        server.url()
    );
    let account = AccountRef::parse(demo::HANDLE).expect("the demo's handle is valid");
    let code = finish(walk(server.url(), Some(&account)));
    if code == ExitCode::SUCCESS {
        println!(
            "\nThat was the local demo: every step above is a real request from mastolite to \
             the demo server."
        );
    }
    code
}

/// The exit status of a walk, with its error on stderr.
fn finish(walked: Result<(), Failed>) -> ExitCode {
    match walked {
        Ok(()) => ExitCode::SUCCESS,
        Err((step, e)) => {
            eprintln!("walkthrough: {step}: {}", one_line(&e.to_string()));
            ExitCode::FAILURE
        }
    }
}

/// A failed step: what was being done, and the error.
type Failed = (&'static str, Error);

/// Runs the guide's steps against `server`, printing each request and its result.
fn walk(server: &str, account: Option<&AccountRef>) -> Result<(), Failed> {
    let at = |step: &'static str| move |e: Error| (step, e);
    let client = Client::new(server).map_err(at("reading the server address"))?;
    let origin = client.origin();
    let mut steps = 0;
    let mut step = |what: &str| {
        steps += 1;
        println!("\n{steps}. {what}");
    };

    step("Register an application");
    let scopes = Scopes::new().with(READ).with(WRITE).with(PUSH);
    sent("POST", &format!("{origin}/api/v1/apps"));
    detail(&format!(
        "client_name={APP_NAME}, redirect_uris={OOB}, scopes={scopes}"
    ));
    let app = apps::create(
        &client,
        &apps::NewApp::new(APP_NAME).redirect_uri(OOB).scopes(scopes),
    )
    .map_err(at("registering the app"))?;
    answer(&format!(
        "client_id: {} (the client_secret is kept, never printed)",
        one_line(&app.client_id)
    ));

    step("Obtain an app token (client credentials)");
    // Reading follower lists needs `read` only.
    let read = Scopes::new().with(READ);
    sent("POST", &format!("{origin}/oauth/token"));
    detail(&format!(
        "grant_type=client_credentials, scope={read}, with the app's client_id and client_secret"
    ));
    let token = oauth::client_credentials(&client, &app.credentials(), &read)
        .map_err(at("getting an app token"))?;
    answer(&format!(
        "an app token (never printed), scope {}",
        one_line(
            &token
                .scope
                .as_ref()
                .map_or("not stated".to_owned(), |s| s.to_string())
        )
    ));

    step("Verify the app token");
    sent("GET", &format!("{origin}/api/v1/apps/verify_credentials"));
    detail("Authorization: Bearer (the app token)");
    let verified = apps::verify_credentials(&client, &token.access_token)
        .map_err(at("verifying the app token"))?;
    answer(&format!("app: {}", one_line(&verified.name)));

    let Some(account) = account else {
        println!("\nGive an account id or an @handle as well to list followers and following.");
        return Ok(());
    };
    let token = Some(&token.access_token);
    let id = match account {
        AccountRef::Id(id) => id.clone(),
        AccountRef::Handle(handle) => {
            step(&format!("Look up {handle}"));
            sent(
                "GET",
                &format!(
                    "{origin}/api/v1/accounts/lookup?acct={}",
                    encode(handle.acct())
                ),
            );
            let found =
                accounts::lookup(&client, token, handle).map_err(at("looking up the account"))?;
            answer(&format!(
                "@{}: id {}, \"{}\", {} followers",
                one_line(&found.acct),
                one_line(found.id.as_str()),
                one_line(&found.display_name),
                found.followers_count
            ));
            found.id
        }
        other => accounts::resolve(&client, token, other).map_err(at("finding the account"))?,
    };
    let first = |list: &str| {
        format!(
            "{origin}/api/v1/accounts/{}/{list}?limit={PAGE}",
            encode(id.as_str())
        )
    };
    let range = Range::new().limit(PAGE);

    step("List the account's followers, page by page");
    let pages =
        accounts::followers_pages(&client, token, &id, &range).map_err(at("listing followers"))?;
    print_pages(first("followers"), pages).map_err(at("listing followers"))?;

    step("List the accounts it follows");
    let pages =
        accounts::following_pages(&client, token, &id, &range).map_err(at("listing following"))?;
    print_pages(first("following"), pages).map_err(at("listing following"))?;
    Ok(())
}

/// Prints each page's request, what came back, and its accounts, until [`SHOWN`] accounts are
/// printed or the server links to no further page. Stops at the first error.
fn print_pages(
    first: String,
    mut pages: impl Iterator<Item = Result<Page<Account>, Error>>,
) -> Result<(), Error> {
    let mut url = Some(first);
    let mut shown = 0;
    // Checked before each fetch, so that no page is requested beyond what is printed.
    while shown < SHOWN {
        let Some(page) = pages.next() else { break };
        if let Some(url) = url.take() {
            sent("GET", &one_line(&url));
        }
        let page = page?;
        let next = match &page.next {
            Some(_) => "the next page is in the Link header",
            None => "no next page",
        };
        answer(&format!("{} accounts; {next}", page.items.len()));
        for account in page.items.iter().take(SHOWN - shown) {
            println!("     @{}", one_line(&account.acct));
        }
        shown += page.items.len();
        url = page.next;
    }
    Ok(())
}

/// The request a step sends.
fn sent(method: &str, url: &str) {
    println!("   > {method} {url}");
}

/// What the request carries besides its URL (never a secret).
fn detail(what: &str) {
    println!("     {what}");
}

/// What came back.
fn answer(what: &str) {
    println!("   < {what}");
}

/// Server text on one line: [`sanitize`] escapes every character that could drive the terminal,
/// and line breaks are shown as `\n` so that a server cannot start a line of its own.
fn one_line(text: &str) -> String {
    sanitize(text).replace('\n', "\\n")
}

/// Percent-encodes a query value or path segment as the crate does: everything but ASCII
/// letters, digits and `-._~`.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
