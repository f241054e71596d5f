//! The credentials file loader: never panics, its error never quotes the file (its length does
//! not grow with the input), and what it loads survives a save and a load unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mastolite::store::Store;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Store::from_json(text) {
        Ok(store) => {
            let again = Store::from_json(&store.to_json()).expect("a saved store loads");
            assert_eq!(again, store);
        }
        Err(e) => {
            let shown = format!("{e} {e:?}");
            assert!(shown.len() < 1000, "{shown}");
        }
    }
});
