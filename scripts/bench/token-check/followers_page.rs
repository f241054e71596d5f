//! mastolite: fetch an account's followers, a page at a time (`accounts::followers`, which
//! decodes every field and reads the Link header); the loopback benchmark of `scripts/measure`
//! compares it with the same loop on raw ureq.
//!
//! `followers_page <server> <account_id> <pages>` prints how many accounts the last page had.

use std::process::ExitCode;

use mastolite::{AccessToken, AccountId, Client, Error, Range, accounts};

fn run(server: &str, id: &str, pages: u32) -> Result<usize, Error> {
    let client = Client::new(server)?;
    let token = AccessToken::new("benchmark");
    let id = AccountId::from(id);
    let mut accounts = 0;
    for _ in 0..pages {
        accounts = accounts::followers(&client, Some(&token), &id, &Range::default())?
            .items
            .len();
    }
    Ok(accounts)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [server, id, pages] = args.as_slice() else {
        eprintln!("usage: followers_page <server> <account_id> <pages>");
        return ExitCode::from(2);
    };
    let Ok(pages) = pages.parse() else {
        eprintln!("pages must be a number");
        return ExitCode::from(2);
    };
    match run(server, id, pages) {
        Ok(n) => {
            println!("ok: {n} followers");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
