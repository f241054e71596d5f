//! The followers pages of the benchmarks: copies of the full account fixture, each with its own
//! id (40 for the runtime and decode benchmarks, 80 for the memory benchmark). Shared
//! (`#[path]`) by the loopback server and the decode benchmark.

/// Accounts on the page.
pub const PER_PAGE: usize = 40;

const ACCOUNT: &str = include_str!("data/account_all_fields_synthesized.json");

/// The page, as JSON text.
pub fn followers_page() -> String {
    accounts_page(PER_PAGE)
}

/// A page of `n` copies of the full account, as JSON text.
pub fn accounts_page(n: usize) -> String {
    let id = "\"id\": \"110000000000000001\"";
    assert!(ACCOUNT.contains(id), "the account fixture changed");
    let accounts: Vec<String> = (0..n)
        .map(|i| ACCOUNT.replacen(id, &format!("\"id\": \"{}\"", 120_000 + i), 1))
        .collect();
    format!("[{}]", accounts.join(","))
}
