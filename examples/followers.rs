//! Lists an account's followers (or, with `--following`, the accounts it follows) as `@acct`
//! lines, following the `Link` header from page to page.
//!
//! ```sh
//! cargo run --example followers -- https://mastodon.example 14715
//! MASTOLITE_SERVER=https://mastodon.example cargo run --example followers -- --following 14715
//! ```
//!
//! The server comes from the first argument or `MASTOLITE_SERVER`. A token, when the server
//! requires one, comes from `MASTOLITE_TOKEN` only, never from the command line, where other
//! users of the machine could read it. At most 400 accounts are printed. Errors are one line on
//! stderr, with exit status 1; wrong arguments print the usage and exit with status 2.

use std::process::ExitCode;

use mastolite::{AccessToken, AccountId, Client, Error, Range, accounts};

const USAGE: &str = "usage: cargo run --example followers -- [--following] [SERVER] ACCOUNT_ID  (or MASTOLITE_SERVER=SERVER; token in MASTOLITE_TOKEN)";
const MAX: usize = 400;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let following = args.first().is_some_and(|a| a == "--following");
    if following {
        args.remove(0);
    }
    let (server, id) = match args.as_slice() {
        [server, id] => (server.clone(), id),
        [id] => match std::env::var("MASTOLITE_SERVER") {
            Ok(server) => (server, id),
            Err(_) => return usage(),
        },
        _ => return usage(),
    };
    let token = std::env::var("MASTOLITE_TOKEN").ok().map(AccessToken::new);
    match list(
        &server,
        token.as_ref(),
        &AccountId::from(id.as_str()),
        following,
    ) {
        Ok(n) => {
            eprintln!("{n} accounts");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("followers: {}", printable(&e.to_string()));
            ExitCode::FAILURE
        }
    }
}

fn usage() -> ExitCode {
    eprintln!("{USAGE}");
    ExitCode::from(2)
}

fn list(
    server: &str,
    token: Option<&AccessToken>,
    id: &AccountId,
    following: bool,
) -> Result<usize, Error> {
    let client = Client::new(server)?;
    let range = Range::new().limit(80);
    let pages = if following {
        accounts::following_pages(&client, token, id, &range)?
    } else {
        accounts::followers_pages(&client, token, id, &range)?
    };
    let mut n = 0;
    for account in pages.items().take(MAX) {
        println!("@{}", printable(&account?.acct));
        n += 1;
    }
    Ok(n)
}

/// Server-supplied text without control characters, so that it cannot rewrite the terminal.
fn printable(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
