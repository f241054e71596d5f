//! Entity decoding with miniserde: never panics, and never overflows the stack.
#![no_main]

#[macro_use]
#[path = "entities.rs"]
mod entities;

use libfuzzer_sys::fuzz_target;

fn decode<T: miniserde::Deserialize>(text: &str) {
    let _ = miniserde::json::from_str::<T>(text);
}

fuzz_target!(|data: &[u8]| for_entity!(data, decode));
