//! Prints what `build.rs` baked into the binary at build time.

include!(concat!(env!("OUT_DIR"), "/account.rs"));

fn main() {
    println!("handle: {HANDLE}");
    println!("display name: {DISPLAY_NAME}");
    println!("followers: {FOLLOWERS}");
    println!("fetched at build time: {FETCHED}");
}
