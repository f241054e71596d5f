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

const ACCOUNT: &str = include_str!("../../data/account_all_fields_synthesized.json");
const PER_PAGE: usize = 40;

/// The same page the loopback server sends: 40 copies of the full account, each with its id.
fn page() -> String {
    let id = "\"id\": \"110000000000000001\"";
    assert!(ACCOUNT.contains(id), "the account fixture changed");
    let accounts: Vec<String> = (0..PER_PAGE)
        .map(|i| ACCOUNT.replacen(id, &format!("\"id\": \"{}\"", 120_000 + i), 1))
        .collect();
    format!("[{}]", accounts.join(","))
}

macro_rules! plain {
    ($(struct $name:ident { $($field:ident : $ty:ty,)* })*) => {$(
        #[derive(serde::Deserialize, miniserde::Deserialize)]
        #[allow(dead_code)]
        struct $name { $($field: $ty,)* }
    )*};
}

// What a user of raw serde_json would write: every field of Account, plain types.
plain! {
    struct PlainAccount {
        id: String, username: String, acct: String, url: Option<String>, uri: Option<String>,
        display_name: String, note: Option<String>, avatar: Option<String>,
        avatar_static: Option<String>, avatar_description: Option<String>,
        header: Option<String>, header_static: Option<String>,
        header_description: Option<String>, locked: Option<bool>,
        fields: Option<Vec<PlainField>>, emojis: Option<Vec<PlainEmoji>>, bot: Option<bool>,
        group: Option<bool>, discoverable: Option<bool>, indexable: Option<bool>,
        noindex: Option<bool>, moved: Option<Box<PlainAccount>>, memorial: Option<bool>,
        suspended: Option<bool>, limited: Option<bool>, created_at: String,
        last_status_at: Option<String>, statuses_count: i64, followers_count: i64,
        following_count: i64, hide_collections: Option<bool>, show_media: Option<bool>,
        show_media_replies: Option<bool>, show_featured: Option<bool>,
        roles: Option<Vec<PlainRole>>, feature_approval: Option<PlainFeatureApproval>,
        email_subscriptions: Option<bool>, invalid_handle: Option<bool>,
    }
    struct PlainField { name: String, value: String, verified_at: Option<String>, }
    struct PlainEmoji {
        shortcode: String, url: String, static_url: String, visible_in_picker: Option<bool>,
        category: Option<String>, featured: Option<bool>,
    }
    struct PlainRole {
        id: String, name: String, color: Option<String>, permissions: Option<String>,
        highlighted: Option<bool>, collection_limit: Option<i64>,
    }
    struct PlainFeatureApproval {
        automatic: Option<Vec<String>>, manual: Option<Vec<String>>,
        current_user: Option<String>,
    }
}

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

const WAYS: [(&str, fn(&str) -> usize); 3] = [
    ("ours", ours),
    ("plain-serde", plain_serde),
    ("plain-miniserde", plain_miniserde),
];

fn main() {
    let body = page();
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
