//! Raw ureq 3: fetch an account's followers, a page at a time, and decode each page into a
//! plain struct with every field of an account (the loopback benchmark of `scripts/measure`).
//!
//! `followers_page <server> <account_id> <pages>` prints how many accounts the last page had.

use std::process::ExitCode;

#[path = "../common.rs"]
mod common;
#[path = "../../../../bench/plain_account.rs"]
mod plain_account;

use common::{Error, agent, decode};
use plain_account::PlainAccount;

fn run(server: &str, id: &str, pages: u32) -> Result<usize, Error> {
    let agent = agent();
    let url = format!(
        "{}/api/v1/accounts/{id}/followers",
        server.trim_end_matches('/')
    );
    let mut accounts = 0;
    for _ in 0..pages {
        let page: Vec<PlainAccount> = decode(
            &agent
                .get(&url)
                .header("Authorization", "Bearer benchmark")
                .call()?
                .body_mut()
                .read_to_string()?,
        )?;
        accounts = page.len();
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
