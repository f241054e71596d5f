//! The credentials file loader (versions 1 and 2): never panics, its error never quotes the
//! file (its length does not grow with the input), and what it loads survives a save and a
//! load unchanged, with the same text the second time.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mastolite::store::Store;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Store::from_json(text) {
        Ok(store) => {
            let text = store.to_json();
            let again = Store::from_json(&text).expect("a saved store loads");
            assert_eq!(again, store);
            assert_eq!(again.to_json(), text);
        }
        Err(e) => {
            let shown = format!("{e} {e:?}");
            assert!(shown.len() < 1000, "{shown}");
        }
    }
});
