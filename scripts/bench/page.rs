//! The followers page of the benchmarks: 40 copies of the full account fixture, each with its
//! own id. Shared (`#[path]`) by the loopback server and the decode benchmark.

/// Accounts on the page.
pub const PER_PAGE: usize = 40;

const ACCOUNT: &str = include_str!("data/account_all_fields_synthesized.json");

/// The page, as JSON text.
pub fn followers_page() -> String {
    let id = "\"id\": \"110000000000000001\"";
    assert!(ACCOUNT.contains(id), "the account fixture changed");
    let accounts: Vec<String> = (0..PER_PAGE)
        .map(|i| ACCOUNT.replacen(id, &format!("\"id\": \"{}\"", 120_000 + i), 1))
        .collect();
    format!("[{}]", accounts.join(","))
}
