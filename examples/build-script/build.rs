//! Looks up `MASTOLITE_HANDLE` on `MASTOLITE_SERVER` (with `MASTOLITE_TOKEN` when the server
//! requires one) and writes the account's display name and follower count to
//! `$OUT_DIR/account.rs`. When the variables are unset or the lookup fails, the build goes on
//! with fallback values and prints one `cargo:warning=` line.

use std::time::Duration;

use mastolite::{AccessToken, Client, RetryPolicy, accounts};

/// What `main.rs` gets: the handle asked for, and what the server said about it.
struct Baked {
    handle: String,
    display_name: String,
    followers: i64,
    fetched: bool,
}

fn fetch(
    server: &str,
    handle: &str,
    token: Option<&AccessToken>,
) -> Result<Baked, mastolite::Error> {
    // A build must not hang: a short timeout for the whole call, and no retries.
    let client = Client::builder(server)
        .timeout(Duration::from_secs(5))
        .total_timeout(Duration::from_secs(5))
        .retry(RetryPolicy::none())
        .build()?;
    let account = accounts::lookup(&client, token, &handle.parse()?)?;
    Ok(Baked {
        handle: format!("@{}", account.acct),
        display_name: account.display_name,
        followers: account.followers_count,
        fetched: true,
    })
}

fn main() {
    for var in ["MASTOLITE_SERVER", "MASTOLITE_HANDLE", "MASTOLITE_TOKEN"] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    println!("cargo:rerun-if-changed=build.rs");

    let var = |name| {
        std::env::var(name)
            .ok()
            .filter(|v: &String| !v.trim().is_empty())
    };
    let token = var("MASTOLITE_TOKEN").map(AccessToken::new);
    let handle = var("MASTOLITE_HANDLE");
    let result = match (var("MASTOLITE_SERVER"), &handle) {
        (Some(server), Some(handle)) => fetch(&server, handle, token.as_ref())
            .map_err(|e| format!("cannot look up {handle} on {server}: {e}")),
        _ => Err("MASTOLITE_SERVER and MASTOLITE_HANDLE are not both set".to_owned()),
    };
    let baked = result.unwrap_or_else(|why| {
        // Exactly one line: cargo shows each `cargo:warning=` line as its own warning.
        let why = why.replace(['\r', '\n'], " ");
        println!("cargo:warning={why}; using fallback values");
        Baked {
            handle: handle.map_or_else(
                || "@nobody".to_owned(),
                |h| accounts::Handle::parse(&h).map_or(h, |h| h.to_string()),
            ),
            display_name: "(unknown)".to_owned(),
            followers: 0,
            fetched: false,
        }
    });

    // `{:?}` writes a Rust string literal: quotes, backslashes and control characters escaped.
    let code = format!(
        "/// The handle that was looked up.\n\
         pub const HANDLE: &str = {:?};\n\
         /// The account's display name.\n\
         pub const DISPLAY_NAME: &str = {:?};\n\
         /// The account's follower count.\n\
         pub const FOLLOWERS: i64 = {};\n\
         /// False when the values are the fallbacks.\n\
         pub const FETCHED: bool = {};\n",
        baked.handle, baked.display_name, baked.followers, baked.fetched
    );
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("account.rs");
    std::fs::write(&out, code).expect("OUT_DIR is writable");
}
