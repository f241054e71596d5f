//! Decodes a page of 40 full accounts, four ways:
//! - `ours`: `mastolite::Account` with the backend the build enabled (`ours-serde` or
//!   `ours-miniserde`), called through that backend as the crate does
//! - `plain-serde`: serde_json into a plain struct with the same fields
//! - `plain-miniserde`: miniserde into the same plain struct
//!
//! `bench-decode time [rounds]` prints, per way, the best of 7 runs in nanoseconds per
//! account. `bench-decode count WAY PAGES` decodes PAGES pages and nothing else, for
//! instruction counts under callgrind (run it with 0 and with N pages and subtract).

use std::hint::black_box;
use std::time::Instant;

#[path = "../../page.rs"]
mod page;
use page::{PER_PAGE, followers_page};

#[path = "../../plain_account.rs"]
mod plain_account;
use plain_account::PlainAccount;

#[cfg(feature = "ours-serde")]
fn ours(body: &str) -> usize {
    serde_json::from_str::<Vec<mastolite::Account>>(body)
        .expect("ours decodes")
        .len()
}

#[cfg(all(feature = "ours-miniserde", not(feature = "ours-serde")))]
fn ours(body: &str) -> usize {
    miniserde::json::from_str::<Vec<mastolite::Account>>(body)
        .expect("ours decodes")
        .len()
}

fn plain_serde(body: &str) -> usize {
    serde_json::from_str::<Vec<PlainAccount>>(body)
        .expect("plain serde decodes")
        .len()
}

fn plain_miniserde(body: &str) -> usize {
    miniserde::json::from_str::<Vec<PlainAccount>>(body)
        .expect("plain miniserde decodes")
        .len()
}

/// A way of decoding the page; returns the number of accounts.
type Decoder = fn(&str) -> usize;

const WAYS: [(&str, Decoder); 3] = [
    ("ours", ours),
    ("plain-serde", plain_serde),
    ("plain-miniserde", plain_miniserde),
];

fn main() {
    let body = followers_page();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["count", way, pages] => {
            let (_, f) = WAYS
                .iter()
                .find(|(name, _)| name == way)
                .expect("way: ours, plain-serde or plain-miniserde");
            let pages: usize = pages.parse().expect("pages is a number");
            for _ in 0..pages {
                assert_eq!(f(black_box(&body)), PER_PAGE);
            }
        }
        ["time", rest @ ..] => {
            let rounds: usize = rest.first().map_or(200, |r| r.parse().expect("rounds"));
            for (name, f) in WAYS {
                let mut best = f64::MAX;
                for _ in 0..7 {
                    let start = Instant::now();
                    for _ in 0..rounds {
                        assert_eq!(f(black_box(&body)), PER_PAGE);
                    }
                    let ns = start.elapsed().as_nanos() as f64 / (rounds * PER_PAGE) as f64;
                    best = best.min(ns);
                }
                println!("{name} {best:.0}");
            }
        }
        _ => {
            eprintln!("usage: bench-decode time [rounds] | bench-decode count WAY PAGES");
            std::process::exit(2);
        }
    }
}
