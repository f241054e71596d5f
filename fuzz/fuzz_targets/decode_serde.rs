//! Entity decoding with serde_json: never panics, and never overflows the stack.
#![no_main]

#[macro_use]
#[path = "entities.rs"]
mod entities;

use libfuzzer_sys::fuzz_target;

fn decode<T: serde::de::DeserializeOwned>(text: &str) {
    let _ = serde_json::from_str::<T>(text);
}

fuzz_target!(|data: &[u8]| for_entity!(data, decode));
